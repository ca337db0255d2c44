/*
 * test_model_image.c — the model image (model_image.h): a model merged
 * through the real path (content_load + catalog rows + model_merge) with
 * categories, tags, a series, captions, chapters, an empty description and
 * a video without tags, written and read back field for field; and every
 * way an image is not usable (another key, missing, each truncation, each
 * flipped byte, each byte changed behind a fixed checksum) giving 0 and a
 * zeroed model, never a crash.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "catalog_fixture.h"
#include "content.h"
#include "hash64.h"
#include "model_image.h"
#include "model_same.h"
#include "model_merge.h"

#define G(n)	"00000000-0000-4000-8000-00000000000" #n
#define COLL	"c0000000-0000-4000-8000-000000000001"
#define KEY	0x1234abcdULL
/* The header's checksum is at 40 and covers the bytes from 48 (model_image.c). */
#define SUM_AT	40
#define SUMMED	48


static void
row(struct catalog_rows *r, struct catalog_video_row *v, const char *guid, int published,
    int64_t uploaded, const char *title, const char *desc, const char *collection,
    const char *keywords)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->guid, sizeof(v->guid), "%s", guid);
	v->title = fixture_rows_dup(r, title);
	v->description = fixture_rows_dup(r, desc);
	v->thumbnail = fixture_rows_dup(r, uploaded % 2 ? "thumbnail_3.jpg" : "");
	v->cdn_host = fixture_rows_dup(r, uploaded == 300 ? "stored.example:8443" : "");
	v->collection = fixture_rows_dup(r, collection);
	v->meta_tags = fixture_rows_dup(r, keywords);
	v->published = published;
	v->uploaded = uploaded;
	v->changed = uploaded + 7;
	v->length = 60 + uploaded;
	v->width = 1920;
	v->height = 1080;
	v->views = uploaded * 3;
}

static void
make_rows(struct catalog_rows *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->digest, sizeof(r->digest), "%064d", 7);
	r->nvideos = 6;
	if ((r->videos = calloc(r->nvideos, sizeof(*r->videos))) == NULL ||
	    (r->collections = calloc(1, sizeof(*r->collections))) == NULL)
		exit(1);
	row(r, &r->videos[0], G(1), 1, 101, "one", "desc of one", COLL, "Night Life, night-life,C++");
	row(r, &r->videos[1], G(2), 1, 300, "two", "desc of two", "", "");
	row(r, &r->videos[2], G(3), 0, 900, "unpublished", "x", "", "");
	row(r, &r->videos[3], G(4), 1, 300, "four, no tags", "", "", "");
	row(r, &r->videos[4], G(5), 1, 500, "hidden by its entry", "y", "", "");
	row(r, &r->videos[5], G(6), 1, 200, "six", "six's", COLL, "solo");
	if ((r->videos[0].captions = arena_alloc(&r->mem, 2 * sizeof(struct caption))) == NULL ||
	    (r->videos[0].chapters = arena_alloc(&r->mem, 2 * sizeof(struct chapter))) == NULL)
		exit(1);
	r->videos[0].captions[0].srclang = fixture_rows_dup(r, "en");
	r->videos[0].captions[0].label = fixture_rows_dup(r, "English");
	r->videos[0].captions[1].srclang = fixture_rows_dup(r, "fr");
	r->videos[0].captions[1].label = fixture_rows_dup(r, "Français");
	r->videos[0].ncaptions = 2;
	r->videos[0].chapters[0].title = fixture_rows_dup(r, "Intro");
	r->videos[0].chapters[0].end = 30;
	r->videos[0].chapters[1].title = fixture_rows_dup(r, "");
	r->videos[0].chapters[1].start = 30;
	r->videos[0].chapters[1].end = -1;
	r->videos[0].nchapters = 2;
	snprintf(r->collections[0].guid, sizeof(r->collections[0].guid), "%s", COLL);
	r->collections[0].name = fixture_rows_dup(r, "Art");
	r->ncollections = 1;
}

static int
merge(struct model *m, const char *dir, struct catalog_rows *rows, char *err, size_t errlen)
{
	struct model_opts o = { NULL, NULL, NULL, 0 };
	struct content c;
	int rc;

	if (content_load(&c, dir, NULL, err, errlen) != 0)
		return -1;
	rc = model_merge(m, &c, rows, &o, err, errlen);
	content_free(&c);
	return rc;
}

/* The rows as the lead's build would keep them: guid order, their videos found. */
static void
make_meta(struct model_image_meta *meta, const struct catalog_rows *rows, const struct model *m)
{
	size_t i, k;

	memset(meta, 0, sizeof(*meta));
	meta->key = KEY;
	meta->collections = 0xc011ec7105ULL;
	if ((meta->warnings = strdup("Wvideos/a.json:3:5: a warning\nNa note\n")) == NULL)
		exit(1);
	meta->nrows = rows->nvideos;
	if ((meta->rows = calloc(meta->nrows, sizeof(*meta->rows))) == NULL)
		exit(1);
	for (i = 0; i < rows->nvideos; i++) {
		struct model_image_row *r = &meta->rows[i];

		memcpy(r->guid, rows->videos[i].guid, sizeof(r->guid));
		r->print = 0x9000 + i;
		r->refs = (uint64_t)-1 - i;
		r->video = MODEL_IMAGE_NONE;
		r->flags = i == 4 ? MODEL_IMAGE_HIDDEN : i == 1 ? MODEL_IMAGE_TITLE_ENTRY : 0;
		for (k = 0; k < m->nvideos; k++)
			if (strcmp(m->videos[k].guid, r->guid) == 0)
				r->video = (uint32_t)k;
	}
}

/* ---- deep comparison: model_same.h ---- */

static int
meta_equal(const struct model_image_meta *a, const struct model_image_meta *b)
{
	size_t i;

	if (a->key != b->key || a->collections != b->collections || a->nrows != b->nrows ||
	    (a->warnings == NULL ? "" : a->warnings)[0] != (b->warnings == NULL ? "" : b->warnings)[0] ||
	    strcmp(a->warnings == NULL ? "" : a->warnings, b->warnings == NULL ? "" : b->warnings) != 0)
		return 0;
	for (i = 0; i < a->nrows; i++)
		if (memcmp(a->rows[i].guid, b->rows[i].guid, sizeof(a->rows[i].guid)) != 0 ||
		    a->rows[i].print != b->rows[i].print || a->rows[i].refs != b->rows[i].refs ||
		    a->rows[i].video != b->rows[i].video || a->rows[i].flags != b->rows[i].flags)
			return 0;
	return 1;
}

static int
zeroed(const struct model *m, const struct model_image_meta *meta)
{
	static const struct model zm;
	static const struct model_image_meta zmeta;

	return memcmp(m, &zm, sizeof(zm)) == 0 && memcmp(meta, &zmeta, sizeof(zmeta)) == 0;
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf b;

	buf_init(&b, BUF_MAX_DEFAULT);
	if (buf_read_file(&b, path) != 0)
		exit(1);
	*len = b.len;
	return buf_take(&b);
}

/* ---- the tests ---- */

/* model_image_peek on the image at path, written with meta: 1 and its rows, or 0. */
static int
peek_at(const char *path, struct model_image_peek *pk)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = model_image_peek(fd, pk);
	close(fd);	/* the mapping outlives the descriptor */
	return rc;
}

/*
 * The peek: the key, collections and rows the image was written with,
 * from the mapped file; a guid without its NUL is no image; the rows are
 * not written to.
 */
static void
test_peek(const char *image, const struct model_image_meta *meta)
{
	struct model_image_peek pk;
	char bad[1100];
	size_t i, same = 0, len, n, at;
	char *img = slurp(image, &len), *after, *g;
	FILE *f;

	CHECK(peek_at(image, &pk) == 1 && pk.key == KEY && pk.collections == meta->collections &&
	    pk.nrows == meta->nrows && pk.map.base != NULL, "peek: key, collections and %zu rows",
	    meta->nrows);
	for (i = 0; i < pk.nrows && i < meta->nrows; i++)
		same += strcmp(pk.rows[i].guid, meta->rows[i].guid) == 0 &&
		    pk.rows[i].print == meta->rows[i].print && pk.rows[i].refs == meta->rows[i].refs &&
		    pk.rows[i].video == meta->rows[i].video && pk.rows[i].flags == meta->rows[i].flags;
	CHECK(same == meta->nrows && same > 0, "peek: every row as written (%zu of %zu)", same,
	    meta->nrows);
	model_image_peek_free(&pk);
	CHECK(pk.map.base == NULL && pk.rows == NULL && pk.nrows == 0, "peek freed: zeroed");
	after = slurp(image, &n);
	CHECK(n == len && memcmp(img, after, len) == 0, "peek changes nothing in the file");
	free(after);

	/* the last row's guid ends the file's last copy of it: its NUL made a digit */
	g = meta->rows[meta->nrows - 1].guid;
	for (at = len - GUID_LEN; at > 0 && memcmp(img + at, g, GUID_LEN + 1) != 0; at--)
		;
	snprintf(bad, sizeof(bad), "%s.nonul", image);
	if (at > 0)
		img[at + GUID_LEN] = '7';
	CHECK(at > 0 && (f = fopen(bad, "wb")) != NULL && fwrite(img, 1, len, f) == len &&
	    fclose(f) == 0 && peek_at(bad, &pk) == 0 && pk.map.base == NULL && pk.nrows == 0,
	    "a row's guid without its NUL: no image, zeroed (at %zu)", at);
	free(img);
}

static void
test_round_trip(const char *dir, const char *image)
{
	struct catalog_rows rows;
	struct model m, back;
	struct model_image_meta meta, mback;
	char whyb[256] = "";
	char err[512] = "";
	int rc;
	size_t i, tagless = 0, nodesc = 0;

	make_rows(&rows);
	CHECK(merge(&m, dir, &rows, err, sizeof(err)) == 0, "merges (%s)", err);
	CHECK(m.nvideos == 4 && m.ntags >= 3 && m.nseries == 1 && m.ncategories == 5,
	    "the fixture has videos, tags, a series and categories (%zu %zu %zu %zu)",
	    m.nvideos, m.ntags, m.nseries, m.ncategories);
	for (i = 0; i < m.nvideos; i++) {
		tagless += m.videos[i].ntags == 0;
		nodesc += m.videos[i].description[0] == '\0';
	}
	CHECK(tagless > 0 && nodesc > 0, "a video without tags, one with an empty description");
	make_meta(&meta, &rows, &m);
	/* where the rows were read: beside the image, not in it */
	{
		struct model_image_at at;
		struct model_image_peek pk;
		char other[1100], rec[1200], *x, *y;
		size_t nx = 0, ny = 0;
		int fd;

		snprintf(other, sizeof(other), "%s.other", image);
		snprintf(rec, sizeof(rec), "%s" MODEL_IMAGE_AT_SUFFIX, other);
		meta.at.pos.seq = 0;
		CHECK(model_image_write(other, &m, &meta, err, sizeof(err)) == 0 &&
		    access(rec, F_OK) != 0, "rows read at no position: no record beside the image");
		meta.at.pos.seq = 9;
		meta.at.pos.nonce = 10;
		meta.at.pos.sum = 11;
		snprintf(rec, sizeof(rec), "%s" MODEL_IMAGE_AT_SUFFIX, image);
		CHECK(model_image_write(image, &m, &meta, err, sizeof(err)) == 0, "writes (%s)", err);
		fd = open(image, O_RDONLY | O_CLOEXEC);
		CHECK(fd >= 0 && model_image_peek(fd, &pk) == 1 &&
		    model_image_at_read(rec, pk.sum, &at) == 1 && at.pos.seq == 9 &&
		    at.pos.nonce == 10 && at.pos.sum == 11,
		    "the position beside the image, of it (its checksum, as peeked)");
		if (fd >= 0) {
			model_image_peek_free(&pk);
			close(fd);
		}
		x = slurp(image, &nx);
		y = slurp(other, &ny);
		CHECK(x != NULL && y != NULL && nx == ny && memcmp(x, y, nx) == 0,
		    "the image's bytes are the same whatever the position");
		free(x);
		free(y);
		unlink(other);
	}

	{
		size_t n0, n1;
		char *before = slurp(image, &n0), *after;

		rc = model_image_read(image, KEY, &back, &mback, err, sizeof(err));
		CHECK(rc == 1, "reads back (%d %s)", rc, err);
		if (rc == 1) {
			const char *lo = back.image.data, *hi = lo + back.image.len;
			size_t outside = 0, ncap = 0, summed = 0;

			CHECK(model_same(&m, &back, whyb, sizeof(whyb)),
			    "the model read back is the model written (%s)", whyb);
			/* model_same() checks that a sum known is its texts' */
			for (i = 0; i < back.nvideos; i++)
				summed += m.videos[i].texts == 0 && back.videos[i].texts != 0;
			CHECK(back.nvideos > 0 && summed == back.nvideos,
			    "every video's texts sum is kept with the image, the merge's "
			    "unknown ones summed by the writer (%zu of %zu)", summed, back.nvideos);
			CHECK(meta_equal(&meta, &mback), "the rows read back are the rows written");
			for (i = 0; i < back.nvideos; i++) {
				const struct video *v = &back.videos[i];
				const char *cap = (const char *)v->captions;

				outside += v->title < lo || v->title >= hi;
				outside += v->ncaptions > 0 && (cap < lo || cap >= hi);
				ncap += v->ncaptions;
			}
			CHECK(lo != NULL && back.image.len == n0 && back.mem.total == 0 &&
			    ncap > 0 && outside == 0,
			    "the videos' strings and caption records are the mapped file's "
			    "(%zu captions, %zu outside)", ncap, outside);
		}
		/* the caption and chapter records were relocated in the mapping,
		 * a private one: the file is as it was */
		after = slurp(image, &n1);
		CHECK(n0 == n1 && memcmp(before, after, n0) == 0,
		    "reading changes nothing in the file (%zu, %zu bytes)", n0, n1);
		free(before);
		free(after);
	}
	model_free(&back);
	model_image_meta_free(&mback);
	CHECK(zeroed(&back, &mback), "model_free and model_image_meta_free leave them zeroed");

	/* Written again from the model read back: the same bytes. */
	{
		char again[1100];
		size_t n1, n2;
		char *a, *b;

		snprintf(again, sizeof(again), "%s.again", image);
		CHECK(model_image_read(image, KEY, &back, &mback, err, sizeof(err)) == 1 &&
		    model_image_write(again, &back, &mback, err, sizeof(err)) == 0,
		    "a model read back writes again (%s)", err);
		a = slurp(image, &n1);
		b = slurp(again, &n2);
		CHECK(n1 == n2 && memcmp(a, b, n1) == 0, "the same bytes (%zu, %zu)", n1, n2);
		free(a);
		free(b);
		model_free(&back);
		model_image_meta_free(&mback);
	}
	test_peek(image, &meta);

	/* Rows that do not fit the model: refused by the writer. */
	{
		struct model_image_row t = meta.rows[0];

		meta.rows[0] = meta.rows[1];
		meta.rows[1] = t;
		CHECK(model_image_write(image, &m, &meta, err, sizeof(err)) == -1 &&
		    strstr(err, "ascending") != NULL, "rows out of order: not written (%s)", err);
		meta.rows[1] = meta.rows[0];
		meta.rows[0] = t;
		t.video = meta.rows[0].video;
		meta.rows[0].video = MODEL_IMAGE_NONE;
		CHECK(model_image_write(image, &m, &meta, err, sizeof(err)) == -1,
		    "a video no row names: not written (%s)", err);
		meta.rows[0].video = t.video;
	}
	model_image_meta_free(&meta);
	model_free(&m);
	catalog_rows_free(&rows);
}

static void
test_unusable(const char *image)
{
	struct model m;
	struct model_image_meta meta;
	char err[512] = "", missing[1100];
	size_t len, i, bad, crashless;
	char *img, *copy;
	int rc;

	memset(&m, 0xa5, sizeof(m));	/* garbage in: replaced */
	CHECK(model_image_read(image, KEY + 1, &m, &meta, err, sizeof(err)) == 0 &&
	    zeroed(&m, &meta), "another key: no image, zeroed");
	snprintf(missing, sizeof(missing), "%s.missing", image);
	CHECK(model_image_read(missing, KEY, &m, &meta, err, sizeof(err)) == 0 &&
	    zeroed(&m, &meta), "missing: no image, zeroed");

	img = slurp(image, &len);
	if ((copy = malloc(len)) == NULL)
		exit(1);
	/* the fuzzer's seed: the image from its counts on (tests/fuzz/fuzz_model_image.c) */
	if (getenv("MODEL_IMAGE_SEED") != NULL) {
		FILE *f = fopen(getenv("MODEL_IMAGE_SEED"), "wb");

		CHECK(f != NULL && fwrite(img + SUMMED, 1, len - SUMMED, f) == len - SUMMED &&
		    fclose(f) == 0, "seed written to %s", getenv("MODEL_IMAGE_SEED"));
	}
	for (i = bad = 0; i < len; i++) {
		rc = model_image_parse(img, i, KEY, &m, &meta, err, sizeof(err));
		bad += rc != 0 || !zeroed(&m, &meta);
		model_free(&m);
		model_image_meta_free(&meta);
	}
	CHECK(bad == 0, "every one of the %zu truncations: no image, zeroed (%zu not)", len, bad);
	/* one truncation through the file */
	{
		FILE *f = fopen(image, "w");

		CHECK(f != NULL && fwrite(img, 1, len / 2, f) == len / 2 && fclose(f) == 0 &&
		    model_image_read(image, KEY, &m, &meta, err, sizeof(err)) == 0 &&
		    zeroed(&m, &meta), "a file cut in half: no image");
	}
	for (i = bad = 0; i < len; i++) {
		memcpy(copy, img, len);
		copy[i] ^= 0x10;
		rc = model_image_parse(copy, len, KEY, &m, &meta, err, sizeof(err));
		bad += rc != 0 || !zeroed(&m, &meta);
		model_free(&m);
		model_image_meta_free(&meta);
	}
	CHECK(bad == 0, "each of the %zu bytes flipped: no image (%zu not)", len, bad);
	/*
	 * Behind the checksum: each byte after it changed and the checksum
	 * made to match, so the bounds checks alone decide (under ASan in
	 * `make check`: no read out of bounds, no leak).
	 */
	for (i = SUMMED, crashless = 0; i < len; i++) {
		static const unsigned char vals[] = { 0x01, 0x80, 0xff };
		size_t k;

		for (k = 0; k < sizeof(vals); k++) {
			uint64_t sum;

			memcpy(copy, img, len);
			copy[i] = (char)(copy[i] ^ vals[k]);
			sum = model_image_sum(copy, len);
			memcpy(copy + SUM_AT, &sum, sizeof(sum));
			rc = model_image_parse(copy, len, KEY, &m, &meta, err, sizeof(err));
			if (rc == 1 || (rc == 0 && zeroed(&m, &meta)))
				crashless++;
			model_free(&m);
			model_image_meta_free(&meta);
		}
	}
	CHECK(crashless == 3 * (len - SUMMED), "each byte behind a matching checksum changed: "
	    "read or refused, nothing left behind (%zu of %zu)", crashless, 3 * (len - SUMMED));
	free(copy);
	free(img);
	model_image_meta_free(&meta);	/* accepts a zeroed one */
}

/*
 * A model larger than the writer's window (256 kB): 4 000 videos' records
 * and strings cross it many times, and one description is larger than it
 * (written straight out).  Its strings pass 1 MB: the reader sums them on
 * a thread of its own (image_sum), to the writer's checksum, and a byte
 * changed in them or in the records is still refused.
 */
static void
test_large(const char *dir, const char *image)
{
	enum { N = 4000 };
	struct catalog_rows rows;
	struct model m, back;
	struct model_image_meta meta, mback;
	char whyb[256] = "";
	char err[512] = "", guid[GUID_LEN + 1], title[64], *big;
	size_t i, big_len = (size_t)1200 << 10;
	int rc;

	memset(&rows, 0, sizeof(rows));
	snprintf(rows.digest, sizeof(rows.digest), "%064d", 9);
	rows.nvideos = N;
	if ((rows.videos = calloc(N, sizeof(*rows.videos))) == NULL || (big = malloc(big_len + 1)) == NULL)
		exit(1);
	memset(big, 'd', big_len);
	big[big_len] = '\0';
	for (i = 0; i < N; i++) {
		snprintf(guid, sizeof(guid), "10000000-0000-4000-8000-%012zu", i);
		snprintf(title, sizeof(title), "video %zu, a title of some length", i);
		row(&rows, &rows.videos[i], guid, 1, (int64_t)(1000 + i % 97), title,
		    i == N / 2 ? big : "a description of a few words", "", i % 3 ? "alpha, beta" : "");
	}
	CHECK(merge(&m, dir, &rows, err, sizeof(err)) == 0 && m.nvideos == N,
	    "merges %d rows (%s)", N, err);
	make_meta(&meta, &rows, &m);
	CHECK(model_image_write(image, &m, &meta, err, sizeof(err)) == 0, "writes (%s)", err);
	rc = model_image_read(image, KEY, &back, &mback, err, sizeof(err));
	CHECK(rc == 1 && model_same(&m, &back, whyb, sizeof(whyb)) && meta_equal(&meta, &mback),
	    "a model larger than the writer's window reads back the same (%d %s)", rc, whyb);
	model_free(&back);
	model_image_meta_free(&mback);
	{
		size_t len, at[2], k;
		char *img = slurp(image, &len);
		uint64_t sum = 0;

		if (img != NULL)
			memcpy(&sum, img + SUM_AT, sizeof(sum));
		CHECK(img != NULL && len > big_len && model_image_sum(img, len) == sum,
		    "strings past 1 MB, summed on their own thread: the writer's checksum");
		at[0] = len - 1000;		/* in the strings, the last region */
		at[1] = SUMMED + 200;		/* in the records */
		for (k = 0; img != NULL && k < 2; k++) {
			img[at[k]] ^= 0x04;
			rc = model_image_parse(img, len, KEY, &back, &mback, err, sizeof(err));
			CHECK(rc == 0 && zeroed(&back, &mback), "a byte changed in the %s: no image",
			    k == 0 ? "strings" : "records");
			img[at[k]] ^= 0x04;
			model_free(&back);
			model_image_meta_free(&mback);
		}
		free(img);
	}
	model_image_meta_free(&meta);
	model_free(&m);
	catalog_rows_free(&rows);
	free(big);
}

static void
test_empty(const char *image)
{
	struct model m, back;
	struct model_image_meta meta, mback;
	char whyb[256] = "";
	char err[512] = "";

	memset(&m, 0, sizeof(m));
	memset(&meta, 0, sizeof(meta));
	{
		static char none[] = "";

		m.site.title = m.site.description = m.site.base_url = m.site.language = none;
		m.site.cdn_host = m.site.theme = m.site.author = m.site.purchase_url = none;
	}
	meta.key = KEY;
	CHECK(model_image_write(image, &m, &meta, err, sizeof(err)) == 0 &&
	    model_image_read(image, KEY, &back, &mback, err, sizeof(err)) == 1 &&
	    model_same(&m, &back, whyb, sizeof(whyb)) && back.videos == NULL && mback.rows == NULL,
	    "an empty model round-trips (%s %s)", err, whyb);
	model_free(&back);
	model_image_meta_free(&mback);
	{
		struct model_image_peek pk;

		CHECK(peek_at(image, &pk) == 1 && pk.key == KEY && pk.nrows == 0 &&
		    pk.rows == NULL && pk.map.base == NULL, "an empty image peeks: no rows, nothing mapped");
		model_image_peek_free(&pk);
	}
}

int
main(void)
{
	char dir[512], image[1024];

	fixture_tmpdir(dir, sizeof(dir), "test_model_image");
	fixture_write(dir, "site.json",
	    "{ \"title\": \"Site\", \"cdn_host\": \"site.example\", \"author\": \"Me\",\n"
	    "  \"categories\": [ { \"slug\": \"raw\", \"name\": \"RAW\", \"colour\": \"#e50914\" },\n"
	    "    { \"slug\": \"art\", \"name\": \"ART\" }, { \"name\": \"VIP\" },\n"
	    "    { \"name\": \"DUO\" }, { \"name\": \"SOLO\" } ],\n"
	    "  \"series\": { \"tokyo-nights\": { \"title\": \"Tokyo Nights\" } },\n"
	    "  \"tags\": { \"tokyo\": { \"name\": \"Tōkyō\" } } }\n");
	fixture_mkdir(dir, "videos");
	fixture_write(dir, "videos/all.json",
	    "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited\", \"access\": \"public\",\n"
	    "      \"featured\": true, \"tags\": [\"Tōkyō\"], \"categories\": [\"raw\", \"vip\"],\n"
	    "      \"series\": { \"slug\": \"tokyo-nights\", \"season\": 2, \"episode\": 3 } },\n"
	    "  \"" G(6) "\": { \"description\": \"\", \"access\": \"ppv\" },\n"
	    "  \"" G(5) "\": { \"hidden\": true } } }\n");
	snprintf(image, sizeof(image), "%s/model.image", dir);
	test_round_trip(dir, image);
	test_unusable(image);
	test_large(dir, image);
	test_empty(image);
	return check_report();
}
