/*
 * access_db.c — var/access.db, the table the verifier trusts
 * (docs/architecture.md): every published video's guid, access level, CDN
 * host, length and title, in the core's schema (core/access_schema.h).  Written to a temporary file and renamed into place, so
 * the verifier sees the old or the new table, never a partial one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "access_schema.h"
#include "hash64.h"
#include "site_int.h"
#include "store_file.h"


uint64_t
access_rows_sum(const struct model *m)
{
	uint64_t h = h64_int(0x6163636573730002ULL, (int64_t)m->nvideos);
	size_t i;

	for (i = 0; i < m->nvideos; i++) {
		h = h64_str(h, m->videos[i].guid);
		h = h64_int(h, m->videos[i].access);
		h = h64_str(h, m->videos[i].cdn_host);
		h = h64_int(h, m->videos[i].length);
		h = h64_str(h, m->videos[i].title ? m->videos[i].title : "");
	}
	return h;
}

int
access_db_write(const struct model *m, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	unlink(tmp);
	/* Readable by lighttpd through the group (0640), or as the file it
	 * replaces was; created before SQLite opens it, so never wider. */
	{
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    STORE_MODE_PRIVATE);

		int bad = fd < 0 || store_file_replace_mode(fd, path, STORE_MODE_GROUP) != 0;

		if (fd >= 0 && close(fd) != 0)
			bad = 1;
		if (bad) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			if (fd >= 0)
				unlink(tmp);
			return -1;
		}
	}
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto sqlerr;
	if (sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, ACCESS_SCHEMA_SQL, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, ACCESS_INSERT_SQL, -1, &st, NULL) != SQLITE_OK)
		goto sqlerr;
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];

		sqlite3_bind_text(st, 1, v->guid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, access_level_name(v->access), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, v->cdn_host, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, v->length);
		sqlite3_bind_text(st, 5, v->title ? v->title : "", -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			goto sqlerr;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto sqlerr;
	if (sqlite3_close(db) != SQLITE_OK) {
		db = NULL;
		snprintf(err, errlen, "%s: cannot close", tmp);
		unlink(tmp);
		return -1;
	}
	db = NULL;
	/* the table must reach the disk before it replaces the old one */
	{
		FILE *f = fopen(tmp, "r+");

		if (f != NULL) {
			fflush(f);
			fsync(fileno(f));
			fclose(f);
		}
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
sqlerr:
	snprintf(err, errlen, "%s: %s", tmp, db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(tmp);
	return -1;
}
