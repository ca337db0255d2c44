/*
 * arena.h — memory handed out in slices of a few large blocks, released
 * all at once.
 *
 * Two kinds of owner use it.  A render worker keeps one for the data tree
 * of the page it renders (site_pd.h): arena_reset() forgets a page's tree
 * in one step and keeps the blocks for the next page, arena_trim() gives
 * back what a large one needed once the pages are small again.  The catalog's rows
 * and the model keep their strings and small arrays in one (catalog_rows.h,
 * model.h): at 100 000 videos that is ~600 000 strdups fewer, and the
 * build's exit frees a few blocks instead (docs/benchmarks.md, issue 15).
 *
 * Strings are packed end to end (no alignment, no malloc header), so a
 * video's texts sit together in memory; arena_alloc and arena_take give
 * memory aligned for any object.
 *
 * Ownership: one owner per arena; nothing it handed out may be used after
 * arena_reset() or arena_free().  arena_adopt() moves one arena's blocks
 * into another (the model takes the rows' strings so).  A zeroed struct is
 * an empty arena whose blocks double.  Not thread-safe: one thread at a
 * time.
 *
 * Returns: NULL when memory ran out or the arena would pass ARENA_MAX.
 */
#ifndef ONLY_ARENA_H
#define ONLY_ARENA_H

#include <stddef.h>

/*
 * The most an arena holds.  A page's output is capped at 64 MiB
 * (PAGE_MAX_BYTES) and its tree weighs about what its markup does; 100 000
 * videos' catalog texts are ~25 MB.
 */
#define ARENA_MAX		((size_t)4 << 30)
/* Kept over a trim: a larger arena (one huge page) gives the rest back. */
#define ARENA_KEEP		((size_t)8 << 20)

struct arena_block;

struct arena {
	struct arena_block	*head;	/* every block: adopted and own-sized ones, then in order of use */
	struct arena_block	*cur;	/* the block allocations come from */
	size_t			 total;	/* bytes of all blocks */
};

/* An empty arena: each new block doubles it, up to ARENA_MAX. */
void	 arena_init(struct arena *);
/* Forgets everything handed out; keeps every block. */
void	 arena_reset(struct arena *);
/* The same, and an arena holding more than ARENA_KEEP (one huge page)
 * gives back every block but its first (that one too when it is larger). */
void	 arena_trim(struct arena *);
/* Releases every block; accepts a zeroed arena, leaves an empty one. */
void	 arena_free(struct arena *);
/* n bytes aligned for any object, zeroed (n == 0 gives a valid pointer). */
void	*arena_alloc(struct arena *, size_t n);
/* The same, not zeroed: the caller writes every byte it reads. */
void	*arena_take(struct arena *, size_t n);
/* A copy of the NUL-terminated s. */
char	*arena_strdup(struct arena *, const char *s);
/* A copy of s[0..n) with a NUL after it (s holds no NUL before n). */
char	*arena_strndup(struct arena *, const char *s, size_t n);
/* Moves every block of from into a (from is left empty): what from handed
 * out now lives as long as a. */
void	 arena_adopt(struct arena *a, struct arena *from);
/*
 * A place in an arena: arena_rewind() forgets what was handed out after
 * arena_mark() took it, and keeps the blocks for what comes next (a page's
 * cards made one at a time in the memory of the one before,
 * site_cards.c).  Nothing handed out after the mark may be used after the
 * rewind; what came before it stays.
 */
struct arena_mark {
	struct arena_block	*b;	/* the current block then (NULL: none yet) */
	size_t			 used;	/* its bytes used then */
};
void	 arena_mark(const struct arena *, struct arena_mark *);
void	 arena_rewind(struct arena *, const struct arena_mark *);

#endif
