/*
 * cmd_deploy.c — `onlygen deploy [--dry-run]`: upload what changed in the
 * site directory to a Bunny Storage zone, delete what went, purge the CDN.
 *
 * Configuration comes from the environment (secrets never on the command
 * line, where `ps` shows them): BUNNY_STORAGE_ZONE, BUNNY_STORAGE_KEY,
 * BUNNY_STORAGE_REGION, BUNNY_STORAGE_BASE; for the purge BUNNY_ACCOUNT_KEY,
 * BUNNY_PULLZONE_ID, BUNNY_PULLZONE_URL, BUNNY_API_BASE_CORE.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "deploy.h"
#include "deploy_run.h"
#include "site_write.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: onlygen deploy [--dry-run] [--site DIR] [--state DIR] [--manifest FILE]\n"
	    "                      [--jobs N] [--timeout SECONDS] [--attempts N] [--no-purge]\n\n"
	    "Uploads new and changed files of the site directory to a Bunny Storage zone\n"
	    "(assets first, then pages), deletes remote files that no longer exist\n"
	    "locally, then purges the pull zone's cache for what changed.  Only the\n"
	    "files the build's manifest (STATE/site-manifest) names are uploaded;\n"
	    "anything else in the site directory is ignored.\n\n"
	    "  --dry-run         print the plan; change nothing\n"
	    "  --site DIR        the directory to publish (default: site)\n"
	    "  --state DIR       the build's state directory (default: var)\n"
	    "  --manifest FILE   record of the last deploy (default: var/deploy-ZONE.json)\n"
	    "  --jobs N          uploads in flight, 1..%d (default %d)\n"
	    "  --timeout S       seconds per request (default 60)\n"
	    "  --attempts N      tries per request (default 5)\n"
	    "  --no-purge        do not purge the CDN cache\n\n"
	    "environment:\n"
	    "  BUNNY_STORAGE_ZONE    storage zone name (required)\n"
	    "  BUNNY_STORAGE_KEY     the zone's password, FTP & API Access (required)\n"
	    "  BUNNY_STORAGE_REGION  de (default), uk, ny, la, sg, se, br, jh, syd\n"
	    "  BUNNY_STORAGE_BASE    endpoint URL override (tests)\n"
	    "  BUNNY_ACCOUNT_KEY     account API key, for the purge\n"
	    "  BUNNY_PULLZONE_ID     pull zone id, for a whole-zone purge\n"
	    "  BUNNY_PULLZONE_URL    public base URL, for per-URL purges\n"
	    "  BUNNY_API_BASE_CORE   core API URL override (default https://api.bunny.net)\n",
	    DEPLOY_JOBS_MAX, DEPLOY_JOBS_DEFAULT);
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v ? v : NULL;
}

/* The deploy's warnings: a failed request or file, a phase that stopped. */
static void
deploy_report_cb(void *arg, enum report_level level, const char *msg)
{
	(void)arg;
	(void)level;
	fprintf(stderr, "deploy: %s\n", msg);
}
static const struct reporter deploy_report = { deploy_report_cb, NULL };

/* On a terminal: one line per phase, redrawn as requests finish. */
static void
progress_cb(void *arg, const char *phase, size_t done, size_t total)
{
	(void)arg;
	fprintf(stderr, "\r\033[K%s %zu/%zu", phase, done, total);
	if (done == total)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

static void
retry_cb(void *arg, const char *phase, long delay_ms, const char *why)
{
	(void)arg;
	fprintf(stderr, "\r\033[K%s: retrying in %ld ms: %s\n", phase, delay_ms, why);
}

/* What deploy_purge() did, on stdout. */
static void
print_purge(const struct deploy_conf *c, enum deploy_purged what, size_t nurls)
{
	switch (what) {
	case PURGE_SKIPPED:
		printf("purge: skipped (set BUNNY_ACCOUNT_KEY and "
		    "BUNNY_PULLZONE_ID to purge the CDN cache after a deploy)\n");
		break;
	case PURGED_ZONE:
		printf("purged: the whole pull zone %s\n", c->pullzone_id);
		break;
	case PURGED_URLS:
		printf("purged: %zu URL%s\n", nurls, nurls == 1 ? "" : "s");
		break;
	case PURGED_NOTHING:
		break;
	}
}

/* The build's manifest, damaged: it then names nothing, and the deploy stops. */
static void
manifest_report_cb(void *arg, enum report_level level, const char *msg)
{
	(void)arg;
	(void)level;
	fprintf(stderr, "onlygen: %s\n", msg);
}
static const struct reporter manifest_report = { manifest_report_cb, NULL };

/* Parses a decimal integer in [lo, hi]; -1 when it is not one. */
static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	return v;
}

static void
print_plan(const struct dplan *p, FILE *f)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct daction *a = &p->v[i];

		fprintf(f, "%-8s %-13s %s%s", a->op == DOP_UPLOAD ? "upload" :
		    "delete", deploy_phase_name(a->phase), a->path,
		    a->op == DOP_DELETE_DIR ? "/" : "");
		if (a->op == DOP_UPLOAD)
			fprintf(f, " (%llu bytes%s)", (unsigned long long)a->size,
			    a->is_new ? ", new" : "");
		fputc('\n', f);
	}
}

/* The manifest after a run: unchanged local files plus what was uploaded
 * (with the checksum actually sent); planned but failed uploads are left
 * out so the next run re-checks them. */
static int
merge_manifest(const struct dlist *local, const struct dplan *p,
    const struct deploy_result *res, struct dlist *out)
{
	const struct dfile *d;
	char *planned;
	size_t i;
	int rc = -1;

	if ((planned = calloc(local->n ? local->n : 1, 1)) == NULL)
		return -1;
	for (i = 0; i < p->n; i++)
		if (p->v[i].op == DOP_UPLOAD &&
		    (d = dlist_find(local, p->v[i].path)) != NULL)
			planned[d - local->v] = 1;
	for (i = 0; i < local->n; i++) {
		const struct dfile *l = &local->v[i];

		if ((d = dlist_find(&res->done, l->path)) != NULL) {
			if (dlist_add(out, d->path, d->size, d->sha256) != 0)
				goto out;
		} else if (!planned[i] &&
		    dlist_add(out, l->path, l->size, l->sha256) != 0)
			goto out;
	}
	dlist_sort(out);
	rc = 0;
out:
	free(planned);
	return rc;
}

/* 1 when s is printable ASCII without spaces (fit for a header value). */
static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* 1 for the storage regions of bunny.md §5 other than de (the default host). */
static int
known_region(const char *r)
{
	static const char *const regions[] = { "uk", "ny", "la", "sg", "se", "br",
	    "jh", "syd" };
	size_t i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (strcasecmp(r, regions[i]) == 0)
			return 1;
	return 0;
}

int
cmd_deploy(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "site", required_argument, NULL, 's' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "state", required_argument, NULL, 'S' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "attempts", required_argument, NULL, 'a' },
		{ "no-purge", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct deploy_conf c = { 0 };
	struct dlist local = { 0 }, rfiles = { 0 }, rdirs = { 0 },
	    manifest = { 0 }, next = { 0 };
	struct dplan plan = { 0 };
	struct deploy_result res = { 0 };
	struct manifest built = { 0 };
	const char *site = "site", *manifest_path = NULL, *region, *state = "var";
	char endpoint[512], mpath[1024], spath[1024], err[1024], xerr[1024];
	int ch, dry = 0, purge = 1, rc = 1, r;
	long v;

	c.jobs = DEPLOY_JOBS_DEFAULT;
	c.timeout_ms = 60000;
	c.attempts = 5;
	c.backoff_ms = 500;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "ns:m:S:j:t:a:Ph", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': dry = 1; break;
		case 's': site = optarg; break;
		case 'm': manifest_path = optarg; break;
		case 'S': state = optarg; break;
		case 'P': purge = 0; break;
		case 'j':
			if ((v = number(optarg, 1, DEPLOY_JOBS_MAX)) < 0) {
				fprintf(stderr, "onlygen deploy: --jobs takes 1..%d\n",
				    DEPLOY_JOBS_MAX);
				return EXIT_USAGE;
			}
			c.jobs = (int)v;
			break;
		case 't':
			if ((v = number(optarg, 1, 3600)) < 0) {
				fprintf(stderr, "onlygen deploy: --timeout takes "
				    "1..3600 seconds\n");
				return EXIT_USAGE;
			}
			c.timeout_ms = v * 1000;
			break;
		case 'a':
			if ((v = number(optarg, 1, 20)) < 0) {
				fprintf(stderr, "onlygen deploy: --attempts takes 1..20\n");
				return EXIT_USAGE;
			}
			c.attempts = (int)v;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "onlygen deploy: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	c.zone = env("BUNNY_STORAGE_ZONE");
	c.key = env("BUNNY_STORAGE_KEY");
	if (c.zone == NULL || c.key == NULL) {
		fprintf(stderr, "onlygen deploy: set BUNNY_STORAGE_ZONE and "
		    "BUNNY_STORAGE_KEY (the storage zone's name and password, "
		    "under FTP & API Access)\n");
		return EXIT_USAGE;
	}
	if (strchr(c.zone, '/') != NULL) {
		fprintf(stderr, "onlygen deploy: BUNNY_STORAGE_ZONE is a zone "
		    "name, not a path\n");
		return EXIT_USAGE;
	}
	/* Keys travel in a header: a space or control byte (a pasted line
	 * break) would end it and start another. */
	if (!header_safe(c.key) || (env("BUNNY_ACCOUNT_KEY") != NULL &&
	    !header_safe(env("BUNNY_ACCOUNT_KEY")))) {
		fprintf(stderr, "onlygen deploy: %s holds a space or control "
		    "character; copy the key again\n", !header_safe(c.key) ?
		    "BUNNY_STORAGE_KEY" : "BUNNY_ACCOUNT_KEY");
		return EXIT_USAGE;
	}
	if ((c.endpoint = env("BUNNY_STORAGE_BASE")) == NULL) {
		region = env("BUNNY_STORAGE_REGION");
		if (region == NULL || strcasecmp(region, "de") == 0 ||
		    strcasecmp(region, "falkenstein") == 0)
			snprintf(endpoint, sizeof(endpoint),
			    "https://storage.bunnycdn.com");
		else if (known_region(region))
			snprintf(endpoint, sizeof(endpoint),
			    "https://%s.storage.bunnycdn.com", region);
		else {
			/* A typo would only show as a DNS failure after the retries. */
			fprintf(stderr, "onlygen deploy: BUNNY_STORAGE_REGION "
			    "'%.40s' is not one of Bunny's regions (de, uk, ny, la, "
			    "sg, se, br, jh, syd: the zone's primary region); for "
			    "another endpoint set BUNNY_STORAGE_BASE\n", region);
			return EXIT_USAGE;
		}
		c.endpoint = endpoint;
	} else {
		snprintf(endpoint, sizeof(endpoint), "%s", c.endpoint);
		while (*endpoint && endpoint[strlen(endpoint) - 1] == '/')
			endpoint[strlen(endpoint) - 1] = '\0';
		c.endpoint = endpoint;
	}
	c.core = env("BUNNY_API_BASE_CORE");
	if (c.core == NULL)
		c.core = "https://api.bunny.net";
	c.account_key = env("BUNNY_ACCOUNT_KEY");
	c.pullzone_id = env("BUNNY_PULLZONE_ID");
	c.pullzone_url = env("BUNNY_PULLZONE_URL");
	c.report = &deploy_report;
	if (isatty(STDERR_FILENO)) {
		c.progress = progress_cb;
		c.retry = retry_cb;
	}
	if (manifest_path == NULL) {
		snprintf(mpath, sizeof(mpath), "var/deploy-%s.json", c.zone);
		manifest_path = mpath;
	}

	/* What the build published is what may be uploaded: nothing else
	 * in the directory (a key, a backup of a store) ever leaves it. */
	snprintf(err, sizeof(err), "--state: path too long");
	if ((size_t)snprintf(spath, sizeof(spath), "%s/site-manifest", state) >=
	    sizeof(spath) || manifest_load(&built, spath, &manifest_report,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen deploy: %s\n", err);
		goto out;
	}
	/* the mirrored images, listed in a manifest of their own when the
	 * site's names their set (site_image_set.c): that one, or nothing is
	 * deployed (the zone's images are not the build's to delete) */
	if (built.images_key != 0) {
		uint64_t ikey = 0;
		size_t in = 0;

		if ((size_t)snprintf(spath, sizeof(spath), "%s/site-images", state) >=
		    sizeof(spath) || !manifest_images_head(spath, &ikey, &in) ||
		    ikey != built.images_key) {
			fprintf(stderr, "onlygen deploy: %s/site-images is missing, or not the "
			    "image set %s/site-manifest names (a build that did not finish?): "
			    "run `onlygen build` first\n", state, state);
			goto out;
		}
		if (manifest_load_images(&built, spath, &manifest_report, err, sizeof(err)) != 0) {
			fprintf(stderr, "onlygen deploy: %s\n", err);
			goto out;
		}
	}
	snprintf(spath, sizeof(spath), "%s/site-manifest", state);
	if (built.n == 0) {
		fprintf(stderr, "onlygen deploy: %s names no file (missing or "
		    "unreadable): refusing to empty the zone (run `onlygen build` "
		    "first, or give its --state)\n", spath);
		goto out;
	}
	if (deploy_walk(site, &built, &local, &deploy_report, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "onlygen deploy: %s\n", err);
		goto out;
	}
	if (deploy_manifest_load(manifest_path, c.endpoint, c.zone, &manifest,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen deploy: %s\n", err);
		goto out;
	}
	if ((r = deploy_list_zone(&c, &rfiles, &rdirs, err, sizeof(err))) != 0) {
		fprintf(stderr, "onlygen deploy: %s; nothing was changed, run it "
		    "again when the zone answers\n", err);
		goto out;
	}
	if (deploy_plan_build(&local, &rfiles, &rdirs, &manifest, &plan) != 0) {
		fprintf(stderr, "onlygen deploy: out of memory\n");
		goto out;
	}
	if (dry) {
		print_plan(&plan, stdout);
		printf("dry run: would upload %zu (%llu bytes), delete %zu; "
		    "%zu unchanged\n", plan.uploads,
		    (unsigned long long)plan.upload_bytes, plan.deletes,
		    plan.unchanged);
		rc = 0;
		goto out;
	}
	/* Before anything moves, forget what is about to change: if this run
	 * dies half-way, the next one re-checks those paths instead of
	 * trusting a stale entry. */
	{
		struct deploy_result none = { 0 };

		if (manifest_path == mpath)
			(void)mkdir("var", 0755);	/* exists: fine */
		if (merge_manifest(&local, &plan, &none, &next) != 0 ||
		    deploy_manifest_save(manifest_path, c.endpoint, c.zone,
		    &next, err, sizeof(err)) != 0) {
			fprintf(stderr, "onlygen deploy: %s\n", err);
			goto out;
		}
		dlist_free(&next);
	}
	r = deploy_execute(&c, site, &plan, &res, xerr, sizeof(xerr));
	if (merge_manifest(&local, &plan, &res, &next) != 0 ||
	    deploy_manifest_save(manifest_path, c.endpoint, c.zone, &next, err,
	    sizeof(err)) != 0)
		fprintf(stderr, "onlygen deploy: %s (the next run re-checks every "
		    "file)\n", err);
	printf("deploy: uploaded %zu (%llu bytes), unchanged %zu, deleted %zu, "
	    "failed %zu, retries %u\n", res.uploaded,
	    (unsigned long long)res.bytes, plan.unchanged, res.deleted,
	    res.failed, res.retries);
	rc = r == 0 ? 0 : 1;
	if (purge) {
		enum deploy_purged what;
		size_t nurls;

		if (deploy_purge(&c, &res, &what, &nurls, err, sizeof(err)) != 0) {
			fprintf(stderr, "deploy: %s\n", err);
			rc = 1;
		} else
			print_purge(&c, what, nurls);
	}
	if (r != 0)
		fprintf(stderr, "onlygen deploy: %s; run it again to converge\n", xerr);
out:
	manifest_free(&built);
	deploy_result_free(&res);
	deploy_plan_free(&plan);
	dlist_free(&local);
	dlist_free(&rfiles);
	dlist_free(&rdirs);
	dlist_free(&manifest);
	dlist_free(&next);
	return rc;
}
