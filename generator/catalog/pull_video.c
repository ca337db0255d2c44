/*
 * pull_video.c — the incremental pull (pull_video.h).
 */
#include <stdio.h>
#include <string.h>

#include "bunny_video_get.h"
#include "catalog_update.h"
#include "pull_video.h"

_Static_assert(PULL_VIDEOS_MAX == BUNNY_GET_MAX, "one cap on the GUIDs of a call");

int
catalog_pull_videos(const struct pull_opts *o, const char *const *guids, size_t n,
    struct pull_result *res, char *err, size_t errlen)
{
	struct bunny_source src;
	struct bunny_got got[BUNNY_GET_MAX];
	const struct bunny_video *put[BUNNY_GET_MAX];
	const char *gone[BUNNY_GET_MAX];
	char db[4096], source[4200], old_source[4200];
	size_t nput = 0, ngone = 0, unknown = 0, i;
	int exists, rc;

	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	if (o->from_dir != NULL) {
		snprintf(err, errlen, "an incremental pull reads the API, not --from");
		return -1;
	}
	if (n == 0 || n > BUNNY_GET_MAX) {
		snprintf(err, errlen, "from 1 to %d videos at a time", BUNNY_GET_MAX);
		return -1;
	}
	pull_catalog_path(o->state_dir, db, sizeof(db));
	pull_source(o, source, sizeof(source));
	if (catalog_meta_get(db, "source", old_source, sizeof(old_source), &exists, err,
	    errlen) != 0)
		return -1;
	if (!exists) {
		snprintf(err, errlen, "%s does not exist: a full pull comes first", db);
		return -1;
	}
	if (strcmp(old_source, source) != 0) {
		snprintf(err, errlen, "the catalog was last fully pulled from %s, not %s: "
		    "a full pull comes first", old_source[0] != '\0' ? old_source :
		    "an unrecorded source", source);
		return -1;
	}
	pull_bunny_source(o, &src);
	src.per_page = 1;
	src.progress = NULL;	/* one request per video: no listing progress */
	src.progress_arg = NULL;
	if (bunny_get_videos(&src, guids, n, got, err, errlen) != BUNNY_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (got[i].gone)
			gone[ngone++] = got[i].guid;
		else
			put[nput++] = &got[i].video;
	}
	rc = catalog_update(db, put, nput, gone, ngone, o->cdn_host != NULL ? o->cdn_host : "",
	    &res->counts, &unknown, res->digest, err, errlen);
	bunny_got_free(got, n);
	if (rc != 0)
		return -1;
	if (unknown > 0)
		report(o->report, REPORT_NOTE, "%zu of these videos are in a collection the "
		    "catalog does not list; a new collection's name (and category) comes with "
		    "the next full pull", unknown);
	res->written = 1;
	return 0;
}
