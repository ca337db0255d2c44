/*
 * catalog_read.h — var/catalog.db read for the rest of the generator: the
 * rows the model merges with content/ (catalog_rows.h) and what `onlygen
 * status` prints.  With catalog_db.c (which writes it), the only code that
 * knows the schema: each statement's columns are listed once, in a table
 * that makes both the SELECT and the struct field each column fills.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen].
 */
#ifndef ONLY_CATALOG_READ_H
#define ONLY_CATALOG_READ_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog_rows.h"

/*
 * Reads every video (any status, with its captions and chapters), the
 * collections and the digest of the catalog at path into rows.  A missing
 * file is an error saying to pull first.  Gives up (-1, "interrupted") soon
 * after *stop becomes non-zero: another thread may set it (a build that
 * starts the read early, then learns it has nothing to do); stop may be
 * NULL: never.  On error rows is zeroed.
 */
int	catalog_read(const char *path, struct catalog_rows *rows, atomic_int *stop,
	    char *err, size_t errlen);

/*
 * A 64-bit fingerprint of everything catalog_read() gives the model: each
 * video's stored hash (all its fields, captions and chapters: catalog_db.c's
 * video_hash), status, last change and CDN host, and the collections; the
 * pull's meta rows (when it ran) are not in it.  The same rows give the
 * same value however they were written: it is a sum over the rows
 * (catalog_fp_of), which catalog_read_changes() moves by the rows a
 * catalog's change log names (schema 5) instead of reading them all.
 * Read here through the covering index videos_fingerprint (schema 3),
 * about 1/10 of the table's pages.  A catalog older than schema 2 has
 * none: -1 with err, and the build reads it all.  0, or -1 with err.
 */
int	catalog_fingerprint(const char *path, uint64_t *fp, char *err, size_t errlen);

/*
 * One catalog row as catalog_fingerprint() reads it: its guid and the h64
 * of the columns after the guid (hash, status, changed, cdn_host), as that
 * walk mixes them.  The stored hash covers every field of the video, views,
 * captions and chapters included (catalog_hash.c): any change of what
 * catalog_read() gives for the row moves its print.
 */
struct catalog_print {
	char		guid[GUID_LEN + 1];
	uint64_t	print;
};

struct catalog_prints {
	struct catalog_print	*rows;		/* every video, any status, sorted by guid; malloc'd */
	size_t			 n;
	uint64_t		 collections;	/* h64 of the collections table as the walk reads it */
	uint64_t		 sum;		/* of catalog_row_hash() over the rows (catalog_sql.h) */
	uint64_t		 fp;		/* the same value catalog_fingerprint() gives */
};

/*
 * The prints of every video of the catalog at path, from the walk
 * catalog_fingerprint() is (one walk: p->fp is its value by construction).
 * For the build's model image (docs/site.md): the rows whose print moved
 * since the image was saved are the ones to read again.  One array
 * allocation (sized by the pull's video count).  0, or -1 with err and p
 * zeroed.
 */
int	catalog_prints_read(const char *path, struct catalog_prints *p, char *err, size_t errlen);
/* Releases what p holds; accepts a zeroed struct, leaves one. */
void	catalog_prints_free(struct catalog_prints *p);

/*
 * The videos named by guids[0..n) (sorted ascending, unique, lower case),
 * with their captions and chapters, plus the collections and the
 * catalog's digest, into rows, as catalog_read() fills them (rows->videos
 * in guid order; a guid the catalog lacks is simply absent): the few rows
 * the model image overlays.  A statement run per guid: for a few (tens),
 * not thousands.  0, or -1 with err (rows zeroed; guids out of order are
 * an error).
 */
int	catalog_read_guids(const char *path, const char *const *guids, size_t n,
	    struct catalog_rows *rows, char *err, size_t errlen);

/*
 * rows, as catalog_read() gave them at rows->log (or as this brought them
 * up to date: the rows file, catalog_rows_file.h), brought up to where the
 * catalog stands now, in one read transaction: the videos its change log
 * names since rows->log (at most max entries) read again, a video gone
 * taken out, the collections and the digest read again, the log's
 * position and the rows' sum moved.  1: rows is what catalog_read() would
 * give now, *named the videos the log named.  0: the log cannot say
 * (rows without prints or a position, a position this log does not hold,
 * more than max entries since): rows untouched, to be read whole.  -1
 * with err (rows untouched).
 */
int	catalog_read_since(const char *path, struct catalog_rows *rows, size_t max,
	    size_t *named, char *err, size_t errlen);

/*
 * In one read transaction: the catalog's prints compared with old[0..nold)
 * (the model image's rows, guid order) and old_collections; when the
 * catalog has the same guids and collections and at most max rows'
 * prints differ, those rows (as catalog_read_guids() gives them, with
 * their new prints) into changed: 1.  0 when it does not (a video added or
 * removed, the collections changed, too many changes: changed zeroed; the
 * build merges everything).  -1 with err.  fp (may be NULL): the catalog's
 * fingerprint, read on the way (0 or 1 returned), as catalog_fingerprint()
 * gives it.  old_log (may be NULL): where the catalog's change log stood
 * when old was read (catalog_rows.h); when the log still holds that
 * position, only the videos it names since are compared (the others are
 * as old has them), else every row.  changed->log: where it stands now.
 */
struct model_image_row;
int	catalog_read_changes(const char *path, const struct model_image_row *old, size_t nold,
	    uint64_t old_collections, const struct catalog_log_pos *old_log, size_t max,
	    struct catalog_rows *changed, uint64_t *fp, char *err, size_t errlen);

/* How many videos have one Bunny status (VideoModelStatus). */
struct catalog_status_count {
	int	 status;
	size_t	 count;
};

/* A video the site does not show yet: its status is not Finished. */
struct catalog_pending {
	char	*guid;
	int	 status;
	char	*title;		/* raw, from Bunny */
};

struct catalog_summary {
	char				 digest[80];	/* of the catalog, "" if none */
	char				 built_digest[80];	/* the last build's, "" if none */
	char				 pulled_at[32];	/* Unix seconds as stored, "" if never */
	struct catalog_status_count	*by_status;	/* ascending status */
	size_t				 nstatus;
	struct catalog_pending		*pending;	/* newest first, then by guid */
	size_t				 npending;
};

/* Fills s for `onlygen status` from the catalog at path (which must exist). */
int	catalog_summary_read(const char *path, struct catalog_summary *s, char *err,
	    size_t errlen);
/* Releases what s holds; accepts a zeroed struct, leaves one. */
void	catalog_summary_free(struct catalog_summary *s);

#endif
