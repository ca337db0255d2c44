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

void
h64_begin(struct h64_stream *st, uint64_t seed, uint64_t total)
{
	st->h = seed ^ (P1 * (total + 1));
	st->tail = 0;
}

/* Mixes in the whole 8-byte words of p; returns the bytes consumed. */
static size_t
words(uint64_t *hp, const unsigned char *s, size_t n)
{
	uint64_t h = *hp, w;
	size_t done = 0;

	while (n - done >= 8) {
		memcpy(&w, s + done, 8);
		h ^= rotl(w * P2, 31) * P1;
		h = rotl(h, 27) * 5 + 0x52dce729;
		done += 8;
	}
	*hp = h;
	return done;
}

void
h64_update(struct h64_stream *st, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t take;

	if (st->tail > 0) {
		take = 8 - st->tail < n ? 8 - st->tail : n;
		memcpy(st->buf + st->tail, s, take);
		st->tail += take;
		s += take;
		n -= take;
		if (st->tail < 8)
			return;
		words(&st->h, st->buf, 8);
		st->tail = 0;
	}
	take = words(&st->h, s, n);
	memcpy(st->buf, s + take, n - take);
	st->tail = n - take;
}

uint64_t
h64_end(struct h64_stream *st)
{
	uint64_t w = 0, h = st->h;

	memcpy(&w, st->buf, st->tail);
	h ^= rotl((w ^ st->tail) * P2, 31) * P1;
	return fmix(h);
}

uint64_t
h64(uint64_t seed, const void *p, size_t n)
{
	struct h64_stream st;

	h64_begin(&st, seed, n);
	h64_update(&st, p, n);
	return h64_end(&st);
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
