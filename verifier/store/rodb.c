/*
 * rodb.c — read-only SQLite with reopen-on-replace.  See rodb.h.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rodb.h"

/*
 * file:<path, every byte but [A-Za-z0-9/._-] as %XX>[?immutable=1]; an
 * absolute path gets an empty authority ("file:///…"), so "//x" stays a path.
 */
static void
make_uri(char *out, const char *path, int immutable)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o;

	o = path[0] == '/' ? 7 : 5;
	memcpy(out, "file://", o);
	for (; *path != '\0'; path++) {
		unsigned char c = (unsigned char)*path;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' || c == '-') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	if (immutable)
		memcpy(out + o, "?immutable=1", sizeof("?immutable=1"));
}

int
rodb_init(struct rodb *r, const char *path, const char *sql, int version, int mode)
{
	memset(r, 0, sizeof(*r));
	r->sql = sql;
	r->version = version;
	if (snprintf(r->path, sizeof(r->path), "%s", path) >= (int)sizeof(r->path))
		return -1;
	/* sizeof(uri) >= 7 + 3 * strlen(path) + sizeof("?immutable=1") */
	make_uri(r->uri, r->path, mode == RODB_REPLACED_ONLY);
	snprintf(r->err, sizeof(r->err), "not opened yet");
	return 0;
}

void
rodb_close(struct rodb *r)
{
	sqlite3_finalize(r->stmt);
	r->stmt = NULL;
	sqlite3_close_v2(r->db);
	r->db = NULL;
}

static int
user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* After a first read (user_version), the mode the file header says. */
static int
journal_is_wal(sqlite3 *db)
{
	sqlite3_stmt *st;
	int wal = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(st, 0);
		wal = m != NULL && strcmp((const char *)m, "wal") == 0;
	}
	sqlite3_finalize(st);
	return wal;
}

static int
open_now(struct rodb *r, const struct stat *st)
{
	int v = -1;

	rodb_close(r);
	if (sqlite3_open_v2(r->uri, &r->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		snprintf(r->err, sizeof(r->err), "%.150s: %.100s", r->path,
		    r->db ? sqlite3_errmsg(r->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 0);
	if (user_version(r->db, &v) != 0 || v != r->version) {
		snprintf(r->err, sizeof(r->err), "%.150s: schema version %d, want %d "
		    "(rebuild it)", r->path, v, r->version);
		goto fail;
	}
	r->wal = journal_is_wal(r->db);
	if (sqlite3_prepare_v3(r->db, r->sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &r->stmt, NULL) != SQLITE_OK) {
		snprintf(r->err, sizeof(r->err), "%.150s: %.100s", r->path,
		    sqlite3_errmsg(r->db));
		goto fail;
	}
	r->dev = st->st_dev;
	r->ino = st->st_ino;
	r->mtime = st->st_mtim;
	r->size = st->st_size;
	r->err[0] = '\0';
	r->generation++;
	return 0;
fail:
	rodb_close(r);
	return -1;
}

int
rodb_refresh(struct rodb *r, time_t now)
{
	struct stat st;

	if (r->stmt == NULL || now != r->checked) {
		r->checked = now;
		if (stat(r->path, &st) != 0) {
			/* Gone: keep serving from the open handle if there is one. */
			if (r->stmt == NULL)
				snprintf(r->err, sizeof(r->err), "%.200s: missing", r->path);
		} else if (r->stmt == NULL || st.st_ino != r->ino ||
		    st.st_dev != r->dev || st.st_size != r->size ||
		    st.st_mtim.tv_sec != r->mtime.tv_sec ||
		    st.st_mtim.tv_nsec != r->mtime.tv_nsec) {
			(void)open_now(r, &st);
		}
	}
	return r->stmt == NULL ? -1 : 0;
}

sqlite3_stmt *
rodb_stmt(struct rodb *r, time_t now)
{
	if (rodb_refresh(r, now) != 0)
		return NULL;
	sqlite3_reset(r->stmt);
	sqlite3_clear_bindings(r->stmt);
	return r->stmt;
}

/* WalIndexHdr (sqlite's wal.c, file format docs): 48 bytes, twice. */
#define HDR_LEN		48
#define HDR_ISINIT	12	/* u8 isInit after iVersion, unused, iChange */
#define WALINDEX_PGSZ	32768

int
rodb_wal_stamp(struct rodb *r, unsigned char stamp[RODB_STAMP_LEN])
{
	sqlite3_file *f = NULL;
	void volatile *p = NULL;
	const volatile unsigned char *h;
	size_t i;

	if (r->stmt == NULL || !r->wal ||
	    sqlite3_file_control(r->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
	    f == NULL || f->pMethods == NULL || f->pMethods->iVersion < 2 ||
	    f->pMethods->xShmMap == NULL)
		return -1;
	/* bExtend 0: only an index this connection has already mapped. */
	if (f->pMethods->xShmMap(f, 0, WALINDEX_PGSZ, 0, &p) != SQLITE_OK || p == NULL)
		return -1;
	h = p;
	for (i = 0; i < RODB_STAMP_LEN; i++)
		stamp[i] = h[i];
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (memcmp(stamp, stamp + HDR_LEN, HDR_LEN) != 0 || stamp[HDR_ISINIT] == 0)
		return -1;
	return 0;
}
