/*
 * test_hex16.c — hex16_put() (generator/base/hex16.h) writes what
 * "%016llx" writes: every nibble value at every place, the ends, and a
 * million values from a fixed generator; nothing past its 16 bytes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "hex16.h"

/* 0 when hex16_put(v) is "%016llx" of v and the bytes around are untouched. */
static int
differs(uint64_t v)
{
	char want[17], got[18];

	snprintf(want, sizeof(want), "%016" PRIx64, v);
	memset(got, '#', sizeof(got));
	hex16_put(got + 1, v);
	return memcmp(got + 1, want, 16) != 0 || got[0] != '#' || got[17] != '#';
}

int
main(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, v;
	size_t bad = 0, i;
	int place, nib;

	CHECK(!differs(0) && !differs(UINT64_MAX) && !differs(0x0123456789abcdefULL) &&
	    !differs(0xfedcba9876543210ULL) && !differs(0x8000000000000000ULL) && !differs(1),
	    "the ends and every digit in order as %%016llx writes them");
	for (place = 0; place < 16; place++)
		for (nib = 0; nib < 16; nib++) {
			bad += differs((uint64_t)nib << (4 * place));
			bad += differs(~((uint64_t)(15 - nib) << (4 * place)));
		}
	CHECK(bad == 0, "every nibble value at every place, among 0s and among fs (%zu differ)", bad);
	for (i = 0, bad = 0; i < 1000000; i++) {
		x ^= x << 13;	/* xorshift64: the same values every run */
		x ^= x >> 7;
		x ^= x << 17;
		v = i % 3 == 0 ? x : i % 3 == 1 ? x >> (i % 64) : x & 0x9999999999999999ULL;
		bad += differs(v);
	}
	CHECK(bad == 0, "a million values as %%016llx writes them (%zu differ)", bad);
	return check_report();
}
