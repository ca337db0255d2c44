/*
 * fuzz_catalog_rows.c — fuzz target for the reader of STATE/catalog.rows
 * (generator/model/catalog_rows_file.c), the catalog's rows kept for the
 * next build.  The input is the file; its magic and checksum are made to
 * match, so most inputs reach the field checks: every rows read has its
 * guids 1 to GUID_LEN bytes and strictly ascending (videos and
 * collections), a log position, each string readable to its NUL (ASan
 * sees a read past the copy), each video's captions and chapters within
 * the arrays; none is zeroed.  The seed (seeds/catalog_rows.bin) is the
 * unit test's file: CATALOG_ROWS_SEED=PATH build/tests/test_catalog_rows_file.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_rows_file.h"
#include "hash64.h"

#define HEAD	168

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
guid_in_order(const char *g, const char *prev)
{
	size_t len = strnlen(g, GUID_LEN + 1);

	if (len == 0 || len > GUID_LEN || (prev != NULL && strcmp(prev, g) >= 0))
		abort();
}

static size_t
readable(const char *s)
{
	if (s == NULL)
		abort();
	return strlen(s);
}

static void
check(const struct catalog_rows *r)
{
	size_t i, k, sum = 0;

	if (!r->printed || r->log.seq == 0 || strnlen(r->digest, sizeof(r->digest)) ==
	    sizeof(r->digest) || (r->nvideos > 0) != (r->videos != NULL))
		abort();
	for (i = 0; i < r->nvideos; i++) {
		const struct catalog_video_row *v = &r->videos[i];

		guid_in_order(v->guid, i > 0 ? r->videos[i - 1].guid : NULL);
		sum += readable(v->title) + readable(v->description) + readable(v->thumbnail) +
		    readable(v->cdn_host) + readable(v->collection) + readable(v->meta_tags);
		if ((v->ncaptions > 0) != (v->captions != NULL) ||
		    (v->nchapters > 0) != (v->chapters != NULL) || (v->published & ~1) != 0)
			abort();
		for (k = 0; k < v->ncaptions; k++)
			sum += readable(v->captions[k].srclang) + readable(v->captions[k].label);
		for (k = 0; k < v->nchapters; k++)
			sum += readable(v->chapters[k].title);
	}
	for (i = 0; i < r->ncollections; i++) {
		guid_in_order(r->collections[i].guid, i > 0 ? r->collections[i - 1].guid : NULL);
		sum += readable(r->collections[i].name);
	}
	if (sum == SIZE_MAX)
		abort();	/* keeps the reads */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog_rows r;
	uint64_t v;
	char *file;
	int rc;

	if (size < HEAD || size > ((size_t)1 << 22))
		return 0;
	if ((file = malloc(size)) == NULL)
		return 0;
	memcpy(file, data, size);
	memcpy(file, "onlygen rows 1\n", 16);
	v = h64(h64_sum(0, file + HEAD, size - HEAD), file + 24, HEAD - 24);
	memcpy(file + 16, &v, 8);
	rc = catalog_rows_file_parse(file, size, &r);
	free(file);	/* the bytes are not kept: ASan sees a row that points into them */
	if (rc == 1)
		check(&r);
	else if (r.nvideos != 0 || r.videos != NULL || r.ncollections != 0 || r.printed)
		abort();	/* none is zeroed */
	catalog_rows_free(&r);
	return 0;
}

#include "standalone.h"
