/*
 * catalog_rows_file.h — STATE/catalog.rows: the catalog's rows as a full
 * read gave them (catalog_read.h), kept for the next build.  A video added
 * or removed cannot be laid over the model image; the build merges every
 * row with content/ then, and at 100 000 videos reading them from SQLite
 * took ~0.16 s, part of which the merge waited for (docs/benchmarks.md,
 * issue 15).  From this file (43 MB) they are read in ~35 ms, then brought
 * up to date by the catalog's change log (catalog_read_since, ~10 ms for
 * a video added): only the videos written since are read from SQLite.
 *
 * The file says where the catalog's log stood when its rows were read
 * (rows->log); rows without prints or a log (an older catalog) make no
 * file.  It is a cache: a file missing, damaged or of another format is
 * none, and the rows are read whole.
 *
 * Returns: catalog_rows_file_parse() and _read() 1 with rows filled, 0
 * when the bytes are no rows file (rows zeroed); _write() 0, or -1 with
 * why in err.
 */
#ifndef ONLY_CATALOG_ROWS_FILE_H
#define ONLY_CATALOG_ROWS_FILE_H

#include <stddef.h>

#include "catalog_rows.h"

/* The largest file read (1 GB): far past 100 000 videos' ~45 MB. */
#define CATALOG_ROWS_FILE_MAX	((size_t)1 << 30)

/*
 * rows (printed, with a log position) to path, replaced atomically
 * (path.tmp, then put in its place: file_replace.h).
 */
int	catalog_rows_file_write(const char *path, const struct catalog_rows *rows, char *err,
	    size_t errlen);

/*
 * The file's bytes data[0..size) into rows: every string, caption and
 * chapter copied into rows->mem, the arrays malloc'd (catalog_rows.h); the
 * bytes are not kept.  Every field is checked: the checksum, the counts
 * against the size, each guid (1 to GUID_LEN bytes, NUL-padded, strictly
 * ascending), each string's offset within the strings, which end with a
 * NUL.
 */
int	catalog_rows_file_parse(const void *data, size_t size, struct catalog_rows *rows);

/* The file at path, mapped and parsed. */
int	catalog_rows_file_read(const char *path, struct catalog_rows *rows);

#endif
