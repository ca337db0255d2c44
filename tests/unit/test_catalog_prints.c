/*
 * test_catalog_prints.c — the catalog's per-row prints (catalog_prints_read)
 * and the read of a few videos by guid (catalog_read_guids), the two reads
 * the build's model image stands on (docs/site.md): the prints' fp is the
 * fingerprint; a title, a view count, a status, a chapter or a caption
 * changed through the one-video pull (or a row's stored host) moves that
 * row's print and no other; the rows read by guid are, field by field,
 * those catalog_read() gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "check.h"
#include "catalog_fixture.h"
#include "catalog_read.h"
#include "catalog_sql.h"
#include "catalog_update.h"
#include "model_image.h"

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
	fixture_update_one(db, v, host);
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
	fixture_update_one(db, &v[3], "cdn.example");
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

static void
test_read_guids(const char *dir)
{
	struct bunny_video v[8];
	struct bunny_collection cols[2] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
		{ "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", (char *)"Lives" },
	};
	struct catalog_counts counts;
	struct catalog_rows all, few;
	const char *guids[4];
	char db[600], digest[65], err[512];
	size_t n, i, tracks = 0;

	snprintf(db, sizeof(db), "%s/guids.db", dir);
	n = fixture_sample_videos(v, 8);
	if (catalog_write(db, v, n, cols, 2, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0 || catalog_read(db, &all, NULL, err, sizeof(err)) != 0 ||
	    all.nvideos != n || n < 5) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	/* first, middle, one the catalog lacks, last: ascending */
	guids[0] = all.videos[0].guid;
	guids[1] = all.videos[n / 2].guid;
	guids[2] = "c0000000-0000-4000-8000-000000000000";
	guids[3] = all.videos[n - 1].guid;
	CHECK(strcmp(guids[1], guids[2]) < 0 && strcmp(guids[2], guids[3]) < 0,
	    "fixture: the unknown guid sorts between the middle and the last");
	CHECK(catalog_read_guids(db, guids, 4, &few, err, sizeof(err)) == 0, "reads (%s)", err);
	CHECK(few.nvideos == 3, "the three the catalog has; the unknown one absent (%zu)",
	    few.nvideos);
	if (few.nvideos == 3) {
		CHECK(fixture_same_row(&few.videos[0], &all.videos[0]), "the first, as catalog_read()");
		CHECK(fixture_same_row(&few.videos[1], &all.videos[n / 2]), "the middle, as catalog_read()");
		CHECK(fixture_same_row(&few.videos[2], &all.videos[n - 1]), "the last, as catalog_read()");
		for (i = 0; i < 3; i++)
			tracks += few.videos[i].ncaptions + few.videos[i].nchapters;
		CHECK(tracks > 0, "the fixture's rows read have captions or chapters (%zu)", tracks);
	}
	CHECK_STR(few.digest, all.digest, "the digest");
	CHECK(few.ncollections == all.ncollections && few.ncollections == 2 &&
	    strcmp(few.collections[0].guid, all.collections[0].guid) == 0 &&
	    strcmp(few.collections[1].name, all.collections[1].name) == 0, "the collections");
	catalog_rows_free(&few);

	/* every video, one guid at a time: each the same */
	for (i = 0; i < n; i++) {
		const char *g[1] = { all.videos[i].guid };

		CHECK(catalog_read_guids(db, g, 1, &few, err, sizeof(err)) == 0 &&
		    few.nvideos == 1 && fixture_same_row(&few.videos[0], &all.videos[i]),
		    "video %zu alone, as catalog_read()", i);
		/* its print looked up alone (catalog_prints_of), the walk's */
		CHECK(few.nvideos == 1 && few.printed && all.printed &&
		    few.videos[0].print == all.videos[i].print &&
		    few.collections_print == all.collections_print,
		    "video %zu alone: the print and the collections' print catalog_read() gives", i);
		catalog_rows_free(&few);
	}
	CHECK(catalog_read_guids(db, NULL, 0, &few, err, sizeof(err)) == 0 && few.nvideos == 0 &&
	    few.ncollections == 2 && strcmp(few.digest, all.digest) == 0,
	    "no guid: no video, the collections and the digest");
	catalog_rows_free(&few);
	guids[0] = all.videos[1].guid;
	guids[1] = all.videos[0].guid;
	CHECK(catalog_read_guids(db, guids, 2, &few, err, sizeof(err)) == -1 &&
	    strstr(err, "ascending") != NULL && few.nvideos == 0 && few.videos == NULL,
	    "guids out of order: an error, rows zeroed (%s)", err);
	snprintf(db, sizeof(db), "%s/absent.db", dir);
	CHECK(catalog_read_guids(db, guids, 1, &few, err, sizeof(err)) == -1 &&
	    strstr(err, "pull") != NULL, "no catalog: an error saying to pull (%s)", err);
	catalog_rows_free(&all);
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
}

/* A catalog of schema 1 (no "changed" column) reads by guid as catalog_read() reads it. */
static void
test_read_guids_old_schema(const char *dir)
{
	struct catalog_rows all, few;
	const char *g[1] = { "00000000-0000-4000-8000-000000000001" };
	sqlite3 *h;
	char db[600], err[512];

	snprintf(db, sizeof(db), "%s/old.db", dir);
	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h,
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
	    "INSERT INTO meta VALUES ('digest', 'd1');"
	    "CREATE TABLE collections (guid TEXT PRIMARY KEY, name TEXT);"
	    "CREATE TABLE videos (guid TEXT PRIMARY KEY, title TEXT, description TEXT,"
	    "  length INTEGER, width INTEGER, height INTEGER, uploaded INTEGER, views INTEGER,"
	    "  thumbnail TEXT, collection TEXT, status INTEGER, meta_tags TEXT, cdn_host TEXT,"
	    "  hash BLOB);"
	    "INSERT INTO videos VALUES ('00000000-0000-4000-8000-000000000001', 'T', 'D', 9, 8,"
	    "  7, 6, 5, 'th.jpg', '', 4, 'a', 'h:1', x'00');"
	    "INSERT INTO videos VALUES ('00000000-0000-4000-8000-000000000002', 'U', '', 0, 0,"
	    "  0, 0, 0, '', '', 4, '', '', x'00');"
	    "CREATE TABLE captions (guid TEXT, idx INTEGER, srclang TEXT, label TEXT);"
	    "INSERT INTO captions VALUES ('00000000-0000-4000-8000-000000000001', 1, 'de', 'B');"
	    "INSERT INTO captions VALUES ('00000000-0000-4000-8000-000000000001', 0, 'en', 'A');"
	    "CREATE TABLE chapters (guid TEXT, idx INTEGER, title TEXT, start_s INTEGER,"
	    "  end_s INTEGER);", NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_close(h);
	CHECK(catalog_read(db, &all, NULL, err, sizeof(err)) == 0 && all.nvideos == 2 &&
	    !all.printed, "schema 1: catalog_read() reads, without prints (%s)", err);
	CHECK(catalog_read_guids(db, g, 1, &few, err, sizeof(err)) == 0 && few.nvideos == 1 &&
	    all.nvideos == 2 && fixture_same_row(&few.videos[0], &all.videos[0]) &&
	    few.videos[0].changed == 0 && few.videos[0].ncaptions == 2 &&
	    strcmp(few.videos[0].captions[0].label, "A") == 0,
	    "schema 1: read by guid without \"changed\", captions in order (%s)", err);
	catalog_rows_free(&few);
	catalog_rows_free(&all);
}

/* The image's rows of db: each row's guid and print, as catalog_read() gives them. */
static size_t
image_rows(const char *db, struct model_image_row *out, size_t cap, uint64_t *coll,
    struct catalog_log_pos *log)
{
	struct catalog_rows all;
	struct catalog_prints p;
	char err[512];
	size_t k, same = 1;

	if (catalog_read(db, &all, NULL, err, sizeof(err)) != 0 || all.nvideos > cap) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	prints(db, &p);
	CHECK(all.printed && p.n == all.nvideos && all.collections_print == p.collections,
	    "catalog_read(): the prints, in the same read");
	for (k = 0; k < all.nvideos; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		memcpy(out[k].guid, all.videos[k].guid, sizeof(out[k].guid));
		out[k].print = all.videos[k].print;
		same &= k < p.n && p.rows[k].print == all.videos[k].print;
	}
	CHECK(same, "each row's print is catalog_prints_read()'s");
	*coll = all.collections_print;
	*log = all.log;
	k = all.nvideos;
	catalog_prints_free(&p);
	catalog_rows_free(&all);
	return k;
}

/* Whether a and b hold the same rows: guids, prints and titles. */
static int
same_changes(const struct catalog_rows *a, const struct catalog_rows *b)
{
	size_t k;

	if (a->nvideos != b->nvideos)
		return 0;
	for (k = 0; k < a->nvideos; k++)
		if (strcmp(a->videos[k].guid, b->videos[k].guid) != 0 ||
		    a->videos[k].print != b->videos[k].print ||
		    strcmp(a->videos[k].title, b->videos[k].title) != 0)
			return 0;
	return 1;
}

/*
 * catalog_read_changes() of db against old, read at log: its answer, and
 * changed.  The same read without the log position (every row walked)
 * must give the same answer, rows and fingerprint.
 */
static int
changes_at(const char *db, const struct model_image_row *old, size_t n, uint64_t coll,
    const struct catalog_log_pos *log, size_t max, struct catalog_rows *changed)
{
	struct catalog_rows walked;
	char err[512];
	uint64_t fp = 0, fpw = 2, want = 1;
	int rc = catalog_read_changes(db, old, n, coll, log, max, changed, &fp, err, sizeof(err));
	int rcw = catalog_read_changes(db, old, n, coll, NULL, max, &walked, &fpw, err,
	    sizeof(err));

	CHECK(rc == -1 || (catalog_fingerprint(db, &want, err, sizeof(err)) == 0 && fp == want),
	    "the fingerprint on the way");
	CHECK(rc == rcw && fp == fpw && same_changes(changed, &walked),
	    "the log's answer is the walk's (%d, %d; %zu, %zu rows)", rc, rcw, changed->nvideos,
	    walked.nvideos);
	catalog_rows_free(&walked);
	if (rc == -1)
		fprintf(stderr, "%s\n", err);
	return rc;
}

static void
test_read_changes(const char *dir)
{
	struct bunny_video v[8];
	struct bunny_collection cols[1] = {
		{ "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d", (char *)"art" },
	};
	struct model_image_row old[16];
	struct catalog_log_pos log;
	struct catalog_counts counts;
	struct catalog_rows ch, all;
	struct catalog_prints p;
	char db[600], digest[65], err[512], guid[GUID_LEN + 1], *title, sql[200];
	uint64_t coll;
	size_t n, nold, k;
	sqlite3 *h;

	snprintf(db, sizeof(db), "%s/changes.db", dir);
	n = fixture_sample_videos(v, 8);
	if (catalog_write(db, v, n, cols, 1, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	nold = image_rows(db, old, 16, &coll, &log);
	CHECK(log.seq != 0, "a new catalog keeps a change log");
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 1 && ch.nvideos == 0,
	    "the catalog as the image saw it: nothing to read (%zu)", ch.nvideos);
	catalog_rows_free(&ch);

	title = v[3].title;
	v[3].title = (char *)"retitled";
	fixture_update_one(db, &v[3], "cdn.example");
	v[3].title = title;
	prints(db, &p);
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 1 && ch.nvideos == 1 &&
	    strcmp(ch.videos[0].guid, v[3].guid) == 0 &&
	    strcmp(ch.videos[0].title, "retitled") == 0 && ch.printed,
	    "one title changed: that row alone, as it is now");
	for (k = 0; k < p.n && strcmp(p.rows[k].guid, v[3].guid) != 0; k++)
		;
	CHECK(ch.nvideos == 1 && k < p.n && ch.videos[0].print == p.rows[k].print &&
	    ch.videos[0].print != old[k].print, "with its new print");
	CHECK(catalog_read(db, &all, NULL, err, sizeof(err)) == 0 && ch.nvideos == 1 &&
	    fixture_same_row(&ch.videos[0], &all.videos[k]) && strcmp(ch.digest, all.digest) == 0,
	    "the row and digest catalog_read() gives");
	catalog_rows_free(&all);
	catalog_rows_free(&ch);
	catalog_prints_free(&p);
	CHECK(changes_at(db, old, nold, coll, &log, 0, &ch) == 0 && ch.nvideos == 0,
	    "more changes than max: 0");
	CHECK(changes_at(db, old, nold, coll + 1, &log, 64, &ch) == 0, "other collections: 0");
	/* the image with one row more, after the catalog's last: the walk ends short of it */
	if (nold < 16) {
		old[nold] = old[nold - 1];
		memset(old[nold].guid, 'f', GUID_LEN);
		CHECK(changes_at(db, old, nold + 1, coll, NULL, 64, &ch) == 0 && ch.nvideos == 0,
		    "the image's last row gone from the catalog: 0");
		/* and one row fewer: the catalog's last row is one the image lacks */
		CHECK(changes_at(db, old, nold - 1, coll, NULL, 64, &ch) == 0 && ch.nvideos == 0,
		    "the catalog's last row not in the image: 0");
	}

	/* a video added: another guid */
	snprintf(guid, sizeof(guid), "%s", v[0].guid);
	memcpy(v[0].guid, "ffffffff", 8);
	fixture_update_one(db, &v[0], "cdn.example");
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 0, "a video added: 0");
	snprintf(sql, sizeof(sql), "DELETE FROM videos WHERE guid = '%s'", v[0].guid);
	memcpy(v[0].guid, guid, sizeof(guid));
	if (sqlite3_open(db, &h) != SQLITE_OK || sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 1 && ch.nvideos == 1,
	    "the added video gone again: the one change");
	catalog_rows_free(&ch);
	snprintf(sql, sizeof(sql), "DELETE FROM videos WHERE guid = '%s'", v[n - 1].guid);
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_close(h);
	k = (size_t)changes_at(db, old, nold, coll, &log, 64, &ch);
	CHECK(k == 0, "a video removed: 0 (%zu, %zu rows of %zu, n %zu)", k, ch.nvideos, nold, n);
	catalog_rows_free(&ch);
	snprintf(db, sizeof(db), "%s/absent.db", dir);
	CHECK(catalog_read_changes(db, old, nold, coll, &log, 64, &ch, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "pull") != NULL && ch.nvideos == 0, "no catalog: -1 (%s)", err);
	for (k = 0; k < n; k++)
		bunny_video_free(&v[k]);
}

/* catalog_read_changes() at log: how many rows it reads (-1 when it answers other than 1). */
static long
read_at(const char *db, const struct model_image_row *old, size_t n, uint64_t coll,
    const struct catalog_log_pos *log)
{
	struct catalog_rows ch;
	char err[512];
	long k;

	if (catalog_read_changes(db, old, n, coll, log, 64, &ch, NULL, err, sizeof(err)) != 1)
		return -1;
	k = (long)ch.nvideos;
	catalog_rows_free(&ch);
	return k;
}

/*
 * The change log (catalog_log.c): a change by any writer is in it; the
 * read that trusts it is the one used while the log holds the image's
 * position with its nonce, and the walk otherwise (the triggers dropped,
 * another nonce there, the position pruned, too many entries since).
 * Which read ran shows on a change made with the triggers away and put
 * back: the log cannot name it, the walk finds it.
 */
static void
test_change_log(const char *dir)
{
	struct bunny_video v[8];
	struct model_image_row old[16];
	struct catalog_log_pos log, other;
	struct catalog_counts counts;
	struct catalog_rows ch;
	char db[600], digest[65], err[512], sql[600];
	uint64_t coll, fp, fp2;
	size_t n, nold, k;

	snprintf(db, sizeof(db), "%s/log.db", dir);
	n = fixture_sample_videos(v, 8);
	if (n < 5)
		exit(1);
	if (catalog_write(db, v, n, NULL, 0, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	nold = image_rows(db, old, 16, &coll, &log);
	CHECK(log.seq != 0 && read_at(db, old, nold, coll, &log) == 0,
	    "a new catalog: its log, nothing since");
	CHECK(catalog_fingerprint(db, &fp, err, sizeof(err)) == 0 &&
	    fp == catalog_fp_of(log.sum, nold, coll),
	    "its fingerprint is its rows' sum, as the read kept it");
	/* the same rows in another file: another log, the same fingerprint */
	snprintf(sql, sizeof(sql), "%s/log-copy.db", dir);
	if (catalog_write(sql, v, n, NULL, 0, "cdn.example", &counts, digest, err,
	    sizeof(err)) != 0)
		exit(1);
	CHECK(catalog_fingerprint(sql, &fp2, err, sizeof(err)) == 0 && fp2 == fp,
	    "the same rows pulled into another file: the same fingerprint");

	/* by hand, through the sqlite3 shell's way: the triggers see it */
	snprintf(sql, sizeof(sql), "UPDATE videos SET hash = randomblob(32) WHERE guid = '%s'",
	    v[2].guid);
	fixture_exec_sql(db, sql);
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 1 && ch.nvideos == 1 &&
	    strcmp(ch.videos[0].guid, v[2].guid) == 0, "a row changed by hand: read");
	catalog_rows_free(&ch);
	CHECK(catalog_fingerprint(db, &fp2, err, sizeof(err)) == 0 && fp2 != fp,
	    "the fingerprint moved with it");
	snprintf(sql, sizeof(sql), "UPDATE videos SET views = views WHERE guid = '%s'", v[4].guid);
	fixture_exec_sql(db, sql);
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 1 && ch.nvideos == 1,
	    "a row written with its print as it was: logged, not read");
	catalog_rows_free(&ch);
	CHECK(catalog_fingerprint(db, &fp, err, sizeof(err)) == 0 && fp == fp2,
	    "nor does it move the fingerprint");
	/* a row whose guid is the log's first entry's (''), written by hand */
	snprintf(sql, sizeof(sql), "INSERT INTO videos SELECT '', title, description, length, "
	    "width, height, uploaded, views, thumbnail, collection, status, meta_tags, cdn_host, "
	    "hash, changed, change_hash FROM videos WHERE guid = '%s'", v[1].guid);
	fixture_exec_sql(db, sql);
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 0,
	    "a row of guid '' added by hand: seen by the log's read as by the walk");
	fixture_exec_sql(db, "DELETE FROM videos WHERE guid = ''");
	CHECK(changes_at(db, old, nold, coll, &log, 64, &ch) == 1 && ch.nvideos == 1,
	    "and gone again: the one change as before");
	catalog_rows_free(&ch);
	nold = image_rows(db, old, 16, &coll, &log);

	/* a change the log misses: the triggers away, then put back as they were */
	fixture_exec_sql(db, "DROP TRIGGER video_log_update");
	snprintf(sql, sizeof(sql), "UPDATE videos SET hash = randomblob(32) WHERE guid = '%s'",
	    v[3].guid);
	fixture_exec_sql(db, sql);
	CHECK(catalog_fingerprint(db, &fp, err, sizeof(err)) == 0 &&
	    fp != catalog_fp_of(log.sum, nold, coll), "a trigger gone: the fingerprint moved");
	CHECK(read_at(db, old, nold, coll, &log) == 1, "a trigger gone: every row walked");
	fixture_exec_sql(db, CATALOG_LOG_ON_UPDATE);
	CHECK(read_at(db, old, nold, coll, &log) == 0,
	    "the triggers as the schema has them: the log is read, not the walk");
	CHECK(read_at(db, old, nold, coll, NULL) == 1, "no position: the walk");
	other = log;
	other.nonce++;
	CHECK(read_at(db, old, nold, coll, &other) == 1,
	    "another nonce at the position (a catalog restored from before): the walk");
	other = log;
	other.seq += 1000;
	CHECK(read_at(db, old, nold, coll, &other) == 1, "a position past the log's end: the walk");
	fixture_exec_sql(db, "CREATE TRIGGER video_log_more AFTER INSERT ON video_log BEGIN SELECT 1; END");
	CHECK(read_at(db, old, nold, coll, &log) == 1, "a trigger the schema lacks: the walk");
	fixture_exec_sql(db, "DROP TRIGGER video_log_more");

	/* more entries since than a build reads: the walk */
	fixture_exec_sql(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
	    "WHERE i < 5000) INSERT INTO video_log (guid, nonce) SELECT '', random() FROM c");
	CHECK(read_at(db, old, nold, coll, &log) == 1, "5000 entries since: the walk");
	/* pruned: a pull keeps the last CATALOG_LOG_KEEP entries */
	fixture_exec_sql(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
	    "WHERE i < 20000) INSERT INTO video_log (guid, nonce) SELECT '', random() FROM c");
	fixture_update_one(db, &v[1], "cdn.example");
	{
		sqlite3 *h;
		sqlite3_stmt *st;
		long long left = -1, first = -1;

		if (sqlite3_open(db, &h) == SQLITE_OK && sqlite3_prepare_v2(h,
		    "SELECT count(*), min(seq) FROM video_log", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW) {
				left = sqlite3_column_int64(st, 0);
				first = sqlite3_column_int64(st, 1);
			}
			sqlite3_finalize(st);
		}
		sqlite3_close(h);
		CHECK(left == CATALOG_LOG_KEEP && first > (long long)log.seq,
		    "a pull prunes the log to its last %d entries (%lld left, from %lld)",
		    CATALOG_LOG_KEEP, left, first);
	}
	nold = image_rows(db, old, 16, &coll, &log);
	CHECK(read_at(db, old, nold, coll, &log) == 0, "read again: the log from there");
	for (k = 0; k < n; k++)
		bunny_video_free(&v[k]);
}

int
main(void)
{
	char dir[512];

	fixture_tmpdir(dir, sizeof(dir), "test_catalog_prints");
	test_prints(dir);
	test_read_guids(dir);
	test_read_guids_old_schema(dir);
	test_read_changes(dir);
	test_change_log(dir);
	return check_report();
}
