/*
 * malloc_thp.h — runs a command whose heap is large with glibc's malloc in
 * transparent huge pages (malloc_thp.c).
 */
#ifndef ONLY_MALLOC_THP_H
#define ONLY_MALLOC_THP_H

/*
 * A page fault at or above this cost (ns) makes huge pages pay: measured
 * 11 us on a guest whose faults exit to its host (malloc in huge pages
 * faster by a third), ~1 us on one with nested paging in hardware (4 kB
 * pages faster, docs/benchmarks.md), a few hundred ns on bare metal.
 */
#define MALLOC_THP_DEAR_NS	5000

/*
 * The least time, in ns, a first write to a 4 kB page of fresh anonymous
 * memory (one page fault) took over a few runs of 64 pages: a run slowed
 * by an interrupt only reads dearer, so the least is the fault.  -1 when
 * it cannot be measured.  ~0.3 ms where a fault is 1 us.
 */
long	malloc_thp_fault_ns(void);

/*
 * Unless GLIBC_TUNABLES already names glibc.malloc.hugetlb, or fault_ns()
 * says a page fault costs less than MALLOC_THP_DEAR_NS (or cannot say),
 * executes /proc/self/exe again with argv and glibc.malloc.hugetlb=1 added
 * to GLIBC_TUNABLES; returns only when that is not done (not glibc, the
 * variable set already or too long, faults cheap, the exec refused), and
 * the process goes on as it is.  fault_ns is malloc_thp_fault_ns but for
 * tests; it is not called when the variable names the tunable.
 */
void	malloc_thp_reexec(char *argv[], long (*fault_ns)(void));

/*
 * 1 when this process runs with glibc.malloc.hugetlb set to other than 0
 * in GLIBC_TUNABLES (malloc_thp_reexec's choice, or the user's): huge
 * pages pay here, and the generator's own hints follow (huge_pages.h).
 * Read from the environment at each call.
 */
int	malloc_thp_on(void);

#endif
