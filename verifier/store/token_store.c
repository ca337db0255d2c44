/*
 * token_store.c — the code store: schema, migrations, reads and writes.
 * See token_store.h.
 */
#include <stdio.h>
#include <string.h>

#include "sout.h"
#include "store_file.h"
#include "token_store.h"

/* migrations[i] upgrades a file from user_version i to i + 1. */
static const char *const migrations[TSTORE_VERSION] = {
	"CREATE TABLE codes ("
	" hash BLOB PRIMARY KEY NOT NULL CHECK (length(hash) = 32),"
	" level TEXT NOT NULL CHECK (level IN ('public', 'vip', 'ppv')),"
	" video TEXT CHECK ((level = 'ppv') = (video IS NOT NULL)),"
	" expires_at INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" revoked_at INTEGER,"
	" note TEXT NOT NULL DEFAULT ''"
	") WITHOUT ROWID;"
	"CREATE INDEX codes_video ON codes(video);",
};

void
tstore_code_hash(const struct hmac_key *k, const char *code,
    unsigned char hash[HMAC_LEN])
{
	hmac_sha256(k, code, strlen(code), hash);
}

static void
copy_text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	sout_copy(dst, cap, t ? (const char *)t : "");
}

int
tstore_lookup(sqlite3_stmt *st, const unsigned char hash[HMAC_LEN],
    struct token_rec *rec)
{
	int rc, found = 0;

	if (sqlite3_bind_blob(st, 1, hash, HMAC_LEN, SQLITE_STATIC) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(rec, 0, sizeof(*rec));
		memcpy(rec->hash, hash, HMAC_LEN);
		copy_text(rec->level, sizeof(rec->level), st, 0);
		copy_text(rec->video, sizeof(rec->video), st, 1);
		rec->expires_at = sqlite3_column_int64(st, 2);
		rec->created_at = sqlite3_column_int64(st, 3);
		rec->revoked_at = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 4);
		/* Values go into JSON answers: a row that breaks the schema's
		 * promises (edited by hand) is an error, not an answer. */
		found = access_level_known(rec->level) && (rec->video[0] == '\0' ||
		    guid_ok(rec->video, strlen(rec->video))) ? 1 : -1;
	} else if (rc != SQLITE_DONE)
		found = -1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return found;
}

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3 *
tstore_open_rw(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1, i;

	/* lighttpd reads it through the group; nobody else may. */
	if (store_file_create(path, STORE_MODE_GROUP, err, errlen) == -1)
		return NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(db, 5000);
	if (exec(db, "PRAGMA journal_mode = WAL", err, errlen) != 0)
		goto fail;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s (is it a tokens database?)", path,
		    sqlite3_errmsg(db));
		goto fail;
	}
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (v > TSTORE_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this "
		    "program's %d (upgrade bin/onlytoken)", path, v, TSTORE_VERSION);
		goto fail;
	}
	for (i = v; i < TSTORE_VERSION; i++) {
		char sql[64];

		if (exec(db, "BEGIN IMMEDIATE", err, errlen) != 0)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", i + 1);
		if (exec(db, migrations[i], err, errlen) != 0 ||
		    exec(db, sql, err, errlen) != 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		if (exec(db, "COMMIT", err, errlen) != 0)
			goto fail;
	}
	return db;
fail:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

void
tstore_close_rw(sqlite3 *db)
{
	if (db == NULL)
		return;
	/* A reader that holds a read transaction for good (Litestream, on a
	 * writer that replicates, docs/deploy.md) makes a TRUNCATE checkpoint
	 * wait for it: try once without waiting; the WAL is then left to the
	 * next checkpoint (Litestream makes its own). */
	sqlite3_busy_timeout(db, 0);
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_close(db);
}

int
tstore_insert(sqlite3 *db, const struct token_rec *r, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO codes (hash, level, video, "
	    "expires_at, created_at, revoked_at, note) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_blob(st, 1, r->hash, HMAC_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->level, -1, SQLITE_STATIC);
	if (r->video[0] != '\0')
		sqlite3_bind_text(st, 3, r->video, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->expires_at);
	sqlite3_bind_int64(st, 5, r->created_at);
	if (r->revoked_at != 0)
		sqlite3_bind_int64(st, 6, r->revoked_at);
	sqlite3_bind_text(st, 7, r->note, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", rc == SQLITE_CONSTRAINT ?
		    "a code with the same value is already stored" :
		    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
tstore_revoke(sqlite3 *db, const unsigned char hash[HMAC_LEN], int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "UPDATE codes SET revoked_at = ?2 WHERE "
	    "hash = ?1 AND revoked_at IS NULL", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_blob(st, 1, hash, HMAC_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db) > 0 ? 1 : 0;
}

long
tstore_list(sqlite3 *db, const struct tstore_filter *f,
    void (*fn)(const struct token_rec *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct token_rec r;
	long n = 0;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT hash, level, video, expires_at, "
	    "created_at, revoked_at, note FROM codes WHERE "
	    "(?1 IS NULL OR level = ?1) AND (?2 IS NULL OR video = ?2) AND "
	    "(?3 = 0 OR (?3 = 1) = (expires_at <= ?5)) AND "
	    "(?4 = 0 OR (?4 = 1) = (revoked_at IS NOT NULL)) "
	    "ORDER BY created_at, hash", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (f->level)
		sqlite3_bind_text(st, 1, f->level, -1, SQLITE_STATIC);
	if (f->video)
		sqlite3_bind_text(st, 2, f->video, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, f->expired);
	sqlite3_bind_int(st, 4, f->revoked);
	sqlite3_bind_int64(st, 5, f->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(st, 0);

		memset(&r, 0, sizeof(r));
		if (h != NULL && sqlite3_column_bytes(st, 0) == HMAC_LEN)
			memcpy(r.hash, h, HMAC_LEN);
		copy_text(r.level, sizeof(r.level), st, 1);
		copy_text(r.video, sizeof(r.video), st, 2);
		r.expires_at = sqlite3_column_int64(st, 3);
		r.created_at = sqlite3_column_int64(st, 4);
		r.revoked_at = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 5);
		copy_text(r.note, sizeof(r.note), st, 6);
		fn(&r, arg);
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}
