/*
 * str_arena.c — blocks bumped through, freed all at once (str_arena.h).
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "str_arena.h"

/* The first block; each next one doubles the arena, up to BLOCK_MAX. */
#define BLOCK_MIN	((size_t)64 << 10)
#define BLOCK_MAX	((size_t)4 << 20)

struct str_block {
	struct str_block	*next;	/* an older block */
	size_t			 size;	/* bytes of data[] */
	size_t			 used;
	alignas(max_align_t) unsigned char data[];
};

/*
 * n bytes from a new block at the head, which becomes the current block
 * (the old head's free tail is given up).  A request larger than the next
 * block size gets a block of its own, put behind the head so the head's
 * tail stays in use.
 */
static void *
new_block(struct str_arena *a, size_t n)
{
	struct str_block *b;
	size_t size = a->total < BLOCK_MIN ? BLOCK_MIN : a->total;

	if (size > BLOCK_MAX)
		size = BLOCK_MAX;
	if (size < n)
		size = n;
	if (a->total > STR_ARENA_MAX || size > STR_ARENA_MAX - a->total ||
	    (b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->size = size;
	b->used = n;
	a->total += size;
	if (size == n && a->head != NULL) {
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = a->head;
		a->head = b;
	}
	return b->data;
}

/* n bytes at an offset of the current block that is a multiple of align. */
static void *
take(struct str_arena *a, size_t n, size_t align)
{
	struct str_block *b = a->head;
	size_t at;

	if (n > STR_ARENA_MAX)
		return NULL;
	if (b != NULL) {
		at = (b->used + align - 1) & ~(align - 1);
		if (at <= b->size && b->size - at >= n) {
			b->used = at + n;
			return b->data + at;
		}
	}
	return new_block(a, n);
}

char *
str_arena_dupn(struct str_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = take(a, n + 1, 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
str_arena_dup(struct str_arena *a, const char *s)
{
	return str_arena_dupn(a, s, strlen(s));
}

void *
str_arena_alloc(struct str_arena *a, size_t n)
{
	void *p = take(a, n, alignof(max_align_t));

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void
str_arena_adopt(struct str_arena *a, struct str_arena *from)
{
	struct str_block *last;

	if (from->head == NULL)
		return;
	if (a->head == NULL) {
		*a = *from;
	} else {
		/* from's blocks go behind a's current one, which stays current */
		for (last = from->head; last->next != NULL; last = last->next)
			;
		last->next = a->head->next;
		a->head->next = from->head;
		a->total += from->total;
	}
	memset(from, 0, sizeof(*from));
}

void
str_arena_free(struct str_arena *a)
{
	struct str_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	memset(a, 0, sizeof(*a));
}
