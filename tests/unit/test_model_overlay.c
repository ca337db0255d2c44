/*
 * test_model_overlay.c — changed catalog rows laid over a merged model
 * give the model the merge of the new rows gives, field by field, and the
 * same trace (what the model image keeps); a change that could reach
 * another video (keywords, collection, a video published or withdrawn) is
 * refused and leaves the model as it was.  The same for content/ entries
 * edited in place (model_overlay_entries): a title or description edited,
 * added or dropped is the merge's; anything else is refused.  model_diff.h agrees with
 * both: what an overlay changes is some videos' own fields, what it
 * refuses (or moves) is structure.  The entries an overlay laid over, kept
 * in a delta (model_delta.h: each video's texts and its row's flags), laid
 * over the old merge again (model_overlay_edits) give the same model and
 * trace; a delta naming a GUID the image lacks is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trace_same.h"
#include "catalog_fixture.h"
#include "content.h"
#include "content_snap.h"
#include "model_delta.h"
#include "model_diff.h"
#include "model_image.h"
#include "model_merge.h"
#include "model_overlay.h"
#include "model_same.h"
#include "model_texts.h"

#define G(n)	"00000000-0000-4000-8000-00000000000" #n
#define COLL	"c0000000-0000-4000-8000-000000000001"
#define NROWS	8

/* One row's fields, as a test writes them. */
struct spec {
	const char	*guid;
	int		 published;
	int64_t		 uploaded;
	const char	*title;
	const char	*thumbnail;
	const char	*cdn_host;
	const char	*collection;
	const char	*keywords;
	int64_t		 views;
	const char	*caption;	/* one caption's label, or NULL: none */
	uint64_t	 print;
};

static const struct spec base[NROWS] = {
	{ G(1), 1, 100, "one", "thumbnail_3.jpg", "", COLL, "Night Life, C++", 5, "English", 11 },
	{ G(2), 1, 300, "two", "", "stored.example", "", "", 7, NULL, 12 },
	{ G(3), 0, 900, "unpublished", "", "", "", "", 0, NULL, 13 },
	{ G(4), 1, 300, "four", "", "", "", "solo", 1, NULL, 14 },
	{ G(5), 1, 500, "hidden by its entry", "", "", "", "", 0, NULL, 15 },
	{ G(6), 1, 200, "six", "t.jpg", "", "", "night-life", 3, NULL, 16 },
	{ G(7), 1, 700, "seven", "", "", COLL, "", 9, "Deutsch", 17 },
	{ G(8), 1, 800, "eight", "", "", "", "", 2, NULL, 18 },
};


static void
fill_row(struct catalog_rows *r, struct catalog_video_row *v, const struct spec *s)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->guid, sizeof(v->guid), "%s", s->guid);
	v->title = fixture_rows_dup(r, s->title);
	v->description = fixture_rows_dup(r, "the description");
	v->thumbnail = fixture_rows_dup(r, s->thumbnail);
	v->cdn_host = fixture_rows_dup(r, s->cdn_host);
	v->collection = fixture_rows_dup(r, s->collection);
	v->meta_tags = fixture_rows_dup(r, s->keywords);
	v->published = s->published;
	v->uploaded = s->uploaded;
	v->changed = s->uploaded + 1;
	v->views = s->views;
	v->length = 60;
	v->print = s->print;
	if (s->caption != NULL) {
		if ((v->captions = arena_alloc(&r->mem, sizeof(struct caption))) == NULL)
			exit(1);
		v->captions[0].srclang = fixture_rows_dup(r, "xx");
		v->captions[0].label = fixture_rows_dup(r, s->caption);
		v->ncaptions = 1;
	}
}

/* Rows of the specs s[0..n) (guid order), with the collection and digest d. */
static void
make_rows(struct catalog_rows *r, const struct spec *s, size_t n, int d)
{
	size_t k;

	memset(r, 0, sizeof(*r));
	snprintf(r->digest, sizeof(r->digest), "%064d", d);
	r->collections_print = 42;
	if ((r->videos = calloc(n + 1, sizeof(*r->videos))) == NULL ||
	    (r->collections = calloc(1, sizeof(*r->collections))) == NULL)
		exit(1);
	for (k = 0; k < n; k++)
		fill_row(r, &r->videos[k], &s[k]);
	r->nvideos = n;
	snprintf(r->collections[0].guid, sizeof(r->collections[0].guid), "%s", COLL);
	r->collections[0].name = fixture_rows_dup(r, "Art");
	r->ncollections = 1;
}

static int
merge(struct model *m, struct model_image_meta *t, const char *dir, const struct spec *s,
    int d, const char *cdn_host)
{
	struct reporter quiet = { NULL, NULL };
	struct model_opts o = { cdn_host, &quiet, NULL, 0 };
	struct catalog_rows rows;
	struct content c;
	char err[256];
	int rc;

	make_rows(&rows, s, NROWS, d);
	if (content_load(&c, dir, &quiet, err, sizeof(err)) != 0) {
		catalog_rows_free(&rows);
		return -1;
	}
	rc = model_merge_trace(m, &c, &rows, &o, t, err, sizeof(err));
	/* every video's texts summed, as a build's model is (and its image's):
	 * an overlay that leaves one stale fails model_same() */
	if (rc == 0)
		model_texts_fill(m);
	content_free(&c);
	catalog_rows_free(&rows);
	return rc;
}

/* The rows of now whose print differs from was's: what the catalog reads again. */
static void
changed_rows(struct catalog_rows *r, const struct spec *was, const struct spec *now, int d)
{
	struct spec pick[NROWS];
	size_t k, n = 0;

	for (k = 0; k < NROWS; k++)
		if (was[k].print != now[k].print)
			pick[n++] = now[k];
	make_rows(r, pick, n, d);
}

/* A model and its trace, released (the trace first: its rows may be the model's). */
static void
release(struct model *m, struct model_image_meta *t)
{
	model_image_meta_free(t);
	model_free(m);
}

/* Every string of rows written over: a model that still points to one
 * compares unequal, sanitized or not. */
static void
scribble_str(char *s)
{
	if (s != NULL)
		memset(s, 'X', strlen(s));
}

static void
scribble(struct catalog_rows *rows)
{
	size_t k, i;

	for (k = 0; k < rows->nvideos; k++) {
		struct catalog_video_row *r = &rows->videos[k];

		scribble_str(r->title);
		scribble_str(r->description);
		scribble_str(r->thumbnail);
		scribble_str(r->cdn_host);
		for (i = 0; i < r->ncaptions; i++) {
			scribble_str(r->captions[i].srclang);
			scribble_str(r->captions[i].label);
		}
		for (i = 0; i < r->nchapters; i++)
			scribble_str(r->chapters[i].title);
	}
}

/*
 * Overlays now over the merge of base and compares with the merge of now:
 * want 1 (the same model and trace), 2 (the same, the videos moved) or 0
 * (refused, the model untouched).
 */
static void
overlay_case(const char *dir, const char *name, const struct spec *now, const char *cdn_host,
    int want)
{
	struct model a, b, before;
	struct model_image_meta ta, tb, tbefore;
	struct catalog_rows changed;
	struct model_opts o = { cdn_host, NULL, NULL, 0 };
	char err[256], why[256];
	uint32_t *diff;
	uint64_t sum;
	size_t ndiff, k;
	int rc, listed;

	if (merge(&a, &ta, dir, base, 1, cdn_host) != 0 || merge(&b, &tb, dir, now, 2, cdn_host) != 0 ||
	    merge(&before, &tbefore, dir, base, 1, cdn_host) != 0) {
		CHECK(0, "%s: the merges", name);
		return;
	}
	changed_rows(&changed, base, now, 2);
	/*
	 * model_diff.h's definition against the overlay's: what an overlay
	 * lays over in place, the diff calls some videos' own fields (each a
	 * video whose row changed); what it refuses or moves, the diff calls
	 * structure.
	 */
	rc = model_diff(&before, &b, &diff, &ndiff);
	if (want == 1) {
		for (k = 0, listed = rc == 1; listed && k < ndiff; k++) {
			size_t r;

			for (r = 0, listed = 0; r < changed.nvideos; r++)
				listed |= strcmp(changed.videos[r].guid, b.videos[diff[k]].guid) == 0;
		}
		CHECK(listed, "%s: model_diff says only changed rows' videos' fields moved (%d, %zu)",
		    name, rc, ndiff);
	} else
		CHECK(rc == 0, "%s: model_diff says the structure moved too (%d)", name, rc);
	free(diff);
	sum = model_image_rows_sum(&ta) - model_overlay_terms(&ta, &changed);
	rc = model_overlay(&a, &ta, &changed, &o, err, sizeof(err));
	sum += model_overlay_terms(&ta, &changed);
	CHECK(rc == want, "%s: overlay gives %d (%d)", name, want, rc);
	/* what the model took of the rows is its own (model_overlay.h): the
	 * rows written over and freed before it is compared */
	scribble(&changed);
	catalog_rows_free(&changed);
	if (want >= 1) {
		ta.key = tb.key = 42;
		CHECK(model_image_id(&ta) == model_image_id(&tb), "%s: the merge's model id", name);
		CHECK(sum == model_image_rows_sum(&ta) && sum == model_image_rows_sum(&tb) &&
		    model_image_id_of(&ta, sum) == model_image_id(&tb),
		    "%s: the rows' sum brought up to date by the changed rows' terms is the "
		    "merge's", name);
		CHECK(model_same(&a, &b, why, sizeof(why)), "%s: the merge's model (%s)", name, why);
		CHECK(trace_same(&ta, &tb), "%s: the merge's trace", name);
	} else {
		CHECK(model_same(&a, &before, why, sizeof(why)), "%s: the model as it was (%s)",
		    name, why);
		CHECK(trace_same(&ta, &tbefore), "%s: the trace as it was", name);
	}
	release(&a, &ta);
	release(&b, &tb);
	release(&before, &tbefore);
}

static void
test_overlays(const char *dir)
{
	struct spec s[NROWS];

#define FRESH()	memcpy(s, base, sizeof(s))
	FRESH();
	overlay_case(dir, "nothing changed", s, NULL, 1);

	FRESH();
	s[0].title = "one, retitled";
	s[0].caption = "English (CC)";
	s[0].print = 101;
	s[1].title = "two, retitled (its entry's title stays)";
	s[1].views = 70;
	s[1].print = 102;
	s[2].title = "still unpublished, retitled";
	s[2].print = 103;
	s[4].title = "hidden, retitled";
	s[4].print = 105;
	s[5].thumbnail = "";
	s[5].cdn_host = "stored2.example";
	s[5].print = 106;
	s[6].views = 900;
	s[6].caption = NULL;
	s[6].print = 107;
	overlay_case(dir, "titles, views, captions, thumbnail, host", s, NULL, 1);
	overlay_case(dir, "the same under a CDN override", s, "override.example", 1);

	FRESH();
	s[3].uploaded = 50;	/* four: from the middle to the end */
	s[3].print = 104;
	s[0].uploaded = 1000;	/* one: from the end to the front */
	s[0].print = 101;
	overlay_case(dir, "upload times: the order again", s, NULL, 2);

	FRESH();
	s[0].keywords = "Night Life";
	s[0].print = 101;
	overlay_case(dir, "other keywords: refused", s, NULL, 0);

	FRESH();
	s[6].collection = "";
	s[6].print = 107;
	overlay_case(dir, "another collection: refused", s, NULL, 0);

	FRESH();
	s[2].published = 1;
	s[2].print = 103;
	overlay_case(dir, "a video published: refused", s, NULL, 0);

	FRESH();
	s[7].published = 0;
	s[7].print = 108;
	overlay_case(dir, "a video withdrawn: refused", s, NULL, 0);

	FRESH();
	s[7].title = "eight, retitled";
	s[7].print = 108;
	s[0].keywords = "C++";
	s[0].print = 101;
	overlay_case(dir, "one refusal refuses all", s, NULL, 0);
#undef FRESH
}

/* The entries of old all.json (main()) as a test edits them: G(2), G(5), G(7). */
#define E2	"  \"" G(2) "\": { \"title\": \"Two, edited\", \"tags\": [\"solo\"],\n" \
		"      \"series\": { \"slug\": \"s\", \"season\": 1, \"episode\": 2 } }"
#define E5	"  \"" G(5) "\": { \"hidden\": true }"
#define E7	"  \"" G(7) "\": { \"description\": \"Seven's own words\" }"
#define E9	"  \"" G(9) "\": { \"title\": \"not in the catalog\" }"

/*
 * The entries of guids[] as overlay a (and its trace ta) has them, kept in
 * a delta and laid over the merge of old (model_overlay_edits): the same
 * model and trace as a.
 */
static void
edits_case(const char *name, const char *old, const struct model *a,
    const struct model_image_meta *ta, const char *const *guids, size_t n)
{
	static struct model_delta d;
	struct model c;
	struct model_image_meta tc;
	char err[256], why[256];
	size_t k, r;
	int ok = 1;

	memset(&d, 0, sizeof(d));
	for (k = 0; k < n; k++) {
		const struct model_image_row *t = NULL;
		const struct video *v;

		for (r = 0; r < ta->nrows; r++)
			if (strcmp(ta->rows[r].guid, guids[k]) == 0)
				t = &ta->rows[r];
		v = t != NULL && t->video != MODEL_IMAGE_NONE ? &a->videos[t->video] : NULL;
		ok &= t != NULL && model_delta_add_edit(&d, guids[k], t->flags &
		    (MODEL_IMAGE_TITLE_ENTRY | MODEL_IMAGE_DESC_ENTRY), v != NULL ? v->title : "",
		    v != NULL ? v->description : "") == 0;
	}
	if (!ok || merge(&c, &tc, old, base, 1, NULL) != 0) {
		CHECK(0, "%s: the delta and the merge", name);
		return;
	}
	CHECK(model_overlay_edits(&c, &tc, &d, err, sizeof(err)) == 1,
	    "%s: the delta's entries laid over (%s)", name, err);
	CHECK(model_same(&c, a, why, sizeof(why)), "%s: the delta's entries give the overlay's "
	    "model (%s)", name, why);
	CHECK(trace_same(&tc, ta), "%s: ... and its trace (the rows' flags)", name);
	release(&c, &tc);
}

/* The index of guid's entry in c (it has one). */
static size_t
entry_at(const struct content *c, const char *guid)
{
	const struct content_entry *e = content_find(c, guid);

	if (e == NULL)
		exit(1);
	return (size_t)(e - c->entries);
}

/*
 * content/ edited from old to now (its all.json), the entries of guids[]
 * edited in place: laid over the merge of old (model_overlay_entries),
 * compared with the merge of now, and with model_diff's list; want 1, or
 * 0 (refused: the model and trace as they were).  rows: whether the
 * catalog's rows of those GUIDs are given (a text dropped needs them).
 */
static void
entry_case(const char *old, const char *root, const char *name, const char *now,
    const char *const *guids, size_t n, int rows_given, int want)
{
	struct reporter quiet = { NULL, NULL };
	struct model a, b, before;
	struct model_image_meta ta, tb, tbefore;
	struct content co, cn;
	struct content_snap_edits ed;
	struct catalog_rows rows;
	struct spec pick[NROWS];
	char dir[600], err[256], why[256];
	uint32_t *changed = NULL, *diff = NULL;
	size_t k, j, np = 0, nchanged = 0, ndiff = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/now", root);
	fixture_write(dir, "videos/all.json", now);
	if (merge(&a, &ta, old, base, 1, NULL) != 0 || merge(&b, &tb, dir, base, 1, NULL) != 0 ||
	    merge(&before, &tbefore, old, base, 1, NULL) != 0 ||
	    content_load(&co, old, &quiet, err, sizeof(err)) != 0 ||
	    content_load(&cn, dir, &quiet, err, sizeof(err)) != 0) {
		CHECK(0, "%s: the merges and loads", name);
		return;
	}
	memset(&ed, 0, sizeof(ed));
	for (k = 0; k < n; k++) {
		size_t at = entry_at(&co, guids[k]);

		ed.old[k] = co.entries[at];
		memset(&co.entries[at], 0, sizeof(co.entries[at]));	/* now ed's */
		ed.now[k] = entry_at(&cn, guids[k]);
		for (j = 0; j < NROWS; j++)
			if (strcmp(base[j].guid, guids[k]) == 0)
				pick[np++] = base[j];
	}
	ed.n = n;
	ed.ok = 1;
	make_rows(&rows, pick, rows_given ? np : 0, 1);
	rc = model_overlay_entries(&a, &ta, &cn, &ed, &rows, &changed, &nchanged, err,
	    sizeof(err));
	CHECK(rc == want, "%s: the overlay gives %d (%d)", name, want, rc);
	if (want == 1) {
		CHECK(model_same(&a, &b, why, sizeof(why)), "%s: the merge's model (%s)", name, why);
		CHECK(trace_same(&ta, &tb), "%s: the merge's trace (the rows' flags)", name);
		CHECK(model_diff(&before, &b, &diff, &ndiff) == 1 && ndiff == nchanged &&
		    (ndiff == 0 || memcmp(diff, changed, ndiff * sizeof(*diff)) == 0),
		    "%s: the videos changed are model_diff's (%zu, %zu)", name, nchanged, ndiff);
		edits_case(name, old, &a, &ta, guids, n);
	} else {
		CHECK(model_same(&a, &before, why, sizeof(why)), "%s: the model as it was (%s)",
		    name, why);
		CHECK(trace_same(&ta, &tbefore), "%s: the trace as it was", name);
	}
	free(changed);
	free(diff);
	content_snap_edits_free(&ed);
	catalog_rows_free(&rows);
	content_free(&co);
	content_free(&cn);
	release(&a, &ta);
	release(&b, &tb);
	release(&before, &tbefore);
}

static void
test_entry_overlays(const char *old, const char *root)
{
	static const char *const g2[] = { G(2) }, *const g5[] = { G(5) }, *const g7[] = { G(7) },
	    *const g27[] = { G(2), G(7) };
	char dir[600];

	snprintf(dir, sizeof(dir), "%s/now", root);
	fixture_mkdir(root, "now");
	fixture_mkdir(dir, "videos");
	fixture_write(dir, "site.json",
	    "{ \"cdn_host\": \"site.example\",\n"
	    "  \"categories\": [ { \"slug\": \"art\", \"name\": \"Art\" } ],\n"
	    "  \"series\": { \"s\": { \"title\": \"S\" } } }\n");
	entry_case(old, root, "a title edited", "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited again\", \"tags\": [\"solo\"],\n"
	    "      \"series\": { \"slug\": \"s\", \"season\": 1, \"episode\": 2 } },\n"
	    E5 ",\n" E7 " } }\n", g2, 1, 0, 1);
	entry_case(old, root, "a description edited", "{ \"videos\": {\n" E2 ",\n" E5 ",\n"
	    "  \"" G(7) "\": { \"description\": \"Seven's new words\" } } }\n", g7, 1, 0, 1);
	entry_case(old, root, "a title added", "{ \"videos\": {\n" E2 ",\n" E5 ",\n"
	    "  \"" G(7) "\": { \"description\": \"Seven's own words\", \"title\": \"7\" } } }\n",
	    g7, 1, 0, 1);
	entry_case(old, root, "a description dropped: the row's back", "{ \"videos\": {\n"
	    E2 ",\n" E5 ",\n  \"" G(7) "\": {} } }\n", g7, 1, 1, 1);
	entry_case(old, root, "a description dropped, no row given: refused", "{ \"videos\": {\n"
	    E2 ",\n" E5 ",\n  \"" G(7) "\": {} } }\n", g7, 1, 0, 0);
	entry_case(old, root, "a hidden video titled: its row's flags only", "{ \"videos\": {\n"
	    E2 ",\n  \"" G(5) "\": { \"hidden\": true, \"title\": \"5\" },\n" E7 " } }\n",
	    g5, 1, 0, 1);
	entry_case(old, root, "the same entry, spelt otherwise", "{ \"videos\": {\n" E2 ",\n"
	    E5 ",\n  \"" G(7) "\": {\"description\":\"Seven's own words\"} } }\n", g7, 1, 0, 1);
	entry_case(old, root, "other tags: refused", "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited\", \"tags\": [\"solo\", \"duo\"],\n"
	    "      \"series\": { \"slug\": \"s\", \"season\": 1, \"episode\": 2 } },\n"
	    E5 ",\n" E7 " } }\n", g2, 1, 0, 0);
	entry_case(old, root, "another episode: refused", "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited\", \"tags\": [\"solo\"],\n"
	    "      \"series\": { \"slug\": \"s\", \"season\": 1, \"episode\": 3 } },\n"
	    E5 ",\n" E7 " } }\n", g2, 1, 0, 0);
	entry_case(old, root, "now hidden: refused", "{ \"videos\": {\n" E2 ",\n" E5 ",\n"
	    "  \"" G(7) "\": { \"description\": \"Seven's own words\", \"hidden\": true } } }\n",
	    g7, 1, 0, 0);
	entry_case(old, root, "one refusal refuses all", "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited\", \"tags\": [\"solo\"],\n"
	    "      \"series\": { \"slug\": \"s\", \"season\": 2, \"episode\": 2 } },\n"
	    E5 ",\n  \"" G(7) "\": { \"description\": \"Seven's new words\" } } }\n", g27, 2, 0, 0);
	entry_case(old, root, "two titles and descriptions", "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"2\", \"description\": \"two\", \"tags\": [\"solo\"],\n"
	    "      \"series\": { \"slug\": \"s\", \"season\": 1, \"episode\": 2 } },\n"
	    E5 ",\n  \"" G(7) "\": { \"title\": \"7\" } } }\n", g27, 2, 1, 1);
}

int
main(void)
{
	char dir[512], root[512];

	fixture_tmpdir(dir, sizeof(dir), "test_model_overlay");
	fixture_write(dir, "site.json",
	    "{ \"cdn_host\": \"site.example\",\n"
	    "  \"categories\": [ { \"slug\": \"art\", \"name\": \"Art\" } ],\n"
	    "  \"series\": { \"s\": { \"title\": \"S\" } } }\n");
	fixture_mkdir(dir, "videos");
	fixture_write(dir, "videos/all.json",
	    "{ \"videos\": {\n"
	    "  \"" G(2) "\": { \"title\": \"Two, edited\", \"tags\": [\"solo\"],\n"
	    "      \"series\": { \"slug\": \"s\", \"season\": 1, \"episode\": 2 } },\n"
	    "  \"" G(5) "\": { \"hidden\": true },\n"
	    "  \"" G(7) "\": { \"description\": \"Seven's own words\" } } }\n");
	test_overlays(dir);
	fixture_tmpdir(root, sizeof(root), "test_model_overlay_entries");
	test_entry_overlays(dir, root);
	/* an entry for a GUID the catalog lacks: the merge warns of it, naming its file */
	fixture_write(dir, "videos/all.json",
	    "{ \"videos\": {\n" E2 ",\n" E5 ",\n" E7 ",\n" E9 " } }\n");
	{
		static const char *const g9[] = { G(9) };

		entry_case(dir, root, "a GUID not in the catalog: refused", "{ \"videos\": {\n" E2
		    ",\n" E5 ",\n" E7 ",\n  \"" G(9) "\": { \"title\": \"still not\" } } }\n",
		    g9, 1, 0, 0);
	}
	{
		static struct model_delta d;
		struct model m, before;
		struct model_image_meta t, tbefore;
		char err[256], why[256];

		memset(&d, 0, sizeof(d));
		if (model_delta_add_edit(&d, G(2), MODEL_IMAGE_TITLE_ENTRY, "2", "") != 0 ||
		    model_delta_add_edit(&d, G(9), MODEL_IMAGE_TITLE_ENTRY, "9", "") != 0 ||
		    merge(&m, &t, dir, base, 1, NULL) != 0 ||
		    merge(&before, &tbefore, dir, base, 1, NULL) != 0) {
			CHECK(0, "a delta's GUID not in the image: the delta and the merges");
		} else {
			CHECK(model_overlay_edits(&m, &t, &d, err, sizeof(err)) == 0,
			    "a delta's GUID not in the image: refused");
			CHECK(model_same(&m, &before, why, sizeof(why)) && trace_same(&t, &tbefore),
			    "a delta's GUID not in the image: the model and trace as they were (%s)",
			    why);
			release(&m, &t);
			release(&before, &tbefore);
		}
	}
	return check_report();
}
