/*
 * test_catalog_db.c — catalog_write counts and digest, catalog_mark_built,
 * catalog_update (the incremental pull's write), when each video last changed
 * (and the migration that added it), schema version checks, and the
 * listing's page consistency checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "check.h"
#include "bunny_api.h"
#include "catalog_fixture.h"
#include "catalog_rows.h"
#include "catalog_sql.h"
#include "catalog_update.h"

/* PRAGMA data_version of db, -1 on error. */
static sqlite3_int64
data_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
test_write(const char *dir)
{
	struct bunny_video v[8];
	struct catalog_counts c;
	char db[600], digest[65], d2[65], d3[65], built[80], err[512], *old;
	size_t n, i;
	int exists;

	snprintf(db, sizeof(db), "%s/catalog.db", dir);
	n = fixture_sample_videos(v, 8);
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0,
	    "first write (%s)", err);
	CHECK(c.added == 5 && c.updated == 0 && c.removed == 0 && c.unchanged == 0 &&
	    c.total == 5 && c.published == 4, "first write: 5 added, 4 published");
	CHECK(catalog_meta_get(db, "digest", d2, sizeof(d2), &exists, err, sizeof(err)) == 0 &&
	    exists && strcmp(d2, digest) == 0, "digest stored in meta");
	catalog_digest(v, n, NULL, d3);
	CHECK(strcmp(d3, digest) == 0, "catalog_digest is a pure function of the videos");

	/* A change to an unpublished video does not change the published digest. */
	old = v[1].title;	/* 5b2f... is status 3 and sorts second */
	CHECK(v[1].status == 3, "fixture: second video is Transcoding");
	v[1].title = (char *)"changed";
	catalog_digest(v, n, NULL, d3);
	CHECK(strcmp(d3, digest) == 0, "unpublished changes leave the digest alone");
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, d2, err, sizeof(err)) == 0 &&
	    c.updated == 1 && c.unchanged == 4, "but count as updated");
	v[1].title = old;

	/* Remove the first video, change another's views. */
	v[3].views++;
	CHECK(catalog_write(db, v + 1, n - 1, NULL, 0, "", &c, d2, err, sizeof(err)) == 0 &&
	    c.added == 0 && c.removed == 1 && c.updated == 2 && c.unchanged == 2,
	    "removed 1, updated 2, unchanged 2 (%zu %zu %zu %zu)", c.added, c.removed,
	    c.updated, c.unchanged);
	CHECK(strcmp(d2, digest) != 0, "digest changes with published data");
	v[3].views--;
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, d2, err, sizeof(err)) == 0 &&
	    c.added == 1 && strcmp(d2, digest) == 0, "back to the first data: first digest");

	{
		/* the mark is a file beside the catalog; the catalog is not written */
		char mark[700];
		sqlite3 *watch = NULL;
		sqlite3_int64 v1 = -1, v2 = -2;
		FILE *f;

		snprintf(mark, sizeof(mark), "%s.built", db);
		CHECK(catalog_built_get(db, built, err, sizeof(err)) == 0 && built[0] == '\0',
		    "no build recorded: no mark");
		if (sqlite3_open_v2(db, &watch, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
			v1 = data_version(watch);
			CHECK(catalog_mark_built(db, digest, err, sizeof(err)) == 0, "the mark written");
			v2 = data_version(watch);
		}
		sqlite3_close(watch);
		CHECK(v1 >= 0 && v1 == v2, "the mark does not write the catalog (%lld %lld)",
		    (long long)v1, (long long)v2);
		CHECK(catalog_built_get(db, built, err, sizeof(err)) == 0 && strcmp(built, digest) == 0,
		    "catalog_mark_built records the digest");
		snprintf(d3, sizeof(d3), "%.63s%c", digest, digest[63] == '0' ? '1' : '0');
		CHECK(catalog_mark_built(db, d3, err, sizeof(err)) == 0 &&
		    catalog_built_get(db, built, err, sizeof(err)) == 0 && strcmp(built, d3) == 0,
		    "a second mark replaces the first");
		/* anything but a digest and its newline: no build recorded */
		if ((f = fopen(mark, "w")) != NULL) {
			fprintf(f, "%.63sG\n", digest);
			fclose(f);
		}
		CHECK(catalog_built_get(db, built, err, sizeof(err)) == 0 && built[0] == '\0',
		    "a damaged mark: no build recorded");
		if ((f = fopen(mark, "w")) != NULL) {
			fprintf(f, "%s", digest);
			fclose(f);
		}
		CHECK(catalog_built_get(db, built, err, sizeof(err)) == 0 && built[0] == '\0',
		    "a cut mark: no build recorded");
		/* a FIFO at its path is not waited on (the check would hang) */
		unlink(mark);
		CHECK(mkfifo(mark, 0600) == 0 && catalog_built_get(db, built, err, sizeof(err)) == 0 &&
		    built[0] == '\0', "a FIFO at the mark's path: no build recorded, not waited on");
		CHECK(catalog_mark_built(db, digest, err, sizeof(err)) == 0 &&
		    catalog_built_get(db, built, err, sizeof(err)) == 0 &&
		    strcmp(built, digest) == 0, "marked again (over the FIFO: renamed in)");
	}
	CHECK(catalog_mark_built(db, "xyz", err, sizeof(err)) == -1 && strstr(err, "64 hex") != NULL,
	    "catalog_mark_built refuses a non-digest");
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
}

/* The incremental write ends where a full write of the same set ends. */
static void
test_update(const char *dir)
{
	struct bunny_video v[8];
	const struct bunny_video *put[2];
	const char *gone[2];
	struct catalog_counts c;
	char inc[600], full[600], d_inc[65], d_full[65], err[512], num[32], *old;
	size_t n, i, unknown = 99;
	int exists;

	snprintf(inc, sizeof(inc), "%s/update-inc.db", dir);
	snprintf(full, sizeof(full), "%s/update-full.db", dir);
	n = fixture_sample_videos(v, 8);
	CHECK(catalog_write(inc, v, n, NULL, 0, "cdn.example", &c, d_inc, err, sizeof(err)) == 0,
	    "update: the first full write (%s)", err);
	/* A published video's title changes; the first video is deleted. */
	old = v[3].title;
	v[3].title = (char *)"retitled";
	put[0] = &v[3];
	put[1] = &v[4];	/* unchanged */
	gone[0] = v[0].guid;
	gone[1] = "00000000-0000-4000-8000-000000000000";	/* never was there */
	CHECK(catalog_update(inc, put, 2, gone, 2, "cdn.example", &c, &unknown, d_inc, err,
	    sizeof(err)) == 0, "catalog_update (%s)", err);
	CHECK(c.updated == 1 && c.unchanged == 1 && c.removed == 1 && c.added == 0 &&
	    c.total == n - 1, "one updated, one unchanged, one removed (%zu %zu %zu), %zu left",
	    c.updated, c.unchanged, c.removed, c.total);
	CHECK(catalog_write(full, v + 1, n - 1, NULL, 0, "cdn.example", &c, d_full, err,
	    sizeof(err)) == 0, "the same set written in full");
	CHECK(strcmp(d_inc, d_full) == 0, "the same digest as the full write");
	CHECK(catalog_meta_get(inc, "video_count", num, sizeof(num), &exists, err,
	    sizeof(err)) == 0 && strtoul(num, NULL, 10) == n - 1, "video_count follows");
	CHECK(unknown == (v[3].collection[0] != '\0' ? 1u : 0u),
	    "a written video in a collection the table lacks is counted (%zu)", unknown);
	v[3].title = old;
	CHECK(catalog_update(inc, put, 1, NULL, 0, "cdn.example", &c, &unknown, d_inc, err,
	    sizeof(err)) == 0 && c.updated == 1 && strcmp(d_inc, d_full) != 0,
	    "changing it back changes the digest again");
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
}

/* The stored changed time of guid, or -1. */
static long long
changed_of(const char *db, const char *guid)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long t = -1;

	if (sqlite3_open(db, &h) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(h, "SELECT changed FROM videos WHERE guid = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, guid, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			t = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return t;
}

/* changed: the upload time when first seen, kept across pulls that change
 * nothing or only views, the pull's time when a field changes. */
static void
test_changed(const char *dir)
{
	struct bunny_video v[8];
	struct catalog_counts c;
	char db[600], digest[65], err[512], *old;
	size_t n, i;
	long long t0, t1;
	sqlite3 *h;

	snprintf(db, sizeof(db), "%s/changed.db", dir);
	n = fixture_sample_videos(v, 8);
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0,
	    "write (%s)", err);
	for (i = 0; i < n && changed_of(db, v[i].guid) == v[i].uploaded; i++)
		;
	CHECK(i == n, "a video first seen changed when it was uploaded");
	v[0].views += 100;
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0 &&
	    changed_of(db, v[0].guid) == v[0].uploaded, "a views change is no change");
	old = v[0].title;
	v[0].title = (char *)"a new title";
	t0 = (long long)time(NULL);
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0,
	    "write a title change");
	t1 = (long long)time(NULL);
	CHECK(changed_of(db, v[0].guid) >= t0 && changed_of(db, v[0].guid) <= t1 &&
	    changed_of(db, v[1].guid) == v[1].uploaded,
	    "a title change: changed at the pull, the others as they were");
	t0 = changed_of(db, v[0].guid);
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0 &&
	    changed_of(db, v[0].guid) == t0, "the next pull of the same data keeps it");
	v[0].title = old;

	/* the one-video pull (catalog_update) dates a change by the same rule */
	{
		const struct bunny_video *put[2] = { &v[1], &v[2] };
		size_t unknown;

		old = v[1].title;
		v[1].title = (char *)"retitled by a webhook";
		t0 = (long long)time(NULL);
		CHECK(catalog_update(db, put, 2, NULL, 0, "", &c, &unknown, digest, err,
		    sizeof(err)) == 0, "catalog_update (%s)", err);
		t1 = (long long)time(NULL);
		CHECK(changed_of(db, v[1].guid) >= t0 && changed_of(db, v[1].guid) <= t1 &&
		    changed_of(db, v[2].guid) == v[2].uploaded,
		    "one-video pull: the changed video dated now, the unchanged one kept");
		v[1].title = old;
	}

	/* a catalog of schema 1: migrated, each video changed at its upload */
	snprintf(db, sizeof(db), "%s/v1.db", dir);
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0 &&
	    sqlite3_open(db, &h) == SQLITE_OK, "a catalog to take back to schema 1");
	CHECK(sqlite3_exec(h, "DROP INDEX videos_fingerprint; UPDATE videos SET title = 'x';"
	    "ALTER TABLE videos DROP COLUMN changed; ALTER TABLE videos DROP COLUMN change_hash;"
	    "DROP TABLE video_stats; DROP TRIGGER video_log_insert; DROP TRIGGER video_log_update;"
	    "DROP TRIGGER video_log_delete; DROP TABLE video_log;"
	    "PRAGMA user_version = 1", NULL, NULL, NULL) == SQLITE_OK, "schema 1 again");
	sqlite3_close(h);
	CHECK(catalog_write(db, v, n, NULL, 0, "", &c, digest, err, sizeof(err)) == 0 &&
	    changed_of(db, v[0].guid) == v[0].uploaded && changed_of(db, v[4].guid) == v[4].uploaded,
	    "migrated to 2: each video changed at its upload, and a pull after it "
	    "(its hash unknown) changes nothing (%s)", err);
	{
		struct catalog_log_pos pos;
		sqlite3_stmt *st;
		long long first = -1;

		CHECK(sqlite3_open(db, &h) == SQLITE_OK && catalog_log_at(h, &pos) == 1 &&
		    pos.seq > 0 && sqlite3_prepare_v2(h, "SELECT seq FROM video_log WHERE guid = ''",
		    -1, &st, NULL) == SQLITE_OK, "migrated to 5: the change log, its triggers as "
		    "the schema has them");
		if (sqlite3_step(st) == SQLITE_ROW)
			first = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(h);
		CHECK(first > 0 && (uint64_t)first <= pos.seq,
		    "the log starts with the migration's entry (%lld, last %llu)", first,
		    (unsigned long long)pos.seq);
	}
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
}

/* db's schema, each object "type name: sql" a line in name order ("" on failure). */
static void
schema_of(const char *db, char *out, size_t outlen)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t len = 0;

	out[0] = '\0';
	if (sqlite3_open(db, &h) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(h, "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
	    "ORDER BY type, name", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW && len < outlen) {
			int w = snprintf(out + len, outlen - len, "%s %s: %s\n",
			    (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1),
			    (const char *)sqlite3_column_text(st, 2));
			if (w < 0 || (size_t)w >= outlen - len) {
				out[0] = '\0';
				break;
			}
			len += (size_t)w;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
}

/* PRAGMA integrity_check's first answer for db. */
static void
integrity(const char *db, char *out, size_t outlen)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	snprintf(out, outlen, "not checked");
	if (sqlite3_open(db, &h) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void
test_schema(const char *dir)
{
	char db[600], err[512];
	sqlite3 *h;

	snprintf(db, sizeof(db), "%s/future.db", dir);
	CHECK(sqlite3_open(db, &h) == SQLITE_OK &&
	    sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK,
	    "a database from a future onlygen");
	sqlite3_close(h);
	err[0] = '\0';
	CHECK(catalog_open(&h, db, 1, err, sizeof(err)) == -1 && strstr(err, "newer") != NULL,
	    "refused with advice (%s)", err);
	snprintf(db, sizeof(db), "%s/new.db", dir);
	CHECK(catalog_open(&h, db, 1, err, sizeof(err)) == 0, "a new database is created");
	{
		sqlite3_stmt *st;
		int v = -1;
		if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		CHECK(v == CATALOG_SCHEMA_VERSION, "at the current schema version");
	}
	sqlite3_close(h);
	CHECK(catalog_open(&h, db, 1, err, sizeof(err)) == 0, "reopening migrates nothing twice");
	sqlite3_close(h);
	{
		/* A first pull writes its side file with the videos' indexes made after
		 * the rows (catalog_fresh.c): the same schema as a migrated catalog. */
		struct bunny_video v[8];
		struct catalog_counts c;
		char fresh[600], digest[65], a[8192], b[8192], chk[64];
		size_t n = fixture_sample_videos(v, 8), i;

		snprintf(fresh, sizeof(fresh), "%s/fresh-schema.db", dir);
		CHECK(catalog_write(fresh, v, n, NULL, 0, "cdn.example", &c, digest, err,
		    sizeof(err)) == 0 && c.added == n, "a first write (%s)", err);
		schema_of(db, a, sizeof(a));
		schema_of(fresh, b, sizeof(b));
		CHECK(a[0] != '\0' && strstr(a, "index videos_published") != NULL &&
		    strstr(a, "index videos_fingerprint") != NULL && strcmp(a, b) == 0,
		    "a first pull's catalog has the migrated schema, indexes included");
		integrity(fresh, chk, sizeof(chk));
		CHECK(strcmp(chk, "ok") == 0, "and its indexes hold its rows (%s)", chk);
		for (i = 0; i < n; i++)
			bunny_video_free(&v[i]);
	}
}

static void
add(struct bunny_listing *l, size_t page, const char *text, int want_ok, const char *want,
    const char *what)
{
	char err[512];
	int rc;

	err[0] = '\0';
	rc = bunny_add_page(l, 'v', page, "p", text, strlen(text), err, sizeof(err));
	if (want_ok)
		CHECK(rc == 0, "%s (%s)", what, err);
	else
		CHECK(rc == -1 && strstr(err, want) != NULL, "%s: %s", what, err);
}

#define V(n) "{\"guid\":\"00000000-0000-4000-8000-00000000000" #n "\"}"

static void
test_listing(void)
{
	struct bunny_listing l;
	char err[512];

	memset(&l, 0, sizeof(l));
	add(&l, 1, "{\"totalItems\":5,\"currentPage\":1,\"itemsPerPage\":2,\"items\":[" V(1) "," V(2) "]}",
	    1, "", "page 1 of 3");
	add(&l, 3, "{\"totalItems\":5,\"currentPage\":3,\"itemsPerPage\":2,\"items\":[" V(5) "]}",
	    1, "", "last page, out of order");
	CHECK(bunny_listing_finish(&l, err, sizeof(err)) == -1 && strstr(err, "2 of 3") != NULL,
	    "a missing page is an error (%s)", err);
	add(&l, 2, "{\"totalItems\":6,\"currentPage\":2,\"itemsPerPage\":2,\"items\":[" V(3) "," V(4) "]}",
	    0, "totalItems changed from 5 to 6", "totalItems changing");
	add(&l, 2, "{\"totalItems\":5,\"currentPage\":3,\"itemsPerPage\":2,\"items\":[]}",
	    0, "currentPage is 3", "wrong currentPage");
	add(&l, 2, "{\"totalItems\":5,\"currentPage\":2,\"itemsPerPage\":2,\"items\":[" V(3) "]}",
	    0, "1 items where totalItems 5", "short page");
	add(&l, 4, "{\"totalItems\":5,\"currentPage\":4,\"itemsPerPage\":2,\"items\":[]}",
	    0, "past the last page", "page past the end");
	add(&l, 2, "{\"totalItems\":5,\"currentPage\":2,\"itemsPerPage\":2,\"items\":[" V(3) "," V(1) "]}",
	    1, "", "page 2 (repeats a video)");
	CHECK(bunny_listing_finish(&l, err, sizeof(err)) == -1 && strstr(err, "appears twice") != NULL,
	    "a repeated GUID is an error (%s)", err);
	add(&l, 2, "{\"totalItems\":5,\"currentPage\":2,\"itemsPerPage\":2,\"items\":[" V(3) ",",
	    0, "invalid JSON from the API: p:1:", "truncated JSON with line:col");
	bunny_listing_free(&l);

	memset(&l, 0, sizeof(l));
	add(&l, 1, "{\"totalItems\":0,\"currentPage\":1,\"itemsPerPage\":100,\"items\":[]}", 1, "",
	    "empty library");
	CHECK(bunny_listing_finish(&l, err, sizeof(err)) == 0 && l.nvideos == 0,
	    "an empty library is a complete listing");
	bunny_listing_free(&l);
	memset(&l, 0, sizeof(l));
	add(&l, 2, "{\"totalItems\":5,\"currentPage\":2,\"itemsPerPage\":2,\"items\":[]}",
	    0, "page 1 must come first", "page 1 first");
	bunny_listing_free(&l);
}

int
main(void)
{
	char dir[512];

	fixture_tmpdir(dir, sizeof(dir), "test_catalog_db");
	test_write(dir);
	test_update(dir);
	test_changed(dir);
	test_schema(dir);
	test_listing();
	return check_report();
}
