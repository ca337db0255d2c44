/*
 * stat_agg.h — `onlygen stats`: the access log's events, Bunny's daily
 * numbers and the stores' metadata folded into per-video, per-day and
 * per-level totals, in bounded memory whatever the log's size:
 *
 *   videos   at most STAT_VIDEOS_MAX (one entry ~360 bytes with its
 *            distinct-device sketch: < 24 MiB); events of further videos
 *            are counted in `dropped`, never stored
 *   days     the window, at most STAT_DAYS_MAX
 *   devices  HyperLogLog sketches (hll.h), 256 bytes each
 *   codes    at most STAT_CODES_MAX code ids with their networks
 *            (stat_codes.h); redeems of further ids count in the totals
 *            and in codes.dropped
 *
 * Lines are read one at a time into a STAT_LINE_MAX buffer; a bad line is
 * counted and skipped, the first one remembered (file:line: why).
 * Generator convention: 0 ok, -1 error in err (out of memory, unreadable
 * file).
 */
#ifndef ONLY_STAT_AGG_H
#define ONLY_STAT_AGG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hll.h"
#include "stat_codes.h"
#include "stat_log.h"

#define STAT_VIDEOS_MAX	65536
#define STAT_DAYS_MAX	400
#define STAT_TOP	10
#define STAT_TITLE_MAX	200	/* bytes of a title kept (cut on a character boundary) */

struct stat_video {
	char		 guid[37];
	char		 level[8];	/* public | vip | ppv, "" when unknown */
	char		 title[STAT_TITLE_MAX + 1];
	uint64_t	 plays;		/* play URLs granted */
	uint64_t	 denied;	/* play asked and refused: a locked page's interest */
	uint64_t	 unlock_vip, unlock_ppv;	/* codes redeemed for this video */
	uint64_t	 bunny_views, bunny_watch;	/* Bunny's statistics (watch: s) */
	struct hll	 dev;
};

struct stat_day {
	uint64_t	 plays, denied, unlocks, bunny_views, bunny_watch;
};

struct stat_level {
	uint64_t	 minted;	/* codes in tokens.db (all time) */
	uint64_t	 redeems;	/* successful redeems in the window */
	struct hll	 codes;		/* distinct code ids redeemed */
};

struct stat_agg {
	int64_t			 since_day, ndays;	/* days since 1970-01-01 (UTC) */
	char			 only[37];		/* --video GUID, "" for all */
	struct stat_video	*v;			/* dense, in arrival order */
	size_t			 nv, capv;
	struct stat_slots	 idx;			/* GUID -> index into v */
	struct stat_day		 day[STAT_DAYS_MAX];
	struct stat_level	 vip, ppv;
	struct hll		 dev;
	struct stat_codes	 codes;			/* per code id (set codes.shared_min before finish) */
	uint64_t		 lines, counted, bad, outside, dropped, redeem_failed;
	char			 first_bad[256];	/* "FILE:LINE: why", "" when none */
	/* After stat_agg_finish: indices into v. */
	size_t			*order, norder;		/* active videos, most plays first */
	size_t			*interest, ninterest;	/* locked, refused often, few unlocks */
};

/* A window of ndays (1..STAT_DAYS_MAX) ending with until_day; only: a
 * GUID (lowercase) or NULL. */
int	stat_agg_init(struct stat_agg *a, int64_t until_day, int64_t ndays,
	    const char *only, char *err, size_t errlen);
void	stat_agg_free(struct stat_agg *a);

/* Sets a video's level and title (from access.db) if it has activity:
 * call it after the logs and Bunny's rows.  0 (kept for the callers' -1). */
int	stat_agg_meta(struct stat_agg *a, const char *guid, const char *level,
	    const char *title);
/* Adds one log line (no newline); name and lineno for the first bad line. */
void	stat_agg_line(struct stat_agg *a, const char *s, size_t n, const char *name,
	    long lineno);
/* Reads every line of f (name for messages).  -1 on a read error. */
int	stat_agg_read(struct stat_agg *a, FILE *f, const char *name, char *err,
	    size_t errlen);
/* Bunny's numbers for one video and day (days since 1970-01-01). */
void	stat_agg_bunny(struct stat_agg *a, const char *guid, int64_t day,
	    uint64_t views, uint64_t watch_seconds);
/* Sorts and selects; -1 out of memory. */
int	stat_agg_finish(struct stat_agg *a, char *err, size_t errlen);

/* "YYYY-MM-DD" of a day number into out[11]. */
void	stat_day_str(int64_t day, char out[11]);

#endif
