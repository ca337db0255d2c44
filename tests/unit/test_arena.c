/*
 * test_arena.c — the arena (arena.c) as its two kinds of owner use it:
 * a render worker's (blocks reused over a reset, zeroed allocations, the
 * cap, what a reset gives back) and the catalog's rows' and the model's
 * (copies are exact and stay put as blocks are added, arrays are aligned
 * and zeroed, a large request gets a block of its own without wasting the
 * current one, adopting moves every block).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"

enum { N = 50000 };

static void
test_reuse(void)
{
	struct arena a;
	unsigned char *p, *q, *big;
	size_t i, total;
	int zero = 1, aligned = 1;

	arena_init(&a);
	for (i = 0; i < 10000; i++) {
		p = arena_alloc(&a, 1 + i % 100);
		if (p == NULL || ((uintptr_t)p % _Alignof(max_align_t)) != 0)
			aligned = 0;
		if (p != NULL && p[i % 100] != 0)
			zero = 0;
		if (p != NULL)
			memset(p, 0xab, 1 + i % 100);
	}
	CHECK(aligned, "10 000 allocations, each aligned for any object");
	total = a.total;
	arena_reset(&a);
	for (i = 0; i < 10000; i++) {
		p = arena_alloc(&a, 1 + i % 100);
		if (p == NULL || p[i % 100] != 0)
			zero = 0;
		if (p != NULL)
			memset(p, 0xab, 1 + i % 100);
	}
	CHECK(zero, "arena_alloc hands out zeroed bytes, also after a reset");
	CHECK(a.total == total, "the same page again takes no new block (%zu bytes, then %zu)",
	    total, a.total);
	big = arena_alloc(&a, (size_t)3 << 20);
	CHECK(big != NULL && big[(3 << 20) - 1] == 0, "an allocation larger than any block gets one");
	q = arena_alloc(&a, 16);
	CHECK(q != NULL && (q < big || q >= big + ((size_t)3 << 20)), "and later ones do not overlap it");
	CHECK(arena_alloc(&a, ARENA_MAX + 1) == NULL, "past the cap: NULL");
	CHECK(arena_take(&a, ARENA_MAX) == NULL, "the cap counts what is already held");
	/* a large page's tree: kept over a reset (the next page is large too,
	 * as a run of list pages is), given back by a trim */
	big = arena_alloc(&a, ARENA_KEEP + 1);
	total = a.total;
	arena_reset(&a);
	CHECK(big != NULL && a.total == total && a.total > ARENA_KEEP,
	    "a reset keeps every block (%zu bytes held)", a.total);
	big = arena_alloc(&a, ARENA_KEEP + 1);
	CHECK(big != NULL && big[ARENA_KEEP] == 0 && a.total == total,
	    "and the large one serves the same request again, zeroed, with no new block");
	arena_trim(&a);
	CHECK(a.total <= ARENA_KEEP, "a trim gives back what is over %zu bytes (%zu held)",
	    (size_t)ARENA_KEEP, a.total);
	CHECK(arena_strdup(&a, "card") != NULL &&
	    strcmp(arena_strdup(&a, "title & more"), "title & more") == 0, "strdup copies");
	arena_free(&a);
	CHECK(a.head == NULL && a.total == 0, "free releases every block");
}

static void
test_strings(void)
{
	struct arena a;
	char **s, text[64];
	size_t i, bad = 0, packed;
	char *x, *y, *big, *after;

	memset(&a, 0, sizeof(a));
	if ((s = calloc(N, sizeof(*s))) == NULL)
		exit(1);
	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "title %zu%.*s", i, (int)(i % 40), "........................................");
		s[i] = arena_strdup(&a, text);
	}
	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "title %zu%.*s", i, (int)(i % 40), "........................................");
		if (s[i] == NULL || strcmp(s[i], text) != 0)
			bad++;
	}
	CHECK(bad == 0, "%d copies, each intact after every block added (%zu bad)", N, bad);
	CHECK(a.total < (size_t)N * 64 * 2, "held: %zu bytes for %d strings of <= 56 bytes", a.total, N);
	x = arena_strdup(&a, "ab");
	y = arena_strdup(&a, "cd");
	packed = x != NULL && y != NULL && y == x + 3;
	CHECK(packed, "strings are packed end to end (no alignment, no header)");
	x = arena_strndup(&a, "abcdef", 3);
	CHECK(x != NULL && strcmp(x, "abc") == 0, "dupn copies n bytes and ends them");
	CHECK((x = arena_strdup(&a, "")) != NULL && x[0] == '\0', "the empty string");
	y = arena_strdup(&a, "z");
	big = arena_alloc(&a, (size_t)16 << 20);
	after = arena_strdup(&a, "w");
	CHECK(big != NULL && ((uintptr_t)big % _Alignof(max_align_t)) == 0 &&
	    big[((size_t)16 << 20) - 1] == 0, "a request larger than a block: its own, zeroed");
	CHECK(y != NULL && after == y + 2, "and the current block stays current");
	free(s);
	arena_free(&a);
	CHECK(a.head == NULL && a.total == 0, "free releases every block");
	arena_free(&a);	/* accepts a zeroed arena */
}

static void
test_alloc_adopt(void)
{
	struct arena a, b;
	size_t i, *arr = NULL, total;
	int aligned = 1, zero = 1;
	char *sb, *sa;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 1000; i++) {
		(void)arena_strdup(&a, "x");	/* misalign the next one */
		arr = arena_alloc(&a, (1 + i % 9) * sizeof(*arr));
		if (arr == NULL || ((uintptr_t)arr % _Alignof(max_align_t)) != 0)
			aligned = 0;
		else if (arr[i % 9] != 0)
			zero = 0;
		else
			arr[i % 9] = i + 1;
	}
	CHECK(aligned && zero, "arrays aligned for any object, zeroed");
	CHECK(arena_alloc(&a, 0) != NULL, "an empty array is a valid pointer");
	sb = arena_strdup(&b, "from b");
	sa = arena_strdup(&a, "from a");
	total = a.total + b.total;
	arena_adopt(&a, &b);
	CHECK(b.head == NULL && b.total == 0 && a.total == total, "adopt moves every block");
	CHECK(sb != NULL && strcmp(sb, "from b") == 0 && sa != NULL && arena_strdup(&a, "n") ==
	    sa + 7, "adopted strings stay; a's current block stays current");
	arena_adopt(&b, &a);
	CHECK(a.head == NULL && b.total == total, "adopt into an empty arena");
	arena_adopt(&b, &a);	/* an empty one: nothing */
	CHECK(b.total == total, "adopting an empty arena changes nothing");
	CHECK(arena_alloc(&b, ARENA_MAX + 1) == NULL &&
	    arena_strndup(&b, "", SIZE_MAX) == NULL, "past the cap: NULL");
	arena_free(&b);
}

/*
 * arena_mark / arena_rewind: what came before the mark stays, what came
 * after is forgotten and its memory handed out again (a page's cards made
 * one at a time, site_cards.c), across blocks, and the arena does not grow
 * over many rounds.
 */
static void
test_mark_rewind(void)
{
	struct arena a, empty;
	struct arena_mark m, m0;
	char *before, *first = NULL, *p = NULL;
	size_t round, k, total = 0;
	int kept = 1, same = 1;

	arena_init(&a);
	before = arena_strdup(&a, "the page's own data");
	arena_mark(&a, &m);
	for (round = 0; round < 50; round++) {
		arena_rewind(&a, &m);
		/* ~300 kB a round: more than the first block (64 kB) holds */
		for (k = 0; k < 300; k++)
			if ((p = arena_take(&a, 1000)) != NULL)
				memset(p, (int)round, 1000);
		if (round == 0) {
			arena_rewind(&a, &m);
			first = arena_take(&a, 1000);
			arena_rewind(&a, &m);
			total = a.total;
		}
		kept &= before != NULL && strcmp(before, "the page's own data") == 0;
		arena_rewind(&a, &m);
		same &= arena_take(&a, 1000) == first;
	}
	CHECK(kept, "what came before the mark stays, over 50 rewinds");
	CHECK(same && first != NULL, "after a rewind the first block after the mark is handed out again");
	CHECK(a.total == total, "the arena does not grow over the rounds (%zu bytes, %zu after the first)",
	    a.total, total);
	arena_free(&a);

	arena_init(&empty);
	arena_mark(&empty, &m0);
	p = arena_take(&empty, 100);
	arena_rewind(&empty, &m0);
	CHECK(p != NULL && arena_take(&empty, 100) == p,
	    "a mark of an empty arena: the rewind hands out its first block again");
	arena_free(&empty);
}

int
main(void)
{
	test_reuse();
	test_strings();
	test_alloc_adopt();
	test_mark_rewind();
	return check_report();
}
