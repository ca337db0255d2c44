/*
 * ratelimit.c — fixed-size token-bucket table.  See ratelimit.h.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ratelimit.h"

int
rl_init(struct ratelimit *rl, size_t slots, double per_min, double burst)
{
	size_t n = RL_PROBE;

	memset(rl, 0, sizeof(*rl));
	if (!(per_min > 0) || !(burst >= 1) || slots > ((size_t)1 << 24))
		return -1;
	while (n < slots)
		n <<= 1;
	if ((rl->slots = calloc(n, sizeof(*rl->slots))) == NULL)
		return -1;
	rl->n = n;
	rl->per_sec = per_min / 60.0;
	rl->burst = burst;
	if (RAND_bytes((unsigned char *)&rl->seed, sizeof(rl->seed)) != 1)
		rl->seed = (uint64_t)(uintptr_t)rl->slots ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

void
rl_free(struct ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
	rl->n = 0;
}

/* The address as a fixed-size key: v4 /32, v6 /64, else a text digest. */
static void
make_key(const char *addr, unsigned char key[RL_KEY])
{
	unsigned char b[16];
	size_t i;
	uint64_t h1 = 1469598103934665603ULL, h2 = 0x84222325cbf29ce4ULL;

	memset(key, 0, RL_KEY);
	if (inet_pton(AF_INET, addr, b) == 1) {
		key[0] = 4;
		memcpy(key + 1, b, 4);
	} else if (inet_pton(AF_INET6, addr, b) == 1) {
		key[0] = 6;
		memcpy(key + 1, b, 8);
	} else {
		for (i = 0; addr[i] != '\0' && i < 256; i++) {
			h1 = (h1 ^ (unsigned char)addr[i]) * 1099511628211ULL;
			h2 = (h2 ^ (unsigned char)addr[i]) * 0x100000001b3ULL + 7;
		}
		key[0] = 0xff;
		memcpy(key + 1, &h1, 7);
		memcpy(key + 8, &h2, 8);
	}
}

/* SplitMix-style keyed mix of the 16 key bytes. */
static uint64_t
hash_key(const unsigned char key[RL_KEY], uint64_t seed)
{
	uint64_t a, b, x;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	x = seed ^ a;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x ^= b;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The bucket's level at now, without touching it. */
static double
level(const struct ratelimit *rl, const struct rl_slot *s, double now)
{
	double t = s->tokens;

	if (now > s->last)
		t += (now - s->last) * rl->per_sec;
	return t > rl->burst ? rl->burst : t;
}

int
rl_take(struct ratelimit *rl, const char *addr, double now, unsigned *retry_after)
{
	unsigned char key[RL_KEY];
	struct rl_slot *s = NULL, *victim = NULL, *c;
	size_t i, h;
	double wait;
	int cfull, vfull;

	make_key(addr, key);
	h = (size_t)hash_key(key, rl->seed);
	for (i = 0; i < RL_PROBE; i++) {
		c = &rl->slots[(h + i) & (rl->n - 1)];
		if (c->used && memcmp(c->key, key, RL_KEY) == 0) {
			s = c;
			break;
		}
		/* Victim preference: a free slot, a refilled one, then LRU. */
		if (victim != NULL && !victim->used)
			continue;
		if (!c->used || victim == NULL) {
			victim = c;
			continue;
		}
		cfull = level(rl, c, now) >= rl->burst;
		vfull = level(rl, victim, now) >= rl->burst;
		if ((cfull && !vfull) || (cfull == vfull && c->last < victim->last))
			victim = c;
	}
	if (s == NULL) {
		s = victim;
		memcpy(s->key, key, RL_KEY);
		s->used = 1;
		s->tokens = rl->burst;
		s->last = now;
	}
	s->tokens = level(rl, s, now);
	if (now > s->last)
		s->last = now;
	if (s->tokens >= 1) {
		s->tokens -= 1;
		return 1;
	}
	wait = (1 - s->tokens) / rl->per_sec;
	if (wait > 86400)
		wait = 86400;
	*retry_after = (unsigned)wait;
	if ((double)*retry_after < wait || *retry_after == 0)
		(*retry_after)++;	/* round up, at least 1 */
	return 0;
}
