/*
 * arena.c — blocks bumped through, kept over a reset, freed all at once
 * (arena.h).
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "huge_pages.h"

#define BLOCK_MIN	((size_t)64 << 10)

struct arena_block {
	struct arena_block	*next;
	size_t			 size;	/* bytes of data[] */
	size_t			 used;
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
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
arena_reset(struct arena *a)
{
	a->cur = a->head;
	if (a->cur != NULL)
		a->cur->used = 0;
}

void
arena_trim(struct arena *a)
{
	if (a->total > ARENA_KEEP && a->head != NULL) {
		/* one huge page: keep the first block only, unless it is one
		 * sized for a single large request */
		if (a->head->size > ARENA_KEEP) {
			free_from(a->head);
			a->head = NULL;
			a->total = 0;
		} else {
			free_from(a->head->next);
			a->head->next = NULL;
			a->total = a->head->size;
		}
	}
	arena_reset(a);
}

void
arena_free(struct arena *a)
{
	free_from(a->head);
	arena_init(a);
}

/*
 * A new block holding n bytes from its start.  It follows a->cur and
 * becomes current, unless it is sized for this request alone (larger than
 * the next block would be): then it goes in front, and the current block's
 * free tail stays in use.
 */
static void *
add_block(struct arena *a, size_t n)
{
	struct arena_block *b;
	size_t size = a->total < BLOCK_MIN ? BLOCK_MIN : a->total;	/* doubles the arena */

	if (size < n)
		size = n;
	if (a->total > ARENA_MAX || size > ARENA_MAX - a->total ||
	    (b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	huge_pages_hint(b->data, size);
	b->size = size;
	b->used = n;
	a->total += size;
	if (size == n && a->cur != NULL) {
		b->next = a->head;
		a->head = b;
	} else if (a->cur == NULL) {
		b->next = a->head;
		a->head = a->cur = b;
	} else {
		b->next = a->cur->next;
		a->cur->next = b;
		a->cur = b;
	}
	return b->data;
}

/* n bytes at an offset of a block that is a multiple of align (a power of two). */
static void *
take(struct arena *a, size_t n, size_t align)
{
	struct arena_block *b = a->cur;
	size_t at;

	if (n > ARENA_MAX)
		return NULL;
	while (b != NULL) {
		at = (b->used + align - 1) & ~(align - 1);
		if (at <= b->size && b->size - at >= n) {
			b->used = at + n;
			a->cur = b;
			return b->data + at;
		}
		if (b->next == NULL || b->next->size < n)
			break;
		b = b->next;	/* a block kept over a reset */
		b->used = 0;
		a->cur = b;
	}
	return add_block(a, n);
}

void *
arena_take(struct arena *a, size_t n)
{
	return take(a, n, alignof(max_align_t));
}

void *
arena_alloc(struct arena *a, size_t n)
{
	void *p = take(a, n, alignof(max_align_t));

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = take(a, n + 1, 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_adopt(struct arena *a, struct arena *from)
{
	struct arena_block *last;

	if (from->head == NULL)
		return;
	/* from's blocks go in front: in use, never taken as blocks kept over a reset */
	for (last = from->head; last->next != NULL; last = last->next)
		;
	last->next = a->head;
	a->head = from->head;
	if (a->cur == NULL)
		a->cur = from->cur;
	a->total += from->total;
	arena_init(from);
}

void
arena_mark(const struct arena *a, struct arena_mark *m)
{
	m->b = a->cur;
	m->used = a->cur != NULL ? a->cur->used : 0;
}

void
arena_rewind(struct arena *a, const struct arena_mark *m)
{
	if (m->b == NULL) {
		arena_reset(a);	/* nothing was handed out before the mark */
		return;
	}
	/* the blocks after it in use order are taken again as take() reaches
	 * them; one sized for a single request, put in front, stays unused */
	a->cur = m->b;
	a->cur->used = m->used;
}
