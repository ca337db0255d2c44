/*
 * cmd_build.c — `onlygen build`: pull the catalog (unless --offline or
 * --no-pull), load the model, render the site (site_build, which also
 * mirrors the images unless --offline), record what was built.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "build_inputs.h"
#include "build_model.h"
#include "model_image_at.h"
#include "catalog_db.h"
#include "catalog_read.h"
#include "content_snap.h"
#include "content.h"
#include "keys.h"
#include "library_check.h"
#include "model.h"
#include "pull.h"
#include "site.h"
#include "textutil.h"

static void
build_usage(FILE *f)
{
	fprintf(f, "usage: onlygen build [--offline | --no-pull] [--out DIR] [--content DIR]\n"
	    "                     [--state DIR] [--theme NAME|PATH] [--keys FILE] [--jobs N]\n"
	    "                     [--base-url URL] [--recheck] [--quiet]\n\n"
	    "Pulls the catalog and renders the site into DIR (default site/), rewriting only\n"
	    "files whose bytes change, each atomically.  Writes STATE/access.db (default var/)\n"
	    "for the verifier.  Thumbnails and previews are fetched from the CDN once (signed\n"
	    "for that one file with BUNNY_TOKEN_KEY, environment or --keys file), cached in\n"
	    "STATE/img-cache/ and published under DIR/img/.\n"
	    "  --base-url URL  the site's absolute URL (http:// or https://), beating\n"
	    "              content/site.json's base_url: canonical links, og:url, the feed,\n"
	    "              the sitemap and robots.txt name it (make run passes its PORT)\n"
	    "  --keys FILE the verifier's keys file, read as the verifier reads it (mode\n"
	    "              0600, no symlink; a weak BUNNY_TOKEN_KEY is refused unless DEMO=1);\n"
	    "              its BUNNY_TOKEN_KEY is used rather than the environment's\n"
	    "  --no-pull   build from the last pulled catalog, still fetching new images\n"
	    "  --offline   no network at all: no pull, images from the cache only\n"
	    "  --recheck   key every page even when nothing read has changed since the last\n"
	    "              build (STATE/build-inputs), and look for each published file\n"
	    "              rather than trusting the manifest: restores files removed by hand\n");
}

/* site_build's warnings (from several image threads at once: one fprintf each). */
static const struct reporter build_report = { cli_report, (void *)"onlygen build" };

/* 1 when state (existing or not) lies inside out. */
static int
state_inside_out(const char *state, const char *out)
{
	char s[PATH_MAX], o[PATH_MAX];
	size_t n;

	if (realpath(out, o) == NULL)
		return 0;	/* no served directory yet: created fresh */
	if (realpath(state, s) == NULL) {
		/* not created yet: judge by its parent */
		char parent[PATH_MAX], *slash;

		if ((size_t)snprintf(parent, sizeof(parent), "%s", state) >= sizeof(parent))
			return 0;
		slash = strrchr(parent, '/');
		if (slash == NULL)
			snprintf(parent, sizeof(parent), ".");
		else if (slash == parent)
			parent[1] = '\0';
		else
			*slash = '\0';
		if (realpath(parent, s) == NULL)
			return 0;
	}
	n = strlen(o);
	return strncmp(s, o, n) == 0 && (s[n] == '/' || s[n] == '\0');
}

/* The folder of the default theme, which holds the named themes too
 * ("themes/default" -> "themes"), into out. */
static const char *
themes_dir(const char *default_theme, char *out, size_t cap)
{
	const char *slash = strrchr(default_theme, '/');

	if (slash == NULL)
		return ".";
	snprintf(out, cap, "%.*s", (int)(slash - default_theme), default_theme);
	return out;
}

int
cmd_build(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ "no-pull", no_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'O' },
		{ "content", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "theme", required_argument, NULL, 't' },
		{ "keys", required_argument, NULL, 'k' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "recheck", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct site_opts so;
	struct img_lib img;
	struct site_stats st;
	struct model m;
	struct timespec t0, t1, tl;
	double t_load;
	const char *content = "content", *theme = NULL, *keys = NULL, *env, *cdn_host;
	const char *base_url = NULL;
	char err[1024], db[4096], user_theme[4096], themes[4096], *end;
	struct keys k;
	struct build_inputs bi;
	struct content_snap snap;
	struct build_model bm;
	char snap_path[4096];
	uint64_t digest = 0, content_key = 0, content_tree = 0;
	size_t npages;
	int ch, offline = 0, no_pull = 0, recheck = 0, have_digest, use_snap, rc = 1;
	long jobs;

	/*
	 * Blocks of 256 kB and more come from their own mappings and go back to
	 * the system when freed.  glibc's default raises this threshold with
	 * every large block freed (up to 32 MB): the model's and the pages'
	 * large transient buffers then stay in the heaps as holes, which was
	 * 40-50 MB of the build's peak at 100 000 videos (docs/benchmarks.md).
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	/*
	 * A heap that grows keeps 32 MB more than it was asked for, and a heap
	 * that shrinks keeps as much: the load frees what the preparation and
	 * the render workers then allocate again, and every 4 kB page given
	 * back and taken again is a page fault (docs/benchmarks.md).
	 */
	mallopt(M_TOP_PAD, 32 << 20);
	memset(&so, 0, sizeof(so));
	so.out_dir = "site";
	so.state_dir = "var";
	so.default_theme = "themes/default";
	so.hlsjs_path = "node_modules/hls.js/dist/hls.min.js";
	so.report = &build_report;
	jobs = sysconf(_SC_NPROCESSORS_ONLN);
	so.jobs = jobs < 1 ? 1 : (jobs > 16 ? 16 : (int)jobs);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': offline = 1; break;
		case 'n': no_pull = 1; break;
		case 'O': so.out_dir = optarg; break;
		case 'c': content = optarg; break;
		case 's': so.state_dir = optarg; break;
		case 't': theme = optarg; break;
		case 'k': keys = optarg; break;
		case 'q': so.quiet = 1; break;
		case 'r': recheck = 1; break;
		case 'b':
			if (!text_base_url_ok(optarg, BASE_URL_MAX)) {
				fprintf(stderr, "onlygen build: --base-url wants an absolute URL, "
				    "http://HOST[:PORT][/PATH] or https://..., without spaces, quotes, "
				    "<>, '?' or '#', at most %d bytes, not '%s'\n", BASE_URL_MAX, optarg);
				return EXIT_USAGE;
			}
			base_url = optarg;
			break;
		case 'j':
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || jobs < 1 || jobs > 64) {
				fprintf(stderr, "onlygen build: --jobs wants 1..64, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			so.jobs = (int)jobs;
			break;
		case 'h':
			build_usage(stdout);
			return 0;
		default:
			build_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "onlygen build: unexpected argument '%s'\n", argv[optind]);
		build_usage(stderr);
		return EXIT_USAGE;
	}
	if (state_inside_out(so.state_dir, so.out_dir)) {
		fprintf(stderr, "onlygen build: the state directory %s is inside the served "
		    "directory %s: access.db and the manifest must not be served\n",
		    so.state_dir, so.out_dir);
		return EXIT_USAGE;
	}
	if ((env = getenv("HLSJS_PATH")) != NULL && env[0] != '\0')
		so.hlsjs_path = env;
	/* The keys file through the verifier's own parser (core/keys.c), before
	 * anything is pulled or written: the build signs with the key the
	 * verifier signs with, or refuses what the verifier would refuse. */
	memset(&k, 0, sizeof(k));
	if (keys != NULL) {
		if (keys_load(keys, &k, err, sizeof(err)) != 0 ||
		    keys_check_sign(&k, err, sizeof(err)) != 0) {
			fprintf(stderr, "onlygen build: %s\n", err);
			keys_wipe(&k);
			return 1;
		}
		so.token_key = k.bunny_len > 0 ? k.bunny : NULL;
	} else if ((env = getenv("BUNNY_TOKEN_KEY")) != NULL && env[0] != '\0')
		so.token_key = env;
	/* The one read of BUNNY_CDN_HOSTNAME: stored by the pull, applied by the merge. */
	cdn_host = getenv("BUNNY_CDN_HOSTNAME");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	so.now = time(NULL);
	memset(&m, 0, sizeof(m));
	memset(&bm, 0, sizeof(bm));
	/*
	 * libvips: once for the whole command, when an image is to be encoded
	 * (a video's, fetched: the placeholder stills are compiled in, so a
	 * build that fetches nothing never opens bin/onlygen-img.so).
	 */
	memset(&img, 0, sizeof(img));
	img.argv0 = argv[0];
	so.img = &img;

	snprintf(db, sizeof(db), "%s/catalog.db", so.state_dir);
	so.fetch_images = !offline;
	if (!offline && !no_pull) {
		struct pull_opts po;

		pull_opts_init(&po);
		pull_opts_env(&po);
		po.state_dir = so.state_dir;
		po.cdn_host = cdn_host != NULL ? cdn_host : "";
		if (pull_run(&po, so.quiet) != 0) {
			fprintf(stderr, "onlygen build: the pull failed; the site was not touched "
			    "(--offline builds from the last pulled catalog)\n");
			goto out;
		}
	}
	bm.catalog_db = db;
	bm.content_dir = content;
	bm.state_dir = so.state_dir;
	bm.cdn_host = cdn_host;
	bm.base_url = base_url;
	bm.quiet = so.quiet;
	if (recheck) {
		/* nothing kept from earlier builds is trusted */
		static const char *const kept[] = { "model.image", "model.image.delta",
		    "model.image" MODEL_IMAGE_AT_SUFFIX, "catalog.rows", "card-texts", "card-html",
		    "search-pairs", "img-index" };
		char path[4096];
		size_t f;

		for (f = 0; f < sizeof(kept) / sizeof(kept[0]); f++)
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", so.state_dir, kept[f]) <
			    sizeof(path))
				(void)unlink(path);
	}
	/* the lock, and the old manifest read beside the model's load */
	so.preload = site_preload_start(so.state_dir);
	build_model_start(&bm);	/* the catalog as pulled, read while the rest runs */
	/* Nothing read has changed since the last build published: done. */
	memset(&bi, 0, sizeof(bi));
	bi.catalog_db = db;
	bi.content_dir = content;
	bi.themes_dir = themes_dir(so.default_theme, themes, sizeof(themes));
	bi.theme = theme;
	bi.user_theme = theme != NULL && strchr(theme, '/') != NULL ? theme : NULL;
	bi.hlsjs_path = so.hlsjs_path;
	bi.base_url = base_url;
	bi.cdn_host = cdn_host;
	bi.token_key = so.token_key;
	bi.fetch_images = so.fetch_images;
	bi.out_dir = so.out_dir;
	bi.state_dir = so.state_dir;
	bi.catalog_fp = bm.have_fp ? &bm.catalog_fp : NULL;	/* read by the image's look */
	have_digest = build_inputs_digest(&bi, &digest, &content_key, &content_tree,
	    err, sizeof(err)) == 0;
	if (!have_digest && !so.quiet)
		fprintf(stderr, "onlygen build: note: every page is checked (%s)\n", err);
	if (have_digest && !recheck && build_inputs_unchanged(&bi, digest, &npages)) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!so.quiet)
			printf("onlygen build: %zu files in %s: 0 written, %zu unchanged "
			    "(0 rendered), 0 removed; 0 images fetched; access.db unchanged; "
			    "%.2f s (nothing changed since the last build: catalog, content, "
			    "theme, options and onlygen itself as they were)\n", npages, so.out_dir,
			    npages, (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		rc = 0;
		goto out;
	}
	/* what exists in the output directory: the manifest says, when it was
	 * written for this directory by a build that finished */
	so.trust_manifest = !recheck && build_inputs_same_out(&bi);
	build_inputs_forget(&bi);
	snap.path = snap_path;
	snap.key = content_key;
	snap.tree = content_tree;
	snap.parsed = NULL;
	snap.prev_tree = NULL;
	use_snap = have_digest && (size_t)snprintf(snap_path, sizeof(snap_path), "%s/content.snap",
	    so.state_dir) < sizeof(snap_path);
	if (use_snap && recheck)
		(void)unlink(snap_path);	/* content/ parsed again, the snapshot rewritten */
	clock_gettime(CLOCK_MONOTONIC, &tl);
	bm.snap = use_snap ? &snap : NULL;
	bm.image_key = have_digest ? build_model_key(content_key, content_tree, cdn_host, base_url) : 0;
	bm.content_key = have_digest ? content_key : 0;
	if (build_model_load(&bm, &m, err, sizeof(err)) == -1) {
		fprintf(stderr, "onlygen build: %s\n", err);
		goto out;
	}
	build_model_save(&bm, &m);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t_load = (double)(t1.tv_sec - tl.tv_sec) + (double)(t1.tv_nsec - tl.tv_nsec) / 1e9;
	if (theme == NULL) {
		/* site.json names a theme under themes/; paths only on the command line */
		theme = m.site.theme;
		if (theme != NULL && theme[0] != '\0' &&
		    (strspn(theme, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
		    strlen(theme))) {
			fprintf(stderr, "onlygen build: site.json \"theme\": '%s' is not a theme name "
			    "([A-Za-z0-9_-]); use --theme PATH for a theme elsewhere\n", theme);
			goto out;
		}
	}
	if (theme != NULL && theme[0] != '\0' && strcmp(theme, "default") != 0) {
		if (strchr(theme, '/') != NULL)
			snprintf(user_theme, sizeof(user_theme), "%s", theme);
		else
			snprintf(user_theme, sizeof(user_theme), "themes/%s", theme);
		so.user_theme = user_theme;
	}
	if (keys != NULL) {
		char lmsg[1024];

		if (library_check(keys, &k, db, lmsg, sizeof(lmsg)) > LIBRARY_NOT_API)
			fprintf(stderr, "onlygen build: warning: %s\n", lmsg);
	}
	so.model_id = bm.model_id;
	so.base_id = bm.base_id;
	so.code_key = have_digest ? content_key : 0;
	so.changed = bm.changed_videos;
	so.nchanged = bm.nchanged_videos;
	rc = site_build(&m, &so, &st, err, sizeof(err));
	if (rc == -1) {
		rc = 1;
		fprintf(stderr, "onlygen build: %s\n(the published site was left as it was)\n", err);
		goto out;
	}
	if (catalog_mark_built(db, m.digest, err, sizeof(err)) == -1)
		fprintf(stderr, "onlygen build: warning: %s\n", err);
	if (have_digest && build_inputs_record(&bi, digest, st.pages, st.img_missing == 0,
	    err, sizeof(err)) == -1)
		fprintf(stderr, "onlygen build: warning: %s (the next build checks every page)\n",
		    err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!so.quiet)
		printf("onlygen build: %zu files in %s: %zu written, %zu unchanged "
		    "(%zu rendered), %zu removed; %zu images fetched; access.db %s; model %s; "
		    "%zu keys kept; "
		    "%.2f s (load %.2f, prepare %.2f, render %.2f, publish %.2f)\n",
		    st.pages, so.out_dir, st.written, st.unchanged, st.rendered, st.removed,
		    st.img_fetched,
		    st.access_written ? "written" : "unchanged", bm.how, st.kept,
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		    t_load, st.secs_prepare, st.secs_render, st.secs_publish);
	rc = 0;
out:
	site_preload_free(so.preload);	/* what the build did not take: the lock with it */
	build_model_finish(&bm);	/* the image written; a read not needed stopped */
	img_stop(&img);
	keys_wipe(&k);
	model_free(&m);
	return rc;
}
