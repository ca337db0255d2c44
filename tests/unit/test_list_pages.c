/*
 * test_list_pages.c — a paged list cut into pages (list_pages.h): every
 * length up to six pages, at several page sizes, both cuts.
 */
#include <stddef.h>
#include <stdio.h>

#include "check.h"
#include "list_pages.h"

/* The pages of a list of n cover it once, in order, none empty but an empty
 * list's one page; page 1 holds min(n, size); a page past the last none. */
static int
covers(size_t n, size_t size, int anchored)
{
	size_t pages = list_pages_count(n, size, anchored), no, from, to, at = 0;

	if (pages < 1)
		return 0;
	for (no = 1; no <= pages; no++) {
		list_pages_slice(n, size, anchored, no, &from, &to);
		if (from != at || to < from || to > n || (to == from && n > 0))
			return 0;
		if (no == 1 && to - from != (n < size ? n : size))
			return 0;
		at = to;
	}
	list_pages_slice(n, size, anchored, pages + 1, &from, &to);
	if (from != n || to != n)
		return 0;
	list_pages_slice(n, size, anchored, 0, &from, &to);
	return at == n && from == n && to == n;
}

/* Anchored: page 2 holds size to 2 × size − 1 items once the list is past two
 * pages, and every later page exactly size. */
static int
anchored_sizes(size_t n, size_t size)
{
	size_t pages = list_pages_count(n, size, 1), no, from, to;

	for (no = 2; no <= pages; no++) {
		list_pages_slice(n, size, 1, no, &from, &to);
		if (no == 2 && n >= 2 * size && (to - from < size || to - from > 2 * size - 1))
			return 0;
		if (no == 2 && n < 2 * size && to - from != n - size)
			return 0;
		if (no > 2 && to - from != size)
			return 0;
	}
	return 1;
}

/*
 * One item more at the newest end (n → n + 1, the items' offsets one on):
 * while the count of pages stays, every page from the third on shows the
 * same items; returns how many such pages there were, or -1 if one moved.
 */
static long
added_keeps(size_t n, size_t size)
{
	size_t pages = list_pages_count(n, size, 1), no, f0, t0, f1, t1;
	long kept = 0;

	if (list_pages_count(n + 1, size, 1) != pages)
		return 0;
	for (no = 3; no <= pages; no++) {
		list_pages_slice(n, size, 1, no, &f0, &t0);
		list_pages_slice(n + 1, size, 1, no, &f1, &t1);
		if (f1 != f0 + 1 || t1 != t0 + 1)
			return -1;
		kept++;
	}
	return kept;
}

/*
 * The item at offset j removed (n → n − 1): while the count of pages stays,
 * every page whose items were all older than j (offsets past it) shows the
 * same items, one offset back; returns how many such pages, or -1.
 */
static long
removed_keeps(size_t n, size_t size, size_t j)
{
	size_t pages = list_pages_count(n, size, 1), no, f0, t0, f1, t1;
	long kept = 0;

	if (n == 0 || list_pages_count(n - 1, size, 1) != pages)
		return 0;
	for (no = 1; no <= pages; no++) {
		list_pages_slice(n, size, 1, no, &f0, &t0);
		if (f0 <= j || (no <= 2 && pages > 1))
			continue;	/* newer than j, or pages 1 and 2, which give and take */
		list_pages_slice(n - 1, size, 1, no, &f1, &t1);
		if (f1 != f0 - 1 || t1 != t0 - 1)
			return -1;
		kept++;
	}
	return kept;
}

int
main(void)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 48 };
	size_t k, n, j, from, to, bad_cover = 0, bad_size = 0, bad_keep = 0, kept = 0, splits = 0;
	size_t bad_removed = 0, removed_kept = 0;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (n = 0; n <= 6 * sizes[k] + 1; n++) {
			long r;

			bad_cover += !covers(n, sizes[k], 0) + !covers(n, sizes[k], 1);
			bad_size += !anchored_sizes(n, sizes[k]);
			if ((r = added_keeps(n, sizes[k])) < 0)
				bad_keep++;
			else
				kept += (size_t)r;
			splits += list_pages_count(n + 1, sizes[k], 1) != list_pages_count(n,
			    sizes[k], 1);
			for (j = 0; j < n; j++)
				if ((r = removed_keeps(n, sizes[k], j)) < 0)
					bad_removed++;
				else
					removed_kept += (size_t)r;
		}
	CHECK(bad_cover == 0, "every page cut covers its list once, in order (%zu bad)", bad_cover);
	CHECK(bad_size == 0, "anchored: page 2 holds size to 2 x size - 1, later pages size (%zu bad)",
	    bad_size);
	CHECK(bad_keep == 0 && kept > 100, "anchored: an item added at the newest end leaves "
	    "pages 3 on as they were (%zu such pages, %zu moved)", kept, bad_keep);
	CHECK(bad_removed == 0 && removed_kept > 1000, "anchored: an item removed leaves the pages "
	    "older than it as they were (%zu such pages, %zu moved)", removed_kept, bad_removed);
	CHECK(splits > 10, "the count of pages grows now and then (%zu times)", splits);

	/* the figures themselves, at page size 4 */
	CHECK(list_pages_count(0, 4, 1) == 1 && list_pages_count(4, 4, 1) == 1 &&
	    list_pages_count(5, 4, 1) == 2 && list_pages_count(11, 4, 1) == 2 &&
	    list_pages_count(12, 4, 1) == 3 && list_pages_count(14, 4, 1) == 3 &&
	    list_pages_count(16, 4, 1) == 4, "anchored page counts at size 4");
	CHECK(list_pages_count(14, 4, 0) == 4 && list_pages_count(16, 4, 0) == 4 &&
	    list_pages_count(17, 4, 0) == 5, "page counts from the start at size 4");
	list_pages_slice(14, 4, 1, 2, &from, &to);
	CHECK(from == 4 && to == 10, "14 items, size 4: page 2 is [4, 10) (got [%zu, %zu))", from, to);
	list_pages_slice(14, 4, 1, 3, &from, &to);
	CHECK(from == 10 && to == 14, "page 3 the oldest four (got [%zu, %zu))", from, to);
	list_pages_slice(14, 4, 0, 4, &from, &to);
	CHECK(from == 12 && to == 14, "from the start, page 4 the last two (got [%zu, %zu))", from,
	    to);
	list_pages_slice(3, 0, 1, 1, &from, &to);
	CHECK(from == 0 && to == 1 && list_pages_count(3, 0, 1) == 3, "size 0 counts as 1");
	return check_report();
}
