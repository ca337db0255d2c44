/*
 * catalog_fresh.h — a first pull's write: the whole catalog built in a
 * side file (STATE/catalog.db.new) and renamed into place, for when no
 * catalog exists yet.
 *
 * Nothing can be lost when there is no catalog, so the side file is
 * written once, without a journal or WAL (the ordinary path writes every
 * page twice: to the WAL, then to the file at the checkpoint) and with a
 * small page cache, and it is fsynced before the rename: a pull killed at
 * any point leaves no catalog.db (and a stale catalog.db.new, which the
 * next pull truncates or removes), never a partial one.  (Creating the
 * secondary indexes after the inserts was slower: building them reads
 * every row's overflow pages again.)  The rename refuses to replace a catalog.db that appeared
 * meanwhile (another pull): then the caller writes through the ordinary
 * transaction instead.  The result is the file the ordinary path writes:
 * the same schema text, rows, meta and WAL mode.
 *
 * Internal to the catalog layer (catalog_db.c calls it).
 */
#ifndef ONLY_CATALOG_FRESH_H
#define ONLY_CATALOG_FRESH_H

#include <stddef.h>
#include <stdint.h>

#include "video_parse.h"

/*
 * Writes videos (sorted by guid, unique) and cols as a new catalog at
 * path: each video with its hash and change hash (computed as it is
 * inserted), changed = its upload time, cdn_host; the meta rows digest
 * (also into digest), video_count, pulled_at (now), published_count and
 * source (when not NULL).  Returns 0 written, 1 not done (path exists,
 * another pull holds the side file, or the rename cannot refuse to
 * replace: write the ordinary way), -1 error with the reason in err
 * (nothing at path).
 */
int	catalog_write_fresh(const char *path, const char *source,
	    const struct bunny_video *videos, size_t n,
	    const struct bunny_collection *cols, size_t ncols, const char *cdn_host,
	    size_t published, int64_t now, char digest[65], char *err, size_t errlen);

/* Removes a side file a killed first pull left next to the existing
 * catalog at path, unless a pull is writing it. */
void	catalog_fresh_cleanup(const char *path);

#endif
