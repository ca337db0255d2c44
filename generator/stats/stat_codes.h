/*
 * stat_codes.h — per code id among the window's successful redeems: how
 * many viewer networks redeemed it, how often, first and last day, its
 * level; and the codes redeemed from many networks (docs/stats.md), the
 * sign of a code posted where everyone can read it.
 *
 * Bounded: at most STAT_CODES_MAX code ids (~120 bytes each, < 8 MiB);
 * redeems of further ids are counted in the totals and in `dropped`.
 * Distinct networks per code are exact up to STAT_CODE_EXACT (the 64-bit
 * hashes kept in the entry): the figure a creator acts on (4, 5, 8
 * networks) must not be off by one, which a 256-register HyperLogLog's
 * linear counting is about 4 % of the time at 5 items.  Past that bound a
 * code's networks go to a HyperLogLog (hll.h, 256 bytes, allocated then):
 * a code shared that widely is counted within ~6.5 %, in bounded memory
 * whatever the number of viewers (< 24 MiB over the cap's codes).
 *
 * Only ids: no code, store hash or address ever reaches this module.
 */
#ifndef ONLY_STAT_CODES_H
#define ONLY_STAT_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "hll.h"
#include "stat_log.h"
#include "stat_slots.h"

#define STAT_CODES_MAX		65536
#define STAT_CODE_EXACT		8
#define STAT_SHARED_MIN		4	/* --shared-min default */
#define STAT_SHARED_MIN_MAX	1000

struct stat_code {
	char		 id[STAT_ID_LEN + 1];
	char		 level[4];	/* vip | ppv (the first redeem's) */
	uint8_t		 nexact;	/* hashes in net[] */
	uint64_t	 net[STAT_CODE_EXACT];
	struct hll	*many;		/* past STAT_CODE_EXACT networks, else NULL */
	uint64_t	 redeems;
	uint64_t	 networks;	/* stat_code_networks, set by stat_codes_finish */
	int64_t		 first_day, last_day;	/* days since 1970-01-01 */
};

struct stat_codes {
	struct stat_code	*c;		/* dense, in arrival order */
	size_t			 n, cap;
	struct stat_slots	 idx;		/* id -> index into c */
	uint64_t		 dropped;	/* redeems of ids past the cap */
	unsigned		 shared_min;
	size_t			*shared, nshared;	/* after stat_codes_finish */
};

void	stat_codes_init(struct stat_codes *s);
void	stat_codes_free(struct stat_codes *s);
/* One successful redeem of code id `id` (12 hex digits) by network id
 * `viewer` ("" when unknown) on day `day`, level "vip" or "ppv". */
void	stat_codes_add(struct stat_codes *s, const char *id, const char *viewer,
	    int64_t day, const char *level);
/* A code's distinct networks (exact up to STAT_CODE_EXACT; the sketch's
 * estimate never above the redeems). */
uint64_t	stat_code_networks(const struct stat_code *c);
/* Sets each code's networks and selects those with >= shared_min, most
 * networks first; -1 out of memory. */
int	stat_codes_finish(struct stat_codes *s);

#endif
