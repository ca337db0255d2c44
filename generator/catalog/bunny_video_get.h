/*
 * bunny_video_get.h — Get Video (GET /library/{id}/videos/{guid}, bunny.md
 * §1) for a few GUIDs at once: what an incremental pull fetches after a
 * webhook named them.
 *
 * Each GUID ends as found (its VideoModel parsed, its guid checked to be
 * the one asked for) or gone (HTTP 404: the video was deleted); anything
 * else (network error after the retries, 401/403, 5xx, invalid JSON, a
 * different guid) fails the whole call, so the caller changes nothing.
 *
 * Ownership: a struct bunny_got owns its video; bunny_got_free() releases
 * an array of them.
 */
#ifndef ONLY_BUNNY_VIDEO_GET_H
#define ONLY_BUNNY_VIDEO_GET_H

#include <stddef.h>

#include "bunny_api.h"

#define BUNNY_GET_MAX	64	/* GUIDs per call: a webhook names one; a burst is a full pull */

struct bunny_got {
	char			guid[GUID_LEN + 1];	/* as asked, lower case */
	int			gone;			/* 404: deleted from the library */
	struct bunny_video	video;			/* when !gone */
};

/*
 * Fetches guids[0..n) (lower-case GUIDs, 1 <= n <= BUNNY_GET_MAX) into
 * got[0..n).  src->per_page is not used.  Returns BUNNY_OK, or
 * BUNNY_FAILED / BUNNY_UNAUTHORIZED with err (never the key) and got freed.
 */
enum bunny_result	bunny_get_videos(const struct bunny_source *src,
			    const char *const *guids, size_t n, struct bunny_got *got,
			    char *err, size_t errlen);

void	bunny_got_free(struct bunny_got *got, size_t n);

#endif
