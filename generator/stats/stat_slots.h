/*
 * stat_slots.h — the index both tables of `onlygen stats` keep over their
 * arrays (videos by GUID, stat_agg.c; code ids, stat_codes.c): open
 * addressing with linear probing, each slot an entry's index + 1 (0 free),
 * the key a string inside the entry.  The arrays grow by realloc, so the
 * slots hold indices, never pointers; key_of(arr, i) gives entry i's key.
 * Grown to twice its size (1 024 at first) when its caller finds it half
 * full.
 */
#ifndef ONLY_STAT_SLOTS_H
#define ONLY_STAT_SLOTS_H

#include <stddef.h>
#include <stdint.h>

typedef const char *(*stat_key_fn)(const void *arr, size_t i);

struct stat_slots {
	uint32_t	*slot;		/* n slots: index + 1, 0 free */
	size_t		 n;		/* a power of two, or 0 before the first grow */
	uint64_t	 seed;
};

/* The slot that holds key, or the free slot where it would go (n > 0). */
size_t	stat_slots_find(const struct stat_slots *x, const char *key, stat_key_fn key_of,
	    const void *arr);
/* Doubles the slots (1 024 the first time) and places the entries again:
 * 0, or -1 out of memory (the index is then as it was). */
int	stat_slots_grow(struct stat_slots *x, stat_key_fn key_of, const void *arr);
void	stat_slots_free(struct stat_slots *x);

#endif
