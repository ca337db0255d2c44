/*
 * arena_shared.h — an arena (arena.h) several threads take from: each
 * arena_shared_take() is arena_take() under the arena's own mutex.
 *
 * For memory a build's workers fill on demand and keep until the build
 * ends (site_card_img.c: a video's image URLs, made the first time a page
 * shows them).  The lock is held for the bump of a pointer only, never
 * while the caller formats what it copies in.
 *
 * Returns: arena_shared_new() NULL, arena_shared_take() NULL when memory
 * ran out (or the arena would pass ARENA_MAX).
 */
#ifndef ONLY_ARENA_SHARED_H
#define ONLY_ARENA_SHARED_H

#include <stddef.h>

struct arena_shared;

struct arena_shared	*arena_shared_new(void);
/* n bytes aligned for any object, not zeroed; from any thread. */
void	*arena_shared_take(struct arena_shared *, size_t n);
/* Releases every block; accepts NULL.  No taker may still run. */
void	 arena_shared_delete(struct arena_shared *);

#endif
