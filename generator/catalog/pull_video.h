/*
 * pull_video.h — the incremental pull: `onlygen pull --video GUID`, what
 * scripts/rebuild-watcher runs after a Bunny webhook named one video.
 *
 * Fetches only the named videos (Get Video, bunny_video_get.h) and
 * updates their rows (catalog_update.h): a video the API answers 404 for
 * is removed.  Refused, with the catalog untouched, when there is no
 * catalog yet or it was last fully pulled from another source (a
 * directory, another library or API base): the caller falls back to a
 * full pull (catalog_pull), which stays the periodic safety net.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen] (the catalog as
 * it was).
 */
#ifndef ONLY_PULL_VIDEO_H
#define ONLY_PULL_VIDEO_H

#include <stddef.h>

#include "pull.h"

#define PULL_VIDEOS_MAX	64	/* GUIDs per incremental pull (BUNNY_GET_MAX) */

/* o: state_dir, api_base, library_id, api_key, cdn_host, timeout_ms,
 * max_attempts, backoff_ms, concurrency (from_dir must be NULL).  res:
 * counts (of these videos; total and published of the catalog) and digest. */
int	catalog_pull_videos(const struct pull_opts *o, const char *const *guids, size_t n,
	    struct pull_result *res, char *err, size_t errlen);

#endif
