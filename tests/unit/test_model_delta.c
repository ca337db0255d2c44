/*
 * test_model_delta.c — STATE/model.image.delta (generator/model/model_delta.h):
 * a delta written and read back is the same rows, edited entries, texts,
 * ids and key; one of another image, and every truncated, extended or
 * altered file, is none; rows or entries out of order, a guid without its
 * padding, flags other than the texts', a text without its end or bytes
 * after the last are refused even with a checksum that matches; more rows
 * or entries than MODEL_DELTA_MAX, or texts past MODEL_DELTA_TEXT_MAX, are
 * not written.
 * MODEL_DELTA_SEED=PATH writes the fuzz seed (tests/fuzz/seeds/model_delta.bin;
 * fuzz_model_delta.c).
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
#include "model_delta.h"
#include "model_image.h"

#define BASE	0x62617365ULL
#define MODEL	0x6d6f64656cULL
#define KEY	0x6b6579ULL
#define HEAD	64
#define REC	48

/* The file's checksum made to match its bytes again (after an edit). */
static void
reseal(char *data, size_t len)
{
	uint64_t v = h64(0, data + 24, len - 24);

	memcpy(data + 16, &v, 8);
}

int
main(void)
{
	static const char *const guids[] = {
		"0a000000-0000-4000-8000-000000000001",
		"3b000000-0000-4000-8000-000000000002",
		"f1000000-0000-4000-8000-000000000003",
	};
	static struct model_delta d, back;
	char dir[512], path[600], err[256] = "", *data;
	size_t len = 0, i, bad;

	fixture_tmpdir(dir, sizeof(dir), "test_model_delta");
	snprintf(path, sizeof(path), "%s/model.image.delta", dir);

	memset(&d, 0, sizeof(d));
	d.base_id = BASE;
	d.model_id = MODEL;
	d.key = KEY;
	d.n = 3;
	for (i = 0; i < d.n; i++) {
		snprintf(d.rows[i].guid, sizeof(d.rows[i].guid), "%s", guids[i]);
		d.rows[i].print = 1000 + i;
	}
	CHECK(model_delta_write(path, &d, err, sizeof(err)) == 0, "three rows written (%s)", err);
	CHECK(model_delta_read(path, BASE, &back) == 1 && back.base_id == BASE &&
	    back.model_id == MODEL && back.key == KEY && back.n == 3 && back.nedited == 0,
	    "read back: its ids, its key and three rows");
	for (i = 0; i < 3; i++)
		CHECK(strcmp(back.rows[i].guid, guids[i]) == 0 && back.rows[i].print == 1000 + i,
		    "row %zu as written", i);
	CHECK(model_delta_find(&back, guids[1]) == &back.rows[1] &&
	    model_delta_find(&back, guids[2]) == &back.rows[2] &&
	    model_delta_find(&back, "00000000-0000-4000-8000-000000000000") == NULL,
	    "a row found by its guid, a guid not in it is not");
	CHECK(model_delta_read(path, BASE + 1, &back) == 0 && back.n == 0 && back.base_id == 0,
	    "the delta of another image: none (zeroed)");
	CHECK(model_delta_read(path, 0, &back) == 0, "no image id: no delta");
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(model_delta_read(path, BASE, &back) == 0, "no file: no delta");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0 && model_delta_read(path, BASE, &back) == 0,
	    "a FIFO at the path: no delta, and no wait for a writer");
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0 && model_delta_read(path, BASE, &back) == 0,
	    "a directory at the path: no delta");
	rmdir(path);
	snprintf(path, sizeof(path), "%s/model.image.delta", dir);

	d.n = 0;
	CHECK(model_delta_write(path, &d, err, sizeof(err)) == 0 &&
	    model_delta_read(path, BASE, &back) == 1 && back.n == 0 && back.model_id == MODEL,
	    "a delta of no rows (an image id, a model id)");
	d.n = MODEL_DELTA_MAX + 1;
	CHECK(model_delta_write(path, &d, err, sizeof(err)) == -1,
	    "more than %d rows: not written (%s)", MODEL_DELTA_MAX, err);
	d.n = MODEL_DELTA_MAX;
	for (i = 0; i < d.n; i++) {
		snprintf(d.rows[i].guid, sizeof(d.rows[i].guid),
		    "%08x-0000-4000-8000-000000000000", (unsigned)i);
		d.rows[i].print = i;
	}
	CHECK(model_delta_write(path, &d, err, sizeof(err)) == 0 &&
	    model_delta_read(path, BASE, &back) == 1 && back.n == MODEL_DELTA_MAX,
	    "%d rows, the most a delta holds", MODEL_DELTA_MAX);

	d.n = 3;
	for (i = 0; i < d.n; i++)
		snprintf(d.rows[i].guid, sizeof(d.rows[i].guid), "%s", guids[i]);
	/* edited entries: in guid order, flags of the texts only, texts that fit */
	CHECK(model_delta_add_edit(&d, guids[1], MODEL_IMAGE_TITLE_ENTRY, "Title one",
	    "") == 0 && model_delta_add_edit(&d, guids[2], MODEL_IMAGE_TITLE_ENTRY |
	    MODEL_IMAGE_DESC_ENTRY, "T\xc3\xaftle two", "Its description") == 0,
	    "two edited entries added");
	CHECK(model_delta_add_edit(&d, guids[0], 0, "x", "y") == -1 &&
	    model_delta_add_edit(&d, guids[2], 0, "x", "y") == -1,
	    "an entry at or before the last one's guid: refused");
	CHECK(model_delta_add_edit(&d, "f2000000-0000-4000-8000-000000000004",
	    MODEL_IMAGE_HIDDEN, "x", "y") == -1, "flags other than the texts': refused");
	{
		static char big[MODEL_DELTA_TEXT_MAX];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK(model_delta_add_edit(&d, "f2000000-0000-4000-8000-000000000004", 0, big,
		    "") == -1 && d.nedited == 2, "texts past %zu bytes: refused, nothing added",
		    MODEL_DELTA_TEXT_MAX);
	}
	CHECK(model_delta_write(path, &d, err, sizeof(err)) == 0, "three rows and two entries");
	CHECK(model_delta_read(path, BASE, &back) == 1 && back.n == 3 && back.nedited == 2 &&
	    strcmp(back.edited[0].guid, guids[1]) == 0 &&
	    back.edited[0].flags == MODEL_IMAGE_TITLE_ENTRY &&
	    strcmp(back.text + back.edited[0].title, "Title one") == 0 &&
	    strcmp(back.text + back.edited[0].description, "") == 0 &&
	    strcmp(back.edited[1].guid, guids[2]) == 0 &&
	    back.edited[1].flags == (MODEL_IMAGE_TITLE_ENTRY | MODEL_IMAGE_DESC_ENTRY) &&
	    strcmp(back.text + back.edited[1].title, "T\xc3\xaftle two") == 0 &&
	    strcmp(back.text + back.edited[1].description, "Its description") == 0,
	    "read back: each entry's guid, flags, title and description");
	back.edited[0].description = back.edited[1].title;
	CHECK(model_delta_write(path, &back, err, sizeof(err)) == -1,
	    "texts not laid out as the file holds them: not written (%s)", err);
	CHECK(model_delta_write(path, &d, err, sizeof(err)) == 0 &&
	    model_delta_read(path, BASE, &back) == 1, "written again");
	data = fixture_slurp(path, &len);
	CHECK(data != NULL && len == HEAD + 5 * REC + 10 + 1 + 11 + 16,
	    "the file: %d + 5 x %d bytes + the texts (%zu)", HEAD, REC, len);
	if (data != NULL && getenv("MODEL_DELTA_SEED") != NULL) {
		FILE *s = fopen(getenv("MODEL_DELTA_SEED"), "wb");

		CHECK(s != NULL && fwrite(data, 1, len, s) == len && fclose(s) == 0,
		    "seed written to %s", getenv("MODEL_DELTA_SEED"));
	}
	for (i = bad = 0; data != NULL && i < len; i++)
		bad += model_delta_parse(data, i, BASE, &back) != 0;
	CHECK(bad == 0, "every one of the %zu truncations: no delta (%zu were)", len, bad);
	for (i = bad = 0; data != NULL && i < len; i++) {
		data[i] ^= 0x20;
		bad += model_delta_parse(data, len, BASE, &back) != 0;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "every one of the %zu altered bytes: no delta (%zu were)", len, bad);
	if (data != NULL) {
		char row[REC];

		data[len] = '\0';
		CHECK(model_delta_parse(data, len + 1, BASE, &back) == 0, "a byte more: no delta");
		/* rows swapped, the checksum made to match: out of order */
		memcpy(row, data + HEAD, REC);
		memcpy(data + HEAD, data + HEAD + REC, REC);
		memcpy(data + HEAD + REC, row, REC);
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0 && back.n == 0,
		    "rows out of order, sealed: refused");
		memcpy(data + HEAD + REC, data + HEAD, REC);
		memcpy(data + HEAD, row, REC);
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 1, "put back: read");
		data[HEAD + 38] = 'x';	/* after the guid's NUL, in its padding */
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0,
		    "a byte in a guid's padding, sealed: refused");
		data[HEAD + 38] = '\0';
		memset(data + HEAD, 'a', 40);
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0,
		    "a guid without its NUL, sealed: refused");
		memset(data + HEAD, 0, 40);
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0,
		    "an empty guid, sealed: refused");
	}
	free(data);

	/* the entries' part, each change sealed */
	data = fixture_slurp(path, &len);
	if (data != NULL) {
		char rec[REC];
		size_t e0 = HEAD + 3 * REC, e1 = e0 + REC;

		memcpy(rec, data + e0, REC);
		memcpy(data + e0, data + e1, REC);
		memcpy(data + e1, rec, REC);
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0 && back.nedited == 0,
		    "entries out of order, sealed: refused");
		memcpy(data + e1, data + e0, REC);
		memcpy(data + e0, rec, REC);
		data[e0 + 40] = MODEL_IMAGE_HIDDEN;
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0,
		    "an entry's flags other than the texts', sealed: refused");
		data[e0 + 40] = MODEL_IMAGE_TITLE_ENTRY;
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 1, "put back: read");
		data[len - 1] = 'x';
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0,
		    "the last text without its end, sealed: refused");
		data[len - 1] = '\0';
		data[len] = '\0';
		reseal(data, len + 1);
		CHECK(model_delta_parse(data, len + 1, BASE, &back) == 0,
		    "a byte after the last text, sealed: refused");
		memset(data + 40, 0, 8);
		reseal(data, len);
		CHECK(model_delta_parse(data, len, BASE, &back) == 0, "no key, sealed: refused");
	}
	free(data);

	/* a symlink where the temporary file goes is not followed */
	{
		char tmp[700], target[700];
		FILE *tf;
		int rc;

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		snprintf(target, sizeof(target), "%s/elsewhere", dir);
		CHECK(symlink(target, tmp) == 0, "a symlink at model.image.delta.tmp");
		rc = model_delta_write(path, &d, err, sizeof(err));
		tf = fopen(target, "r");
		CHECK(rc == -1 && tf == NULL, "the write refuses it and writes nothing through it");
		if (tf != NULL)
			fclose(tf);
		unlink(tmp);
	}
	unlink(path);
	rmdir(dir);
	return check_report();
}
