/*
 * site_arena.c — a worker's reusable storage for a page's data tree
 * (site_arena.h): blocks of 64 KiB and up, bumped through, kept over a
 * reset.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site_arena.h"

#define BLOCK_MIN	((size_t)64 << 10)

struct arena_block {
	struct arena_block	*next;
	size_t			 size;	/* bytes of data[] */
	size_t			 used;
	alignas(max_align_t) unsigned char data[];
};

void
site_arena_init(struct site_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void
site_arena_init_blocks(struct site_arena *a, size_t block_max)
{
	memset(a, 0, sizeof(*a));
	a->block_max = block_max;
}

static void
free_from(struct arena_block *b)
{
	struct arena_block *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

void
site_arena_reset(struct site_arena *a)
{
	if (a->total > SITE_ARENA_KEEP && a->head != NULL) {
		/* one huge page: keep the first block only */
		free_from(a->head->next);
		a->head->next = NULL;
		a->total = a->head->size;
	}
	a->cur = a->head;
	if (a->cur != NULL)
		a->cur->used = 0;
}

void
site_arena_free(struct site_arena *a)
{
	free_from(a->head);
	memset(a, 0, sizeof(*a));
}

/* A new block of at least n bytes after a->cur (or first); NULL past the cap. */
static struct arena_block *
add_block(struct site_arena *a, size_t n)
{
	struct arena_block *b;
	size_t size = a->total < BLOCK_MIN ? BLOCK_MIN : a->total;	/* doubles the arena */

	if (a->block_max != 0 && size > a->block_max)
		size = a->block_max;
	if (size < n)
		size = n;
	if (size > SITE_ARENA_MAX - a->total)
		size = SITE_ARENA_MAX - a->total;
	if (size < n || (b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->size = size;
	b->used = 0;
	if (a->cur == NULL) {
		b->next = a->head;
		a->head = b;
	} else {
		b->next = a->cur->next;
		a->cur->next = b;
	}
	a->total += size;
	return b;
}

void *
site_arena_take(struct site_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->cur;
	void *p;

	if (n > SITE_ARENA_MAX)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	while (b == NULL || b->size - b->used < n) {
		if (b != NULL && b->next != NULL && b->next->size >= n) {
			b = b->next;	/* a block kept from an earlier page */
			b->used = 0;
		} else if ((b = add_block(a, n)) == NULL)
			return NULL;
		a->cur = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

void *
site_arena_alloc(struct site_arena *a, size_t n)
{
	void *p = site_arena_take(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
site_arena_strdup(struct site_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = site_arena_take(a, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}
