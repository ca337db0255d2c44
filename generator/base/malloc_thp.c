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
 * glibc.malloc.hugetlb=0 turns this off.
 *
 * Only where faults are dear: a huge page is 2 MB zeroed at its first
 * touch, and on a host that takes back the guest's free memory (free page
 * reporting) backed again, so where a 4 kB fault costs ~1 us the same
 * rebuild runs faster in 4 kB pages.  The cost is measured, once, before
 * the exec.  Measured in docs/benchmarks.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "malloc_thp.h"

#define TUNABLE		"glibc.malloc.hugetlb"
#define TUNABLES_MAX	4096
#define PROBE_PAGES	64
#define PROBE_RUNS	4

static long
elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

long
malloc_thp_fault_ns(void)
{
	long page = sysconf(_SC_PAGESIZE), best = -1, ns;
	struct timespec a, b;
	size_t len, at;
	volatile char *p;
	void *m;
	int run;

	if (page <= 0)
		return -1;
	len = (size_t)page * PROBE_PAGES;
	for (run = 0; run < PROBE_RUNS; run++) {
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return best;
#ifdef MADV_NOHUGEPAGE
		(void)madvise(m, len, MADV_NOHUGEPAGE);	/* THP "always": still 4 kB */
#endif
		p = m;
		if (clock_gettime(CLOCK_MONOTONIC, &a) != 0) {
			(void)munmap(m, len);
			return best;
		}
		for (at = 0; at < len; at += (size_t)page)
			p[at] = 1;
		(void)clock_gettime(CLOCK_MONOTONIC, &b);
		(void)munmap(m, len);
		ns = elapsed_ns(&a, &b) / PROBE_PAGES;
		if (ns >= 0 && (best < 0 || ns < best))
			best = ns;
	}
	return best;
}

int
malloc_thp_on(void)
{
	const char *t = getenv("GLIBC_TUNABLES"), *p, *end;
	size_t n = sizeof(TUNABLE "=") - 1;
	int on = 0;

	/* name=value pairs split by ':', read as glibc reads them: the last
	 * setting of the tunable wins, its value a number */
	for (p = t; p != NULL && *p != '\0'; p = *end == ':' ? end + 1 : end) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) >= n && strncmp(p, TUNABLE "=", n) == 0)
			on = strtoul(p + n, NULL, 0) != 0;	/* stops at the ':' */
	}
	return on;
}

void
malloc_thp_reexec(char *argv[], long (*fault_ns)(void))
{
#ifdef __GLIBC__
	char value[TUNABLES_MAX];
	const char *old = getenv("GLIBC_TUNABLES");
	int n;

	if (old != NULL && strstr(old, TUNABLE) != NULL)
		return;		/* set by the user, or by the exec below */
	if (fault_ns() < MALLOC_THP_DEAR_NS)
		return;		/* cheap faults (or unknown): 4 kB pages */
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
	(void)fault_ns;
#endif
}
