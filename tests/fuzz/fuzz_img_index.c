/*
 * fuzz_img_index.c — fuzz target for the reader of STATE/img-index
 * (generator/site/img_index.c).  The input is the file; its magic, version,
 * directory and checksum are made to match, and its count too when the
 * input holds whole records, so most inputs reach the record checks: every
 * index read has records the writer makes (a guid NUL-terminated inside its
 * field and NUL-padded, 16 hex digits, flags of 0 or 1), and each is found
 * by img_index_find() under its own guid and key.  The seed
 * (seeds/img_index.bin) is the unit test's file:
 * IMG_INDEX_SEED=PATH build/tests/test_img_index.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "img_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct img_index_dir dir = { 1, 2, 3, 4 };
	struct img_index ix;
	char *file, key[17];
	uint64_t v;
	size_t i, at, first;

	if (size < IMG_INDEX_HEAD || size > IMG_INDEX_HEAD + 64 * IMG_INDEX_REC)
		return 0;
	if ((file = malloc(size)) == NULL)
		return 0;
	memcpy(file, data, size);
	memcpy(file, "onlygen imgidx\n", 16);
	v = 1;
	memcpy(file + 16, &v, 8);
	if ((size - IMG_INDEX_HEAD) % IMG_INDEX_REC == 0) {
		v = (size - IMG_INDEX_HEAD) / IMG_INDEX_REC;
		memcpy(file + 24, &v, 8);
	}
	memcpy(file + 32, &dir.dev, 8);
	memcpy(file + 40, &dir.ino, 8);
	memcpy(file + 48, &dir.mtime_s, 8);
	memcpy(file + 56, &dir.mtime_ns, 8);
	v = h64_sum(h64(0, file, 72), file + IMG_INDEX_HEAD, size - IMG_INDEX_HEAD);
	memcpy(file + 72, &v, 8);
	if (img_index_parse(&ix, file, size, &dir) == 1) {
		if (ix.n != (size - IMG_INDEX_HEAD) / IMG_INDEX_REC)
			abort();
		for (i = 0; i < ix.n; i++) {
			const struct img_index_rec *r = &ix.rec[i];
			size_t len = strnlen(r->guid, sizeof(r->guid));

			if (len == 0 || len == sizeof(r->guid) || r->still > 1 || r->preview > 1 ||
			    r->no_preview > 1)
				abort();
			memcpy(key, r->key, 16);
			key[16] = '\0';
			/* found where it is; by guid, its first record with that
			 * guid, when that one has its key */
			for (first = 0; strcmp(ix.rec[first].guid, r->guid) != 0; first++)
				;
			if (img_index_find(&ix, i, r->guid, key, &at) != r || at != i ||
			    img_index_find(&ix, ix.n, r->guid, key, &at) !=
			    (memcmp(ix.rec[first].key, key, 16) == 0 ? &ix.rec[first] : NULL))
				abort();
		}
		img_index_free(&ix);
	} else if (ix.n != 0 || ix.rec != NULL)
		abort();	/* no index is a zeroed one */
	free(file);
	return 0;
}

#include "standalone.h"
