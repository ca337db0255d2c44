/*
 * strmap.h — a hash table from strings to indices: open addressing with
 * linear probing, FNV-1a, doubled when half full, so a lookup or an insert
 * is O(1) on average.  The usual use is an index into an array that holds
 * the keys: the keys are borrowed and must outlive the map.
 *
 * Returns: 0 ok, -1 out of memory (the map is then as it was).
 */
#ifndef ONLY_STRMAP_H
#define ONLY_STRMAP_H

#include <stddef.h>

struct strmap {
	const char	**keys;	/* cap slots, NULL when free (borrowed) */
	size_t		 *vals;
	size_t		  cap;	/* a power of two, or 0 before the first put */
	size_t		  n;	/* keys held */
};

/* The value of key, or -1 when the map does not hold it. */
long	strmap_get(const struct strmap *m, const char *key);
/* Adds key (not in the map yet) with val.  0 or -1 (out of memory). */
int	strmap_put(struct strmap *m, const char *key, size_t val);
/* Releases the slots (not the keys); accepts a zeroed map, leaves one. */
void	strmap_free(struct strmap *m);

#endif
