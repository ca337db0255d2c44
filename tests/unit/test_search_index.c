/*
 * test_search_index.c — the sharded search index writer (site_search.c,
 * site_search_fold.c) on small hand-made models: folding and tokens,
 * postings (delta, best field), the description bound, shard cuts (sorted,
 * every term once, the meta.json directory equal to the shards, every file
 * under its bound), the locality of a title change, filter lists and the
 * length order, and hostile strings coming out as valid JSON that parses
 * back to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "check.h"
#include "model.h"
#include "site_search.h"

/* the model's strings are char * (it owns them); these are literals */
#define S(lit)	((char *)(uintptr_t)(lit))

/* --- tokens ------------------------------------------------------------------- */

struct toks {
	char	s[2048];
};

static int
collect(const char *tok, size_t len, void *arg)
{
	struct toks *t = arg;
	size_t n = strlen(t->s);

	if (n + len + 2 < sizeof(t->s)) {
		if (n > 0)
			t->s[n++] = '|';
		memcpy(t->s + n, tok, len);
		t->s[n + len] = '\0';
	}
	return 0;
}

/*
 * The tokens of s, by search_tokens() over its length; search_tokens_str()
 * (up to the NUL, what the build uses) must give the same, or the result
 * says so.
 */
static const char *
toks(const char *s, struct toks *t)
{
	struct toks z;

	t->s[0] = '\0';
	z.s[0] = '\0';
	search_tokens(s, strlen(s), collect, t);
	search_tokens_str(s, collect, &z);
	if (strcmp(t->s, z.s) != 0)
		snprintf(t->s, sizeof(t->s), "search_tokens_str differs: %.900s", z.s);
	return t->s;
}

static void
test_tokens(void)
{
	struct toks t;

	CHECK_STR(toks("Ünïcödé Çafé naïve résumé Ångström ß ẞ", &t),
	    "unicode|cafe|naive|resume|angstrom|ss|ss", "Latin letters fold to their base, ß to ss");
	CHECK_STR(toks("Ελληνικά και Кириллица ΆΣ", &t), "ελληνικα|και|кириллица|ασ",
	    "Greek and Cyrillic fold to lower case without accents");
	CHECK_STR(toks("</script><img src=x onerror=alert(1)>", &t), "script|img|src|x|onerror|alert|1",
	    "ASCII punctuation separates");
	CHECK_STR(toks("e\xcc\x81te\xe2\x80\x8bwidth a\xf0\x9f\x8e\xac" "b \xe2\x80\xa8z", &t),
	    "ete|width|a|b|z", "combining marks dropped; U+200B, emoji and U+2028 separate");
	CHECK_STR(toks("日本語のタイトル 東京の夜", &t), "日本語のタイトル|東京の夜",
	    "letters without spaces make one token");
	CHECK_STR(toks("ab\xff" "cd \xc3", &t), "ab|cd", "invalid UTF-8 separates");
	CHECK_STR(toks("Ａｂ", &t), "Ａｂ", "what the table does not fold stays as it is");
	CHECK_STR(toks("abcdefghijklmnopqrstuvwxyz0123456789 tail", &t),
	    "abcdefghijklmnopqrstuvwxyz012345|tail", "a token keeps its first 32 code points");
	CHECK_STR(toks("MiXeD 42nd-Street x\xe2\x82", &t), "mixed|42nd|street|x",
	    "case folds in a run of ASCII; a sequence cut by the end separates");
	CHECK_STR(toks("Ab\xc3\x89" "cD\xc3" "9", &t), "abecd|9",
	    "ASCII runs and folded letters join; a lead byte without its continuation separates");
	CHECK_STR(toks("", &t), "", "empty text, no token");
}

/* --- a model ------------------------------------------------------------------ */

struct fixture {
	struct model	 m;
	struct category	 cats[2];
	struct tag	 tags[2];
	struct series	 ser[1];
	size_t		 catidx[2], tagidx[2];
	char		 titles[4000][64];
};

static void
fx_init(struct fixture *f, size_t n)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->cats[0] = (struct category){ .slug = S("raw"), .name = S("RAW \"&\" <b>") };
	f->cats[1] = (struct category){ .slug = S("art"), .name = S("Art") };
	f->tags[0] = (struct tag){ .slug = S("night-city"), .name = S("Night") };
	f->tags[1] = (struct tag){ .slug = S("golden"), .name = S("") };
	f->ser[0] = (struct series){ .slug = S("tokyo"), .title = S("Tokyo Nights"), .description = S("") };
	f->catidx[0] = 0;
	f->catidx[1] = 1;
	f->tagidx[0] = 0;
	f->tagidx[1] = 1;
	f->m.categories = f->cats;
	f->m.ncategories = 2;
	f->m.tags = f->tags;
	f->m.ntags = 2;
	f->m.series = f->ser;
	f->m.nseries = 1;
	f->m.videos = calloc(n, sizeof(*f->m.videos));
	f->m.nvideos = n;
	for (i = 0; i < n; i++) {
		struct video *v = &f->m.videos[i];

		/* i < 4000 (titles[]); the bound lets the compiler see the text fits */
		unsigned k = (unsigned)(i % 100000);

		snprintf(v->guid, sizeof(v->guid), "00000000-0000-4000-8000-%012u", k);
		snprintf(f->titles[i], sizeof(f->titles[i]), "w%05u q%05u z%05u", k, k, k);
		v->title = f->titles[i];
		v->description = S("");
		v->length = (int64_t)((i * 37) % 101);
		v->uploaded = 1700000000 - (int64_t)i;
		v->access = (enum access_level)(i % 3);
		v->series = -1;
	}
}

static char *
fmt_shard(const struct search_ix *x, size_t k)
{
	struct buf b;

	buf_init(&b, (size_t)4 << 20);
	if (search_shard(x, k, &b) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* The postings of term in the index, as formatted ("2,8"), or NULL. */
static char *
postings_of(const struct search_ix *x, const char *term)
{
	size_t k;
	char pat[128], *hit = NULL;

	snprintf(pat, sizeof(pat), "\n[\"%s\",", term);
	for (k = 0; k < search_nshards(x) && hit == NULL; k++) {
		char *s = fmt_shard(x, k), *p, *e;

		if (s != NULL && (p = strstr(s, pat)) != NULL) {
			p += strlen(pat);
			e = strchr(p, ']');
			hit = strndup(p, (size_t)(e - p));
		}
		free(s);
	}
	return hit;
}

static void
test_postings(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct search_ix *x;
	char *p;

	fx_init(f, 3);
	f->m.videos[0].description = S("An alpha description, alpha again");
	f->m.videos[1].title = S("Beta");
	f->m.videos[1].description = S("alpha");
	f->m.videos[1].categories = f->catidx;
	f->m.videos[1].ncategories = 1;
	f->m.videos[2].title = S("ALPHA and Beta");
	f->m.videos[2].description = S("alpha too");
	f->m.videos[2].tags = f->tagidx;
	f->m.videos[2].ntags = 2;
	f->m.videos[2].series = 0;
	x = search_build(&f->m, NULL, NULL);
	CHECK(x != NULL, "index of a 3-video model");
	p = postings_of(x, "alpha");
	/* ids run oldest first (doc = 2 - video): doc 0 (video 2) title (0<<2|0),
	 * doc 1 (video 1) description (1<<2|2), doc 2 (video 0) description (1<<2|2) */
	CHECK_STR(p, "0,6,6", "postings: delta-encoded doc ids with the best field");
	free(p);
	p = postings_of(x, "raw");
	CHECK_STR(p, "5", "a category name is indexed as a meta field (doc 1)");
	free(p);
	p = postings_of(x, "city");
	CHECK_STR(p, "1", "a tag's slug words are indexed (video 2 = doc 0, meta field)");
	free(p);
	p = postings_of(x, "nights");
	CHECK_STR(p, "1", "the series title is indexed");
	free(p);
	p = postings_of(x, "golden");
	CHECK_STR(p, "1", "a tag without a name: its slug");
	free(p);
	CHECK(search_nshards(x) == 1 && search_nfrags(x) == 1 && search_nlong(x) == 1,
	    "a small model: one file of each");
	search_free(x);
	free(f->m.videos);
	free(f);
}

static void
test_desc_bound(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct search_ix *x;
	size_t i, n = 1200;
	char *p;

	fx_init(f, n);
	for (i = 0; i < n; i++)
		f->m.videos[i].description = i < 600 ? S("common words everywhere") : S("common");
	f->m.videos[7].title = S("common");
	f->m.videos[8].description = S("common rare");
	x = search_build(&f->m, NULL, NULL);
	p = postings_of(x, "common");
	/* video 7 is doc 1192: 1192 << 2 | title */
	CHECK_STR(p, "4768", "a word in most descriptions is indexed from titles only (video 7)");
	free(p);
	p = postings_of(x, "rare");
	CHECK_STR(p, "4766", "a rare description word is indexed (video 8 = doc 1191, description)");
	free(p);
	p = postings_of(x, "everywhere");
	CHECK(p == NULL, "a word only in half the descriptions is not indexed (over 10 %% and 500)");
	free(p);
	search_free(x);
	free(f->m.videos);
	free(f);
}

/* Every term of every shard, in order, across all shards. */
static size_t
check_shards(const struct search_ix *x, const struct model *m, const char *what)
{
	struct buf mb;
	cJSON *meta, *dir;
	size_t k, total = 0, big = 0;
	int sorted = 1, parsed = 1, dir_ok = 1;
	char prev[256] = "";

	buf_init(&mb, (size_t)1 << 20);
	meta = search_meta(x, m, &mb) == 0 ? cJSON_Parse(mb.data) : NULL;
	dir = cJSON_GetObjectItem(meta, "shards");
	CHECK(meta != NULL && cJSON_GetArraySize(dir) == (int)search_nshards(x),
	    "%s: meta.json parses and lists every shard", what);
	for (k = 0; k < search_nshards(x); k++) {
		char *s = fmt_shard(x, k);
		cJSON *j = s ? cJSON_Parse(s) : NULL, *t = cJSON_GetObjectItem(j, "t"), *e;
		int first = 1;

		if (j == NULL) {
			parsed = 0;
			free(s);
			continue;
		}
		if (strlen(s) > big)
			big = strlen(s);
		cJSON_ArrayForEach(e, t) {
			const char *term = cJSON_GetArrayItem(e, 0)->valuestring;

			if (first && strcmp(term, cJSON_GetArrayItem(dir, (int)k)->valuestring) != 0)
				dir_ok = 0;
			if (total > 0 && strcmp(prev, term) >= 0)
				sorted = 0;
			snprintf(prev, sizeof(prev), "%s", term);
			first = 0;
			total++;
		}
		cJSON_Delete(j);
		free(s);
	}
	CHECK(parsed, "%s: every shard parses", what);
	CHECK(sorted, "%s: terms sorted, each in one shard", what);
	CHECK(dir_ok, "%s: meta.json names each shard's first term", what);
	CHECK(big <= SEARCH_SHARD_MAX + 64, "%s: largest shard %zu bytes (cut at %d)", what, big,
	    SEARCH_SHARD_MAX);
	cJSON_Delete(meta);
	buf_free(&mb);
	return total;
}

static void
test_shards_and_locality(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct search_ix *a, *b;
	size_t i, n = 4000, k, same = 0, nterms;
	char **sa, **sb;

	fx_init(f, n);
	for (i = 0; i < n; i++)
		f->m.videos[i].description = S("");
	a = search_build(&f->m, NULL, NULL);
	nterms = check_shards(a, &f->m, "4000 distinct titles");
	CHECK(nterms == 3 * n, "every title word is a term (%zu)", nterms);
	CHECK(search_nshards(a) > 3, "the dictionary is cut into %zu shards", search_nshards(a));
	CHECK(search_nfrags(a) == (n + SEARCH_DOCS_PER_FRAG - 1) / SEARCH_DOCS_PER_FRAG,
	    "doc fragments of %d", SEARCH_DOCS_PER_FRAG);

	/* one title changes: its old and new words' shards change, the rest stay */
	snprintf(f->titles[1234], sizeof(f->titles[1234]), "w02000x q01234 z01234");
	b = search_build(&f->m, NULL, NULL);
	sa = calloc(search_nshards(a), sizeof(*sa));
	sb = calloc(search_nshards(b), sizeof(*sb));
	for (k = 0; k < search_nshards(a); k++)
		sa[k] = fmt_shard(a, k);
	for (k = 0; k < search_nshards(b); k++)
		sb[k] = fmt_shard(b, k);
	for (k = 0; k < search_nshards(b); k++) {
		size_t j;

		for (j = 0; j < search_nshards(a); j++)
			if (strcmp(sa[j], sb[k]) == 0) {
				same++;
				break;
			}
	}
	CHECK(search_nshards(b) - same <= 3 && search_nshards(b) > 3,
	    "a title change rewrites %zu of %zu shards", search_nshards(b) - same, search_nshards(b));
	for (k = 0; k < search_nshards(a); k++)
		free(sa[k]);
	for (k = 0; k < search_nshards(b); k++)
		free(sb[k]);
	free(sa);
	free(sb);
	search_free(a);
	search_free(b);
	free(f->m.videos);
	free(f);
}

/* Ids run oldest first: a new newest video shifts no other doc, so the
 * fragments and filter lists before its own are byte for byte the same. */
static void
test_append_stable(void)
{
	struct fixture *f = calloc(1, sizeof(*f)), *g = calloc(1, sizeof(*g));
	struct search_ix *x, *y;
	struct buf a, b;
	size_t n = 100, k;
	int same = 1;

	fx_init(f, n);
	fx_init(g, n + 1);
	/* g: f's videos with one newer in front (the model is newest first) */
	for (k = 0; k < n; k++) {
		g->m.videos[k + 1] = f->m.videos[k];
		g->m.videos[k + 1].title = f->titles[k];
	}
	snprintf(g->m.videos[0].guid, sizeof(g->m.videos[0].guid), "00000000-0000-4000-8000-999999999999");
	g->m.videos[0].title = S("Brand new upload");
	g->m.videos[0].uploaded = f->m.videos[0].uploaded + 60;
	x = search_build(&f->m, NULL, NULL);
	y = search_build(&g->m, NULL, NULL);
	CHECK(x != NULL && y != NULL && search_nfrags(x) == 4 && search_nfrags(y) == 4,
	    "100 and 101 videos: 4 fragments each");
	buf_init(&a, (size_t)1 << 20);
	buf_init(&b, (size_t)1 << 20);
	for (k = 0; x != NULL && y != NULL && k + 1 < search_nfrags(x); k++) {
		buf_reset(&a);
		buf_reset(&b);
		same = same && search_frag(x, &f->m, NULL, k, &a) == 0 &&
		    search_frag(y, &g->m, NULL, k, &b) == 0 && a.len == b.len &&
		    memcmp(a.data, b.data, a.len) == 0;
	}
	CHECK(same, "a new newest video leaves every fragment but the last as it was");
	buf_reset(&a);
	buf_reset(&b);
	CHECK(x != NULL && y != NULL && search_filter(x, &f->m, SFL_ACCESS, 1, &a) == 0 &&
	    search_filter(y, &g->m, SFL_ACCESS, 1, &b) == 0 && a.len == b.len &&
	    memcmp(a.data, b.data, a.len) == 0,
	    "and the filter list of an access level it does not have");
	buf_free(&a);
	buf_free(&b);
	search_free(x);
	search_free(y);
	free(f->m.videos);
	free(g->m.videos);
	free(f);
	free(g);
}

static void
test_files(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct search_ix *x;
	struct buf b;
	cJSON *j, *d;
	const char *thumbs[70] = { 0 };
	const char *hostile = "</script><img src=x onerror=alert(1)> \"q\" \\ \xe2\x80\xa8 'x'";
	size_t i, n = 70;
	int ok;

	fx_init(f, n);
	f->m.videos[33].title = S(hostile);
	f->m.videos[33].categories = f->catidx + 1;
	f->m.videos[33].ncategories = 1;
	f->m.videos[40].categories = f->catidx + 1;
	f->m.videos[40].ncategories = 1;
	f->m.videos[33].series = 0;
	f->ser[0].title = S("<Tokyo> \"Nights\"");
	thumbs[33] = "/img/x/abc-320.webp";
	x = search_build(&f->m, NULL, NULL);

	buf_init(&b, (size_t)1 << 20);
	CHECK(search_frag(x, &f->m, thumbs, 1, &b) == 0, "fragment 1 formats");	/* docs 32..63 */
	CHECK(strstr(b.data, "</") == NULL && strstr(b.data, "\xe2\x80\xa8") == NULL,
	    "no </ and no raw U+2028 in a fragment (safe anywhere JSON goes)");
	j = cJSON_Parse(b.data);
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "d"), 4);	/* video 33 is doc 69 - 33 = 36 */
	CHECK(d != NULL && strcmp(cJSON_GetArrayItem(d, 1)->valuestring, hostile) == 0,
	    "the hostile title parses back to itself");
	CHECK(d != NULL && strcmp(cJSON_GetArrayItem(d, 0)->valuestring, f->m.videos[33].guid) == 0 &&
	    strcmp(cJSON_GetArrayItem(d, 5)->valuestring, thumbs[33]) == 0 &&
	    strcmp(cJSON_GetArrayItem(d, 6)->valuestring, "<Tokyo> \"Nights\"") == 0 &&
	    cJSON_GetArrayItem(d, 2)->valueint == f->m.videos[33].length &&
	    cJSON_GetArrayItem(d, 3)->valueint == 0,
	    "a doc: guid, title, length, access, uploaded, thumb, series");
	cJSON_Delete(j);

	buf_reset(&b);
	CHECK(search_filter(x, &f->m, SFL_CATEGORY, 1, &b) == 0, "category filter formats");
	/* videos 40 and 33: docs 29 and 36 */
	CHECK_STR(b.data, "{\"v\":1,\"n\":2,\"ids\":[29,7]}\n", "category list: ids, delta-encoded");
	buf_reset(&b);
	CHECK(search_filter(x, &f->m, SFL_ACCESS, 2, &b) == 0 &&
	    strncmp(b.data, "{\"v\":1,\"n\":23,\"ids\":[1,3,3,", 26) == 0,
	    "access list (every third video is PPV: videos 68, 65, ... are docs 1, 4, ...)");

	buf_reset(&b);
	CHECK(search_long(x, 0, &b) == 0, "length order formats");
	j = cJSON_Parse(b.data);
	d = cJSON_GetObjectItem(j, "ids");
	ok = cJSON_GetArraySize(d) == (int)n;
	for (i = 1; ok && i < n; i++) {
		int p = cJSON_GetArrayItem(d, (int)i - 1)->valueint, q = cJSON_GetArrayItem(d, (int)i)->valueint;

		int64_t lp = f->m.videos[n - 1 - (size_t)p].length, lq = f->m.videos[n - 1 - (size_t)q].length;

		ok = lp > lq || (lp == lq && p > q);	/* ties: the newer, the higher id */
	}
	CHECK(ok, "length order: longest first, then newest");
	cJSON_Delete(j);

	buf_reset(&b);
	CHECK(search_meta(x, &f->m, &b) == 0 && (j = cJSON_Parse(b.data)) != NULL, "meta.json parses");
	CHECK(strcmp(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "categories"), 0), 1)->valuestring,
	    "RAW \"&\" <b>") == 0 && strstr(b.data, "<b>") == NULL, "a hostile category name, escaped and parsed back");
	CHECK(cJSON_GetObjectItem(j, "n")->valueint == (int)n && cJSON_GetObjectItem(j, "docs")->valueint ==
	    SEARCH_DOCS_PER_FRAG && cJSON_GetArraySize(cJSON_GetObjectItem(j, "fold")) > 10 &&
	    cJSON_GetArraySize(cJSON_GetObjectItem(j, "sep")) > 5, "meta.json: counts, fold and sep tables");
	cJSON_Delete(j);
	buf_free(&b);
	search_free(x);
	free(f->m.videos);
	free(f);
}

/*
 * The length order (search/l/) sorted by radix when every length fits 32
 * bits, by comparison otherwise: the same order either way, checked
 * against long_cmp's rule on 3 000 docs with many ties, then with a
 * negative and a huge length among them.
 */
static int
long_order_ok(const struct fixture *f, const struct search_ix *x, size_t n)
{
	struct buf b;
	cJSON *j, *d;
	size_t i;
	int ok;

	buf_init(&b, (size_t)1 << 20);
	ok = search_long(x, 0, &b) == 0 && (j = cJSON_Parse(b.data)) != NULL;
	buf_free(&b);
	if (!ok)
		return 0;
	d = cJSON_GetObjectItem(j, "ids");
	ok = cJSON_GetArraySize(d) == (int)(n < SEARCH_LONG_CHUNK ? n : SEARCH_LONG_CHUNK);
	for (i = 1; ok && i < (size_t)cJSON_GetArraySize(d); i++) {
		int p = cJSON_GetArrayItem(d, (int)i - 1)->valueint, q = cJSON_GetArrayItem(d, (int)i)->valueint;
		int64_t lp = f->m.videos[n - 1 - (size_t)p].length, lq = f->m.videos[n - 1 - (size_t)q].length;

		ok = lp > lq || (lp == lq && p > q);
	}
	cJSON_Delete(j);
	return ok;
}

static void
test_long_order(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct search_ix *x;
	size_t n = 3000, i;

	if (f == NULL)
		return;
	fx_init(f, n);
	for (i = 0; i < n; i++)
		f->m.videos[i].length = (int64_t)((i * 7919) % 257) << (i % 3 == 0 ? 20 : 0);
	CHECK((x = search_build(&f->m, NULL, NULL)) != NULL && long_order_ok(f, x, n),
	    "length order (radix): longest first, then newest, lengths up to 2^28 with ties");
	search_free(x);
	f->m.videos[5].length = -3;
	f->m.videos[6].length = (int64_t)1 << 40;
	CHECK((x = search_build(&f->m, NULL, NULL)) != NULL && long_order_ok(f, x, n),
	    "length order (a negative and a 2^40 length): the same rule");
	search_free(x);
	free(f->m.videos);
	free(f);
}

int
main(void)
{
	test_long_order();
	test_tokens();
	test_postings();
	test_desc_bound();
	test_shards_and_locality();
	test_append_stable();
	test_files();
	return check_report();
}
