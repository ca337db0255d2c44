/*
 * catalog_update.h — an incremental pull's write: a few videos' rows
 * replaced or removed in var/catalog.db, in one transaction, leaving the
 * catalog exactly as a full pull would have left it had only these videos
 * changed (same rows, same per-video hashes, same digest, video_count and
 * published_count; the meta pulled_at and source stay the last full
 * pull's; the collections table is the last full pull's).
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen] and the file as
 * it was.
 */
#ifndef ONLY_CATALOG_UPDATE_H
#define ONLY_CATALOG_UPDATE_H

#include <stddef.h>

#include "catalog_db.h"
#include "video_parse.h"

/*
 * Replaces the rows (video, captions, chapters) of each of put[0..nput)
 * (a new GUID is added) and removes every row of each GUID in
 * gone[0..ngone) (an unknown one is no change).  cdn_host is stored with
 * the written rows, as catalog_write() does.  counts: added, updated,
 * removed, unchanged among these videos; total and published of the whole
 * new catalog.  *unknown_collections counts the written videos whose
 * collection the catalog's collections table lacks (stored all the same,
 * as a full pull stores them; a collection created since the last full
 * pull gets its name, and so its category, with the next one).
 */
int	catalog_update(const char *path, const struct bunny_video *const *put, size_t nput,
	    const char *const *gone, size_t ngone, const char *cdn_host,
	    struct catalog_counts *counts, size_t *unknown_collections, char digest[65],
	    char *err, size_t errlen);

#endif
