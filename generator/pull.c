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
	size_t old_count = 0;
	int exists, rc;

	memset(&l, 0, sizeof(l));
	pull_catalog_path(o->state_dir, db, sizeof(db));
	/* Read what the guard needs before fetching: a broken db fails early. */
	if (catalog_meta_get(db, "video_count", prev, sizeof(prev), &exists, err,
	    sizeof(err)) != 0)
		return fail(o, err);
	old_count = (size_t)strtoull(prev, NULL, 10);
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
	if (!o->allow_shrink && old_count > 0 && l.nvideos * 2 < old_count) {
		snprintf(err, sizeof(err), "the library would shrink from %zu to %zu videos "
		    "(more than half gone); if that is right, run again with --allow-shrink",
		    old_count, l.nvideos);
		bunny_listing_free(&l);
		return fail(o, err);
	}
	if (mkdir(o->state_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, sizeof(err), "%s: %s", o->state_dir, strerror(errno));
		bunny_listing_free(&l);
		return fail(o, err);
	}
	rc = catalog_write(db, l.videos, l.nvideos, l.cols, l.ncols,
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
	    sizeof(err)) != 0)
		return fail(o, err);
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
