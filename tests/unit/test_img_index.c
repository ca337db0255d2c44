/*
 * test_img_index.c — STATE/img-index (generator/site/img_index.h): records
 * written and read back are the same states; a video is found at its
 * record, by its guid when the records moved, and not under another key;
 * the index of another directory (another inode or modification time) is
 * none; so is every truncated, extended or altered file, and a record the
 * writer would not make even behind a checksum that matches; a FIFO or a
 * directory at the path is none, read without waiting.
 * IMG_INDEX_SEED=PATH writes the fuzz seed (tests/fuzz/seeds/img_index.bin;
 * fuzz_img_index.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_fixture.h"
#include "check.h"
#include "hash64.h"
#include "img_index.h"

#define N	5

static void
get(void *arg, size_t i, struct img_index_rec *r)
{
	char key[17];

	(void)arg;
	snprintf(r->guid, sizeof(r->guid), "%08zx-0000-4000-8000-000000000000", i + 1);
	snprintf(key, sizeof(key), "%016zx", (i + 1) * 0x1111);
	memcpy(r->key, key, sizeof(r->key));
	r->still = i % 2 == 0;
	r->preview = i % 3 == 0;
	r->no_preview = !r->preview && i == 1;
	r->zero = 0;
	r->og_w = (uint16_t)(1280 - i);
	r->og_h = (uint16_t)(720 - i);
}

/* The checksum made to match the bytes again (after an edit). */
static void
reseal(char *d, size_t len)
{
	uint64_t v = h64_sum(h64(0, d, 72), d + IMG_INDEX_HEAD, len - IMG_INDEX_HEAD);

	memcpy(d + 72, &v, 8);
}

int
main(void)
{
	struct img_index ix;
	struct img_index_dir dir, other;
	struct img_index_rec want;
	const struct img_index_rec *r;
	char path[600], base[512], guid[40], key[17], err[256] = "", *data;
	size_t i, len = 0, at, bad;

	fixture_tmpdir(base, sizeof(base), "test_img_index");
	snprintf(path, sizeof(path), "%s/img-index", base);
	CHECK(img_index_dir_of(base, &dir) == 0 && dir.ino != 0, "the directory's identity");
	CHECK(img_index_dir_of(path, &other) == -1, "no directory there: none");

	CHECK(img_index_save(path, &dir, N, get, NULL, err, sizeof(err)) == 0, "%d records "
	    "written (%s)", N, err);
	CHECK(img_index_load(&ix, path, &dir) == 1 && ix.n == N, "read back under its directory");
	for (i = bad = 0; i < N; i++) {
		memset(&want, 0, sizeof(want));
		get(NULL, i, &want);
		memcpy(key, want.key, 16);
		key[16] = '\0';
		r = img_index_find(&ix, i, want.guid, key, &at);
		bad += r == NULL || at != i || memcmp(r, &want, sizeof(want)) != 0;
	}
	CHECK(bad == 0, "each record found at its place, as written");
	for (i = bad = 0; i < N; i++) {
		memset(&want, 0, sizeof(want));
		get(NULL, i, &want);
		memcpy(key, want.key, 16);
		key[16] = '\0';
		r = img_index_find(&ix, (i + 2) % N, want.guid, key, &at);
		bad += r == NULL || at != i || memcmp(r, &want, sizeof(want)) != 0;
	}
	CHECK(bad == 0, "and by its guid when looked for elsewhere, its place said");
	memset(&want, 0, sizeof(want));
	get(NULL, 3, &want);
	snprintf(guid, sizeof(guid), "%s", want.guid);
	CHECK(img_index_find(&ix, 3, guid, "ffffffffffffffff", &at) == NULL &&
	    img_index_find(&ix, 0, guid, "ffffffffffffffff", &at) == NULL,
	    "a video under another image key: none, at its place or by guid");
	CHECK(img_index_find(&ix, 0, "00000000-0000-4000-8000-00000000dead", key, &at) == NULL &&
	    img_index_find(&ix, 99, "00000000-0000-4000-8000-00000000dead", key, &at) == NULL,
	    "a guid not in it: none, wherever looked for");
	img_index_free(&ix);
	CHECK(ix.n == 0 && ix.rec == NULL, "freed: zeroed");

	other = dir;
	other.mtime_ns++;
	CHECK(img_index_load(&ix, path, &other) == 0 && ix.n == 0,
	    "the directory changed since (its modification time): none");
	other = dir;
	other.ino++;
	CHECK(img_index_load(&ix, path, &other) == 0, "another directory (its inode): none");

	data = fixture_slurp(path, &len);
	CHECK(data != NULL && len == IMG_INDEX_HEAD + N * IMG_INDEX_REC,
	    "the file: %d + %d x %d bytes (%zu)", IMG_INDEX_HEAD, N, IMG_INDEX_REC, len);
	if (data != NULL && getenv("IMG_INDEX_SEED") != NULL) {
		FILE *s = fopen(getenv("IMG_INDEX_SEED"), "wb");

		CHECK(s != NULL && fwrite(data, 1, len, s) == len && fclose(s) == 0,
		    "seed written to %s", getenv("IMG_INDEX_SEED"));
	}
	for (i = bad = 0; data != NULL && i < len; i++)
		bad += img_index_parse(&ix, data, i, &dir) != 0;
	CHECK(bad == 0, "every one of the %zu truncations: none (%zu were)", len, bad);
	for (i = bad = 0; data != NULL && i < len; i++) {
		data[i] ^= 0x20;
		bad += img_index_parse(&ix, data, len, &dir) != 0;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "every one of the %zu altered bytes: none (%zu were)", len, bad);
	if (data != NULL) {
		char *rec = data + IMG_INDEX_HEAD + IMG_INDEX_REC;	/* record 1 */

		data[len] = '\0';
		CHECK(img_index_parse(&ix, data, len + 1, &dir) == 0, "a byte more: none");
		CHECK(img_index_parse(&ix, data, len, &dir) == 1, "the file as written: read");
		/* records the writer would not make, the checksum made to match */
		rec[56] = 2;
		reseal(data, len);
		CHECK(img_index_parse(&ix, data, len, &dir) == 0, "a flag of 2: none");
		rec[56] = 0;
		rec[50] = 'G';
		reseal(data, len);
		CHECK(img_index_parse(&ix, data, len, &dir) == 0, "a key that is not hex: none");
		rec[50] = '0';
		/* every byte at every place of a key: read exactly when 0-9 or a-f */
		for (i = 0, bad = 0; i < 16; i++) {
			char was = rec[40 + i];
			int v;

			for (v = 0; v < 256; v++) {
				int hex = (v >= '0' && v <= '9') || (v >= 'a' && v <= 'f');

				rec[40 + i] = (char)v;
				reseal(data, len);
				bad += img_index_parse(&ix, data, len, &dir) != hex;
			}
			rec[40 + i] = was;
		}
		reseal(data, len);
		CHECK(bad == 0, "each of 256 bytes at each of a key's 16 places: read only when a "
		    "hex digit (%zu wrong)", bad);
		memset(rec, 'a', 40);
		reseal(data, len);
		CHECK(img_index_parse(&ix, data, len, &dir) == 0, "a guid without its NUL: none");
		memset(rec, 0, 40);
		reseal(data, len);
		CHECK(img_index_parse(&ix, data, len, &dir) == 0, "an empty guid: none");
		snprintf(rec, 40, "x");
		rec[10] = 'y';
		reseal(data, len);
		CHECK(img_index_parse(&ix, data, len, &dir) == 0, "bytes after a guid's NUL: none");
		free(data);
	}

	CHECK(img_index_save(path, &dir, 0, get, NULL, err, sizeof(err)) == 0 &&
	    img_index_load(&ix, path, &dir) == 1 && ix.n == 0 &&
	    img_index_find(&ix, 0, guid, key, &at) == NULL, "an index of no videos");
	img_index_free(&ix);
	snprintf(path, sizeof(path), "%s/missing", base);
	CHECK(img_index_load(&ix, path, &dir) == 0, "no file: none");
	snprintf(path, sizeof(path), "%s/fifo", base);
	CHECK(mkfifo(path, 0600) == 0 && img_index_load(&ix, path, &dir) == 0,
	    "a FIFO at the path: none, and no wait for a writer");
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", base);
	CHECK(mkdir(path, 0700) == 0 && img_index_load(&ix, path, &dir) == 0,
	    "a directory at the path: none");
	rmdir(path);
	snprintf(path, sizeof(path), "%s/img-index", base);
	unlink(path);
	rmdir(base);
	return check_report();
}
