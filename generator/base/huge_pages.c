/*
 * huge_pages.c — a transparent-huge-page hint for large blocks
 * (huge_pages.h).
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "buf.h"
#include "huge_pages.h"
#include "malloc_thp.h"

void
huge_pages_hint(void *p, size_t n)
{
	uintptr_t start, end;

	if (p == NULL || n < HUGE_PAGES_MIN || !malloc_thp_on())
		return;
	start = ((uintptr_t)p + (uintptr_t)HUGE_PAGE_SIZE - 1) & ~((uintptr_t)HUGE_PAGE_SIZE - 1);
	end = ((uintptr_t)p + n) & ~((uintptr_t)HUGE_PAGE_SIZE - 1);
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
}

int
huge_pages_usable(void)
{
	/* sysfs gives its files a size of a page: room for one, a byte more
	 * (file_read_small's cap) and the NUL */
	char mode[4096 + 2];
	ssize_t n = file_read_small("/sys/kernel/mm/transparent_hugepage/enabled", mode,
	    sizeof(mode) - 1);

	if (!malloc_thp_on() || n <= 0)
		return 0;
	mode[n] = '\0';
	return strstr(mode, "[always]") != NULL || strstr(mode, "[madvise]") != NULL;
}
