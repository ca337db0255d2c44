/*
 * catalog_read.c — var/catalog.db to plain C data (catalog_read.h).
 *
 * Every SELECT is made from a column table: one line per column, naming
 * the SQL expression, its type and the struct field it fills.  A column
 * cannot be read at the wrong position, and adding one is one line.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "catalog_db.h"
#include "catalog_sql.h"
#include "catalog_read.h"
#include "model_image.h"

/* An integer constant of the C code as SQL text ("4"). */
#define SQL_INT_(x)	#x
#define SQL_INT(x)	SQL_INT_(x)

enum col_kind {
	COL_TEXT,	/* char *, a copy ("" for NULL): in the arena, else malloc'd */
	COL_GUID,	/* char[GUID_LEN + 1], cut to fit */
	COL_INT64,	/* int64_t */
	COL_INT32,	/* int32_t */
	COL_INT,	/* int */
};

struct column {
	const char	*expr;	/* SQL: a column name or an expression of them */
	enum col_kind	 kind;
	size_t		 off;	/* of the field in the row struct */
};

#define COLUMNS(t)	(t), sizeof(t) / sizeof((t)[0])

static const struct column video_cols[] = {
	{ "guid",		COL_GUID,	offsetof(struct catalog_video_row, guid) },
	/*
	 * The texts go into the arena in this order: the short ones the
	 * merge reads (model_merge.c: is there a thumbnail name, a stored
	 * host, a collection?) first, so that they share a cache line.
	 */
	{ "thumbnail",		COL_TEXT,	offsetof(struct catalog_video_row, thumbnail) },
	{ "cdn_host",		COL_TEXT,	offsetof(struct catalog_video_row, cdn_host) },
	{ "collection",		COL_TEXT,	offsetof(struct catalog_video_row, collection) },
	{ "meta_tags",		COL_TEXT,	offsetof(struct catalog_video_row, meta_tags) },
	{ "title",		COL_TEXT,	offsetof(struct catalog_video_row, title) },
	{ "description",	COL_TEXT,	offsetof(struct catalog_video_row, description) },
	{ "length",		COL_INT64,	offsetof(struct catalog_video_row, length) },
	{ "width",		COL_INT64,	offsetof(struct catalog_video_row, width) },
	{ "height",		COL_INT64,	offsetof(struct catalog_video_row, height) },
	{ "uploaded",		COL_INT64,	offsetof(struct catalog_video_row, uploaded) },
	{ "views",		COL_INT64,	offsetof(struct catalog_video_row, views) },
	{ "status = " SQL_INT(BUNNY_STATUS_FINISHED), COL_INT,
	    offsetof(struct catalog_video_row, published) },
	/* last: a catalog of schema 1 (pulled by an older onlygen, read
	 * before a pull migrates it) has no such column: read without it */
	{ "changed",		COL_INT64,	offsetof(struct catalog_video_row, changed) },
};

static const struct column collection_cols[] = {
	{ "guid",	COL_GUID,	offsetof(struct catalog_collection_row, guid) },
	{ "name",	COL_TEXT,	offsetof(struct catalog_collection_row, name) },
};

/* A caption or chapter row: the video it belongs to, then its fields. */
struct caption_row {
	char		guid[GUID_LEN + 1];
	struct caption	c;
};

struct chapter_row {
	char		guid[GUID_LEN + 1];
	struct chapter	c;
};

static const struct column caption_cols[] = {
	{ "guid",	COL_GUID,	offsetof(struct caption_row, guid) },
	{ "srclang",	COL_TEXT,	offsetof(struct caption_row, c.srclang) },
	{ "label",	COL_TEXT,	offsetof(struct caption_row, c.label) },
};

static const struct column chapter_cols[] = {
	{ "guid",	COL_GUID,	offsetof(struct chapter_row, guid) },
	{ "title",	COL_TEXT,	offsetof(struct chapter_row, c.title) },
	{ "start_s",	COL_INT32,	offsetof(struct chapter_row, c.start) },
	{ "end_s",	COL_INT32,	offsetof(struct chapter_row, c.end) },
};

struct status_row {
	int	status;
	int64_t	count;
};

static const struct column status_cols[] = {
	{ "status",	COL_INT,	offsetof(struct status_row, status) },
	{ "count(*)",	COL_INT64,	offsetof(struct status_row, count) },
};

static const struct column pending_cols[] = {
	{ "guid",	COL_TEXT,	offsetof(struct catalog_pending, guid) },
	{ "status",	COL_INT,	offsetof(struct catalog_pending, status) },
	{ "title",	COL_TEXT,	offsetof(struct catalog_pending, title) },
};

/*
 * Prepares "SELECT <the table's expressions> <tail>".  The text is made
 * of constants only; every value is bound by the caller.
 */
static int
prepare(sqlite3 *db, const struct column *cols, size_t n, const char *tail,
    sqlite3_stmt **st)
{
	char sql[1024];
	size_t len, i;
	int w;

	*st = NULL;
	len = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
	for (i = 0; i < n; i++) {
		w = snprintf(sql + len, sizeof(sql) - len, "%s%s", i ? ", " : "", cols[i].expr);
		if (w < 0 || (size_t)w >= sizeof(sql) - len)
			return -1;	/* cannot happen: the tables are short */
		len += (size_t)w;
	}
	w = snprintf(sql + len, sizeof(sql) - len, " %s", tail);
	if (w < 0 || (size_t)w >= sizeof(sql) - len)
		return -1;
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * Fills the struct at row from the statement's current row, its texts
 * copied into mem (NULL: each one malloc'd).  0, or -1 when memory ran out.
 */
static int
fill(sqlite3_stmt *st, const struct column *cols, size_t n, void *row, struct arena *mem)
{
	unsigned char *base = row;
	const char *s;
	size_t i, len;

	for (i = 0; i < n; i++) {
		void *f = base + cols[i].off;
		int k = (int)i;

		switch (cols[i].kind) {
		case COL_TEXT:
			s = (const char *)sqlite3_column_text(st, k);
			if (s == NULL)
				s = "";
			/* the length SQLite knows: no strlen of every title and description */
			*(char **)f = mem == NULL ? strdup(s) :
			    arena_strndup(mem, s, strnlen(s, (size_t)sqlite3_column_bytes(st, k)));
			if (*(char **)f == NULL)
				return -1;
			break;
		case COL_GUID:
			s = (const char *)sqlite3_column_text(st, k);
			len = s != NULL ? strnlen(s, GUID_LEN) : 0;
			memcpy(f, s != NULL ? s : "", len);	/* not snprintf: once a row */
			((char *)f)[len] = '\0';
			break;
		case COL_INT64:
			*(int64_t *)f = sqlite3_column_int64(st, k);
			break;
		case COL_INT32:
			*(int32_t *)f = sqlite3_column_int(st, k);
			break;
		case COL_INT:
			*(int *)f = sqlite3_column_int(st, k);
			break;
		}
	}
	return 0;
}

/* Makes room for one more element of size in *arr (n used, *cap held). */
static int
grow(void *arr, size_t n, size_t *cap, size_t size, size_t first)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : first;
	if ((p = realloc(*(void **)arr, c * size)) == NULL)
		return -1;
	*(void **)arr = p;
	*cap = c;
	return 0;
}

/* Some videos, by guid: v[0..n), sorted ascending, unique. */
struct guid_set {
	const char *const	*v;
	size_t			 n;
};

/*
 * Readies st for its next pass: the one pass of a whole-table read (only
 * NULL), or one per guid of only, that guid bound to its parameter.  0
 * when there is none left, or (*rc then an error) the guid would not bind.
 */
static int
next_pass(sqlite3_stmt *st, const struct guid_set *only, size_t *pass, int *rc)
{
	if (only == NULL)
		return (*pass)++ == 0;
	if (*pass == only->n)
		return 0;
	sqlite3_reset(st);
	if ((*rc = sqlite3_bind_text(st, 1, only->v[(*pass)++], -1, SQLITE_STATIC)) != SQLITE_OK)
		return 0;
	*rc = SQLITE_DONE;
	return 1;
}

/*
 * Every video (only NULL), or those of only's guids: the same columns,
 * "WHERE guid = ?" run once a guid (the primary key: one row or none),
 * so the rows come in guid order either way.
 */
static int
read_videos(sqlite3 *db, struct catalog_rows *r, const struct guid_set *only)
{
	const char *tail = only == NULL ? "FROM videos ORDER BY guid" : "FROM videos WHERE guid = ?";
	sqlite3_stmt *st;
	size_t cap = 0, pass = 0, ncols = sizeof(video_cols) / sizeof(video_cols[0]);
	int rc = SQLITE_DONE;

	/* without "changed", each video's is 0: the model takes its upload time */
	if (prepare(db, video_cols, ncols, tail, &st) != 0 &&
	    prepare(db, video_cols, --ncols, tail, &st) != 0)
		return -1;
	while (rc == SQLITE_DONE && next_pass(st, only, &pass, &rc))
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct catalog_video_row *v;

			if (grow(&r->videos, r->nvideos, &cap, sizeof(*v), only == NULL ? 256 : 8) != 0)
				break;
			v = &r->videos[r->nvideos++];
			memset(v, 0, sizeof(*v));
			if (fill(st, video_cols, ncols, v, &r->mem) != 0)
				break;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
read_collections(sqlite3 *db, struct catalog_rows *r)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (prepare(db, COLUMNS(collection_cols), "FROM collections ORDER BY guid", &st) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct catalog_collection_row *c;

		if (grow(&r->collections, r->ncollections, &cap, sizeof(*c), 16) != 0)
			break;
		c = &r->collections[r->ncollections++];
		memset(c, 0, sizeof(*c));
		if (fill(st, COLUMNS(collection_cols), c, &r->mem) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The video of guid, walking forward from *k: the rows come in guid order,
 * like r->videos.  NULL when the catalog has no such video.
 */
static struct catalog_video_row *
video_at(struct catalog_rows *r, size_t *k, const char *guid)
{
	int cmp = 1;

	while (*k < r->nvideos && (cmp = strcmp(r->videos[*k].guid, guid)) < 0)
		(*k)++;
	return *k < r->nvideos && cmp == 0 ? &r->videos[*k] : NULL;
}

/*
 * One video's captions (or chapters), read so far into a scratch array, go
 * into the arena as one array when the next video's begin (the rows come
 * by guid, then index).  A caption of no video is dropped.
 */
struct track_run {
	char		 guid[GUID_LEN + 1];	/* whose, "" before the first */
	unsigned char	*items;			/* n elements of size */
	size_t		 n, cap, size;
};

/* The run's elements into the arena for its video (if any) at *arr, *n. 0 or -1. */
static int
run_flush(struct track_run *t, struct catalog_rows *r, size_t *k, size_t arr_off,
    size_t n_off)
{
	struct catalog_video_row *v;
	void *p;

	if (t->n == 0 || (v = video_at(r, k, t->guid)) == NULL) {
		t->n = 0;
		return 0;
	}
	if ((p = arena_alloc(&r->mem, t->n * t->size)) == NULL)
		return -1;
	memcpy(p, t->items, t->n * t->size);
	memcpy((unsigned char *)v + arr_off, &p, sizeof(p));
	memcpy((unsigned char *)v + n_off, &t->n, sizeof(t->n));
	t->n = 0;
	return 0;
}

/*
 * Reads one track table (captions or chapters) of the columns cols, whose
 * rows are structs of row_size with the guid first and the element (of
 * size) at item_off, into each video's array at arr_off, count at n_off.
 * tail orders the rows by guid, then index; with only, it selects one
 * guid's rows ("WHERE guid = ?"), run once a guid in order.
 */
static int
read_tracks(sqlite3 *db, struct catalog_rows *r, const struct guid_set *only,
    const struct column *cols, size_t ncols, const char *tail, size_t row_size,
    size_t item_off, size_t size, size_t arr_off, size_t n_off)
{
	struct track_run t;
	sqlite3_stmt *st;
	alignas(max_align_t) unsigned char row[64];
	size_t k = 0, pass = 0;
	int rc = SQLITE_DONE;

	if (row_size > sizeof(row) || prepare(db, cols, ncols, tail, &st) != 0)
		return -1;
	memset(&t, 0, sizeof(t));
	t.size = size;
	while (rc == SQLITE_DONE && next_pass(st, only, &pass, &rc))
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			memset(row, 0, sizeof(row));
			if (fill(st, cols, ncols, row, &r->mem) != 0)
				break;
			if (strcmp((const char *)row, t.guid) != 0) {
				if (run_flush(&t, r, &k, arr_off, n_off) != 0)
					break;
				memcpy(t.guid, row, sizeof(t.guid));
			}
			if (grow(&t.items, t.n, &t.cap, size, 8) != 0)
				break;
			memcpy(t.items + t.n++ * size, row + item_off, size);
		}
	if (rc == SQLITE_DONE && run_flush(&t, r, &k, arr_off, n_off) != 0)
		rc = SQLITE_NOMEM;
	free(t.items);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

_Static_assert(offsetof(struct caption_row, guid) == 0, "read_tracks: guid first");
_Static_assert(offsetof(struct chapter_row, guid) == 0, "read_tracks: guid first");

static int
read_captions(sqlite3 *db, struct catalog_rows *r, const struct guid_set *only)
{
	return read_tracks(db, r, only, COLUMNS(caption_cols), only == NULL ?
	    "FROM captions ORDER BY guid, idx" : "FROM captions WHERE guid = ? ORDER BY idx",
	    sizeof(struct caption_row), offsetof(struct caption_row, c), sizeof(struct caption),
	    offsetof(struct catalog_video_row, captions),
	    offsetof(struct catalog_video_row, ncaptions));
}

static int
read_chapters(sqlite3 *db, struct catalog_rows *r, const struct guid_set *only)
{
	return read_tracks(db, r, only, COLUMNS(chapter_cols), only == NULL ?
	    "FROM chapters ORDER BY guid, idx" : "FROM chapters WHERE guid = ? ORDER BY idx",
	    sizeof(struct chapter_row), offsetof(struct chapter_row, c), sizeof(struct chapter),
	    offsetof(struct catalog_video_row, chapters),
	    offsetof(struct catalog_video_row, nchapters));
}

/* SQLite's progress handler: non-zero interrupts the statement running. */
static int
stop_requested(void *arg)
{
	return atomic_load_explicit((atomic_int *)arg, memory_order_relaxed) != 0;
}

/*
 * Gives each row of r its print from p (both in guid order; p NULL: none
 * were read, rows->printed stays 0): p holds every guid of the catalog,
 * read in the same transaction as r.  0, or -1 when a row has no print
 * (the catalog changed within one read transaction: never, short of a bug).
 */
static int
give_prints(struct catalog_rows *r, const struct catalog_prints *p)
{
	size_t k, j = 0;
	int cmp = 1;

	if (p == NULL)
		return 0;	/* none to give: rows->printed stays 0 */
	for (k = 0; k < r->nvideos; k++) {
		while (j < p->n && (cmp = strcmp(p->rows[j].guid, r->videos[k].guid)) < 0)
			j++;
		if (j == p->n || cmp != 0)
			return -1;
		r->videos[k].print = p->rows[j].print;
	}
	r->collections_print = p->collections;
	r->printed = 1;
	return 0;
}

/*
 * catalog_read() on the open db, in the read transaction the caller holds:
 * the digest, the collections, every video (only NULL) or only's, with
 * their captions, chapters and prints (from p, read in the same
 * transaction).
 */
static int
read_rows_db(sqlite3 *db, const struct guid_set *only, const struct catalog_prints *p,
    struct catalog_rows *rows, atomic_int *stop)
{
	return (stop != NULL && stop_requested(stop)) ||
	    catalog_meta_value(db, "digest", rows->digest, sizeof(rows->digest)) != 0 ||
	    read_collections(db, rows) != 0 ||
	    (stop != NULL && stop_requested(stop)) ||
	    read_videos(db, rows, only) != 0 || read_captions(db, rows, only) != 0 ||
	    read_chapters(db, rows, only) != 0 || give_prints(rows, p) != 0 ? -1 : 0;
}

/* Opens path and begins one read transaction: every statement until
 * end_read() sees the same catalog, whatever a pull commits meanwhile. */
static int
begin_read(sqlite3 **db, const char *path, char *err, size_t errlen)
{
	err[0] = '\0';
	if (catalog_open_existing(db, path, err, errlen) != 0)
		return -1;
	if (sqlite3_exec(*db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(*db));
		sqlite3_close(*db);
		return -1;
	}
	return 0;
}

/* Ends the read (rc: how it went; the message from db when rc != 0 and
 * err is still empty) and closes db.  rc. */
static int
end_read(sqlite3 *db, const char *path, int rc, atomic_int *stop, char *err, size_t errlen)
{
	if (rc != 0 && err[0] == '\0') {
		if (stop != NULL && stop_requested(stop))
			snprintf(err, errlen, "%s: interrupted", path);
		else
			snprintf(err, errlen, "%s: %s", path,
			    sqlite3_errcode(db) == SQLITE_OK ? "out of memory" : sqlite3_errmsg(db));
	}
	(void)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/*
 * catalog_read() of every row (only NULL) or of only's videos, in one read
 * transaction with the prints.
 */
static int
read_rows(const char *path, const struct guid_set *only, struct catalog_rows *rows,
    atomic_int *stop, char *err, size_t errlen)
{
	struct catalog_prints p;
	struct catalog_log_pos pos;
	sqlite3 *db;
	int rc, walked;

	memset(rows, 0, sizeof(*rows));
	memset(&p, 0, sizeof(p));
	if (begin_read(&db, path, err, errlen) != 0)
		return -1;
	/* checked every 1000 steps of a statement, and before each statement */
	if (stop != NULL)
		sqlite3_progress_handler(db, 1000, stop_requested, stop);
	/* a catalog older than schema 3 has no prints: its rows come without
	 * (rows->printed 0), and no model image is made of them */
	walked = (only != NULL ? catalog_prints_of(db, only->v, only->n, &p) :
	    catalog_prints_keep(db, &p)) == 0;
	rc = catalog_log_at(db, &pos) != -1 &&
	    read_rows_db(db, only, walked ? &p : NULL, rows, stop) == 0 ? 0 : -1;
	if (rc == 0 && only == NULL && walked) {
		rows->log = pos;	/* where the log stood as these rows were read */
		rows->log.sum = p.sum;
	}
	if (rc != 0)
		catalog_rows_free(rows);
	catalog_prints_free(&p);
	return end_read(db, path, rc, stop, err, errlen);
}

int
catalog_read(const char *path, struct catalog_rows *rows, atomic_int *stop,
    char *err, size_t errlen)
{
	return read_rows(path, NULL, rows, stop, err, errlen);
}

/*
 * rows with the videos named (guids[0..n), ascending) taken out and
 * fresh's (read now, ascending; those of them the catalog still has) put
 * in, in guid order; fresh's collections, digest and strings taken over,
 * the rows' sum moved by each named video.  0, or -1 out of memory (rows
 * unchanged).
 *
 * In place: the rows named (or read again) are taken out walking forward,
 * then fresh's merged in walking back from the end of the array, grown
 * only past the room it has (vcap: kept rows are read with room for a
 * few).  A new array of every row was ~18 MB of fresh pages on the
 * catalog's thread at 100 000 videos, for one video added (issue 15).
 */
static int
patch_rows(struct catalog_rows *rows, struct catalog_rows *fresh,
    char (*guids)[GUID_LEN + 1], size_t n)
{
	struct catalog_video_row *v = rows->videos;
	uint64_t sum = rows->log.sum;
	size_t i, j = 0, k = 0, kept = 0, run = 0;

	if (rows->nvideos + fresh->nvideos > rows->vcap) {
		if ((v = realloc(rows->videos, (rows->nvideos + fresh->nvideos) * sizeof(*v))) ==
		    NULL)
			return -1;
		rows->videos = v;
		rows->vcap = rows->nvideos + fresh->nvideos;
	}
	/* forward: the rows not written since kept, in order, a run at a time */
	for (i = 0; i <= rows->nvideos; i++) {
		int gone = 0;

		if (i < rows->nvideos) {
			while (k < n && strcmp(guids[k], v[i].guid) < 0)
				k++;
			while (j < fresh->nvideos && strcmp(fresh->videos[j].guid, v[i].guid) < 0)
				j++;
			gone = (k < n && strcmp(guids[k], v[i].guid) == 0) ||
			    (j < fresh->nvideos && strcmp(fresh->videos[j].guid, v[i].guid) == 0);
			if (!gone)
				continue;
			sum -= catalog_row_hash(v[i].guid, v[i].print);	/* read again, or gone */
		}
		/* the run before row i moved down to its place (i's row not
		 * touched: kept + (i - run) <= i) */
		if (kept != run && i > run)
			memmove(&v[kept], &v[run], (i - run) * sizeof(*v));
		kept += i - run;
		run = i + 1;
	}
	/* back: fresh's merged in (no guid in both now), each with the kept
	 * rows after it moved up in one block: the i rows before position i
	 * stay, the w - i == j places after them wait for fresh's */
	i = kept;
	j = fresh->nvideos;
	while (j > 0) {
		const struct catalog_video_row *f = &fresh->videos[j - 1];
		size_t lo = 0, hi = i, mid;

		while (lo < hi) {	/* the first kept row after f */
			mid = lo + (hi - lo) / 2;
			if (strcmp(v[mid].guid, f->guid) > 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (lo < i)
			memmove(&v[lo + j], &v[lo], (i - lo) * sizeof(*v));
		i = lo;
		sum += catalog_row_hash(f->guid, f->print);
		v[i + j - 1] = *f;
		j--;
	}
	rows->nvideos = kept + fresh->nvideos;
	free(rows->collections);
	rows->collections = fresh->collections;
	rows->ncollections = fresh->ncollections;
	rows->collections_print = fresh->collections_print;
	memcpy(rows->digest, fresh->digest, sizeof(rows->digest));
	rows->log.sum = sum;
	arena_adopt(&rows->mem, &fresh->mem);
	free(fresh->videos);
	memset(fresh, 0, sizeof(*fresh));
	return 0;
}

int
catalog_read_since(const char *path, struct catalog_rows *rows, size_t max, size_t *named,
    char *err, size_t errlen)
{
	struct catalog_prints now;
	struct catalog_rows fresh;
	struct catalog_log_pos pos;
	struct guid_set only;
	char (*logged)[GUID_LEN + 1] = NULL;
	const char **guids = NULL;
	size_t n = 0, k;
	sqlite3 *db;
	int rc;

	*named = 0;
	memset(&now, 0, sizeof(now));
	memset(&fresh, 0, sizeof(fresh));
	if (!rows->printed || rows->log.seq == 0)
		return 0;
	if (begin_read(&db, path, err, errlen) != 0)
		return -1;
	if ((rc = catalog_log_at(db, &pos)) == 1)
		rc = catalog_log_since(db, &rows->log, max, &logged, &n);
	if (rc == 1 && (guids = malloc((n + 1) * sizeof(*guids))) == NULL)
		rc = -1;
	if (rc == 1) {
		/* the prints of those still there (and the collections' hash) */
		for (k = 0; k < n; k++)
			guids[k] = logged[k];
		rc = catalog_prints_of(db, guids, n, &now) == 0 ? 1 : -1;
	}
	if (rc == 1) {
		/* their rows, given those prints, with the collections and digest */
		for (k = 0; k < now.n; k++)
			guids[k] = now.rows[k].guid;
		only.v = guids;
		only.n = now.n;
		rc = read_rows_db(db, &only, &now, &fresh, NULL) == 0 &&
		    fresh.nvideos == now.n ? 1 : -1;
	}
	if (rc == 1 && patch_rows(rows, &fresh, logged, n) != 0)
		rc = -1;
	if (rc == 1) {
		rows->log.seq = pos.seq;
		rows->log.nonce = pos.nonce;
		*named = n;
	}
	catalog_rows_free(&fresh);
	catalog_prints_free(&now);
	free(guids);
	free(logged);
	return end_read(db, path, rc == -1 ? -1 : 0, NULL, err, errlen) == -1 ? -1 : rc;
}

int
catalog_read_guids(const char *path, const char *const *guids, size_t n,
    struct catalog_rows *rows, char *err, size_t errlen)
{
	static const char *const none[1] = { "" };
	struct guid_set only = { guids != NULL ? guids : none, guids != NULL ? n : 0 };
	size_t i;

	/* in order: the tracks are matched to the videos by a forward walk */
	for (i = 1; i < only.n; i++)
		if (strcmp(only.v[i - 1], only.v[i]) >= 0) {
			memset(rows, 0, sizeof(*rows));
			snprintf(err, errlen, "%s: guids not in ascending order (%s, then %s)",
			    path, only.v[i - 1], only.v[i]);
			return -1;
		}
	return read_rows(path, &only, rows, NULL, err, errlen);
}

/*
 * The walk's comparison of the catalog's rows with the image's (old, both
 * in guid order), row by row as the walk reads them: nothing of the
 * 100 000 rows is kept but the few whose print moved (a 4.8 MB array of
 * every print, fresh memory faulted in page by page, was ~10 % of a
 * build that found nothing changed: docs/benchmarks.md).
 */
struct print_diff {
	const struct model_image_row	*old;
	size_t				 nold, at;
	size_t				 max;
	struct catalog_prints		*moved;	/* the rows whose print moved, max + 1 of room */
	int				 same;	/* the same guids, at most max moved, so far */
};

static int
diff_row(void *arg, const char *guid, uint64_t print)
{
	struct print_diff *d = arg;
	struct catalog_print *r;

	if (!d->same)
		return 0;	/* the walk goes on for the fingerprint alone */
	if (d->at == d->nold || strcmp(guid, d->old[d->at].guid) != 0) {
		d->same = 0;
		return 0;
	}
	if (print != d->old[d->at].print) {
		if (d->moved->n == d->max) {
			d->same = 0;
			return 0;
		}
		size_t n = strnlen(guid, GUID_LEN);

		r = &d->moved->rows[d->moved->n++];
		memcpy(r->guid, guid, n);
		r->guid[n] = '\0';
		r->print = print;
	}
	d->at++;
	return 0;
}

static int
image_row_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct model_image_row *)row)->guid);
}

/*
 * diff_row() for the videos the log names (guids[0..n), ascending) instead
 * of every row: each one's print now (catalog_prints_of) against its row
 * in old (found by guid), into d.  A video the log names on one side only
 * was added or removed (d->same 0), as the walk would find it.  *sum and
 * *nrows (old's) are moved by each of them: the catalog's now.  0 or -1.
 */
static int
diff_logged(sqlite3 *db, char (*guids)[GUID_LEN + 1], size_t n, struct print_diff *d,
    uint64_t *sum, uint64_t *nrows)
{
	struct catalog_prints now;
	const char **v;
	size_t k, j = 0;

	if ((v = malloc((n ? n : 1) * sizeof(*v))) == NULL)
		return -1;
	for (k = 0; k < n; k++)
		v[k] = guids[k];
	if (catalog_prints_of(db, v, n, &now) != 0) {
		free(v);
		return -1;
	}
	free(v);
	for (k = 0; k < n; k++) {
		const struct model_image_row *was = bsearch(guids[k], d->old, d->nold,
		    sizeof(*d->old), image_row_cmp);
		int is = j < now.n && strcmp(now.rows[j].guid, guids[k]) == 0;

		if (was != NULL) {
			*sum -= catalog_row_hash(was->guid, was->print);
			(*nrows)--;
		}
		if (is) {
			*sum += catalog_row_hash(now.rows[j].guid, now.rows[j].print);
			(*nrows)++;
		}
		if ((was != NULL) != is)
			d->same = 0;	/* added or removed */
		else if (is && d->same && was->print != now.rows[j].print) {
			if (d->moved->n == d->max)
				d->same = 0;
			else
				d->moved->rows[d->moved->n++] = now.rows[j];
		}
		j += is;
	}
	d->at = d->nold;	/* every other row is as old has it */
	catalog_prints_free(&now);
	return 0;
}

/* Log entries read at most instead of the walk: past them, the walk is cheaper. */
#define LOG_READ_MAX	4096

int
catalog_read_changes(const char *path, const struct model_image_row *old, size_t nold,
    uint64_t old_collections, const struct catalog_log_pos *old_log, size_t max,
    struct catalog_rows *changed, uint64_t *fp_out, char *err, size_t errlen)
{
	struct catalog_prints moved;
	struct print_diff d = { old, nold, 0, max, &moved, 1 };
	struct catalog_print_sink sink = { diff_row, &d };
	struct catalog_log_pos pos;
	struct guid_set only;
	char (*logged)[GUID_LEN + 1] = NULL;
	const char **guids;
	sqlite3 *db;
	uint64_t fp = 0, coll = 0, sum, nrows;
	size_t k, nlogged = 0;
	int rc, has_log, since = 0;

	memset(changed, 0, sizeof(*changed));
	memset(&moved, 0, sizeof(moved));
	guids = calloc(max + 1, sizeof(*guids));
	moved.rows = calloc(max + 1, sizeof(*moved.rows));
	if (guids == NULL || moved.rows == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(guids);
		catalog_prints_free(&moved);
		return -1;
	}
	if (begin_read(&db, path, err, errlen) != 0) {
		free(guids);
		catalog_prints_free(&moved);
		return -1;
	}
	/*
	 * The videos the log says were written since the image, when it can
	 * say (catalog_log.c); every row's print otherwise.  The fingerprint
	 * is the sum the walk makes, or the image's sum moved by the rows the
	 * log names (the same value: catalog_fp_of).
	 */
	if ((has_log = catalog_log_at(db, &pos)) == 1 && old_log != NULL)
		since = catalog_log_since(db, old_log, LOG_READ_MAX, &logged, &nlogged);
	sum = since == 1 ? old_log->sum : 0;
	nrows = nold;
	if (has_log == -1 || since == -1)
		rc = -1;
	else if (since == 1 ? catalog_collections_hash(db, &coll) != 0 ||
	    diff_logged(db, logged, nlogged, &d, &sum, &nrows) != 0 :
	    catalog_prints_walk(db, &fp, &coll, &sum, &sink) != 0)
		rc = -1;
	else if (coll != old_collections || !d.same || d.at != nold)
		rc = 0;
	else {
		/* the rows read are given their prints from moved (guid order, as they are) */
		for (k = 0; k < moved.n; k++)
			guids[k] = moved.rows[k].guid;
		only.v = guids;
		only.n = moved.n;
		moved.collections = coll;
		rc = read_rows_db(db, &only, &moved, changed, NULL) == 0 ? 1 : -1;
	}
	if (since == 1)
		fp = catalog_fp_of(sum, nrows, coll);
	if (rc != -1 && fp_out != NULL)
		*fp_out = fp;
	if (rc == 1) {
		changed->log = pos;	/* seq 0 when the catalog keeps no log */
		changed->log.sum = sum;
	}
	if (rc != 1)
		catalog_rows_free(changed);
	rc = end_read(db, path, rc == -1 ? -1 : 0, NULL, err, errlen) == -1 ? -1 : rc;
	catalog_prints_free(&moved);
	free(guids);
	free(logged);
	return rc;
}

static int
read_status_counts(sqlite3 *db, struct catalog_summary *s)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (prepare(db, COLUMNS(status_cols), "FROM videos GROUP BY status ORDER BY status",
	    &st) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct status_row row = { 0, 0 };
		struct catalog_status_count *c;

		if (grow(&s->by_status, s->nstatus, &cap, sizeof(*c), 16) != 0 ||
		    fill(st, COLUMNS(status_cols), &row, NULL) != 0)
			break;
		c = &s->by_status[s->nstatus++];
		c->status = row.status;
		c->count = row.count > 0 ? (size_t)row.count : 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
read_pending(sqlite3 *db, struct catalog_summary *s)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (prepare(db, COLUMNS(pending_cols), "FROM videos WHERE status <> ? "
	    "ORDER BY uploaded DESC, guid", &st) != 0)
		return -1;
	sqlite3_bind_int(st, 1, BUNNY_STATUS_FINISHED);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct catalog_pending *p;

		if (grow(&s->pending, s->npending, &cap, sizeof(*p), 16) != 0)
			break;
		p = &s->pending[s->npending++];
		memset(p, 0, sizeof(*p));
		if (fill(st, COLUMNS(pending_cols), p, NULL) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
catalog_summary_read(const char *path, struct catalog_summary *s, char *err, size_t errlen)
{
	sqlite3 *db;

	memset(s, 0, sizeof(*s));
	err[0] = '\0';
	if (catalog_open(&db, path, 0, err, errlen) != 0)
		return -1;
	if (catalog_meta_value(db, "digest", s->digest, sizeof(s->digest)) != 0 ||
	    catalog_meta_value(db, "pulled_at", s->pulled_at, sizeof(s->pulled_at)) != 0 ||
	    read_status_counts(db, s) != 0 || read_pending(db, s) != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		catalog_summary_free(s);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);
	if (catalog_built_get(path, s->built_digest, err, errlen) != 0) {
		catalog_summary_free(s);
		return -1;
	}
	return 0;
}

void
catalog_summary_free(struct catalog_summary *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->by_status);
	for (i = 0; i < s->npending; i++) {
		free(s->pending[i].guid);
		free(s->pending[i].title);
	}
	free(s->pending);
	memset(s, 0, sizeof(*s));
}
