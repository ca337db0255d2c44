/*
 * catalog_log.c — the videos' change log (catalog_sql.h): where it stands,
 * which videos were written since a position, its pruning; and the
 * catalog's fingerprint, a sum over its rows that the log lets a reader
 * move by the rows written alone.
 *
 * The log is kept by the file's own triggers, so it sees every writer; a
 * reader trusts it only while the table and triggers are the schema's,
 * and a position only while its entry is still there with its nonce (a
 * catalog restored from a copy made before it has another entry at that
 * seq, or none).  Anything else and the reader walks every row, as before
 * the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_rows.h"
#include "catalog_sql.h"
#include "hash64.h"

/* What sqlite_schema holds for the log, in the order the check reads it. */
static const char *const log_schema[] = {
	CATALOG_LOG_TABLE, CATALOG_LOG_ON_DELETE, CATALOG_LOG_ON_INSERT, CATALOG_LOG_ON_UPDATE,
};
#define LOG_SCHEMA_N	(sizeof(log_schema) / sizeof(log_schema[0]))

/*
 * Whether db's log table and every trigger on it or on videos are the
 * schema's, text for text: 1, 0, or -1 (SQLite's error).
 */
static int
log_intact(sqlite3 *db)
{
	sqlite3_stmt *st;
	size_t k = 0;
	int rc, same = 1;

	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE "
	    "(type = 'table' AND name = 'video_log') OR "
	    "(type = 'trigger' AND tbl_name IN ('videos', 'video_log')) "
	    "ORDER BY type, name", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sql = (const char *)sqlite3_column_text(st, 0);

		if (k == LOG_SCHEMA_N || sql == NULL || strcmp(sql, log_schema[k]) != 0)
			same = 0;
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return same && k == LOG_SCHEMA_N;
}

int
catalog_log_at(sqlite3 *db, struct catalog_log_pos *pos)
{
	sqlite3_stmt *st;
	int rc;

	memset(pos, 0, sizeof(*pos));
	if ((rc = log_intact(db)) != 1)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT seq, nonce FROM video_log ORDER BY seq DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
		pos->seq = (uint64_t)sqlite3_column_int64(st, 0);
		pos->nonce = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return pos->seq != 0;	/* an empty log (emptied by hand) says nothing */
}

/* Whether from is an entry of db's log, with its nonce: 1, 0, -1. */
static int
log_has(sqlite3 *db, const struct catalog_log_pos *from)
{
	sqlite3_stmt *st;
	int rc, has;

	if (from->seq == 0 || from->seq > INT64_MAX)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT nonce FROM video_log WHERE seq = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from->seq);
	rc = sqlite3_step(st);
	has = rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) == from->nonce;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? has : -1;
}

static int
guid_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
catalog_log_since(sqlite3 *db, const struct catalog_log_pos *from, size_t max,
    char (**guids)[GUID_LEN + 1], size_t *n)
{
	char (*g)[GUID_LEN + 1];
	sqlite3_stmt *st;
	size_t k = 0, u, i;
	int rc, can = 1;

	*guids = NULL;
	*n = 0;
	if ((rc = log_has(db, from)) != 1)
		return rc;
	if ((g = malloc((max + 1) * sizeof(*g))) == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT guid FROM video_log WHERE seq > ? ORDER BY seq LIMIT ?",
	    -1, &st, NULL) != SQLITE_OK) {
		free(g);
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from->seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);

		if (k == max || len > GUID_LEN || (len > 0 && memchr(t, '\0', len) != NULL)) {
			can = 0;	/* too many, or a guid catalog_read() would cut */
			continue;
		}
		memcpy(g[k], t != NULL ? t : "", len);
		g[k][len] = '\0';
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(g);
		return -1;
	}
	if (!can) {
		free(g);
		return 0;
	}
	qsort(g, k, sizeof(*g), guid_cmp);
	/*
	 * A video written twice, once.  The log's first entry ('') is kept
	 * like any other: no row has that guid, unless one was written by
	 * hand, which the walk would see too.
	 */
	for (i = u = 0; i < k; i++) {
		if (u > 0 && strcmp(g[u - 1], g[i]) == 0)
			continue;
		if (u != i)
			memcpy(g[u], g[i], sizeof(*g));
		u++;
	}
	*guids = g;
	*n = u;
	return 1;
}

int
catalog_log_prune(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "DELETE FROM video_log WHERE seq <= "
	    "(SELECT max(seq) FROM video_log) - ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, CATALOG_LOG_KEEP);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

uint64_t
catalog_row_hash(const char *guid, uint64_t print)
{
	return h64_int(h64_str(h64_str(0, "onlygen-catalog-row-v1"), guid), (int64_t)print);
}

uint64_t
catalog_fp_of(uint64_t sum, uint64_t nrows, uint64_t collections)
{
	uint64_t h = h64_str(0, "onlygen-catalog-fingerprint-v2");

	h = h64_int(h, (int64_t)sum);
	h = h64_int(h, (int64_t)nrows);
	return h64_int(h, (int64_t)collections);
}
