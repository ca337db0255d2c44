/*
 * test_model_merge.c — the merge on its own: hand-made catalog rows (no
 * SQLite, no catalog.db) and a content/ directory into a struct model.
 * What is published and in which order, what the entry, the collection,
 * Bunny's keywords and the options decide, and the warnings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "trace_same.h"
#include "catalog_fixture.h"
#include "content.h"
#include "model_diff.h"
#include "model_image.h"
#include "model_merge.h"

#define G(n)	"00000000-0000-4000-8000-00000000000" #n
#define COLL	"c0000000-0000-4000-8000-000000000001"


/* A row: strings copied into r's arena, so that catalog_rows_free() frees them. */
static void
row(struct catalog_rows *r, struct catalog_video_row *v, const char *guid, int published,
    int64_t uploaded, const char *title, const char *cdn_host, const char *collection,
    const char *keywords)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->guid, sizeof(v->guid), "%s", guid);
	v->title = fixture_rows_dup(r, title);
	v->description = fixture_rows_dup(r, "desc of ");
	v->thumbnail = fixture_rows_dup(r, uploaded % 2 ? "thumbnail_3.jpg" : "");
	v->cdn_host = fixture_rows_dup(r, cdn_host);
	v->collection = fixture_rows_dup(r, collection);
	v->meta_tags = fixture_rows_dup(r, keywords);
	v->published = published;
	v->uploaded = uploaded;
	v->length = 60;
}

struct warnings {
	char	text[4096];
	size_t	len;
	int	notes;
};

static void
collect(void *arg, enum report_level level, const char *msg)
{
	struct warnings *w = arg;
	int n;

	if (level != REPORT_WARNING)
		w->notes++;
	n = snprintf(w->text + w->len, sizeof(w->text) - w->len, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(w->text) - w->len)
		w->len += (size_t)n;
}

static const struct video *
find(const struct model *m, const char *guid)
{
	size_t i;

	for (i = 0; i < m->nvideos; i++)
		if (strcmp(m->videos[i].guid, guid) == 0)
			return &m->videos[i];
	return NULL;
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
	/* in guid order, as the catalog hands them */
	row(r, &r->videos[0], G(1), 1, 100, "one", "", COLL, "Night Life, night-life,C++");
	row(r, &r->videos[1], G(2), 1, 300, "two", "stored.example:8443", "", "");
	row(r, &r->videos[2], G(3), 0, 900, "unpublished", "", "", "");
	row(r, &r->videos[3], G(4), 1, 300, "four (ties two on time)", "", "", "");
	row(r, &r->videos[4], G(5), 1, 500, "hidden by its entry", "", "", "");
	row(r, &r->videos[5], G(6), 1, 200, "six", "", "c0000000-0000-4000-8000-000000000009", "");
	if ((r->videos[0].captions = arena_alloc(&r->mem, 2 * sizeof(struct caption))) == NULL ||
	    (r->videos[0].chapters = arena_alloc(&r->mem, sizeof(struct chapter))) == NULL)
		exit(1);
	r->videos[0].captions[0].srclang = fixture_rows_dup(r, "en");
	r->videos[0].captions[0].label = fixture_rows_dup(r, "English");
	r->videos[0].captions[1].srclang = fixture_rows_dup(r, "fr");
	r->videos[0].captions[1].label = fixture_rows_dup(r, "Français");
	r->videos[0].ncaptions = 2;
	r->videos[0].chapters[0].title = fixture_rows_dup(r, "Intro");
	r->videos[0].chapters[0].start = 0;
	r->videos[0].chapters[0].end = 30;
	r->videos[0].nchapters = 1;
	snprintf(r->collections[0].guid, sizeof(r->collections[0].guid), "%s", COLL);
	r->collections[0].name = fixture_rows_dup(r, "Art");
	r->ncollections = 1;
}

static int
merge(struct model *m, const char *dir, struct catalog_rows *rows, const char *cdn_host,
    struct warnings *w, char *err, size_t errlen)
{
	struct reporter r = { w != NULL ? collect : NULL, w };
	struct model_opts o = { cdn_host, &r, NULL, 0 };
	struct content c;
	int rc;

	if (content_load(&c, dir, &r, err, errlen) != 0)
		return -1;
	rc = model_merge(m, &c, rows, &o, err, errlen);
	content_free(&c);
	return rc;
}

static void
test_merge(const char *dir)
{
	struct catalog_rows rows;
	struct warnings w = { { 0 }, 0, 0 };
	struct model m;
	const struct video *v;
	char err[512];

	make_rows(&rows);
	CHECK(merge(&m, dir, &rows, NULL, &w, err, sizeof(err)) == 0, "merges (%s)", err);
	CHECK(m.nvideos == 4, "published and not hidden: 4 of 6 (%zu)", m.nvideos);
	CHECK(find(&m, G(3)) == NULL, "a row that is not published is left out");
	CHECK(find(&m, G(5)) == NULL, "a hidden entry is left out");
	CHECK(m.nvideos == 4 && strcmp(m.videos[0].guid, G(2)) == 0 &&
	    strcmp(m.videos[1].guid, G(4)) == 0 && strcmp(m.videos[2].guid, G(6)) == 0 &&
	    strcmp(m.videos[3].guid, G(1)) == 0, "newest first; a tie on time goes by guid");
	CHECK_STR(m.digest, rows.digest, "the digest is the catalog's");
	CHECK_STR(m.site.cdn_host, "site.example", "site.json's cdn_host without an override");
	if ((v = find(&m, G(1))) != NULL) {
		CHECK(v->ncategories == 1 && strcmp(m.categories[v->categories[0]].slug, "art") == 0,
		    "no entry: the collection's name is matched to a category");
		CHECK(v->ntags == 2, "keywords: \"Night Life\" and \"night-life\" are one tag, "
		    "C++ another (%zu)", v->ntags);
		CHECK(v->ncaptions == 2 && strcmp(v->captions[1].label, "Français") == 0 &&
		    v->nchapters == 1 && v->chapters[0].end == 30, "captions and chapters taken over");
		CHECK(v->captions != NULL && v->captions == rows.videos[0].captions &&
		    v->chapters == rows.videos[0].chapters && v->title == rows.videos[0].title,
		    "the rows' tracks and strings, not copies (in the arena the model adopted)");
		CHECK_STR(v->thumbnail, "thumbnail.jpg", "no thumbnail name: thumbnail.jpg");
		CHECK_STR(v->cdn_host, "site.example", "no stored host: site.json's");
		CHECK(v->access == ACCESS_VIP, "no entry: the default access");
	} else
		CHECK(0, "video 1 published");
	if ((v = find(&m, G(2))) != NULL) {
		CHECK_STR(v->cdn_host, "stored.example:8443", "a stored host beats site.json's");
		CHECK_STR(v->title, "Two, edited", "the entry's title overrides Bunny's");
		CHECK_STR(v->thumbnail, "thumbnail.jpg", "thumbnail default");
		CHECK(v->access == ACCESS_PUBLIC && v->featured, "access and featured from the entry");
		CHECK(v->ntags == 1 && strcmp(m.tags[v->tags[0]].name, "Tōkyō") == 0,
		    "entry tags by site.json name");
		CHECK(v->series >= 0 && strcmp(m.series[v->series].title, "Tokyo Nights") == 0 &&
		    v->season == 2 && v->episode == 3, "series from the entry, titled by site.json");
	} else
		CHECK(0, "video 2 published");
	if ((v = find(&m, G(6))) != NULL)
		CHECK(v->ncategories == 0, "a collection the catalog does not list: no category");
	CHECK(strstr(w.text, "video " G(9) " is not in the catalog") != NULL,
	    "an entry for no row: warned");
	CHECK(strstr(w.text, G(3)) == NULL, "an entry for an unpublished row: not warned "
	    "(it is in the catalog)");
	CHECK(w.notes == 0, "warnings only");
	CHECK(rows.mem.head == NULL && rows.mem.total == 0 && m.mem.total > 0,
	    "the model adopted the rows' arena");
	model_free(&m);
	catalog_rows_free(&rows);

	/* The CDN override beats the stored host and site.json's. */
	memset(&w, 0, sizeof(w));
	make_rows(&rows);
	CHECK(merge(&m, dir, &rows, "127.0.0.1:8081", NULL, err, sizeof(err)) == 0 &&
	    strcmp(m.site.cdn_host, "127.0.0.1:8081") == 0 &&
	    (v = find(&m, G(2))) != NULL && strcmp(v->cdn_host, "127.0.0.1:8081") == 0,
	    "the cdn_host option beats the stored host and site.json's");
	model_free(&m);
	catalog_rows_free(&rows);
	make_rows(&rows);
	CHECK(merge(&m, dir, &rows, "", NULL, err, sizeof(err)) == 0 &&
	    (v = find(&m, G(2))) != NULL && strcmp(v->cdn_host, "stored.example:8443") == 0,
	    "an empty cdn_host option is no override");
	model_free(&m);
	catalog_rows_free(&rows);

	/* --base-url beats site.json's base_url, without its trailing slashes. */
	{
		struct model_opts o = { NULL, NULL, "http://127.0.0.1:9090//", 0 };
		struct content c;

		make_rows(&rows);
		CHECK(content_load(&c, dir, NULL, err, sizeof(err)) == 0 &&
		    model_merge(&m, &c, &rows, &o, err, sizeof(err)) == 0 &&
		    m.site.base_url != NULL && strcmp(m.site.base_url, "http://127.0.0.1:9090") == 0,
		    "the base_url option beats site.json's, trailing slashes dropped (%s)",
		    m.site.base_url != NULL ? m.site.base_url : "(null)");
		content_free(&c);
		model_free(&m);
		catalog_rows_free(&rows);
		make_rows(&rows);
		o.base_url = "";
		CHECK(content_load(&c, dir, NULL, err, sizeof(err)) == 0 &&
		    model_merge(&m, &c, &rows, &o, err, sizeof(err)) == 0 &&
		    m.site.base_url != NULL && strstr(m.site.base_url, "9090") == NULL,
		    "an empty base_url option is no override (%s)",
		    m.site.base_url != NULL ? m.site.base_url : "(null)");
		content_free(&c);
		model_free(&m);
		catalog_rows_free(&rows);
	}
	catalog_rows_free(&rows);	/* accepts a zeroed struct */

	/* No rows at all: an empty model, not an error. */
	memset(&rows, 0, sizeof(rows));
	CHECK(merge(&m, dir, &rows, NULL, NULL, err, sizeof(err)) == 0 && m.nvideos == 0 &&
	    m.ncategories == 5, "no rows: an empty model with site.json's categories");
	model_free(&m);
}

/*
 * The merge is O(n): 100 000 rows with keyword tags, every one with an
 * entry, merged in well under the time a quadratic walk would need (a
 * loose bound, for slow sanitizer builds: 100 000^2 string compares take
 * minutes).
 */
static void
test_scale(void)
{
	enum { N = 100000 };
	struct catalog_rows rows;
	struct content c;
	struct model m;
	struct model_opts o = { NULL, NULL, NULL, 0 };
	struct timespec t0, t1;
	char err[256], kw[64];
	size_t i, apart, wrong;
	const size_t *next;
	double secs;

	memset(&rows, 0, sizeof(rows));
	memset(&c, 0, sizeof(c));
	if ((rows.videos = calloc(N, sizeof(*rows.videos))) == NULL ||
	    (c.entries = calloc(N, sizeof(*c.entries))) == NULL)
		exit(1);
	if ((c.site.cdn_host = strdup("x")) == NULL)
		exit(1);
	c.site.default_access = ACCESS_VIP;
	for (i = 0; i < N; i++) {
		char guid[GUID_LEN + 1];

		snprintf(guid, sizeof(guid), "00000000-0000-4000-8000-%012zu", i);
		snprintf(kw, sizeof(kw), "t%zu, common, u%zu", i % 5000, i % 7);
		/* times with ties (a hundred videos each) and before 1970 */
		row(&rows, &rows.videos[i], guid, 1, (int64_t)(i * 37 % 1000) * 86400 - 400 * 86400,
		    "t", "", "", kw);
		memcpy(c.entries[i].guid, guid, sizeof(guid));
		c.entries[i].file = "f";
		c.entries[i].featured = (int)(i % 2);
	}
	rows.nvideos = N;
	c.nentries = N;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(model_merge(&m, &c, &rows, &o, err, sizeof(err)) == 0 && m.nvideos == N &&
	    m.ntags == 5000 + 1 + 7, "%d rows merged (%zu tags)", N, m.ntags);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(secs < 20, "in %.2f s: linear, not quadratic", secs);
	for (i = 1; i < m.nvideos; i++)
		if (m.videos[i - 1].uploaded < m.videos[i].uploaded ||
		    (m.videos[i - 1].uploaded == m.videos[i].uploaded &&
		    strcmp(m.videos[i - 1].guid, m.videos[i].guid) >= 0))
			break;
	CHECK(i >= m.nvideos, "%d videos newest first, ties by guid, negative times too (at %zu)",
	    N, i);
	/* each video's lists right after the last one's, in video order
	 * (lists_in_order), and still its own: its row's three keywords */
	for (i = 0, apart = wrong = 0, next = NULL; i < m.nvideos; i++) {
		const struct video *v = &m.videos[i];
		size_t row_no = strtoul(v->guid + 24, NULL, 10), k, found = 0;
		char want[3][32];

		snprintf(want[0], sizeof(want[0]), "t%zu", row_no % 5000);
		snprintf(want[1], sizeof(want[1]), "common");
		snprintf(want[2], sizeof(want[2]), "u%zu", row_no % 7);
		if (v->ncategories > 0) {
			apart += next != NULL && v->categories != next;
			next = v->categories + v->ncategories;
		}
		if (v->ntags > 0) {
			apart += next != NULL && v->tags != next;
			next = v->tags + v->ntags;
		}
		for (k = 0; k < v->ntags; k++)
			found += v->tags[k] < m.ntags && (strcmp(m.tags[v->tags[k]].slug, want[0]) == 0 ||
			    strcmp(m.tags[v->tags[k]].slug, want[1]) == 0 ||
			    strcmp(m.tags[v->tags[k]].slug, want[2]) == 0);
		wrong += v->ntags != 3 || found != 3;
	}
	CHECK(apart == 0, "each video's lists follow the last one's, in video order (%zu do not)",
	    apart);
	CHECK(wrong == 0, "each video's tags its own row's keywords (%zu differ)", wrong);
	printf("# merge of %d rows: %.3f s\n", N, secs);
	model_free(&m);
	content_free(&c);
	catalog_rows_free(&rows);
}

/*
 * The rows merged on two threads (split_min) give the model and trace one
 * thread gives: a catalog of SPLIT_N rows with every kind of row (not
 * published, hidden, an entry's texts, tags, series and categories, a
 * collection's category, keywords), merged whole on one thread and split
 * (the first part's hidden and unpublished rows leave a gap before the
 * second part's videos, closed after the join).  split_min is the
 * catalog's size: a catalog of exactly that many rows is split (the cut
 * is the same for any split_min below).
 */
#define SPLIT_N	3000

static void
split_rows(struct catalog_rows *r)
{
	char guid[GUID_LEN + 1], kw[64];
	size_t i;

	memset(r, 0, sizeof(*r));
	r->nvideos = SPLIT_N;
	if ((r->videos = calloc(SPLIT_N, sizeof(*r->videos))) == NULL ||
	    (r->collections = calloc(1, sizeof(*r->collections))) == NULL)
		exit(1);
	for (i = 0; i < SPLIT_N; i++) {
		snprintf(guid, sizeof(guid), "00000000-0000-4000-8000-%012zu", i);
		snprintf(kw, sizeof(kw), "k%zu, Shared Tag, z%zu", i % 97, i % 5);
		row(r, &r->videos[i], guid, i % 11 != 3, (int64_t)(i * 7919 % 500) * 3600, "t", "",
		    i % 4 == 1 ? COLL : "", kw);
		r->videos[i].print = i * 31 + 7;
	}
	snprintf(r->collections[0].guid, sizeof(r->collections[0].guid), "%s", COLL);
	r->collections[0].name = fixture_rows_dup(r, "Art");
	r->ncollections = 1;
}

static void
split_content(const char *dir)
{
	FILE *f;
	char path[600];
	size_t i;

	fixture_mkdir(dir, "split");
	fixture_write(dir, "split/site.json",
	    "{ \"cdn_host\": \"site.example\",\n"
	    "  \"categories\": [ { \"slug\": \"art\", \"name\": \"Art\" },\n"
	    "    { \"name\": \"VIP\" } ],\n"
	    "  \"tags\": { \"shared-tag\": { \"name\": \"The Shared Tag\" } } }\n");
	fixture_mkdir(dir, "split/videos");
	snprintf(path, sizeof(path), "%s/split/videos/all.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	fputs("{ \"videos\": {\n", f);
	for (i = 0; i < SPLIT_N; i += 2) {
		fprintf(f, "%s  \"00000000-0000-4000-8000-%012zu\": { ", i ? ",\n" : "", i);
		if (i % 10 == 4 || i < 1400)
			fputs("\"hidden\": true", f);
		else if (i % 6 == 0)
			fprintf(f, "\"title\": \"Title %zu\", \"tags\": [\"e%zu\", \"Shared Tag\"], "
			    "\"categories\": [\"VIP\"], \"access\": \"public\"", i, i % 13);
		else
			fprintf(f, "\"series\": { \"slug\": \"s%zu\", \"season\": 1, "
			    "\"episode\": %zu }, \"description\": \"D%zu\", \"featured\": true",
			    i % 17, i % 40, i);
		fputs(" }", f);
	}
	fputs("\n} }\n", f);
	fclose(f);
}

/* m and t merged from dir/split with split_min; 0 or -1. */
static int
split_merge(const char *dir, size_t split_min, struct model *m, struct model_image_meta *t)
{
	struct reporter quiet = { NULL, NULL };
	struct model_opts o = { NULL, &quiet, NULL, split_min };
	struct catalog_rows rows;
	struct content c;
	char path[600], err[256];
	int rc;

	snprintf(path, sizeof(path), "%s/split", dir);
	split_rows(&rows);
	if (content_load(&c, path, &quiet, err, sizeof(err)) != 0)
		return -1;
	rc = model_merge_trace(m, &c, &rows, &o, t, err, sizeof(err));
	content_free(&c);
	catalog_rows_free(&rows);
	return rc;
}

static int
same_models(const struct model *a, const struct model *b)
{
	size_t i, k;

	if (a->nvideos != b->nvideos || model_tables_key(a) != model_tables_key(b))
		return 0;
	for (i = 0; i < a->nvideos; i++) {
		const struct video *x = &a->videos[i], *y = &b->videos[i];

		if (strcmp(x->guid, y->guid) != 0 || strcmp(x->title, y->title) != 0 ||
		    strcmp(x->description, y->description) != 0 ||
		    model_video_value(x, NULL) != model_video_value(y, NULL) ||
		    x->ntags != y->ntags || x->ncategories != y->ncategories)
			return 0;
		for (k = 0; k < x->ntags; k++)
			if (x->tags[k] != y->tags[k])
				return 0;
	}
	return 1;
}

static void
test_split(const char *dir)
{
	static const size_t splits[] = { SPLIT_N };
	struct model one, two;
	struct model_image_meta t1, t2;
	size_t i, tagged = 0, series = 0;

	split_content(dir);
	CHECK(split_merge(dir, SIZE_MAX, &one, &t1) == 0, "merged on one thread");
	for (i = 0; i < one.nvideos; i++) {
		tagged += one.videos[i].ntags > 0;
		series += one.videos[i].series >= 0;
	}
	CHECK(one.nvideos > 1000 && one.nvideos < SPLIT_N && tagged == one.nvideos &&
	    series > 100 && one.nseries == 17, "fixture: %zu videos of %d rows, %zu in %zu "
	    "series", one.nvideos, SPLIT_N, series, one.nseries);
	for (i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		CHECK(split_merge(dir, splits[i], &two, &t2) == 0 && same_models(&one, &two) &&
		    trace_same(&t1, &t2), "split_min %zu: the model and trace one thread gives",
		    splits[i]);
		model_free(&two);
		model_image_meta_free(&t2);
	}
	model_free(&one);
	model_image_meta_free(&t1);
}

int
main(void)
{
	char dir[512];

	fixture_tmpdir(dir, sizeof(dir), "test_model_merge");
	fixture_write(dir, "site.json",
	    "{ \"cdn_host\": \"site.example\",\n"
	    "  \"categories\": [ { \"slug\": \"raw\", \"name\": \"RAW\" },\n"
	    "    { \"slug\": \"art\", \"name\": \"ART\" }, { \"name\": \"VIP\" },\n"
	    "    { \"name\": \"DUO\" }, { \"name\": \"SOLO\" } ],\n"
	    "  \"series\": { \"tokyo-nights\": { \"title\": \"Tokyo Nights\" } },\n"
	    "  \"tags\": { \"tokyo\": { \"name\": \"Tōkyō\" } } }\n");
	fixture_mkdir(dir, "videos");
	fixture_write(dir, "videos/all.json",
	    "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited\", \"access\": \"public\",\n"
	    "      \"featured\": true, \"tags\": [\"Tōkyō\"],\n"
	    "      \"series\": { \"slug\": \"tokyo-nights\", \"season\": 2, \"episode\": 3 } },\n"
	    "  \"" G(3) "\": { \"featured\": true },\n"
	    "  \"" G(5) "\": { \"hidden\": true },\n"
	    "  \"" G(9) "\": { \"featured\": true } } }\n");
	test_merge(dir);
	test_split(dir);
	test_scale();
	return check_report();
}
