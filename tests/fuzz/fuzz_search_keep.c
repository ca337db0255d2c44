/*
 * fuzz_search_keep.c — fuzz target for the reader of STATE/search-pairs
 * (generator/site/search_keep.c) and the index built from what it
 * accepts (site_search.c).  The input's first three bytes are the doc,
 * term and pair counts; the rest is the file after its header, whose
 * magic, key, counts and checksum are made to match, and whose docs'
 * sums are set to those of the target's own small model, so an accepted
 * file's pairs are used: the index must build and format every file
 * without a fault, and the file saved from that build must be accepted
 * again whole.  The seeds: seeds/search_keep.bin, the unit test's file
 * (SEARCH_KEEP_SEED=PATH build/tests/test_search_keep), and
 * seeds/search_keep_own.bin, this model's (FUZZ_SEARCH_KEEP_SEED=PATH
 * build/fuzz-replay/fuzz_search_keep FILE), which it accepts.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hash64.h"
#include "model.h"
#include "search_keep.h"
#include "site_search.h"

#define HEADER	72
#define KEY	0x66757a7aULL
#define NV	4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define S(lit)	((char *)(uintptr_t)(lit))

struct fx {
	struct model	m;
	struct video	v[NV];
	struct category	cat;
	struct tag	tag;
	size_t		zero;
	uint64_t	sums[NV];
	char		path[256];
};

/* The model, and the sums of its docs as a build saves them. */
static int
fx_init(struct fx *f)
{
	static const char *const titles[NV] = { "Night river", "Café Straße", "golden hour", "" };
	struct search_ix *x;
	struct search_pending *p;
	struct search_kept k;
	char err[256];
	size_t i;
	int ok;

	memset(f, 0, sizeof(*f));
	f->cat = (struct category){ .slug = S("raw"), .name = S("Raw footage") };
	f->tag = (struct tag){ .slug = S("night-city"), .name = S("Night") };
	f->m.categories = &f->cat;
	f->m.ncategories = 1;
	f->m.tags = &f->tag;
	f->m.ntags = 1;
	f->m.videos = f->v;
	f->m.nvideos = NV;
	for (i = 0; i < NV; i++) {
		snprintf(f->v[i].guid, sizeof(f->v[i].guid), "00000000-0000-4000-8000-%012zu", i);
		f->v[i].title = S(titles[i]);
		f->v[i].description = S(i % 2 ? "a river and a city" : "");
		f->v[i].length = (int64_t)i * 10;
		f->v[i].series = -1;
		f->v[i].categories = &f->zero;
		f->v[i].ncategories = i % 2;
		f->v[i].tags = &f->zero;
		f->v[i].ntags = i < 2;
	}
	snprintf(f->path, sizeof(f->path), "/tmp/fuzz_search_keep.%d", (int)getpid());
	if ((x = search_build(&f->m, NULL, NULL)) == NULL)
		return -1;
	p = search_take_pending(x);
	ok = p != NULL && search_keep_save(p, f->path, KEY, err, sizeof(err)) == 0 &&
	    search_kept_load(&k, f->path, KEY) == 1 && k.ndocs == NV;
	for (i = 0; ok && i < NV; i++)
		f->sums[i] = k.docs[i].sum;
	if (ok && getenv("FUZZ_SEARCH_KEEP_SEED") != NULL) {
		/* this model's own file as an input: its counts, then its body */
		FILE *out = fopen(getenv("FUZZ_SEARCH_KEEP_SEED"), "wb");
		uint8_t c[3] = { (uint8_t)k.ndocs, (uint8_t)k.nterms, (uint8_t)k.npairs };

		if (out != NULL) {
			fwrite(c, 1, sizeof(c), out);
			fwrite((const char *)k.map.data + HEADER, 1, k.map.len - HEADER, out);
			fclose(out);
		}
	}
	if (ok)
		search_kept_free(&k);
	search_pending_free(p);
	search_free(x);
	unlink(f->path);
	return ok ? 0 : -1;
}

/* Every file of the index formatted (a fault or an over-read is the failure). */
static void
format_all(const struct search_ix *x, const struct model *m)
{
	struct buf b;
	size_t k;

	buf_init(&b, (size_t)16 << 20);
	(void)search_meta(x, m, &b);
	for (k = 0; k < search_nshards(x); k++)
		(void)search_shard(x, k, &b);
	for (k = 0; k < search_nfrags(x); k++)
		(void)search_frag(x, m, NULL, k, &b);
	for (k = 0; k < search_nlong(x); k++)
		(void)search_long(x, k, &b);
	(void)search_filter(x, m, SFL_CATEGORY, 0, &b);
	(void)search_filter(x, m, SFL_TAG, 0, &b);
	(void)search_filter(x, m, SFL_ACCESS, 1, &b);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fx f;
	struct search_kept k, again;
	struct search_ix *x;
	struct search_pending *p;
	uint64_t v[5];
	uint32_t ver[2] = { 2, 0 };
	size_t nd, nt, np, fixed, nstr, len, i;
	char *file, err[256];

	if (size < 3)
		return 0;
	nd = data[0] % (NV + 2);
	nt = data[1] % 32;
	np = data[2];
	fixed = HEADER + nd * 16 + nt * 8 + np * 8;
	if (size - 3 + HEADER < fixed)
		return 0;
	nstr = (size - 3 + HEADER - fixed) & ~(size_t)7;	/* whole 8-byte words */
	len = fixed + nstr;
	if (fx_init(&f) == -1 || (file = calloc(1, len)) == NULL)
		abort();
	memcpy(file + HEADER, data + 3, len - HEADER);
	memcpy(file, "onlygen spairs\n", 16);
	memcpy(file + 16, ver, sizeof(ver));
	for (i = 0; i < nd; i++)	/* the model's own docs, so the pairs are used */
		memcpy(file + HEADER + i * 16, &f.sums[i % NV], 8);
	v[0] = KEY;
	v[1] = nd;
	v[2] = nt;
	v[3] = nstr;
	v[4] = np;
	memcpy(file + 24, v, sizeof(v));
	v[0] = h64_sum(0, file + HEADER, len - HEADER);
	memcpy(file + 64, v, sizeof(v[0]));
	if (search_kept_parse(&k, file, len, KEY) == 1) {
		if (k.ndocs != nd || k.nterms != nt || k.npairs != np)
			abort();
		if ((x = search_build(&f.m, &k, NULL)) == NULL)
			abort();
		format_all(x, &f.m);
		p = search_take_pending(x);
		if (p == NULL || search_keep_save(p, f.path, KEY, err, sizeof(err)) == -1 ||
		    search_kept_load(&again, f.path, KEY) != 1 || again.ndocs != NV)
			abort();	/* what a build writes, the next one reads */
		search_kept_free(&again);
		search_pending_free(p);
		search_free(x);
		unlink(f.path);
	}
	free(file);
	return 0;
}

#include "standalone.h"
