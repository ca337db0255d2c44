/*
 * test_strmap.c — the string -> index hash table of generator/base:
 * lookups before and after growth, absent keys, keys that share a bucket,
 * and a large map against the array it indexes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "strmap.h"

#define N	50000

int
main(void)
{
	struct strmap m = { 0 };
	static char keys[N][16];
	size_t i, wrong = 0;

	CHECK(strmap_get(&m, "x") == -1, "an empty (zeroed) map holds nothing");
	CHECK(strmap_put(&m, "", 7) == 0 && strmap_get(&m, "") == 7, "the empty string is a key");
	CHECK(strmap_get(&m, "a") == -1, "an absent key: -1");
	strmap_free(&m);
	CHECK(m.cap == 0 && m.n == 0 && strmap_get(&m, "") == -1, "free leaves a zeroed map");
	strmap_free(&m);	/* twice: accepted */

	for (i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i * 7919);
		if (strmap_put(&m, keys[i], i) != 0)
			wrong++;
	}
	CHECK(wrong == 0 && m.n == N, "%d keys put (n %zu)", N, m.n);
	CHECK(m.cap >= 2 * m.n && (m.cap & (m.cap - 1)) == 0,
	    "grown by doubling, at most half full (cap %zu)", m.cap);
	for (i = wrong = 0; i < N; i++)
		if (strmap_get(&m, keys[i]) != (long)i)
			wrong++;
	CHECK(wrong == 0, "every key finds its index after growing (%zu wrong)", wrong);
	for (i = wrong = 0; i < 1000; i++) {
		char k[24];

		snprintf(k, sizeof(k), "k%zu", i * 7919 + 1);
		if (strmap_get(&m, k) != -1)
			wrong++;
	}
	CHECK(wrong == 0, "1000 absent keys are absent");
	{
		/* Lookups compare the strings, not their addresses. */
		char copy[16];
		snprintf(copy, sizeof(copy), "%s", keys[123]);
		CHECK(strmap_get(&m, copy) == 123, "a copy of a key finds it");
	}
	strmap_free(&m);
	return check_report();
}
