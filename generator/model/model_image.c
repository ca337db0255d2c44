/*
 * model_image.c — see model_image.h.  The file, every integer in the
 * machine's order and every region a multiple of 8 bytes long:
 *
 *   header (128)   magic, version, key, file size, checksum (image_sum:
 *                  of the bytes from offset 48 on, region by region), the counts (videos, rows,
 *                  categories, tags, series), the lengths of the arrays
 *                  and strings regions, collections, site config integers
 *   site (72)      the site config's 8 strings, then the load's warnings
 *                  (meta->warnings, "" for none)
 *   digest (72)    m->digest, NUL-padded
 *   categories     48 each: 5 strings, order
 *   tags           24 each: slug, name, id
 *   series         24 each: slug, title, description
 *   videos         168 each (VREC_*): guid, 4 strings, 6 integers, series,
 *                  access, featured, season, episode, 4 array counts, the
 *                  sum of its title and description (model_texts.h)
 *   rows           64 each: guid, print, refs, video, flags (a byte, 3 zero
 *                  bytes): struct model_image_row's layout
 *   arrays         per video in order: its category indices and tag
 *                  indices (8 bytes each), captions (16: srclang, label),
 *                  chapters (16: title, start, end)
 *   strings        NUL-terminated, "" at offset 0 and shared; the videos'
 *                  in video order (title, description, thumbnail, CDN
 *                  host, captions', chapters'), after the site's
 *
 * A string is an offset into the strings region; the region ends with a
 * NUL, so any offset inside it is a string that ends inside the file.  The
 * videos' arrays have no offsets: they follow one another, so none can
 * overlap another.  The reader maps the file, checks everything, uses the
 * strings and index arrays where they are and turns the caption and
 * chapter records into struct caption and struct chapter in place (their
 * layouts are asserted below).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "bytes.h"
#include "file_replace.h"
#include "file_window.h"
#include "hash64.h"
#include "huge_pages.h"
#include "model_image.h"
#include "model_texts.h"
#include "pool.h"

#define MAGIC		"onlygen mimage\n"	/* 15 bytes and a NUL: 16 */
#define VERSION		MODEL_IMAGE_VERSION
#define HEAD		128
/* Strings regions this long or longer are summed on a thread of their own. */
#define IMAGE_SUM_SPLIT	((size_t)1 << 20)
#define SUMMED_FROM	48	/* the checksum covers the counts, not itself (image_sum) */
#define SITE_LEN	(9 * 8)	/* the site config's 8 strings, the load's warnings */
#define DIGEST_LEN	72
#define CAT_LEN		48
#define TAG_LEN		24
#define SERIES_LEN	24
#define VREC_LEN	168
#define ROW_LEN		64
#define GUID_FIELD	40	/* GUID_LEN + 1, padded to 8 */

/* header fields */
#define H_VERSION	16
#define H_KEY		24
#define H_SIZE		32
#define H_SUM		40
#define H_NVIDEOS	48
#define H_NROWS		56
#define H_NCATS		64
#define H_NTAGS		72
#define H_NSERIES	80
#define H_ARRAYS	88
#define H_STRINGS	96
#define H_COLLECTIONS	104
#define H_HTML_URLS	112
#define H_PAGE_SIZE	116
#define H_ACCESS	120

/* a video record's fields */
#define V_TITLE		40
#define V_DESC		48
#define V_THUMB		56
#define V_CDN		64
#define V_LENGTH	72
#define V_WIDTH		80
#define V_HEIGHT	88
#define V_VIEWS		96
#define V_UPLOADED	104
#define V_CHANGED	112
#define V_SERIES	120
#define V_ACCESS	128
#define V_FEATURED	132
#define V_SEASON	136
#define V_EPISODE	140
#define V_NCATS		144
#define V_NTAGS		148
#define V_NCAPTIONS	152
#define V_NCHAPTERS	156
#define V_TEXTS		160

/* a row record's fields */
#define R_PRINT		40
#define R_REFS		48
#define R_VIDEO		56
#define R_FLAGS		60

static_assert(sizeof(struct model_image_row) == ROW_LEN &&
    offsetof(struct model_image_row, print) == R_PRINT &&
    offsetof(struct model_image_row, refs) == R_REFS &&
    offsetof(struct model_image_row, video) == R_VIDEO &&
    offsetof(struct model_image_row, flags) == R_FLAGS,
    "a row record is a struct model_image_row: the reader copies the region whole");
static_assert(sizeof(MAGIC) == 16, "the magic is 16 bytes with its NUL");
static_assert(GUID_LEN + 1 <= GUID_FIELD, "a guid fits its field");
static_assert(sizeof(size_t) == 8 && sizeof(char *) == 8,
    "index arrays and records are 8-byte words as the file holds them");
static_assert(sizeof(struct caption) == 16 && offsetof(struct caption, label) == 8,
    "a caption record is a struct caption once relocated");
static_assert(sizeof(struct chapter) == 16 && offsetof(struct chapter, start) == 8 &&
    offsetof(struct chapter, end) == 12, "a chapter record is a struct chapter once relocated");

/* Where each region starts, from the counts. */
struct layout {
	size_t	site, digest, cats, tags, series, videos, rows, arrays, strings, size;
};

/* n records of len bytes after at: 0, or -1 past ARENA_MAX. */
static int
region(size_t *at, uint64_t n, size_t len)
{
	if (n > ARENA_MAX / len || n * len > ARENA_MAX - *at)
		return -1;
	*at += n * len;
	return 0;
}

/* The layout for these counts: 0, or -1 when it would pass ARENA_MAX. */
static int
layout_of(struct layout *L, uint64_t nvideos, uint64_t nrows, uint64_t ncats, uint64_t ntags,
    uint64_t nseries, uint64_t arrays_len, uint64_t strings_len)
{
	size_t at = HEAD;

	L->site = at;
	at += SITE_LEN;
	L->digest = at;
	at += DIGEST_LEN;
	L->cats = at;
	if (region(&at, ncats, CAT_LEN) != 0)
		return -1;
	L->tags = at;
	if (region(&at, ntags, TAG_LEN) != 0)
		return -1;
	L->series = at;
	if (region(&at, nseries, SERIES_LEN) != 0)
		return -1;
	L->videos = at;
	if (region(&at, nvideos, VREC_LEN) != 0)
		return -1;
	L->rows = at;
	if (region(&at, nrows, ROW_LEN) != 0)
		return -1;
	L->arrays = at;
	if (region(&at, arrays_len, 1) != 0)
		return -1;
	L->strings = at;
	if (region(&at, strings_len, 1) != 0)
		return -1;
	L->size = at;
	return 0;
}

/* ---- checks shared by the writer and the reader ---- */

/*
 * The rows fit the videos: guids strictly ascending and GUID_LEN long,
 * known flags, each video index below nvideos, and every video named by
 * exactly one row; with videos not NULL (the writer), each row's video
 * has the row's guid.  The reader leaves that out: the row order makes it
 * a random walk over the videos, ~7 ms of cache misses at 100 000, and the
 * checksum already says the file is what the writer checked.  seen:
 * nvideos bytes, zeroed.
 */
static int
rows_fit(const struct model_image_row *rows, size_t nrows, const struct video *videos,
    size_t nvideos, unsigned char *seen, const char **why)
{
	size_t i, named = 0;

	for (i = 0; i < nrows; i++) {
		const struct model_image_row *r = &rows[i];

		if (memchr(r->guid, '\0', GUID_LEN) != NULL || r->guid[GUID_LEN] != '\0')
			return *why = "a row's guid is not GUID_LEN long", -1;
		if (i > 0 && memcmp(rows[i - 1].guid, r->guid, GUID_LEN) >= 0)
			return *why = "the rows are not in ascending guid order", -1;
		if ((r->flags & ~MODEL_IMAGE_FLAGS) != 0)
			return *why = "a row has an unknown flag", -1;
		if (r->video == MODEL_IMAGE_NONE)
			continue;
		if (r->video >= nvideos || seen[r->video])
			return *why = "a row's video index is out of range or taken twice", -1;
		if (videos != NULL && strcmp(videos[r->video].guid, r->guid) != 0)
			return *why = "a row's video has another guid", -1;
		seen[r->video] = 1;
		named++;
	}
	if (named != nvideos)
		return *why = "a video is no row's", -1;
	return 0;
}

/* ---- writing ---- */

/*
 * The writer walks the model once.  The arrays region's length is counted
 * first (counts_fit: no string is looked at); the strings region comes
 * last, so its length is known when the walk is done, before the header
 * is written (a first walk that measured both was ~a third of the write:
 * every string's strlen() and the shared ones' strcmp() twice,
 * docs/benchmarks.md, issue 15).  Each of the three sequences it writes
 * in file order (the records from the site's to the rows', the arrays,
 * the strings) goes through a window of its own (file_window.h), hashed
 * and written as the walk passes it.
 */
struct wr {
	int			 fd;
	int			 err;		/* errno of a failed write, 0 */
	struct layout		 L;
	char			 head[HEAD];
	struct file_window	 rec, arr, str;	/* [HEAD, arrays), [arrays, strings), [strings, size) */
	size_t			 sat;		/* next free offset in the strings region */
	size_t			 aat;		/* next free offset in the arrays region */
	const char		*thumb, *cdn;	/* the previous video's, shared when equal */
	uint64_t		 thumb_at, cdn_at;
};

/* n bytes of p at file offset at (at or after every byte put before in its region). */
static void
put_bytes(struct wr *w, size_t at, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (at < HEAD) {
		memcpy(w->head + at, p, n);
		return;
	}
	file_window_put(at < w->L.arrays ? &w->rec : at < w->L.strings ? &w->arr : &w->str,
	    at, p, n);
}

static void
put64(struct wr *w, size_t at, uint64_t v)
{
	put_bytes(w, at, &v, sizeof(v));
}

static void
put32(struct wr *w, size_t at, uint32_t v)
{
	put_bytes(w, at, &v, sizeof(v));
}

static void
puti32(struct wr *w, size_t at, int32_t v)
{
	put_bytes(w, at, &v, sizeof(v));
}

/* s in the strings region: its offset ("" is the one at 0). */
static uint64_t
put_str(struct wr *w, const char *s)
{
	size_t n, at = w->sat;

	if (s[0] == '\0')
		return 0;
	n = strlen(s) + 1;
	put_bytes(w, w->L.strings + at, s, n);
	w->sat += n;
	return at;
}

/* s, or the offset of prev when s has its bytes (a CDN host, a thumbnail name). */
static uint64_t
put_shared(struct wr *w, const char *s, const char **prev, uint64_t *prev_at)
{
	if (*prev == NULL || (s != *prev && strcmp(s, *prev) != 0)) {
		*prev = s;
		*prev_at = put_str(w, s);
	}
	return *prev_at;
}

static void
put_site(struct wr *w, const struct model *m, const struct model_image_meta *meta)
{
	const struct site_config *s = &m->site;
	const char *str[8] = { s->title, s->description, s->base_url, s->language,
		s->cdn_host, s->theme, s->author, s->purchase_url };
	size_t i;

	for (i = 0; i < 8; i++)
		put64(w, w->L.site + 8 * i, put_str(w, str[i]));
	put64(w, w->L.site + 8 * 8, put_str(w, meta->warnings != NULL ? meta->warnings : ""));
	put_bytes(w, w->L.digest, m->digest, sizeof(m->digest));
	for (i = 0; i < m->ncategories; i++) {
		const struct category *c = &m->categories[i];
		size_t at = w->L.cats + i * CAT_LEN;

		put64(w, at, put_str(w, c->slug));
		put64(w, at + 8, put_str(w, c->name));
		put64(w, at + 16, put_str(w, c->colour));
		put64(w, at + 24, put_str(w, c->icon));
		put64(w, at + 32, put_str(w, c->description));
		put64(w, at + 40, (uint64_t)(int64_t)c->order);
	}
	for (i = 0; i < m->ntags; i++) {
		size_t at = w->L.tags + i * TAG_LEN;

		put64(w, at, put_str(w, m->tags[i].slug));
		put64(w, at + 8, put_str(w, m->tags[i].name));
		put64(w, at + 16, m->tags[i].id);
	}
	for (i = 0; i < m->nseries; i++) {
		size_t at = w->L.series + i * SERIES_LEN;

		put64(w, at, put_str(w, m->series[i].slug));
		put64(w, at + 8, put_str(w, m->series[i].title));
		put64(w, at + 16, put_str(w, m->series[i].description));
	}
}

/* n words of p into the arrays region. */
static void
put_words(struct wr *w, const void *p, size_t n)
{
	put_bytes(w, w->L.arrays + w->aat, p, n * 8);
	w->aat += n * 8;
}

static void
put_video(struct wr *w, const struct video *v, size_t at)
{
	size_t i;
	char guid[GUID_FIELD] = { 0 };

	memcpy(guid, v->guid, sizeof(v->guid));
	put_bytes(w, at, guid, GUID_FIELD);
	put64(w, at + V_TITLE, put_str(w, v->title));
	put64(w, at + V_DESC, put_str(w, v->description));
	put64(w, at + V_THUMB, put_shared(w, v->thumbnail, &w->thumb, &w->thumb_at));
	put64(w, at + V_CDN, put_shared(w, v->cdn_host, &w->cdn, &w->cdn_at));
	put64(w, at + V_LENGTH, (uint64_t)v->length);
	put64(w, at + V_WIDTH, (uint64_t)v->width);
	put64(w, at + V_HEIGHT, (uint64_t)v->height);
	put64(w, at + V_VIEWS, (uint64_t)v->views);
	put64(w, at + V_UPLOADED, (uint64_t)v->uploaded);
	put64(w, at + V_CHANGED, (uint64_t)v->changed);
	put64(w, at + V_SERIES, (uint64_t)(int64_t)v->series);
	puti32(w, at + V_ACCESS, (int32_t)v->access);
	puti32(w, at + V_FEATURED, v->featured);
	puti32(w, at + V_SEASON, v->season);
	puti32(w, at + V_EPISODE, v->episode);
	put32(w, at + V_NCATS, (uint32_t)v->ncategories);
	put32(w, at + V_NTAGS, (uint32_t)v->ntags);
	put32(w, at + V_NCAPTIONS, (uint32_t)v->ncaptions);
	put32(w, at + V_NCHAPTERS, (uint32_t)v->nchapters);
	put64(w, at + V_TEXTS, model_texts(v));
	put_words(w, v->categories, v->ncategories);
	put_words(w, v->tags, v->ntags);
	for (i = 0; i < v->ncaptions; i++) {
		uint64_t rec[2];

		rec[0] = put_str(w, v->captions[i].srclang);
		rec[1] = put_str(w, v->captions[i].label);
		put_words(w, rec, 2);
	}
	for (i = 0; i < v->nchapters; i++) {
		uint64_t rec[2];

		rec[0] = put_str(w, v->chapters[i].title);
		memcpy((char *)rec + 8, &v->chapters[i].start, 4);
		memcpy((char *)rec + 12, &v->chapters[i].end, 4);
		put_words(w, rec, 2);
	}
}

static void
put_rows(struct wr *w, const struct model_image_meta *meta)
{
	size_t i;

	for (i = 0; i < meta->nrows; i++) {
		const struct model_image_row *r = &meta->rows[i];
		char rec[ROW_LEN] = { 0 };	/* flags a byte, then 3 zero bytes */

		memcpy(rec, r->guid, sizeof(r->guid));
		memcpy(rec + R_PRINT, &r->print, 8);
		memcpy(rec + R_REFS, &r->refs, 8);
		memcpy(rec + R_VIDEO, &r->video, 4);
		rec[R_FLAGS] = (char)r->flags;
		put_bytes(w, w->L.rows + i * ROW_LEN, rec, ROW_LEN);
	}
}

/* The walk over the model. */
static void
put_model(struct wr *w, const struct model *m, const struct model_image_meta *meta)
{
	size_t i;

	w->sat = 1;	/* "" */
	w->aat = 0;
	w->thumb = w->cdn = NULL;
	put_site(w, m, meta);
	for (i = 0; i < m->nvideos; i++) {
		/* after a merge, each text a miss: asked for early (the
		 * thumbnail's name too, compared with the last one's) */
		if (i + MODEL_TEXTS_AHEAD < m->nvideos) {
			const struct video *a = &m->videos[i + MODEL_TEXTS_AHEAD];

			__builtin_prefetch(a->title);
			__builtin_prefetch(a->description);
			__builtin_prefetch(a->thumbnail);
		}
		put_video(w, &m->videos[i], w->L.videos + i * VREC_LEN);
	}
	put_rows(w, meta);
}

static void
put_header(struct wr *w, const struct model *m, const struct model_image_meta *meta)
{
	memcpy(w->head, MAGIC, sizeof(MAGIC));
	put64(w, H_VERSION, VERSION);
	put64(w, H_KEY, meta->key);
	put64(w, H_SIZE, w->L.size);
	put64(w, H_NVIDEOS, m->nvideos);
	put64(w, H_NROWS, meta->nrows);
	put64(w, H_NCATS, m->ncategories);
	put64(w, H_NTAGS, m->ntags);
	put64(w, H_NSERIES, m->nseries);
	put64(w, H_ARRAYS, w->L.strings - w->L.arrays);
	put64(w, H_STRINGS, w->L.size - w->L.strings);
	put64(w, H_COLLECTIONS, meta->collections);
	puti32(w, H_HTML_URLS, m->site.html_urls);
	puti32(w, H_PAGE_SIZE, m->site.page_size);
	puti32(w, H_ACCESS, (int32_t)m->site.default_access);
	put32(w, H_ACCESS + 4, 0);
}

/*
 * The counts the file holds in 32 bits fit them; *arrays, the arrays
 * region's length (put_video's put_words: 8 bytes an index, 16 a caption
 * or chapter record).  0, or -1.
 */
static int
counts_fit(const struct model *m, uint64_t *arrays)
{
	uint64_t words = 0;
	size_t i;

	if (m->nvideos >= MODEL_IMAGE_NONE)
		return -1;
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];

		if (v->ncategories > UINT32_MAX || v->ntags > UINT32_MAX ||
		    v->ncaptions > UINT32_MAX || v->nchapters > UINT32_MAX)
			return -1;
		/* each below 2^32: the sum of 100 000 000 of them fits 64 bits */
		words += (uint64_t)v->ncategories + v->ntags + 2 * ((uint64_t)v->ncaptions +
		    v->nchapters);
	}
	if (words > ARENA_MAX / 8)
		return -1;
	*arrays = words * 8;
	return 0;
}

/*
 * The walk into fd: the windows opened, the walk, the strings region's
 * length known (the file's size: EFBIG past ARENA_MAX), the windows
 * flushed, then the header with the checksum.  0, or -1 with errno.
 */
static int
write_walk(struct wr *w, int fd, const struct model *m, const struct model_image_meta *meta)
{
	struct file_window *sk[3] = { &w->rec, &w->arr, &w->str };
	size_t from[3] = { HEAD, w->L.arrays, w->L.strings };
	size_t to[3] = { w->L.arrays, w->L.strings, 0 };
	uint64_t sums[4];
	char *bufs;
	size_t i, at = w->L.strings;

	if ((bufs = calloc(3, FILE_WINDOW_CAP)) == NULL)
		return -1;
	w->fd = fd;
	for (i = 0; i < 3; i++)
		file_window_begin(sk[i], fd, &w->err, bufs + i * FILE_WINDOW_CAP, from[i]);
	put_model(w, m, meta);
	if (w->aat != w->L.strings - w->L.arrays && w->err == 0)
		w->err = EINVAL;	/* the arrays were not as counted */
	if (region(&at, (w->sat + 7) & ~(uint64_t)7, 1) != 0 && w->err == 0)
		w->err = EFBIG;
	to[2] = w->L.size = at;
	put_header(w, m, meta);
	sums[0] = h64(0, w->head + SUMMED_FROM, HEAD - SUMMED_FROM);
	for (i = 0; i < 3; i++) {
		file_window_flush(sk[i], to[i]);
		sums[i + 1] = h64_sum_end(&sk[i]->h);
	}
	put64(w, H_SUM, h64(0, sums, sizeof(sums)));
	file_write_at(fd, &w->err, w->head, HEAD, 0);
	free(bufs);
	if (w->err != 0) {
		errno = w->err;
		return -1;
	}
	return 0;
}

/*
 * The record of where the rows were read, beside the image at path (whose
 * checksum is image_sum), after it: or none, when meta has no position or
 * the record cannot be written (the next build then compares every row).
 */
static void
put_at(const char *path, const struct model_image_meta *meta, uint64_t image_sum)
{
	struct model_image_at at = meta->at;
	char at_path[4200], err[256];

	if ((size_t)snprintf(at_path, sizeof(at_path), "%s" MODEL_IMAGE_AT_SUFFIX, path) >=
	    sizeof(at_path))
		return;
	at.image_sum = image_sum;
	if (at.pos.seq == 0 || model_image_at_write(at_path, &at, err, sizeof(err)) != 0)
		(void)unlink(at_path);
}

int
model_image_write(const char *path, const struct model *m, const struct model_image_meta *meta,
    char *err, size_t errlen)
{
	struct wr w;
	unsigned char *seen;
	const char *why = NULL;
	char tmp[4200];
	uint64_t arrays;
	int fd, rc, saved;

	if (counts_fit(m, &arrays) != 0) {
		snprintf(err, errlen, "%s: the model is too large for an image", path);
		return -1;
	}
	if ((seen = calloc(m->nvideos + 1, 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = rows_fit(meta->rows, meta->nrows, m->videos, m->nvideos, seen, &why);
	free(seen);
	if (rc != 0) {
		snprintf(err, errlen, "%s: the rows do not fit the model: %s", path, why);
		return -1;
	}
	memset(&w, 0, sizeof(w));
	/* the strings region's length: known once it is written (write_walk) */
	if (layout_of(&w.L, m->nvideos, meta->nrows, m->ncategories, m->ntags, m->nseries,
	    arrays, 0) != 0) {
		snprintf(err, errlen, "%s: the image would pass %zu bytes", path, ARENA_MAX);
		return -1;
	}
	/* path.tmp put in place of path (file_replace.h): a reader sees the old
	 * image or the new one */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	rc = write_walk(&w, fd, m, meta);
	saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && file_replace(tmp, path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		if (saved == EFBIG)
			snprintf(err, errlen, "%s: the image would pass %zu bytes", path, ARENA_MAX);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return rc;
	}
	put_at(path, meta, get64(w.head + H_SUM));
	return 0;
}

/* ---- reading ---- */

/* Reading the checked file b: its layout and what went wrong. */
struct rd {
	char		*b;
	struct layout	 L;
	size_t		 nstrings;	/* bytes of the strings region */
	size_t		 narrays;
	size_t		 aat;		/* the next video's arrays */
	int		 oom;
};

/* The string whose offset is at b[at], or NULL when it is outside the region. */
static char *
str_at(const struct rd *r, size_t at)
{
	uint64_t off = get64(r->b + at);

	return off < r->nstrings ? r->b + r->L.strings + off : NULL;
}

/* A malloc'd copy of the string at b[at] into *out: 0, or -1 (r->oom when memory ran out). */
static int
dup_at(struct rd *r, size_t at, char **out)
{
	const char *s = str_at(r, at);

	if (s == NULL)
		return -1;
	if ((*out = strdup(s)) == NULL)
		return r->oom = 1, -1;
	return 0;
}

static int
read_site(struct rd *r, struct model *m)
{
	struct site_config *s = &m->site;
	char **str[8] = { &s->title, &s->description, &s->base_url, &s->language,
		&s->cdn_host, &s->theme, &s->author, &s->purchase_url };
	int32_t access = geti32(r->b + H_ACCESS);
	size_t i;

	for (i = 0; i < 8; i++)
		if (dup_at(r, r->L.site + 8 * i, str[i]) != 0)
			return -1;
	if (access < ACCESS_PUBLIC || access > ACCESS_PPV)
		return -1;
	s->default_access = (enum access_level)access;
	s->html_urls = geti32(r->b + H_HTML_URLS);
	s->page_size = geti32(r->b + H_PAGE_SIZE);
	memcpy(m->digest, r->b + r->L.digest, sizeof(m->digest));
	return m->digest[sizeof(m->digest) - 1] == '\0' ? 0 : -1;
}

static int
read_lists(struct rd *r, struct model *m, size_t ncats, size_t ntags, size_t nseries)
{
	size_t i;

	if ((ncats > 0 && (m->categories = calloc(ncats, sizeof(*m->categories))) == NULL) ||
	    (ntags > 0 && (m->tags = calloc(ntags, sizeof(*m->tags))) == NULL) ||
	    (nseries > 0 && (m->series = calloc(nseries, sizeof(*m->series))) == NULL))
		return r->oom = 1, -1;
	/* counted now: model_free() frees what a failure leaves half filled */
	m->ncategories = ncats;
	m->ntags = ntags;
	m->nseries = nseries;
	for (i = 0; i < ncats; i++) {
		struct category *c = &m->categories[i];
		size_t at = r->L.cats + i * CAT_LEN;
		int64_t order = (int64_t)get64(r->b + at + 40);

		if (dup_at(r, at, &c->slug) != 0 || dup_at(r, at + 8, &c->name) != 0 ||
		    dup_at(r, at + 16, &c->colour) != 0 || dup_at(r, at + 24, &c->icon) != 0 ||
		    dup_at(r, at + 32, &c->description) != 0 || order < INT_MIN || order > INT_MAX)
			return -1;
		c->order = (int)order;
	}
	for (i = 0; i < ntags; i++) {
		size_t at = r->L.tags + i * TAG_LEN;

		if (dup_at(r, at, &m->tags[i].slug) != 0 || dup_at(r, at + 8, &m->tags[i].name) != 0)
			return -1;
		m->tags[i].id = get64(r->b + at + 16);
	}
	for (i = 0; i < nseries; i++) {
		struct series *s = &m->series[i];
		size_t at = r->L.series + i * SERIES_LEN;

		if (dup_at(r, at, &s->slug) != 0 || dup_at(r, at + 8, &s->title) != 0 ||
		    dup_at(r, at + 16, &s->description) != 0)
			return -1;
	}
	return 0;
}

/* The next n words of the arrays region, or NULL when they pass its end. */
static char *
take_words(struct rd *r, uint64_t n)
{
	char *p = r->b + r->L.arrays + r->aat;

	/* n < 2^33 (two words per caption or chapter, counts of 32 bits) */
	if (n * 8 > r->narrays - r->aat)
		return NULL;
	r->aat += n * 8;
	return p;
}

/* The index array of n words at p (NULL when n is 0), each below limit. */
static int
indices(char *p, size_t n, size_t limit, size_t **out)
{
	size_t i, *idx = (size_t *)(void *)p;

	*out = NULL;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (idx[i] >= limit)
			return -1;
	*out = idx;
	return 0;
}

static int
read_video(struct rd *r, const struct model *m, size_t at, struct video *v)
{
	const char *rec = r->b + at;
	int64_t series = (int64_t)get64(rec + V_SERIES);
	int32_t access = geti32(rec + V_ACCESS);
	uint32_t ncats = get32(rec + V_NCATS), ntags = get32(rec + V_NTAGS);
	uint32_t ncap = get32(rec + V_NCAPTIONS), nch = get32(rec + V_NCHAPTERS);
	char *pc, *pt, *pcap, *pch;
	size_t i;

	memcpy(v->guid, rec, sizeof(v->guid));
	v->title = str_at(r, at + V_TITLE);
	v->description = str_at(r, at + V_DESC);
	v->thumbnail = str_at(r, at + V_THUMB);
	v->cdn_host = str_at(r, at + V_CDN);
	if (v->guid[GUID_LEN] != '\0' || v->title == NULL || v->description == NULL ||
	    v->thumbnail == NULL || v->cdn_host == NULL ||
	    series < -1 || (series >= 0 && (uint64_t)series >= m->nseries) ||
	    access < ACCESS_PUBLIC || access > ACCESS_PPV)
		return -1;
	v->length = (int64_t)get64(rec + V_LENGTH);
	v->width = (int64_t)get64(rec + V_WIDTH);
	v->height = (int64_t)get64(rec + V_HEIGHT);
	v->views = (int64_t)get64(rec + V_VIEWS);
	v->uploaded = (int64_t)get64(rec + V_UPLOADED);
	v->changed = (int64_t)get64(rec + V_CHANGED);
	v->series = (long)series;
	v->access = (enum access_level)access;
	v->featured = geti32(rec + V_FEATURED);
	v->season = geti32(rec + V_SEASON);
	v->episode = geti32(rec + V_EPISODE);
	v->texts = get64(rec + V_TEXTS);	/* 0 (not known) is summed when used */
	if ((pc = take_words(r, ncats)) == NULL || (pt = take_words(r, ntags)) == NULL ||
	    (pcap = take_words(r, 2 * (uint64_t)ncap)) == NULL ||
	    (pch = take_words(r, 2 * (uint64_t)nch)) == NULL ||
	    indices(pc, ncats, m->ncategories, &v->categories) != 0 ||
	    indices(pt, ntags, m->ntags, &v->tags) != 0)
		return -1;
	v->ncategories = ncats;
	v->ntags = ntags;
	/* the records become structs in place: offsets read, pointers written */
	v->captions = ncap > 0 ? (struct caption *)(void *)pcap : NULL;
	for (i = 0; i < ncap; i++) {
		char *srclang = str_at(r, (size_t)(pcap - r->b) + 16 * i);
		char *label = str_at(r, (size_t)(pcap - r->b) + 16 * i + 8);

		if (srclang == NULL || label == NULL)
			return -1;
		v->captions[i].srclang = srclang;
		v->captions[i].label = label;
	}
	v->ncaptions = ncap;
	v->chapters = nch > 0 ? (struct chapter *)(void *)pch : NULL;
	for (i = 0; i < nch; i++) {
		/* start and end are already where struct chapter has them */
		if ((v->chapters[i].title = str_at(r, (size_t)(pch - r->b) + 16 * i)) == NULL)
			return -1;
	}
	v->nchapters = nch;
	return 0;
}

static int
read_rows(struct rd *r, const struct model *m, struct model_image_meta *meta, size_t nrows)
{
	unsigned char *seen;
	const char *why;
	size_t i;
	int rc;

	/* the records are the structs (asserted above): used where they are, in
	 * the image's bytes (6.4 MB of fresh memory and a copy fewer at 100 000
	 * videos); the 3 bytes after flags are 0 */
	meta->rows = nrows > 0 ? (struct model_image_row *)(void *)(r->b + r->L.rows) : NULL;
	meta->rows_in_image = 1;
	meta->nrows = nrows;
	for (i = 0; i < nrows; i++)
		if (memcmp(r->b + r->L.rows + i * ROW_LEN + R_FLAGS + 1, "\0\0\0", 3) != 0)
			return -1;
	if ((seen = calloc(m->nvideos + 1, 1)) == NULL)
		return r->oom = 1, -1;
	rc = rows_fit(meta->rows, nrows, NULL, m->nvideos, seen, &why);
	free(seen);
	return rc;
}

/* The layout the header's counts give, when it is len bytes long: 0, else -1. */
static int
head_layout(const char *b, size_t len, struct layout *L)
{
	if (len < HEAD || layout_of(L, get64(b + H_NVIDEOS), get64(b + H_NROWS), get64(b + H_NCATS),
	    get64(b + H_NTAGS), get64(b + H_NSERIES), get64(b + H_ARRAYS),
	    get64(b + H_STRINGS)) != 0 || L->size != len)
		return -1;
	return 0;
}

/* One region's h64_sum, on a thread of its own (image_sum). */
struct region_sum {
	const char	*p;
	size_t		 n;
	uint64_t	 sum;
};

static int
region_sum_task(void *arg, char *err, size_t errlen)
{
	struct region_sum *r = arg;

	(void)err;
	(void)errlen;
	r->sum = h64_sum(0, r->p, r->n);
	return 0;
}

/*
 * The checksum: h64 of the header's bytes from SUMMED_FROM and of the
 * h64_sums of the records, the arrays and the strings (the writer sums the
 * three regions as it streams them, side by side).
 *
 * The strings (23 MB of the 50 at 100 000 videos, the records 22) are
 * summed on a thread of their own beside the rest: the sum is each byte's
 * first touch of the mapping, ~0.7 ms a MB on a machine whose page faults
 * are dear, and it is the longest step of a one-video rebuild's load, on
 * its main thread, while the second core is mostly idle
 * (docs/benchmarks.md, issue 15).  The regions' sums are independent:
 * the checksum is the same either way.
 */
static uint64_t
image_sum(const char *b, const struct layout *L)
{
	struct region_sum strings = { b + L->strings, L->size - L->strings, 0 };
	struct pool_bg bg;
	uint64_t sums[4];

	memset(&bg, 0, sizeof(bg));
	if (strings.n >= IMAGE_SUM_SPLIT)
		pool_bg_start(&bg, region_sum_task, &strings);
	else
		(void)region_sum_task(&strings, NULL, 0);
	sums[0] = h64(0, b + SUMMED_FROM, HEAD - SUMMED_FROM);
	sums[1] = h64_sum(0, b + HEAD, L->arrays - HEAD);
	sums[2] = h64_sum(0, b + L->arrays, L->strings - L->arrays);
	(void)pool_bg_join(&bg, NULL, 0);
	sums[3] = strings.sum;
	return h64(0, sums, sizeof(sums));
}

uint64_t
model_image_sum(const void *img, size_t len)
{
	struct layout L;

	return head_layout(img, len, &L) == 0 ? image_sum(img, &L) : 0;
}

/*
 * The image of len bytes at b, already in m->mem (m otherwise zeroed),
 * checked and read into m and meta: 1, 0 not usable, -1 out of memory.
 */
static int
parse_in_place(char *b, size_t len, uint64_t key, struct model *m,
    struct model_image_meta *meta)
{
	struct rd r;
	uint64_t nvideos, nrows, ncats, ntags, nseries, arrays, strings;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.b = b;
	if (len < HEAD || memcmp(b, MAGIC, sizeof(MAGIC)) != 0 || get64(b + H_VERSION) != VERSION ||
	    get64(b + H_KEY) != key || get64(b + H_SIZE) != len || head_layout(b, len, &r.L) != 0 ||
	    get64(b + H_SUM) != image_sum(b, &r.L))
		goto fail;
	nvideos = get64(b + H_NVIDEOS);
	nrows = get64(b + H_NROWS);
	ncats = get64(b + H_NCATS);
	ntags = get64(b + H_NTAGS);
	nseries = get64(b + H_NSERIES);
	arrays = get64(b + H_ARRAYS);
	strings = get64(b + H_STRINGS);
	if (nvideos >= MODEL_IMAGE_NONE || strings == 0 || b[len - 1] != '\0' || arrays % 8 != 0)
		goto fail;
	r.nstrings = (size_t)strings;
	r.narrays = (size_t)arrays;
	meta->key = key;
	meta->collections = get64(b + H_COLLECTIONS);
	if (read_site(&r, m) != 0 || dup_at(&r, r.L.site + 8 * 8, &meta->warnings) != 0 ||
	    read_lists(&r, m, ncats, ntags, nseries) != 0)
		goto fail;
	/* read_video() sets every field; 20 MB of fresh memory at 100 000: huge pages */
	if (nvideos > 0 && (m->videos = malloc(nvideos * sizeof(*m->videos))) == NULL) {
		r.oom = 1;
		goto fail;
	}
	huge_pages_hint(m->videos, nvideos * sizeof(*m->videos));
	m->nvideos = nvideos;
	for (i = 0; i < nvideos; i++)
		if (read_video(&r, m, r.L.videos + i * VREC_LEN, &m->videos[i]) != 0)
			goto fail;
	if (r.aat != r.narrays || read_rows(&r, m, meta, nrows) != 0)
		goto fail;
	return 1;
fail:
	model_free(m);
	model_image_meta_free(meta);
	memset(meta, 0, sizeof(*meta));
	return r.oom ? -1 : 0;
}

int
model_image_parse(const void *data, size_t len, uint64_t key, struct model *m,
    struct model_image_meta *meta, char *err, size_t errlen)
{
	char *b;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(meta, 0, sizeof(*meta));
	if (len < HEAD || len > ARENA_MAX)
		return 0;
	if ((b = arena_take(&m->mem, len)) == NULL) {
		snprintf(err, errlen, "model image: out of memory");
		return -1;
	}
	memcpy(b, data, len);
	if ((rc = parse_in_place(b, len, key, m, meta)) == -1)
		snprintf(err, errlen, "model image: out of memory");
	return rc;
}

int
model_image_peek(int fd, struct model_image_peek *pk)
{
	struct stat st;
	struct layout L;
	char head[HEAD];
	const struct model_image_row *rows;
	size_t n, k;

	memset(pk, 0, sizeof(*pk));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEAD ||
	    (uintmax_t)st.st_size > ARENA_MAX || pread(fd, head, HEAD, 0) != HEAD ||
	    memcmp(head, MAGIC, sizeof(MAGIC)) != 0 || get64(head + H_VERSION) != VERSION ||
	    get64(head + H_SIZE) != (uint64_t)st.st_size ||
	    head_layout(head, (size_t)st.st_size, &L) != 0)
		return 0;
	n = (size_t)get64(head + H_NROWS);
	pk->key = get64(head + H_KEY);
	pk->collections = get64(head + H_COLLECTIONS);
	pk->sum = get64(head + H_SUM);
	if (n == 0)
		return 1;	/* no rows, nothing mapped */
	/*
	 * The rows where the file has them: mapped from the page they start
	 * on, read only, their page tables filled at once (a pread into a
	 * new block was a copy and a fault per page: ~40 ms of every build
	 * at 100 000 videos).  A row whose guid is not NUL-terminated is no
	 * image: the rows are not written to.  The layout put them inside
	 * the file's size.
	 */
	if (file_map_fd(fd, L.rows, n * ROW_LEN, FILE_MAP_PREFAULT, &pk->map) == -1) {
		memset(pk, 0, sizeof(*pk));
		return 0;
	}
	rows = pk->map.data;
	for (k = 0; k < n; k++)
		if (rows[k].guid[GUID_LEN] != '\0') {
			model_image_peek_free(pk);
			return 0;
		}
	pk->rows = rows;
	pk->nrows = n;
	return 1;
}

void
model_image_peek_free(struct model_image_peek *pk)
{
	file_map_free(&pk->map);
	memset(pk, 0, sizeof(*pk));
}

int
model_image_read_fd(int fd, const char *path, uint64_t key, struct model *m,
    struct model_image_meta *meta, char *err, size_t errlen)
{
	struct stat st;
	size_t len;
	char *b;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(meta, 0, sizeof(*meta));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEAD ||
	    (uintmax_t)st.st_size > ARENA_MAX)
		return 0;
	len = (size_t)st.st_size;
	/*
	 * Mapped privately: the page cache's own pages, neither zeroed nor
	 * copied (read() into a new block was both, ~0.1 s of a one-video
	 * rebuild at 100 000 videos on a machine whose page faults are slow:
	 * docs/benchmarks.md).  Writable, since the caption and chapter
	 * records are relocated in place: only the pages written are copied.
	 * A file that cannot be mapped is no image: the build merges.  The
	 * image is replaced only by rename (model_image_write), so it is
	 * never shortened under the model that points into it; model_free()
	 * unmaps it.
	 */
	if (file_map_fd(fd, 0, len, FILE_MAP_WRITE | FILE_MAP_PREFAULT, &m->image) == -1)
		return 0;
	b = m->image.data;
	if ((rc = parse_in_place(b, len, key, m, meta)) == -1)
		snprintf(err, errlen, "%s: out of memory", path);
	return rc;
}

int
model_image_read(const char *path, uint64_t key, struct model *m,
    struct model_image_meta *meta, char *err, size_t errlen)
{
	int fd, rc;

	memset(m, 0, sizeof(*m));
	memset(meta, 0, sizeof(*meta));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = model_image_read_fd(fd, path, key, m, meta, err, errlen);
	close(fd);
	return rc;
}

uint64_t
model_image_row_term(const struct model_image_row *row)
{
	return h64_int(h64(0x6d6f64656c2d7277ULL, row->guid, strnlen(row->guid, sizeof(row->guid))),
	    (int64_t)row->print);
}

uint64_t
model_image_rows_sum(const struct model_image_meta *meta)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < meta->nrows; i++)
		sum += model_image_row_term(&meta->rows[i]);
	return sum;
}

uint64_t
model_image_id_of(const struct model_image_meta *meta, uint64_t rows_sum)
{
	uint64_t h;

	if (meta->key == 0)
		return 0;
	h = h64_int(h64_int(h64_int(h64_int(0x6d6f64656c2d6964ULL, (int64_t)meta->key),
	    (int64_t)meta->collections), (int64_t)meta->nrows), (int64_t)rows_sum);
	return h != 0 ? h : 1;
}

uint64_t
model_image_id(const struct model_image_meta *meta)
{
	return model_image_id_of(meta, model_image_rows_sum(meta));
}

void
model_image_meta_free(struct model_image_meta *meta)
{
	if (meta == NULL)
		return;
	if (!meta->rows_in_image)
		free(meta->rows);
	free(meta->warnings);
	memset(meta, 0, sizeof(*meta));
}
