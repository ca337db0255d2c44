/*
 * content_parse.h — what content.c's parser lends content_reuse.c, which
 * loads content/videos/ through the snapshot (content_snap.h).  Not for
 * other users: content.h is the interface.
 */
#ifndef ONLY_CONTENT_PARSE_H
#define ONLY_CONTENT_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "content.h"
#include "content_snap.h"
#include "jsonfile.h"

/* Where we are, for messages. */
struct ctx {
	struct content	*c;
	const char	*file;
	const struct reporter *report;	/* warnings; NULL: dropped */
	char		*err;
	size_t		 errlen;
	const cJSON	*root;		/* the text being read, and where its values are */
	struct json_map	 map;
	uint64_t	 site_sum;	/* h64 of site.json's bytes */
};

/* Reads path into b (JSONFILE_MAX_BYTES at most): 0, or -1 with the parser's message. */
int	content_read_text(const char *path, struct buf *b, char *err, size_t errlen);
/*
 * The names of content/videos/'s entry files in name order (*names, *n;
 * freed by the caller) and c->files their paths.  0; -1 with x->err.
 */
int	content_list_files(struct ctx *x, const char *dir, char ***names, size_t *n);
/* The entries of one file, path (name its base name), from its bytes.  0 or -1. */
int	content_parse_file(struct ctx *x, const char *path, const char *name, const char *text,
	    size_t len);
/*
 * One member of a plain group file (content_scan.h): name guid, its value's
 * bytes text[len) starting at line:col of path.  Gives what a parse of the
 * whole file gives for it: the entry, or a warning, or the same error.
 */
int	content_parse_member(struct ctx *x, const char *path, const char *guid, const char *text,
	    size_t len, unsigned line, unsigned col);
/* A new entry at the end of c's (zeroed), or NULL out of memory. */
struct content_entry *content_entry_new(struct content *c);
/* Parses every file of content/videos/ (no snapshot): 0 or -1 with x->err. */
int	content_parse_all(struct ctx *x, const char *dir);
/*
 * Sorts c's entries by GUID and refuses two entries for one: 0 or -1 with
 * x->err.  rank (NULL, or nentries slots): where each entry went.  hint
 * (NULL, or nentries slots): each entry's place among the last load's
 * sorted entries (below places), SIZE_MAX for a new one; a merge then
 * replaces the sort (checked: a hint that is no order is ignored).
 */
int	content_finish(struct ctx *x, size_t *rank, const size_t *hint, size_t places);
/* Loads content/videos/ through snap (content_reuse.c): 0 or -1 with x->err. */
int	content_reuse_entries(struct ctx *x, const char *dir, const struct content_snap *snap);

#endif
