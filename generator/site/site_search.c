/*
 * site_search.c — the sharded search index (format: docs/search.md).
 * search_build() takes each video's (term, field) pairs from the last
 * build's file when its texts are as they were (search_keep.h), else
 * tokenizes it (site_search_fold.c: a category, tag or series text only
 * the first time a video shows it), keeps each term's postings (doc id and
 * the best field it occurs in) in doc order, sorts the dictionary and cuts
 * it into term shards; site_search_files.c then writes each file from
 * that.
 *
 * Shards are cut where a term's hash says so once a shard holds
 * SEARCH_SHARD_MIN bytes (or before SEARCH_SHARD_MAX): boundaries depend on
 * the terms around them, not on everything before, so a title change
 * rewrites the shards of its old and new terms and leaves the others (and
 * meta.json's directory) byte for byte as they were.
 */
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "huge_pages.h"
#include "model_texts.h"
#include "near.h"
#include "radix_sort.h"
#include "search_keep.h"
#include "site_search.h"
#include "site_search_ix.h"

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((q = realloc(*p, ncap * size)) == NULL)
		return -1;
	huge_pages_hint((char *)q + *cap * size, (ncap - *cap) * size);
	*p = q;
	*cap = ncap;
	return 0;
}

static int
rehash(struct search_ix *x)
{
	size_t n = x->nslot ? x->nslot * 2 : 4096, i;
	uint32_t *s;

	while (n < (x->nterms + 1) * 2)	/* the kept terms come in at once */
		n *= 2;
	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < x->nterms; i++) {
		size_t h = h64(0, x->str + x->terms[i].off, x->terms[i].len) & (n - 1);

		while (s[h] != 0)
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(x->slot);
	x->slot = s;
	x->nslot = n;
	return 0;
}

/* The id of term tok, added when new; -1 out of memory. */
static long
intern(struct search_ix *x, const char *tok, size_t len)
{
	size_t h, tid, capl = x->capterms;
	struct term *t;

	if ((x->nterms + 1) * 2 > x->nslot && rehash(x) == -1)
		return -1;
	h = h64(0, tok, len) & (x->nslot - 1);
	while (x->slot[h] != 0) {
		t = &x->terms[x->slot[h] - 1];
		if (t->len == len && memcmp(x->str + t->off, tok, len) == 0)
			return (long)(x->slot[h] - 1);
		h = (h + 1) & (x->nslot - 1);
	}
	if (x->nterms >= UINT32_MAX - 1 || x->nstr + len + 1 > UINT32_MAX ||
	    grow((void **)&x->str, &x->capstr, x->nstr + len + 1, 1) == -1 ||
	    grow((void **)&x->terms, &x->capterms, x->nterms + 1, sizeof(*x->terms)) == -1)
		return -1;
	/* the per-term building array follows the terms' capacity */
	if (x->capterms != capl && grow((void **)&x->tb, &capl, x->capterms, sizeof(*x->tb)) == -1)
		return -1;
	tid = x->nterms++;
	t = &x->terms[tid];
	memset(t, 0, sizeof(*t));
	t->off = (uint32_t)x->nstr;
	t->len = (uint32_t)len;
	memcpy(x->str + x->nstr, tok, len + 1);
	x->nstr += len + 1;
	memset(&x->tb[tid], 0, sizeof(x->tb[tid]));
	x->slot[h] = (uint32_t)tid + 1;
	return (long)tid;
}

/*
 * Term tid occurs in the current doc and field: its pair for the doc
 * added, or its field bettered.
 */
static int
add_pair(struct search_ix *x, size_t tid)
{
	struct tbuild *b = &x->tb[tid];

	if (b->last_doc == x->doc + 1) {
		struct search_pair *p = &x->pairs[b->last_pair];

		if (x->field < (p->post & 3))
			p->post = (p->post & ~3u) | x->field;
		return 0;
	}
	if (grow((void **)&x->pairs, &x->cappairs, x->npairs + 1, sizeof(*x->pairs)) == -1)
		return x->oom = 1;
	x->pairs[x->npairs] = (struct search_pair){ (uint32_t)tid, x->doc << 2 | x->field };
	b->last_doc = x->doc + 1;
	b->last_pair = x->npairs++;
	return 0;
}

static int
on_token(const char *tok, size_t len, void *arg)
{
	struct search_ix *x = arg;
	long tid = intern(x, tok, len);

	if (tid < 0)
		return x->oom = 1;
	if (x->recording) {
		if (grow((void **)&x->mtid, &x->capmtid, x->nmtid + 1, sizeof(*x->mtid)) == -1)
			return x->oom = 1;
		x->mtid[x->nmtid++] = (uint32_t)tid;
	}
	return add_pair(x, (size_t)tid);
}


/* The meta texts' slots: categories, tag slugs, tag names, series. */
enum { META_CAT, META_TAG_SLUG, META_TAG_NAME, META_SERIES };

static size_t
meta_slot(const struct model *m, int kind, size_t i)
{
	switch (kind) {
	case META_CAT:		return i;
	case META_TAG_SLUG:	return m->ncategories + i;
	case META_TAG_NAME:	return m->ncategories + m->ntags + i;
	default:		return m->ncategories + 2 * m->ntags + i;
	}
}

/*
 * The meta text s (slot k) of the current doc: folded and interned the
 * first time, in the order the docs show it (so the terms' ids are those
 * a fold every time would give), its ids replayed afterwards.
 */
static int
index_meta(struct search_ix *x, size_t k, const char *s)
{
	struct meta_span *sp = &x->meta[k];
	size_t i;
	int rc;

	x->field = SF_META;
	if (sp->done) {
		for (i = 0; i < sp->n; i++)
			if (add_pair(x, x->mtid[sp->off + i]) != 0)
				return -1;
		return 0;
	}
	if (x->nmtid > UINT32_MAX)
		return -1;
	sp->off = (uint32_t)x->nmtid;
	x->recording = 1;
	rc = search_tokens_str(s, on_token, x);
	x->recording = 0;
	if (rc != 0 || x->nmtid - sp->off > UINT32_MAX)
		return -1;
	sp->n = (uint32_t)(x->nmtid - sp->off);
	sp->done = 1;
	return 0;
}

#define OWN_TEXT	SIZE_MAX	/* the video's own text: no meta slot */

/*
 * The texts doc d is indexed from, in order: fn(x, field, slot, text),
 * slot OWN_TEXT for the title and the description.  The one list both
 * folding (index_doc) and the doc's sum (doc_sum) walk.
 */
static int
doc_texts(struct search_ix *x, const struct model *m, const struct video *v,
    int (*fn)(struct search_ix *, int, size_t, const char *))
{
	size_t k;

	if (fn(x, SF_TITLE, OWN_TEXT, v->title) != 0)
		return -1;
	if (v->series >= 0 && fn(x, SF_META, meta_slot(m, META_SERIES, (size_t)v->series),
	    m->series[v->series].title[0] ? m->series[v->series].title :
	    m->series[v->series].slug) != 0)
		return -1;
	for (k = 0; k < v->ncategories; k++)
		if (fn(x, SF_META, meta_slot(m, META_CAT, v->categories[k]),
		    m->categories[v->categories[k]].name) != 0)
			return -1;
	for (k = 0; k < v->ntags; k++)
		if (fn(x, SF_META, meta_slot(m, META_TAG_SLUG, v->tags[k]),
		    m->tags[v->tags[k]].slug) != 0 ||
		    fn(x, SF_META, meta_slot(m, META_TAG_NAME, v->tags[k]),
		    m->tags[v->tags[k]].name) != 0)
			return -1;
	return fn(x, SF_DESC, OWN_TEXT, v->description);
}

static int
fold_text(struct search_ix *x, int field, size_t slot, const char *s)
{
	if (slot != OWN_TEXT)
		return index_meta(x, slot, s);
	x->field = (uint8_t)field;
	return search_tokens_str(s, on_token, x);
}

/*
 * x->doc's running sum over the texts doc_texts() walks: the title's turn
 * mixes the sum of both own texts (model_texts.h), each meta text's its
 * h64 (computed once a text), the description's nothing.  The fields need
 * no mixing: the title comes first, the description last, every text
 * between is SF_META.
 */
static int
sum_text(struct search_ix *x, int field, size_t slot, const char *s)
{
	uint64_t h;

	if (slot == OWN_TEXT) {
		if (field != SF_TITLE)
			return 0;
		h = x->own;
	} else if ((h = x->msum[slot]) == 0)
		h = x->msum[slot] = h64_str(0x7365617263682d6dULL, s);
	x->dsum[x->doc] = h64_int(x->dsum[x->doc], (int64_t)h);
	return 0;
}

static int
index_doc(struct search_ix *x, const struct model *m, size_t d)
{
	x->doc = (uint32_t)d;
	return doc_texts(x, m, &m->videos[DOC_VIDEO(x->n, d)], fold_text);
}

static uint64_t
doc_sum(struct search_ix *x, const struct model *m, size_t d)
{
	const struct video *v = &m->videos[DOC_VIDEO(x->n, d)];

	x->doc = (uint32_t)d;
	x->dsum[d] = 0x7365617263682d65ULL;
	x->own = model_texts(v);
	(void)doc_texts(x, m, v, sum_text);
	return x->dsum[d];
}

/* The decimal digits of v: compares, no division. */
static inline size_t
digits(uint32_t v)
{
	return (size_t)1 + (v >= 10) + (v >= 100) + (v >= 1000) + (v >= 10000) +
	    (v >= 100000) + (v >= 1000000) + (v >= 10000000) + (v >= 100000000) +
	    (v >= 1000000000);
}

static int
term_cmp(const void *a, const void *b, void *arg)
{
	const struct term *ta = a, *tb = b;
	const char *s = arg;

	return strcmp(s + ta->off, s + tb->off);
}

static int
long_cmp(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	int64_t la = m->videos[DOC_VIDEO(m->nvideos, ia)].length;
	int64_t lb = m->videos[DOC_VIDEO(m->nvideos, ib)].length;

	if (la != lb)
		return la > lb ? -1 : 1;
	return ia > ib ? -1 : (ia < ib ? 1 : 0);	/* then newest: the higher id */
}

/*
 * x->longest: the doc ids in long_cmp's order (length descending, then id
 * descending).  With every length in [0, 2^32) that is the order of the
 * keys length << 32 | id, descending: radix_sort_u64() of those (eight bits a
 * pass, the passes whose byte never varies skipped), instead
 * of qsort_r reaching into 100 000 videos from its comparator (a few
 * percent of a one-video rebuild at 100 000).  0, or -1 out of memory.
 */
static int
sort_longest(struct search_ix *x, const struct model *m)
{
	uint64_t *k;
	size_t d;

	for (d = 0; d < x->n; d++)
		x->longest[d] = (uint32_t)d;
	if (x->n < 2)
		return 0;
	for (d = 0; d < x->n; d++) {
		int64_t len = m->videos[DOC_VIDEO(x->n, d)].length;

		if (len < 0 || len > (int64_t)UINT32_MAX) {
			qsort_r(x->longest, x->n, sizeof(*x->longest), long_cmp, (void *)m);
			return 0;
		}
	}
	if ((k = malloc(x->n * sizeof(*k))) == NULL)
		return -1;
	/* complemented: ascending order of ~key is descending order of key */
	for (d = 0; d < x->n; d++)
		k[d] = ~((uint64_t)m->videos[DOC_VIDEO(x->n, d)].length << 32 | d);
	if (radix_sort_u64(k, NULL, x->n) == -1) {
		free(k);
		return -1;
	}
	for (d = 0; d < x->n; d++)
		x->longest[d] = (uint32_t)~k[d];
	free(k);
	return 0;
}

/* Each term's pairs and description-only pairs, over every doc's pairs
 * (kept or folded): one pass. */
static void
count_pairs(struct search_ix *x)
{
	size_t d, j;

	for (d = 0; d < x->n; d++) {
		const struct search_doc_src *sr = &x->src[d];

		for (j = 0; j < sr->n; j++) {
			struct tbuild *b = &x->tb[sr->p[j].tid];

			b->npairs++;
			b->ndesc += (sr->p[j].post & 3) == SF_DESC;
		}
	}
}

/* Postings: description-only hits of very common words dropped, the rest
 * grouped by term (counting sort: doc order kept), each list bounded. */
static int
build_postings(struct search_ix *x)
{
	size_t d, j, t, total = 0;
	size_t desc_max = x->n * SEARCH_DESC_SHARE_PCT / 100;

	if (desc_max < SEARCH_DESC_MIN)
		desc_max = SEARCH_DESC_MIN;
	for (t = 0; t < x->nterms; t++) {
		x->terms[t].first = (uint32_t)total;
		x->terms[t].npost = 0;
		total += x->tb[t].npairs - (x->tb[t].ndesc > desc_max ? x->tb[t].ndesc : 0);
	}
	if ((x->post = malloc((total ? total : 1) * sizeof(*x->post))) == NULL)
		return -1;
	for (d = 0; d < x->n; d++) {
		const struct search_doc_src *sr = &x->src[d];

		for (j = 0; j < sr->n; j++) {
			uint32_t tid = sr->p[j].tid, f = sr->p[j].post & 3;
			struct term *tm = &x->terms[tid];

			if (f == SF_DESC && x->tb[tid].ndesc > desc_max)
				continue;
			x->post[tm->first + tm->npost++] = (uint32_t)d << 2 | f;
		}
	}
	/*
	 * Each term's entry size, its list cut at SEARCH_POSTINGS_MAX bytes:
	 * walked from the newest (the end), the oldest dropped.  A list whose
	 * whole entry fits is not cut, and the walk would only sum it: so it
	 * is summed first, one digits() a posting instead of three (a list of
	 * the newest k docs never weighs more than the whole, each delta
	 * having at least the digits the first of them saves; at 100 000
	 * videos the walk was 6 % of a one-title rebuild's instructions,
	 * docs/benchmarks.md, issue 15).  Only a list that does not fit is
	 * walked.
	 */
	for (t = 0; t < x->nterms; t++) {
		struct term *tm = &x->terms[t];
		size_t bytes = tm->len + 6, k, b;	/* ["term"] ,\n */
		const uint32_t *pl = x->post + tm->first;
		uint32_t prev = 0;

		for (k = 0, b = bytes; k < tm->npost; k++) {
			uint32_t doc = pl[k] >> 2;

			b += digits((doc - prev) << 2 | 3) + 1;
			prev = doc;
		}
		if (b <= SEARCH_POSTINGS_MAX) {
			tm->bytes = (uint32_t)b;
			continue;
		}
		for (k = tm->npost; k > 0; k--) {
			uint32_t doc = x->post[tm->first + k - 1] >> 2;

			/* doc becomes the first: written as itself, and the one after
			 * it (if any) as its delta from doc instead of from 0 */
			b = digits(doc << 2 | 3) + 1;
			if (k < tm->npost) {
				uint32_t next = x->post[tm->first + k] >> 2;

				b += digits((next - doc) << 2 | 3);
				b -= digits(next << 2 | 3);
			}
			if (bytes + b > SEARCH_POSTINGS_MAX)
				break;
			bytes += b;
		}
		tm->first += (uint32_t)k;
		tm->npost -= (uint32_t)k;
		tm->bytes = (uint32_t)bytes;
	}
	return 0;
}

static int
cut_shards(struct search_ix *x)
{
	size_t i, cur = 0, cap = 0;

	for (i = 0; i < x->nterms; i++) {
		const struct term *t = &x->terms[i];
		int cut = i == 0 || (cur >= SEARCH_SHARD_MIN &&
		    (h64(0, x->str + t->off, t->len) & 15) == 0) ||
		    cur + t->bytes > SEARCH_SHARD_MAX;

		if (cut) {
			if (grow((void **)&x->shard, &cap, x->nshards + 1, sizeof(*x->shard)) == -1)
				return -1;
			x->shard[x->nshards++] = i;
			cur = 0;
		}
		cur += t->bytes;
	}
	return 0;
}

/* The filter lists (CSR over categories, tags, access levels; ids ascending). */
static int
build_filters(struct search_ix *x, const struct model *m)
{
	size_t ng = m->ncategories + m->ntags + 3, d, k, *fill;
	const struct video *v;

	x->ncat = m->ncategories;
	x->ntag = m->ntags;
	x->foff = calloc(ng + 1, sizeof(*x->foff));
	fill = calloc(ng + 1, sizeof(*fill));
	if (x->foff == NULL || fill == NULL) {
		free(fill);
		return -1;
	}
	for (d = 0; d < m->nvideos; d++) {
		v = &m->videos[DOC_VIDEO(m->nvideos, d)];
		for (k = 0; k < v->ncategories; k++)
			if (v->categories[k] < m->ncategories)
				x->foff[v->categories[k] + 1]++;
		for (k = 0; k < v->ntags; k++)
			if (v->tags[k] < m->ntags)
				x->foff[x->ncat + v->tags[k] + 1]++;
		if ((unsigned)v->access < 3)
			x->foff[x->ncat + x->ntag + v->access + 1]++;
	}
	for (k = 0; k < ng; k++)
		x->foff[k + 1] += x->foff[k];
	if ((x->fids = malloc((x->foff[ng] ? x->foff[ng] : 1) * sizeof(*x->fids))) == NULL) {
		free(fill);
		return -1;
	}
	for (d = 0; d < m->nvideos; d++) {
		size_t g;

		v = &m->videos[DOC_VIDEO(m->nvideos, d)];
		for (k = 0; k < v->ncategories; k++)
			if ((g = v->categories[k]) < m->ncategories && (k == 0 ||
			    fill[g] == 0 || x->fids[x->foff[g] + fill[g] - 1] != d))
				x->fids[x->foff[g] + fill[g]++] = (uint32_t)d;
		for (k = 0; k < v->ntags; k++)
			if ((g = v->tags[k]) < m->ntags && (fill[x->ncat + g] == 0 ||
			    x->fids[x->foff[x->ncat + g] + fill[x->ncat + g] - 1] != d)) {
				g += x->ncat;
				x->fids[x->foff[g] + fill[g]++] = (uint32_t)d;
			}
		if ((unsigned)v->access < 3) {
			g = x->ncat + x->ntag + v->access;
			x->fids[x->foff[g] + fill[g]++] = (uint32_t)d;
		}
	}
	/* a duplicate reference (the model has none) leaves a short list */
	for (k = 0; k < ng; k++)
		x->foff[k + 1] = x->foff[k] + fill[k];
	free(fill);
	return 0;
}

/*
 * The last build's terms taken in as this one's first ids (kept: their
 * pairs name them), their table of slots made when a doc is folded.
 */
static int
take_terms(struct search_ix *x, const struct search_kept *kept)
{
	size_t t, capl = 0;

	if (grow((void **)&x->str, &x->capstr, kept->nstr + 1, 1) == -1 ||
	    grow((void **)&x->terms, &x->capterms, kept->nterms + 1, sizeof(*x->terms)) == -1 ||
	    grow((void **)&x->tb, &capl, x->capterms, sizeof(*x->tb)) == -1)
		return -1;
	memcpy(x->str, kept->str, kept->nstr);
	x->nstr = kept->nstr;
	memset(x->terms, 0, kept->nterms * sizeof(*x->terms));
	memset(x->tb, 0, kept->nterms * sizeof(*x->tb));
	for (t = 0; t < kept->nterms; t++) {
		x->terms[t].off = kept->terms[t].off;
		x->terms[t].len = kept->terms[t].len;
	}
	x->nterms = kept->nterms;
	x->kept = kept;
	return 0;
}

/*
 * The kept docs by sum, for the docs not found near their place when
 * they are many (videos reordered): reading every kept doc to build it
 * costs more than folding a few docs (a title change's one doc missed
 * and the table was built, ~15 ms of the index's task at 100 000 videos,
 * docs/benchmarks.md, issue 15).
 */
static int
index_kept(struct search_ix *x)
{
	const struct search_kept *k = x->kept;
	size_t n = 16, i, h;

	while (n < k->ndocs * 2)
		n *= 2;
	if ((x->kslot = calloc(n, sizeof(*x->kslot))) == NULL)
		return -1;
	x->nkslot = n;
	for (i = 0; i < k->ndocs; i++) {
		for (h = k->docs[i].sum & (n - 1); x->kslot[h] != 0; h = (h + 1) & (n - 1))
			;
		x->kslot[h] = (uint32_t)i + 1;
	}
	return 0;
}

/* Docs not found near their place that are folded rather than looked for by sum. */
#define KEPT_FOLD_NEAR_MAX	64

/* The kept doc whose texts have this sum at place at or near it; NULL: none there. */
static const struct search_kept_doc *
kept_near(const struct search_ix *x, uint64_t sum, size_t at)
{
	const struct search_kept *k = x->kept;
	size_t lo, hi, i;

	if (k == NULL)
		return NULL;
	if (at < k->ndocs && k->docs[at].sum == sum)
		return &k->docs[at];
	if (!near_window(at, k->ndocs, &lo, &hi))
		return NULL;
	for (i = lo; i < hi; i++)
		if (i != at && k->docs[i].sum == sum)
			return &k->docs[i];
	return NULL;
}

/* The kept doc whose texts have this sum, anywhere; NULL: none (or no
 * memory to look: the doc is folded, as right). */
static const struct search_kept_doc *
kept_any(struct search_ix *x, uint64_t sum)
{
	const struct search_kept *k = x->kept;
	size_t h;

	if (k == NULL || (x->kslot == NULL && index_kept(x) == -1))
		return NULL;
	for (h = sum & (x->nkslot - 1); x->kslot[h] != 0; h = (h + 1) & (x->nkslot - 1))
		if (k->docs[x->kslot[h] - 1].sum == sum)
			return &k->docs[x->kslot[h] - 1];
	return NULL;
}

/*
 * Every doc's pairs: taken from the kept file when it holds the sum of
 * the doc's texts, else folded here (appended to x->pairs in doc order,
 * whose pointers are set once it stops growing).  A doc is looked for at
 * its place, shifted by the docs added or removed before it as the last
 * one found says, or a place or two on; the others afterwards, in doc
 * order, by sum when they are many.
 */
static int
gather_pairs(struct search_ix *x, const struct model *m)
{
	const struct search_kept_doc *kd;
	size_t d, at = 0, missed = 0;
	ptrdiff_t shift = 0;

	for (d = 0; d < x->n; d++) {
		if ((kd = kept_near(x, doc_sum(x, m, d), (size_t)((ptrdiff_t)d + shift))) != NULL) {
			shift = (kd - x->kept->docs) - (ptrdiff_t)d;
			x->src[d].p = x->kept->pairs + kd->first;
			x->src[d].n = kd->n;
			continue;
		}
		x->src[d].fresh = 1;	/* for now: not found near */
		missed++;
	}
	for (d = 0; missed > 0 && d < x->n; d++) {
		size_t before = x->npairs;

		if (!x->src[d].fresh)
			continue;
		if (missed > KEPT_FOLD_NEAR_MAX && (kd = kept_any(x, x->dsum[d])) != NULL) {
			x->src[d].fresh = 0;
			x->src[d].p = x->kept->pairs + kd->first;
			x->src[d].n = kd->n;
			continue;
		}
		if (index_doc(x, m, d) == -1 || x->oom)
			return -1;
		x->src[d].n = (uint32_t)(x->npairs - before);
		x->folded++;
	}
	for (d = 0; d < x->n; d++)
		if (x->src[d].fresh) {
			x->src[d].p = x->pairs + at;
			at += x->src[d].n;
		}
	return 0;
}

/*
 * The file for the next build planned (x->pending takes the sums, the
 * docs' pairs and the terms in id order), and the terms no pair names
 * dropped from the dictionary (a kept term whose docs all changed): a
 * fold of every doc would not have made them.
 */
static int
plan_keep(struct search_ix *x)
{
	struct search_pending *p = calloc(1, sizeof(*p));
	size_t t, d, live = 0;

	if (p == NULL || (p->ids = malloc((x->nterms ? x->nterms : 1) * sizeof(*p->ids))) == NULL) {
		free(p);
		return -1;
	}
	for (t = 0; t < x->nterms; t++) {
		p->ids[t].off = x->terms[t].off;
		p->ids[t].len = x->terms[t].len;
		if (x->tb[t].npairs > 0) {
			live++;
			p->nstr += x->terms[t].len + 1;
		}
	}
	p->nids = x->nterms;
	if (live < x->nterms) {
		if ((p->remap = malloc(x->nterms * sizeof(*p->remap))) == NULL) {
			free(p->ids);
			free(p);
			return -1;
		}
		for (t = 0, live = 0; t < x->nterms; t++) {
			p->remap[t] = x->tb[t].npairs > 0 ? (uint32_t)live : UINT32_MAX;
			if (x->tb[t].npairs > 0)
				x->terms[live++] = x->terms[t];
		}
		x->nterms = live;
	}
	p->nterms = live;
	for (d = 0; d < x->n; d++)
		p->npairs += x->src[d].n;
	p->ndocs = x->n;
	p->sums = x->dsum;
	p->src = x->src;
	p->fresh = x->pairs;
	p->str = x->str;
	x->dsum = NULL;
	x->src = NULL;
	x->pairs = NULL;
	x->pending = p;
	return 0;
}

struct search_ix *
search_build(const struct model *m, const struct search_kept *kept, size_t *folded)
{
	struct search_ix *x = calloc(1, sizeof(*x));
	size_t nmeta = m->ncategories + 2 * m->ntags + m->nseries + 1;

	if (x == NULL || m->nvideos >= UINT32_MAX >> 2)
		goto fail;
	x->n = m->nvideos;
	x->meta = calloc(nmeta, sizeof(*x->meta));
	x->msum = calloc(nmeta, sizeof(*x->msum));
	x->dsum = malloc((x->n ? x->n : 1) * sizeof(*x->dsum));
	x->src = calloc(x->n ? x->n : 1, sizeof(*x->src));
	if (x->meta == NULL || x->msum == NULL || x->dsum == NULL || x->src == NULL ||
	    build_filters(x, m) == -1 ||
	    (kept != NULL && kept->ndocs > 0 && take_terms(x, kept) == -1) ||
	    grow((void **)&x->pairs, &x->cappairs, x->kept != NULL ? 1024 : m->nvideos * 16 + 1,
	    sizeof(*x->pairs)) == -1 || gather_pairs(x, m) == -1)
		goto fail;
	count_pairs(x);
	if (build_postings(x) == -1 || plan_keep(x) == -1)
		goto fail;
	if (folded != NULL)
		*folded = x->folded;
	x->kept = NULL;
	free(x->slot);
	free(x->tb);
	free(x->meta);
	free(x->mtid);
	free(x->kslot);
	free(x->msum);
	x->meta = NULL;
	x->mtid = NULL;
	x->slot = NULL;
	x->tb = NULL;
	x->kslot = NULL;
	x->msum = NULL;
	if (x->nterms > 1)
		qsort_r(x->terms, x->nterms, sizeof(*x->terms), term_cmp, x->str);
	if (cut_shards(x) == -1)
		goto fail;
	if ((x->longest = malloc((x->n ? x->n : 1) * sizeof(*x->longest))) == NULL)
		goto fail;
	if (sort_longest(x, m) == -1)
		goto fail;
	return x;
fail:
	search_free(x);
	return NULL;
}

struct search_pending *
search_take_pending(struct search_ix *x)
{
	struct search_pending *p = x->pending;

	x->pending = NULL;
	return p;
}

void
search_pending_free(struct search_pending *p)
{
	if (p == NULL)
		return;
	free(p->sums);
	free(p->src);
	free(p->fresh);
	free(p->ids);
	free(p->remap);
	free(p);
}

void
search_free(struct search_ix *x)
{
	if (x == NULL)
		return;
	free(x->str);
	free(x->terms);
	free(x->post);
	free(x->shard);
	free(x->longest);
	free(x->foff);
	free(x->fids);
	free(x->slot);
	free(x->tb);
	free(x->pairs);
	free(x->meta);
	free(x->mtid);
	free(x->dsum);
	free(x->src);
	free(x->kslot);
	free(x->msum);
	search_pending_free(x->pending);
	free(x);
}
