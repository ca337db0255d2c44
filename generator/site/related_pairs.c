/*
 * related_pairs.c — the tag-pair index of "more like this".  See
 * related_pairs.h.
 */
#include <stdlib.h>
#include <string.h>

#include "radix_sort.h"
#include "related_pairs.h"

/* 1 when video v has a tag twice or one out of range; mark is all zero
 * before and after. */
static int
tags_bad(const struct video *v, uint8_t *mark, size_t ntags)
{
	size_t t;
	int bad = 0;

	for (t = 0; t < v->ntags && !bad; t++) {
		if (v->tags[t] >= ntags || mark[v->tags[t]])
			bad = 1;
		else
			mark[v->tags[t]] = 1;
	}
	while (t-- > 0)
		if (v->tags[t] < ntags)
			mark[v->tags[t]] = 0;
	return bad;
}

/* The number of pairs, or 0 when the index does not apply (see .h). */
static size_t
count_pairs(const struct model *m)
{
	size_t i, k, total = 0, budget = RELATED_PAIRS_PER_VIDEO * m->nvideos;
	uint8_t *mark;

	if ((mark = calloc(m->ntags, 1)) == NULL)
		return SIZE_MAX;
	for (i = 0; i < m->nvideos; i++) {
		k = m->videos[i].ntags;
		if (tags_bad(&m->videos[i], mark, m->ntags) || k > RELATED_PAIRS_MAX_TAGS ||
		    (total += k * (k - (k > 0)) / 2) > budget) {
			total = 0;
			break;
		}
	}
	free(mark);
	return total;
}

int
rel_pairs_build(struct rel_pairs *p, const struct model *m)
{
	size_t total, i, a, b, e = 0, d;

	memset(p, 0, sizeof(*p));
	if (m->ntags < 2 || m->ntags > UINT32_MAX || m->nvideos > SIZE_MAX / RELATED_PAIRS_PER_VIDEO)
		return 0;
	if ((total = count_pairs(m)) == SIZE_MAX)
		return -1;
	if (total == 0)
		return 0;
	p->key = malloc(total * sizeof(*p->key));
	p->vid = malloc(total * sizeof(*p->vid));
	if (p->key == NULL || p->vid == NULL)
		goto oom;
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];

		for (a = 0; a < v->ntags; a++)
			for (b = a + 1; b < v->ntags; b++) {
				size_t x = v->tags[a] < v->tags[b] ? v->tags[a] : v->tags[b];
				size_t y = v->tags[a] ^ v->tags[b] ^ x;

				p->key[e] = (uint64_t)x * m->ntags + y;
				p->vid[e++] = i;
			}
	}
	/* stable: within a pair the videos stay in index order */
	if (radix_sort_u64(p->key, p->vid, total) == -1)
		goto oom;
	for (d = 0, e = 0; e < total; e++)
		d += e == 0 || p->key[e] != p->key[e - 1];
	if ((p->off = malloc((d + 1) * sizeof(*p->off))) == NULL)
		goto oom;
	for (d = 0, e = 0; e < total; e++)
		if (e == 0 || p->key[e] != p->key[e - 1]) {
			p->key[d] = p->key[e];
			p->off[d++] = e;
		}
	p->off[d] = total;
	p->n = d;
	p->ntags = m->ntags;
	return 1;
oom:
	rel_pairs_free(p);
	return -1;
}

void
rel_pairs_find(const struct rel_pairs *p, size_t a, size_t b, size_t *lo, size_t *hi)
{
	uint64_t want = a < b ? (uint64_t)a * p->ntags + b : (uint64_t)b * p->ntags + a;
	size_t l = 0, h = p->n, mid;

	while (l < h) {
		mid = l + (h - l) / 2;
		if (p->key[mid] < want)
			l = mid + 1;
		else
			h = mid;
	}
	if (l < p->n && p->key[l] == want) {
		*lo = p->off[l];
		*hi = p->off[l + 1];
	} else
		*lo = *hi = 0;
}

void
rel_pairs_free(struct rel_pairs *p)
{
	free(p->key);
	free(p->off);
	free(p->vid);
	memset(p, 0, sizeof(*p));
}
