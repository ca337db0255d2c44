/*
 * fuzz_page_reads.c — fuzz target for the reader of STATE/page-reads
 * (generator/site/page_reads.c).  The input's first two bytes are the
 * build's video and page counts (below 64), the rest the file; the
 * header's checksum, model id, shared and structure keys, counts and
 * magic are made to match it, so every input reaches the record checks, which must refuse
 * a range, a read or a page's own video out of bounds; a table they
 * accept is carried whole, slot by slot, and every read it hands out
 * names a video.  The seed (seeds/page_reads.bin) is the unit test's
 * file: PAGE_READS_SEED=PATH build/tests/test_page_reads.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "page_reads.h"

#define HEADER	80
#define RECORD	24
#define MODEL	0x6d6f64656cULL
#define SKEY	0x736b6579ULL
#define STRUCT	0x7374727563ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct page_reads_file f;
	struct page_reads t;
	uint8_t changed[64] = { 0 };
	uint64_t v[6];
	uint32_t ver[2] = { 5, 0 }, map[64];
	size_t nv, np, fixed, len, s, k;
	char *file;

	if (size < 2 + HEADER)
		return 0;
	nv = data[0] % 64;
	np = data[1] % 64;
	fixed = HEADER + nv * 16 + np * RECORD;
	len = size - 2;
	if (len < fixed)
		return 0;
	len -= (len - fixed) % sizeof(uint32_t);	/* whole reads */
	if ((file = malloc(len)) == NULL)
		return 0;
	memcpy(file, data + 2, len);
	memcpy(file, "onlygen preads\n", 16);
	memcpy(file + 16, ver, sizeof(ver));
	v[0] = MODEL;
	v[1] = SKEY;
	v[2] = STRUCT;
	v[3] = nv;
	v[4] = np;
	v[5] = (len - fixed) / sizeof(uint32_t);
	memcpy(file + 24, v, sizeof(v));
	v[0] = h64_sum(0, file + HEADER, len - HEADER);
	memcpy(file + 72, v, sizeof(v[0]));
	if (page_reads_parse(&f, file, len, MODEL, SKEY, STRUCT, nv, np) == 1) {
		if (f.map.base != NULL || f.nvideos != nv || f.npages != np ||
		    page_reads_init(&t, nv, np, MODEL, SKEY, STRUCT) != 0)
			abort();
		for (s = 0; s < np; s++) {
			if (page_reads_carry(&t, &f, s, f.rec[s].key, f.rec[s].self, changed) == 0)
				continue;
			if (t.slot[s].n > PAGE_READS_MAX ||
			    (t.slot[s].self != PAGE_READS_NO_SELF && t.slot[s].self >= nv))
				abort();
			for (k = 0; k < t.slot[s].n; k++)
				if (t.slot[s].v[k] >= nv)
					abort();
		}
		page_reads_free(&t);
		/* as a build with videos added or removed reads it: the same
		 * pages, the reads carried at the indices a map gives */
		page_reads_file_free(&f);
		if (page_reads_parse(&f, file, len, 0, SKEY, STRUCT, 0, 0) != 1 ||
		    f.npages != np || f.nvideos != nv || page_reads_init(&t, nv, np, MODEL, SKEY,
		    STRUCT) != 0)
			abort();
		for (k = 0; k < nv; k++)
			map[k] = (uint32_t)(nv - 1 - k);
		for (s = 0; s < np; s++) {
			const struct page_reads_rec_disk *r = &f.rec[s];
			uint32_t self = r->self == PAGE_READS_NO_SELF ? r->self : map[r->self];

			if (page_reads_carry_moved(&t, 0, &f, s, s, r->key, r->path, self, changed,
			    map) != 1)
				continue;
			if (t.slot[s].n != r->n || t.slot[s].self != self)
				abort();
			for (k = 0; k < t.slot[s].n; k++)
				if (t.slot[s].v[k] != map[f.reads[r->off + k]])
					abort();
		}
		page_reads_free(&t);
	}
	free(file);
	return 0;
}

#include "standalone.h"
