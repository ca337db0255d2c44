/*
 * catalog_db.c — SQLite edge of the catalog: schema and migrations, the
 * all-or-nothing pull write, the digest, and the build marker.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"	/* file_write_atomic(), file_read_small() */
#include "catalog_db.h"
#include "catalog_fresh.h"
#include "catalog_sql.h"
#include "store_file.h"

/*
 * Forward migrations: migrations[i] takes the schema from version i to
 * i + 1.  Never edit a released step; append a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE collections ("
	"  guid TEXT PRIMARY KEY NOT NULL,"
	"  name TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE videos ("
	"  guid        TEXT PRIMARY KEY NOT NULL,"
	"  title       TEXT NOT NULL,"
	"  description TEXT NOT NULL,"
	"  length      INTEGER NOT NULL,"
	"  width       INTEGER NOT NULL,"
	"  height      INTEGER NOT NULL,"
	"  uploaded    INTEGER NOT NULL,"
	"  views       INTEGER NOT NULL,"
	"  thumbnail   TEXT NOT NULL,"
	"  collection  TEXT NOT NULL,"
	"  status      INTEGER NOT NULL,"
	"  meta_tags   TEXT NOT NULL,"
	"  cdn_host    TEXT NOT NULL,"
	"  hash        BLOB NOT NULL) WITHOUT ROWID;"
	/* The renderer reads published videos newest first. */
	"CREATE INDEX videos_published ON videos (status, uploaded DESC, guid);"
	"CREATE TABLE captions ("
	"  guid    TEXT NOT NULL,"
	"  idx     INTEGER NOT NULL,"
	"  srclang TEXT NOT NULL,"
	"  label   TEXT NOT NULL,"
	"  PRIMARY KEY (guid, idx)) WITHOUT ROWID;"
	"CREATE TABLE chapters ("
	"  guid    TEXT NOT NULL,"
	"  idx     INTEGER NOT NULL,"
	"  title   TEXT NOT NULL,"
	"  start_s INTEGER NOT NULL,"
	"  end_s   INTEGER NOT NULL,"
	"  PRIMARY KEY (guid, idx)) WITHOUT ROWID;",
	/*
	 * 1 -> 2: when each video last changed, as the pulls saw it (Bunny
	 * gives no modification time): changed is Unix seconds, change_hash
	 * the hash of the fields that count as a change (all but views).
	 * A video pulled before knows no better than its upload time.
	 */
	"ALTER TABLE videos ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE videos ADD COLUMN change_hash BLOB NOT NULL DEFAULT x'';"
	"UPDATE videos SET changed = uploaded;",
	/*
	 * 2 -> 3: what catalog_fingerprint() reads, in an index of its own,
	 * so a build whose inputs have not changed knows it without reading
	 * the whole table (descriptions are most of its pages).
	 */
	"CREATE INDEX videos_fingerprint ON videos (guid, hash, status, changed, cdn_host);",
	/*
	 * 3 -> 4: Bunny's statistics per video and day (`onlygen stats
	 * --pull`, bunny_stats.c): day is days since 1970-01-01 UTC,
	 * watch_s Bunny's watchTimeChart value.  Kept when a video leaves
	 * the library: past sales stay in the reports.
	 */
	"CREATE TABLE video_stats ("
	"  guid    TEXT NOT NULL,"
	"  day     INTEGER NOT NULL,"
	"  views   INTEGER NOT NULL,"
	"  watch_s INTEGER NOT NULL,"
	"  PRIMARY KEY (guid, day)) WITHOUT ROWID;",
	/*
	 * 4 -> 5: the videos' change log (catalog_sql.h), so that a build
	 * asks which videos were written since its model image instead of
	 * walking every row's print (~40 ms of every build at 100 000).
	 */
	CATALOG_LOG_TABLE ";" CATALOG_LOG_ON_DELETE ";" CATALOG_LOG_ON_INSERT ";"
	CATALOG_LOG_ON_UPDATE ";" CATALOG_LOG_START ";",
};

#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

_Static_assert(NMIGRATIONS == CATALOG_SCHEMA_VERSION,
    "one migration per schema version");

static int
db_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

int
catalog_migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int version;
	size_t i;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, path, err, errlen);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version > CATALOG_SCHEMA_VERSION) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, errlen, "%s: schema version %d is newer than this onlygen "
		    "understands (%d); upgrade onlygen or pull into a new --state directory",
		    path, version, CATALOG_SCHEMA_VERSION);
		return -1;
	}
	for (i = (size_t)version; i < NMIGRATIONS; i++) {
		if (sqlite3_exec(db, migrations[i], NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
	}
	if (version < CATALOG_SCHEMA_VERSION) {
		/* PRAGMA cannot bind; the value is a compile-time constant. */
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", CATALOG_SCHEMA_VERSION);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	db_fail(db, path, err, errlen);
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
catalog_open(sqlite3 **dbp, const char *path, int writable, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	/*
	 * NOMUTEX: every connection is opened, used and closed by one function
	 * on one thread (the build's catalog_read runs on a task of its own,
	 * with a connection of its own).  Serialized mode locked and unlocked
	 * the connection's mutex in every sqlite3_step and sqlite3_column_*
	 * call: ~19 % of catalog_read's time at 100 000 videos.
	 */
	int flags = (writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
	    SQLITE_OPEN_NOMUTEX;

	*dbp = NULL;
	/* The catalog is the generator's alone (0600); -wal and -shm follow. */
	if (writable && store_file_create(path, STORE_MODE_PRIVATE, err, errlen) == -1)
		return -1;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		db_fail(db, path, err, errlen);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	/* Whole-catalog reads (model_load) and writes: a large cache and mmap
	 * instead of a pread per page.  Failing to set them is harmless. */
	sqlite3_exec(db, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (writable) {
		if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
		    catalog_migrate(db, path, err, errlen) != 0) {
			if (err[0] == '\0')
				db_fail(db, path, err, errlen);
			sqlite3_close(db);
			return -1;
		}
	}
	*dbp = db;
	return 0;
}

int
catalog_open_existing(sqlite3 **db, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	*db = NULL;
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s: no catalog yet; run `onlygen pull` first", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return catalog_open(db, path, 0, err, errlen);
}

int
catalog_meta_value(sqlite3 *db, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL)
	    != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
catalog_meta_get(const char *path, const char *key, char *out, size_t outlen,
    int *exists, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	struct stat sb;

	out[0] = '\0';
	*exists = 0;
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	*exists = 1;
	if (catalog_open(&db, path, 0, err, errlen) != 0)
		return -1;
	if (catalog_meta_value(db, key, out, outlen) != 0) {
		db_fail(db, path, err, errlen);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);
	return 0;
}

int
catalog_meta_put(sqlite3_stmt *st, const char *key, const char *value)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/*
 * When each video last changed (changed[i], Unix seconds): as the old row
 * said when its change hash is the same (or unknown: a row migrated from
 * schema 1), now when it differs, its upload time when it is new (what it
 * was when it appeared; a pull cannot know better).  Never before its
 * upload time.  Both lists are in guid order: a merge walk.
 */
static int
change_times(sqlite3 *db, const struct bunny_video *videos, size_t n,
    unsigned char (*chash)[32], int64_t now, int64_t *changed)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0;
	int rc;

	for (i = 0; i < n; i++)
		changed[i] = videos[i].uploaded;
	if (sqlite3_prepare_v2(db, "SELECT guid, change_hash, changed FROM videos ORDER BY guid",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	i = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		const void *h = sqlite3_column_blob(st, 1);
		int bytes = sqlite3_column_bytes(st, 1);
		int cmp = 1;

		while (i < n && (cmp = strcmp(videos[i].guid, g)) < 0)
			i++;
		if (i < n && cmp == 0) {
			if (bytes != 32 || memcmp(h, chash[i], 32) == 0)
				changed[i] = sqlite3_column_int64(st, 2);
			else
				changed[i] = now;
			if (changed[i] < videos[i].uploaded)
				changed[i] = videos[i].uploaded;
			i++;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
catalog_ins_prepare(sqlite3 *db, struct catalog_ins *s)
{
	return sqlite3_prepare_v2(db, "INSERT INTO videos (guid, title, description, length, "
	    "width, height, uploaded, views, thumbnail, collection, status, meta_tags, "
	    "cdn_host, hash, changed, change_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    -1, &s->video, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO captions (guid, idx, srclang, label) "
	    "VALUES (?,?,?,?)", -1, &s->caption, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO chapters (guid, idx, title, start_s, end_s) "
	    "VALUES (?,?,?,?,?)", -1, &s->chapter, NULL) != SQLITE_OK ? -1 : 0;
}

void
catalog_ins_finalize(struct catalog_ins *s)
{
	sqlite3_finalize(s->video);
	sqlite3_finalize(s->caption);
	sqlite3_finalize(s->chapter);
	s->video = s->caption = s->chapter = NULL;
}

int
catalog_ins_rows(struct catalog_ins *s, const struct bunny_video *v, const char *cdn_host,
    const unsigned char hash[32], int64_t changed, const unsigned char chash[32])
{
	sqlite3_stmt *vst = s->video, *cst = s->caption, *hst = s->chapter;
	size_t j;

	sqlite3_reset(vst);
	sqlite3_bind_text(vst, 1, v->guid, -1, SQLITE_STATIC);
	sqlite3_bind_text(vst, 2, v->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(vst, 3, v->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(vst, 4, v->length);
	sqlite3_bind_int64(vst, 5, v->width);
	sqlite3_bind_int64(vst, 6, v->height);
	sqlite3_bind_int64(vst, 7, v->uploaded);
	sqlite3_bind_int64(vst, 8, v->views);
	sqlite3_bind_text(vst, 9, v->thumbnail, -1, SQLITE_STATIC);
	sqlite3_bind_text(vst, 10, v->collection, -1, SQLITE_STATIC);
	sqlite3_bind_int(vst, 11, v->status);
	sqlite3_bind_text(vst, 12, v->meta_tags, -1, SQLITE_STATIC);
	sqlite3_bind_text(vst, 13, cdn_host, -1, SQLITE_STATIC);
	sqlite3_bind_blob(vst, 14, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(vst, 15, changed);
	sqlite3_bind_blob(vst, 16, chash, 32, SQLITE_STATIC);
	if (sqlite3_step(vst) != SQLITE_DONE)
		return -1;
	for (j = 0; j < v->ncaptions; j++) {
		sqlite3_reset(cst);
		sqlite3_bind_text(cst, 1, v->guid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(cst, 2, (int64_t)j);
		sqlite3_bind_text(cst, 3, v->captions[j].srclang, -1, SQLITE_STATIC);
		sqlite3_bind_text(cst, 4, v->captions[j].label, -1, SQLITE_STATIC);
		if (sqlite3_step(cst) != SQLITE_DONE)
			return -1;
	}
	for (j = 0; j < v->nchapters; j++) {
		sqlite3_reset(hst);
		sqlite3_bind_text(hst, 1, v->guid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(hst, 2, (int64_t)j);
		sqlite3_bind_text(hst, 3, v->chapters[j].title, -1, SQLITE_STATIC);
		sqlite3_bind_int(hst, 4, v->chapters[j].start);
		sqlite3_bind_int(hst, 5, v->chapters[j].end);
		if (sqlite3_step(hst) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* What a pull does with each new video's rows (count_changes). */
enum row_act { ROW_KEEP = 0, ROW_ADD, ROW_REPLACE };

/* Runs the three per-GUID deletes (videos, captions, chapters).  0 or -1. */
static int
delete_rows(sqlite3_stmt *const del[3], const char *guid)
{
	int k;

	for (k = 0; k < 3; k++) {
		sqlite3_reset(del[k]);
		sqlite3_bind_text(del[k], 1, guid, -1, SQLITE_STATIC);
		if (sqlite3_step(del[k]) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/*
 * Compares the old (guid, hash, cdn_host) rows with the new set; fills
 * counts, act[i] for each new video (ROW_KEEP: the stored rows are already
 * these bytes), and then deletes the rows of each removed GUID through del
 * (after the walk: no table is changed under a running SELECT).
 */
static int
count_changes(sqlite3 *db, const struct bunny_video *videos, unsigned char (*hashes)[32],
    size_t n, const char *cdn_host, unsigned char *act, sqlite3_stmt *const del[3],
    struct catalog_counts *c)
{
	sqlite3_stmt *st = NULL;
	char (*gone)[GUID_LEN + 1] = NULL, (*t)[GUID_LEN + 1];
	size_t i = 0, k, ngone = 0, capgone = 0;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT guid, hash, cdn_host FROM videos ORDER BY guid", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	for (k = 0; k < n; k++)
		act[k] = ROW_ADD;
	/* Both lists are in guid order: a merge walk. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		const void *h = sqlite3_column_blob(st, 1);
		int bytes = sqlite3_column_bytes(st, 1);
		const char *host = (const char *)sqlite3_column_text(st, 2);
		int cmp = 1;

		while (i < n && (cmp = strcmp(videos[i].guid, g)) < 0) {
			c->added++;
			i++;
		}
		if (i < n && cmp == 0) {
			if (bytes == 32 && memcmp(h, hashes[i], 32) == 0) {
				c->unchanged++;
				/* cdn_host is stored, not hashed: a new one rewrites the row */
				act[i] = host != NULL && strcmp(host, cdn_host) == 0 ?
				    ROW_KEEP : ROW_REPLACE;
			} else {
				c->updated++;
				act[i] = ROW_REPLACE;
			}
			i++;
			continue;
		}
		c->removed++;
		if (ngone == capgone) {
			capgone = capgone ? capgone * 2 : 64;
			if ((t = realloc(gone, capgone * sizeof(*gone))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			gone = t;
		}
		snprintf(gone[ngone++], GUID_LEN + 1, "%s", g != NULL ? g : "");
	}
	c->added += n - i;
	sqlite3_finalize(st);
	for (k = 0; rc == SQLITE_DONE && k < ngone; k++)
		if (delete_rows(del, gone[k]) != 0)
			rc = SQLITE_ERROR;
	free(gone);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
catalog_write(const char *path, const struct bunny_video *videos, size_t n,
    const struct bunny_collection *cols, size_t ncols, const char *cdn_host,
    struct catalog_counts *counts, char digest[65], char *err, size_t errlen)
{
	return catalog_write_from(path, NULL, videos, n, cols, ncols, cdn_host,
	    counts, digest, err, errlen);
}

int
catalog_write_from(const char *path, const char *source,
    const struct bunny_video *videos, size_t n,
    const struct bunny_collection *cols, size_t ncols, const char *cdn_host,
    struct catalog_counts *counts, char digest[65], char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *kst = NULL, *mst = NULL;
	struct catalog_ins ins = { NULL, NULL, NULL };
	sqlite3_stmt *del[3] = { NULL, NULL, NULL };
	unsigned char (*hashes)[32] = NULL, (*chash)[32] = NULL;
	unsigned char *act = NULL;
	int64_t *changed = NULL, now = (int64_t)time(NULL);
	struct stat sb;
	char num[32];
	size_t i, j;

	memset(counts, 0, sizeof(*counts));
	err[0] = '\0';
	for (i = 0; i < n; i++)
		if (videos[i].status == BUNNY_STATUS_FINISHED)
			counts->published++;
	counts->total = n;
	/* No catalog yet: written whole in a side file (catalog_fresh.h). */
	if (lstat(path, &sb) != 0 && errno == ENOENT) {
		int rc = catalog_write_fresh(path, source, videos, n, cols, ncols,
		    cdn_host != NULL ? cdn_host : "", counts->published, now, digest,
		    err, errlen);

		if (rc <= 0) {
			if (rc == 0)
				counts->added = n;
			return rc;
		}
	} else
		catalog_fresh_cleanup(path);
	if (n > 0 && ((hashes = calloc(n, sizeof(*hashes))) == NULL ||
	    (act = calloc(n, 1)) == NULL || (chash = calloc(n, sizeof(*chash))) == NULL ||
	    (changed = calloc(n, sizeof(*changed))) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto out_err;
	}
	if (catalog_hashes(videos, n, hashes, chash, digest) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out_err;
	}
	if (catalog_open(&db, path, 1, err, errlen) != 0)
		goto out_err;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	/*
	 * Only what changed is written: a removed video's rows are deleted, a
	 * changed one's replaced, an unchanged one's left alone (a full pull of
	 * an unchanged library writes nothing but the meta rows).
	 */
	if (sqlite3_prepare_v2(db, "DELETE FROM videos WHERE guid = ?", -1, &del[0],
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM captions WHERE guid = ?", -1, &del[1],
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM chapters WHERE guid = ?", -1, &del[2],
	    NULL) != SQLITE_OK ||
	    change_times(db, videos, n, chash, now, changed) != 0 ||
	    count_changes(db, videos, hashes, n, cdn_host != NULL ? cdn_host : "", act, del,
	    counts) != 0 ||
	    sqlite3_exec(db, "DELETE FROM collections;", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (catalog_ins_prepare(db, &ins) != 0 ||
	    sqlite3_prepare_v2(db, "INSERT INTO collections (guid, name) VALUES (?,?)",
	    -1, &kst, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)",
	    -1, &mst, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		const struct bunny_video *v = &videos[i];

		if (act[i] == ROW_KEEP)
			continue;
		if (act[i] == ROW_REPLACE && delete_rows(del, v->guid) != 0)
			goto fail;
		if (catalog_ins_rows(&ins, v, cdn_host, hashes[i], changed[i], chash[i]) != 0)
			goto fail;
	}
	for (i = 0; i < ncols; i++) {
		sqlite3_reset(kst);
		sqlite3_bind_text(kst, 1, cols[i].guid, -1, SQLITE_STATIC);
		sqlite3_bind_text(kst, 2, cols[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(kst) != SQLITE_DONE)
			goto fail;
	}
	snprintf(num, sizeof(num), "%zu", n);
	if (catalog_meta_put(mst, "digest", digest) || catalog_meta_put(mst, "video_count", num))
		goto fail;
	snprintf(num, sizeof(num), "%lld", (long long)now);
	if (catalog_meta_put(mst, "pulled_at", num))
		goto fail;
	snprintf(num, sizeof(num), "%zu", counts->published);
	if (catalog_meta_put(mst, "published_count", num) ||
	    (source != NULL && catalog_meta_put(mst, "source", source)))
		goto fail;
	if (catalog_log_prune(db) != 0 || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	catalog_ins_finalize(&ins);
	sqlite3_finalize(kst);
	sqlite3_finalize(mst);
	for (j = 0; j < 3; j++)
		sqlite3_finalize(del[j]);
	free(hashes);
	free(act);
	free(chash);
	free(changed);
	if (sqlite3_close(db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: closing the database failed", path);
		return -1;
	}
	return 0;
fail:
	db_fail(db, path, err, errlen);
	catalog_ins_finalize(&ins);
	sqlite3_finalize(kst);
	sqlite3_finalize(mst);
	for (j = 0; j < 3; j++)
		sqlite3_finalize(del[j]);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
out_err:
	free(hashes);
	free(act);
	free(chash);
	free(changed);
	return -1;
}

/* The mark's file: the catalog's path + ".built".  0, or -1 (too long). */
static int
built_path(const char *catalog_db, char *out, size_t outlen)
{
	int w = snprintf(out, outlen, "%s.built", catalog_db);

	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

static int
is_digest(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
catalog_mark_built(const char *catalog_db, const char *digest, char *err, size_t errlen)
{
	char path[4200], line[65];

	if (!is_digest(digest, strlen(digest))) {
		snprintf(err, errlen, "catalog_mark_built: the digest is not 64 hex digits");
		return -1;
	}
	if (built_path(catalog_db, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "%.900s: path too long", catalog_db);
		return -1;
	}
	memcpy(line, digest, 64);
	line[64] = '\n';
	if (file_write_atomic(path, line, sizeof(line), 0600) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
catalog_built_get(const char *catalog_db, char out[65], char *err, size_t errlen)
{
	char path[4200], line[80];
	ssize_t n;

	out[0] = '\0';
	if (built_path(catalog_db, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "%.900s: path too long", catalog_db);
		return -1;
	}
	/* missing, unreadable, not a regular file (a FIFO is not waited on),
	 * or anything but a digest and its newline: no build recorded */
	n = file_read_small(path, line, sizeof(line));
	if (n == 65 && line[64] == '\n' && is_digest(line, 64)) {
		memcpy(out, line, 64);
		out[64] = '\0';
	}
	return 0;
}
