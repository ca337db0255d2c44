/*
 * test_related.c — "more like this" against a brute-force reference on
 * random catalogs (every pair scored, full sort), plus the edge cases:
 * no tags, a video sharing nothing, ties broken by recency, the cache
 * round trip and a stale cache key.  Both ways of ranking are checked: the
 * tag-pair index (related_pairs.h) and counting, which a catalog gets when
 * the index does not apply (too many pairs, a tag twice).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "related.h"
#include "related_pairs.h"

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
	m->tags = calloc(ntags ? ntags : 1, sizeof(*m->tags));
	for (t = 0; t < ntags; t++) {
		m->tags[t].slug = malloc(32);
		snprintf(m->tags[t].slug, 32, "t%zu", t);
		m->tags[t].id = 1000 + t;
	}
	for (i = 0; i < n; i++) {
		struct video *v = &m->videos[i];
		size_t want = (size_t)rand() % (maxtags + 1);

		snprintf(v->guid, sizeof(v->guid), "00000000-0000-4000-8000-%012zx", i + seed * 100000);

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
	for (i = 0; i < m->ntags; i++)
		free(m->tags[i].slug);
	free(m->tags);
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

/* Moves video `from` to position `to` (the others keep their order). */
static void
move_video(struct model *m, size_t from, size_t to)
{
	struct video v = m->videos[from];

	if (from < to)
		memmove(&m->videos[from], &m->videos[from + 1], (to - from) * sizeof(v));
	else
		memmove(&m->videos[to + 1], &m->videos[to], (from - to) * sizeof(v));
	m->videos[to] = v;
}

/* Adds a video at the front (the newest) with tags a and b. */
static void
add_front(struct model *m, size_t a, size_t b, const char *guid)
{
	struct video *nv = realloc(m->videos, (m->nvideos + 1) * sizeof(*nv));

	m->videos = nv;
	memset(&nv[m->nvideos], 0, sizeof(*nv));
	nv[m->nvideos].tags = calloc(2, sizeof(size_t));
	nv[m->nvideos].tags[0] = a;
	nv[m->nvideos].tags[1] = b;
	nv[m->nvideos].ntags = 2;
	snprintf(nv[m->nvideos].guid, sizeof(nv[m->nvideos].guid), "%s", guid);
	m->nvideos++;
	move_video(m, m->nvideos - 1, 0);
}

/* related_update from the cache at path must give the brute-force lists,
 * ranking at most `most` rows (SIZE_MAX: any). */
static void
check_update(const struct model *m, const char *path, size_t most, const char *what)
{
	struct related r;
	char err[256];
	size_t ranked = 0;
	struct related_save save;

	CHECK(related_update(&r, m, path, 2, &ranked, &save, err, sizeof(err)) == 0 &&
	    related_save_join(&save) == 0, "%s: updated (%s)", what, err);
	CHECK(r.n == m->nvideos && matches_reference(m, &r), "%s: the lists of a full ranking", what);
	if (most == SIZE_MAX)
		CHECK(ranked == m->nvideos, "%s: all %zu rows ranked", what, ranked);
	else
		CHECK(ranked <= most, "%s: %zu of %zu rows ranked (at most %zu)", what, ranked,
		    m->nvideos, most);
	related_free(&r);
}

int
main(void)
{
	struct model m;
	struct related r;
	char err[256], path[] = "/tmp/test_related.XXXXXX";
	int fd, jobs;

	for (jobs = 1; jobs <= 3; jobs += 2) {
		make_model(&m, 700, 25, 6, 7u + (unsigned)jobs);
		CHECK(related_compute(&r, &m, jobs, err, sizeof(err)) == 0, "compute (%d jobs)", jobs);
		CHECK(matches_reference(&m, &r), "700 videos, 25 tags: same lists as brute force (%d jobs)", jobs);
		related_free(&r);
		free_model(&m);
	}

	/* which way each catalog is ranked: the checks below cover both */
	{
		struct rel_pairs p;
		size_t i;

		make_model(&m, 700, 25, 6, 8);
		CHECK(rel_pairs_build(&p, &m) == 1 && p.n > 0, "up to 6 tags a video: "
		    "the pair index applies (%zu pairs)", p.n);
		rel_pairs_free(&p);
		free_model(&m);
		make_model(&m, 400, 40, 14, 9);
		CHECK(rel_pairs_build(&p, &m) == 0 && p.n == 0 && p.key == NULL,
		    "up to 14 tags a video: more pairs than the index takes, counted");
		CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0 && matches_reference(&m, &r),
		    "up to 14 tags a video (counted): same lists as brute force");
		related_free(&r);
		m.videos[5].ntags = 2;
		m.videos[5].tags[0] = 3;
		m.videos[5].tags[1] = 3;
		m.videos[6].ntags = 2;
		m.videos[6].tags[0] = 3;
		m.videos[6].tags[1] = 4;
		for (i = 7; i < m.nvideos; i++)	/* few pairs: only the twice stops the index */
			m.videos[i].ntags = m.videos[i].ntags > 2 ? 2 : m.videos[i].ntags;
		CHECK(rel_pairs_build(&p, &m) == 0, "a video with a tag twice: counted");
		CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0 && matches_reference(&m, &r),
		    "a video with a tag twice (counted twice, as brute force)");
		related_free(&r);
		free_model(&m);
	}

	/* popular tags (a few in most videos): long lists, short pair lists,
	 * rows filled from the newest videos sharing one tag */
	{
		size_t i, t;

		make_model(&m, 3000, 200, 6, 11);
		for (i = 0; i < m.nvideos; i++)
			for (t = 0; t < m.videos[i].ntags; t++)
				if (i % 3 != 0)
					m.videos[i].tags[t] %= 5 + t * 40;
		for (i = 0; i < m.nvideos; i++) {	/* distinct again */
			size_t a, b, k = 0;

			for (a = 0; a < m.videos[i].ntags; a++) {
				int dup = 0;

				for (b = 0; b < k; b++)
					dup |= m.videos[i].tags[b] == m.videos[i].tags[a];
				if (!dup)
					m.videos[i].tags[k++] = m.videos[i].tags[a];
			}
			m.videos[i].ntags = k;
		}
		{
			struct rel_pairs p;

			CHECK(rel_pairs_build(&p, &m) == 1, "skewed tags: the pair index applies");
			rel_pairs_free(&p);
		}
		CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0 && matches_reference(&m, &r),
		    "3000 videos, skewed tags (pair index): same lists as brute force");
		related_free(&r);
		free_model(&m);
	}

	/* dense: many ties, so the recency order decides */
	make_model(&m, 300, 3, 3, 99);
	CHECK(related_compute(&r, &m, 2, err, sizeof(err)) == 0 && matches_reference(&m, &r),
	    "dense ties resolved newest first, as brute force");

	related_free(&r);
	free_model(&m);

	/* the cache: each build's lists from the last one's where they hold */
	fd = mkstemp(path);
	close(fd);
	unlink(path);
	make_model(&m, 2000, 200, 3, 5);
	check_update(&m, path, SIZE_MAX, "no cache");
	check_update(&m, path, 0, "the same model");
	add_front(&m, 3, 17, "ffffffff-0000-4000-8000-000000000001");
	check_update(&m, path, 1, "a video added at the front: only its row ranked, the "
	    "others take it in");
	add_front(&m, 199, 198, "ffffffff-0000-4000-8000-000000000002");
	move_video(&m, 0, 700);
	check_update(&m, path, 1, "a video added in the middle: only its row ranked");
	add_front(&m, 1, 2, "ffffffff-0000-4000-8000-000000000004");
	add_front(&m, 3, 4, "ffffffff-0000-4000-8000-000000000005");
	add_front(&m, 5, 199, "ffffffff-0000-4000-8000-000000000006");
	move_video(&m, 1, 1500);
	check_update(&m, path, 3, "three videos added at once: their three rows ranked");
	free(m.videos[40].tags);
	memmove(&m.videos[40], &m.videos[41], (m.nvideos - 41) * sizeof(*m.videos));
	m.nvideos--;
	check_update(&m, path, 200, "a video removed (the rows that listed it ranked again)");
	add_front(&m, 7, 8, "ffffffff-0000-4000-8000-000000000007");
	free(m.videos[100].tags);
	memmove(&m.videos[100], &m.videos[101], (m.nvideos - 101) * sizeof(*m.videos));
	m.nvideos--;
	check_update(&m, path, 200, "one video added and one removed at once");
	m.videos[10].tags[0] = (m.videos[10].tags[0] + 1) % 200;
	if (m.videos[10].ntags == 0)
		m.videos[10].ntags = 1;
	check_update(&m, path, 200, "a video's tags changed");
	m.videos[12].ntags = 0;
	m.videos[13].ntags = 0;
	check_update(&m, path, 200, "two videos lost every tag (nothing to share: empty rows)");
	free(m.tags[5].slug);
	m.tags[5].slug = strdup("renamed");
	check_update(&m, path, 0, "a tag's slug changed, its id kept: nothing ranked");
	m.tags[7].id = 1000 + 6;	/* tags 6 and 7: one tag by id now */
	m.tags[6].id = 5000;
	check_update(&m, path, 400, "tag ids swapped under the same indices");
	move_video(&m, 5, 900);
	check_update(&m, path, SIZE_MAX, "a video moved (the order changed: all ranked)");
	move_video(&m, 5, 20);
	check_update(&m, path, SIZE_MAX, "a video moved a few places, within the walk's "
	    "look-ahead: all ranked");
	move_video(&m, 3, 4);
	check_update(&m, path, SIZE_MAX, "two neighbours swapped: all ranked");
	free(m.videos[m.nvideos - 1].tags);
	m.nvideos--;
	check_update(&m, path, 200, "the oldest video removed");
	add_front(&m, 11, 12, "ffffffff-0000-4000-8000-000000000008");
	move_video(&m, 0, m.nvideos - 1);
	check_update(&m, path, 1, "a video added as the oldest: only its row ranked");
	for (size_t i = 0; i < RELATED_ADD_MERGE + 6; i++) {
		char g[GUID_LEN + 1];

		snprintf(g, sizeof(g), "ffffffff-0000-4000-8000-%012zx", 0x100 + i);
		add_front(&m, i % 200, (i * 7 + 3) % 200, g);
	}
	check_update(&m, path, m.nvideos - 1, "70 videos added at once (past what the walk "
	    "places): the lists as a full ranking");
	check_update(&m, path, 0, "and the same model again");
	check_update(&m, path, 0, "then the same model again");
	CHECK(truncate(path, 100) == 0, "cache truncated");
	check_update(&m, path, SIZE_MAX, "a truncated cache: all ranked");
	{
		FILE *f = fopen(path, "r+b");

		if (f != NULL) {
			fseek(f, 200, SEEK_SET);
			fputc(0x55, f);
			fclose(f);
		}
		check_update(&m, path, SIZE_MAX, "a changed byte: all ranked");
	}
	unlink(path);
	free_model(&m);

	/* dense ties again, through the cache: an addition keeps the ties right */
	make_model(&m, 300, 3, 3, 99);
	check_update(&m, path, SIZE_MAX, "dense: no cache");
	add_front(&m, 0, 1, "ffffffff-0000-4000-8000-000000000003");
	check_update(&m, path, 1, "dense: a video added (only its row ranked)");
	unlink(path);
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
