/*
 * legacy_codes.c — read the old system's tokens (SQLite or CSV) and map
 * its video ids to GUIDs.  See legacy_codes.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "legacy_codes.h"
#include "token_store.h"

#define CSV_LINE_MAX	4096
#define CSV_COLS_MAX	32

static int
digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int
iso8601_parse(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	const char *p = s;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (*p != '\0' && digits(&p, 2, &om))
			return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t - sign * (oh * 3600 + om * 60);
	return 0;
}

static void
field(char *dst, const unsigned char *v)
{
	snprintf(dst, LEGACY_FIELD_MAX, "%s", v ? (const char *)v : "");
}

static long
read_sqlite(sqlite3 *db, int (*fn)(const struct legacy_row *, void *), void *arg,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct legacy_row r;
	long n = 0;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT code, access_level, video_id, expires_at, "
	    "created_at FROM tokens ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s (expected the old tokens table)",
		    sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.line = ++n;
		field(r.code, sqlite3_column_text(st, 0));
		field(r.level, sqlite3_column_text(st, 1));
		field(r.video_id, sqlite3_column_text(st, 2));
		field(r.expires_at, sqlite3_column_text(st, 3));
		field(r.created_at, sqlite3_column_text(st, 4));
		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

/* Splits one CSV line (RFC 4180 quotes, no embedded newlines) in place. */
static int
csv_split(char *line, char *cols[], int max)
{
	int n = 0;
	char *p = line, *w;

	for (;;) {
		if (n >= max)
			return -1;
		if (*p == '"') {
			cols[n++] = w = ++p;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else
					*w++ = *p++;
			}
			*w = '\0';
			if (*p != ',' && *p != '\0')
				return -1;
		} else {
			cols[n++] = p;
			while (*p != ',' && *p != '\0')
				p++;
		}
		if (*p == '\0')
			return n;
		*p++ = '\0';
	}
}

static long
read_csv(FILE *f, int (*fn)(const struct legacy_row *, void *), void *arg,
    char *err, size_t errlen)
{
	char line[CSV_LINE_MAX], *cols[CSV_COLS_MAX];
	int idx[5] = { -1, -1, -1, -1, -1 }, nc, i, k;
	static const char *const names[5] = { "code", "access_level", "video_id",
	    "expires_at", "created_at" };
	struct legacy_row r;
	long lineno = 0, n = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "line %ld: longer than %d bytes", lineno,
			    CSV_LINE_MAX);
			return -1;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if ((nc = csv_split(line, cols, CSV_COLS_MAX)) < 0) {
			snprintf(err, errlen, "line %ld: malformed CSV", lineno);
			return -1;
		}
		if (idx[0] < 0) {
			for (i = 0; i < nc; i++)
				for (k = 0; k < 5; k++)
					if (strcmp(cols[i], names[k]) == 0)
						idx[k] = i;
			if (idx[0] < 0 || idx[1] < 0 || idx[3] < 0) {
				snprintf(err, errlen, "line %ld: the header must name "
				    "code, access_level, video_id, expires_at", lineno);
				return -1;
			}
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.line = lineno;
		for (k = 0; k < 5; k++) {
			char *dst = k == 0 ? r.code : k == 1 ? r.level : k == 2 ?
			    r.video_id : k == 3 ? r.expires_at : r.created_at;
			if (idx[k] >= 0 && idx[k] < nc)
				snprintf(dst, LEGACY_FIELD_MAX, "%s", cols[idx[k]]);
		}
		n++;
		if (fn(&r, arg) != 0)
			break;
	}
	return n;
}

long
legacy_read(const char *path, int (*fn)(const struct legacy_row *, void *),
    void *arg, char *err, size_t errlen)
{
	char head[16];
	FILE *f;
	sqlite3 *db = NULL;
	long n;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fread(head, 1, sizeof(head), f) == sizeof(head) &&
	    memcmp(head, "SQLite format 3", 16) == 0) {
		fclose(f);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
			sqlite3_close(db);
			return -1;
		}
		n = read_sqlite(db, fn, arg, err, errlen);
		sqlite3_close(db);
		return n;
	}
	rewind(f);
	n = read_csv(f, fn, arg, err, errlen);
	fclose(f);
	return n;
}

int
legacy_video_guid(const char *curator_db, const char *video_id, char guid[GUID_LEN + 1],
    char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *g;
	char *end;
	long long id;
	int ret = -1, rc;

	errno = 0;
	id = strtoll(video_id, &end, 10);
	if (video_id[0] == '\0' || *end != '\0' || errno != 0) {
		snprintf(err, errlen, "video_id '%.40s' is not an integer", video_id);
		return -1;
	}
	if (sqlite3_open_v2(curator_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT bunny_video_id FROM videos WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", curator_db, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_ROW || (g = sqlite3_column_text(st, 0)) == NULL ||
	    strlen((const char *)g) != GUID_LEN) {
		snprintf(err, errlen, "%s: video %lld has no valid bunny_video_id",
		    curator_db, id);
		goto out;
	}
	if (!guid_norm((const char *)g, GUID_LEN, guid)) {
		snprintf(err, errlen, "%s: video %lld: '%s' is not a GUID", curator_db,
		    id, (const char *)g);
		goto out;
	}
	ret = 1;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}
