/*
 * stat_meta.c — titles, levels and minted codes for the report (stat_meta.h).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "stat_meta.h"

/* Opens path read-only and prepares sql; -1 with err. */
static int
open_ro(const char *path, const char *sql, sqlite3 **db, sqlite3_stmt **st,
    char *err, size_t errlen)
{
	*db = NULL;
	*st = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(*db, sql, -1, st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

int
stat_meta_access(struct stat_agg *a, const char *path, char *err, size_t errlen)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (open_ro(path, "SELECT guid, access, title FROM videos", &db, &st,
	    err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (stat_agg_meta(a, col(st, 0), col(st, 1), col(st, 2)) != 0) {
			snprintf(err, errlen, "out of memory");
			ret = -1;
			break;
		}
	if (ret == 0 && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		ret = -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}

int
stat_meta_tokens(struct stat_agg *a, const char *path, char *err, size_t errlen)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (open_ro(path, "SELECT level, count(*) FROM codes GROUP BY level", &db, &st,
	    err, errlen) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *l = col(st, 0);
		uint64_t n = (uint64_t)sqlite3_column_int64(st, 1);

		if (strcmp(l, "vip") == 0)
			a->vip.minted = n;
		else if (strcmp(l, "ppv") == 0)
			a->ppv.minted = n;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		ret = -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}
