/*
 * access_rows.h — what var/access.db holds, one hash per row, so a build
 * rewrites only the rows that changed (access_db.c).
 *
 * The record, STATE/access.db.rows, is written beside each access.db the
 * build renames into place: per row, the hash of its guid, the hash of the
 * whole row and the guid itself, in guid-hash order, and the identity of
 * the access.db it describes (device, inode, size, modification time), so
 * a record that does not describe the file now in place (a build killed
 * between the two renames, a file restored or edited by hand) is not used:
 * the table is then written in full.  A damaged record (its checksum) is
 * not used either.  Only the generator reads it; the verifier and
 * scripts/replicate never see it.
 *
 * Ownership: access_plan_make() allocates the plan's rows
 * (access_plan_free());
 * access_rows_load() maps the record into a struct file_map the caller
 * frees (file_map_free()).
 */
#ifndef ONLY_ACCESS_ROWS_H
#define ONLY_ACCESS_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"
#include "file_map.h"
#include "guid.h"
#include "model.h"

#define ACCESS_ROWS_SUFFIX	".rows"

/* One row the model gives access.db. */
struct arow {
	uint64_t	g;	/* hash of the guid: the order of a record */
	uint64_t	h;	/* hash of the whole row */
	size_t		vid;	/* index in m->videos */
};

/* One row of a loaded record (a copy out of the file). */
struct arow_rec {
	uint64_t	g, h;
	char		guid[GUID_LEN + 1];
};

/* The rows the model gives access.db, and their checksum. */
struct access_plan {
	struct arow	*rows;	/* in guid-hash order */
	size_t		 n;
	int		 exact;	/* 0: two guids share a hash, or a guid is not GUID_LEN
				 * bytes: no record can describe the rows (the table is
				 * written in full, and no record) */
	uint64_t	 sum;	/* of every row, whatever the model's order */
};

/* Fills ap from m: 0, or -1 out of memory.  access_plan_free() accepts a
 * zeroed plan. */
int	access_plan_make(const struct model *m, struct access_plan *ap);
void	access_plan_free(struct access_plan *ap);

/*
 * Loads the record at file when it describes the access.db whose stat is
 * db: 1 (rec maps it; access_rows_count() and access_rows_get() read it),
 * 0 missing, damaged or describing another file.
 */
int	access_rows_load(const char *file, const struct stat *db, struct file_map *rec);
size_t	access_rows_count(const struct file_map *rec);
void	access_rows_get(const struct file_map *rec, size_t i, struct arow_rec *r);

/*
 * Writes the record of rows (n, from access_plan_make() over m) for the
 * table whose stat is db, to file through file.tmp and a rename.  0 or -1
 * with err (the caller then removes file: a stale record is never left).
 */
int	access_rows_save(const char *file, const struct stat *db, const struct model *m,
	    const struct arow *rows, size_t n, char *err, size_t errlen);

#endif
