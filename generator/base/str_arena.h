/*
 * str_arena.h — long-lived strings and small arrays that live and die
 * together: the catalog's rows (catalog_rows.h) and the model's videos
 * (model.h).  One malloc per block, not per string: at 100 000 videos the
 * catalog's read made ~600 000 strdups and the build's exit as many frees
 * (docs/benchmarks.md, issue 15).  Strings are packed end to end (no
 * alignment, no malloc header), so a video's texts sit together in memory.
 *
 * Ownership: one owner per arena; everything it handed out is released at
 * once by str_arena_free(), never one by one.  str_arena_adopt() moves one
 * arena's blocks into another (the model takes the rows' strings so).
 * A zeroed struct is an empty arena.  Not thread-safe: one thread at a time.
 *
 * Returns: NULL when memory ran out or the arena would pass STR_ARENA_MAX.
 */
#ifndef ONLY_STR_ARENA_H
#define ONLY_STR_ARENA_H

#include <stddef.h>

/* The most an arena holds: 100 000 videos' catalog texts are ~25 MB. */
#define STR_ARENA_MAX	((size_t)4 << 30)

struct str_block;

struct str_arena {
	struct str_block	*head;	/* the block allocations come from, then older ones */
	size_t			 total;	/* bytes of all blocks */
};

/* A copy of the NUL-terminated s. */
char	*str_arena_dup(struct str_arena *a, const char *s);
/* A copy of s[0..n) with a NUL after it (s holds no NUL before n). */
char	*str_arena_dupn(struct str_arena *a, const char *s, size_t n);
/* n bytes aligned for any object, zeroed (n == 0 gives a valid pointer). */
void	*str_arena_alloc(struct str_arena *a, size_t n);
/* Moves every block of from into a (from is left empty): what from handed
 * out now lives as long as a. */
void	 str_arena_adopt(struct str_arena *a, struct str_arena *from);
/* Releases every block; accepts a zeroed arena, leaves one. */
void	 str_arena_free(struct str_arena *a);

#endif
