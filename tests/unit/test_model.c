/*
 * test_model.c — what `onlygen build` loads: catalog.db (written by
 * catalog_write from the shared sample page, read by catalog_read) merged
 * with a content/ directory by model_merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "catalog_fixture.h"
#include "catalog_read.h"
#include "content.h"
#include "model.h"
#include "model_merge.h"

#define TOM	"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
#define CAFE	"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define ROUGH	"5b2f1c3d-7e8a-4b9c-8d0e-1f2a3b4c5d6e"
#define SHORT	"d9d9ab1f-fc9f-4488-9c26-4ffc653c0024"
#define LIVE	"eb1c4f77-0cda-46be-b47d-1118ad7c2ffe"

static const char site_json[] =
    "{ \"title\": \"Matt <Only>\", \"base_url\": \"https://example.com/\",\n"
    "  \"language\": \"fr\", \"cdn_host\": \"vz-test-1.b-cdn.net\",\n"
    "  \"url_style\": \"html\", \"page_size\": 24,\n"
    "  \"defaults\": { \"access\": \"vip\" },\n"
    "  \"categories\": [\n"
    "    { \"slug\": \"solo\", \"name\": \"SOLO\", \"order\": 5 },\n"
    "    { \"slug\": \"raw\", \"name\": \"RAW\", \"colour\": \"#e50914\", \"order\": 1 },\n"
    "    { \"slug\": \"art\", \"name\": \"ART\", \"order\": 2, \"icon\": \"✦\" } ],\n"
    "  \"series\": { \"tokyo-nights\": { \"title\": \"Tokyo Nights\" } },\n"
    "  \"tags\": { \"tokyo\": { \"name\": \"Tōkyō\" } } }\n";

static const char cafe_json[] =
    "{ \"categories\": [\"ART\", \"raw\"], \"tags\": [\"Night Life\", \"tokyo\", \"東京\"],\n"
    "  \"series\": { \"slug\": \"tokyo-nights\", \"season\": 1, \"episode\": 2 },\n"
    "  \"access\": \"public\", \"featured\": true, \"title\": \"Override <b>\" }\n";

static const char group_json[] =
    "{ \"videos\": {\n"
    "  \"" SHORT "\": { \"hidden\": true },\n"
    "  \"" LIVE "\": { \"access\": \"ppv\", \"tags\": [], \"series\": \"q-and-a\" } } }\n";

/* The warnings of one load, one per line ("warning: MSG"). */
struct warnings {
	char	text[8192];
	size_t	len;
};

static void
collect(void *arg, enum report_level level, const char *msg)
{
	struct warnings *w = arg;
	int n;

	n = snprintf(w->text + w->len, sizeof(w->text) - w->len, "%s%s\n",
	    level == REPORT_WARNING ? "warning: " : "", msg);
	if (n > 0 && (size_t)n < sizeof(w->text) - w->len)
		w->len += (size_t)n;
}

/*
 * content/, the catalog's rows, merged: what onlygen build does.  cdn_host
 * is BUNNY_CDN_HOSTNAME (may be NULL); warnings go to w (NULL: dropped).
 */
static int
model_load(struct model *m, const char *db, const char *dir, const char *cdn_host,
    struct warnings *w, char *err, size_t errlen)
{
	struct reporter r = { w != NULL ? collect : NULL, w };
	struct model_opts o = { cdn_host, &r, NULL, 0 };
	struct catalog_rows rows;
	struct content c;
	int rc;

	memset(m, 0, sizeof(*m));
	if (content_load(&c, dir, &r, err, errlen) != 0)
		return -1;
	if (catalog_read(db, &rows, NULL, err, errlen) != 0) {
		content_free(&c);
		return -1;
	}
	rc = model_merge(m, &c, &rows, &o, err, errlen);
	catalog_rows_free(&rows);
	content_free(&c);
	return rc;
}

static void
make_catalog(const char *db)
{
	struct bunny_video v[8];
	struct bunny_collection cols[2] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
		{ "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", (char *)"Lives" },
	};
	struct catalog_counts counts;
	char digest[65], err[512];
	size_t n, i;

	n = fixture_sample_videos(v, 8);
	if (catalog_write(db, v, n, cols, 2, "", &counts, digest, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
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
test_merge(const char *dir, const char *db)
{
	struct model m;
	const struct video *v;
	char err[512], digest[65];
	int exists;

	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == 0, "model_load succeeds (%s)", err);
	CHECK_STR(m.site.title, "Matt <Only>", "site title kept raw");
	CHECK_STR(m.site.base_url, "https://example.com", "base_url without trailing slash");
	CHECK_STR(m.site.language, "fr", "language");
	CHECK_STR(m.site.theme, "default", "theme defaults to default");
	CHECK(m.site.html_urls == 1 && m.site.page_size == 24, "url_style html, page_size 24");
	CHECK(m.site.default_access == ACCESS_VIP, "default access vip");
	CHECK(m.ncategories == 3, "three categories");
	CHECK_STR(m.categories[0].slug, "raw", "categories sorted by order: raw first");
	CHECK_STR(m.categories[1].slug, "art", "then art");
	CHECK_STR(m.categories[2].slug, "solo", "then solo");
	CHECK_STR(m.categories[0].colour, "#e50914", "colour");
	CHECK_STR(m.categories[2].icon, "", "absent icon is \"\"");
	CHECK(m.nvideos == 3, "4 Finished videos, one hidden: 3 published (got %zu)", m.nvideos);
	CHECK(find(&m, ROUGH) == NULL, "status 3 (Transcoding) is not published");
	CHECK(find(&m, SHORT) == NULL, "hidden video is not published");
	CHECK(m.nvideos == 3 && strcmp(m.videos[0].guid, TOM) == 0 &&
	    strcmp(m.videos[1].guid, CAFE) == 0 && strcmp(m.videos[2].guid, LIVE) == 0,
	    "newest first");
	CHECK(catalog_meta_get(db, "digest", digest, sizeof(digest), &exists, err,
	    sizeof(err)) == 0 && strcmp(digest, m.digest) == 0, "digest from the catalog");
	CHECK(strlen(m.digest) == 64, "digest is 64 hex digits");

	if ((v = find(&m, TOM)) != NULL) {
		CHECK_STR(v->title, "Tom & Jerry's <Best> \"Chase\" Scenes", "title raw");
		CHECK(v->access == ACCESS_VIP, "no entry: default access");
		CHECK(v->ncategories == 1 && v->categories[0] == 1,
		    "no entry: category from the collection name (art)");
		CHECK(v->ntags == 3, "no entry: tags from metaTags keywords (%zu)", v->ntags);
		if (v->ntags == 3) {
			CHECK_STR(m.tags[v->tags[0]].slug, "cartoon", "keyword tag cartoon");
			CHECK_STR(m.tags[v->tags[2]].slug, "comedy", "keyword tag comedy");
		}
		CHECK(v->ncaptions == 2, "two captions");
		if (v->ncaptions == 2) {
			CHECK_STR(v->captions[0].srclang, "en", "caption order kept");
			CHECK_STR(v->captions[1].label, "Deutsch", "caption label");
		}
		CHECK(v->nchapters == 3 && v->chapters[1].start == 95 && v->chapters[1].end == 410,
		    "chapters");
		CHECK(v->length == 754 && v->width == 1920 && v->height == 1080 &&
		    v->views == 15342, "numbers");
		CHECK(v->uploaded == 1762194161, "dateUploaded as UTC seconds (%lld)",
		    (long long)v->uploaded);
		CHECK_STR(v->cdn_host, "vz-test-1.b-cdn.net", "cdn host from site.json");
		CHECK_STR(v->thumbnail, "thumbnail.jpg", "thumbnail");
		CHECK(v->series == -1 && !v->featured, "no series, not featured");
	} else
		CHECK(0, "video " TOM " published");

	if ((v = find(&m, CAFE)) != NULL) {
		CHECK_STR(v->title, "Override <b>", "title override");
		CHECK(strstr(v->description, "Tōkyō") != NULL, "description from Bunny");
		CHECK(v->access == ACCESS_PUBLIC && v->featured, "access and featured from entry");
		CHECK(v->ncategories == 2 && v->categories[0] == 1 && v->categories[1] == 0,
		    "categories by name and slug, case-insensitive, in entry order");
		CHECK(v->ntags == 3, "three tags");
		CHECK(v->series >= 0 && strcmp(m.series[v->series].title, "Tokyo Nights") == 0 &&
		    v->season == 1 && v->episode == 2, "series, season, episode");
		CHECK_STR(v->thumbnail, "thumbnail_2.jpg", "thumbnail file name");
	} else
		CHECK(0, "video " CAFE " published");

	if ((v = find(&m, LIVE)) != NULL) {
		CHECK(v->access == ACCESS_PPV, "group file entry: ppv");
		CHECK(v->ntags == 0, "an empty tags list overrides metaTags");
		CHECK(v->ncategories == 0, "collection named like no category: none");
		CHECK(v->series >= 0 && strcmp(m.series[v->series].slug, "q-and-a") == 0 &&
		    strcmp(m.series[v->series].title, "q and a") == 0,
		    "series not in site.json: title from the slug");
	} else
		CHECK(0, "video " LIVE " published");

	/* Tags: sorted by slug, names from site.json, the text, or the slug. */
	CHECK(m.ntags == 6, "6 distinct tags (%zu)", m.ntags);
	if (m.ntags == 6) {
		CHECK_STR(m.tags[0].slug, "cartoon", "tags sorted: cartoon");
		CHECK_STR(m.tags[3].slug, "night-life", "free-text tag slugified");
		CHECK_STR(m.tags[3].name, "Night Life", "free-text tag keeps its text as name");
		CHECK(strncmp(m.tags[4].slug, "tag-", 4) == 0, "non-ASCII tag gets a hash slug");
		CHECK_STR(m.tags[4].name, "東京", "non-ASCII tag keeps its name");
		CHECK_STR(m.tags[5].slug, "tokyo", "slug reference");
		CHECK_STR(m.tags[5].name, "Tōkyō", "site.json tag name");
	}
	model_free(&m);
	model_free(&m);	/* accepts a zeroed model */

	CHECK(model_load(&m, db, dir, "127.0.0.1:9999", NULL, err, sizeof(err)) == 0 &&
	    strcmp(m.site.cdn_host, "127.0.0.1:9999") == 0 && m.nvideos > 0 &&
	    strcmp(m.videos[0].cdn_host, "127.0.0.1:9999") == 0,
	    "the cdn_host option (BUNNY_CDN_HOSTNAME) overrides cdn_host");
	model_free(&m);
	setenv("BUNNY_CDN_HOSTNAME", "127.0.0.1:9999", 1);
	CHECK(model_load(&m, db, dir, "", NULL, err, sizeof(err)) == 0 &&
	    strcmp(m.site.cdn_host, "vz-test-1.b-cdn.net") == 0 && m.nvideos > 0 &&
	    strcmp(m.videos[0].cdn_host, "vz-test-1.b-cdn.net") == 0,
	    "the model reads no environment; an empty cdn_host option is no override");
	unsetenv("BUNNY_CDN_HOSTNAME");
	model_free(&m);
}

/* Writes content/videos/bad.json with text and expects model_load to fail with want. */
static void
expect_error(const char *dir, const char *db, const char *text, const char *want,
    const char *what)
{
	struct model m;
	char err[512], path[1024];

	fixture_write(dir, "videos/bad.json", text);
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == -1 && strstr(err, want) != NULL &&
	    strstr(err, "bad.json") != NULL, "%s (%s)", what, err);
	CHECK(m.nvideos == 0 && m.videos == NULL, "nothing loaded after an error");
	snprintf(path, sizeof(path), "%s/videos/bad.json", dir);
	unlink(path);
}

static void
test_errors(const char *dir, const char *db)
{
	struct model m;
	char err[512];

	expect_error(dir, db, "{ \"videos\": { \"" TOM "\": { \"categories\": [\"nope\"] } } }",
	    "unknown category \"nope\"", "unknown category is an error");
	expect_error(dir, db, "{ \"videos\": { \"" TOM "\": { \"access\": \"free\" } } }",
	    "\"access\" must be", "bad access level is an error");
	expect_error(dir, db, "{ \"videos\": { \"" TOM "\": { \"tags\": \"a,b\" } } }",
	    "must be an array of strings", "wrong type is an error");
	expect_error(dir, db, "{ \"videos\": { \"" TOM "\": { \"featured\": 1 } } }",
	    "true or false", "featured must be a boolean");
	expect_error(dir, db, "{ \"videos\": {\n  \"" TOM "\": { \"tags\": [\"a\",] } } }",
	    "bad.json:2:", "syntax error gives FILE:LINE:COL");
	expect_error(dir, db, "{ \"videos\": { \"" CAFE "\": {} } }",
	    "another entry", "two entries for one GUID is an error");

	CHECK(model_load(&m, "/nonexistent/catalog.db", dir, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "onlygen pull") != NULL, "no catalog: says to pull (%s)", err);
	fixture_write(dir, "site.json", "{ \"title\": 5 }");
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "site.json:1:12: \"title\" must be a string") != NULL,
	    "site.json wrong type, at the value's FILE:LINE:COL (%s)", err);
	fixture_write(dir, "site.json", "{ \"categories\": [ { \"slug\": \"Bad Slug\" } ] }");
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "must be lower-case") != NULL, "bad category slug (%s)", err);
	fixture_write(dir, "site.json", "{ \"defaults\": { \"access\": \"all\" } }");
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "defaults") != NULL, "bad default access (%s)", err);

	/* purchase_url: an http(s) URL or a site path, nothing that could
	 * leave an attribute or name another host. */
	{
		static const char *const bad[] = { "javascript:alert(1)", "//evil.example/",
		    "https://", "ftp://x.test/", "/a b", "/a\\\"b", "https://x.test/<p>", "shop" };
		static const char *const good[] = { "https://shop.test/buy?ref=a&b=1", "http://x.test",
		    "/buy/", "/" };
		char json[256];
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(json, sizeof(json), "{ \"purchase_url\": \"%s\" }", bad[i]);
			fixture_write(dir, "site.json", json);
			CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == -1 &&
			    strstr(err, "purchase_url") != NULL, "purchase_url %s refused (%s)", bad[i], err);
		}
		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			snprintf(json, sizeof(json), "{ \"purchase_url\": \"%s\" }", good[i]);
			fixture_write(dir, "site.json", json);
			if (model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) != 0) {
				CHECK(0, "purchase_url %s kept (%s)", good[i], err);
				continue;
			}
			CHECK(strcmp(m.site.purchase_url, good[i]) == 0, "purchase_url %s kept", good[i]);
			model_free(&m);
		}
	}

	/* base_url: the same rule as --base-url, at the value's line:col. */
	{
		static const char *const bad[] = { "javascript:alert(1)", "//evil.example",
		    "https://x.test/?a=1", "https://x.test/#top", "https://x.test/a b",
		    "https://x.test/\\\"", "/relative" };
		static const char *const good[] = { "https://x.test", "http://127.0.0.1:8080",
		    "https://x.test/sub" };
		char json[256];
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(json, sizeof(json), "{\n  \"base_url\": \"%s\" }", bad[i]);
			fixture_write(dir, "site.json", json);
			CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == -1 &&
			    strstr(err, "site.json:2:15: \"base_url\" must be") != NULL,
			    "base_url %s refused at 2:15 (%s)", bad[i], err);
		}
		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			snprintf(json, sizeof(json), "{ \"base_url\": \"%s/\" }", good[i]);
			fixture_write(dir, "site.json", json);
			if (model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) != 0) {
				CHECK(0, "base_url %s kept (%s)", good[i], err);
				continue;
			}
			CHECK(strcmp(m.site.base_url, good[i]) == 0,
			    "base_url %s/ kept without its trailing slash", good[i]);
			model_free(&m);
		}
	}

	/* Defaults when site.json names no categories and no access. */
	fixture_write(dir, "site.json", "{ \"title\": \"t\", \"surprise\": 1 }");
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == 0 && m.ncategories == 5 &&
	    strcmp(m.categories[0].name, "RAW") == 0 && strcmp(m.categories[4].slug, "solo") == 0 &&
	    m.site.default_access == ACCESS_VIP && m.site.page_size == 48 &&
	    m.site.purchase_url[0] == '\0',
	    "default categories RAW..SOLO, access vip, page size 48, no purchase_url (%s)", err);
	model_free(&m);
}

/* Warnings go to the caller's reporter, one message each, naming the file. */
static void
test_warnings(const char *dir, const char *db)
{
	struct model m;
	struct warnings w = { { 0 }, 0 };
	char err[512], path[700];

	fixture_write(dir, "videos/warn.json",
	    "{ \"videos\": { \"11111111-2222-4333-8444-555555555555\": {},\n"
	    "  \"" TOM "\": { \"colour\": \"red\" } } }");
	CHECK(model_load(&m, db, dir, NULL, &w, err, sizeof(err)) == 0,
	    "warnings are not errors (%s)", err);
	model_free(&m);
	CHECK(strstr(w.text, "warning: ") != NULL && strstr(w.text, "/videos/warn.json: video "
	    "11111111-2222-4333-8444-555555555555 is not in the catalog (deleted from Bunny, "
	    "or a typo?); entry ignored\n") != NULL, "unknown GUID: a warning naming the file");
	CHECK(strstr(w.text, "warn.json:2:55: video " TOM ": unknown field \"colour\" ignored\n")
	    != NULL, "unknown field: a warning naming the file, line and column");
	CHECK(strstr(w.text, "onlygen") == NULL, "the library adds no program prefix");
	/* The unknown-field warning comes from content/, before the merge's. */
	CHECK(strstr(w.text, "unknown field") < strstr(w.text, "is not in the catalog"),
	    "content/ warnings first, then the merge's");
	memset(&w, 0, sizeof(w));
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == 0 && w.len == 0,
	    "no reporter: no warnings, no output");
	model_free(&m);
	snprintf(path, sizeof(path), "%s/videos/warn.json", dir);
	unlink(path);
}

static long
tag_index(const struct model *m, const char *slug)
{
	size_t i;

	for (i = 0; i < m->ntags; i++)
		if (strcmp(m->tags[i].slug, slug) == 0)
			return (long)i;
	return -1;
}

/* Slug derivation and collisions: deterministic, "-2" suffixes, no merging of distinct names. */
static void
test_slugs(const char *db)
{
	struct model m;
	char dir[512], err[512];
	const struct video *v;
	long k;

	fixture_tmpdir(dir, sizeof(dir), "test_model_slugs");
	fixture_write(dir, "site.json",
	    "{ \"categories\": [ { \"name\": \"Ünï Cat\" }, { \"name\": \"uni-cat\" },\n"
	    "    { \"slug\": \"uni-cat\", \"name\": \"Explicit\" }, { \"name\": \"東京\" } ] }");
	fixture_mkdir(dir, "videos");
	fixture_write(dir, "videos/" CAFE ".json",
	    "{ \"tags\": [\"C++\", \"C#\", \"c++\", \"Café\", \"cafe\", \"night-life\",\n"
	    "  \"Night  Life\", \"東京\", \"日本\", \" \"] }");
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == 0, "slug fixture loads (%s)", err);
	CHECK(m.ncategories == 4 && strcmp(m.categories[0].slug, "uni-cat-2") == 0 &&
	    strcmp(m.categories[1].slug, "uni-cat-3") == 0 &&
	    strcmp(m.categories[2].slug, "uni-cat") == 0 &&
	    strcmp(m.categories[3].slug, "category-4") == 0,
	    "derived category slugs avoid explicit ones, then each other (-2, -3); non-ASCII: category-N");
	v = find(&m, CAFE);
	CHECK(v != NULL && v->ntags == 7, "9 references, 7 distinct tags (%zu)", v ? v->ntags : 0);
	CHECK((k = tag_index(&m, "c")) >= 0 && strcmp(m.tags[k].name, "C#") == 0,
	    "C# sorts first and gets \"c\"");
	CHECK((k = tag_index(&m, "c-2")) >= 0 && strcmp(m.tags[k].name, "C++") == 0,
	    "C++ is another tag: \"c-2\"");
	CHECK((k = tag_index(&m, "cafe")) >= 0 && strcmp(m.tags[k].name, "cafe") == 0,
	    "the slug reference keeps its slug");
	CHECK((k = tag_index(&m, "cafe-2")) >= 0 && strcmp(m.tags[k].name, "Café") == 0,
	    "Café collides: cafe-2");
	CHECK((k = tag_index(&m, "night-life")) >= 0 && strcmp(m.tags[k].name, "Night  Life") == 0,
	    "\"Night  Life\" is the tag night-life, and names it");
	model_free(&m);
	/* The same data gives the same slugs. */
	CHECK(model_load(&m, db, dir, NULL, NULL, err, sizeof(err)) == 0 && tag_index(&m, "c-2") >= 0 &&
	    tag_index(&m, "cafe-2") >= 0, "stable across loads");
	model_free(&m);
}

int
main(void)
{
	char dir[512], db[600];

	CHECK(access_level_parse("ppv", &(enum access_level){ 0 }) == 0 &&
	    access_level_parse("VIP", &(enum access_level){ 0 }) == -1 &&
	    access_level_parse(NULL, &(enum access_level){ 0 }) == -1, "access_level_parse");
	CHECK_STR(access_level_name(ACCESS_PPV), "ppv", "access_level_name");

	fixture_tmpdir(dir, sizeof(dir), "test_model");
	snprintf(db, sizeof(db), "%s/catalog.db", dir);
	make_catalog(db);
	fixture_write(dir, "site.json", site_json);
	fixture_mkdir(dir, "videos");
	fixture_write(dir, "videos/" CAFE ".json", cafe_json);
	fixture_write(dir, "videos/group.json", group_json);
	test_merge(dir, db);
	test_warnings(dir, db);
	test_errors(dir, db);
	test_slugs(db);
	return check_report();
}
