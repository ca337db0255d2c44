/*
 * related.h — "more like this": for every video, up to RELATED_MAX other
 * videos ranked by the number of tags they share with it, ties broken by
 * recency (newer first).  Videos sharing no tag are not related.
 *
 * One pass builds a tag -> videos index and, where it applies, a tag-pair
 * -> videos index (related_pairs.h).  Each video then walks only its own
 * pairs' lists (the videos sharing two or more tags, counted) and the
 * fronts of its tags' lists (the newest sharing one), or without the pair
 * index every member of its tags' lists, counting into one score array
 * reused by its thread, and keeps the best RELATED_MAX in a small sorted
 * array (no full sort).  Work is split over `jobs` workers of pool.h.
 *
 * Ownership: related_compute() fills r; related_free() releases it and
 * accepts a zeroed struct.
 */
#ifndef ONLY_RELATED_H
#define ONLY_RELATED_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "pool.h"

#define RELATED_MAX	12
#define RELATED_ADD_MERGE	64	/* more new videos: their tags' videos ranked again */

struct related {
	uint32_t	*ids;	/* nvideos * RELATED_MAX video indices */
	uint8_t		*count;	/* nvideos: how many of each row are used */
	size_t		 n;
};

/* Returns 0, or -1 with a message in err (out of memory, a bad tag index). */
int	related_compute(struct related *r, const struct model *m, int jobs,
	    char *err, size_t errlen);
/* r with room for n videos' rows, none filled; 0 or -1 (out of memory, n too large). */
int	related_alloc(struct related *r, size_t n);
/*
 * Ranks the rows of the nwhich videos listed in which (NULL: every video)
 * into r, allocated for m; the other rows are left as they are.  0, or -1
 * with err (out of memory, a bad tag index); r is kept either way.
 */
int	related_rows(struct related *r, const struct model *m, const uint32_t *which,
	    size_t nwhich, int jobs, char *err, size_t errlen);
/*
 * Row i of r, the best of some candidates (all of them when it is not
 * full), with the candidates add[0..nadd) added: the best of both, as
 * related_rows() would rank them all (every score from m's tags).
 */
void	related_row_add(struct related *r, const struct model *m, size_t i, const uint32_t *add,
	    size_t nadd);
void	related_free(struct related *r);

/* The hash of what the lists depend on: each video's position and tags. */
uint64_t related_inputs_key(const struct model *m);

/*
 * related_cache.c.  The lists only change when some video's tags or
 * position change, so the build keeps them in a cache file, with each
 * video's guid and tags (by id, model.h).  related_update() fills r for m: the
 * file's lists whole when they are m's (related_inputs_key); otherwise the
 * rows of every video none of whose tags gained, lost or changed a member
 * (and with the videos' order kept), translated to m's indices, and the
 * others ranked again; else (no usable file, an order change) all ranked.
 * When no video that stays changed its tags and at most RELATED_ADD_MERGE
 * were added, an old video's row is its old one with the new videos
 * considered (related_row_add), not ranked again, unless it listed a
 * removed video.
 * The file is then rewritten on a thread of its own, save (a failure,
 * told by related_save_join(), costs the next build more ranking; ~0.025 s
 * of the main thread at 100 000 videos).  *ranked: how many rows were
 * ranked.  0, or -1 with err (no write started).
 */
struct related_save {
	struct pool_bg		 bg;
	int			 started;
	const struct related	*r;
	const struct model	*m;
	uint64_t		 key;
	char			 file[4096];
};
int	related_update(struct related *r, const struct model *m, const char *file, int jobs,
	    size_t *ranked, struct related_save *save, char *err, size_t errlen);
/* Waits for the file's write (r and m must stay as they are until then):
 * 0 written or none to write, -1 not written.  Joining again returns 0. */
int	related_save_join(struct related_save *save);

/* The related videos of video i: *n entries. */
static inline const uint32_t *
related_of(const struct related *r, size_t i, size_t *n)
{
	*n = r->count[i];
	return r->ids + i * RELATED_MAX;
}

#endif
