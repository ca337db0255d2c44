/*
 * catalog_rows_file.c — STATE/catalog.rows (catalog_rows_file.h).
 *
 * The file, in the machine's byte order (a state file of this machine):
 *   a 168-byte header: the magic, the checksum (h64 of the header after
 *     it, seeded with the h64_sum of the body), the log position (seq,
 *     nonce, sum), the collections' print, the counts of videos,
 *     collections, captions and chapters, the strings' length, and the
 *     digest (72 bytes, NUL-padded);
 *   the videos, 168 bytes each: the guid (40 bytes, NUL-padded), then
 *     16 words: the offsets of title and description, length, width,
 *     height, uploaded, views, changed, the offsets of thumbnail,
 *     cdn_host, collection and meta_tags, published, the caption and
 *     chapter counts, the print;
 *   the collections, 48 bytes each: guid, the name's offset;
 *   the captions, 16 bytes each (srclang, label), every video's in turn;
 *   the chapters, 16 bytes each (title's offset, start, end);
 *   the strings, each ended by a NUL; offset 0 is the empty string.
 * The records and the strings are laid out by one walk (emit), run twice:
 * the offsets a record names are the strings' places by construction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "catalog_rows_file.h"
#include "file_map.h"
#include "file_window.h"
#include "hash64.h"

#define MAGIC		"onlygen rows 1\n"	/* 16 bytes with its NUL */
#define HEAD		168
#define H_SUM		16
#define H_SEQ		24
#define H_NONCE		32
#define H_LOGSUM	40
#define H_COLL		48
#define H_NV		56
#define H_NC		64
#define H_NCAP		72
#define H_NCH		80
#define H_STR		88
#define H_DIGEST	96
#define DIGEST_FIELD	72
#define GUID_FIELD	40
#define VREC		(GUID_FIELD + 16 * 8)
#define CREC		(GUID_FIELD + 8)
#define TREC		16

_Static_assert(sizeof(MAGIC) == 16, "the magic is 16 bytes");
_Static_assert(H_DIGEST + DIGEST_FIELD == HEAD, "the header's fields fill it");
_Static_assert(GUID_LEN + 1 <= GUID_FIELD, "a guid fits its field");
_Static_assert(sizeof(((struct catalog_rows *)0)->digest) <= DIGEST_FIELD,
    "the digest fits its field");

/* The walk's two passes: the records with their strings' offsets, then the strings. */
enum pass { RECORDS, STRINGS };

struct emit {
	struct file_out	*o;
	enum pass	 pass;
	uint64_t	 off;	/* the next string's offset */
};

/* s's offset among the strings (put there in the strings' pass). */
static uint64_t
str(struct emit *e, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	uint64_t at = e->off;

	if (n == 0)
		return 0;
	if (e->pass == STRINGS)
		file_out_put(e->o, s, n + 1);
	e->off += n + 1;
	return at;
}

static void
put64(char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void
put_guid(char *p, const char *guid)
{
	memset(p, 0, GUID_FIELD);
	memcpy(p, guid, strnlen(guid, GUID_LEN));
}

/* A record, in the records' pass. */
static void
record(struct emit *e, const char *p, size_t n)
{
	if (e->pass == RECORDS)
		file_out_put(e->o, p, n);
}

/*
 * Every record in file order, the strings each names asked for in that
 * order (short ones first, as catalog_read() lays them in its arena).
 */
static void
emit(struct emit *e, const struct catalog_rows *r)
{
	char rec[VREC];
	size_t i, k;

	e->off = 1;	/* after the empty string */
	if (e->pass == STRINGS)
		file_out_put(e->o, "", 1);
	for (i = 0; i < r->nvideos; i++) {
		const struct catalog_video_row *v = &r->videos[i];

		put_guid(rec, v->guid);
		put64(rec + GUID_FIELD + 8 * 8, str(e, v->thumbnail));
		put64(rec + GUID_FIELD + 9 * 8, str(e, v->cdn_host));
		put64(rec + GUID_FIELD + 10 * 8, str(e, v->collection));
		put64(rec + GUID_FIELD + 11 * 8, str(e, v->meta_tags));
		put64(rec + GUID_FIELD + 0 * 8, str(e, v->title));
		put64(rec + GUID_FIELD + 1 * 8, str(e, v->description));
		put64(rec + GUID_FIELD + 2 * 8, (uint64_t)v->length);
		put64(rec + GUID_FIELD + 3 * 8, (uint64_t)v->width);
		put64(rec + GUID_FIELD + 4 * 8, (uint64_t)v->height);
		put64(rec + GUID_FIELD + 5 * 8, (uint64_t)v->uploaded);
		put64(rec + GUID_FIELD + 6 * 8, (uint64_t)v->views);
		put64(rec + GUID_FIELD + 7 * 8, (uint64_t)v->changed);
		put64(rec + GUID_FIELD + 12 * 8, (uint64_t)(v->published != 0));
		put64(rec + GUID_FIELD + 13 * 8, v->ncaptions);
		put64(rec + GUID_FIELD + 14 * 8, v->nchapters);
		put64(rec + GUID_FIELD + 15 * 8, v->print);
		record(e, rec, VREC);
	}
	for (i = 0; i < r->ncollections; i++) {
		put_guid(rec, r->collections[i].guid);
		put64(rec + GUID_FIELD, str(e, r->collections[i].name));
		record(e, rec, CREC);
	}
	for (i = 0; i < r->nvideos; i++)
		for (k = 0; k < r->videos[i].ncaptions; k++) {
			put64(rec, str(e, r->videos[i].captions[k].srclang));
			put64(rec + 8, str(e, r->videos[i].captions[k].label));
			record(e, rec, TREC);
		}
	for (i = 0; i < r->nvideos; i++)
		for (k = 0; k < r->videos[i].nchapters; k++) {
			const struct chapter *ch = &r->videos[i].chapters[k];

			put64(rec, str(e, ch->title));
			memcpy(rec + 8, &ch->start, 4);
			memcpy(rec + 12, &ch->end, 4);
			record(e, rec, TREC);
		}
}

int
catalog_rows_file_write(const char *path, const struct catalog_rows *r, char *err,
    size_t errlen)
{
	struct file_out o;
	struct emit e = { &o, RECORDS, 0 };
	char h[HEAD];
	uint64_t ncap = 0, nch = 0, body, strings;
	size_t i;

	if (!r->printed || r->log.seq == 0) {
		snprintf(err, errlen, "%s: rows without prints or a log position", path);
		return -1;
	}
	for (i = 0; i < r->nvideos; i++) {
		ncap += r->videos[i].ncaptions;
		nch += r->videos[i].nchapters;
	}
	if (file_out_open(&o, path, HEAD, err, errlen) == -1)
		return -1;
	emit(&e, r);
	strings = e.off;
	e.pass = STRINGS;
	emit(&e, r);
	body = (uint64_t)r->nvideos * VREC + (uint64_t)r->ncollections * CREC +
	    (ncap + nch) * TREC + strings;
	memset(h, 0, sizeof(h));
	memcpy(h, MAGIC, 16);
	put64(h + H_SEQ, r->log.seq);
	put64(h + H_NONCE, r->log.nonce);
	put64(h + H_LOGSUM, r->log.sum);
	put64(h + H_COLL, r->collections_print);
	put64(h + H_NV, r->nvideos);
	put64(h + H_NC, r->ncollections);
	put64(h + H_NCAP, ncap);
	put64(h + H_NCH, nch);
	put64(h + H_STR, strings);
	memcpy(h + H_DIGEST, r->digest, strnlen(r->digest, sizeof(r->digest) - 1));
	put64(h + H_SUM, h64(file_out_sum(&o), h + H_SEQ, HEAD - H_SEQ));
	return file_out_close(&o, h, HEAD, body, err, errlen);
}

/* A guid field: 1 to GUID_LEN bytes, NULs after; copied into out. */
static int
take_guid(const char *p, char out[GUID_LEN + 1])
{
	size_t len = strnlen(p, GUID_FIELD), k;

	if (len == 0 || len > GUID_LEN)
		return -1;
	for (k = len; k < GUID_FIELD; k++)
		if (p[k] != '\0')
			return -1;
	memcpy(out, p, len + 1);
	return 0;
}

/* The parse's strings: the copy in the arena, and its length. */
struct strings {
	char		*s;
	uint64_t	 len;
};

/* The string at the offset stored at p, or NULL when out of the strings. */
static char *
string_at(const struct strings *t, const char *p)
{
	uint64_t off = get64(p);

	return off < t->len ? t->s + off : NULL;
}

/* The counts of the header, each within what size can hold. */
struct counts {
	uint64_t	nv, nc, ncap, nch, str;
};

static int
counts_fit(const char *d, size_t size, struct counts *n)
{
	/* the record regions in file order, the strings after them */
	const struct { uint64_t *count; size_t at, rec; } region[] = {
		{ &n->nv, H_NV, VREC }, { &n->nc, H_NC, CREC },
		{ &n->ncap, H_NCAP, TREC }, { &n->nch, H_NCH, TREC },
	};
	uint64_t left = size - HEAD;
	size_t k;

	/* each taken from what is left, so no product or sum overflows */
	for (k = 0; k < sizeof(region) / sizeof(region[0]); k++) {
		if ((*region[k].count = get64(d + region[k].at)) > left / region[k].rec)
			return -1;
		left -= *region[k].count * region[k].rec;
	}
	n->str = get64(d + H_STR);
	return n->str == left && n->str > 0 ? 0 : -1;
}

static int
parse_videos(const char *p, const struct counts *n, const struct strings *t,
    struct catalog_rows *r, struct caption *caps, struct chapter *chs)
{
	uint64_t ncap = 0, nch = 0;
	size_t i;

	for (i = 0; i < n->nv; i++, p += VREC) {
		struct catalog_video_row *v = &r->videos[i];
		const char *w = p + GUID_FIELD;
		uint64_t published = get64(w + 12 * 8), vc = get64(w + 13 * 8),
		    vh = get64(w + 14 * 8);

		if (take_guid(p, v->guid) != 0 ||
		    (i > 0 && strcmp(r->videos[i - 1].guid, v->guid) >= 0))
			return -1;
		if ((v->title = string_at(t, w)) == NULL ||
		    (v->description = string_at(t, w + 8)) == NULL ||
		    (v->thumbnail = string_at(t, w + 8 * 8)) == NULL ||
		    (v->cdn_host = string_at(t, w + 9 * 8)) == NULL ||
		    (v->collection = string_at(t, w + 10 * 8)) == NULL ||
		    (v->meta_tags = string_at(t, w + 11 * 8)) == NULL || published > 1 ||
		    vc > n->ncap - ncap || vh > n->nch - nch)
			return -1;
		v->length = (int64_t)get64(w + 2 * 8);
		v->width = (int64_t)get64(w + 3 * 8);
		v->height = (int64_t)get64(w + 4 * 8);
		v->uploaded = (int64_t)get64(w + 5 * 8);
		v->views = (int64_t)get64(w + 6 * 8);
		v->changed = (int64_t)get64(w + 7 * 8);
		v->published = (int)published;
		v->print = get64(w + 15 * 8);
		/* as catalog_read() leaves a video without any: NULL, 0 */
		v->captions = vc > 0 ? caps + ncap : NULL;
		v->ncaptions = (size_t)vc;
		v->chapters = vh > 0 ? chs + nch : NULL;
		v->nchapters = (size_t)vh;
		ncap += vc;
		nch += vh;
	}
	return ncap == n->ncap && nch == n->nch ? 0 : -1;
}

static int
parse_tracks(const char *p, const struct counts *n, const struct strings *t,
    struct caption *caps, struct chapter *chs)
{
	size_t i;

	for (i = 0; i < n->ncap; i++, p += TREC)
		if ((caps[i].srclang = string_at(t, p)) == NULL ||
		    (caps[i].label = string_at(t, p + 8)) == NULL)
			return -1;
	for (i = 0; i < n->nch; i++, p += TREC) {
		if ((chs[i].title = string_at(t, p)) == NULL)
			return -1;
		chs[i].start = geti32(p + 8);
		chs[i].end = geti32(p + 12);
	}
	return 0;
}

/*
 * d's rows into r.  in_place: d is r->map's, writable, and lives as long
 * as r: the strings are pointed into, not copied (at 100 000 videos ~26 MB
 * of fresh pages on the catalog's thread of an upload's rebuild, issue 15).
 */
static int
parse(const char *d, size_t size, struct catalog_rows *r, int in_place)
{
	struct counts n;
	struct strings t;
	struct caption *caps = NULL;
	struct chapter *chs = NULL;
	const char *p;
	size_t i, dlen;

	if (size < HEAD || size > CATALOG_ROWS_FILE_MAX || memcmp(d, MAGIC, 16) != 0 ||
	    counts_fit(d, size, &n) != 0 || get64(d + H_SEQ) == 0 ||
	    h64(h64_sum(0, d + HEAD, size - HEAD), d + H_SEQ, HEAD - H_SEQ) != get64(d + H_SUM))
		return -1;
	/* the digest: NUL-terminated within the struct's field, NULs after */
	if ((dlen = strnlen(d + H_DIGEST, sizeof(r->digest))) == sizeof(r->digest))
		return -1;
	for (i = dlen; i < DIGEST_FIELD; i++)
		if (d[H_DIGEST + i] != '\0')
			return -1;
	memcpy(r->digest, d + H_DIGEST, dlen + 1);
	p = d + size - n.str;	/* the strings: the file's last bytes */
	if (p[0] != '\0' || p[n.str - 1] != '\0')
		return -1;
	t.len = n.str;
	if (in_place)
		t.s = (char *)(uintptr_t)p;
	else if ((t.s = arena_take(&r->mem, (size_t)n.str)) == NULL)
		return -1;
	else
		memcpy(t.s, p, (size_t)n.str);
	if ((n.ncap > 0 && (caps = arena_alloc(&r->mem, (size_t)n.ncap * sizeof(*caps))) == NULL) ||
	    (n.nch > 0 && (chs = arena_alloc(&r->mem, (size_t)n.nch * sizeof(*chs))) == NULL) ||
	    (n.nv > 0 && (r->videos = calloc((size_t)n.nv + CATALOG_ROWS_SPARE,
	    sizeof(*r->videos))) == NULL) ||
	    (n.nc > 0 && (r->collections = calloc((size_t)n.nc, sizeof(*r->collections))) == NULL))
		return -1;
	r->nvideos = (size_t)n.nv;
	r->vcap = (size_t)n.nv + CATALOG_ROWS_SPARE;
	r->ncollections = (size_t)n.nc;
	p = d + HEAD;
	if (parse_videos(p, &n, &t, r, caps, chs) != 0)
		return -1;
	p += n.nv * VREC;
	for (i = 0; i < n.nc; i++, p += CREC)
		if (take_guid(p, r->collections[i].guid) != 0 ||
		    (i > 0 && strcmp(r->collections[i - 1].guid, r->collections[i].guid) >= 0) ||
		    (r->collections[i].name = string_at(&t, p + GUID_FIELD)) == NULL)
			return -1;
	if (parse_tracks(p, &n, &t, caps, chs) != 0)
		return -1;
	r->log.seq = get64(d + H_SEQ);
	r->log.nonce = get64(d + H_NONCE);
	r->log.sum = get64(d + H_LOGSUM);
	r->collections_print = get64(d + H_COLL);
	r->printed = 1;
	return 0;
}

int
catalog_rows_file_parse(const void *data, size_t size, struct catalog_rows *rows)
{
	memset(rows, 0, sizeof(*rows));
	if (parse(data, size, rows, 0) != 0) {
		catalog_rows_free(rows);
		return 0;
	}
	return 1;
}

int
catalog_rows_file_read(const char *path, struct catalog_rows *rows)
{
	struct file_map map;

	memset(rows, 0, sizeof(*rows));
	/*
	 * read once, in order: the tables filled at once, nothing copied.
	 * The rows keep the mapping, their strings in it (parse: in_place),
	 * and give back the records' pages before them once read.  Private
	 * and writable, as the model image's (model_image.c): the strings are
	 * the model's, as the arena's were.
	 */
	if (file_map_path(path, HEAD, CATALOG_ROWS_FILE_MAX, FILE_MAP_WRITE | FILE_MAP_PREFAULT,
	    &map) == -1)
		return 0;
	rows->map = map;
	if (parse(map.data, map.len, rows, 1) != 0) {
		catalog_rows_free(rows);	/* the mapping too */
		return 0;
	}
	file_map_drop_before(&rows->map, (const char *)map.data + map.len -
	    get64((const char *)map.data + H_STR));
	return 1;
}
