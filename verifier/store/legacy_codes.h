/*
 * legacy_codes.h — read the old system's `tokens` table (from its SQLite
 * file or a CSV export) and its curator database's video id → GUID map.
 *
 * Old row: tokens(id, code, token, access_level, video_id, expires_at,
 * created_at); times are ISO-8601 text with a UTC offset; video_id is the
 * curator's integer id, set for ppv only.
 */
#ifndef ONLY_LEGACY_CODES_H
#define ONLY_LEGACY_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "guid.h"	/* GUID_LEN */

#define LEGACY_FIELD_MAX 256

struct legacy_row {
	long	line;				/* CSV line or SQLite row number */
	char	code[LEGACY_FIELD_MAX];
	char	level[LEGACY_FIELD_MAX];
	char	video_id[LEGACY_FIELD_MAX];	/* "" when NULL */
	char	expires_at[LEGACY_FIELD_MAX];
	char	created_at[LEGACY_FIELD_MAX];
};

/*
 * Parses ISO-8601 "YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|+HH:MM|-HH:MM|+HHMM]"
 * (no offset means UTC) into Unix seconds.  Returns 0, or -1 if malformed.
 */
int	iso8601_parse(const char *s, int64_t *out);

/*
 * Calls fn for every row of the old tokens table in path: an SQLite file,
 * or else a CSV file whose header names the columns.  Returns the number
 * of rows, or -1 with a message in err.
 */
long	legacy_read(const char *path, int (*fn)(const struct legacy_row *, void *),
	    void *arg, char *err, size_t errlen);

/*
 * Looks the curator's integer video id up in its `videos` table
 * (id -> bunny_video_id).  Returns 1 with the lowercased GUID in guid,
 * 0 when not found, -1 on error (message in err).
 */
int	legacy_video_guid(const char *curator_db, const char *video_id,
	    char guid[GUID_LEN + 1], char *err, size_t errlen);

#endif
