/*
 * test_catalog_read.c — catalog.db read into plain rows (catalog_read) and
 * the summary `onlygen status` prints (catalog_summary_read): every video
 * with its published flag, captions and chapters on the right video in
 * order, collections, the digest; columns read by name, whatever their
 * order in the table; errors that name the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "check.h"
#include "catalog_fixture.h"
#include "catalog_read.h"

#define TOM	"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
#define ROUGH	"5b2f1c3d-7e8a-4b9c-8d0e-1f2a3b4c5d6e"

static const struct catalog_video_row *
find(const struct catalog_rows *r, const char *guid)
{
	size_t i;

	for (i = 0; i < r->nvideos; i++)
		if (strcmp(r->videos[i].guid, guid) == 0)
			return &r->videos[i];
	return NULL;
}

static void
test_read(const char *dir)
{
	struct bunny_video v[8];
	struct bunny_collection cols[2] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
		{ "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", (char *)"Lives" },
	};
	struct catalog_counts counts;
	struct catalog_rows rows;
	struct catalog_summary s;
	const struct catalog_video_row *r;
	char db[600], digest[65], err[4200];
	size_t n, i, sorted = 1, published = 0;

	snprintf(db, sizeof(db), "%s/catalog.db", dir);
	n = fixture_sample_videos(v, 8);
	if (catalog_write(db, v, n, cols, 2, "stored.example", &counts, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	{
		atomic_int stop;

		atomic_init(&stop, 1);
		CHECK(catalog_read(db, &rows, &stop, err, sizeof(err)) == -1 &&
		    strstr(err, "interrupted") != NULL && rows.nvideos == 0 && rows.videos == NULL,
		    "a read told to stop gives up, leaving no rows (%s)", err);
		atomic_store(&stop, 0);
		CHECK(catalog_read(db, &rows, &stop, err, sizeof(err)) == 0 &&
		    rows.nvideos == n, "one never told to stop reads it all (%s)", err);
		catalog_rows_free(&rows);
	}
	CHECK(catalog_read(db, &rows, NULL, err, sizeof(err)) == 0, "reads (%s)", err);
	CHECK(rows.nvideos == n, "every video, whatever its status (%zu of %zu)", rows.nvideos, n);
	for (i = 0; i < rows.nvideos; i++) {
		if (i > 0 && strcmp(rows.videos[i - 1].guid, rows.videos[i].guid) >= 0)
			sorted = 0;
		published += rows.videos[i].published != 0;
	}
	CHECK(sorted, "sorted by guid");
	CHECK(published == 4, "published = status Finished: 4 (%zu)", published);
	CHECK((r = find(&rows, ROUGH)) != NULL && !r->published, "Transcoding: not published");
	CHECK_STR(rows.digest, digest, "the digest");
	if ((r = find(&rows, TOM)) != NULL) {
		CHECK(r->published, "Finished: published");
		CHECK_STR(r->title, "Tom & Jerry's <Best> \"Chase\" Scenes", "title, raw");
		CHECK(r->length == 754 && r->width == 1920 && r->height == 1080 &&
		    r->views == 15342 && r->uploaded == 1762194161, "integers by name");
		CHECK_STR(r->cdn_host, "stored.example", "the host the pull stored");
		CHECK_STR(r->collection, "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", "collection");
		CHECK(strstr(r->meta_tags, "cartoon") != NULL, "keywords (%s)", r->meta_tags);
		CHECK(r->ncaptions == 2 && strcmp(r->captions[0].srclang, "en") == 0 &&
		    strcmp(r->captions[1].label, "Deutsch") == 0, "its captions, in order");
		CHECK(r->nchapters == 3 && r->chapters[1].start == 95 && r->chapters[1].end == 410,
		    "its chapters, in order");
	} else
		CHECK(0, "video " TOM " read");
	for (i = 0, sorted = 1; i < rows.nvideos && i < 8; i++)
		if (strcmp(rows.videos[i].guid, v[i].guid) != 0 ||
		    rows.videos[i].ncaptions != v[i].ncaptions ||
		    rows.videos[i].nchapters != v[i].nchapters)
			sorted = 0;
	CHECK(sorted, "each video has its own captions and chapters, no other's");
	CHECK(rows.ncollections == 2 &&
	    strcmp(rows.collections[0].guid, "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d") == 0 &&
	    strcmp(rows.collections[1].name, "art") == 0, "collections sorted by guid");
	catalog_rows_free(&rows);
	catalog_rows_free(&rows);	/* accepts a zeroed struct */

	CHECK(catalog_mark_built(db, digest, err, sizeof(err)) == 0, "mark built");
	CHECK(catalog_summary_read(db, &s, err, sizeof(err)) == 0, "summary (%s)", err);
	CHECK(s.nstatus == 2 && s.by_status[0].status == 3 && s.by_status[0].count == 1 &&
	    s.by_status[1].status == 4 && s.by_status[1].count == 4,
	    "counts by status, ascending: 1 Transcoding, 4 Finished");
	CHECK(s.npending == 1 && strcmp(s.pending[0].guid, ROUGH) == 0 &&
	    s.pending[0].status == 3 && s.pending[0].title[0] != '\0',
	    "the one video not published, with its status and title");
	CHECK(strcmp(s.digest, digest) == 0 && strcmp(s.built_digest, digest) == 0 &&
	    s.pulled_at[0] != '\0', "digest, built digest, pulled_at");
	catalog_summary_free(&s);
	for (i = 0; i < 5; i++)
		bunny_video_free(&v[i]);
}

static void
exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s\n", msg);
		exit(1);
	}
}

/* The columns are found by name: a table with them in another order reads the same. */
static void
test_by_name(const char *dir)
{
	struct catalog_rows rows;
	sqlite3 *db;
	char path[600], err[4200];

	snprintf(path, sizeof(path), "%s/shuffled.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	exec_sql(db,
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
	    "INSERT INTO meta VALUES ('digest', 'd1');"
	    "CREATE TABLE collections (name TEXT, guid TEXT PRIMARY KEY);"
	    "INSERT INTO collections VALUES ('Art', 'c0000000-0000-4000-8000-000000000001');"
	    "CREATE TABLE videos (hash BLOB, cdn_host TEXT, meta_tags TEXT, status INTEGER,"
	    "  collection TEXT, thumbnail TEXT, views INTEGER, uploaded INTEGER, height INTEGER,"
	    "  width INTEGER, length INTEGER, description TEXT, title TEXT, guid TEXT PRIMARY KEY);"
	    "INSERT INTO videos VALUES (x'00', 'h:1', 'a,b', 4, 'c0000000-0000-4000-8000-000000000001',"
	    "  'th.jpg', 5, 6, 7, 8, 9, 'D', 'T', '00000000-0000-4000-8000-000000000001');"
	    "INSERT INTO videos VALUES (x'00', '', '', 2, '', '', 0, 0, 0, 0, 0, '', 'U',"
	    "  '00000000-0000-4000-8000-000000000000');"
	    "CREATE TABLE captions (label TEXT, srclang TEXT, idx INTEGER, guid TEXT);"
	    "INSERT INTO captions VALUES ('Second', 'de', 1, '00000000-0000-4000-8000-000000000001');"
	    "INSERT INTO captions VALUES ('First', 'en', 0, '00000000-0000-4000-8000-000000000001');"
	    "INSERT INTO captions VALUES ('Orphan', 'xx', 0, 'ffffffff-0000-4000-8000-000000000001');"
	    "CREATE TABLE chapters (end_s INTEGER, start_s INTEGER, title TEXT, idx INTEGER, guid TEXT);"
	    "INSERT INTO chapters VALUES (20, 10, 'C', 0, '00000000-0000-4000-8000-000000000001');");
	sqlite3_close(db);
	CHECK(catalog_read(path, &rows, NULL, err, sizeof(err)) == 0, "a shuffled table reads (%s)", err);
	if (rows.nvideos == 2) {
		const struct catalog_video_row *r = &rows.videos[1];

		CHECK(!rows.videos[0].published && r->published, "status read by name");
		CHECK(strcmp(r->title, "T") == 0 && strcmp(r->description, "D") == 0 &&
		    strcmp(r->thumbnail, "th.jpg") == 0 && strcmp(r->cdn_host, "h:1") == 0 &&
		    strcmp(r->meta_tags, "a,b") == 0, "text columns by name");
		CHECK(r->length == 9 && r->width == 8 && r->height == 7 && r->uploaded == 6 &&
		    r->views == 5, "integer columns by name");
		CHECK(r->ncaptions == 2 && strcmp(r->captions[0].label, "First") == 0 &&
		    strcmp(r->captions[1].srclang, "de") == 0, "captions by name, in idx order");
		CHECK(r->nchapters == 1 && r->chapters[0].start == 10 && r->chapters[0].end == 20 &&
		    strcmp(r->chapters[0].title, "C") == 0, "chapters by name");
		CHECK(rows.videos[0].ncaptions == 0, "a caption of no video is dropped");
	} else
		CHECK(0, "two videos (%zu)", rows.nvideos);
	CHECK(rows.ncollections == 1 && strcmp(rows.collections[0].name, "Art") == 0,
	    "collections by name");
	CHECK_STR(rows.digest, "d1", "digest");
	catalog_rows_free(&rows);
}

static void
test_errors(const char *dir)
{
	struct catalog_rows rows;
	struct catalog_summary s;
	sqlite3 *db;
	char path[600], err[4200];

	snprintf(path, sizeof(path), "%s/none.db", dir);
	CHECK(catalog_read(path, &rows, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "none.db: no catalog yet; run `onlygen pull` first") != NULL &&
	    rows.nvideos == 0 && rows.videos == NULL, "no file: says to pull (%s)", err);
	snprintf(path, sizeof(path), "%s/other.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	exec_sql(db, "CREATE TABLE meta (key TEXT, value TEXT);"
	    "CREATE TABLE collections (guid TEXT, name TEXT);"
	    "CREATE TABLE videos (guid TEXT, title TEXT);");
	sqlite3_close(db);
	CHECK(catalog_read(path, &rows, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "other.db: ") != NULL && strstr(err, "column: thumbnail") != NULL &&
	    rows.nvideos == 0, "a missing column: an error naming the file and the column "
	    "(the first the read lacks: %s)",
	    err);
	CHECK(catalog_summary_read(path, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "other.db: ") != NULL && s.npending == 0,
	    "summary of a foreign database: an error naming the file (%s)", err);
}

/* The fingerprint follows what catalog_read() gives, not the pull's meta rows. */
static void
test_fingerprint(const char *dir)
{
	char db[600], err[512];
	uint64_t fp0 = 0, fp;
	sqlite3 *h;
	int i;
	static const struct {
		const char	*change;
		int		 counts;	/* 1: the fingerprint must move */
	} edits[] = {
		{ "UPDATE meta SET value = 'x' WHERE key = 'pulled_at'", 0 },
		{ "UPDATE videos SET changed = changed + 1 WHERE guid = (SELECT min(guid) FROM videos)", 1 },
		{ "UPDATE videos SET cdn_host = 'other.example'", 1 },
		{ "UPDATE videos SET status = 3 WHERE guid = (SELECT min(guid) FROM videos)", 1 },
		{ "UPDATE videos SET hash = x'00' WHERE guid = (SELECT max(guid) FROM videos)", 1 },
		{ "UPDATE collections SET name = 'Art'", 1 },
		{ "DELETE FROM chapters", 0 },	/* what the hash stands for: see video_hash */
	};

	snprintf(db, sizeof(db), "%s/catalog.db", dir);
	CHECK(catalog_fingerprint(db, &fp0, err, sizeof(err)) == 0, "a fingerprint (%s)", err);
	CHECK(catalog_fingerprint(db, &fp, err, sizeof(err)) == 0 && fp == fp0, "the same twice");
	if (sqlite3_open(db, &h) != SQLITE_OK)
		return;
	{
		sqlite3_stmt *st;
		char plan[256] = "";

		if (sqlite3_prepare_v2(h, "EXPLAIN QUERY PLAN SELECT guid, hash, status, changed, "
		    "cdn_host FROM videos ORDER BY guid", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			snprintf(plan, sizeof(plan), "%s", (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
		CHECK(strstr(plan, "COVERING INDEX videos_fingerprint") != NULL,
		    "read through its covering index (%s)", plan);
	}
	for (i = 0; i < (int)(sizeof(edits) / sizeof(edits[0])); i++) {
		int ok = sqlite3_exec(h, edits[i].change, NULL, NULL, NULL) == SQLITE_OK &&
		    catalog_fingerprint(db, &fp, err, sizeof(err)) == 0;

		CHECK(ok && (fp != fp0) == edits[i].counts, "%s: the fingerprint %s",
		    edits[i].change, edits[i].counts ? "moves" : "stays");
		fp0 = fp;
	}
	sqlite3_close(h);
	snprintf(db, sizeof(db), "%s/absent.db", dir);
	CHECK(catalog_fingerprint(db, &fp, err, sizeof(err)) == -1 && strstr(err, "pull") != NULL,
	    "no catalog: an error saying to pull (%s)", err);
}

int
main(void)
{
	char dir[512];

	fixture_tmpdir(dir, sizeof(dir), "test_catalog_read");
	test_read(dir);
	test_fingerprint(dir);
	test_by_name(dir);
	test_errors(dir);
	return check_report();
}
