/*
 * bunny_stats.c — Bunny's statistics endpoint into catalog.db (bunny_stats.h).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bunny_stats.h"
#include "catalog_sql.h"

/* "YYYY-MM-DD..." -> days since 1970-01-01; -1 when not a date. */
static int64_t
day_of(const char *s)
{
	struct tm tm;
	const char *e;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) < 10 || (e = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
	    e != s + 10)
		return -1;
	return (int64_t)timegm(&tm) / 86400;
}

static uint64_t
number(const cJSON *n)
{
	return cJSON_IsNumber(n) && n->valuedouble > 0 && n->valuedouble < 9e15 ?
	    (uint64_t)(n->valuedouble + 0.5) : 0;
}

int
bunny_stats_parse(const char *json, size_t len, int64_t from_day, int64_t to_day,
    int (*row)(void *arg, int64_t day, uint64_t views, uint64_t watch_s), void *arg,
    char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(json, len), *views, *watch, *p;
	int64_t d, n = to_day - from_day + 1;
	uint64_t *v = NULL, *w = NULL;
	size_t points = 0;
	int rc = -1;

	if (root == NULL || !cJSON_IsObject(root)) {
		snprintf(err, errlen, "the statistics answer is not a JSON object");
		goto out;
	}
	views = cJSON_GetObjectItemCaseSensitive(root, "viewsChart");
	watch = cJSON_GetObjectItemCaseSensitive(root, "watchTimeChart");
	if ((views != NULL && !cJSON_IsObject(views) && !cJSON_IsNull(views)) ||
	    (watch != NULL && !cJSON_IsObject(watch) && !cJSON_IsNull(watch))) {
		snprintf(err, errlen, "viewsChart and watchTimeChart must be objects");
		goto out;
	}
	if (n < 1 || n > 100000 || (v = calloc((size_t)n, sizeof(*v))) == NULL ||
	    (w = calloc((size_t)n, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "bad window or out of memory");
		goto out;
	}
	if (!cJSON_IsObject(views))
		views = NULL;
	if (!cJSON_IsObject(watch))
		watch = NULL;
	cJSON_ArrayForEach(p, views) {
		if (++points > BUNNY_STATS_POINTS_MAX)
			break;
		if ((d = day_of(p->string)) >= from_day && d <= to_day)
			v[d - from_day] += number(p);
	}
	points = 0;
	cJSON_ArrayForEach(p, watch) {
		if (++points > BUNNY_STATS_POINTS_MAX)
			break;
		if ((d = day_of(p->string)) >= from_day && d <= to_day)
			w[d - from_day] += number(p);
	}
	for (d = 0; d < n; d++)
		if ((v[d] || w[d]) && row(arg, from_day + d, v[d], w[d]) != 0) {
			snprintf(err, errlen, "cannot store the statistics");
			goto out;
		}
	rc = 0;
out:
	free(v);
	free(w);
	cJSON_Delete(root);
	return rc;
}

struct store {
	sqlite3_stmt	*ins;
	const char	*guid;
	size_t		 rows;
};

static int
store_row(void *arg, int64_t day, uint64_t views, uint64_t watch_s)
{
	struct store *s = arg;

	sqlite3_reset(s->ins);
	sqlite3_bind_text(s->ins, 1, s->guid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 2, day);
	sqlite3_bind_int64(s->ins, 3, (sqlite3_int64)views);
	sqlite3_bind_int64(s->ins, 4, (sqlite3_int64)watch_s);
	if (sqlite3_step(s->ins) != SQLITE_DONE)
		return -1;
	s->rows++;
	return 0;
}

/* Every video's GUID in the catalog, in GUID order. */
static int
guids(sqlite3 *db, char ***out, size_t *n)
{
	sqlite3_stmt *st;
	char **g = NULL, **ng;
	size_t cap = 0;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT guid FROM videos ORDER BY guid", -1, &st, NULL)
	    != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((ng = realloc(g, cap * sizeof(*g))) == NULL)
				break;
			g = ng;
		}
		if ((g[*n] = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
			break;
		(*n)++;
	}
	sqlite3_finalize(st);
	*out = g;
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
day_text(int64_t day, char out[11])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

enum bunny_result
bunny_stats_pull(const char *catalog_db, const struct bunny_source *src, int64_t from_day,
    int64_t to_day, struct bunny_stats_result *r, char *err, size_t errlen)
{
	struct http_opts o = src->http;
	struct http_client *c = NULL;
	struct curl_slist *hdr = NULL;
	struct http_req *reqs = NULL;
	struct store s = { NULL, NULL, 0 };
	enum bunny_result res = BUNNY_FAILED;
	enum http_result hr;
	sqlite3 *db = NULL;
	char **g = NULL, *base = NULL, from[11], to[11];
	size_t n = 0, i;

	memset(r, 0, sizeof(*r));
	if (bunny_source_valid(src, err, errlen) != 0)
		return BUNNY_FAILED;
	if (catalog_open(&db, catalog_db, 1, err, errlen) != 0)
		return BUNNY_FAILED;
	if (guids(db, &g, &n) != 0) {
		snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
		goto out;
	}
	day_text(from_day, from);
	day_text(to_day, to);
	if (bunny_request_setup(src, &base, &hdr) != 0 ||
	    (n > 0 && (reqs = calloc(n, sizeof(*reqs))) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *url;

		if (asprintf(&url, "%s/library/%s/statistics?dateFrom=%sT00:00:00Z"
		    "&dateTo=%sT23:59:59Z&hourly=false&videoGuid=%s", base, src->library_id,
		    from, to, g[i]) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		reqs[i].url = url;
		reqs[i].headers = hdr;
	}
	o.fail_fast = 1;
	o.on_done = NULL;
	o.auth_hint = "check BUNNY_API_KEY (the library's API key, under Stream > API)";
	if ((c = http_client_new(&o, err, errlen)) == NULL)
		goto out;
	hr = http_run(c, reqs, n, &r->retries);
	if (hr != HTTP_OK) {
		for (i = 0; i < n; i++)
			if (!reqs[i].ok && reqs[i].err[0] != '\0')
				break;
		snprintf(err, errlen, "%s", i < n ? reqs[i].err : "the statistics pull failed");
		res = hr == HTTP_UNAUTHORIZED ? BUNNY_UNAUTHORIZED : BUNNY_FAILED;
		goto out;
	}
	/* Everything arrived: replace the window's rows in one transaction. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO video_stats (guid, day, views, "
	    "watch_s) VALUES (?, ?, ?, ?)", -1, &s.ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
		goto rollback;
	}
	{
		sqlite3_stmt *del;
		char sql[128];

		snprintf(sql, sizeof(sql), "DELETE FROM video_stats WHERE day BETWEEN %lld AND %lld",
		    (long long)from_day, (long long)to_day);
		if (sqlite3_prepare_v2(db, sql, -1, &del, NULL) != SQLITE_OK ||
		    sqlite3_step(del) != SQLITE_DONE) {
			sqlite3_finalize(del);
			snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
			goto rollback;
		}
		sqlite3_finalize(del);
	}
	for (i = 0; i < n; i++) {
		char perr[200];

		s.guid = g[i];
		if (bunny_stats_parse(reqs[i].resp.data, reqs[i].resp.len, from_day, to_day,
		    store_row, &s, perr, sizeof(perr)) != 0) {
			snprintf(err, errlen, "statistics of %s: %s", g[i], perr);
			goto rollback;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
		goto rollback;
	}
	r->videos = n;
	r->rows = s.rows;
	res = BUNNY_OK;
	goto out;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(s.ins);
	for (i = 0; reqs != NULL && i < n; i++) {
		free((char *)reqs[i].url);
		buf_free(&reqs[i].resp);
	}
	free(reqs);
	for (i = 0; i < n; i++)
		free(g[i]);
	free(g);
	http_client_free(c);
	http_headers_free(hdr);
	free(base);
	sqlite3_close(db);
	return res;
}

int
bunny_stats_each(const char *catalog_db, int64_t from_day, int64_t to_day,
    void (*fn)(void *arg, const char *guid, int64_t day, uint64_t views, uint64_t watch_s),
    void *arg, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc, ver = 0;	/* 1: the video_stats table exists */

	if (access(catalog_db, F_OK) != 0)
		return 0;
	if (catalog_open(&db, catalog_db, 0, err, errlen) != 0)
		return -1;
	/* A catalog that no pull has migrated to schema 4 has no statistics yet. */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	    "name = 'video_stats'", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ver = 1;
	sqlite3_finalize(st);
	st = NULL;
	if (ver == 0) {
		sqlite3_close(db);
		return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT guid, day, views, watch_s FROM video_stats "
	    "WHERE day BETWEEN ? AND ? ORDER BY guid, day", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_bind_int64(st, 1, from_day);
	sqlite3_bind_int64(st, 2, to_day);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
		    (uint64_t)sqlite3_column_int64(st, 2), (uint64_t)sqlite3_column_int64(st, 3));
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}
