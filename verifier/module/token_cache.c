/*
 * token_cache.c — tokens.db answers kept while the store is unchanged.
 * See token_cache.h.
 */
#include <string.h>

#include "ct.h"
#include "token_cache.h"

static void
flush(struct token_cache *c, unsigned long generation)
{
	memset(c, 0, sizeof(*c));
	c->generation = generation;
}

int
tcache_lookup(struct token_cache *c, struct rodb *db, time_t now,
    const unsigned char hash[HMAC_LEN], struct token_rec *rec)
{
	unsigned char stamp[RODB_STAMP_LEN];
	size_t s = ((size_t)hash[0] | (size_t)hash[1] << 8) & (TCACHE_SLOTS - 1);
	sqlite3_stmt *st;
	int have, r;

	if (rodb_refresh(db, now) != 0)
		return -1;
	/* The stamp is read before any lookup below: an answer is stored
	 * with a stamp no newer than the data it reflects. */
	have = rodb_wal_stamp(db, stamp) == 0;
	if (!have || c->generation != db->generation || !c->valid ||
	    memcmp(c->stamp, stamp, sizeof(stamp)) != 0) {
		flush(c, db->generation);
		if (have) {
			memcpy(c->stamp, stamp, sizeof(stamp));
			c->valid = 1;
		}
	}
	if (c->valid && c->e[s].used && ct_memeq(c->e[s].rec.hash, hash, HMAC_LEN)) {
		if (!c->e[s].found)
			return 0;
		*rec = c->e[s].rec;
		return 1;
	}
	if ((st = rodb_stmt(db, now)) == NULL)
		return -1;
	if ((r = tstore_lookup(st, hash, rec)) < 0)
		return -1;
	if (c->valid) {
		c->e[s].used = 1;
		c->e[s].found = r;
		if (r == 1)
			c->e[s].rec = *rec;
		else
			memset(&c->e[s].rec, 0, sizeof(c->e[s].rec));
		memcpy(c->e[s].rec.hash, hash, HMAC_LEN);
	}
	return r;
}
