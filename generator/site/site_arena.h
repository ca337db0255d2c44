/*
 * site_arena.h — a worker's reusable storage for the data tree of one
 * page.  Internal to generator/site.
 *
 * A full build writes ~20 cJSON nodes per card, a dozen to 48 cards per
 * page: with malloc, each node and string was one malloc and one free,
 * from two threads at once.  An arena hands out slices of a few blocks
 * it keeps from page to page; site_arena_reset() forgets a page's tree in
 * one step.  The tree is read only (by the template engine) and never
 * given to cJSON_Delete.
 *
 * Ownership: one arena per worker; nothing it handed out may be used after
 * site_arena_reset() or site_arena_free().
 */
#ifndef ONLY_SITE_ARENA_H
#define ONLY_SITE_ARENA_H

#include <stddef.h>

/*
 * The most one page's tree may take: its output is capped at 64 MiB
 * (PAGE_MAX_BYTES) and a card's nodes weigh about what its markup does,
 * so sixteen times that cap is never reached by a page that renders.
 */
#define SITE_ARENA_MAX		((size_t)1 << 30)
/* Blocks of site_arena_init_blocks() for long-lived strings: under the
 * 256 kB mmap threshold cmd_build sets. */
#define SITE_ARENA_HEAP_BLOCK	((size_t)128 << 10)
/* Kept over a reset: a larger arena (one huge page) gives the rest back. */
#define SITE_ARENA_KEEP		((size_t)8 << 20)

struct arena_block;

struct site_arena {
	struct arena_block	*head;	/* every block, in the order they are used */
	struct arena_block	*cur;	/* the block allocations come from */
	size_t			 total;	/* bytes of all blocks */
	size_t			 block_max;	/* 0: each block doubles the arena */
};

void	 site_arena_init(struct site_arena *);
/*
 * An arena whose blocks are at most block_max bytes (but for one larger
 * allocation): kept under the mmap threshold, they come from the heap and
 * reuse what an earlier phase freed there (the build's card texts and
 * paths, made after the model's load transient).
 */
void	 site_arena_init_blocks(struct site_arena *, size_t block_max);
/* Forgets everything handed out; keeps the blocks (up to SITE_ARENA_KEEP). */
void	 site_arena_reset(struct site_arena *);
void	 site_arena_free(struct site_arena *);
/* n bytes aligned for any object, zeroed; NULL out of memory or past the cap. */
void	*site_arena_alloc(struct site_arena *, size_t n);
/* The same, not zeroed: the caller writes every byte it reads. */
void	*site_arena_take(struct site_arena *, size_t n);
/* A copy of the NUL-terminated s; NULL out of memory or past the cap. */
char	*site_arena_strdup(struct site_arena *, const char *s);

#endif
