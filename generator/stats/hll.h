/*
 * hll.h — HyperLogLog (Flajolet et al. 2007) with 256 one-byte registers:
 * a distinct count in 256 bytes whatever the input, standard error about
 * 1.04/sqrt(256) = 6.5 %, and exact-looking (linear counting) while the
 * count is small.  Items are 64-bit hashes (hash64.h).
 */
#ifndef ONLY_HLL_H
#define ONLY_HLL_H

#include <stdint.h>

#define HLL_P	8
#define HLL_M	(1u << HLL_P)

struct hll {
	uint8_t	reg[HLL_M];
};

void		hll_add(struct hll *h, uint64_t hash);
uint64_t	hll_count(const struct hll *h);

#endif
