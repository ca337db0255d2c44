/*
 * access_db.c — var/access.db, the table the verifier trusts
 * (docs/architecture.md): every published video's guid, access level, CDN
 * host, length and title, in the core's schema (core/access_schema.h).
 * Always built in a temporary file and renamed into place, so the
 * verifier (and scripts/replicate) sees the old or the new table, never a
 * partial one; the two steps are separate (access_db_stage, commit), so a
 * build writes and syncs the table while it renders and renames it in
 * where it always did (site_access.c).
 *
 * When the per-row record (access_rows.h) describes the table in place, the
 * temporary file is a copy of that table with only the changed rows
 * deleted or replaced, in one transaction: a one-video change costs a file
 * copy and a few row writes, not 100 000 inserts.  Otherwise (first build,
 * many changes, no usable record) the table is written in full, in guid
 * order (appending to the B-tree instead of inserting at random).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "access_rows.h"
#include "access_schema.h"
#include "file_release.h"
#include "site_int.h"
#include "store_file.h"

/* Above this share of the rows changed (and DELTA_MIN rows), writing the
 * table afresh is cheaper than copying it and replacing them (and leaves
 * no free pages). */
#define DELTA_MAX_DIV	8
#define DELTA_MIN	16
/* Changed rows looked up in the table in place before it is copied
 * (rows_same), at most. */
#define SAME_MAX	64

/* What changes between the recorded table and the model. */
struct delta {
	size_t	*del, ndel;	/* record indices: rows gone */
	size_t	*up, nup;	/* model row indices (into rows): new or changed */
};

static void
delta_free(struct delta *d)
{
	free(d->del);
	free(d->up);
	memset(d, 0, sizeof(*d));
}

/* Merges the record (sorted) and the model rows (sorted): 0, or -1 OOM. */
static int
delta_make(const struct file_map *rec, const struct arow *rows, size_t n, struct delta *d)
{
	size_t nr = access_rows_count(rec), i = 0, j = 0;
	struct arow_rec r;

	memset(d, 0, sizeof(*d));
	if ((d->del = malloc((nr ? nr : 1) * sizeof(size_t))) == NULL ||
	    (d->up = malloc((n ? n : 1) * sizeof(size_t))) == NULL) {
		delta_free(d);
		return -1;
	}
	while (i < n || j < nr) {
		if (j < nr)
			access_rows_get(rec, j, &r);
		if (j >= nr || (i < n && rows[i].g < r.g)) {
			d->up[d->nup++] = i++;
		} else if (i >= n || r.g < rows[i].g) {
			d->del[d->ndel++] = j++;
		} else {
			if (rows[i].h != r.h)
				d->up[d->nup++] = i;
			i++;
			j++;
		}
	}
	return 0;
}

/* Creates tmp for path's replacement: readable by lighttpd through the
 * group (0640), or as the file it replaces was; created before SQLite opens
 * it, so never wider.  The open descriptor, or -1 with err. */
static int
tmp_create(const char *tmp, const char *path, char *err, size_t errlen)
{
	int fd;

	unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, STORE_MODE_PRIVATE);
	if (fd < 0 || store_file_replace_mode(fd, path, STORE_MODE_GROUP) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	return fd;
}

/* Copies the file path into the open, empty tmp file fd.  0 or -1. */
static int
copy_into(int fd, const char *path)
{
	char chunk[65536];
	ssize_t r, w;
	int in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 0;

	if (in == -1)
		return -1;
	for (;;) {
		r = copy_file_range(in, NULL, fd, NULL, (size_t)1 << 30, 0);
		if (r > 0)
			continue;
		if (r == 0)
			goto done;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS &&
		    errno != EOPNOTSUPP) {
			rc = -1;
			goto done;
		}
		break;	/* no copy_file_range here: read and write */
	}
	while ((r = read(in, chunk, sizeof(chunk))) != 0) {
		char *p = chunk;

		if (r == -1) {
			if (errno == EINTR)
				continue;
			rc = -1;
			goto done;
		}
		while (r > 0) {
			if ((w = write(fd, p, (size_t)r)) == -1) {
				if (errno == EINTR)
					continue;
				rc = -1;
				goto done;
			}
			p += w;
			r -= w;
		}
	}
done:
	close(in);
	return rc;
}

static void
bind_row(sqlite3_stmt *st, const struct video *v)
{
	sqlite3_bind_text(st, 1, v->guid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, access_level_name(v->access), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->cdn_host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, v->length);
	sqlite3_bind_text(st, 5, v->title ? v->title : "", -1, SQLITE_STATIC);
}

static int
cmp_guid(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;

	return strcmp(m->videos[*(const size_t *)a].guid, m->videos[*(const size_t *)b].guid);
}

/* Every row, in guid order, into the empty database db. */
static int
write_full(sqlite3 *db, const struct model *m)
{
	sqlite3_stmt *st = NULL;
	size_t *ord, i;
	int ok;

	if ((ord = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*ord))) == NULL)
		return -1;
	for (i = 0; i < m->nvideos; i++)
		ord[i] = i;
	qsort_r(ord, m->nvideos, sizeof(*ord), cmp_guid, (void *)m);
	ok = sqlite3_exec(db, ACCESS_SCHEMA_SQL, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, ACCESS_INSERT_SQL, -1, &st, NULL) == SQLITE_OK;
	for (i = 0; ok && i < m->nvideos; i++) {
		bind_row(st, &m->videos[ord[i]]);
		ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	free(ord);
	return ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The changed rows, into db (a copy of the recorded table). */
static int
write_delta(sqlite3 *db, const struct model *m, const struct file_map *rec,
    const struct arow *rows, const struct delta *d)
{
	sqlite3_stmt *del = NULL, *up = NULL, *ver = NULL;
	struct arow_rec r;
	size_t i;
	int ok;

	/* the copy must be the table this build's verifier reads */
	ok = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &ver, NULL) == SQLITE_OK &&
	    sqlite3_step(ver) == SQLITE_ROW &&
	    sqlite3_column_int(ver, 0) == ACCESS_SCHEMA_VERSION;
	sqlite3_finalize(ver);
	ok = ok && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, ACCESS_DELETE_SQL, -1, &del, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, ACCESS_UPSERT_SQL, -1, &up, NULL) == SQLITE_OK;
	for (i = 0; ok && i < d->ndel; i++) {
		access_rows_get(rec, d->del[i], &r);
		sqlite3_bind_text(del, 1, r.guid, -1, SQLITE_TRANSIENT);
		ok = sqlite3_step(del) == SQLITE_DONE;
		sqlite3_reset(del);
	}
	for (i = 0; ok && i < d->nup; i++) {
		bind_row(up, &m->videos[rows[d->up[i]].vid]);
		ok = sqlite3_step(up) == SQLITE_DONE;
		sqlite3_reset(up);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(up);
	return ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Column col of the row at st is the text s, byte for byte. */
static int
col_is(sqlite3_stmt *st, int col, const char *s)
{
	const unsigned char *t;
	size_t n = strlen(s);

	if (sqlite3_column_type(st, col) != SQLITE_TEXT ||
	    (t = sqlite3_column_text(st, col)) == NULL)
		return 0;
	return (size_t)sqlite3_column_bytes(st, col) == n && memcmp(t, s, n) == 0;
}

/*
 * Whether the table at path (the one the record describes) already holds
 * the model's values for each of d's changed rows, none gone and none
 * new.  A row's hash covers the sum of its video's title and description
 * (access_rows.c: row_hash), so a description edited in content/ lists
 * its row, whose columns (access, CDN host, length, title) did not
 * change: copying the 12 MB table at 100 000 videos, rewriting one row as
 * it was, syncing the copy and its record (~30 ms of the task on disk)
 * were for nothing.  At most SAME_MAX rows are looked up.  1: all the
 * same; 0: one differs (or is missing), the table is of another version,
 * or it cannot be read (the copy then goes on as before and says why).
 */
static int
rows_same(const char *path, const struct model *m, const struct arow *rows,
    const struct delta *d)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ver = NULL, *get = NULL;
	size_t i;
	int same;

	if (d->ndel != 0 || d->nup == 0 || d->nup > SAME_MAX)
		return 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	same = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &ver, NULL) == SQLITE_OK &&
	    sqlite3_step(ver) == SQLITE_ROW &&
	    sqlite3_column_int(ver, 0) == ACCESS_SCHEMA_VERSION &&
	    sqlite3_prepare_v2(db, ACCESS_LOOKUP_SQL, -1, &get, NULL) == SQLITE_OK;
	for (i = 0; same && i < d->nup; i++) {
		const struct video *v = &m->videos[rows[d->up[i]].vid];

		sqlite3_bind_text(get, 1, v->guid, -1, SQLITE_STATIC);
		same = sqlite3_step(get) == SQLITE_ROW &&
		    col_is(get, 0, access_level_name(v->access)) &&
		    v->cdn_host != NULL && col_is(get, 1, v->cdn_host) &&
		    sqlite3_column_type(get, 2) == SQLITE_INTEGER &&
		    sqlite3_column_int64(get, 2) == (sqlite3_int64)v->length &&
		    col_is(get, 3, v->title ? v->title : "");
		sqlite3_reset(get);
	}
	sqlite3_finalize(ver);
	sqlite3_finalize(get);
	sqlite3_close(db);
	return same;
}

/* Opens the temporary table for writing: 0, or -1 (*db may be set). */
static int
open_tmp(const char *tmp, sqlite3 **db)
{
	return sqlite3_open_v2(tmp, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(*db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
	    NULL, NULL, NULL) != SQLITE_OK ? -1 : 0;
}

/* path's temporary table and record file names: 0, or -1 (too long). */
static int
side_names(const char *path, char tmp[4096], char rfile[4096])
{
	return (size_t)snprintf(tmp, 4096, "%s.tmp", path) >= 4096 ||
	    (size_t)snprintf(rfile, 4096, "%s" ACCESS_ROWS_SUFFIX, path) >= 4096 ? -1 : 0;
}

/* The staged table's record, renamed to rfile by the commit: 0 or -1. */
static int
staged_record_name(const char *rfile, char out[4096])
{
	return (size_t)snprintf(out, 4096, "%s.staged", rfile) >= 4096 ? -1 : 0;
}

int
access_db_stage(const struct model *m, const struct access_plan *ap, const char *path,
    struct access_staged *st, char *err, size_t errlen)
{
	char tmp[4096], rfile[4096];
	sqlite3 *db = NULL;
	const struct arow *rows = ap->rows;
	struct file_map rec;
	struct delta d;
	struct stat sb;
	int loaded = 0, have = 0, fd = -1, rc = -1, bad;

	memset(&d, 0, sizeof(d));
	memset(&rec, 0, sizeof(rec));
	memset(st, 0, sizeof(*st));
	if (side_names(path, tmp, rfile) == -1) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if (ap->exact && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (loaded = have = access_rows_load(rfile, &sb, &rec)) == 1) {
		if (delta_make(&rec, rows, m->nvideos, &d) == -1)
			goto oom;
		/*
		 * The table in place holds these rows.  After rows_same() the
		 * record keeps those rows' old hashes: the next build whose
		 * rows change lists them again, and looks them up or writes
		 * them as they are.
		 */
		if (d.ndel + d.nup == 0 || rows_same(path, m, rows, &d)) {
			st->in_place = 1;
			rc = 0;
			goto out;
		}
		if (d.ndel + d.nup > m->nvideos / DELTA_MAX_DIV + DELTA_MIN)
			have = 0;
	}
	if ((fd = tmp_create(tmp, path, err, errlen)) == -1)
		goto out;
	if (have && copy_into(fd, path) == -1) {
		snprintf(err, errlen, "%s: copying %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	if (have && (open_tmp(tmp, &db) == -1 || write_delta(db, m, &rec, rows, &d) == -1)) {
		/* the copy is not a table this build can amend (another schema
		 * version, a damaged file): write it whole instead */
		sqlite3_close(db);
		db = NULL;
		if (ftruncate(fd, 0) == -1) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			goto fail;
		}
		have = 0;
	}
	if (!have && (open_tmp(tmp, &db) == -1 || write_full(db, m) == -1)) {
		snprintf(err, errlen, "%s: %s", tmp, db ? sqlite3_errmsg(db) : "cannot open");
		goto fail;
	}
	if (sqlite3_close(db) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot close", tmp);
		db = NULL;
		goto fail;
	}
	db = NULL;
	/* the table must reach the disk before it replaces the old one; its
	 * identity (kept by the rename) is what the record describes */
	bad = fsync(fd) == -1 || fstat(fd, &st->sb) == -1;
	if (close(fd) == -1)
		bad = 1;
	fd = -1;
	if (bad) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	st->staged = 1;
	/* the record of its rows too, now rather than after the rename: its
	 * identity is the staged file's (st->sb); one that cannot be written
	 * only costs the next build a full table (the commit removes the old) */
	{
		char rstaged[4096], why[256];

		st->rec_staged = ap->exact && staged_record_name(rfile, rstaged) == 0 &&
		    access_rows_save(rstaged, &st->sb, m, ap->rows, m->nvideos, why,
		    sizeof(why)) == 0;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
	goto out;
fail:
	sqlite3_close(db);
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	if (loaded)
		file_map_free(&rec);
	delta_free(&d);
	return rc;
}

int
access_db_commit(const char *path, const struct access_staged *st, struct file_release *rel,
    char *err, size_t errlen)
{
	char tmp[4096], rfile[4096];
	int held, e;

	if (st->in_place)
		return 1;
	if (!st->staged || side_names(path, tmp, rfile) == -1) {
		snprintf(err, errlen, "%s: no table staged", path);
		return -1;
	}
	/* the tables replaced are let go of on rel's thread: 12 MB at 100 000
	 * videos, whose discard the rename waited for (file_release.h) */
	held = file_release_hold(rel, AT_FDCWD, path);
	e = rename(tmp, path) == -1 ? errno : 0;
	file_release_give(rel, held);
	if (e != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		unlink(tmp);
		if (st->rec_staged && staged_record_name(rfile, tmp) == 0)
			unlink(tmp);
		return -1;
	}
	/* Its record, written when it was staged.  One that was not (or
	 * cannot be renamed) only costs the next build a full table: none is
	 * left describing another file. */
	held = file_release_hold(rel, AT_FDCWD, rfile);
	if (!st->rec_staged || staged_record_name(rfile, tmp) == -1 || rename(tmp, rfile) == -1)
		unlink(rfile);
	file_release_give(rel, held);
	return 0;
}

void
access_db_unstage(const char *path, struct access_staged *st)
{
	char tmp[4096], rfile[4096];

	if (st->staged && side_names(path, tmp, rfile) == 0) {
		unlink(tmp);
		if (st->rec_staged && staged_record_name(rfile, tmp) == 0)
			unlink(tmp);
	}
	memset(st, 0, sizeof(*st));
}
