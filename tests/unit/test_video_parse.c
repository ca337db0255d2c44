/*
 * test_video_parse.c — VideoModel / envelope parsing (table-driven), Bunny
 * dates, and the text helpers (UTF-8 repair, slugs, GUIDs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "check.h"
#include "textutil.h"
#include "video_parse.h"

#define G "3F6C2A1E-9B8D-4C7E-A5F4-1D2E3C4B5A69"

static const struct {
	const char	*json;
	int		 ok;
	const char	*want;	/* substring of err, or of the title when ok */
} videos[] = {
	{ "{\"guid\":\"" G "\",\"title\":\"<b>x</b>\"}", 1, "<b>x</b>" },
	{ "{\"guid\":\"" G "\",\"title\":null,\"description\":null,\"captions\":null,"
	  "\"chapters\":null,\"metaTags\":null,\"dateUploaded\":null,\"length\":null}", 1, "" },
	{ "{\"guid\":\"" G "\"}", 1, "" },
	{ "{\"title\":\"no guid\"}", 0, "valid \"guid\"" },
	{ "{\"guid\":\"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a6\"}", 0, "valid \"guid\"" },
	{ "{\"guid\":\"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69x\"}", 0, "valid \"guid\"" },
	{ "{\"guid\":\"../../etc/passwd-aaaa-bbbb-cccccccccccc\"}", 0, "valid \"guid\"" },
	{ "{\"guid\":5}", 0, "valid \"guid\"" },
	{ "[1,2]", 0, "not a JSON object" },
	{ "{\"guid\":\"" G "\",\"title\":5}", 0, "\"title\" is not a string" },
	{ "{\"guid\":\"" G "\",\"length\":\"5\"}", 0, "\"length\" is not a number" },
	{ "{\"guid\":\"" G "\",\"length\":1.5}", 0, "\"length\" is not an integer" },
	{ "{\"guid\":\"" G "\",\"length\":-1}", 0, "\"length\" is not an integer" },
	{ "{\"guid\":\"" G "\",\"views\":1e300}", 0, "\"views\" is not an integer" },
	{ "{\"guid\":\"" G "\",\"dateUploaded\":\"yesterday\"}", 0, "dateUploaded" },
	{ "{\"guid\":\"" G "\",\"captions\":{}}", 0, "\"captions\" is not an array" },
	{ "{\"guid\":\"" G "\",\"captions\":[5]}", 0, "captions entry" },
	{ "{\"guid\":\"" G "\",\"captions\":[{\"srclang\":\"../x\",\"label\":\"L\"}]}", 0,
	  "srclang is not a language tag" },
	{ "{\"guid\":\"" G "\",\"chapters\":[{\"title\":\"t\",\"start\":\"0\"}]}", 0,
	  "\"start\" is not a number" },
	{ "{\"guid\":\"" G "\",\"thumbnailFileName\":\"../x.jpg\"}", 0, "not a file name" },
	{ "{\"guid\":\"" G "\",\"metaTags\":[1]}", 0, "metaTags entry" },
	{ "{\"guid\":\"" G "\",\"status\":999}", 0, "\"status\"" },
};

static void
test_videos(void)
{
	struct bunny_video v;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(videos) / sizeof(videos[0]); i++) {
		cJSON *j = cJSON_Parse(videos[i].json);
		int rc;

		err[0] = '\0';
		rc = video_parse(j, &v, err, sizeof(err));
		if (videos[i].ok)
			CHECK(rc == 0 && strcmp(v.title, videos[i].want) == 0 &&
			    strcmp(v.guid, "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69") == 0 &&
			    v.description != NULL && v.thumbnail != NULL && v.collection != NULL &&
			    v.meta_tags != NULL, "video %zu parses (guid lower-cased, no NULL strings)", i);
		else
			CHECK(rc == -1 && strstr(err, videos[i].want) != NULL && v.title == NULL,
			    "video %zu refused: %s", i, err);
		bunny_video_free(&v);
		cJSON_Delete(j);
	}
}

static void
test_full(void)
{
	const char *json = "{\"guid\":\"" G "\",\"title\":\"T\",\"description\":\"D\","
	    "\"dateUploaded\":\"2025-11-03T18:22:41.317\",\"views\":15342,\"length\":754,"
	    "\"status\":4,\"width\":1920,\"height\":1080,\"thumbnailFileName\":\"thumbnail_2.jpg\","
	    "\"collectionId\":\"c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d\","
	    "\"captions\":[{\"srclang\":\"en\",\"label\":\"English\",\"version\":2}],"
	    "\"chapters\":[{\"title\":\"A\",\"start\":0,\"end\":95},{\"title\":\"B\",\"start\":95,\"end\":410}],"
	    "\"metaTags\":[{\"property\":\"description\",\"value\":\"x\"},"
	    "{\"property\":\"keywords\",\"value\":\"a,b\"},{\"property\":\"Tags\",\"value\":\"c\"}],"
	    "\"unknownField\":{\"deep\":[1,2,3]}}";
	struct bunny_video v;
	cJSON *j = cJSON_Parse(json);
	char err[256];

	CHECK(video_parse(j, &v, err, sizeof(err)) == 0, "full VideoModel parses");
	CHECK(v.uploaded == 1762194161 && v.views == 15342 && v.length == 754 && v.status == 4 &&
	    v.width == 1920 && v.height == 1080, "numbers and date");
	CHECK_STR(v.thumbnail, "thumbnail_2.jpg", "thumbnail");
	CHECK_STR(v.collection, "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", "collection");
	CHECK_STR(v.meta_tags, "a,b,c", "keywords and tags metaTags joined, description ignored");
	CHECK(v.ncaptions == 1 && strcmp(v.captions[0].label, "English") == 0, "captions");
	CHECK(v.nchapters == 2 && v.chapters[1].start == 95 && v.chapters[1].end == 410, "chapters");
	bunny_video_free(&v);
	bunny_video_free(&v);	/* accepts a zeroed struct */
	cJSON_Delete(j);
}

static void
test_page(void)
{
	struct bunny_page p;
	char err[256];
	cJSON *j;

	j = cJSON_Parse("{\"totalItems\":37,\"currentPage\":2,\"itemsPerPage\":5,\"items\":[{},{}]}");
	CHECK(page_parse(j, &p, err, sizeof(err)) == 0 && p.total == 37 && p.current == 2 &&
	    p.per_page == 5 && cJSON_GetArraySize(p.items) == 2, "envelope");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"totalItems\":0,\"currentPage\":1,\"itemsPerPage\":100,\"items\":null}");
	CHECK(page_parse(j, &p, err, sizeof(err)) == 0 && cJSON_GetArraySize(p.items) == 0,
	    "items null is an empty page");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"currentPage\":1,\"items\":[]}");
	CHECK(page_parse(j, &p, err, sizeof(err)) == -1 && strstr(err, "totalItems") != NULL,
	    "no totalItems refused");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"totalItems\":1,\"items\":{}}");
	CHECK(page_parse(j, &p, err, sizeof(err)) == -1, "items not an array refused");
	cJSON_Delete(j);
	j = cJSON_Parse("[]");
	CHECK(page_parse(j, &p, err, sizeof(err)) == -1, "an array is not an envelope");
	cJSON_Delete(j);
}

static const struct {
	const char	*in;
	int		 ok;
	long long	 want;
} dates[] = {
	{ "1970-01-01T00:00:00", 1, 0 },
	{ "2025-11-03T18:22:41.317", 1, 1762194161 },
	{ "2025-11-03T18:22:41.3170000", 1, 1762194161 },
	{ "2025-11-03T18:22:41Z", 1, 1762194161 },
	{ "2025-11-03T20:22:41+02:00", 1, 1762194161 },
	{ "2025-11-03T16:22:41.5-02:00", 1, 1762194161 },
	{ "2024-02-29T00:00:00", 1, 1709164800 },
	{ "2025-11-03T18:22:41.31700000", 0, 0 },
	{ "2025-13-03T18:22:41", 0, 0 },
	{ "2025-11-32T18:22:41", 0, 0 },
	{ "2025-11-03", 0, 0 },
	{ "2025-11-03T18:22:41.", 0, 0 },
	{ "2025-11-03T18:22:41+0200", 0, 0 },
	{ "", 0, 0 },
};

static void
test_dates(void)
{
	size_t i;
	int64_t t;

	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int rc = bunny_parse_date(dates[i].in, &t);
		if (dates[i].ok)
			CHECK(rc == 0 && t == dates[i].want, "date \"%s\" = %lld", dates[i].in,
			    dates[i].want);
		else
			CHECK(rc == -1, "date \"%s\" refused", dates[i].in);
	}
}

static const struct {
	const char *in, *want;
} slugs[] = {
	{ "Night Life", "night-life" },
	{ "  RAW  ", "raw" },
	{ "Café Noir — Ünïcödé", "cafe-noir-unicode" },
	{ "Straße Æsir Œuvre", "strasse-aesir-oeuvre" },
	{ "Director's Cut", "directors-cut" },
	{ "Łódź ŻÓŁW", "lodz-zolw" },
	{ "<script>alert(1)</script>", "script-alert-1-script" },
	{ "a--b__c", "a-b-c" },
	{ "東京の夜", "" },
	{ "🎬🔥", "" },
	{ "e\xcc\x81t\xc3\xa9", "ete" },	/* combining acute, then precomposed */
	{ "bad \xff\xfe bytes", "bad-bytes" },
	{ "../../etc", "etc" },
};

static void
test_text(void)
{
	char out[SLUG_MAX + 1], g[37], *s;
	size_t i;

	for (i = 0; i < sizeof(slugs) / sizeof(slugs[0]); i++) {
		text_slugify(slugs[i].in, out, sizeof(out));
		CHECK_STR(out, slugs[i].want, "slug of \"%s\"", slugs[i].in);
		CHECK(out[0] == '\0' || slug_ok(out), "slug %zu is a valid slug", i);
	}
	{
		char longer[400];
		memset(longer, 'a', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		CHECK(text_slugify(longer, out, sizeof(out)) == SLUG_MAX, "slugs are capped at %d", SLUG_MAX);
	}
	CHECK(slug_ok("a-b1") && !slug_ok("A") && !slug_ok("-a") &&
	    !slug_ok("a-") && !slug_ok("a--b") && !slug_ok("") &&
	    !slug_ok("a b"), "slug_ok (the core's grammar; more in test_core_grammar)");
	CHECK(guid_norm(G, strlen(G), g) && strcmp(g, "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69") == 0,
	    "GUID lower-cased");
	{
		static const char bad[] = "ok \xff \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82 é 🎬";
		s = text_utf8_dup(bad, sizeof(bad) - 1);
	}
	CHECK_STR(s, "ok \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd é 🎬",
	    "invalid UTF-8 (stray, overlong, surrogate, > U+10FFFF, truncated) becomes U+FFFD");
	free(s);
	s = text_utf8_dup("a\0b", 3);
	CHECK_STR(s, "ab", "NUL bytes dropped");
	free(s);
	s = text_utf8_dup("Caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x8e\xac ascii", 20);
	CHECK_STR(s, "Caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x8e\xac ascii",
	    "valid UTF-8 is copied as it is (the fast path)");
	free(s);
	s = text_utf8_dup("valid prefix \xc3\xa9 then \xff", 22);
	CHECK_STR(s, "valid prefix \xc3\xa9 then \xef\xbf\xbd",
	    "an invalid byte after a valid prefix still becomes U+FFFD");
	free(s);
	CHECK(text_casecmp("RaW", "raw") == 0 && text_casecmp("raw", "rawx") != 0, "text_casecmp");
}

int
main(void)
{
	test_videos();
	test_full();
	test_page();
	test_dates();
	test_text();
	return check_report();
}
