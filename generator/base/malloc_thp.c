/*
 * malloc_thp.c — glibc's malloc in transparent huge pages for a build
 * (malloc_thp.h).
 *
 * A one-video rebuild at 100 000 videos takes ~280 MB of fresh memory, in
 * blocks of every size (rows, cards, trees, SQLite's pages, the search
 * index's arrays).  Each 4 kB page is a page fault the first time it is
 * written, and on a virtual machine that shadows the guest's page tables a
 * fault costs ~10 us: a third of such a rebuild's CPU.  The large blocks the
 * generator allocates itself are marked already (huge_pages.c); the rest
 * are glibc's, and glibc marks its own heaps and mappings for huge pages
 * (2 MB a fault) only when the tunable glibc.malloc.hugetlb=1 is set.  glibc
 * reads its tunables once, before main(), and has no call to set them
 * after: so a heavy command executes itself again with the tunable added,
 * once (the variable then names it).  A user's own setting wins, and
 * glibc.malloc.hugetlb=0 turns this off.  Measured in docs/benchmarks.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "malloc_thp.h"

#define TUNABLE		"glibc.malloc.hugetlb"
#define TUNABLES_MAX	4096

void
malloc_thp_reexec(char *argv[])
{
#ifdef __GLIBC__
	char value[TUNABLES_MAX];
	const char *old = getenv("GLIBC_TUNABLES");
	int n;

	if (old != NULL && strstr(old, TUNABLE) != NULL)
		return;		/* set by the user, or by the exec below */
	if (old != NULL && old[0] != '\0')
		n = snprintf(value, sizeof(value), "%s:%s=1", old, TUNABLE);
	else
		n = snprintf(value, sizeof(value), "%s=1", TUNABLE);
	if (n < 0 || (size_t)n >= sizeof(value))
		return;
	if (setenv("GLIBC_TUNABLES", value, 1) != 0)
		return;
	(void)execv("/proc/self/exe", argv);
	/* not executed (no /proc, say): go on with malloc as it is */
	if (old != NULL)
		(void)setenv("GLIBC_TUNABLES", old, 1);
	else
		(void)unsetenv("GLIBC_TUNABLES");
#else
	(void)argv;
#endif
}
