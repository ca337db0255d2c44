/*
 * ratelimit.c — GCRA limits in count-min tables.  See ratelimit.h.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "netaddr.h"
#include "ratelimit.h"

#define RL_KEY	17

enum { L_ADDR, L_NET };

static int
gcra_set(struct rl_gcra *g, double per_min, double burst)
{
	if (!(per_min > 0) || !(burst >= 1) || per_min > 1e9 || burst > 1e9)
		return -1;
	g->period = 60.0 / per_min;
	g->tau = (burst - 1) * g->period;
	return 0;
}

int
rl_init(struct ratelimit *rl, const struct rl_config *c)
{
	size_t n = 16, i;

	memset(rl, 0, sizeof(*rl));
	if (c->cells > ((size_t)1 << 24) ||
	    gcra_set(&rl->lim[L_ADDR], c->per_min, c->burst) != 0 ||
	    gcra_set(&rl->lim[L_NET], c->net_per_min, c->net_burst) != 0 ||
	    gcra_set(&rl->fail, c->fail_per_min, c->fail_burst) != 0)
		return -1;
	while (n < c->cells)
		n <<= 1;
	/* calloc: every TAT 0, i.e. in the past of any monotonic clock. */
	if ((rl->tat = calloc((size_t)RL_LEVELS * RL_ROWS * n, sizeof(*rl->tat))) == NULL)
		return -1;
	rl->n = n;
	if (RAND_bytes((unsigned char *)rl->seed, sizeof(rl->seed)) != 1)
		for (i = 0; i < RL_ROWS; i++)
			rl->seed[i] = ((uint64_t)(uintptr_t)rl->tat + i) * 0x9e3779b97f4a7c15ULL;
	return 0;
}

void
rl_free(struct ratelimit *rl)
{
	free(rl->tat);
	rl->tat = NULL;
	rl->n = 0;
}

/*
 * The key of addr at a level: a tag byte (level and family), then the
 * address's first 8 (IPv6 /64) or 4 (IPv4 /32) bytes, or 7 and 3 for the
 * network (/56, /24); anything else by a 128-bit FNV-style digest of its text.
 */
static void
make_key(const char *addr, int level, unsigned char key[RL_KEY])
{
	struct netaddr a;
	uint64_t h1 = 1469598103934665603ULL, h2 = 0x84222325cbf29ce4ULL;
	size_t i;

	memset(key, 0, RL_KEY);
	if (netaddr_parse(addr, &a) == 0) {
		key[0] = (unsigned char)(level << 4 | a.fam);
		if (a.fam == 4)
			memcpy(key + 1, a.b, level == L_ADDR ? 4 : 3);
		else
			memcpy(key + 1, a.b, level == L_ADDR ? 8 : 7);
		return;
	}
	for (i = 0; addr[i] != '\0' && i < 256; i++) {
		h1 = (h1 ^ (unsigned char)addr[i]) * 1099511628211ULL;
		h2 = (h2 ^ (unsigned char)addr[i]) * 0x100000001b3ULL + 7;
	}
	key[0] = (unsigned char)(level << 4 | 0xf);
	memcpy(key + 1, &h1, 8);
	memcpy(key + 9, &h2, 8);
}

/* SplitMix-style keyed mix of the key bytes. */
static uint64_t
hash_key(const unsigned char key[RL_KEY], uint64_t seed)
{
	uint64_t a, b, x;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	x = seed ^ a;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x ^= b ^ ((uint64_t)key[16] << 56);
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	x ^= seed >> 7;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 31);
}

/* A key's cells at a level, and its TAT: the least of them. */
static double
lookup(const struct ratelimit *rl, int level, const char *addr, double *cell[RL_ROWS])
{
	unsigned char key[RL_KEY];
	double tat = 0;
	size_t r;

	make_key(addr, level, key);
	for (r = 0; r < RL_ROWS; r++) {
		cell[r] = &rl->tat[((size_t)level * RL_ROWS + r) * rl->n +
		    (size_t)(hash_key(key, rl->seed[r]) & (rl->n - 1))];
		if (r == 0 || *cell[r] < tat)
			tat = *cell[r];
	}
	return tat;
}

/* Seconds until a limit at tat admits one more attempt (<= 0: now). */
static double
wait_for(const struct rl_gcra *g, double tat, double now)
{
	return tat - g->tau - now;
}

int
rl_take(struct ratelimit *rl, const char *addr, double now, unsigned *retry_after)
{
	double *cell[RL_LEVELS][RL_ROWS], tat[RL_LEVELS], w, wait = 0, next;
	size_t l, r;

	if (addr == NULL)
		addr = "";
	for (l = 0; l < RL_LEVELS; l++) {
		tat[l] = lookup(rl, (int)l, addr, cell[l]);
		if ((w = wait_for(&rl->lim[l], tat[l], now)) > wait)
			wait = w;
	}
	if ((w = wait_for(&rl->fail, rl->fail_tat, now)) > wait)
		wait = w;
	if (wait > 0) {
		if (wait > 86400)
			wait = 86400;
		*retry_after = (unsigned)wait;
		if ((double)*retry_after < wait || *retry_after == 0)
			(*retry_after)++;	/* round up, at least 1 */
		return 0;
	}
	for (l = 0; l < RL_LEVELS; l++) {
		next = (tat[l] > now ? tat[l] : now) + rl->lim[l].period;
		for (r = 0; r < RL_ROWS; r++)
			if (*cell[l][r] < next)
				*cell[l][r] = next;
	}
	return 1;
}

void
rl_fail(struct ratelimit *rl, double now)
{
	rl->fail_tat = (rl->fail_tat > now ? rl->fail_tat : now) + rl->fail.period;
}
