/*
 * jsonfile.h — JSON text to cJSON with errors a person can act on.
 *
 * The text is first checked by a small strict scanner that knows where it
 * is: a syntax error is reported as "FILE:LINE:COL: expected X, found Y".
 * Nesting deeper than JSONFILE_MAX_DEPTH is an error (every parser has a
 * depth limit).  Only then is the text handed to cJSON; or, for a text
 * read once and thrown away (a page of the API's listing), the scanner
 * builds the tree itself in an arena (json_parse_arena()).
 *
 * Ownership: the returned cJSON tree belongs to the caller (cJSON_Delete);
 * an arena's tree belongs to the arena.
 */
#ifndef ONLY_JSONFILE_H
#define ONLY_JSONFILE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define JSONFILE_MAX_DEPTH	64
#define JSONFILE_MAX_BYTES	((size_t)512 << 20)
#define JSONFILE_MAX_NUMBER	63	/* characters; cJSON reads no more */

/*
 * Parses len bytes of text; name is used in messages (a path or "<stdin>").
 * Returns the tree, or NULL with a one-line message in err.
 */
cJSON	*json_parse_text(const char *name, const char *text, size_t len,
	    char *err, size_t errlen);
/*
 * json_parse_text() whose tree the scan builds in tree: the nodes cJSON's
 * parser would make (types, strings, numbers, member names, order and
 * links, the test and fuzz_json check it against cJSON's), without a
 * malloc and free per value (~3 million at a 100 000-video pull).  Read-only: cJSON's
 * readers work on it, nothing may add, detach or delete (cJSON_Delete)
 * its nodes.  It lives until arena_reset() or arena_free(); a failure
 * leaves what was built in the arena, for its owner's reset.
 */
struct arena;
const cJSON *json_parse_arena(const char *name, const char *text, size_t len,
	    struct arena *tree, char *err, size_t errlen);
/* Reads and parses a file; NULL with a message in err on failure. */
cJSON	*json_load_file(const char *path, char *err, size_t errlen);

/*
 * Where each value of a parsed text starts, so that a check made on the
 * tree after parsing (a wrong type, a refused URL) can name FILE:LINE:COL
 * like a syntax error does.  Values are numbered in document order, which
 * is also the pre-order of cJSON's tree (cJSON keeps members in order,
 * duplicates included).
 */
struct json_pos {
	unsigned	line, col;	/* from 1; col counts characters */
};
struct json_map {
	struct json_pos	*at;		/* per value, in document order */
	size_t		 n, cap;
};
/* json_parse_text() and json_load_file() that also fill map (zeroed by the caller; freed with
 * json_map_free() on every path). */
cJSON	*json_parse_text_map(const char *name, const char *text, size_t len,
	    struct json_map *map, char *err, size_t errlen);
cJSON	*json_load_file_map(const char *path, struct json_map *map, char *err, size_t errlen);
/* The position of node, a value of root's tree: 0, or -1 when node is not
 * in the tree or the map does not cover it. */
int	json_map_find(const struct json_map *map, const cJSON *root, const cJSON *node,
	    struct json_pos *pos);
void	json_map_free(struct json_map *map);

#endif
