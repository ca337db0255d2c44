/*
 * test_catalog_rows_file.c — the catalog's rows kept for the next build
 * (STATE/catalog.rows, generator/model/catalog_rows_file.c) and their
 * bringing up to date by the change log (catalog_read_since): the file
 * read back is, field by field, the catalog_read() it was written from;
 * a file cut, damaged or resealed over a bad field is none; after a title
 * changed, a video added (past the room the rows have, then into it),
 * one removed, a caption changed, a collection added, by the one-video
 * pull or by hand, the rows brought up to date are
 * what catalog_read() gives then, prints, log position and sum included;
 * a log that cannot say (another nonce, more entries than asked, a row
 * without a position) leaves the rows untouched.
 * CATALOG_ROWS_SEED=PATH writes the fuzz seed (tests/fuzz/seeds/
 * catalog_rows.bin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "check.h"
#include "catalog_fixture.h"
#include "catalog_read.h"
#include "catalog_rows_file.h"
#include "catalog_sql.h"
#include "catalog_update.h"
#include "hash64.h"

#define HEAD	168
#define H_SUM	16
#define H_NV	56
#define H_STR	88

/* a and b the same rows: every video, the collections, digest, prints and log. */
static int
same_rows(const struct catalog_rows *a, const struct catalog_rows *b)
{
	size_t i;

	if (a->nvideos != b->nvideos || a->ncollections != b->ncollections ||
	    strcmp(a->digest, b->digest) != 0 || a->collections_print != b->collections_print ||
	    a->printed != b->printed || a->log.seq != b->log.seq ||
	    a->log.nonce != b->log.nonce || a->log.sum != b->log.sum)
		return 0;
	for (i = 0; i < a->nvideos; i++)
		if (!fixture_same_row(&a->videos[i], &b->videos[i]))
			return 0;
	for (i = 0; i < a->ncollections; i++)
		if (strcmp(a->collections[i].guid, b->collections[i].guid) != 0 ||
		    strcmp(a->collections[i].name, b->collections[i].name) != 0)
			return 0;
	return 1;
}

static void
read_all(const char *db, struct catalog_rows *r)
{
	char err[512];

	if (catalog_read(db, r, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
}

/* The sealed checksum of the file's bytes d[0..n), as the writer makes it. */
static void
reseal(char *d, size_t n)
{
	uint64_t v = h64(h64_sum(0, d + HEAD, n - HEAD), d + 24, HEAD - 24);

	memcpy(d + H_SUM, &v, 8);
}

static void
test_round_trip(const char *dir)
{
	struct bunny_video v[8];
	struct bunny_collection cols[2] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
		{ "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", (char *)"Lives" },
	};
	struct catalog_counts counts;
	struct catalog_rows all, back;
	char db[600], path[600], digest[65], err[512], *data;
	size_t n, len, i, bad, tracks = 0;
	uint64_t w;

	snprintf(db, sizeof(db), "%s/trip.db", dir);
	snprintf(path, sizeof(path), "%s/catalog.rows", dir);
	n = fixture_sample_videos(v, 8);
	if (catalog_write(db, v, n, cols, 2, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	read_all(db, &all);
	for (i = 0; i < all.nvideos; i++)
		tracks += all.videos[i].ncaptions + all.videos[i].nchapters;
	CHECK(all.printed && all.log.seq != 0 && tracks > 0 && all.ncollections == 2,
	    "fixture: printed rows with a log position, captions or chapters, collections");
	CHECK(catalog_rows_file_write(path, &all, err, sizeof(err)) == 0, "written (%s)", err);
	CHECK(catalog_rows_file_read(path, &back) == 1 && same_rows(&back, &all),
	    "read back: the rows catalog_read() gave, field by field");
	catalog_rows_free(&back);

	data = fixture_slurp(path, &len);
	if (data != NULL && getenv("CATALOG_ROWS_SEED") != NULL) {
		FILE *s = fopen(getenv("CATALOG_ROWS_SEED"), "wb");

		CHECK(s != NULL && fwrite(data, 1, len, s) == len && fclose(s) == 0,
		    "seed written to %s", getenv("CATALOG_ROWS_SEED"));
	}
	for (i = bad = 0; data != NULL && i < len; i++)
		bad += catalog_rows_file_parse(data, i, &back) != 0;
	CHECK(data != NULL && bad == 0, "every one of the %zu truncations: none (%zu were)", len,
	    bad);
	for (i = bad = 0; data != NULL && i < len; i++) {
		data[i] ^= 0x20;
		bad += catalog_rows_file_parse(data, len, &back) != 0;
		catalog_rows_free(&back);
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "every byte of %zu changed: none (%zu were)", len, bad);
	CHECK(data != NULL && catalog_rows_file_parse(data, len, &back) == 1, "intact: rows");
	catalog_rows_free(&back);
	if (data != NULL) {
		/* sealed again over a bad field: each caught by its own check */
		memcpy(&w, data + H_NV, 8);
		w++;
		memcpy(data + H_NV, &w, 8);
		reseal(data, len);
		CHECK(catalog_rows_file_parse(data, len, &back) == 0 && back.videos == NULL,
		    "a video count the size does not hold: none, rows zeroed");
		w--;
		memcpy(data + H_NV, &w, 8);
		data[len - 1] = 'x';
		reseal(data, len);
		CHECK(catalog_rows_file_parse(data, len, &back) == 0,
		    "strings that do not end with a NUL: none");
		data[len - 1] = '\0';
		memcpy(data + HEAD + 168, data + HEAD, 40);	/* the second guid the first's */
		reseal(data, len);
		CHECK(catalog_rows_file_parse(data, len, &back) == 0, "guids not ascending: none");
		free(data);
	}
	data = fixture_slurp(path, &len);
	if (data != NULL) {
		memcpy(&w, data + H_STR, 8);
		memcpy(data + HEAD + 40, &w, 8);	/* the first title at the strings' end */
		reseal(data, len);
		CHECK(catalog_rows_file_parse(data, len, &back) == 0,
		    "a string's offset past the strings: none");
		free(data);
	}
	all.log.seq = 0;
	CHECK(catalog_rows_file_write(path, &all, err, sizeof(err)) == -1,
	    "rows without a log position: no file (%s)", err);
	CHECK(catalog_rows_file_read(path, &back) == 1, "the file before it stays");
	catalog_rows_free(&back);
	snprintf(path, sizeof(path), "%s/absent.rows", dir);
	CHECK(catalog_rows_file_read(path, &back) == 0 && back.nvideos == 0, "no file: none");
	catalog_rows_free(&all);
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
}

/*
 * rows brought up to date: 1, and then the rows catalog_read() gives now
 * (the next step starts from them, as a build's does from the file).
 */
static void
since_is_read(const char *db, struct catalog_rows *rows, const char *what, size_t want_named)
{
	struct catalog_rows all;
	char err[512];
	size_t named = 99;
	int rc = catalog_read_since(db, rows, 64, &named, err, sizeof(err));

	read_all(db, &all);
	CHECK(rc == 1 && same_rows(rows, &all), "%s: the rows catalog_read() gives (%d, %s)",
	    what, rc, rc == -1 ? err : "");
	CHECK(named == want_named, "%s: %zu videos named by the log (%zu)", what, want_named,
	    named);
	catalog_rows_free(&all);
}

static void
test_since(const char *dir)
{
	struct bunny_video v[8];
	struct bunny_collection cols[1] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
	};
	struct catalog_counts counts;
	struct catalog_rows rows, kept;
	char db[600], path[600], digest[65], err[512], sql[700], guid[GUID_LEN + 1], *title;
	size_t n, k, named;

	snprintf(db, sizeof(db), "%s/since.db", dir);
	snprintf(path, sizeof(path), "%s/since.rows", dir);
	n = fixture_sample_videos(v, 8);
	if (n < 5 || catalog_write(db, v, n, cols, 1, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	read_all(db, &rows);
	if (catalog_rows_file_write(path, &rows, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	catalog_rows_free(&rows);
	CHECK(catalog_rows_file_read(path, &rows) == 1, "the kept rows read");
	since_is_read(db, &rows, "nothing written", 0);

	title = v[3].title;
	v[3].title = (char *)"retitled";
	fixture_update_one(db, &v[3], "cdn.example");
	v[3].title = title;
	since_is_read(db, &rows, "a title changed", 1);

	/* a video added: another guid, before the first and after the last;
	 * the rows as a whole read leaves them, with no room (vcap): the
	 * array grows (the kept rows' room is taken by the adds below) */
	rows.vcap = rows.nvideos;
	snprintf(guid, sizeof(guid), "%s", v[0].guid);
	memcpy(v[0].guid, "00000000", 8);
	fixture_update_one(db, &v[0], "cdn.example");
	memcpy(v[0].guid, "ffffffff", 8);
	fixture_update_one(db, &v[0], "cdn.example");
	memcpy(v[0].guid, guid, sizeof(guid));
	since_is_read(db, &rows, "two videos added (first and last)", 2);

	/* removed by hand, and a caption changed with its hash (as a pull does) */
	snprintf(sql, sizeof(sql), "DELETE FROM videos WHERE guid = '%s'", v[1].guid);
	fixture_exec_sql(db, sql);
	if (v[2].ncaptions > 0) {
		char *label = v[2].captions[0].label;

		v[2].captions[0].label = (char *)"Relabelled";
		fixture_update_one(db, &v[2], "cdn.example");
		v[2].captions[0].label = label;
	}
	since_is_read(db, &rows, "a video removed, a caption changed",
	    v[2].ncaptions > 0 ? 2 : 1);
	CHECK(v[2].ncaptions > 0, "fixture: video 2 has a caption");

	/* a collection added, no video written: the collections read again */
	fixture_exec_sql(db, "INSERT INTO collections (guid, name) VALUES "
	    "('b0000000-0000-4000-8000-000000000000', 'new')");
	since_is_read(db, &rows, "a collection added", 0);
	CHECK(rows.ncollections == 2, "two collections now (%zu)", rows.ncollections);

	/* a row written with its print as it was: named, the same rows */
	snprintf(sql, sizeof(sql), "UPDATE videos SET views = views WHERE guid = '%s'", v[4].guid);
	fixture_exec_sql(db, sql);
	since_is_read(db, &rows, "a row written as it was", 1);

	/* every video removed, then one back: from none and to none */
	fixture_exec_sql(db, "DELETE FROM videos");
	since_is_read(db, &rows, "every video removed", rows.nvideos);
	CHECK(rows.nvideos == 0, "no video left");
	fixture_update_one(db, &v[4], "cdn.example");
	since_is_read(db, &rows, "one put back", 1);

	/* what the log cannot say leaves the rows as they were */
	fixture_update_one(db, &v[3], "cdn.example");
	kept = rows;
	kept.log.nonce++;
	rows.log.nonce++;
	CHECK(catalog_read_since(db, &rows, 64, &named, err, sizeof(err)) == 0 &&
	    same_rows(&rows, &kept), "another nonce at the position: 0, rows untouched");
	rows.log.nonce--;
	CHECK(catalog_read_since(db, &rows, 0, &named, err, sizeof(err)) == 0,
	    "more entries since than asked: 0");
	rows.log.seq += 1000;
	CHECK(catalog_read_since(db, &rows, 64, &named, err, sizeof(err)) == 0,
	    "a position past the log's end: 0");
	rows.log.seq -= 1000;
	fixture_exec_sql(db, "DROP TRIGGER video_log_update");
	CHECK(catalog_read_since(db, &rows, 64, &named, err, sizeof(err)) == 0,
	    "a log without its triggers: 0");
	fixture_exec_sql(db, CATALOG_LOG_ON_UPDATE);
	rows.printed = 0;
	CHECK(catalog_read_since(db, &rows, 64, &named, err, sizeof(err)) == 0,
	    "rows without prints: 0");
	rows.printed = 1;
	since_is_read(db, &rows, "then read from the position", 1);
	catalog_rows_free(&rows);
	snprintf(db, sizeof(db), "%s/absent.db", dir);
	memset(&rows, 0, sizeof(rows));
	rows.printed = 1;
	rows.log.seq = 1;
	CHECK(catalog_read_since(db, &rows, 64, &named, err, sizeof(err)) == -1 &&
	    strstr(err, "pull") != NULL, "no catalog: -1 (%s)", err);
	for (k = 0; k < n; k++)
		bunny_video_free(&v[k]);
}

int
main(void)
{
	char dir[512];

	fixture_tmpdir(dir, sizeof(dir), "test_catalog_rows_file");
	test_round_trip(dir);
	test_since(dir);
	return check_report();
}
