/*
 * related.h — "more like this": for every video, up to RELATED_MAX other
 * videos ranked by the number of tags they share with it, ties broken by
 * recency (newer first).  Videos sharing no tag are not related.
 *
 * Near-linear: one pass builds a tag -> videos index; each video then walks
 * only the lists of its own tags, counting into one score array reused by
 * its thread, and keeps the best RELATED_MAX in a small sorted array (no
 * full sort).  Work is split over `jobs` workers of pool.h.
 *
 * Ownership: related_compute() fills r; related_free() releases it and
 * accepts a zeroed struct.
 */
#ifndef ONLY_RELATED_H
#define ONLY_RELATED_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define RELATED_MAX	12

struct related {
	uint32_t	*ids;	/* nvideos * RELATED_MAX video indices */
	uint8_t		*count;	/* nvideos: how many of each row are used */
	size_t		 n;
};

/* Returns 0, or -1 with a message in err (out of memory, a bad tag index). */
int	related_compute(struct related *r, const struct model *m, int jobs,
	    char *err, size_t errlen);
void	related_free(struct related *r);

/* The hash of what the lists depend on: each video's position and tags. */
uint64_t related_inputs_key(const struct model *m);
/*
 * The lists only change when some video's tags or position change, so the
 * build keeps them in a cache file keyed by related_inputs_key().
 * related_cache_load() returns 1 when file held lists for key (r filled),
 * 0 when it did not (missing, stale or damaged), -1 when out of memory.
 * related_cache_save() writes through a temporary and a rename; 0 or -1.
 */
int	related_cache_load(struct related *r, const char *file, uint64_t key, size_t n);
int	related_cache_save(const struct related *r, const char *file, uint64_t key);

/* The related videos of video i: *n entries. */
static inline const uint32_t *
related_of(const struct related *r, size_t i, size_t *n)
{
	*n = r->count[i];
	return r->ids + i * RELATED_MAX;
}

#endif
