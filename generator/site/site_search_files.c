/*
 * site_search_files.c — the search index's files (format: docs/search.md),
 * each formatted from the index built by site_search.c, with esc_json for
 * every catalog string, and each one's key from the data its formatter
 * reads (site_search.h).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "hash64.h"
#include "site_search.h"
#include "site_search_ix.h"

#define J(out, s)	esc_json((out), (s), strlen(s))

size_t
search_nshards(const struct search_ix *x)
{
	return x->nshards;
}

size_t
search_nfrags(const struct search_ix *x)
{
	return (x->n + SEARCH_DOCS_PER_FRAG - 1) / SEARCH_DOCS_PER_FRAG;
}

size_t
search_nlong(const struct search_ix *x)
{
	return (x->n + SEARCH_LONG_CHUNK - 1) / SEARCH_LONG_CHUNK;
}

/* Appends v in decimal (printf is slow for the millions of postings). */
static int
put_u(struct buf *o, uint64_t v)
{
	char s[24];
	size_t i = sizeof(s);

	do
		s[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return buf_put(o, s + i, sizeof(s) - i);
}

static int
put_pair(struct buf *o, int first, const char *slug, const char *name, size_t count)
{
	return (buf_puts(o, first ? "[\"" : ",[\"") == -1 || J(o, slug) == -1 ||
	    BUF_PUTSL(o, "\",\"") == -1 || J(o, name) == -1 || BUF_PUTSL(o, "\",") == -1 ||
	    put_u(o, count) == -1 || buf_putc(o, ']') == -1) ? -1 : 0;
}

/*
 * meta.json: {"v","n","docs","long","nlong","tokmax","categories":[[slug,
 * name,count]],"tags":[...],"access":[free,vip,ppv],"shards":[first term
 * of each],"fold","sep"}.
 */
int
search_meta(const struct search_ix *x, const struct model *m, struct buf *o)
{
	size_t i, d, acc[3] = { 0, 0, 0 }, *ccount, *tcount;
	int rc = -1;

	ccount = calloc(m->ncategories + 1, sizeof(*ccount));
	tcount = calloc(m->ntags + 1, sizeof(*tcount));
	if (ccount == NULL || tcount == NULL)
		goto out;
	for (d = 0; d < m->nvideos; d++) {
		const struct video *v = &m->videos[d];

		if ((unsigned)v->access < 3)
			acc[v->access]++;
		for (i = 0; i < v->ncategories; i++)
			ccount[v->categories[i]]++;
		for (i = 0; i < v->ntags; i++)
			tcount[v->tags[i]]++;
	}
	if (buf_printf(o, "{\"v\":%d,\"n\":%zu,\"docs\":%d,\"long\":%d,\"nlong\":%zu,\"tokmax\":%d,"
	    "\"categories\":[", SEARCH_FORMAT, x->n, SEARCH_DOCS_PER_FRAG, SEARCH_LONG_CHUNK,
	    search_nlong(x), SEARCH_TOKEN_MAX) == -1)
		goto out;
	for (i = 0; i < m->ncategories; i++)
		if (put_pair(o, i == 0, m->categories[i].slug, m->categories[i].name, ccount[i]) == -1)
			goto out;
	if (BUF_PUTSL(o, "],\"tags\":[") == -1)
		goto out;
	for (i = 0; i < m->ntags; i++)
		if (put_pair(o, i == 0, m->tags[i].slug,
		    m->tags[i].name[0] ? m->tags[i].name : m->tags[i].slug, tcount[i]) == -1)
			goto out;
	if (buf_printf(o, "],\"access\":[%zu,%zu,%zu],\"shards\":[", acc[0], acc[1], acc[2]) == -1)
		goto out;
	for (i = 0; i < x->nshards; i++) {
		const struct term *t = &x->terms[x->shard[i]];

		if (buf_puts(o, i ? ",\"" : "\"") == -1 ||
		    esc_json(o, x->str + t->off, t->len) == -1 || buf_putc(o, '"') == -1)
			goto out;
	}
	if (BUF_PUTSL(o, "],") == -1 || search_fold_json(o) == -1 || BUF_PUTSL(o, "}\n") == -1)
		goto out;
	rc = 0;
out:
	free(ccount);
	free(tcount);
	return rc;
}

/* Shard k's terms: [*start, *end); 0 when there is no shard k. */
static int
shard_terms(const struct search_ix *x, size_t k, size_t *start, size_t *end)
{
	if (k >= x->nshards)
		return 0;
	*start = x->shard[k];
	*end = k + 1 < x->nshards ? x->shard[k + 1] : x->nterms;
	return 1;
}

/* Chunk k of n items, per a chunk: [*start, *end); 0 when there is none. */
static int
chunk(size_t n, size_t per, size_t k, size_t *start, size_t *end)
{
	if (k >= (n + per - 1) / per)
		return 0;
	*start = k * per;
	*end = *start + per < n ? *start + per : n;
	return 1;
}

/* search/t/<k>.json: {"v":1,"t":[["term",p,...],...]}; p = delta << 2 | field. */
int
search_shard(const struct search_ix *x, size_t k, struct buf *o)
{
	size_t i, j, start, end;

	if (!shard_terms(x, k, &start, &end))
		return -1;
	if (buf_printf(o, "{\"v\":%d,\"t\":[", SEARCH_FORMAT) == -1)
		return -1;
	for (i = start; i < end; i++) {
		const struct term *t = &x->terms[i];
		uint32_t prev = 0;

		if (buf_puts(o, i > start ? ",\n[\"" : "\n[\"") == -1 ||
		    esc_json(o, x->str + t->off, t->len) == -1 || buf_putc(o, '"') == -1)
			return -1;
		for (j = 0; j < t->npost; j++) {
			uint32_t p = x->post[t->first + j], d = p >> 2;

			if (buf_putc(o, ',') == -1 || put_u(o, (uint64_t)(d - prev) << 2 | (p & 3)) == -1)
				return -1;
			prev = d;
		}
		if (buf_putc(o, ']') == -1)
			return -1;
	}
	return BUF_PUTSL(o, "\n]}\n");
}

/*
 * The keys of the numbered files and the filter lists from the data their
 * formatters read, nothing else: equal data, equal bytes.  Hashing a
 * shard's postings as they are costs a tenth of formatting them in
 * decimal, so a rebuild no longer formats every file of the index to
 * learn that most did not change.  seed names the file and onlygen (a
 * formatter's change is a new onlygen).
 */
uint64_t
search_shard_key(const struct search_ix *x, size_t k, uint64_t seed)
{
	size_t i, start, end;
	uint64_t h = h64_int(seed, SEARCH_FORMAT);

	if (!shard_terms(x, k, &start, &end))
		return 0;
	for (i = start; i < end; i++) {
		const struct term *t = &x->terms[i];

		h = h64(h, x->str + t->off, t->len + 1);	/* with its NUL */
		h = h64_int(h, t->npost);
		h = h64(h, x->post + t->first, t->npost * sizeof(*x->post));
	}
	return h;
}

/* What search_frag() writes of doc d (the video vi): one definition for
 * the file and its key. */
struct frag_doc {
	const char	*guid, *title, *thumb, *series;
	uint64_t	 length, access, uploaded;
};

static void
frag_doc(const struct model *m, const char *const *thumbs, size_t vi, struct frag_doc *f)
{
	const struct video *v = &m->videos[vi];

	f->guid = v->guid;
	f->title = v->title;
	f->length = (uint64_t)(v->length > 0 ? v->length : 0);
	f->access = (uint64_t)v->access;
	f->uploaded = (uint64_t)(v->uploaded > 0 ? v->uploaded : 0);
	f->thumb = thumbs != NULL && thumbs[vi] != NULL ? thumbs[vi] : "";
	f->series = v->series < 0 ? "" : m->series[v->series].title[0] ?
	    m->series[v->series].title : m->series[v->series].slug;
}

/* search/d/<k>.json: {"v":1,"d":[[guid,title,length,access,uploaded,thumb,series],...]} */
int
search_frag(const struct search_ix *x, const struct model *m, const char *const *thumbs,
    size_t k, struct buf *o)
{
	size_t d, start, end;

	if (m->nvideos != x->n || !chunk(x->n, SEARCH_DOCS_PER_FRAG, k, &start, &end))
		return -1;
	if (buf_printf(o, "{\"v\":%d,\"d\":[", SEARCH_FORMAT) == -1)
		return -1;
	for (d = start; d < end; d++) {
		struct frag_doc f;

		frag_doc(m, thumbs, DOC_VIDEO(x->n, d), &f);
		if (buf_puts(o, d > start ? ",\n[\"" : "\n[\"") == -1 ||
		    J(o, f.guid) == -1 || BUF_PUTSL(o, "\",\"") == -1 || J(o, f.title) == -1 ||
		    BUF_PUTSL(o, "\",") == -1 || put_u(o, f.length) == -1 ||
		    buf_putc(o, ',') == -1 || put_u(o, f.access) == -1 ||
		    buf_putc(o, ',') == -1 || put_u(o, f.uploaded) == -1 ||
		    BUF_PUTSL(o, ",\"") == -1 || J(o, f.thumb) == -1 ||
		    BUF_PUTSL(o, "\",\"") == -1 || J(o, f.series) == -1 || BUF_PUTSL(o, "\"]") == -1)
			return -1;
	}
	return BUF_PUTSL(o, "\n]}\n");
}

uint64_t
search_frag_key(const struct search_ix *x, const struct model *m, const char *const *thumbs,
    const uint64_t *card_keys, size_t k, uint64_t seed)
{
	size_t d, start, end;
	uint64_t h;
	struct frag_doc f;

	if (m->nvideos != x->n || !chunk(x->n, SEARCH_DOCS_PER_FRAG, k, &start, &end))
		return 0;
	/* its docs, not their number in all: a newer video added (doc ids
	 * count oldest first) leaves every fragment but the last as it was */
	h = h64_int(h64_int(seed, SEARCH_FORMAT), (int64_t)(end - start));
	for (d = start; d < end; d++) {
		size_t vi = DOC_VIDEO(x->n, d);

		/*
		 * A card key covers the guid, the title and the thumb: their
		 * strings are not read (at 100 000 videos the titles were a
		 * cache miss each, ~30 ms of every rebuild's CPU keying the
		 * 3 125 fragments, docs/benchmarks.md, issue 15).
		 */
		frag_doc(m, card_keys != NULL ? NULL : thumbs, vi, &f);
		h = card_keys != NULL ? h64_int(h, (int64_t)card_keys[vi]) :
		    h64_str(h64_str(h64_str(h, f.guid), f.title), f.thumb);
		h = h64_str(h, f.series);
		h = h64_int(h64_int(h64_int(h, (int64_t)f.length), (int64_t)f.access),
		    (int64_t)f.uploaded);
	}
	return h;
}

size_t
search_frag_videos(const struct search_ix *x, size_t k, size_t *vids)
{
	size_t d, start, end;

	if (!chunk(x->n, SEARCH_DOCS_PER_FRAG, k, &start, &end))
		return 0;
	for (d = start; d < end; d++)
		vids[d - start] = DOC_VIDEO(x->n, d);
	return end - start;
}

/* search/l/<k>.json: {"v":1,"ids":[...]}: chunk k of the ids, longest first. */
int
search_long(const struct search_ix *x, size_t k, struct buf *o)
{
	size_t i, start, end;

	if (!chunk(x->n, SEARCH_LONG_CHUNK, k, &start, &end))
		return -1;
	if (buf_printf(o, "{\"v\":%d,\"ids\":[", SEARCH_FORMAT) == -1)
		return -1;
	for (i = start; i < end; i++)
		if ((i > start && buf_putc(o, ',') == -1) ||
		    put_u(o, x->longest[i]) == -1)
			return -1;
	return BUF_PUTSL(o, "]}\n");
}

uint64_t
search_long_key(const struct search_ix *x, size_t k, uint64_t seed)
{
	size_t start, end;

	if (!chunk(x->n, SEARCH_LONG_CHUNK, k, &start, &end))
		return 0;
	return h64(h64_int(seed, SEARCH_FORMAT), x->longest + start,
	    (end - start) * sizeof(*x->longest));
}

/* The place of filter list (which, idx) in x->foff, or SIZE_MAX: none. */
static size_t
filter_group(const struct search_ix *x, int which, size_t idx)
{
	if ((which == SFL_CATEGORY && idx >= x->ncat) || (which == SFL_TAG && idx >= x->ntag) ||
	    (which == SFL_ACCESS && idx >= 3) || which < SFL_CATEGORY || which > SFL_ACCESS)
		return SIZE_MAX;
	return which == SFL_CATEGORY ? idx : which == SFL_TAG ? x->ncat + idx :
	    x->ncat + x->ntag + idx;
}

uint64_t
search_filter_key(const struct search_ix *x, int which, size_t idx, uint64_t seed)
{
	size_t g = filter_group(x, which, idx);

	if (g == SIZE_MAX)
		return 0;
	return h64(h64_int(seed, SEARCH_FORMAT), x->fids + x->foff[g],
	    (x->foff[g + 1] - x->foff[g]) * sizeof(*x->fids));
}

/* search/f/{c,t,a}-<slug|level>.json: {"v":1,"n":count,"ids":[first id, deltas...]} */
int
search_filter(const struct search_ix *x, const struct model *m, int which, size_t idx,
    struct buf *o)
{
	size_t g = filter_group(x, which, idx), i, prev = 0;

	if (m->nvideos != x->n || g == SIZE_MAX)
		return -1;
	if (buf_printf(o, "{\"v\":%d,\"n\":%zu,\"ids\":[", SEARCH_FORMAT,
	    x->foff[g + 1] - x->foff[g]) == -1)
		return -1;
	for (i = x->foff[g]; i < x->foff[g + 1]; i++) {
		if ((i > x->foff[g] && buf_putc(o, ',') == -1) || put_u(o, x->fids[i] - prev) == -1)
			return -1;
		prev = x->fids[i];
	}
	return BUF_PUTSL(o, "]}\n");
}
