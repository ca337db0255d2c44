/*
 * radix_sort.h — a stable LSD radix sort of 64-bit keys, eight bits a
 * pass, skipping the passes whose byte is the same in every key.  Used
 * where a comparator would reach into large records for every comparison
 * (model_merge.c's newest-first order, site_search.c's length order):
 * those callers fold what they sort by into the key.
 */
#ifndef ONLY_RADIX_SORT_H
#define ONLY_RADIX_SORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sorts key[0..n) ascending, stably; with val non-NULL, val[i] moves with
 * key[i].  0, or -1 when memory ran out (key and val are then as given).
 */
int	radix_sort_u64(uint64_t *key, size_t *val, size_t n);

#endif
