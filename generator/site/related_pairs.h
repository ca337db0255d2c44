/*
 * related_pairs.h — the tag-pair index of "more like this" (related.c).
 *
 * For every two tags some video has both of, the videos that have both,
 * in index order (newest first).  A video's candidates sharing two or more
 * of its tags are exactly the members of its own pairs' lists, so ranking
 * walks those (about 1 000 a video in make bench's 100 000-video catalog)
 * instead of every member of every one of its tags (16 000: a few tags
 * are in most videos); the rest of a row is filled from the fronts of its
 * tags' lists, the newest videos sharing one tag.
 *
 * Built only when every video's tags are distinct (what model_merge.c
 * makes), none has more than RELATED_PAIRS_MAX_TAGS and the pairs stay
 * within RELATED_PAIRS_PER_VIDEO per video on average; otherwise related.c
 * counts every member of every tag, as before.
 */
#ifndef ONLY_RELATED_PAIRS_H
#define ONLY_RELATED_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Pairs per video on average at most (a video with k tags has k(k-1)/2). */
#define RELATED_PAIRS_PER_VIDEO	16
/* Tags of one video at most: related.c counts a video's appearances in
 * another's k(k-1)/2 pairs in 16 bits (362 * 361 / 2 = 65 341). */
#define RELATED_PAIRS_MAX_TAGS	362

struct rel_pairs {
	uint64_t	*key;	/* distinct pair keys ascending: a * ntags + b, a < b */
	size_t		*off;	/* n + 1 offsets into vid */
	size_t		*vid;	/* per pair, the videos that have both tags, ascending */
	size_t		 n;	/* pairs */
	size_t		 ntags;
};

/*
 * Builds p for m: 1 when built, 0 when the index does not apply (a video
 * with a tag twice, too many pairs, a tag index out of range: p is then
 * empty), -1 when memory ran out.
 */
int	rel_pairs_build(struct rel_pairs *p, const struct model *m);
/* The videos having tags a and b (a != b): vid[*lo .. *hi), empty if none. */
void	rel_pairs_find(const struct rel_pairs *p, size_t a, size_t b, size_t *lo, size_t *hi);
/* Frees p; accepts a zeroed struct. */
void	rel_pairs_free(struct rel_pairs *p);

#endif
