/*
 * ratelimit.h — the redeem rate limit: per address, per network, and a
 * global budget of failed attempts.  No table churn can reset it.
 *
 * Three GCRA limits (each remembers a "theoretical arrival time", TAT: an
 * attempt at `now` is allowed while TAT <= now + (burst - 1) * period, and
 * moves TAT to max(TAT, now) + period; so at most burst + elapsed / period
 * attempts pass in any window, from any starting state):
 *
 *   address  IPv4 /32, IPv6 /64         every attempt      rl_take()
 *   network  IPv4 /24, IPv6 /56          every attempt      rl_take()
 *   global   one cell for the process    failed attempts    rl_fail()
 *
 * An IPv4-mapped IPv6 address counts as its IPv4 address (netaddr.h); any
 * other text (not expected from lighttpd) is keyed by its bytes.
 *
 * The address and network limits live in count-min sketches: RL_ROWS rows
 * of `cells` TATs each, a key's cell in a row chosen by a hash keyed with a
 * per-process random seed.  A key's TAT is read as the least of its cells
 * and written back with max() into all of them, so every cell stays at or
 * above the TAT of every key that hashes there: a collision can only make a
 * key's limit stricter, never give it a fresh burst, and nothing is ever
 * evicted.  A key nobody has used starts with its burst, as it must for a
 * new viewer; what bounds an attacker with many addresses is the network
 * limit, and with many networks the global budget of failures (the price:
 * once an attacker spends it, every viewer's redeem waits with them).
 *
 * One allocation at rl_init(); rl_take/rl_fail allocate nothing.
 */
#ifndef ONLY_RATELIMIT_H
#define ONLY_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RL_ROWS		2
#define RL_LEVELS	2	/* address, network */

struct rl_config {
	size_t		 cells;		/* per row and level; power of two */
	double		 per_min, burst;		/* per address */
	double		 net_per_min, net_burst;	/* per network */
	double		 fail_per_min, fail_burst;	/* global, failures */
};

struct rl_gcra {
	double		 period;	/* seconds per attempt */
	double		 tau;		/* (burst - 1) * period */
};

struct ratelimit {
	double		*tat;		/* [RL_LEVELS][RL_ROWS][n] */
	size_t		 n;
	struct rl_gcra	 lim[RL_LEVELS];
	struct rl_gcra	 fail;
	double		 fail_tat;
	uint64_t	 seed[RL_ROWS];
};

/* Defaults (docs/verifier.md has the arithmetic). */
#define RL_DEF_CELLS		4096
#define RL_DEF_PER_MIN		10.0
#define RL_DEF_BURST		5.0
#define RL_DEF_NET_PER_MIN	20.0
#define RL_DEF_NET_BURST	20.0
#define RL_DEF_FAIL_PER_MIN	10.0
#define RL_DEF_FAIL_BURST	20.0

/*
 * Allocates the tables: cells rounded up to a power of two (16 .. 2^24).
 * Every rate must be > 0 and every burst >= 1.  Returns 0, or -1 on bad
 * settings or no memory.
 */
int	rl_init(struct ratelimit *rl, const struct rl_config *c);
void	rl_free(struct ratelimit *rl);

/*
 * One redeem attempt from addr at time now (seconds, a monotonic clock).
 * Allowed when the address and the network each have an attempt left and
 * the global budget has a failure left; then the address and the network
 * are charged (the global budget only by rl_fail()).  Returns 1 when
 * allowed, 0 when limited, with *retry_after the whole seconds until every
 * limit that refused has room again (at least 1, at most a day).
 */
int	rl_take(struct ratelimit *rl, const char *addr, double now,
	    unsigned *retry_after);

/* Charges the global budget with one failed attempt (an invalid code). */
void	rl_fail(struct ratelimit *rl, double now);

#endif
