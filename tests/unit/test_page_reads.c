/*
 * test_page_reads.c — STATE/page-reads (generator/site/page_reads.h): a
 * table saved and loaded again carries a page's reads only with the key
 * it was noted with and only when none of them changed; a table of
 * another model, shared key or video count, and every truncated or
 * altered file, is no table.  PAGE_READS_SEED=PATH writes the fuzz seed
 * (tests/fuzz/seeds/page_reads.bin: the video count, then the file from
 * its header on; fuzz_page_reads.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_fixture.h"
#include "check.h"
#include "page_reads.h"

#define MODEL	0x6d6f64656cULL
#define SKEY	0x736b6579ULL
#define NV	5
#define HEADER	64

static void
rec_of(struct page_reads_rec *r, uint32_t self, const uint32_t *v, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->self = self;
	while (n-- > 0)
		page_reads_note(r, *v++);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *d = NULL;
	long n;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (d = malloc((size_t)n)) != NULL &&
	    fread(d, 1, (size_t)n, f) != (size_t)n) {
		free(d);
		d = NULL;
	}
	if (f != NULL) {
		*len = d != NULL ? (size_t)ftell(f) : 0;
		fclose(f);
	}
	return d;
}

int
main(void)
{
	static const uint32_t w0[] = { 0, 3, 3, 4, 0 }, e0[] = { 0, 0 }, w1[] = { 1, 2 };
	struct page_reads t, t2;
	struct page_reads_file f;
	struct page_reads_rec r;
	uint8_t changed[NV] = { 0 };
	char dir[512], path[600], err[256], *data;
	size_t len = 0, i, bad;
	int rc;

	fixture_tmpdir(dir, sizeof(dir), "test_page_reads");
	snprintf(path, sizeof(path), "%s/page-reads", dir);

	CHECK(page_reads_init(&t, NV, MODEL, SKEY) == 0, "a table for %d videos", NV);
	for (i = 0; i < NV; i++)
		t.vimg[i] = 100 + i;
	rec_of(&r, 0, w0, 5);
	CHECK(r.n == 2 && r.v[0] == 3 && r.v[1] == 4, "each video noted once, the page's own not");
	CHECK(page_reads_keep(&t, 0, page_reads_slot_of(0, 0), 11, &r) == 0, "video 0's watch page");
	rec_of(&r, 0, e0, 2);
	CHECK(page_reads_keep(&t, 1, page_reads_slot_of(0, 1), 12, &r) == 0 && r.n == 0,
	    "its embed page, which reads only its own");
	rec_of(&r, 1, w1, 2);
	CHECK(page_reads_keep(&t, 0, page_reads_slot_of(1, 0), 21, &r) == 0, "video 1's watch page");
	memset(&r, 0, sizeof(r));
	r.self = 2;
	for (i = 0; i < PAGE_READS_MAX + 2; i++)
		page_reads_note(&r, 3 + i);
	CHECK(r.over && r.n == PAGE_READS_MAX, "a page reading more than %d videos is over",
	    PAGE_READS_MAX);
	CHECK(page_reads_keep(&t, 0, page_reads_slot_of(2, 0), 31, &r) == 0 &&
	    t.slot[page_reads_slot_of(2, 0)].n == PAGE_READS_NONE, "and its reads are not kept");
	rc = page_reads_save(&t, path, err, sizeof(err));
	CHECK(rc == 0, "saved (%s)", rc == 0 ? "ok" : err);

	/* loaded: a slot carries with its key and nothing it read changed */
	CHECK(page_reads_load(&f, path, MODEL, SKEY, NV) == 1, "loaded");
	CHECK(f.rec[3].vimg == 103, "each video's images' state kept");
	CHECK(page_reads_init(&t2, NV, MODEL + 1, SKEY) == 0, "the next build's table");
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(0, 0), 11, changed) == 1 &&
	    t2.slot[0].n == 2 && t2.slot[0].v[1] == 4 && t2.slot[0].key == 11,
	    "an unchanged page carries its key and its reads");
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(0, 1), 12, changed) == 1,
	    "an embed page too");
	changed[0] = 1;
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(0, 0), 11, changed) == 0 &&
	    page_reads_carry(&t2, &f, page_reads_slot_of(0, 1), 12, changed) == 0,
	    "not when its own video changed");
	changed[0] = 0;
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(0, 0), 99, changed) == 0,
	    "not with another key (the manifest's is not the one noted)");
	changed[4] = 1;
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(0, 0), 11, changed) == 0,
	    "not when a video it read changed");
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(1, 0), 21, changed) == 1,
	    "a page that did not read it still carries");
	CHECK(page_reads_carry(&t2, &f, page_reads_slot_of(2, 0), 31, changed) == 0 &&
	    page_reads_carry(&t2, &f, page_reads_slot_of(3, 0), 0, changed) == 0,
	    "nor a page whose reads were not kept, or never noted");
	page_reads_free(&t2);
	page_reads_file_free(&f);

	CHECK(page_reads_load(&f, path, MODEL + 1, SKEY, NV) == 0 &&
	    page_reads_load(&f, path, MODEL, SKEY + 1, NV) == 0 &&
	    page_reads_load(&f, path, MODEL, SKEY, NV + 1) == 0 &&
	    page_reads_load(&f, path, 0, SKEY, NV) == 0,
	    "another model, shared key or video count: no table");

	data = slurp(path, &len);
	CHECK(data != NULL && len > HEADER, "the file read back (%zu bytes)", len);
	if (data != NULL && getenv("PAGE_READS_SEED") != NULL) {
		FILE *s = fopen(getenv("PAGE_READS_SEED"), "wb");
		unsigned char nv = NV;

		CHECK(s != NULL && fwrite(&nv, 1, 1, s) == 1 && fwrite(data, 1, len, s) == len &&
		    fclose(s) == 0, "seed written to %s", getenv("PAGE_READS_SEED"));
	}
	for (i = bad = 0; data != NULL && i < len; i++) {
		bad += page_reads_parse(&f, data, i, MODEL, SKEY, NV) != 0;
		page_reads_file_free(&f);
	}
	CHECK(bad == 0, "every one of the %zu truncations: no table (%zu were)", len, bad);
	for (i = bad = 0; data != NULL && i < len; i++) {
		data[i] ^= 0x20;
		bad += page_reads_parse(&f, data, len, MODEL, SKEY, NV) != 0;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "every one of the %zu altered bytes: no table (%zu were)", len, bad);
	CHECK(data != NULL && page_reads_parse(&f, data, len, MODEL, SKEY, NV) == 1 && f.data == NULL,
	    "the bytes as written parse, in place");
	free(data);

	/* a table with no model id is not written by a build (site_reads.c);
	 * an empty one round-trips */
	page_reads_free(&t);
	CHECK(page_reads_init(&t, 0, MODEL, SKEY) == 0 && page_reads_save(&t, path, err,
	    sizeof(err)) == 0 && page_reads_load(&f, path, MODEL, SKEY, 0) == 1,
	    "no videos: an empty table");
	page_reads_file_free(&f);
	page_reads_free(&t);
	return check_report();
}
