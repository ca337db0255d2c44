/*
 * radix_sort.c — see radix_sort.h.
 */
#include <stdlib.h>
#include <string.h>

#include "radix_sort.h"

int
radix_sort_u64(uint64_t *key, size_t *val, size_t n)
{
	uint64_t *k = key, *kt, *ks;
	size_t *v = val, *vt = NULL, *vs, cnt[256], i, d, c;
	unsigned shift;

	if (n < 2)
		return 0;
	if ((kt = malloc(n * sizeof(*kt))) == NULL ||
	    (val != NULL && (vt = malloc(n * sizeof(*vt))) == NULL)) {
		free(kt);
		return -1;
	}
	for (shift = 0; shift < 64; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(k[i] >> shift) & 0xff]++;
		if (cnt[(k[0] >> shift) & 0xff] == n)
			continue;	/* one value of this byte: the order stands */
		for (i = 0, d = 0; i < 256; i++) {
			c = cnt[i];
			cnt[i] = d;
			d += c;
		}
		for (i = 0; i < n; i++) {
			d = cnt[(k[i] >> shift) & 0xff]++;
			kt[d] = k[i];
			if (v != NULL)
				vt[d] = v[i];
		}
		ks = k, k = kt, kt = ks;
		vs = v, v = vt, vt = vs;
	}
	if (k != key) {
		memcpy(key, k, n * sizeof(*key));
		if (val != NULL)
			memcpy(val, v, n * sizeof(*val));
	}
	/* kt (and vt) are now the buffers that are not key (val) */
	free(k != key ? k : kt);
	free(val == NULL ? NULL : (v != val ? v : vt));
	return 0;
}
