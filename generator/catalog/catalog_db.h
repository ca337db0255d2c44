/*
 * catalog_db.h — var/catalog.db: the SQLite catalog of the Bunny Stream
 * library.  Schema version with forward migrations, WAL mode, one
 * all-or-nothing transaction per pull, and the catalog digest.
 *
 * SQL text is constant; every value is bound.  Failures leave the file as
 * it was (the write is one transaction; nothing is opened for writing
 * before the new catalog is complete and valid).  The SQLite handle is
 * catalog_sql.h's, for the catalog's own files.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen].
 */
#ifndef ONLY_CATALOG_DB_H
#define ONLY_CATALOG_DB_H

#include <stddef.h>
#include <stdint.h>

#include "video_parse.h"

#define CATALOG_SCHEMA_VERSION	5

struct catalog_counts {
	size_t	added, updated, removed, unchanged;
	size_t	total;		/* videos in the new catalog, any status */
	size_t	published;	/* of which status Finished */
};

/*
 * Reads the meta value key into out ("" when absent).  A missing database
 * file is not an error: *exists is set to 0 and out to "".  0 or -1.
 */
int	catalog_meta_get(const char *path, const char *key, char *out, size_t outlen,
	    int *exists, char *err, size_t errlen);

/*
 * The catalog digest: hex SHA-256 over the published videos (status
 * Finished) in GUID order, each contributing every stored field.  videos
 * must be sorted by guid.  Also fills hashes[i] (32 bytes each) with each
 * video's own hash when hashes is not NULL.
 */
void	catalog_digest(const struct bunny_video *videos, size_t n,
	    unsigned char (*hashes)[32], char digest[65]);

/*
 * Replaces the catalog with videos (sorted by guid, unique) and
 * collections in one transaction, recording the digest, the video count
 * and cdn_host (may be "") for every video, and when each video last
 * changed (its fields but views differ from the stored row's: now; a new
 * video: its upload time; else as stored).  counts are relative to the
 * previous catalog.  0 or -1 with err (and the file as it was).
 */
int	catalog_write(const char *path, const struct bunny_video *videos, size_t n,
	    const struct bunny_collection *cols, size_t ncols, const char *cdn_host,
	    struct catalog_counts *counts, char digest[65], char *err, size_t errlen);

/*
 * catalog_write() that also records source (may be NULL: left as it was),
 * the identity of what was pulled ("api <base> library <id>" or "dir
 * <path>"), so that the shrink guard compares only pulls of one library.
 * Both also record published_count, the number of Finished videos.
 */
int	catalog_write_from(const char *path, const char *source,
	    const struct bunny_video *videos, size_t n,
	    const struct bunny_collection *cols, size_t ncols, const char *cdn_host,
	    struct catalog_counts *counts, char digest[65], char *err, size_t errlen);

/*
 * Records digest as the one the last successful build used; `pull
 * --check` compares the newly pulled digest with it.  A file beside the
 * catalog (catalog_db + ".built", 0600), written whole and renamed in,
 * without a sync, not a row of the catalog: a commit there syncs its
 * WAL's header, and that sync committed the filesystem's journal with
 * every file the build had just renamed (0.14 to 0.17 s on the disk at
 * 100 000 videos, at the end of every build; docs/benchmarks.md, issue
 * 15).  A power cut loses at most the mark: one more build.  0 or -1
 * with err.
 */
int	catalog_mark_built(const char *catalog_db, const char *digest, char *err,
	    size_t errlen);
/*
 * The digest catalog_mark_built() recorded for catalog_db, into out; ""
 * when none is, or the file cannot be read or holds anything else (then
 * the next check builds).  0, or -1 with err when catalog_db's path is
 * too long to name the file.
 */
int	catalog_built_get(const char *catalog_db, char out[65], char *err, size_t errlen);

#endif
