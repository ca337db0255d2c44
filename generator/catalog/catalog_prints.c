/*
 * catalog_prints.c — the catalog's fingerprint and its per-row prints
 * (catalog_read.h), from one walk: catalog_fingerprint() is that walk
 * with no prints kept, so the fp a catalog_prints_read() gives is the
 * fingerprint by construction, not by a second copy of the loop.
 *
 * The walk reads the covering index videos_fingerprint (guid, hash,
 * status, changed, cdn_host: schema 3), about 1/10 of the table's pages,
 * then the collections.  Each column goes into a row's print as its
 * length and its bytes (an integer as SQLite's text of it); the
 * fingerprint is catalog_fp_of() the sum of the rows' hashes, their count
 * and the collections' hash (catalog_log.c), a value the change log lets
 * a build move by the rows written alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "catalog_read.h"
#include "catalog_sql.h"
#include "hash64.h"

/* The columns after the guid: what a row's print is made of. */
#define PRINT_COLUMNS	4

/* A capacity taken from the meta row video_count beyond this is not believed. */
#define MAX_HINT	((size_t)1 << 26)

/* Mixes column c of st's current row into *h: its length, then its bytes. */
static inline void
mix_column(sqlite3_stmt *st, int c, uint64_t *h)
{
	const void *b = sqlite3_column_blob(st, c);
	int n = sqlite3_column_bytes(st, c);

	if (b == NULL)
		b = "";
	*h = h64(h64_int(*h, n), b, (size_t)n);
}

/*
 * How many videos the last pull wrote (meta video_count), as the first
 * size of the prints array: one malloc at the right size.  0 when the
 * catalog does not say (the array then grows).
 */
static size_t
count_hint(sqlite3 *db)
{
	char num[32];
	unsigned long long v;
	char *end;

	if (catalog_meta_value(db, "video_count", num, sizeof(num)) != 0 || num[0] == '\0')
		return 0;
	v = strtoull(num, &end, 10);
	return *end == '\0' && v <= MAX_HINT ? (size_t)v : 0;
}

/* Room for one more row in p (cap held): 0, or -1 out of memory. */
static int
room(struct catalog_prints *p, size_t *cap)
{
	struct catalog_print *r;
	size_t c;

	if (p->n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 1024;
	if ((r = realloc(p->rows, c * sizeof(*r))) == NULL)
		return -1;
	p->rows = r;
	*cap = c;
	return 0;
}

/*
 * The videos' part of the walk: each row's guid and print to sink when not
 * NULL, the sum of their catalog_row_hash() into *sum and their count
 * into *n.
 */
static int
walk_videos(sqlite3 *db, uint64_t *sum, uint64_t *n, const struct catalog_print_sink *sink)
{
	sqlite3_stmt *st;
	uint64_t seed = h64_str(0, "onlygen-catalog-row-print-v1");
	char guid[GUID_LEN + 1];
	int c, rc;

	*sum = *n = 0;
	if (sqlite3_prepare_v2(db, "SELECT guid, hash, status, changed, cdn_host FROM videos "
	    "ORDER BY guid", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_blob(st, 0);
		size_t glen = (size_t)sqlite3_column_bytes(st, 0);
		uint64_t print = seed;

		/* as catalog_read() cuts a guid: to GUID_LEN, at a NUL */
		glen = g != NULL ? strnlen(g, glen < GUID_LEN ? glen : GUID_LEN) : 0;
		memcpy(guid, g != NULL ? g : "", glen);
		guid[glen] = '\0';
		for (c = 1; c <= PRINT_COLUMNS; c++)
			mix_column(st, c, &print);
		*sum += catalog_row_hash(guid, print);
		(*n)++;
		if (sink != NULL && sink->row(sink->arg, guid, print) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The collections' hash. */
static int
walk_collections(sqlite3 *db, uint64_t *coll)
{
	sqlite3_stmt *st;
	int rc;

	*coll = h64_str(0, "onlygen-catalog-collections-v1");
	if (sqlite3_prepare_v2(db, "SELECT guid, name FROM collections ORDER BY guid", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		mix_column(st, 0, coll);
		mix_column(st, 1, coll);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
catalog_collections_hash(sqlite3 *db, uint64_t *collections)
{
	return walk_collections(db, collections);
}

int
catalog_prints_walk(sqlite3 *db, uint64_t *fp, uint64_t *collections, uint64_t *sum,
    const struct catalog_print_sink *sink)
{
	uint64_t s = 0, n = 0, coll = 0;
	int rc;

	rc = walk_videos(db, &s, &n, sink) == 0 && walk_collections(db, &coll) == 0 ? 0 : -1;
	*fp = catalog_fp_of(s, n, coll);
	if (collections != NULL)
		*collections = coll;
	if (sum != NULL)
		*sum = s;
	return rc;
}

/* The keeping sink's state: the array and its room. */
struct keep {
	struct catalog_prints	*p;
	size_t			 cap;
};

static int
keep_row(void *arg, const char *guid, uint64_t print)
{
	struct keep *k = arg;
	struct catalog_print *row;

	if (room(k->p, &k->cap) != 0)
		return -1;
	row = &k->p->rows[k->p->n++];
	memcpy(row->guid, guid, strlen(guid) + 1);	/* at most GUID_LEN: the walk cut it */
	row->print = print;
	return 0;
}

int
catalog_prints_keep(sqlite3 *db, struct catalog_prints *p)
{
	struct keep k = { p, 0 };
	struct catalog_print_sink sink = { keep_row, &k };

	if ((k.cap = count_hint(db)) > 0 && (p->rows = malloc(k.cap * sizeof(*p->rows))) == NULL)
		k.cap = 0;
	return catalog_prints_walk(db, &p->fp, &p->collections, &p->sum, &sink);
}

int
catalog_prints_of(sqlite3 *db, const char *const *guids, size_t n, struct catalog_prints *p)
{
	sqlite3_stmt *st;
	uint64_t seed = h64_str(0, "onlygen-catalog-row-print-v1");
	size_t i, cap = 0;
	int c, rc = SQLITE_DONE;

	memset(p, 0, sizeof(*p));
	if (sqlite3_prepare_v2(db, "SELECT hash, status, changed, cdn_host FROM videos "
	    "WHERE guid = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		uint64_t print = seed;

		sqlite3_reset(st);
		if (sqlite3_bind_text(st, 1, guids[i], -1, SQLITE_STATIC) != SQLITE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if ((rc = sqlite3_step(st)) == SQLITE_DONE)
			continue;	/* not in the catalog */
		if (rc != SQLITE_ROW)
			break;
		/* the walk's columns 1..4, in its order */
		for (c = 0; c < PRINT_COLUMNS; c++)
			mix_column(st, c, &print);
		if (room(p, &cap) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		snprintf(p->rows[p->n].guid, sizeof(p->rows[p->n].guid), "%s", guids[i]);
		p->rows[p->n++].print = print;
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_DONE : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || walk_collections(db, &p->collections) != 0) {
		catalog_prints_free(p);
		return -1;
	}
	return 0;
}

/* The walk on its own connection: fp always, the prints and the collections' hash when p is not NULL. */
static int
walk(const char *path, uint64_t *fp, struct catalog_prints *p, char *err, size_t errlen)
{
	sqlite3 *db;
	int rc;

	err[0] = '\0';
	if (catalog_open_existing(&db, path, err, errlen) != 0)
		return -1;
	if ((rc = p != NULL ? catalog_prints_keep(db, p) :
	    catalog_prints_walk(db, fp, NULL, NULL, NULL)) != 0)
		snprintf(err, errlen, "%s: %s", path,
		    sqlite3_errcode(db) == SQLITE_OK ? "out of memory" : sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc;
}

int
catalog_fingerprint(const char *path, uint64_t *fp, char *err, size_t errlen)
{
	return walk(path, fp, NULL, err, errlen);
}

int
catalog_prints_read(const char *path, struct catalog_prints *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (walk(path, &p->fp, p, err, errlen) != 0) {
		catalog_prints_free(p);
		return -1;
	}
	return 0;
}

void
catalog_prints_free(struct catalog_prints *p)
{
	if (p == NULL)
		return;
	free(p->rows);
	memset(p, 0, sizeof(*p));
}
