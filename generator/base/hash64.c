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

/*
 * The pieces are often a few bytes (a sitemap part is hashed a dozen
 * pieces a URL as it is formatted): the bytes of an unfinished word are
 * moved one by one (at most 7), not by a memcpy call each.
 */
void
h64_update(struct h64_stream *st, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t take, i;

	if (st->tail > 0) {
		take = 8 - st->tail < n ? 8 - st->tail : n;
		for (i = 0; i < take; i++)
			st->buf[st->tail + i] = s[i];
		st->tail += take;
		s += take;
		n -= take;
		if (st->tail < 8)
			return;
		words(&st->h, st->buf, 8);
		st->tail = 0;
	}
	take = words(&st->h, s, n);
	for (i = 0; i < n - take; i++)
		st->buf[i] = s[take + i];
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

/*
 * h64, h64_str and h64_int give what the stream gives (test_hash64 pins
 * both to the same vectors), in one loop without the stream's tail buffer:
 * page keys hash a few million short strings per build.
 */
static uint64_t
tail_word(const unsigned char *s, size_t n)
{
	unsigned char t[8] = { 0 };
	uint64_t w;

	switch (n) {	/* n < 8; as memcpy(&w, s, n) into a zeroed word */
	case 7: t[6] = s[6]; /* FALLTHROUGH */
	case 6: t[5] = s[5]; /* FALLTHROUGH */
	case 5: t[4] = s[4]; /* FALLTHROUGH */
	case 4: t[3] = s[3]; /* FALLTHROUGH */
	case 3: t[2] = s[2]; /* FALLTHROUGH */
	case 2: t[1] = s[1]; /* FALLTHROUGH */
	case 1: t[0] = s[0]; /* FALLTHROUGH */
	default: break;
	}
	memcpy(&w, t, 8);
	return w;
}

uint64_t
h64(uint64_t seed, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (P1 * (n + 1)), w;
	size_t i;

	for (i = 0; n - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		h ^= rotl(w * P2, 31) * P1;
		h = rotl(h, 27) * 5 + 0x52dce729;
	}
	h ^= rotl((tail_word(s + i, n - i) ^ (n - i)) * P2, 31) * P1;
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
	uint64_t h = seed ^ (P1 * 9), w;

	memcpy(&w, &v, 8);
	h ^= rotl(w * P2, 31) * P1;
	h = rotl(h, 27) * 5 + 0x52dce729;
	/* the empty tail mixes rotl(0 * P2, 31) * P1 = 0 */
	return fmix(h);
}

/* One lane's step over the 8 bytes at s. */
static inline uint64_t
lane(uint64_t v, const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return rotl(v + w * P2, 31) * P1;
}

void
h64_sum_begin(struct h64_sum_stream *st, uint64_t seed)
{
	st->v[0] = seed + P1 + P2;
	st->v[1] = seed + P2;
	st->v[2] = seed;
	st->v[3] = seed - P1;
	st->total = 0;
	st->tail = 0;
}

void
h64_sum_update(struct h64_sum_stream *st, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t take;
	int k;

	st->total += n;
	if (st->tail > 0) {
		take = 32 - st->tail < n ? 32 - st->tail : n;
		memcpy(st->buf + st->tail, s, take);
		st->tail += take;
		s += take;
		n -= take;
		if (st->tail < 32)
			return;
		for (k = 0; k < 4; k++)
			st->v[k] = lane(st->v[k], st->buf + 8 * k);
		st->tail = 0;
	}
	if (n >= 32) {
		/* the lanes in registers for the bulk of a region */
		uint64_t v0 = st->v[0], v1 = st->v[1], v2 = st->v[2], v3 = st->v[3];

		for (; n >= 32; s += 32, n -= 32) {
			v0 = lane(v0, s);
			v1 = lane(v1, s + 8);
			v2 = lane(v2, s + 16);
			v3 = lane(v3, s + 24);
		}
		st->v[0] = v0;
		st->v[1] = v1;
		st->v[2] = v2;
		st->v[3] = v3;
	}
	memcpy(st->buf, s, n);
	st->tail = n;
}

uint64_t
h64_sum_end(const struct h64_sum_stream *st)
{
	uint64_t h = rotl(st->v[0], 1) + rotl(st->v[1], 7) + rotl(st->v[2], 12) +
	    rotl(st->v[3], 18);

	/* the length, then the last bytes (under a stripe) through h64 */
	return h64(h ^ (P1 * (st->total + 1)), st->buf, st->tail);
}

uint64_t
h64_sum(uint64_t seed, const void *p, size_t n)
{
	struct h64_sum_stream st;

	h64_sum_begin(&st, seed);
	h64_sum_update(&st, p, n);
	return h64_sum_end(&st);
}
