/*
 * ratelimit.h — token buckets per client address in a fixed-size table.
 *
 * Each address (IPv4 /32, IPv6 /64, anything else by its text) has a bucket
 * of `burst` attempts refilled at `per_min` a minute.  The table never grows:
 * a key hashes (keyed with a random seed, so collisions cannot be aimed) to
 * RL_PROBE neighbouring slots; a new address takes a free or refilled slot
 * there, or else evicts the least recently used one, which at worst hands an
 * address that had been quiet its burst again.  One allocation at init.
 */
#ifndef ONLY_RATELIMIT_H
#define ONLY_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RL_PROBE	8
#define RL_KEY		16

struct rl_slot {
	unsigned char	key[RL_KEY];
	uint8_t		used;
	double		tokens;
	double		last;		/* seconds, caller's monotonic clock */
};

struct ratelimit {
	struct rl_slot	*slots;
	size_t		 n;		/* a power of two */
	double		 per_sec;
	double		 burst;
	uint64_t	 seed;
};

/*
 * Allocates a table of at least `slots` slots (rounded up to a power of two,
 * at least RL_PROBE).  Returns 0, or -1 on bad arguments or no memory.
 */
int	rl_init(struct ratelimit *rl, size_t slots, double per_min, double burst);
void	rl_free(struct ratelimit *rl);

/*
 * Takes one attempt for addr at time now (seconds).  Returns 1 when allowed,
 * 0 when limited, with *retry_after set to the whole seconds until the next
 * attempt is allowed (at least 1).
 */
int	rl_take(struct ratelimit *rl, const char *addr, double now,
	    unsigned *retry_after);

#endif
