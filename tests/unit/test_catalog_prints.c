/*
 * test_catalog_prints.c — the catalog's per-row prints (catalog_prints_read),
 * what the build's model image (docs/site.md) will compare: the prints' fp
 * is the fingerprint; a title, a view count, a status, a chapter or a
 * caption changed through the one-video pull (or a row's stored host)
 * moves that row's print and no other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "check.h"
#include "catalog_fixture.h"
#include "catalog_read.h"
#include "catalog_update.h"

/* Reads the prints of db, exits on failure. */
static void
prints(const char *db, struct catalog_prints *p)
{
	char err[512];

	if (catalog_prints_read(db, p, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
}

/* Puts v through the one-video pull's write (catalog_update) with host, exits on failure. */
static void
update_one(const char *db, const struct bunny_video *v, const char *host)
{
	const struct bunny_video *put[1] = { v };
	struct catalog_counts c;
	char digest[65], err[512];
	size_t unknown;

	if (catalog_update(db, put, 1, NULL, 0, host, &c, &unknown, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
}

/* How many rows of a and b differ in print (the same guids in both), or 99 when the guids do not match. */
static size_t
moved(const struct catalog_prints *a, const struct catalog_prints *b, size_t *which)
{
	size_t i, k = 0;

	if (a->n != b->n)
		return 99;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->rows[i].guid, b->rows[i].guid) != 0)
			return 99;
		if (a->rows[i].print != b->rows[i].print) {
			*which = i;
			k++;
		}
	}
	return k;
}

/* A change of v (already made) through catalog_update moves its print only, and the fp. */
static void
check_moves(const char *db, const struct bunny_video *v, const char *host, const char *what)
{
	struct catalog_prints before, after;
	size_t which = 99, k;

	prints(db, &before);
	update_one(db, v, host);
	prints(db, &after);
	k = moved(&before, &after, &which);
	CHECK(k == 1 && which < after.n && strcmp(after.rows[which].guid, v->guid) == 0,
	    "%s: that video's print moves, no other's (%zu moved)", what, k);
	CHECK(after.fp != before.fp && after.collections == before.collections,
	    "%s: the fingerprint moves, the collections' hash stays", what);
	catalog_prints_free(&before);
	catalog_prints_free(&after);
}

static void
test_prints(const char *dir)
{
	struct bunny_video v[8];
	struct bunny_collection cols[1] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
	};
	struct catalog_counts counts;
	struct catalog_prints p, q;
	struct catalog_rows rows;
	char db[600], digest[65], err[512], *old;
	uint64_t fp = 0;
	size_t n, i, which = 99, same = 1;

	snprintf(db, sizeof(db), "%s/prints.db", dir);
	n = fixture_sample_videos(v, 8);
	if (catalog_write(db, v, n, cols, 1, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	prints(db, &p);
	CHECK(catalog_fingerprint(db, &fp, err, sizeof(err)) == 0 && fp == p.fp,
	    "fp is catalog_fingerprint()'s value (%s)", err);
	CHECK(catalog_read(db, &rows, NULL, err, sizeof(err)) == 0 && rows.nvideos == p.n &&
	    p.n == n, "a print for every video, whatever its status (%zu of %zu)", p.n, n);
	for (i = 0; i < p.n && i < rows.nvideos; i++)
		if (strcmp(p.rows[i].guid, rows.videos[i].guid) != 0 ||
		    (i > 0 && strcmp(p.rows[i - 1].guid, p.rows[i].guid) >= 0))
			same = 0;
	CHECK(same, "sorted by guid, the guids catalog_read() gives");
	catalog_rows_free(&rows);
	for (i = 1, same = 1; i < p.n; i++)
		if (p.rows[i].print == p.rows[0].print)
			same = 0;
	CHECK(same, "each video its own print");

	/* the same videos written again: nothing moves */
	update_one(db, &v[3], "cdn.example");
	prints(db, &q);
	CHECK(moved(&p, &q, &which) == 0 && q.fp == p.fp, "an unchanged video written again: "
	    "no print moves");
	catalog_prints_free(&q);
	catalog_prints_free(&p);

	old = v[3].title;
	v[3].title = (char *)"retitled";
	check_moves(db, &v[3], "cdn.example", "a title");
	v[3].title = old;
	/* views are in the stored hash (catalog_hash.c: the full hash; only the
	 * change hash, which dates a change, leaves them out) */
	v[2].views += 1;
	check_moves(db, &v[2], "cdn.example", "the view count alone");
	v[4].status = v[4].status == 4 ? 3 : 4;
	check_moves(db, &v[4], "cdn.example", "a status");
	/* the host is stored, not hashed (a one-video pull leaves an unchanged
	 * video's row alone; a full pull with a new host rewrites every row):
	 * one row's, set by hand */
	{
		struct catalog_prints before, after;
		char sql[200];
		sqlite3 *h;

		prints(db, &before);
		snprintf(sql, sizeof(sql), "UPDATE videos SET cdn_host = 'other.example' "
		    "WHERE guid = '%s'", v[0].guid);
		if (sqlite3_open(db, &h) != SQLITE_OK ||
		    sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
			exit(1);
		sqlite3_close(h);
		prints(db, &after);
		CHECK(moved(&before, &after, &which) == 1 && which == 0 && after.fp != before.fp,
		    "one row's stored CDN host: its print moves, no other's");
		catalog_prints_free(&before);
		catalog_prints_free(&after);
	}
	/* captions and chapters are in the stored hash too */
	for (i = 0; i < n && v[i].nchapters == 0; i++)
		;
	CHECK(i < n, "fixture: a video with chapters");
	if (i < n) {
		v[i].chapters[0].start += 1;
		check_moves(db, &v[i], "cdn.example", "a chapter's start");
		old = v[i].ncaptions > 0 ? v[i].captions[0].label : NULL;
		if (old != NULL) {
			v[i].captions[0].label = (char *)"Other";
			check_moves(db, &v[i], "cdn.example", "a caption's label");
			v[i].captions[0].label = old;
		}
	}

	{
		sqlite3 *h;

		prints(db, &p);
		if (sqlite3_open(db, &h) != SQLITE_OK ||
		    sqlite3_exec(h, "UPDATE collections SET name = 'Art'", NULL, NULL, NULL) !=
		    SQLITE_OK)
			exit(1);
		sqlite3_close(h);
		prints(db, &q);
		CHECK(moved(&p, &q, &which) == 0 && q.collections != p.collections &&
		    q.fp != p.fp, "a collection renamed: the collections' hash and the fp move, "
		    "no video's print");
		catalog_prints_free(&q);
		catalog_prints_free(&p);
		catalog_prints_free(&p);	/* accepts a zeroed one */
	}
	snprintf(db, sizeof(db), "%s/absent.db", dir);
	memset(&p, 0xff, sizeof(p));
	CHECK(catalog_prints_read(db, &p, err, sizeof(err)) == -1 && strstr(err, "pull") != NULL &&
	    p.rows == NULL && p.n == 0, "no catalog: an error saying to pull, p zeroed (%s)", err);
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
}

int
main(void)
{
	char dir[512];

	fixture_tmpdir(dir, sizeof(dir), "test_catalog_prints");
	test_prints(dir);
	return check_report();
}
