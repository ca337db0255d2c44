/*
 * catalog_sql.h — the SQLite handle on var/catalog.db, for the catalog's
 * own files (catalog_db.c writes, catalog_read.c reads) and their tests.
 * Kept out of catalog_db.h so that what the rest of the generator
 * includes does not bring in <sqlite3.h>: outside generator/catalog/, no
 * code can run SQL on the catalog (`make layers` refuses <sqlite3.h> in
 * generator/cli/).
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen].
 */
#ifndef ONLY_CATALOG_SQL_H
#define ONLY_CATALOG_SQL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "guid.h"

/*
 * Opens (creating and migrating when writable) the catalog at path.
 * Read-only opens fail when the file does not exist.
 */
int	catalog_open(sqlite3 **db, const char *path, int writable, char *err, size_t errlen);

/* Opens the existing catalog at path read-only, for the readers
 * (catalog_read.c, catalog_prints.c): "no catalog yet; run `onlygen pull`
 * first" when it is missing. */
int	catalog_open_existing(sqlite3 **db, const char *path, char *err, size_t errlen);

/*
 * What a walk does with each video row, in guid order: its guid (cut as
 * catalog_read() cuts it, NUL-terminated, valid for the call) and print.
 * 0, or -1 (out of memory: the walk stops and fails).
 */
struct catalog_print_sink {
	int	(*row)(void *arg, const char *guid, uint64_t print);
	void	 *arg;
};

/*
 * The walk behind catalog_fingerprint(), catalog_prints_read() and
 * catalog_read_changes() on an open db (catalog_prints.c): fp always, the
 * collections' hash when collections is not NULL, the rows' sum
 * (catalog_fp_of) when sum is not NULL, each row to sink when
 * it is not NULL (nothing kept: a caller keeps what it needs).
 * catalog_prints_keep() is the walk keeping every row's print in p (p
 * zeroed by the caller, freed by it on error; p->fp the fingerprint).
 * 0, or -1 (SQLite's error on db, or out of memory).
 */
struct catalog_prints;
int	catalog_prints_walk(sqlite3 *db, uint64_t *fp, uint64_t *collections,
	    uint64_t *sum, const struct catalog_print_sink *sink);
int	catalog_prints_keep(sqlite3 *db, struct catalog_prints *p);
/*
 * The prints of the videos guids[0..n) names (ascending; one the catalog
 * lacks has none) and the collections' hash, as catalog_prints_keep()
 * gives them, each row looked up by its guid: for a few rows, without the
 * walk of every one (p->fp is not set).  0, or -1 (p's rows freed).
 */
int	catalog_prints_of(sqlite3 *db, const char *const *guids, size_t n,
	    struct catalog_prints *p);

/*
 * The videos' change log (schema 5, catalog_log.c): every row inserted,
 * updated or deleted, by whatever writes the file (a pull, a test, the
 * sqlite3 shell), leaves its guid behind a new seq, with a random nonce.
 * The triggers' text is the schema's: catalog_log_at() compares what the
 * file holds with it, so a log whose triggers were dropped or replaced is
 * no log.  Named in their sqlite_schema order (by name).
 */
#define CATALOG_LOG_TABLE \
	"CREATE TABLE video_log (" \
	"  seq   INTEGER PRIMARY KEY AUTOINCREMENT," \
	"  guid  TEXT NOT NULL," \
	"  nonce INTEGER NOT NULL)"
#define CATALOG_LOG_ON_DELETE \
	"CREATE TRIGGER video_log_delete AFTER DELETE ON videos BEGIN " \
	"INSERT INTO video_log (guid, nonce) VALUES (OLD.guid, random()); END"
#define CATALOG_LOG_ON_INSERT \
	"CREATE TRIGGER video_log_insert AFTER INSERT ON videos BEGIN " \
	"INSERT INTO video_log (guid, nonce) VALUES (NEW.guid, random()); END"
#define CATALOG_LOG_ON_UPDATE \
	"CREATE TRIGGER video_log_update AFTER UPDATE ON videos BEGIN " \
	"INSERT INTO video_log (guid, nonce) VALUES (OLD.guid, random()); " \
	"INSERT INTO video_log (guid, nonce) SELECT NEW.guid, random() " \
	"WHERE NEW.guid IS NOT OLD.guid; END"
/* The log's first entry: where a reader of a catalog with no change yet stands. */
#define CATALOG_LOG_START \
	"INSERT INTO video_log (guid, nonce) VALUES ('', random())"

/*
 * Where the log of db stands (in the caller's read transaction): 1 and
 * *pos when db keeps one, its table and triggers as the schema made them;
 * 0 and *pos zeroed when it keeps none; -1 (SQLite's error on db).
 */
struct catalog_log_pos;
int	catalog_log_at(sqlite3 *db, struct catalog_log_pos *pos);

/*
 * The videos written since from (at most max log entries after it): 1,
 * with their guids ascending and unique in *guids (malloc'd, *n of them;
 * free()); 0 when the log cannot say (from is not an entry of this log:
 * seq 0, pruned, or another nonce there; more than max entries; a guid
 * no catalog_read() row could have); -1 (SQLite's error, or out of memory).
 */
int	catalog_log_since(sqlite3 *db, const struct catalog_log_pos *from, size_t max,
	    char (**guids)[GUID_LEN + 1], size_t *n);

/* The log cut to its last CATALOG_LOG_KEEP entries, in the writer's transaction.  0 or -1. */
#define CATALOG_LOG_KEEP	16384
int	catalog_log_prune(sqlite3 *db);

/*
 * The catalog's fingerprint, from the sum of its video rows' hashes (each
 * catalog_row_hash() of the row's guid and print, added mod 2^64), their
 * count and the collections' hash: a walk sums every row; a read that
 * knows what the log says was written since a sum moves it by those rows
 * alone (catalog_read_changes).  The same rows give the same value,
 * however they were read or written.
 */
uint64_t	catalog_row_hash(const char *guid, uint64_t print);
uint64_t	catalog_fp_of(uint64_t sum, uint64_t nrows, uint64_t collections);

/* The collections' part of the walk alone: their hash, as the walk gives it.  0 or -1. */
int	catalog_collections_hash(sqlite3 *db, uint64_t *collections);

/* Brings db's schema to CATALOG_SCHEMA_VERSION in one transaction (path
 * names it in messages): what catalog_open() runs on a writable open. */
int	catalog_migrate(sqlite3 *db, const char *path, char *err, size_t errlen);

/* The hash of what counts as a change of v (every field but views): the
 * change_hash column, which dates the video's last change (catalog_db.c). */
struct bunny_video;
int	catalog_change_hash(const struct bunny_video *v, unsigned char out[32]);

/* catalog_digest() that also fills chash[i] (when not NULL) with each
 * video's change hash, in the same walk (catalog_hash.c): 0, or -1 out of
 * memory. */
int	catalog_hashes(const struct bunny_video *videos, size_t n, unsigned char (*hashes)[32],
	    unsigned char (*chash)[32], char digest[65]);

/*
 * The same, a video at a time (a first pull hashes each video as it
 * inserts it, while its text is in the cache): init (0, or -1 out of
 * memory), add each video in guid order (its hash and change hash; 0 or
 * -1), final (the digest; 0 or -1), free (always; accepts a failed init).
 */
struct evp_md_ctx_st;
struct catalog_hasher {
	struct evp_md_ctx_st	*one, *chg, *all;
	int			 ffresh, cfresh;
};
int	catalog_hasher_init(struct catalog_hasher *h);
int	catalog_hasher_add(struct catalog_hasher *h, const struct bunny_video *v,
	    unsigned char hash[32], unsigned char chash[32]);
int	catalog_hasher_final(struct catalog_hasher *h, char digest[65]);
void	catalog_hasher_free(struct catalog_hasher *h);

/*
 * The INSERTs of one video's rows (videos, captions, chapters), one
 * definition for the full pull (catalog_write_from) and the one-video pull
 * (catalog_update).  catalog_ins_prepare() 0 or -1 (SQLite's error on db);
 * catalog_ins_rows() writes v's rows with its hash, the CDN host and when
 * it last changed (0, or -1); catalog_ins_finalize() accepts a zeroed one.
 */
struct catalog_ins {
	sqlite3_stmt	*video, *caption, *chapter;
};
int	catalog_ins_prepare(sqlite3 *db, struct catalog_ins *s);
int	catalog_ins_rows(struct catalog_ins *s, const struct bunny_video *v, const char *cdn_host,
	    const unsigned char hash[32], int64_t changed, const unsigned char chash[32]);
void	catalog_ins_finalize(struct catalog_ins *s);

/* Runs st, an "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)", for
 * key and value: 0, or -1 (SQLite's error on the handle). */
int	catalog_meta_put(sqlite3_stmt *st, const char *key, const char *value);

/* The meta table's value for key into out ("" when absent); 0, or -1 (SQLite's error on db). */
int	catalog_meta_value(sqlite3 *db, const char *key, char *out, size_t outlen);

#endif
