/*
 * huge_pages.h — asks the kernel to back a large block with transparent
 * huge pages.
 *
 * A one-video rebuild at 100 000 videos writes ~300 MB of fresh memory
 * (rows, card texts, the search index's pairs, the state files read
 * whole): at 4 kB a page that is ~90 000 page faults, the largest single
 * item of the build's CPU on a virtual machine where a fault costs several
 * microseconds (docs/benchmarks.md).  With THP in "madvise" mode (Debian's
 * default) a block marked here faults in 2 MB at a time.  A hint only:
 * where THP is "always" or "never" it changes nothing, and an error is
 * ignored.  Only where faults are dear: a huge page is zeroed whole, and
 * where the host takes back free memory, backed again at ~2.7 ms, so where
 * a 4 kB fault costs ~1 us these blocks are left to 4 kB pages, as
 * glibc's are (malloc_thp.h: the hints follow malloc_thp_on()).
 */
#ifndef ONLY_HUGE_PAGES_H
#define ONLY_HUGE_PAGES_H

#include <stddef.h>

/* The size of a transparent huge page on x86-64 (and most of the rest). */
#define HUGE_PAGE_SIZE	((size_t)2 << 20)

/* Blocks smaller than this are left alone (too few whole huge pages). */
#define HUGE_PAGES_MIN	((size_t)4 << 20)

/* Marks the 2 MB-aligned pages inside [p, p + n) for huge pages when
 * n >= HUGE_PAGES_MIN and malloc_thp_on(); pages already touched stay as
 * they are. */
void	huge_pages_hint(void *p, size_t n);

/* 1 when malloc_thp_on() and the kernel gives a marked block huge pages
 * (THP "always" or "madvise"), else 0 (faults cheap here, "never", no
 * THP, or no /sys to say). */
int	huge_pages_usable(void);

#endif
