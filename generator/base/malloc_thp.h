/*
 * malloc_thp.h — runs a command whose heap is large with glibc's malloc in
 * transparent huge pages (malloc_thp.c).
 */
#ifndef ONLY_MALLOC_THP_H
#define ONLY_MALLOC_THP_H

/*
 * Unless GLIBC_TUNABLES already names glibc.malloc.hugetlb, executes
 * /proc/self/exe again with argv and glibc.malloc.hugetlb=1 added to
 * GLIBC_TUNABLES; returns only when that is not done (not glibc, the
 * variable set already or too long, the exec refused), and the process
 * goes on as it is.
 */
void	malloc_thp_reexec(char *argv[]);

#endif
