/*
 * related.c — "more like this" lists.  See related.h for the algorithm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "pool.h"
#include "related.h"
#include "related_pairs.h"

#define CHUNK	256	/* videos a worker claims at a time */
#define PAIRS_FROM	32	/* rows ranked from 1/32 of the videos: the pair index */

struct rel_job {
	const struct model	*m;
	struct related		*r;
	const size_t		*off;	/* ntags + 1 offsets into members */
	const uint32_t		*members;	/* per tag, video indices ascending */
	const uint32_t		*which;	/* the videos to rank (NULL: item i is video i) */
	const struct rel_pairs	*pairs;	/* NULL: count every member of the tags */
};

/* A worker's score array, reused for every video it ranks. */
struct rel_scratch {
	uint8_t		*score;		/* nvideos, all zero between videos */
	uint32_t	*touched;	/* the videos whose score is not zero */
	uint16_t	*pair_count;	/* with pairs: nvideos, all zero between videos */
	size_t		*pos;		/* with pairs: ntags, a cursor per tag of the video */
};

/* Keeps best[0..*nbest) sorted by score descending, index ascending. */
static void
consider(uint32_t *best, uint8_t *bscore, size_t *nbest, uint32_t idx, uint8_t sc)
{
	size_t k;

	if (*nbest == RELATED_MAX) {
		k = RELATED_MAX - 1;
		if (bscore[k] > sc || (bscore[k] == sc && best[k] < idx))
			return;
	} else
		k = (*nbest)++;
	while (k > 0 && (bscore[k - 1] < sc || (bscore[k - 1] == sc && best[k - 1] > idx))) {
		best[k] = best[k - 1];
		bscore[k] = bscore[k - 1];
		k--;
	}
	best[k] = idx;
	bscore[k] = sc;
}

static int
rel_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	const struct rel_job *j = arg;
	size_t n = j->m->nvideos;
	struct rel_scratch *s;

	(void)worker;
	if ((s = calloc(1, sizeof(*s))) != NULL) {
		*state = s;
		s->score = calloc(n ? n : 1, 1);
		s->touched = malloc((n ? n : 1) * sizeof(*s->touched));
		if (j->pairs != NULL) {
			s->pair_count = calloc(n ? n : 1, sizeof(*s->pair_count));
			s->pos = malloc(j->m->ntags * sizeof(*s->pos));
		}
	}
	if (s == NULL || s->score == NULL || s->touched == NULL ||
	    (j->pairs != NULL && (s->pair_count == NULL || s->pos == NULL))) {
		snprintf(err, errlen, "related: out of memory");
		return -1;
	}
	return 0;
}

static void
rel_done(void *arg, void *state)
{
	struct rel_scratch *s = state;

	(void)arg;
	if (s != NULL) {
		free(s->score);
		free(s->touched);
		free(s->pair_count);
		free(s->pos);
		free(s);
	}
}

/* s for c = s(s-1)/2, the pairs of i's tags a video with s of them is in. */
static unsigned
tags_of_pairs(unsigned c)
{
	unsigned s = 2;

	while (s * (s - 1) / 2 < c)
		s++;
	return s;
}

/*
 * rel_item with the pair index: a video sharing s >= 2 of video i's tags
 * is in s(s-1)/2 of i's pairs' lists, so counting its appearances there
 * gives its score without reading its tags (a cache miss per candidate);
 * the row is then full, or the newest videos sharing exactly one tag fill
 * it, taken in index order by merging the fronts of i's tags' lists (a
 * video met there with a count shares more).  The same row as counting
 * every member: scores capped at UINT8_MAX, ties newest first.
 */
static void
rank_by_pairs(const struct rel_job *j, struct rel_scratch *s, size_t i,
    uint32_t *best, uint8_t *bscore, size_t *nbest)
{
	const struct video *v = &j->m->videos[i];
	uint16_t *cnt = s->pair_count;
	size_t a, b, p, lo, hi, ntouched = 0, k;
	unsigned sc;
	uint32_t u;

	for (a = 0; a < v->ntags; a++)
		for (b = a + 1; b < v->ntags; b++) {
			rel_pairs_find(j->pairs, v->tags[a], v->tags[b], &lo, &hi);
			for (p = lo; p < hi; p++) {
				u = (uint32_t)j->pairs->vid[p];
				if (u == i)
					continue;
				if (cnt[u] == 0)
					s->touched[ntouched++] = u;
				cnt[u]++;
			}
		}
	for (p = 0; p < ntouched; p++) {
		u = s->touched[p];
		sc = tags_of_pairs(cnt[u]);
		consider(best, bscore, nbest, u, (uint8_t)(sc < UINT8_MAX ? sc : UINT8_MAX));
	}
	for (a = 0; a < v->ntags; a++)
		s->pos[a] = j->off[v->tags[a]];
	while (*nbest < RELATED_MAX) {
		k = v->ntags;
		for (a = 0; a < v->ntags; a++)
			if (s->pos[a] < j->off[v->tags[a] + 1] && (k == v->ntags ||
			    j->members[s->pos[a]] < j->members[s->pos[k]]))
				k = a;
		if (k == v->ntags)
			break;
		u = j->members[s->pos[k]++];
		if (u != i && cnt[u] == 0)
			consider(best, bscore, nbest, u, 1);
	}
	for (p = 0; p < ntouched; p++)
		cnt[s->touched[p]] = 0;
}

/* Ranks the videos sharing a tag with video i into its row of j->r. */
static int
rel_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	const struct rel_job *j = arg;
	struct rel_scratch *s = state;
	const struct video *v;
	uint8_t *score = s->score, bscore[RELATED_MAX];
	uint32_t *touched = s->touched, best[RELATED_MAX], u;
	size_t t, p, ntouched = 0, nbest = 0;

	(void)err;
	(void)errlen;
	if (j->which != NULL)
		i = j->which[i];
	if (j->pairs != NULL) {
		rank_by_pairs(j, s, i, best, bscore, &nbest);
		goto out;
	}
	v = &j->m->videos[i];
	for (t = 0; t < v->ntags; t++) {
		size_t tag = v->tags[t];

		for (p = j->off[tag]; p < j->off[tag + 1]; p++) {
			u = j->members[p];
			if (u == i)
				continue;
			if (score[u] == 0)
				touched[ntouched++] = u;
			if (score[u] < UINT8_MAX)
				score[u]++;
		}
	}
	for (p = 0; p < ntouched; p++) {
		u = touched[p];
		consider(best, bscore, &nbest, u, score[u]);
		score[u] = 0;
	}
out:
	memcpy(j->r->ids + i * RELATED_MAX, best, nbest * sizeof(*best));
	j->r->count[i] = (uint8_t)nbest;
	return 0;
}

/* What rel_item counts for u in video a's row: each tag of a once per
 * time b has it. */
static uint8_t
shared_tags(const struct video *a, const struct video *b)
{
	unsigned n = 0;
	size_t x, y;

	for (x = 0; x < a->ntags; x++)
		for (y = 0; y < b->ntags; y++)
			if (a->tags[x] == b->tags[y] && n < UINT8_MAX)
				n++;
	return (uint8_t)n;
}

void
related_row_add(struct related *r, const struct model *m, size_t i, const uint32_t *add,
    size_t nadd)
{
	const struct video *v = &m->videos[i];
	uint32_t *row = r->ids + i * RELATED_MAX, best[RELATED_MAX];
	uint8_t bscore[RELATED_MAX], sc;
	size_t nbest = 0, k;

	for (k = 0; k < r->count[i]; k++)
		consider(best, bscore, &nbest, row[k], shared_tags(v, &m->videos[row[k]]));
	for (k = 0; k < nadd; k++)
		if (add[k] != i && (sc = shared_tags(v, &m->videos[add[k]])) > 0)
			consider(best, bscore, &nbest, add[k], sc);
	memcpy(row, best, nbest * sizeof(*best));
	r->count[i] = (uint8_t)nbest;
}

int
related_alloc(struct related *r, size_t n)
{
	memset(r, 0, sizeof(*r));
	if (n > UINT32_MAX - 1)
		return -1;
	r->n = n;
	r->ids = malloc((n ? n : 1) * RELATED_MAX * sizeof(*r->ids));
	r->count = calloc(n ? n : 1, 1);
	if (r->ids == NULL || r->count == NULL) {
		related_free(r);
		return -1;
	}
	return 0;
}

int
related_compute(struct related *r, const struct model *m, int jobs,
    char *err, size_t errlen)
{
	if (m->nvideos > UINT32_MAX - 1) {
		memset(r, 0, sizeof(*r));
		snprintf(err, errlen, "related: too many videos (%zu)", m->nvideos);
		return -1;
	}
	if (related_alloc(r, m->nvideos) == -1) {
		snprintf(err, errlen, "related: out of memory");
		return -1;
	}
	if (related_rows(r, m, NULL, m->nvideos, jobs, err, errlen) == -1) {
		related_free(r);
		return -1;
	}
	return 0;
}

int
related_rows(struct related *r, const struct model *m, const uint32_t *which, size_t nwhich,
    int jobs, char *err, size_t errlen)
{
	struct rel_job j;
	struct rel_pairs pairs;
	struct pool_work w;
	size_t *off = NULL, *fill = NULL, i, t, total = 0;
	uint32_t *members = NULL;
	int rc = -1;

	memset(&pairs, 0, sizeof(pairs));
	off = calloc(m->ntags + 1, sizeof(*off));
	fill = calloc(m->ntags + 1, sizeof(*fill));
	if (off == NULL || fill == NULL)
		goto oom;
	/* Tag -> videos index (CSR); video indices ascend = newest first. */
	for (i = 0; i < m->nvideos; i++)
		for (t = 0; t < m->videos[i].ntags; t++) {
			if (m->videos[i].tags[t] >= m->ntags) {
				snprintf(err, errlen, "related: video %s has tag index %zu of %zu",
				    m->videos[i].guid, m->videos[i].tags[t], m->ntags);
				goto out;
			}
			off[m->videos[i].tags[t] + 1]++;
			total++;
		}
	for (t = 0; t < m->ntags; t++)
		off[t + 1] += off[t];
	members = malloc((total ? total : 1) * sizeof(*members));
	if (members == NULL)
		goto oom;
	for (i = 0; i < m->nvideos; i++)
		for (t = 0; t < m->videos[i].ntags; t++) {
			size_t tag = m->videos[i].tags[t];

			members[off[tag] + fill[tag]++] = (uint32_t)i;
		}

	/* the pair index costs a pass over every video's tag pairs: worth it
	 * for many rows, not for the few an addition or removal ranks again
	 * (counting every member of their tags gives the same rows) */
	switch (which != NULL && nwhich < m->nvideos / PAIRS_FROM ? 0 : rel_pairs_build(&pairs, m)) {
	case -1:
		goto oom;
	case 1:
		j.pairs = &pairs;
		break;
	default:
		j.pairs = NULL;
	}
	j.m = m;
	j.r = r;
	j.off = off;
	j.members = members;
	j.which = which;
	memset(&w, 0, sizeof(w));
	w.n = which != NULL ? nwhich : m->nvideos;
	w.chunk = CHUNK;
	w.arg = &j;
	w.init = rel_init;
	w.item = rel_item;
	w.done = rel_done;
	rc = pool_run(jobs, &w, err, errlen);
	goto out;
oom:
	snprintf(err, errlen, "related: out of memory");
out:
	rel_pairs_free(&pairs);
	free(off);
	free(fill);
	free(members);
	return rc;
}

void
related_free(struct related *r)
{
	free(r->ids);
	free(r->count);
	memset(r, 0, sizeof(*r));
}

#define CACHE_MAGIC	0x6f6e6c7972656c32ULL	/* "onlyrel2" */
#define KEY_WORDS	512	/* words gathered before they are summed */

/*
 * Each video's guid (5 words, NUL-padded), its number of tags and its tags,
 * gathered into a buffer and summed by the four-lane checksum: a chain of
 * h64 steps three and more per video was 0.012-0.024 s at 100 000.
 */
uint64_t
related_inputs_key(const struct model *m)
{
	struct h64_sum_stream st;
	uint64_t w[KEY_WORDS];
	size_t i, t, n = 0;

	h64_sum_begin(&st, h64_int(h64_int(CACHE_MAGIC, (int64_t)m->nvideos), RELATED_MAX));
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];

		if (n + 6 > KEY_WORDS) {
			h64_sum_update(&st, w, n * sizeof(*w));
			n = 0;
		}
		memset(&w[n], 0, 5 * sizeof(*w));
		memcpy(&w[n], v->guid, strnlen(v->guid, GUID_LEN));
		w[n + 5] = v->ntags;
		n += 6;
		for (t = 0; t < v->ntags; t++) {
			if (n == KEY_WORDS) {
				h64_sum_update(&st, w, n * sizeof(*w));
				n = 0;
			}
			w[n++] = v->tags[t];
		}
	}
	h64_sum_update(&st, w, n * sizeof(*w));
	return h64_sum_end(&st);
}
