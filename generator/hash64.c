/*
 * hash64.c — 8-bytes-at-a-time multiply/rotate hash with a murmur3
 * finaliser.  See hash64.h.
 */
#include <string.h>

#include "hash64.h"

#define P1 0x9E3779B97F4A7C15ULL
#define P2 0xC2B2AE3D27D4EB4FULL

static uint64_t
fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

uint64_t
h64(uint64_t seed, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (P1 * (uint64_t)(n + 1));
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h ^= rotl(w * P2, 31) * P1;
		h = rotl(h, 27) * 5 + 0x52dce729;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h ^= rotl((w ^ n) * P2, 31) * P1;
	return fmix(h);
}

uint64_t
h64_str(uint64_t seed, const char *s)
{
	return h64(seed, s, strlen(s) + 1);
}

uint64_t
h64_int(uint64_t seed, int64_t v)
{
	return h64(seed, &v, sizeof(v));
}
