/*
 * test_related.c — "more like this" against a brute-force reference on
 * random catalogs (every pair scored, full sort), plus the edge cases:
 * no tags, a video sharing nothing, ties broken by recency, the cache
 * round trip and a stale cache key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "related.h"

struct cand { uint32_t idx; int score; };

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return x->idx < y->idx ? -1 : 1;
}

static int
shared(const struct video *a, const struct video *b)
{
	size_t i, j;
	int n = 0;

	for (i = 0; i < a->ntags; i++)
		for (j = 0; j < b->ntags; j++)
			n += a->tags[i] == b->tags[j];
	return n;
}

/* A model of n videos with up to maxtags distinct tags from ntags. */
static void
make_model(struct model *m, size_t n, size_t ntags, size_t maxtags, unsigned seed)
{
	size_t i, k, t;

	memset(m, 0, sizeof(*m));
	srand(seed);
	m->nvideos = n;
	m->ntags = ntags;
	m->videos = calloc(n, sizeof(*m->videos));
	for (i = 0; i < n; i++) {
		struct video *v = &m->videos[i];
		size_t want = (size_t)rand() % (maxtags + 1);

		v->tags = calloc(maxtags ? maxtags : 1, sizeof(size_t));
		for (k = 0; k < want; k++) {
			size_t tag = (size_t)rand() % ntags, dup = 0;

			for (t = 0; t < v->ntags; t++)
				dup |= v->tags[t] == tag;
			if (!dup)
				v->tags[v->ntags++] = tag;
		}
	}
}

static void
free_model(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nvideos; i++)
		free(m->videos[i].tags);
	free(m->videos);
}

/* 1 when r matches the brute-force lists for every video. */
static int
matches_reference(const struct model *m, const struct related *r)
{
	struct cand *c = malloc(m->nvideos * sizeof(*c));
	size_t i, j, nc, n, k;
	const uint32_t *got;
	int ok = 1;

	for (i = 0; i < m->nvideos && ok; i++) {
		nc = 0;
		for (j = 0; j < m->nvideos; j++) {
			int s = (i == j) ? 0 : shared(&m->videos[i], &m->videos[j]);

			if (s > 0) {
				c[nc].idx = (uint32_t)j;
				c[nc].score = s;
				nc++;
			}
		}
		qsort(c, nc, sizeof(*c), cand_cmp);
		got = related_of(r, i, &n);
		if (n != (nc < RELATED_MAX ? nc : RELATED_MAX)) {
			printf("#   video %zu: %zu related, want %zu\n", i, n, nc);
			ok = 0;
		}
		for (k = 0; k < n && ok; k++)
			if (got[k] != c[k].idx) {
				printf("#   video %zu rank %zu: got %u want %u\n", i, k, got[k], c[k].idx);
				ok = 0;
			}
	}
	free(c);
	return ok;
}

int
main(void)
{
	struct model m;
	struct related r, r2;
	char err[256], path[] = "/tmp/test_related.XXXXXX";
	int fd, jobs;

	for (jobs = 1; jobs <= 3; jobs += 2) {
		make_model(&m, 700, 25, 6, 7u + (unsigned)jobs);
		CHECK(related_compute(&r, &m, jobs, err, sizeof(err)) == 0, "compute (%d jobs)", jobs);
		CHECK(matches_reference(&m, &r), "700 videos, 25 tags: same lists as brute force (%d jobs)", jobs);
		related_free(&r);
		free_model(&m);
	}

	/* dense: many ties, so the recency order decides */
	make_model(&m, 300, 3, 3, 99);
	CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0 && matches_reference(&m, &r),
	    "dense ties resolved newest first, as brute force");

	/* the cache: round trip, stale key, damaged file */
	fd = mkstemp(path);
	close(fd);
	CHECK(related_cache_save(&r, path, related_inputs_key(&m)) == 0, "cache saved");
	CHECK(related_cache_load(&r2, path, related_inputs_key(&m), m.nvideos) == 1 &&
	    memcmp(r2.count, r.count, m.nvideos) == 0 &&
	    memcmp(r2.ids, r.ids, m.nvideos * RELATED_MAX * sizeof(uint32_t)) == 0,
	    "cache loads the same lists");
	related_free(&r2);
	m.videos[5].tags[0] = (m.videos[5].tags[0] + 1) % 3;
	CHECK(related_cache_load(&r2, path, related_inputs_key(&m), m.nvideos) == 0,
	    "a tag change invalidates the cache");
	CHECK(related_cache_load(&r2, path, related_inputs_key(&m), m.nvideos + 1) == 0,
	    "a different video count invalidates the cache");
	CHECK(truncate(path, 40) == 0, "cache truncated");
	CHECK(related_cache_load(&r2, path, related_inputs_key(&m), m.nvideos) == 0,
	    "a truncated cache is ignored");
	unlink(path);
	related_free(&r);
	free_model(&m);

	/* no tags at all: nothing is related */
	make_model(&m, 50, 5, 0, 1);
	CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0, "compute without tags");
	{
		size_t i, total = 0, n;

		for (i = 0; i < m.nvideos; i++) {
			related_of(&r, i, &n);
			total += n;
		}
		CHECK(total == 0, "videos without tags have no related videos");
	}
	related_free(&r);
	free_model(&m);

	/* empty model */
	memset(&m, 0, sizeof(m));
	CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0 && r.n == 0, "empty catalog");
	related_free(&r);

	/* a tag index past the model is refused, not read out of bounds */
	make_model(&m, 10, 4, 2, 3);
	m.videos[3].tags[0] = 99;
	m.videos[3].ntags = 1;
	CHECK(related_compute(&r, &m, 1, err, sizeof(err)) == -1 && strstr(err, "tag index") != NULL,
	    "out-of-range tag index refused (%s)", err);
	free_model(&m);
	return check_report();
}
