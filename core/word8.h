/*
 * word8.h — tests on the eight bytes of a 64-bit word at once (SWAR), for
 * the scans that read text eight bytes at a time: the GUID grammar
 * (guid.c) and the content/ group-file scanner (content_scan.c).  Each
 * answer has 0x80 in the bytes that pass, 0 in the others, except where
 * said; where a borrow can mark a byte falsely, it only marks bytes above
 * (more significant than) a true one, so the lowest mark is exact.
 */
#ifndef ONLY_WORD8_H
#define ONLY_WORD8_H

#include <stdint.h>
#include <string.h>

#define WORD8_ONES	0x0101010101010101ULL
#define WORD8_HIGHS	(WORD8_ONES * 0x80)

/* The 8 bytes at p, in memory order (any alignment). */
static inline uint64_t
word8_load(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* Nonzero when a byte of w is c; its lowest mark in the first such byte. */
static inline uint64_t
word8_has(uint64_t w, unsigned char c)
{
	uint64_t v = w ^ (WORD8_ONES * c);

	return (v - WORD8_ONES) & ~v & WORD8_HIGHS;
}

/* Nonzero when a byte of w is below n (n <= 0x80); its lowest mark in the first. */
static inline uint64_t
word8_below(uint64_t w, unsigned char n)
{
	return (w - WORD8_ONES * n) & ~w & WORD8_HIGHS;
}

/*
 * Exactly the bytes of w in [lo, hi], for w whose bytes are all below
 * 0x80 and 0x30 <= lo <= hi < 0x80 (every sum then stays inside its byte:
 * no carry reaches the next).  A byte at 0x80 or more gives anything: the
 * caller refuses those first (w & WORD8_HIGHS).
 */
static inline uint64_t
word8_in(uint64_t w, unsigned lo, unsigned hi)
{
	return (w + WORD8_ONES * (0x80 - lo)) & ~(w + WORD8_ONES * (0x7f - hi)) & WORD8_HIGHS;
}

#endif
