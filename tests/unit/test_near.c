/*
 * test_near.c — near_window() (generator/base/near.h): the records within
 * NEAR_RECORDS of a place, clamped to the store, none past it or wrapped.
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "near.h"

static void
window(size_t at, size_t n, int want, size_t wlo, size_t whi)
{
	size_t lo = 77, hi = 77;
	int got = near_window(at, n, &lo, &hi);

	CHECK(got == want && (!want || (lo == wlo && hi == whi)),
	    "at %zu of %zu: %d [%zu, %zu) (want %d [%zu, %zu))", at, n, got, lo, hi, want, wlo, whi);
}

int
main(void)
{
	window(0, 0, 0, 0, 0);
	window(SIZE_MAX, 0, 0, 0, 0);
	window(0, 1, 1, 0, 1);
	window(1, 1, 1, 0, 1);			/* one past the end: the last is near */
	window(2, 1, 1, 0, 1);
	window(3, 1, 0, 0, 0);			/* NEAR_RECORDS + 1 past the end */
	window(50, 100, 1, 48, 53);
	window(1, 100, 1, 0, 4);
	window(98, 100, 1, 96, 100);
	window(101, 100, 1, 99, 100);
	window(102, 100, 0, 0, 0);
	window(SIZE_MAX, 100, 0, 0, 0);		/* a place shifted below 0 */
	window(SIZE_MAX - 1, SIZE_MAX, 1, SIZE_MAX - 3, SIZE_MAX);
	return check_report();
}
