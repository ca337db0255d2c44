/*
 * access_table.h — the read side of var/access.db (written by `onlygen
 * build`, schema in core/access_schema.h): which videos exist, their access
 * level, CDN host, length and title (the title only for the verifier's
 * answers, e.g. which video a pay-per-view code unlocks).  The browser's word is never taken: /api/play
 * looks every GUID up here.
 */
#ifndef ONLY_ACCESS_TABLE_H
#define ONLY_ACCESS_TABLE_H

#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "access_level.h"	/* ACCESS_LEVEL_NAME_MAX */
#include "access_schema.h"	/* ACCESS_SCHEMA_VERSION, ACCESS_LOOKUP_SQL, ACCESS_TITLE_MAX */
#include "cdn_host.h"		/* CDN_HOST_MAX */
#include "guid.h"		/* GUID_LEN */

struct access_row {
	char	access[ACCESS_LEVEL_NAME_MAX + 2];	/* public | vip | ppv */
	char	cdn_host[CDN_HOST_MAX + 1];	/* host[:port] */
	int64_t	length;				/* seconds, >= 0 */
	char	title[ACCESS_TITLE_MAX + 1];	/* raw catalog text; escape it */
};

/*
 * Runs st (prepared from ACCESS_LOOKUP_SQL, reset) for guid.  Returns 1 and
 * fills *row when found with valid values, 0 when not found, -1 on an SQLite
 * error or an invalid row (unknown level, over-long host).  Leaves st reset.
 */
int	access_lookup(sqlite3_stmt *st, const char *guid, struct access_row *row);

/*
 * A fixed cache of found rows in front of access_lookup(), for an
 * access.db opened immutable (rodb RODB_REPLACED_ONLY): such a handle
 * answers from one unchanging snapshot until it is reopened, so the cache
 * holds exactly what SQLite would answer as long as it is flushed at every
 * reopen; access_cached() does that by comparing the rodb's generation.
 * Unknown GUIDs are not cached (each still costs an SQLite lookup).
 */
#define ACCESS_CACHE_SLOTS	128	/* power of two; ~520 bytes each */

struct access_cache {
	unsigned long	generation;	/* of the rodb the entries came from */
	struct {
		char			guid[GUID_LEN + 1];	/* "" = empty */
		struct access_row	row;
	} e[ACCESS_CACHE_SLOTS];
};

struct rodb;

/*
 * Looks guid (lower case, GUID_LEN bytes) up through c, then through db's
 * statement on a miss.  db must be open (rodb_refresh() returned 0).
 * Returns like access_lookup().
 */
int	access_cached(struct access_cache *c, struct rodb *db, time_t now,
	    const char *guid, struct access_row *row);

#endif
