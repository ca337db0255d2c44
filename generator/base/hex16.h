/*
 * hex16.h — a 64-bit value as 16 lower-case hex digits, as "%016llx" would
 * write them (no NUL), without a loop a digit: the site manifest writes two
 * a line (204 715 lines at 100 000 videos, every build that changes a
 * page), the images their cache key once a video.  Each 32-bit half's
 * nibbles are spread one a byte, turned into digits all at once (a byte
 * above 9 takes 'a' - '0' - 10 more), and put in order.
 */
#ifndef ONLY_HEX16_H
#define ONLY_HEX16_H

#include <stdint.h>
#include <string.h>

/* The 8 digits of x, most significant first, as the bytes of a word in memory order. */
static inline uint64_t
hex8_word(uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t b = x, above9;

	b = (b | b << 16) & 0x0000ffff0000ffffULL;
	b = (b | b << 8) & 0x00ff00ff00ff00ffULL;
	b = (b | b << 4) & 0x0f0f0f0f0f0f0f0fULL;	/* byte i: nibble i */
	above9 = ((b + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
	b += 0x3030303030303030ULL + above9 * ('a' - '0' - 10);
	return __builtin_bswap64(b);	/* nibble 7 first */
#else
	char d[8];
	uint64_t w;
	int i;

	for (i = 7; i >= 0; i--, x >>= 4)
		d[i] = "0123456789abcdef"[x & 15];
	memcpy(&w, d, 8);
	return w;
#endif
}

/* v as 16 lower-case hex digits at s (16 bytes, no NUL). */
static inline void
hex16_put(char *s, uint64_t v)
{
	uint64_t hi = hex8_word((uint32_t)(v >> 32)), lo = hex8_word((uint32_t)v);

	memcpy(s, &hi, 8);
	memcpy(s + 8, &lo, 8);
}

#endif
