/*
 * tree_digest.h — a 64-bit digest of a file or a directory tree's names
 * and bytes (hash64.h), for deciding that a build's inputs are those of
 * the last build.  Two trees with the same digest hold the same relative
 * paths, each the same bytes; a missing path has its own digest (not an
 * error), so "absent" is an input like any other.
 */
#ifndef ONLY_TREE_DIGEST_H
#define ONLY_TREE_DIGEST_H

#include <stdint.h>
#include <stddef.h>

#define TREE_DEPTH_MAX	32	/* directory levels below the root */
#define TREE_ENTRIES_MAX 1000000	/* names in one tree: content/ and themes/ are far smaller */

/*
 * Mixes path (followed if a symlink, as the loaders open it) into *h: a
 * regular file's size and bytes, a directory's sorted names and what each
 * holds.  0, or -1 with err when something cannot be read or a bound is
 * passed (the caller then has no digest: it builds as if inputs changed).
 */
int	tree_digest(const char *path, uint64_t *h, char *err, size_t errlen);

#endif
