/*
 * token_cache.h — tokens.db lookups without a read transaction when the
 * store has not changed.
 *
 * A lookup in tokens.db (WAL) is a real read transaction: two fcntl locks on
 * the -shm file, an fstat and the VDBE step, most of what a request with a
 * cookie costs.  This cache keeps the answers (found or not) for recent code
 * hashes together with the WAL-index stamp (rodb_wal_stamp) read just
 * before they were looked up, and serves them only while the live stamp is
 * still the same, i.e. while no transaction has committed since; any commit
 * (a revocation, a new code, a checkpoint) empties it before the next
 * lookup, so a revocation still counts on the very next request.  Not in
 * WAL mode, or with the header being rewritten: every lookup goes to
 * SQLite.  A reopen (replaced file) empties it too (rodb generation).
 * Expiry and revocation are still judged by the caller on every request.
 */
#ifndef ONLY_TOKEN_CACHE_H
#define ONLY_TOKEN_CACHE_H

#include <time.h>

#include "rodb.h"
#include "token_store.h"

#define TCACHE_SLOTS	256	/* power of two */

struct token_cache {
	unsigned long	 generation;		/* of the rodb */
	int		 valid;			/* stamp read and entries usable */
	unsigned char	 stamp[RODB_STAMP_LEN];
	struct {
		int		 used;
		int		 found;		/* tstore_lookup() said 1 */
		struct token_rec rec;		/* when found; hash always */
	} e[TCACHE_SLOTS];
};

/*
 * tstore_lookup() through c: refreshes db (rodb_refresh), then answers from
 * c when the store is unchanged since the entry was stored, else from
 * SQLite.  Returns 1 and fills *rec, 0 when not found, -1 when db is not
 * open or on an SQLite error (nothing is cached then).
 */
int	tcache_lookup(struct token_cache *c, struct rodb *db, time_t now,
	    const unsigned char hash[HMAC_LEN], struct token_rec *rec);

#endif
