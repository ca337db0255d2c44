/*
 * pull.c — the catalog pull: list, validate, guard, write (pull.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bunny_api.h"
#include "catalog_db.h"
#include "pull.h"

void
pull_opts_init(struct pull_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->state_dir = "var";
	o->api_base = BUNNY_API_DEFAULT;
	o->cdn_host = "";
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

void
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

void
pull_bunny_source(const struct pull_opts *o, struct bunny_source *src)
{
	memset(src, 0, sizeof(*src));
	src->api_base = o->api_base;
	src->library_id = o->library_id;
	src->api_key = o->api_key;
	src->per_page = o->per_page;
	http_opts_init(&src->http);
	src->http.concurrency = o->concurrency;
	src->http.timeout_ms = o->timeout_ms;
	if (o->timeout_ms < src->http.stall_ms)
		src->http.stall_ms = o->timeout_ms;
	if (o->timeout_ms < src->http.connect_timeout_ms)
		src->http.connect_timeout_ms = o->timeout_ms;
	src->http.max_attempts = o->max_attempts;
	src->http.backoff_ms = o->backoff_ms;
	src->progress = o->progress;
	src->progress_arg = o->progress_arg;
}

int
catalog_pull(const struct pull_opts *o, struct pull_result *res, char *err, size_t errlen)
{
	struct bunny_listing l;
	char db[4096], prev[32], built[80];
	char source[4200], old_source[4200];
	size_t old_count = 0, old_published = 0, published = 0, i;
	int exists, rc, same_source;

	memset(&l, 0, sizeof(l));
	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	pull_catalog_path(o->state_dir, db, sizeof(db));
	pull_source(o, source, sizeof(source));
	/* Read what the guard needs before fetching: a broken db fails early. */
	if (catalog_meta_get(db, "video_count", prev, sizeof(prev), &exists, err, errlen) != 0)
		return -1;
	old_count = (size_t)strtoull(prev, NULL, 10);
	if (catalog_meta_get(db, "published_count", prev, sizeof(prev), &exists, err,
	    errlen) != 0 ||
	    catalog_meta_get(db, "source", old_source, sizeof(old_source), &exists, err,
	    errlen) != 0)
		return -1;
	old_published = (size_t)strtoull(prev, NULL, 10);
	/* A catalog from before sources were recorded counts as the same one. */
	same_source = old_source[0] == '\0' || strcmp(old_source, source) == 0;
	if (o->from_dir != NULL) {
		if (bunny_read_dir(o->from_dir, &l, err, errlen) != 0) {
			bunny_listing_free(&l);
			return -1;
		}
	} else {
		struct bunny_source src;
		enum bunny_result br;

		pull_bunny_source(o, &src);
		br = bunny_fetch(&src, &l, err, errlen);
		if (br != BUNNY_OK) {
			bunny_listing_free(&l);
			return -1;
		}
		if (o->listed != NULL)
			o->listed(o->progress_arg);
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
		snprintf(err, errlen, "the library would shrink from %zu to %zu videos "
		    "(more than half gone); if that is right, run again with --allow-shrink",
		    old_count, l.nvideos);
		bunny_listing_free(&l);
		return -1;
	}
	if (!o->allow_shrink && same_source && old_published > 0 &&
	    published * 2 < old_published) {
		snprintf(err, errlen, "the published (Finished) videos would drop from "
		    "%zu to %zu (more than half unpublished); if that is right, run again "
		    "with --allow-shrink", old_published, published);
		bunny_listing_free(&l);
		return -1;
	}
	if (!same_source)
		report(o->report, REPORT_NOTE, "a different source than the last pull (%s); "
		    "the shrink guard starts again from this one", old_source);
	if (mkdir(o->state_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", o->state_dir, strerror(errno));
		bunny_listing_free(&l);
		return -1;
	}
	rc = catalog_write_from(db, source, l.videos, l.nvideos, l.cols, l.ncols,
	    o->cdn_host != NULL ? o->cdn_host : "", &res->counts, res->digest, err, errlen);
	bunny_listing_free(&l);
	if (rc != 0)
		return -1;
	res->written = 1;
	if (!o->check)
		return 0;
	if (catalog_built_get(db, built, err, errlen) != 0)
		return -1;	/* the new catalog is written: res->written says so */
	res->built = built[0] != '\0';
	res->changed = strcmp(built, res->digest) != 0;
	return 0;
}
