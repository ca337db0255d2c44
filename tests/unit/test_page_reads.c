/*
 * test_page_reads.c — STATE/page-reads (generator/site/page_reads.h): the
 * recorder notes each video once and not the page's own; a table saved
 * and loaded again carries a page's reads only with the key and own video
 * it was noted with and only when none of them changed; loaded over
 * another model (its structure key), from the slot its path's hash
 * names, its reads at their new indices; a table of another model (but
 * so), shared or structure key, video or page count, and every truncated
 * or altered file, is no table.  PAGE_READS_SEED=PATH writes the fuzz
 * seed (tests/fuzz/seeds/page_reads.bin: the video and page counts, then
 * the file from its header on; fuzz_page_reads.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_fixture.h"
#include "check.h"
#include "page_reads.h"

#define MODEL	0x6d6f64656cULL
#define SKEY	0x736b6579ULL
#define STRUCT	0x7374727563ULL
#define NV	5	/* videos */
#define NP	4	/* pages: 0 watch of video 0, 1 embed of 0, 2 a list, 3 over */

/* page_reads_save()'s path_of: slot s's "path hash" */
static uint32_t
path_of(const void *arg, size_t s)
{
	(void)arg;
	return 1000 + (uint32_t)s;
}

static void
rec_of(struct page_reads_rec *r, uint32_t self, const uint32_t *v, size_t n)
{
	page_reads_rec_reset(r, self);
	while (n-- > 0)
		page_reads_note(r, *v++);
}

int
main(void)
{
	static const uint32_t w0[] = { 0, 3, 3, 4, 0 }, e0[] = { 0, 0 }, l2[] = { 1, 2, 1, 4 };
	struct page_reads t, t2;
	struct page_reads_file f;
	struct page_reads_rec r;
	uint8_t changed[NV] = { 0 };
	char dir[512], path[600], err[256], *data;
	size_t len = 0, i, bad;
	int rc;

	fixture_tmpdir(dir, sizeof(dir), "test_page_reads");
	snprintf(path, sizeof(path), "%s/page-reads", dir);

	CHECK(page_reads_rec_init(&r, NV) == 0, "a recorder for %d videos", NV);
	CHECK(page_reads_init(&t, NV, NP, MODEL, SKEY, STRUCT) == 0, "a table for %d videos, %d pages",
	    NV, NP);
	for (i = 0; i < NV; i++) {
		t.vstate[i] = 100 + i;
		t.vguid[i] = 200 + i;
	}
	rec_of(&r, 0, w0, 5);
	CHECK(r.n == 2 && r.v[0] == 3 && r.v[1] == 4, "each video noted once, the page's own not");
	CHECK(page_reads_keep(&t, 0, 0, 11, &r) == 0, "video 0's watch page");
	rec_of(&r, 0, e0, 2);
	CHECK(page_reads_keep(&t, 1, 1, 12, &r) == 0 && r.n == 0,
	    "its embed page, which reads only its own");
	rec_of(&r, PAGE_READS_NO_SELF, l2, 4);
	CHECK(r.n == 3, "a list page: every video it shows, once");
	CHECK(page_reads_keep(&t, 0, 2, 21, &r) == 0, "kept");
	page_reads_rec_reset(&r, PAGE_READS_NO_SELF);
	page_reads_note(&r, NV);
	CHECK(r.over, "a read of no video is over");
	CHECK(page_reads_keep(&t, 0, 3, 31, &r) == 0 && t.slot[3].n == PAGE_READS_NONE,
	    "and its reads are not kept");
	page_reads_rec_free(&r);
	CHECK(page_reads_rec_init(&r, (size_t)PAGE_READS_MAX + 8) == 0, "a large recorder");
	page_reads_rec_reset(&r, PAGE_READS_NO_SELF);
	for (i = 0; i <= PAGE_READS_MAX; i++)
		page_reads_note(&r, i);
	CHECK(r.over && r.n == PAGE_READS_MAX, "a page reading more than %zu videos is over",
	    PAGE_READS_MAX);
	page_reads_rec_reset(&r, PAGE_READS_NO_SELF);
	page_reads_note(&r, 7);
	page_reads_note(&r, 7);
	CHECK(!r.over && r.n == 1, "a reset forgets what was seen");
	page_reads_rec_free(&r);
	rc = page_reads_save(&t, path, path_of, NULL, err, sizeof(err));
	CHECK(rc == 0, "saved (%s)", rc == 0 ? "ok" : err);

	/* loaded: a slot carries with its key, its own video, nothing changed */
	CHECK(page_reads_load(&f, path, MODEL, SKEY, STRUCT, NV, NP) == 1, "loaded");
	CHECK(f.vstate[3] == 103, "each video's images' state kept");
	CHECK(page_reads_init(&t2, NV, NP, MODEL + 1, SKEY, STRUCT) == 0, "the next build's table");
	CHECK(page_reads_carry(&t2, &f, 0, 11, 0, changed) == 1 &&
	    t2.slot[0].n == 2 && t2.slot[0].v[1] == 4 && t2.slot[0].key == 11,
	    "an unchanged page carries its key and its reads");
	CHECK(page_reads_carry(&t2, &f, 1, 12, 0, changed) == 1, "an embed page too");
	CHECK(page_reads_carry(&t2, &f, 2, 21, PAGE_READS_NO_SELF, changed) == 1, "a list page too");
	CHECK(page_reads_carry(&t2, &f, 0, 99, 0, changed) == 0,
	    "not with another key (the manifest's is not the one noted)");
	CHECK(page_reads_carry(&t2, &f, 0, 11, 1, changed) == 0, "nor for another video's page");
	changed[0] = 1;
	CHECK(page_reads_carry(&t2, &f, 0, 11, 0, changed) == 0 &&
	    page_reads_carry(&t2, &f, 1, 12, 0, changed) == 0 &&
	    page_reads_carry(&t2, &f, 2, 21, PAGE_READS_NO_SELF, changed) == 1,
	    "its own video changed: its pages only");
	changed[0] = 0;
	changed[4] = 1;
	CHECK(page_reads_carry(&t2, &f, 0, 11, 0, changed) == 0 &&
	    page_reads_carry(&t2, &f, 2, 21, PAGE_READS_NO_SELF, changed) == 0,
	    "a video they read changed: not carried");
	CHECK(page_reads_carry(&t2, &f, 1, 12, 0, changed) == 1,
	    "a page that did not read it still carries");
	CHECK(page_reads_carry(&t2, &f, 3, 31, PAGE_READS_NO_SELF, changed) == 0,
	    "nor a page whose reads were not kept");
	page_reads_free(&t2);
	page_reads_file_free(&f);

	/*
	 * Another model (page_reads_carry_moved): video 2 gone, the others at
	 * new indices (a video added before them, one between), the pages at
	 * other slots; found by their old slot and path hash.
	 */
	{
		static const uint32_t map[NV] = { 1, 2, UINT32_MAX, 3, 5 };	/* 2: gone */
		uint8_t gone[NV] = { 0, 0, 1, 0, 0 };
		struct page_reads t3;

		CHECK(page_reads_load(&f, path, 0, SKEY, STRUCT, 0, 0) == 1 &&
		    f.npages == NP && f.nvideos == NV && f.vguid[2] == 202,
		    "loaded on another model: its own counts, each video's guid hash");
		CHECK(page_reads_load(&f, path, 0, SKEY, STRUCT + 1, 0, 0) == 0 &&
		    page_reads_load(&f, path, 0, SKEY + 1, STRUCT, 0, 0) == 0 &&
		    page_reads_load(&f, path, 0, SKEY, 0, 0, 0) == 0,
		    "not with another structure or shared key, nor with none");
		CHECK(page_reads_load(&f, path, 0, SKEY, STRUCT, 0, 0) == 1, "loaded again");
		CHECK(f.rec[0].path == 1000 && f.rec[2].path == 1002 && f.rec[3].path == 0,
		    "each slot keeps its path's hash (none: no reads kept)");
		CHECK(page_reads_init(&t3, NV + 1, NP + 2, MODEL + 1, SKEY, STRUCT) == 0, "a table over another model");
		CHECK(page_reads_carry_moved(&t3, 0, &f, 4, 0, 11, 1000, 1, gone, map) == 1 &&
		    t3.slot[4].n == 2 && t3.slot[4].v[0] == 3 && t3.slot[4].v[1] == 5 &&
		    t3.slot[4].self == 1 && t3.slot[4].key == 11,
		    "a watch page carried to its new slot, its reads at their new indices");
		CHECK(page_reads_carry_moved(&t3, 1, &f, 5, 1, 12, 1001, 1, gone, map) == 1 &&
		    t3.slot[5].n == 0 && t3.slot[5].self == 1, "its embed page too");
		CHECK(page_reads_carry_moved(&t3, 0, &f, 4, 0, 11, 1001, 1, gone, map) == 0,
		    "not when the path's hash is another page's");
		CHECK(page_reads_carry_moved(&t3, 0, &f, 4, 0, 11, 1000, 0, gone, map) == 0 &&
		    page_reads_carry_moved(&t3, 0, &f, 4, 0, 11, 1000, PAGE_READS_NO_SELF, gone,
		    map) == 0, "nor for another video's page, nor a list's");
		CHECK(page_reads_carry_moved(&t3, 0, &f, 4, 0, 99, 1000, 1, gone, map) == 0,
		    "nor with another key");
		CHECK(page_reads_carry_moved(&t3, 0, &f, 4, NP, 11, 1000, 1, gone, map) == 0,
		    "nor from a slot past the old table");
		CHECK(page_reads_carry_moved(&t3, 0, &f, 2, 2, 21, 1002, PAGE_READS_NO_SELF, gone,
		    map) == 0, "a page that read a video removed is not carried");
		gone[3] = 1;
		CHECK(page_reads_carry_moved(&t3, 0, &f, 4, 0, 11, 1000, 1, gone, map) == 0,
		    "nor one that read a video changed");
		gone[3] = 0;
		gone[0] = 1;
		CHECK(page_reads_carry_moved(&t3, 0, &f, 5, 1, 12, 1001, 1, gone, map) == 0,
		    "nor one whose own video changed");
		page_reads_free(&t3);
		page_reads_file_free(&f);
	}

	CHECK(page_reads_load(&f, path, MODEL + 1, SKEY, STRUCT, NV, NP) == 0 &&
	    page_reads_load(&f, path, MODEL, SKEY + 1, STRUCT, NV, NP) == 0 &&
	    page_reads_load(&f, path, MODEL, SKEY, STRUCT, NV + 1, NP) == 0 &&
	    page_reads_load(&f, path, MODEL, SKEY, STRUCT, NV, NP - 1) == 0 &&
	    page_reads_load(&f, path, 0, SKEY, 0, NV, NP) == 0,
	    "another model, shared key, video or page count, or no model and no "
	    "structure key: no table");
	CHECK(page_reads_load(&f, path, MODEL, SKEY, STRUCT + 1, NV, NP) == 0,
	    "nor with another structure key");

	data = fixture_slurp(path, &len);
	CHECK(data != NULL && len > 72, "the file read back (%zu bytes)", len);
	if (data != NULL && getenv("PAGE_READS_SEED") != NULL) {
		FILE *s = fopen(getenv("PAGE_READS_SEED"), "wb");
		unsigned char counts[2] = { NV, NP };

		CHECK(s != NULL && fwrite(counts, 1, 2, s) == 2 && fwrite(data, 1, len, s) == len &&
		    fclose(s) == 0, "seed written to %s", getenv("PAGE_READS_SEED"));
	}
	for (i = bad = 0; data != NULL && i < len; i++) {
		bad += page_reads_parse(&f, data, i, MODEL, SKEY, STRUCT, NV, NP) != 0;
		page_reads_file_free(&f);
	}
	CHECK(bad == 0, "every one of the %zu truncations: no table (%zu were)", len, bad);
	for (i = bad = 0; data != NULL && i < len; i++) {
		data[i] ^= 0x20;
		bad += page_reads_parse(&f, data, len, MODEL, SKEY, STRUCT, NV, NP) != 0;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "every one of the %zu altered bytes: no table (%zu were)", len, bad);
	CHECK(data != NULL && page_reads_parse(&f, data, len, MODEL, SKEY, STRUCT, NV, NP) == 1 &&
	    f.map.base == NULL, "the bytes as written parse, in place");
	free(data);

	/* a symlink where the temporary file goes is not followed */
	{
		char tmp[700], target[700];
		FILE *tf;

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		snprintf(target, sizeof(target), "%s/elsewhere", dir);
		CHECK(symlink(target, tmp) == 0, "a symlink at page-reads.tmp");
		rc = page_reads_save(&t, path, path_of, NULL, err, sizeof(err));
		tf = fopen(target, "r");
		CHECK(rc == -1 && tf == NULL, "the save refuses it and writes nothing through it");
		if (tf != NULL)
			fclose(tf);
		unlink(tmp);
	}

	/* no pages, no videos: an empty table round-trips */
	page_reads_free(&t);
	CHECK(page_reads_init(&t, 0, 0, MODEL, SKEY, STRUCT) == 0 &&
	    page_reads_save(&t, path, path_of, NULL, err, sizeof(err)) == 0 &&
	    page_reads_load(&f, path, MODEL, SKEY, STRUCT, 0, 0) == 1,
	    "no videos: an empty table");
	page_reads_file_free(&f);
	page_reads_free(&t);
	return check_report();
}
