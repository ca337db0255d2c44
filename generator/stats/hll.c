/*
 * hll.c — HyperLogLog estimate with the small-range correction (hll.h).
 */
#include <math.h>

#include "hll.h"

void
hll_add(struct hll *h, uint64_t hash)
{
	unsigned idx = (unsigned)(hash >> (64 - HLL_P));
	uint64_t w = (hash << HLL_P) | ((uint64_t)1 << (HLL_P - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(w) + 1);

	if (rank > h->reg[idx])
		h->reg[idx] = rank;
}

uint64_t
hll_count(const struct hll *h)
{
	double m = HLL_M, sum = 0, e;
	unsigned i, zeros = 0;

	for (i = 0; i < HLL_M; i++) {
		sum += ldexp(1.0, -h->reg[i]);
		zeros += h->reg[i] == 0;
	}
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros > 0)
		e = m * log(m / zeros);
	return (uint64_t)llround(e);
}
