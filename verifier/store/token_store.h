/*
 * token_store.h — the code store (default var/tokens.db), SQLite.
 *
 * A code is never stored in clear: a row is keyed by
 * HMAC-SHA256(SECRET_KEY, normalised code), so a leaked database gives away
 * no code (guessing one needs the key).  Schema version 1 (PRAGMA
 * user_version; tstore_open_rw() migrates older files forward):
 *
 *   CREATE TABLE codes (
 *     hash       BLOB PRIMARY KEY NOT NULL,  -- 32 bytes
 *     level      TEXT NOT NULL,              -- public | vip | ppv
 *     video      TEXT,                       -- GUID, for ppv only
 *     expires_at INTEGER NOT NULL,           -- Unix s; expired from this second
 *     created_at INTEGER NOT NULL,
 *     revoked_at INTEGER,                    -- NULL: not revoked
 *     note       TEXT NOT NULL DEFAULT ''
 *   ) WITHOUT ROWID;
 *
 * The file is in WAL mode so the verifier's read-only handle never waits on
 * a writer; writers checkpoint and truncate the WAL before closing, so the
 * file can be copied or replaced whole between writes (unless Litestream
 * replicates it and holds the WAL: then copy it with `litestream restore`
 * or SQLite's backup, never with cp).
 */
#ifndef ONLY_TOKEN_STORE_H
#define ONLY_TOKEN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "access_level.h"	/* ACCESS_LEVEL_NAME_MAX, access_level_known */
#include "guid.h"		/* GUID_LEN, guid_ok */
#include "hmac.h"

#define TSTORE_VERSION	1
#define NOTE_MAX	200	/* bytes of a code's note (`onlytoken mint --note`):
				 * a line of text for the operator, not a file */

/* The verifier's one read statement (for rodb). */
#define TSTORE_LOOKUP_SQL \
	"SELECT level, video, expires_at, created_at, revoked_at " \
	"FROM codes WHERE hash = ?1"

struct token_rec {
	unsigned char	hash[HMAC_LEN];
	char		level[ACCESS_LEVEL_NAME_MAX + 2];	/* "public", "vip", "ppv";
						 * a longer text is cut, then refused */
	char		video[GUID_LEN + 1];	/* "" unless ppv */
	int64_t		expires_at;
	int64_t		created_at;
	int64_t		revoked_at;		/* 0: not revoked */
	char		note[NOTE_MAX + 1];
};

/* hash = HMAC-SHA256(k, code), code being the normalised short code. */
void	tstore_code_hash(const struct hmac_key *k, const char *code,
	    unsigned char hash[HMAC_LEN]);

/*
 * Runs the lookup statement st (prepared from TSTORE_LOOKUP_SQL, reset) for
 * hash.  Returns 1 and fills *rec when found, 0 when not, -1 on an SQLite
 * error (SQLITE_BUSY included).  Leaves st reset.
 */
int	tstore_lookup(sqlite3_stmt *st, const unsigned char hash[HMAC_LEN],
	    struct token_rec *rec);

/*
 * Opens (creating if need be) path read-write for bin/onlytoken: WAL mode,
 * busy timeout 5 s, schema migrated to TSTORE_VERSION.  Returns the handle,
 * or NULL with a message in err.  Close it with tstore_close_rw().
 */
sqlite3	*tstore_open_rw(const char *path, char *err, size_t errlen);

/* Checkpoints and truncates the WAL unless a reader holds it (then
 * leaves it, without waiting), then closes. */
void	tstore_close_rw(sqlite3 *db);

/* Inserts rec; 0 ok, -1 (message in err; a duplicate hash included). */
int	tstore_insert(sqlite3 *db, const struct token_rec *rec, char *err, size_t errlen);

/* Sets revoked_at = now unless already revoked: 1 done, 0 no such code, -1 error. */
int	tstore_revoke(sqlite3 *db, const unsigned char hash[HMAC_LEN], int64_t now);

/* Filters for tstore_list; NULL / 0 fields do not filter. */
struct tstore_filter {
	const char	*level;
	const char	*video;
	int		 expired;	/* 1: only expired, -1: only unexpired */
	int		 revoked;	/* 1: only revoked, -1: only not revoked */
	int64_t		 now;
};

/* Calls fn for each matching row, oldest first; returns rows or -1. */
long	tstore_list(sqlite3 *db, const struct tstore_filter *f,
	    void (*fn)(const struct token_rec *, void *), void *arg);

#endif
