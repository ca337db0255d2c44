/*
 * test_search_keep.c — the search index built from the pairs the last
 * build kept (search_keep.c, site_search.c): after each kind of change
 * (a title, a description gaining a word and losing its only use of
 * another, a video added, one removed from the middle, a tag renamed, a
 * video's categories, several at once), an index built from the kept file
 * must give every file byte for byte as a build that folds every video,
 * folding only the docs whose texts changed; a file saved from a build
 * that used one must serve the next build as well; a damaged, short or
 * foreign file must not be used.  SEARCH_KEEP_SEED=PATH writes the file
 * of the first build there (the fuzz seed, tests/fuzz/seeds).  The files'
 * keys from their data (search_*_key) follow their bytes: after each
 * change, a file's key moved exactly when its bytes did.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "hash64.h"
#include "model.h"
#include "search_keep.h"
#include "site_search.h"

#define S(lit)	((char *)(uintptr_t)(lit))
#define N	300
#define KEY	0x6b6579ULL

static const char *const WORDS[] = {
	"river", "night", "city", "golden", "hour", "neon", "rain", "coast", "desert",
	"forest", "studio", "live", "session", "café", "Straße", "ÉCOLE", "morning", "dance",
};
#define NWORDS	(sizeof(WORDS) / sizeof(WORDS[0]))

struct fixture {
	struct model	 m;
	struct category	 cats[3];
	struct tag	 tags[4];
	struct series	 ser[2];
	size_t		 catidx[3], tagidx[4];
	char		 titles[N + 1][96];
	char		 descs[N + 1][160];
	char		 tagname[32];
};

static void
fx_init(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->cats[0] = (struct category){ .slug = S("raw"), .name = S("Raw footage") };
	f->cats[1] = (struct category){ .slug = S("art"), .name = S("Art") };
	f->cats[2] = (struct category){ .slug = S("vip"), .name = S("VIP lounge") };
	snprintf(f->tagname, sizeof(f->tagname), "Night city");
	f->tags[0] = (struct tag){ .slug = S("night-city"), .name = f->tagname };
	f->tags[1] = (struct tag){ .slug = S("golden"), .name = S("") };
	f->tags[2] = (struct tag){ .slug = S("rain"), .name = S("Rain walks") };
	f->tags[3] = (struct tag){ .slug = S("studio"), .name = S("Studio") };
	f->ser[0] = (struct series){ .slug = S("tokyo"), .title = S("Tokyo Nights"), .description = S("") };
	f->ser[1] = (struct series){ .slug = S("berlin"), .title = S(""), .description = S("") };
	for (i = 0; i < 3; i++)
		f->catidx[i] = i;
	for (i = 0; i < 4; i++)
		f->tagidx[i] = i;
	f->m.categories = f->cats;
	f->m.ncategories = 3;
	f->m.tags = f->tags;
	f->m.ntags = 4;
	f->m.series = f->ser;
	f->m.nseries = 2;
	f->m.videos = calloc(N + 1, sizeof(*f->m.videos));
	f->m.nvideos = N;
	for (i = 0; i < N; i++) {
		struct video *v = &f->m.videos[i];
		unsigned k = (unsigned)(i % 100000);

		snprintf(v->guid, sizeof(v->guid), "00000000-0000-4000-8000-%012u", k);
		snprintf(f->titles[i], sizeof(f->titles[i]), "%s %s w%05u", WORDS[i % NWORDS],
		    WORDS[(i * 7) % NWORDS], k);
		snprintf(f->descs[i], sizeof(f->descs[i]), "A %s and %s take, number %u.",
		    WORDS[(i * 3) % NWORDS], WORDS[(i * 5 + 1) % NWORDS], k % 17);
		v->title = f->titles[i];
		v->description = f->descs[i];
		v->length = (int64_t)((i * 37) % 101);
		v->uploaded = 1700000000 - (int64_t)i;
		v->access = (enum access_level)(i % 3);
		v->series = i % 5 == 0 ? (long)(i % 2) : -1;
		v->categories = &f->catidx[i % 3];
		v->ncategories = 1 + (i % 2);
		if (i % 3 == 2)
			v->ncategories = 1;
		v->tags = &f->tagidx[i % 4];
		v->ntags = (i % 4 == 3) ? 1 : (size_t)(1 + i % 3);
		if (i % 4 + v->ntags > 4)
			v->ntags = 4 - i % 4;
	}
}

/* Every file of the index, one after the other, each with its name. */
static char *
all_files(const struct search_ix *x, const struct model *m)
{
	struct buf b;
	size_t k, i;
	int bad = 0;

	buf_init(&b, (size_t)64 << 20);
	bad |= BUF_PUTSL(&b, "meta\n") == -1 || search_meta(x, m, &b) == -1;
	for (k = 0; k < search_nshards(x); k++)
		bad |= buf_printf(&b, "t/%zu\n", k) == -1 || search_shard(x, k, &b) == -1;
	for (k = 0; k < search_nfrags(x); k++)
		bad |= buf_printf(&b, "d/%zu\n", k) == -1 || search_frag(x, m, NULL, k, &b) == -1;
	for (k = 0; k < search_nlong(x); k++)
		bad |= buf_printf(&b, "l/%zu\n", k) == -1 || search_long(x, k, &b) == -1;
	for (i = 0; i < m->ncategories; i++)
		bad |= search_filter(x, m, SFL_CATEGORY, i, &b) == -1;
	for (i = 0; i < m->ntags; i++)
		bad |= search_filter(x, m, SFL_TAG, i, &b) == -1;
	for (i = 0; i < 3; i++)
		bad |= search_filter(x, m, SFL_ACCESS, i, &b) == -1;
	if (bad || buf_putc(&b, '\0') == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static char path[4096];

/* The index of m from the file at path (when it loads), then the file
 * saved again from it; *folded says how many docs were folded; the
 * result is whether every file equals the index folded from nothing. */
static int
same_as_clean(const struct model *m, size_t *folded, int *loaded)
{
	struct search_kept k;
	struct search_ix *x, *y;
	struct search_pending *p;
	char err[256], *a, *b;
	int same;

	*loaded = search_kept_load(&k, path, KEY);
	x = search_build(m, *loaded ? &k : NULL, folded);
	y = search_build(m, NULL, NULL);
	if (x == NULL || y == NULL) {
		search_free(x);
		search_free(y);
		search_kept_free(&k);
		return 0;
	}
	a = all_files(x, m);
	b = all_files(y, m);
	same = a != NULL && b != NULL && strcmp(a, b) == 0;
	p = search_take_pending(x);
	if (p == NULL || search_keep_save(p, path, KEY, err, sizeof(err)) == -1) {
		fprintf(stderr, "save: %s\n", p == NULL ? "nothing planned" : err);
		same = 0;
	}
	search_pending_free(p);
	search_kept_free(&k);
	free(a);
	free(b);
	search_free(x);
	search_free(y);
	return same;
}

static void
test_changes(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t folded = 99, i, tagged = 0;
	int loaded;

	fx_init(f);
	unlink(path);
	CHECK(same_as_clean(&f->m, &folded, &loaded) && !loaded && folded == N,
	    "no file: every doc folded (%zu)", folded);
	if (getenv("SEARCH_KEEP_SEED") != NULL) {
		FILE *in = fopen(path, "rb"), *out = fopen(getenv("SEARCH_KEEP_SEED"), "wb");
		char chunk[4096];
		size_t n;

		while (in != NULL && out != NULL && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
			fwrite(chunk, 1, n, out);
		if (in != NULL)
			fclose(in);
		if (out != NULL)
			fclose(out);
	}
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 0,
	    "nothing changed: every doc's pairs kept, none folded (%zu)", folded);

	snprintf(f->titles[10], sizeof(f->titles[10]), "Zanzibar sunrise extended cut");
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 1,
	    "one title changed, with words no other doc has: the same files, 1 doc folded (%zu)",
	    folded);
	/* "zanzibar" had one doc: the term must leave the dictionary */
	snprintf(f->titles[10], sizeof(f->titles[10]), "river night again");
	snprintf(f->descs[20], sizeof(f->descs[20]), "Now with quokka footage");
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 2,
	    "a word's only doc changed (a term gone) and a new word in a description: the same "
	    "files, 2 docs folded (%zu)", folded);

	/* a video added as the newest: the model is newest first */
	memmove(&f->m.videos[1], &f->m.videos[0], N * sizeof(*f->m.videos));
	f->m.nvideos = N + 1;
	snprintf(f->m.videos[0].guid, sizeof(f->m.videos[0].guid), "00000000-0000-4000-8000-999999999999");
	snprintf(f->titles[N], sizeof(f->titles[N]), "Brand new upload");
	f->m.videos[0].title = f->titles[N];
	f->m.videos[0].description = S("");
	f->m.videos[0].uploaded = 1700000100;
	f->m.videos[0].ncategories = 0;
	f->m.videos[0].ntags = 0;
	f->m.videos[0].series = -1;
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 1,
	    "a video added: the same files, 1 doc folded (%zu)", folded);

	/* one removed from the middle: every older doc moves down one id */
	memmove(&f->m.videos[150], &f->m.videos[151], (N - 150) * sizeof(*f->m.videos));
	f->m.nvideos = N;
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 0,
	    "a video removed from the middle: the same files, none folded (%zu)", folded);

	/* a tag renamed: every video showing it changes */
	for (i = 0; i < f->m.nvideos; i++) {
		size_t k;

		for (k = 0; k < f->m.videos[i].ntags; k++)
			tagged += f->m.videos[i].tags[k] == 0;
	}
	snprintf(f->tagname, sizeof(f->tagname), "Night town");
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == tagged && tagged > 0,
	    "a tag renamed: the same files, its %zu videos folded (%zu)", tagged, folded);

	/* a video's categories, a series joined, a description emptied, at once */
	f->m.videos[40].categories = &f->catidx[2];
	f->m.videos[40].ncategories = 1;
	f->m.videos[42].series = 0;
	f->m.videos[43].description = S("");
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 3,
	    "categories, a series and a description of three videos: the same files, 3 folded "
	    "(%zu)", folded);
	CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 0,
	    "and the file saved from that build serves the next whole (%zu folded)", folded);

	/* docs moved far from their places: a few are folded again, many are
	 * found by their sums (site_search.c: gather_pairs) */
	{
		struct video t = f->m.videos[5];

		f->m.videos[5] = f->m.videos[250];
		f->m.videos[250] = t;
		CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 2,
		    "two videos swapped far apart: the same files, both folded, not looked "
		    "for by sum (%zu)", folded);
		for (i = 0; i < f->m.nvideos / 2; i++) {
			t = f->m.videos[i];
			f->m.videos[i] = f->m.videos[f->m.nvideos - 1 - i];
			f->m.videos[f->m.nvideos - 1 - i] = t;
		}
		CHECK(same_as_clean(&f->m, &folded, &loaded) && loaded && folded == 0,
		    "every video's place reversed: the same files, each found by its sum, "
		    "none folded (%zu)", folded);
	}
	free(f->m.videos);
	free(f);
}

static long
file_len(void)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fclose(fp);
	return n;
}

static void
poke(long at, unsigned char x)
{
	FILE *fp = fopen(path, "r+b");
	int c;

	if (fp == NULL)
		return;
	fseek(fp, at, SEEK_SET);
	c = fgetc(fp);
	fseek(fp, at, SEEK_SET);
	fputc(c ^ x, fp);
	fclose(fp);
}

static void
test_damage(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct search_kept k;
	size_t folded;
	int loaded;
	long n;

	fx_init(f);
	unlink(path);
	(void)same_as_clean(&f->m, &folded, &loaded);
	CHECK(search_kept_load(&k, path, KEY) == 1 && k.ndocs == N && k.npairs > N,
	    "the file loads: %zu docs, %zu pairs, %zu terms", k.ndocs, k.npairs, k.nterms);
	search_kept_free(&k);
	CHECK(search_kept_load(&k, path, KEY + 1) == 0 && k.ndocs == 0,
	    "another key (another onlygen): not used");
	n = file_len();
	poke(n - 3, 0x40);
	CHECK(search_kept_load(&k, path, KEY) == 0, "a pair's byte changed: the checksum refuses it");
	CHECK(same_as_clean(&f->m, &folded, &loaded) && !loaded && folded == N,
	    "and the build folds every doc, as right (%zu)", folded);
	CHECK(truncate(path, n - 8) == 0 && search_kept_load(&k, path, KEY) == 0,
	    "a short file: not used");
	CHECK(search_kept_parse(&k, "onlygen spairs\n", 16, KEY) == 0, "a header cut short: not used");
	unlink(path);
	CHECK(search_kept_load(&k, path, KEY) == 0, "no file: nothing used");
	free(f->m.videos);
	free(f);
}

/* --- keys from the data ---------------------------------------------------- */

/* One file of x, formatted, and its key; kind 0 shard, 1 frag, 2 long,
 * 3..5 filters; 0 when there is no such file. */
static int
one_file(const struct search_ix *x, const struct model *m, const char *const *thumbs,
    const uint64_t *tkeys, int kind, size_t k, struct buf *b, uint64_t *key)
{
	buf_reset(b);
	switch (kind) {
	case 0:
		*key = search_shard_key(x, k, 7);
		return k < search_nshards(x) && search_shard(x, k, b) == 0;
	case 1:
		*key = search_frag_key(x, m, thumbs, tkeys, k, 7);
		return k < search_nfrags(x) && search_frag(x, m, thumbs, k, b) == 0;
	case 2:
		*key = search_long_key(x, k, 7);
		return k < search_nlong(x) && search_long(x, k, b) == 0;
	default:
		*key = search_filter_key(x, kind - 3, k, 7);
		return *key != 0 && search_filter(x, m, kind - 3, k, b) == 0;
	}
}

/* Per video, a key of its guid, title and thumb, as the site's card key
 * is: a hash of the strings (a thumb NULL: none). */
static uint64_t *
card_keys(const struct model *m, const char *const *t)
{
	uint64_t *k = calloc(m->nvideos + 1, sizeof(*k));
	size_t i;

	for (i = 0; k != NULL && i < m->nvideos; i++)
		k[i] = h64_str(h64_str(h64_str(0x636172642d6b, m->videos[i].guid),
		    m->videos[i].title), t[i] != NULL ? t[i] : "");
	return k;
}

/*
 * Over every file both indexes have: how many keys moved without their
 * bytes (or the reverse: *wrong), and how many files changed.  The
 * fragments are keyed twice, their guids, titles and thumbs mixed in as
 * strings and as the keys card_keys() gives: each way must move with the
 * bytes.
 */
static void
compare_keys(const struct model *a, const char *const *ta, const struct model *b,
    const char *const *tb, size_t *wrong, size_t *changed)
{
	struct search_ix *x = search_build(a, NULL, NULL), *y = search_build(b, NULL, NULL);
	uint64_t *tka = card_keys(a, ta), *tkb = card_keys(b, tb);
	struct buf fa, fb;
	uint64_t ka, kb;
	size_t k;
	int kind, keyed;

	*wrong = *changed = 0;
	buf_init(&fa, (size_t)16 << 20);
	buf_init(&fb, (size_t)16 << 20);
	for (keyed = 0; keyed < 2; keyed++)
		for (kind = 0; x != NULL && y != NULL && kind < 6; kind++)
			for (k = 0; k < 4096; k++) {
				int ha = one_file(x, a, ta, keyed ? tka : NULL, kind, k, &fa, &ka);
				int hb = one_file(y, b, tb, keyed ? tkb : NULL, kind, k, &fb, &kb);
				int same;

				if (!ha || !hb)
					continue;
				same = fa.len == fb.len && memcmp(fa.data, fb.data, fa.len) == 0;
				*changed += !same && !keyed;
				*wrong += same != (ka == kb);
			}
	if (x == NULL || y == NULL || tka == NULL || tkb == NULL)
		*wrong = SIZE_MAX;
	buf_free(&fa);
	buf_free(&fb);
	free(tka);
	free(tkb);
	search_free(x);
	search_free(y);
}

static void
test_keys(void)
{
	struct fixture *f = calloc(1, sizeof(*f)), *g = calloc(1, sizeof(*g));
	const char **ta = calloc(N + 1, sizeof(*ta)), **tb = calloc(N + 1, sizeof(*tb));
	size_t wrong, changed, i;
	static char newest[] = "The newest";
	static const struct {
		const char *what;
		int field;
	} edits[] = {
		{ "a title changed", 0 }, { "a thumbnail changed", 1 }, { "an access level changed", 2 },
		{ "a length changed", 3 }, { "an upload time changed", 4 }, { "a series title changed", 5 },
		{ "a tag renamed", 6 }, { "a video's tags changed", 7 }, { "a video removed", 8 },
		{ "a description word changed", 9 }, { "a video added, the newest", 10 },
	};

	fx_init(f);
	for (i = 0; i < N; i++)
		ta[i] = (i % 7) ? "/img/x/320.jpg" : NULL;
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		fx_init(g);
		memcpy(tb, ta, (N + 1) * sizeof(*tb));
		switch (edits[i].field) {
		case 0: snprintf(g->titles[77], sizeof(g->titles[77]), "Quite another title"); break;
		case 1: tb[78] = "/img/y/320.jpg"; break;
		case 2: g->m.videos[79].access = (enum access_level)((g->m.videos[79].access + 1) % 3); break;
		case 3: g->m.videos[80].length += 5; break;
		case 4: g->m.videos[81].uploaded -= 1; break;
		case 5: g->ser[0].title = S("Osaka Days"); break;
		case 6: snprintf(g->tagname, sizeof(g->tagname), "Late city"); break;
		case 7: g->m.videos[82].tags = &g->tagidx[3]; g->m.videos[82].ntags = 1; break;
		case 8:
			/* its thumbnail with it: the older videos' docs are as they were */
			memmove(&g->m.videos[150], &g->m.videos[151], (N - 151) * sizeof(*g->m.videos));
			memmove(&tb[150], &tb[151], (N - 151) * sizeof(*tb));
			g->m.nvideos = N - 1;
			break;
		case 10:
			/* a newest video: the docs count oldest first, it is the last */
			memmove(&g->m.videos[1], &g->m.videos[0], N * sizeof(*g->m.videos));
			memmove(&tb[1], &tb[0], N * sizeof(*tb));
			snprintf(g->m.videos[0].guid, sizeof(g->m.videos[0].guid),
			    "00000000-0000-4000-8000-999999999999");
			g->m.videos[0].title = newest;
			g->m.videos[0].uploaded += 1000;
			g->m.nvideos = N + 1;
			break;
		case 9: snprintf(g->descs[83], sizeof(g->descs[83]), "Now with quokka footage"); break;
		}
		compare_keys(&f->m, ta, &g->m, tb, &wrong, &changed);
		CHECK(wrong == 0 && changed > 0, "%s: %zu files changed, each key moved "
		    "with its bytes and no other (%zu wrong)", edits[i].what, changed, wrong);
		free(g->m.videos);
	}
	compare_keys(&f->m, ta, &f->m, ta, &wrong, &changed);
	CHECK(wrong == 0 && changed == 0, "nothing changed: every key as it was");
	free(ta);
	free(tb);
	free(f->m.videos);
	free(f);
	free(g);
}

int
main(void)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/test_search_keep.%d", dir != NULL ? dir : "/tmp",
	    (int)getpid());
	test_changes();
	test_damage();
	test_keys();
	unlink(path);
	return check_report();
}
