/*
 * access_table.h — the read side of var/access.db (written by `onlygen
 * build`, schema in docs/architecture.md): which videos exist, their access
 * level, CDN host and length.  The browser's word is never taken: /api/play
 * looks every GUID up here.
 */
#ifndef ONLY_ACCESS_TABLE_H
#define ONLY_ACCESS_TABLE_H

#include <stdint.h>

#include <sqlite3.h>

#define ACCESS_VERSION	1
#define ACCESS_LOOKUP_SQL \
	"SELECT access, cdn_host, length FROM videos WHERE guid = ?1"
#define CDN_HOST_MAX	260

struct access_row {
	char	access[8];			/* public | vip | ppv */
	char	cdn_host[CDN_HOST_MAX + 1];	/* host[:port] */
	int64_t	length;				/* seconds, >= 0 */
};

/*
 * Runs st (prepared from ACCESS_LOOKUP_SQL, reset) for guid.  Returns 1 and
 * fills *row when found with valid values, 0 when not found, -1 on an SQLite
 * error or an invalid row (unknown level, over-long host).  Leaves st reset.
 */
int	access_lookup(sqlite3_stmt *st, const char *guid, struct access_row *row);

#endif
