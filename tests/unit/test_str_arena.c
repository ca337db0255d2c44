/*
 * test_str_arena.c — the arena of the catalog's rows and the model's
 * videos (str_arena.c): copies are exact and stay put as blocks are added,
 * arrays are aligned and zeroed, a large request gets a block of its own
 * without wasting the current one, adopting moves every block, and the cap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "str_arena.h"

enum { N = 50000 };

static void
test_strings(void)
{
	struct str_arena a;
	char **s, text[64];
	size_t i, bad = 0, packed;
	char *x, *y, *big, *after;

	memset(&a, 0, sizeof(a));
	if ((s = calloc(N, sizeof(*s))) == NULL)
		exit(1);
	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "title %zu%.*s", i, (int)(i % 40), "........................................");
		s[i] = str_arena_dup(&a, text);
	}
	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "title %zu%.*s", i, (int)(i % 40), "........................................");
		if (s[i] == NULL || strcmp(s[i], text) != 0)
			bad++;
	}
	CHECK(bad == 0, "%d copies, each intact after every block added (%zu bad)", N, bad);
	CHECK(a.total < (size_t)N * 64 * 2, "held: %zu bytes for %d strings of <= 56 bytes", a.total, N);
	x = str_arena_dup(&a, "ab");
	y = str_arena_dup(&a, "cd");
	packed = x != NULL && y != NULL && y == x + 3;
	CHECK(packed, "strings are packed end to end (no alignment, no header)");
	x = str_arena_dupn(&a, "abcdef", 3);
	CHECK(x != NULL && strcmp(x, "abc") == 0, "dupn copies n bytes and ends them");
	CHECK((x = str_arena_dup(&a, "")) != NULL && x[0] == '\0', "the empty string");
	y = str_arena_dup(&a, "z");
	big = str_arena_alloc(&a, (size_t)16 << 20);
	after = str_arena_dup(&a, "w");
	CHECK(big != NULL && ((uintptr_t)big % _Alignof(max_align_t)) == 0 &&
	    big[((size_t)16 << 20) - 1] == 0, "a request larger than a block: its own, zeroed");
	CHECK(y != NULL && after == y + 2, "and the current block stays current");
	free(s);
	str_arena_free(&a);
	CHECK(a.head == NULL && a.total == 0, "free releases every block");
	str_arena_free(&a);	/* accepts a zeroed arena */
}

static void
test_alloc_adopt(void)
{
	struct str_arena a, b;
	size_t i, *arr = NULL, total;
	int aligned = 1, zero = 1;
	char *sb, *sa;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 1000; i++) {
		(void)str_arena_dup(&a, "x");	/* misalign the next one */
		arr = str_arena_alloc(&a, (1 + i % 9) * sizeof(*arr));
		if (arr == NULL || ((uintptr_t)arr % _Alignof(max_align_t)) != 0)
			aligned = 0;
		else if (arr[i % 9] != 0)
			zero = 0;
		else
			arr[i % 9] = i + 1;
	}
	CHECK(aligned && zero, "arrays aligned for any object, zeroed");
	CHECK(str_arena_alloc(&a, 0) != NULL, "an empty array is a valid pointer");
	sb = str_arena_dup(&b, "from b");
	sa = str_arena_dup(&a, "from a");
	total = a.total + b.total;
	str_arena_adopt(&a, &b);
	CHECK(b.head == NULL && b.total == 0 && a.total == total, "adopt moves every block");
	CHECK(sb != NULL && strcmp(sb, "from b") == 0 && sa != NULL && str_arena_dup(&a, "n") ==
	    sa + 7, "adopted strings stay; a's current block stays current");
	str_arena_adopt(&b, &a);
	CHECK(a.head == NULL && b.total == total, "adopt into an empty arena");
	str_arena_adopt(&b, &a);	/* an empty one: nothing */
	CHECK(b.total == total, "adopting an empty arena changes nothing");
	CHECK(str_arena_alloc(&b, STR_ARENA_MAX + 1) == NULL &&
	    str_arena_dupn(&b, "", SIZE_MAX) == NULL, "past the cap: NULL");
	str_arena_free(&b);
}

int
main(void)
{
	test_strings();
	test_alloc_adopt();
	return check_report();
}
