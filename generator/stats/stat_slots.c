/*
 * stat_slots.c — the stats tables' index (stat_slots.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "stat_slots.h"

size_t
stat_slots_find(const struct stat_slots *x, const char *key, stat_key_fn key_of,
    const void *arr)
{
	size_t i = (size_t)h64_str(x->seed, key) & (x->n - 1);

	while (x->slot[i] != 0 && strcmp(key_of(arr, x->slot[i] - 1), key) != 0)
		i = (i + 1) & (x->n - 1);
	return i;
}

int
stat_slots_grow(struct stat_slots *x, stat_key_fn key_of, const void *arr)
{
	struct stat_slots old = *x;
	size_t i;

	x->n = old.n ? old.n * 2 : 1024;
	if ((x->slot = calloc(x->n, sizeof(*x->slot))) == NULL) {
		*x = old;
		return -1;
	}
	for (i = 0; i < old.n; i++)
		if (old.slot[i] != 0)
			x->slot[stat_slots_find(x, key_of(arr, old.slot[i] - 1), key_of, arr)] =
			    old.slot[i];
	free(old.slot);
	return 0;
}

void
stat_slots_free(struct stat_slots *x)
{
	free(x->slot);
	x->slot = NULL;
	x->n = 0;
}
