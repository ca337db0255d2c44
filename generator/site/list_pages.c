/*
 * list_pages.c — a paged list cut into pages (list_pages.h).
 */
#include "list_pages.h"

/* Pages after the first of an anchored list longer than one page (>= 1). */
static size_t
after_first(size_t n, size_t size)
{
	size_t q = (n - size) / size;

	return q > 0 ? q : 1;
}

size_t
list_pages_count(size_t n, size_t size, int anchored)
{
	if (size == 0)
		size = 1;
	if (n <= size)
		return 1;
	return anchored ? 1 + after_first(n, size) : n / size + (n % size != 0);
}

void
list_pages_slice(size_t n, size_t size, int anchored, size_t no, size_t *from, size_t *to)
{
	size_t pages = list_pages_count(n, size, anchored);

	if (size == 0)
		size = 1;
	*from = *to = n;
	if (no == 0 || no > pages)
		return;
	if (!anchored || n <= size || no == 1) {
		*from = (no - 1) * size;
		*to = n - *from > size ? *from + size : n;
		return;
	}
	/* pages 2..pages end (pages - no) × size items before the oldest */
	*to = n - (pages - no) * size;
	*from = no == 2 ? size : *to - size;
}
