/*
 * catalog_rows.h — what the catalog hands the model: var/catalog.db's rows
 * as plain C data, no SQLite.  generator/catalog/catalog_read.c fills it;
 * model_merge() (model_merge.h) combines it with content/.  It is defined
 * here, in the model layer, so that the catalog depends on the model and
 * never the other way round.
 *
 * Ownership: the struct owns everything reachable from it.  Every string
 * and every video's captions and chapters live in its arena (mem), freed
 * as one with it; the videos and collections arrays are malloc'd.
 * catalog_rows_free() releases them all.  model_merge() adopts the arena
 * (model_merge.h): the strings then live as long as the model.  Strings are
 * never NULL ("" when the column is empty).
 *
 * Returns: no function here can fail.
 */
#ifndef ONLY_CATALOG_ROWS_H
#define ONLY_CATALOG_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "guid.h"	/* GUID_LEN */
#include "arena.h"
#include "model.h"	/* struct caption, struct chapter */

/* One video of the library, whatever its Bunny status. */
struct catalog_video_row {
	char		 guid[GUID_LEN + 1];	/* lower case */
	char		*title;
	char		*description;
	int64_t		 length;	/* seconds */
	int64_t		 width, height;
	int64_t		 uploaded;	/* Unix seconds, UTC */
	int64_t		 views;
	int64_t		 changed;	/* Unix seconds: when the pulls saw its fields last
					 * change (docs/catalog.md), >= uploaded */
	char		*thumbnail;	/* file name under /{guid}/, "" when Bunny named none */
	char		*cdn_host;	/* stored by the pull ("" = site.json's) */
	char		*collection;	/* the collection's GUID, or "" */
	char		*meta_tags;	/* Bunny's keywords: "a,b, c" */
	int		 published;	/* Bunny status Finished: the site may show it */
	struct caption	*captions;	/* in Bunny's order */
	size_t		 ncaptions;
	struct chapter	*chapters;	/* in Bunny's order */
	size_t		 nchapters;
	uint64_t	 print;		/* what the catalog says changes with any field
					 * (catalog_read.h: struct catalog_print) */
};

/*
 * Where the catalog's change log stood when rows were read (its last
 * entry: catalog_log.c), so that a later read can ask for the videos
 * written since instead of comparing every row, and the sum of those
 * rows' hashes then, from which that read carries the fingerprint on
 * (catalog_read.h).  seq 0: the catalog kept no log (an older schema, or
 * its triggers gone).
 */
struct catalog_log_pos {
	uint64_t	seq;
	uint64_t	nonce;	/* the entry's random value: a log of another catalog
				 * (or restored from before) has another at seq */
	uint64_t	sum;	/* of catalog_row_hash() over every video row */
};

struct catalog_collection_row {
	char		 guid[GUID_LEN + 1];
	char		*name;
};

struct catalog_rows {
	char				 digest[65];	/* hex SHA-256 of the published catalog ("" if none) */
	struct catalog_video_row	*videos;	/* every status, sorted by guid */
	size_t				 nvideos;
	size_t				 vcap;	/* room videos has, when more than nvideos */
	struct catalog_collection_row	*collections;	/* sorted by guid */
	size_t				 ncollections;
	uint64_t			 collections_print;	/* changes with any collection */
	int				 printed;	/* each row's print and collections_print
							 * were read (a catalog of schema 3) */
	struct catalog_log_pos		 log;	/* read in the same transaction */
	struct arena		 mem;	/* every string, caption and chapter above */
	/* or the kept rows' file (catalog_rows_file.h), mapped: the strings
	 * of the rows read from it point into it; zeroed otherwise */
	struct file_map		 map;
};

/*
 * The room for videos the kept rows are read with (catalog_rows_file.h):
 * those the log names since are put in without moving the array (a
 * realloc of 100 000 rows was a copy of ~18 MB, issue 15).
 */
#define CATALOG_ROWS_SPARE	64

/* Releases what rows holds; accepts a zeroed struct, leaves one. */
void	catalog_rows_free(struct catalog_rows *rows);

#endif
