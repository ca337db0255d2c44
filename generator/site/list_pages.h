/*
 * list_pages.h — how a paged list is cut into pages: how many, and which
 * of its items page `no` (1 = the first) shows.
 *
 * A list shown newest first (a category, a tag, New, Free) is cut from
 * its oldest end.  Page 1 holds the newest `size` items, as many as the
 * creator's page_size asks; page 2 the next ones down to a multiple of
 * `size` from the oldest (size to 2 × size − 1 of them); pages 3 on hold
 * `size` each, counted from the oldest item.  A video newer than every
 * other (an upload) joins pages 1 and 2 of each list it is in and leaves
 * every later page as it was, byte for byte (same items, same page number,
 * same pager), until page 2 reaches twice `size` and splits, once every
 * `size` additions; one that lands further down, or leaves, changes its
 * own page and those between it and page 2, no other (unless page 2 falls
 * under `size`: it takes page 3's items, the later pages renumbered).  Cut from
 * the newest end, each addition moved one item across every page of those
 * lists: at page_size 48 and 100 000 videos, the ~2 000 pages of New
 * rendered and published again for one upload (docs/site.md).
 *
 * A list in its own order that grows at its end (a series' episodes) is
 * cut from its start: `size` a page, the last one shorter.
 *
 * n items, size >= 1; anchored: cut from the oldest end as above.
 */
#ifndef ONLY_LIST_PAGES_H
#define ONLY_LIST_PAGES_H

#include <stddef.h>

/* The number of pages (>= 1; one for an empty list). */
size_t	list_pages_count(size_t n, size_t size, int anchored);

/*
 * The items page no shows: [*from, *to), offsets into the list.  A page
 * past the last (or 0) shows none: *from = *to = n.
 */
void	list_pages_slice(size_t n, size_t size, int anchored, size_t no, size_t *from,
	    size_t *to);

#endif
