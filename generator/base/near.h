/*
 * near.h — the records looked at around a record's expected place before
 * a table by hash (content/ members, card texts, search pairs: a one-video
 * change leaves every other record where the last build put it, or one
 * place on).  One rule for the three, bounds checked once.
 */
#ifndef ONLY_NEAR_H
#define ONLY_NEAR_H

#include <stddef.h>

/* Records looked at on either side of the expected place. */
#define NEAR_RECORDS	2

/*
 * The records [*lo, *hi) of n within NEAR_RECORDS of at (at included: the
 * caller skips it when it looked there first).  0 when there are none: an
 * empty store, or at past the end by more than that (a place shifted below
 * 0 wraps there too).
 */
static inline int
near_window(size_t at, size_t n, size_t *lo, size_t *hi)
{
	if (n == 0 || (at >= n && at - n >= NEAR_RECORDS))
		return 0;
	*lo = at > NEAR_RECORDS ? at - NEAR_RECORDS : 0;
	*hi = at < n && n - at > NEAR_RECORDS ? at + NEAR_RECORDS + 1 : n;
	return *lo < *hi;
}

#endif
