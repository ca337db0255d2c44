/*
 * jsonfile.h — JSON text to cJSON with errors a person can act on.
 *
 * The text is first checked by a small strict scanner that knows where it
 * is: a syntax error is reported as "FILE:LINE:COL: expected X, found Y".
 * Nesting deeper than JSONFILE_MAX_DEPTH is an error (every parser has a
 * depth limit).  Only then is the text handed to cJSON.
 *
 * Ownership: the returned cJSON tree belongs to the caller (cJSON_Delete).
 */
#ifndef ONLY_JSONFILE_H
#define ONLY_JSONFILE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define JSONFILE_MAX_DEPTH	64
#define JSONFILE_MAX_BYTES	((size_t)512 << 20)

/*
 * Parses len bytes of text; name is used in messages (a path or "<stdin>").
 * Returns the tree, or NULL with a one-line message in err.
 */
cJSON	*json_parse_text(const char *name, const char *text, size_t len,
	    char *err, size_t errlen);
/* Reads and parses a file; NULL with a message in err on failure. */
cJSON	*json_load_file(const char *path, char *err, size_t errlen);

#endif
