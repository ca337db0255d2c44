/*
 * test_demo_catalog.c — the bundled demo (demo/catalog, content/,
 * demo/media/map.json) read through the generator's own parsers: every
 * item parses as a Bunny VideoModel, content/ loads without error, each
 * finished video has an entry and a stream to play, and the sample covers
 * what `make run` and its end-to-end test rely on (the five categories,
 * public/vip/ppv, series, one featured video).  It must show the product:
 * each video's length is its clip's real length (demo/media/<clip>/length,
 * written by scripts/make-demo-media), its chapters lie inside it, its
 * thumbnail file exists; no title carries test markup (hostile titles live
 * in tests/fixtures); and no category reuses an access level's word (Free,
 * VIP, Pay-per-view), which viewers would read as the access level.
 * Run from the repository root (tests/run does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "content.h"
#include "jsonfile.h"
#include "video_parse.h"

#define MAX_VIDEOS	64

struct seen {
	char	guid[GUID_LEN + 1];
	int	finished;
	int64_t	length;
	char	thumbnail[64];
	int	chapters_ok;
};

/* The words of the access levels, as the site labels them and as codes say them. */
static const char *const access_words[] = { "free", "vip", "ppv", "pay-per-view",
    "pay per view", "public", NULL };

/* 1 when s contains one of access_words, case-insensitively. */
static int
names_access(const char *s)
{
	size_t i;

	for (i = 0; access_words[i] != NULL; i++)
		if (strcasestr(s, access_words[i]) != NULL)
			return 1;
	return 0;
}

/* The clip's length in seconds from demo/media/<stream>/length, or -1. */
static int64_t
clip_length(const char *stream)
{
	char path[512];
	long long n = -1;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "demo/media/%s/length", stream) >= sizeof(path) ||
	    (f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%lld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/* Chapters in order, each non-empty, inside [0, length]. */
static int
chapters_ok(const struct bunny_video *v)
{
	size_t i;

	for (i = 0; i < v->nchapters; i++) {
		const struct bunny_chapter *c = &v->chapters[i];

		if (c->title[0] == '\0' || c->start >= c->end || c->end > v->length ||
		    (i > 0 && c->start < v->chapters[i - 1].end))
			return 0;
	}
	return 1;
}

static int
has_file(const char *stream, const char *name)
{
	char path[512];
	int n;

	n = snprintf(path, sizeof(path), "demo/media/%s/%s", stream, name);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

static int
find_seen(const struct seen *s, size_t n, const char *guid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s[i].guid, guid) == 0)
			return (int)i;
	return -1;
}

int
main(void)
{
	char err[512];
	struct seen seen[MAX_VIDEOS];
	struct bunny_page page;
	struct content c;
	cJSON *root, *croot, *map, *item;
	size_t n = 0, nfinished = 0, nbad = 0, i, j;
	int counts[3] = { 0, 0, 0 }, featured = 0, markup = 0, maperr = 0, rc;
	int incat[8] = { 0 };
	size_t withchapters = 0, lenbad = 0, accessnamed = 0;
	const char *cats[5] = { "RAW", "ART", "SPECIALS", "DUO", "SOLO" };

	memset(&c, 0, sizeof(c));
	root = json_load_file("demo/catalog/videos-page-1.json", err, sizeof(err));
	CHECK(root != NULL, "demo/catalog/videos-page-1.json is valid JSON%s%s", root ? "" : ": ", root ? "" : err);
	if (root == NULL)
		return check_report();
	CHECK(page_parse(root, &page, err, sizeof(err)) == 0, "it is a List Videos page envelope");
	cJSON_ArrayForEach(item, page.items) {
		struct bunny_video v;

		memset(&v, 0, sizeof(v));
		if (video_parse(item, &v, err, sizeof(err)) != 0) {
			nbad++;
			printf("#   item %zu: %s\n", n, err);
			continue;
		}
		if (n < MAX_VIDEOS && find_seen(seen, n, v.guid) < 0) {
			memcpy(seen[n].guid, v.guid, sizeof(seen[n].guid));
			seen[n].finished = v.status == BUNNY_STATUS_FINISHED;
			seen[n].length = v.length;
			snprintf(seen[n].thumbnail, sizeof(seen[n].thumbnail), "%s",
			    v.thumbnail[0] ? v.thumbnail : "thumbnail.jpg");
			seen[n].chapters_ok = chapters_ok(&v);
			nfinished += (size_t)seen[n].finished;
			withchapters += seen[n].finished && v.nchapters >= 3;
			n++;
		} else {
			nbad++;
		}
		if (strpbrk(v.title, "<>") != NULL || strpbrk(v.description, "<>") != NULL ||
		    strcasestr(v.title, "xss") != NULL || strcasestr(v.description, "escaping") != NULL) {
			printf("#   %s: test markup in the title or description: %s\n", v.guid, v.title);
			markup++;
		}
		bunny_video_free(&v);
	}
	CHECK(nbad == 0, "every item parses as a VideoModel with a unique GUID (%zu bad)", nbad);
	CHECK(n == (size_t)page.total, "totalItems (%lld) matches the items (%zu)",
	    (long long)page.total, n);
	CHECK(nfinished >= 20 && nfinished < n, "%zu finished videos and %zu not finished",
	    nfinished, n - nfinished);
	CHECK(markup == 0, "no title or description carries test markup (%d do; hostile "
	    "titles belong in tests/fixtures)", markup);
	CHECK(withchapters >= 10, "at least ten finished videos have three or more chapters (%zu)",
	    withchapters);

	croot = json_load_file("demo/catalog/collections-page-1.json", err, sizeof(err));
	CHECK(croot != NULL, "demo/catalog/collections-page-1.json is valid JSON");
	if (croot != NULL && page_parse(croot, &page, err, sizeof(err)) == 0) {
		size_t k = 0, named = 0;

		cJSON_ArrayForEach(item, page.items) {
			struct bunny_collection col;

			memset(&col, 0, sizeof(col));
			if (collection_parse(item, &col, err, sizeof(err)) == 0) {
				for (j = 0; j < 5; j++)
					named += strcmp(col.name, cats[j]) == 0;
				if (names_access(col.name)) {
					printf("#   collection \"%s\" is named like an access level\n",
					    col.name);
					accessnamed++;
				}
				free(col.name);
			}
			k++;
		}
		CHECK(k == 5 && named == 5, "five collections named RAW ART SPECIALS DUO SOLO "
		    "(%zu/%zu)", named, k);
	}
	cJSON_Delete(croot);

	err[0] = '\0';
	rc = content_load(&c, "content", NULL, err, sizeof(err));
	CHECK(rc == 0, "content/ loads without error%s%s", rc ? ": " : "", rc ? err : "");
	CHECK(c.ncategories == 5, "content/site.json has five categories (%zu)", c.ncategories);
	for (j = 0; j < 5; j++)
		CHECK(content_find_category(&c, cats[j]) >= 0, "category %s is defined", cats[j]);
	CHECK(c.nseries >= 3, "at least three series (%zu)", c.nseries);
	for (j = 0; j < c.ncategories; j++)
		if (names_access(c.categories[j].slug) || names_access(c.categories[j].name)) {
			printf("#   category %s (%s) is named like an access level\n",
			    c.categories[j].slug, c.categories[j].name);
			accessnamed++;
		}
	for (j = 0; j < c.ntags; j++)
		if (names_access(c.tags[j].slug) || names_access(c.tags[j].name)) {
			printf("#   tag %s is named like an access level\n", c.tags[j].slug);
			accessnamed++;
		}
	CHECK(accessnamed == 0, "no collection, category or tag is named with an access level's "
	    "word (Free, VIP, Pay-per-view, PPV, public): %zu are", accessnamed);

	for (i = 0; i < n; i++) {
		const struct content_entry *e = content_find(&c, seen[i].guid);

		if (!seen[i].finished)
			continue;
		if (e == NULL || !e->has_access || e->ncategories == 0) {
			printf("#   %s: no entry, access or category in content/videos\n",
			    seen[i].guid);
			nbad++;
			continue;
		}
		counts[e->access]++;
		featured += e->featured;
		for (j = 0; j < e->ncategories; j++)
			if (e->categories[j] < 8)
				incat[e->categories[j]]++;
	}
	CHECK(nbad == 0, "every finished video has an entry with access and categories");
	CHECK(counts[ACCESS_PUBLIC] >= 3 && counts[ACCESS_VIP] >= 3 && counts[ACCESS_PPV] >= 2,
	    "a mix of access levels: %d public, %d vip, %d ppv", counts[ACCESS_PUBLIC],
	    counts[ACCESS_VIP], counts[ACCESS_PPV]);
	CHECK(featured == 1, "exactly one featured video (%d)", featured);
	for (j = 0; j < c.ncategories && j < 8; j++)
		CHECK(incat[j] >= 3, "category %s has at least three videos (%d)",
		    c.categories[j].name, incat[j]);
	for (j = 0; j < c.nentries; j++)
		if (find_seen(seen, n, c.entries[j].guid) < 0) {
			printf("#   %s in %s is not in the catalog\n", c.entries[j].guid,
			    c.entries[j].file);
			maperr++;
		}
	CHECK(maperr == 0, "every content entry names a catalog video");

	maperr = 0;
	map = json_load_file("demo/media/map.json", err, sizeof(err));
	CHECK(map != NULL && cJSON_IsObject(map), "demo/media/map.json is a JSON object");
	for (i = 0; map != NULL && i < n; i++) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(map, seen[i].guid);

		if (!seen[i].finished)
			continue;
		if (!cJSON_IsString(s) || !has_file(s->valuestring, "playlist.m3u8") ||
		    !has_file(s->valuestring, "240p/video.m3u8") ||
		    !has_file(s->valuestring, seen[i].thumbnail) ||
		    !has_file(s->valuestring, "preview.webp")) {
			printf("#   %s: no stream with playlist, %s and preview\n",
			    seen[i].guid, seen[i].thumbnail);
			maperr++;
			continue;
		}
		if (seen[i].length != clip_length(s->valuestring) || seen[i].length < 45 ||
		    !seen[i].chapters_ok) {
			printf("#   %s: length %lld, clip %s is %lld s long%s\n", seen[i].guid,
			    (long long)seen[i].length, s->valuestring,
			    (long long)clip_length(s->valuestring),
			    seen[i].chapters_ok ? "" : "; chapters out of order or past the end");
			lenbad++;
		}
	}
	CHECK(maperr == 0, "every finished video maps to a stream with playlist, its thumbnail "
	    "file, preview");
	CHECK(lenbad == 0, "every finished video's length is its clip's (at least 45 s), its "
	    "chapters inside it (%zu not)", lenbad);
	cJSON_Delete(map);
	content_free(&c);
	cJSON_Delete(root);
	return check_report();
}
