/*
 * pull.c — the catalog pull: list, validate, guard, write, report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bunny_api.h"
#include "catalog_db.h"
#include "pull.h"

void
pull_opts_init(struct pull_opts *o)
{
	const char *s;

	memset(o, 0, sizeof(*o));
	o->state_dir = "var";
	o->api_base = (s = getenv("BUNNY_API_BASE")) != NULL && s[0] != '\0' ? s : BUNNY_API_DEFAULT;
	o->library_id = getenv("BUNNY_LIBRARY_ID");
	o->api_key = getenv("BUNNY_API_KEY");
	o->cdn_host = (s = getenv("BUNNY_CDN_HOSTNAME")) != NULL ? s : "";
	o->progress = isatty(STDERR_FILENO);
	o->per_page = 100;
	o->concurrency = 4;
	o->timeout_ms = 60000;
	o->max_attempts = 5;
	o->backoff_ms = 500;
}

void
pull_catalog_path(const char *state_dir, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/catalog.db", state_dir);
}

static void
progress(void *arg, size_t done, size_t total, size_t videos, unsigned retries,
    const char *retry_msg)
{
	const struct pull_opts *o = arg;

	if (o->quiet)
		return;
	if (o->progress) {
		fprintf(stderr, "\rpull: pages %zu/%zu, videos %zu, retries %u ", done, total,
		    videos, retries);
		if (retry_msg != NULL)
			fprintf(stderr, "\npull: %s\n", retry_msg);
	} else if (retry_msg != NULL)
		fprintf(stderr, "pull: %s\n", retry_msg);
	else if (total > 0 && (done == total || done % ((total + 9) / 10) == 0))
		fprintf(stderr, "pull: %zu/%zu pages, %zu videos\n", done, total, videos);
}

/* What is pulled, as recorded in the catalog: the API base and library, or the directory. */
static void
pull_source(const struct pull_opts *o, char *out, size_t outlen)
{
	char *real;
	size_t n;

	if (o->from_dir != NULL) {
		real = realpath(o->from_dir, NULL);
		snprintf(out, outlen, "dir %s", real != NULL ? real : o->from_dir);
		free(real);
		return;
	}
	n = o->api_base != NULL ? strlen(o->api_base) : 0;
	while (n > 0 && o->api_base[n - 1] == '/')
		n--;
	snprintf(out, outlen, "api %.*s library %s", (int)(n > 4000 ? 4000 : n),
	    o->api_base != NULL ? o->api_base : "",
	    o->library_id != NULL ? o->library_id : "");
}

static int
fail(const struct pull_opts *o, const char *msg)
{
	if (o->progress && !o->quiet)
		fputc('\n', stderr);
	fprintf(stderr, "onlygen pull: %s; the catalog was not changed\n", msg);
	return 1;
}

int
catalog_pull(const struct pull_opts *o, char digest_out[65])
{
	struct bunny_listing l;
	struct catalog_counts counts;
	char db[4096], err[1024], prev[32], built[80], digest[65];
	char source[4200], old_source[4200];
	size_t old_count = 0, old_published = 0, published = 0, i;
	int exists, rc, same_source;

	memset(&l, 0, sizeof(l));
	pull_catalog_path(o->state_dir, db, sizeof(db));
	pull_source(o, source, sizeof(source));
	/* Read what the guard needs before fetching: a broken db fails early. */
	if (catalog_meta_get(db, "video_count", prev, sizeof(prev), &exists, err,
	    sizeof(err)) != 0)
		return fail(o, err);
	old_count = (size_t)strtoull(prev, NULL, 10);
	if (catalog_meta_get(db, "published_count", prev, sizeof(prev), &exists, err,
	    sizeof(err)) != 0 ||
	    catalog_meta_get(db, "source", old_source, sizeof(old_source), &exists, err,
	    sizeof(err)) != 0)
		return fail(o, err);
	old_published = (size_t)strtoull(prev, NULL, 10);
	/* A catalog from before sources were recorded counts as the same one. */
	same_source = old_source[0] == '\0' || strcmp(old_source, source) == 0;
	if (o->from_dir != NULL) {
		if (bunny_read_dir(o->from_dir, &l, err, sizeof(err)) != 0) {
			bunny_listing_free(&l);
			return fail(o, err);
		}
	} else {
		struct bunny_source src;
		enum bunny_result br;

		memset(&src, 0, sizeof(src));
		src.api_base = o->api_base;
		src.library_id = o->library_id;
		src.api_key = o->api_key;
		src.per_page = o->per_page;
		http_opts_init(&src.http);
		src.http.concurrency = o->concurrency;
		src.http.timeout_ms = o->timeout_ms;
		if (o->timeout_ms < src.http.stall_ms)
			src.http.stall_ms = o->timeout_ms;
		if (o->timeout_ms < src.http.connect_timeout_ms)
			src.http.connect_timeout_ms = o->timeout_ms;
		src.http.max_attempts = o->max_attempts;
		src.http.backoff_ms = o->backoff_ms;
		src.progress = progress;
		src.progress_arg = (void *)o;
		br = bunny_fetch(&src, &l, err, sizeof(err));
		if (br != BUNNY_OK) {
			bunny_listing_free(&l);
			return fail(o, err);
		}
		if (o->progress && !o->quiet)
			fputc('\n', stderr);
	}
	for (i = 0; i < l.nvideos; i++)
		if (l.videos[i].status == BUNNY_STATUS_FINISHED)
			published++;
	/*
	 * The shrink guard compares pulls of one library: switching from the
	 * demo catalog (or another library) to a smaller one is not a loss.
	 * It counts all videos and the published ones: an API that answers
	 * every video as "processing" would unpublish the site just as well.
	 */
	if (!o->allow_shrink && same_source && old_count > 0 && l.nvideos * 2 < old_count) {
		snprintf(err, sizeof(err), "the library would shrink from %zu to %zu videos "
		    "(more than half gone); if that is right, run again with --allow-shrink",
		    old_count, l.nvideos);
		bunny_listing_free(&l);
		return fail(o, err);
	}
	if (!o->allow_shrink && same_source && old_published > 0 &&
	    published * 2 < old_published) {
		snprintf(err, sizeof(err), "the published (Finished) videos would drop from "
		    "%zu to %zu (more than half unpublished); if that is right, run again "
		    "with --allow-shrink", old_published, published);
		bunny_listing_free(&l);
		return fail(o, err);
	}
	if (!same_source && !o->quiet)
		fprintf(stderr, "pull: a different source than the last pull (%s); the "
		    "shrink guard starts again from this one\n", old_source);
	if (mkdir(o->state_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, sizeof(err), "%s: %s", o->state_dir, strerror(errno));
		bunny_listing_free(&l);
		return fail(o, err);
	}
	rc = catalog_write_from(db, source, l.videos, l.nvideos, l.cols, l.ncols,
	    o->cdn_host != NULL ? o->cdn_host : "", &counts, digest, err, sizeof(err));
	bunny_listing_free(&l);
	if (rc != 0)
		return fail(o, err);
	if (digest_out != NULL)
		memcpy(digest_out, digest, 65);
	if (!o->quiet)
		printf("pull: %zu videos (%zu published): %zu added, %zu updated, %zu removed, "
		    "%zu unchanged\ndigest %s\n", counts.total, counts.published, counts.added,
		    counts.updated, counts.removed, counts.unchanged, digest);
	if (!o->check)
		return 0;
	if (catalog_meta_get(db, "built_digest", built, sizeof(built), &exists, err,
	    sizeof(err)) != 0) {
		/* The new catalog is already written: say so, not "not changed". */
		fprintf(stderr, "onlygen pull: the catalog was updated, but reading the last "
		    "build's digest failed: %s; run `onlygen build`\n", err);
		return 1;
	}
	if (strcmp(built, digest) == 0) {
		if (!o->quiet)
			printf("pull: unchanged since the last build\n");
		return 0;
	}
	if (!o->quiet)
		printf("pull: changed since the last build%s\n", built[0] == '\0' ?
		    " (no build recorded)" : "");
	return PULL_CHANGED;
}
