/*
 * test_model_image_at.c — STATE/model.image.at (generator/model/model_image_at.h):
 * a record written and read back is the same position; one of another
 * image (its checksum), and every truncated, extended or altered file, is
 * none (zeroed); a FIFO or a directory at the path is none, without a
 * wait; a record without a position is not written.  test_model_image.c
 * checks that model_image_write() writes it beside the image.
 * MODEL_IMAGE_AT_SEED=PATH writes the fuzz seed
 * (tests/fuzz/seeds/model_image_at.bin; fuzz_model_delta.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_fixture.h"
#include "check.h"
#include "model_image_at.h"

#define IMAGE	0x696d616765ULL
#define LEN	56

int
main(void)
{
	struct model_image_at a = { IMAGE, { 42, 0x6e6f6e6365ULL, 0x73756dULL } }, back;
	char dir[512], path[700], err[512], *data;
	size_t len, i, bad;

	fixture_tmpdir(dir, sizeof(dir), "test_model_image_at");
	snprintf(path, sizeof(path), "%s/model.image.at", dir);
	CHECK(model_image_at_write(path, &a, err, sizeof(err)) == 0, "written (%s)", err);
	CHECK(model_image_at_read(path, IMAGE, &back) == 1 && back.image_sum == IMAGE &&
	    back.pos.seq == 42 && back.pos.nonce == a.pos.nonce && back.pos.sum == a.pos.sum,
	    "read back: the image's checksum, seq, nonce and sum");
	CHECK(model_image_at_read(path, IMAGE + 1, &back) == 0 && back.pos.seq == 0 &&
	    back.image_sum == 0, "the record of another image: none (zeroed)");
	data = fixture_slurp(path, &len);
	CHECK(data != NULL && len == LEN, "the file: %d bytes (%zu)", LEN, len);
	if (data != NULL && getenv("MODEL_IMAGE_AT_SEED") != NULL) {
		FILE *f = fopen(getenv("MODEL_IMAGE_AT_SEED"), "wb");

		CHECK(f != NULL && fwrite(data, 1, len, f) == len && fclose(f) == 0,
		    "seed written to %s", getenv("MODEL_IMAGE_AT_SEED"));
	}
	for (i = bad = 0; data != NULL && i < len; i++)
		bad += model_image_at_parse(data, i, IMAGE, &back) != 0;
	CHECK(bad == 0, "every one of the %zu truncations: none (%zu were)", len, bad);
	for (i = bad = 0; data != NULL && i < len; i++) {
		data[i] ^= 0x20;
		bad += model_image_at_parse(data, len, IMAGE, &back) != 0;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "every one of the %zu altered bytes: none (%zu were)", len, bad);
	if (data != NULL) {
		data[len] = '\0';
		CHECK(model_image_at_parse(data, len + 1, IMAGE, &back) == 0, "a byte more: none");
	}
	free(data);
	a.pos.seq = 0;
	CHECK(model_image_at_write(path, &a, err, sizeof(err)) == -1,
	    "no position: not written (%s)", err);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(model_image_at_read(path, IMAGE, &back) == 0, "no file: none");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0 && model_image_at_read(path, IMAGE, &back) == 0,
	    "a FIFO at the path: none, and no wait for a writer");
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0 && model_image_at_read(path, IMAGE, &back) == 0,
	    "a directory at the path: none");
	rmdir(path);

	return check_report();
}
