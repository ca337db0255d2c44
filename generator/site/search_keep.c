/*
 * search_keep.c — STATE/search-pairs read and written (search_keep.h).
 * Read mapped where the page cache has it and checked whole before a
 * byte is used; written through a window (file_window.h) to a temporary
 * file renamed in, so a killed build leaves the last file or none.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_window.h"
#include "hash64.h"
#include "search_keep.h"
#include "site_search.h"

#define MAGIC		"onlygen spairs\n"	/* 16 bytes with its NUL */
#define VERSION		2u
#define HEADER		72

struct header {
	char		magic[16];
	uint32_t	version;
	uint32_t	zero;
	uint64_t	key;
	uint64_t	ndocs, nterms, nstr, npairs;
	uint64_t	sum;	/* h64 of every byte after the header */
};

_Static_assert(sizeof(struct header) == HEADER, "search-pairs header layout");
_Static_assert(sizeof(struct search_kept_doc) == 16, "search-pairs doc record");
_Static_assert(sizeof(struct search_kept_term) == 8, "search-pairs term record");
_Static_assert(sizeof(struct search_pair) == 8, "search-pairs pair");

static size_t
pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The file's size for these counts (they are bounded first: no overflow). */
static uint64_t
file_size(uint64_t ndocs, uint64_t nterms, uint64_t nstr, uint64_t npairs)
{
	return HEADER + ndocs * sizeof(struct search_kept_doc) +
	    nterms * sizeof(struct search_kept_term) + pad8(nstr) +
	    npairs * sizeof(struct search_pair);
}

static int
counts_ok(uint64_t ndocs, uint64_t nterms, uint64_t nstr, uint64_t npairs)
{
	return ndocs <= SEARCH_KEEP_DOCS_MAX && nterms < UINT32_MAX && nstr < UINT32_MAX &&
	    npairs <= UINT32_MAX;
}

/* Every doc's range follows the last and every pair names a term and a
 * field; every term lies in the bytes, NUL-terminated, without a NUL. */
static int
check(const struct search_kept *k)
{
	size_t i, at = 0;

	for (i = 0; i < k->ndocs; i++) {
		if (k->docs[i].first != at || k->docs[i].n > k->npairs - at)
			return -1;
		at += k->docs[i].n;
	}
	if (at != k->npairs)
		return -1;
	for (i = 0; i < k->nterms; i++) {
		const struct search_kept_term *t = &k->terms[i];

		if (t->len == 0 || t->len > SEARCH_KEEP_TERM_MAX || t->off >= k->nstr ||
		    t->len >= k->nstr - t->off || k->str[t->off + t->len] != '\0' ||
		    memchr(k->str + t->off, '\0', t->len) != NULL)
			return -1;
	}
	for (i = 0; i < k->npairs; i++)
		if (k->pairs[i].tid >= k->nterms || k->pairs[i].post > SF_DESC)
			return -1;
	return 0;
}

int
search_kept_parse(struct search_kept *k, const void *data, size_t size, uint64_t key)
{
	const char *d = data;
	struct header h;
	size_t at;

	memset(k, 0, sizeof(*k));
	if (size < HEADER)
		return 0;
	memcpy(&h, d, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0 || h.version != VERSION || h.zero != 0 ||
	    h.key != key || !counts_ok(h.ndocs, h.nterms, h.nstr, h.npairs) ||
	    file_size(h.ndocs, h.nterms, h.nstr, h.npairs) != size ||
	    h64_sum(0, d + HEADER, size - HEADER) != h.sum)
		return 0;
	k->ndocs = (size_t)h.ndocs;
	k->nterms = (size_t)h.nterms;
	k->nstr = (size_t)h.nstr;
	k->npairs = (size_t)h.npairs;
	at = HEADER;
	k->docs = (const struct search_kept_doc *)(d + at);
	at += k->ndocs * sizeof(*k->docs);
	k->terms = (const struct search_kept_term *)(d + at);
	at += k->nterms * sizeof(*k->terms);
	k->str = d + at;
	at += pad8(k->nstr);
	k->pairs = (const struct search_pair *)(d + at);
	if (check(k) == -1) {
		memset(k, 0, sizeof(*k));
		return 0;
	}
	return 1;
}

int
search_kept_load(struct search_kept *k, const char *path, uint64_t key)
{
	struct file_map map;

	memset(k, 0, sizeof(*k));
	/* read only, every page's tables at once: read in full by the checksum */
	if (key == 0 || file_map_path(path, HEADER, (uint64_t)1 << 36, FILE_MAP_PREFAULT,
	    &map) == -1)
		return 0;
	if (search_kept_parse(k, map.data, map.len, key) != 1) {
		file_map_free(&map);
		return 0;
	}
	k->map = map;
	return 1;
}

void
search_kept_free(struct search_kept *k)
{
	file_map_free(&k->map);
	memset(k, 0, sizeof(*k));
}

/* The pairs of one doc, as the file holds them: the field only, the ids
 * remapped; in chunks through a small buffer. */
static void
put_pairs(struct file_out *o, const struct search_pending *p, const struct search_doc_src *s)
{
	struct search_pair b[512];
	size_t i, j;

	for (i = 0; i < s->n; i += j) {
		for (j = 0; j < sizeof(b) / sizeof(b[0]) && i + j < s->n; j++) {
			uint32_t tid = s->p[i + j].tid;

			b[j].tid = p->remap != NULL ? p->remap[tid] : tid;
			b[j].post = s->p[i + j].post & 3;
		}
		file_out_put(o, b, j * sizeof(b[0]));
	}
}

int
search_keep_save(const struct search_pending *p, const char *path, uint64_t key, char *err,
    size_t errlen)
{
	struct header h;
	struct file_out o;
	uint64_t body;
	size_t i, first = 0, off = 0;
	int in_place = 1;	/* the ids' bytes are str's from 0, in order */

	if (!counts_ok(p->ndocs, p->nterms, p->nstr, p->npairs)) {
		snprintf(err, errlen, "%s: an index too large to keep", path);
		return -1;
	}
	body = file_size(p->ndocs, p->nterms, p->nstr, p->npairs) - HEADER;
	if (file_out_open(&o, path, HEADER, err, errlen) == -1)
		return -1;
	for (i = 0; i < p->ndocs; i++) {
		struct search_kept_doc r = { p->sums[i], (uint32_t)first, p->src[i].n };

		file_out_put(&o, &r, sizeof(r));
		first += p->src[i].n;
	}
	for (i = 0; i < p->nids; i++) {
		struct search_kept_term t = { (uint32_t)off, p->ids[i].len };

		if (p->remap != NULL && p->remap[i] == UINT32_MAX)
			continue;
		in_place = in_place && p->ids[i].off == off;
		file_out_put(&o, &t, sizeof(t));
		off += t.len + 1;
	}
	if (in_place && off == p->nstr)
		file_out_put(&o, p->str, p->nstr);	/* the ids' bytes as they are, in one */
	else
		for (i = 0; i < p->nids; i++)
			if (p->remap == NULL || p->remap[i] != UINT32_MAX)
				file_out_put(&o, p->str + p->ids[i].off, p->ids[i].len + 1);
	file_out_put(&o, "\0\0\0\0\0\0\0", pad8(o.at) - o.at);
	for (i = 0; i < p->ndocs; i++) {
		if (!p->src[i].fresh && p->remap == NULL)	/* in the file's form already */
			file_out_put(&o, p->src[i].p, p->src[i].n * sizeof(*p->src[i].p));
		else
			put_pairs(&o, p, &p->src[i]);
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	h.version = VERSION;
	h.key = key;
	h.ndocs = p->ndocs;
	h.nterms = p->nterms;
	h.nstr = p->nstr;
	h.npairs = p->npairs;
	h.sum = file_out_sum(&o);
	if ((first != p->npairs || off != p->nstr) && o.err == 0)
		o.err = EINVAL;	/* the counts did not add up: no file */
	return file_out_close(&o, &h, sizeof(h), body, err, errlen);
}
