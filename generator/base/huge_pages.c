/*
 * huge_pages.c — a transparent-huge-page hint for large blocks
 * (huge_pages.h).
 */
#include <stdint.h>
#include <sys/mman.h>

#include "huge_pages.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)

void
huge_pages_hint(void *p, size_t n)
{
	uintptr_t start, end;

	if (p == NULL || n < HUGE_PAGES_MIN)
		return;
	start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	end = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
}
