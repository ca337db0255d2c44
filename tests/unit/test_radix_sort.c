/*
 * test_radix_sort.c — radix_sort_u64 against a stable reference sort
 * (insertion order kept among equal keys), with and without values, on
 * keys that vary in every byte, in a few bytes, in none, and at sizes
 * around the edges (0, 1, 2).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "radix_sort.h"

#define N_MAX	5000

struct pair {
	uint64_t	key;
	size_t		val;
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->val < y->val ? -1 : (x->val > y->val);	/* stable: by position */
}

static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 1 when radix_sort_u64 of key[0..n) (values 0..n-1) matches the reference. */
static int
same_as_reference(const uint64_t *in, size_t n, int with_val)
{
	static uint64_t key[N_MAX];
	static size_t val[N_MAX];
	static struct pair ref[N_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		key[i] = in[i];
		val[i] = i;
		ref[i].key = in[i];
		ref[i].val = i;
	}
	qsort(ref, n, sizeof(*ref), pair_cmp);
	if (radix_sort_u64(key, with_val ? val : NULL, n) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (key[i] != ref[i].key || (with_val && val[i] != ref[i].val))
			return 0;
	return 1;
}

int
main(void)
{
	static uint64_t in[N_MAX];
	static const size_t sizes[] = { 0, 1, 2, 3, 255, 256, 257, N_MAX };
	uint64_t s = 0x9E3779B97F4A7C15ULL;
	size_t i, z;
	int w;

	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		size_t n = sizes[z];

		for (w = 0; w < 2; w++) {
			for (i = 0; i < n; i++)
				in[i] = next(&s);
			CHECK(same_as_reference(in, n, w), "n=%zu, every byte varies, values %d", n, w);
			for (i = 0; i < n; i++)
				in[i] = next(&s) % 7;	/* many ties: stability shows */
			CHECK(same_as_reference(in, n, w), "n=%zu, 7 keys, values %d", n, w);
			for (i = 0; i < n; i++)
				in[i] = (next(&s) & 0xff00ff0000000000ULL) | 0x42;	/* two bytes vary */
			CHECK(same_as_reference(in, n, w), "n=%zu, two bytes vary, values %d", n, w);
			for (i = 0; i < n; i++)
				in[i] = UINT64_MAX;	/* no byte varies: nothing moves */
			CHECK(same_as_reference(in, n, w), "n=%zu, one key, values %d", n, w);
			for (i = 0; i < n; i++)
				in[i] = n - i;	/* descending */
			CHECK(same_as_reference(in, n, w), "n=%zu, descending, values %d", n, w);
		}
	}
	return check_report();
}
