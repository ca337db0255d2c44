/*
 * catalog_update.c — a few videos' rows replaced or removed in one
 * transaction, and the digest recomputed from the stored per-video hashes
 * (catalog_update.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "catalog_sql.h"
#include "catalog_update.h"

/* The statements of one update; NULL until prepared. */
struct stmts {
	sqlite3_stmt	*get, *del_v, *del_c, *del_h, *col, *meta;
	struct catalog_ins ins;
};

static void
finalize_all(struct stmts *s)
{
	sqlite3_finalize(s->get);
	sqlite3_finalize(s->del_v);
	sqlite3_finalize(s->del_c);
	sqlite3_finalize(s->del_h);
	catalog_ins_finalize(&s->ins);
	sqlite3_finalize(s->col);
	sqlite3_finalize(s->meta);
	memset(s, 0, sizeof(*s));
}

static int
prepare_all(sqlite3 *db, struct stmts *s)
{
	return sqlite3_prepare_v2(db, "SELECT hash, change_hash, changed FROM videos WHERE guid = ?", -1, &s->get,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM videos WHERE guid = ?", -1, &s->del_v,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM captions WHERE guid = ?", -1, &s->del_c,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM chapters WHERE guid = ?", -1, &s->del_h,
	    NULL) != SQLITE_OK ||
	    catalog_ins_prepare(db, &s->ins) != 0 ||
	    sqlite3_prepare_v2(db, "SELECT 1 FROM collections WHERE guid = ?", -1, &s->col,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)",
	    -1, &s->meta, NULL) != SQLITE_OK ? -1 : 0;
}

/* Runs a one-parameter statement (a GUID) to completion: SQLITE_DONE or SQLITE_ROW. */
static int
step_guid(sqlite3_stmt *st, const char *guid)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, guid, -1, SQLITE_STATIC);
	return sqlite3_step(st);
}

static int
remove_rows(struct stmts *s, const char *guid)
{
	return step_guid(s->del_v, guid) != SQLITE_DONE ||
	    step_guid(s->del_c, guid) != SQLITE_DONE ||
	    step_guid(s->del_h, guid) != SQLITE_DONE ? -1 : 0;
}

/*
 * catalog_digest() over the stored rows: the same bytes (the prefix, then
 * each Finished video's hash in GUID order), read from the hash column
 * instead of recomputed.  Also counts all and Finished rows.
 */
static int
stored_digest(sqlite3 *db, struct catalog_counts *c, char digest[65])
{
	static const char xd[] = "0123456789abcdef";
	sqlite3_stmt *st = NULL;
	EVP_MD_CTX *all = EVP_MD_CTX_new();
	unsigned char d[32];
	int rc, i;

	if (all == NULL)
		return -1;
	c->total = c->published = 0;
	EVP_DigestInit_ex(all, EVP_sha256(), NULL);
	EVP_DigestUpdate(all, "onlygen-catalog-v1", 18);
	if (sqlite3_prepare_v2(db, "SELECT status, hash FROM videos ORDER BY guid", -1, &st,
	    NULL) != SQLITE_OK) {
		EVP_MD_CTX_free(all);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->total++;
		if (sqlite3_column_int(st, 0) != BUNNY_STATUS_FINISHED)
			continue;
		if (sqlite3_column_bytes(st, 1) != 32)
			break;
		c->published++;
		EVP_DigestUpdate(all, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	EVP_DigestFinal_ex(all, d, NULL);
	EVP_MD_CTX_free(all);
	if (rc != SQLITE_DONE)
		return -1;
	for (i = 0; i < 32; i++) {
		digest[2 * i] = xd[d[i] >> 4];
		digest[2 * i + 1] = xd[d[i] & 15];
	}
	digest[64] = '\0';
	return 0;
}

int
catalog_update(const char *path, const struct bunny_video *const *put, size_t nput,
    const char *const *gone, size_t ngone, const char *cdn_host,
    struct catalog_counts *counts, size_t *unknown_collections, char digest[65],
    char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	struct stmts s;
	char num[32], unused[65];
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(counts, 0, sizeof(*counts));
	*unknown_collections = 0;
	err[0] = '\0';
	if (catalog_open(&db, path, 1, err, errlen) != 0)
		return -1;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    prepare_all(db, &s) != 0)
		goto fail;
	for (i = 0; i < nput; i++) {
		const struct bunny_video *v = put[i];
		unsigned char hash[1][32], chash[32];
		int64_t changed = v->uploaded;	/* first seen: when it was uploaded */
		int same = 0;

		catalog_digest(v, 1, hash, unused);	/* hash[0]: the video's own hash */
		if (catalog_change_hash(v, chash) != 0)
			goto fail;
		if ((rc = step_guid(s.get, v->guid)) == SQLITE_ROW) {
			same = sqlite3_column_bytes(s.get, 0) == 32 &&
			    memcmp(sqlite3_column_blob(s.get, 0), hash[0], 32) == 0;
			/* the rule of catalog_db.c's change_times(): kept while the
			 * change hash holds (or is unknown), now when it moves */
			if (sqlite3_column_bytes(s.get, 1) != 32 ||
			    memcmp(sqlite3_column_blob(s.get, 1), chash, 32) == 0)
				changed = sqlite3_column_int64(s.get, 2);
			else
				changed = now;
			if (changed < v->uploaded)
				changed = v->uploaded;
		} else if (rc != SQLITE_DONE)
			goto fail;
		if (same) {
			counts->unchanged++;
			continue;
		}
		if (rc == SQLITE_ROW)
			counts->updated++;
		else
			counts->added++;
		if (v->collection[0] != '\0' &&
		    (rc = step_guid(s.col, v->collection)) != SQLITE_ROW) {
			if (rc != SQLITE_DONE)
				goto fail;
			(*unknown_collections)++;	/* stored as a full pull stores it */
		}
		if (remove_rows(&s, v->guid) != 0 || catalog_ins_rows(&s.ins, v, cdn_host, hash[0], changed, chash) != 0)
			goto fail;
	}
	for (i = 0; i < ngone; i++) {
		if ((rc = step_guid(s.get, gone[i])) == SQLITE_ROW)
			counts->removed++;
		else if (rc != SQLITE_DONE)
			goto fail;
		if (remove_rows(&s, gone[i]) != 0)
			goto fail;
	}
	sqlite3_reset(s.get);
	sqlite3_reset(s.col);
	if (stored_digest(db, counts, digest) != 0)
		goto fail;
	if (catalog_meta_put(s.meta, "digest", digest) != 0)
		goto fail;
	snprintf(num, sizeof(num), "%zu", counts->total);
	if (catalog_meta_put(s.meta, "video_count", num) != 0)
		goto fail;
	snprintf(num, sizeof(num), "%zu", counts->published);
	if (catalog_meta_put(s.meta, "published_count", num) != 0)
		goto fail;
	finalize_all(&s);
	if (catalog_log_prune(db) != 0 || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_close(db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: closing the database failed", path);
		return -1;
	}
	return 0;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
	finalize_all(&s);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return -1;
}
