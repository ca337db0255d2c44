/*
 * bunny_stats.h — Bunny Stream's own numbers in var/catalog.db: for every
 * video of the catalog, GET /library/{id}/statistics?dateFrom&dateTo
 * &hourly=false&videoGuid (bunny.md; the response's viewsChart and
 * watchTimeChart map "YYYY-MM-DDT00:00:00Z" to a number per UTC day),
 * through the same runner, retries and AccessKey handling as the pull
 * (bunny_api.h, http.h), into the video_stats table (catalog_db.c,
 * schema 4): the days fetched replace what was there, all in one
 * transaction, or nothing is written.
 */
#ifndef ONLY_BUNNY_STATS_H
#define ONLY_BUNNY_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "bunny_api.h"

#define BUNNY_STATS_POINTS_MAX	1000	/* data points read per chart (a window is <= 400 days) */

struct bunny_stats_result {
	size_t		 videos;	/* videos asked about */
	size_t		 rows;		/* (video, day) rows written */
	unsigned	 retries;
};

/* from_day..to_day: days since 1970-01-01 UTC.  err never holds the key. */
enum bunny_result	bunny_stats_pull(const char *catalog_db, const struct bunny_source *src,
			    int64_t from_day, int64_t to_day, struct bunny_stats_result *r,
			    char *err, size_t errlen);

/* Parses one statistics answer into per-day rows: calls row() for each day
 * in from_day..to_day that has views or watch time.  0 or -1 with err. */
int	bunny_stats_parse(const char *json, size_t len, int64_t from_day, int64_t to_day,
	    int (*row)(void *arg, int64_t day, uint64_t views, uint64_t watch_s), void *arg,
	    char *err, size_t errlen);

/* Calls fn for every stored row with from_day <= day <= to_day.  A catalog
 * that does not exist yet has no rows (0). 0 or -1 with err. */
int	bunny_stats_each(const char *catalog_db, int64_t from_day, int64_t to_day,
	    void (*fn)(void *arg, const char *guid, int64_t day, uint64_t views,
	    uint64_t watch_s), void *arg, char *err, size_t errlen);

#endif
