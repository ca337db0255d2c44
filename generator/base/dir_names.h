/*
 * dir_names.h — the names in one directory, read once (one readdir pass)
 * and then asked about in O(1): what a loop would otherwise learn with a
 * stat(2) per name, most of them failing (the image cache: a build asked
 * whether 100 000 video directories existed, one system call each).
 *
 * The answer is a snapshot: a name created after dir_names_load() is not
 * in it, so a caller only uses it to skip work for names that are absent.
 */
#ifndef ONLY_DIR_NAMES_H
#define ONLY_DIR_NAMES_H

#include <stddef.h>

#include "strmap.h"

struct dir_names {
	char		*block;	/* the names, each NUL-terminated */
	const char	**names;
	size_t		 n;
	struct strmap	 map;	/* name -> index into names */
};

/*
 * Reads dir's entry names ("." and ".." left out) into d; a missing
 * directory is an empty set.  At most max names (more: -1, E2BIG).
 * 0, or -1 with errno (d is then empty, ready for dir_names_free).
 */
int	dir_names_load(struct dir_names *d, const char *dir, size_t max);
/* 1 when dir held name at load time, else 0. */
int	dir_names_has(const struct dir_names *d, const char *name);
/* Releases d; accepts a zeroed or failed one, leaves it zeroed. */
void	dir_names_free(struct dir_names *d);

#endif
