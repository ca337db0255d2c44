/*
 * test_malloc_thp.c — malloc_thp_reexec() (malloc_thp.c): where page faults
 * are dear it executes the program again with glibc.malloc.hugetlb=1 added
 * to GLIBC_TUNABLES, keeps what the variable held, leaves a user's own
 * setting alone, and glibc then marks its large blocks for huge pages;
 * where they are cheap, or unmeasured, it does not.  malloc_thp_fault_ns()
 * measures a fault.
 *
 * Each case runs in a child that calls malloc_thp_reexec() on this very
 * program with "--child": run again, the program prints what it was given;
 * not run again, the child goes on and says so.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "malloc_thp.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED_MALLOC 1	/* ASan's malloc, not glibc's */
#else
#define SANITIZED_MALLOC 0
#endif

enum { BLOCK = 64 << 20 };

/* 1 when the VmFlags of the mapping holding p name "hg" (MADV_HUGEPAGE). */
static int
marked_huge(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	uintptr_t lo, hi, a = (uintptr_t)p;
	int in = 0, hg = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			hg = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return hg;
}

/* What a child was given, and whether glibc marked a large block for huge
 * pages; how is "run again" or "not run again". */
static int
child_say(const char *how)
{
	const char *t = getenv("GLIBC_TUNABLES");
	char *big = malloc(BLOCK);

	if (big == NULL)
		return 1;
	big[0] = 1;
	printf("%s: %s; marked %d", how, t != NULL ? t : "(unset)", marked_huge(big));
	free(big);
	fflush(stdout);
	return 0;
}

/* The fault costs a child is told (malloc_thp_reexec's fault_ns). */
static long fault_dear(void) { return 11000; }
static long fault_at_bound(void) { return MALLOC_THP_DEAR_NS; }
static long fault_cheap(void) { return 900; }
static long fault_unknown(void) { return -1; }
/* not to be asked once the variable names the tunable: the child then
 * says nothing */
static long fault_not_asked(void) { _exit(3); }

/* Runs a child with GLIBC_TUNABLES set to tunables (NULL: unset), told
 * fault_ns; its stdout into out. */
static void
run_case_told(const char *self, const char *tunables, long (*fault_ns)(void), char *out, size_t cap)
{
	int fd[2];
	pid_t pid;
	ssize_t n;
	size_t len = 0;

	out[0] = '\0';
	if (pipe(fd) != 0)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, (char *)"--child", NULL };

		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		if (tunables != NULL)
			setenv("GLIBC_TUNABLES", tunables, 1);
		else
			unsetenv("GLIBC_TUNABLES");
		malloc_thp_reexec(argv, fault_ns);
		_exit(child_say("not run again"));
	}
	close(fd[1]);
	while (pid > 0 && len + 1 < cap && (n = read(fd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* A child where faults are dear. */
static void
run_case(const char *self, const char *tunables, char *out, size_t cap)
{
	run_case_told(self, tunables, fault_dear, out, cap);
}

/* 1 when glibc would mark its blocks: THP in "madvise" mode. */
static int
thp_madvise(void)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (f == NULL)
		return 0;
	if (fgets(mode, sizeof(mode), f) == NULL)
		mode[0] = '\0';
	fclose(f);
	return strstr(mode, "[madvise]") != NULL;
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char	*tunables;	/* NULL: unset */
		long		(*fault_ns)(void);
		const char	*says;		/* how its output begins */
		const char	*what;
	} cases[] = {
		{ NULL, fault_dear, "run again: glibc.malloc.hugetlb=1;",
		  "no GLIBC_TUNABLES: run again with glibc.malloc.hugetlb=1" },
		{ "", fault_dear, "run again: glibc.malloc.hugetlb=1;",
		  "an empty GLIBC_TUNABLES: run again with glibc.malloc.hugetlb=1 alone" },
		{ "glibc.malloc.arena_max=2", fault_dear,
		  "run again: glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1;",
		  "other tunables are kept, the new one after them" },
		{ "glibc.malloc.hugetlb=0", fault_not_asked, "not run again: glibc.malloc.hugetlb=0;",
		  "the user's own glibc.malloc.hugetlb=0 is left alone, no fault measured" },
		{ "glibc.malloc.hugetlb=1", fault_not_asked, "not run again: glibc.malloc.hugetlb=1;",
		  "run once only: the variable names the tunable after the first exec" },
		{ NULL, fault_at_bound, "run again: glibc.malloc.hugetlb=1;",
		  "a fault of MALLOC_THP_DEAR_NS: run again" },
		{ NULL, fault_cheap, "not run again: (unset);",
		  "a fault of 0.9 us: not run again, the variable left unset" },
		{ "glibc.malloc.arena_max=2", fault_cheap, "not run again: glibc.malloc.arena_max=2;",
		  "cheap faults leave another tunable as it was" },
		{ NULL, fault_unknown, "not run again: (unset);",
		  "a fault that cannot be measured: not run again" },
	};
	char out[8192], want[8192], *longer;
	size_t k;

	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return child_say("run again");

	/* what a child's GLIBC_TUNABLES becomes, told a fault's cost */
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		run_case_told(argv[0], cases[k].tunables, cases[k].fault_ns, out, sizeof(out));
		CHECK(strncmp(out, cases[k].says, strlen(cases[k].says)) == 0, "%s (%s)",
		    cases[k].what, out);
	}
	/* whether the process runs with it, as the hints ask (huge_pages.h) */
	{
		static const struct { const char *t; int on; } on[] = {
			{ NULL, 0 }, { "", 0 }, { "glibc.malloc.hugetlb=1", 1 },
			{ "glibc.malloc.hugetlb=0", 0 }, { "glibc.malloc.hugetlb=2", 1 },
			{ "glibc.malloc.hugetlb=", 0 }, { "glibc.malloc.hugetlb=:glibc.a=1", 0 },
			{ "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", 1 },
			{ "glibc.malloc.hugetlb", 0 },
			{ "glibc.malloc.hugetlb=0:glibc.malloc.hugetlb=1", 1 },
			{ "glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0", 0 },
			{ "glibc.malloc.hugetlb=01", 1 }, { "xglibc.malloc.hugetlb=1", 0 },
			{ "glibc.malloc.hugetlbx=1", 0 },
		};
		const char *keep = getenv("GLIBC_TUNABLES");
		char *saved = keep != NULL ? strdup(keep) : NULL;

		for (k = 0; k < sizeof(on) / sizeof(on[0]); k++) {
			if (on[k].t != NULL)
				setenv("GLIBC_TUNABLES", on[k].t, 1);
			else
				unsetenv("GLIBC_TUNABLES");
			CHECK(malloc_thp_on() == on[k].on, "GLIBC_TUNABLES %s: malloc_thp_on() %d",
			    on[k].t != NULL ? on[k].t : "unset", on[k].on);
		}
		if (saved != NULL)
			setenv("GLIBC_TUNABLES", saved, 1);
		else
			unsetenv("GLIBC_TUNABLES");
		free(saved);
	}
	{
		long ns = malloc_thp_fault_ns();

		CHECK(ns > 0 && ns < 100000000, "a page fault measured: %ld ns", ns);
		printf("# a page fault here: %ld ns (huge pages from %d ns)\n", ns, MALLOC_THP_DEAR_NS);
	}

	longer = malloc(5000);
	if (longer != NULL) {
		memset(longer, 'x', 4999);
		longer[4999] = '\0';
		memcpy(longer, "glibc.a=", 8);
		run_case(argv[0], longer, out, sizeof(out));
		snprintf(want, sizeof(want), "not run again: %s;", longer);
		CHECK(strncmp(out, want, strlen(want)) == 0, "a variable too long to extend: not run again, left as it was");
		free(longer);
	}

	/* glibc honours the name: its 64 MB block is marked for huge pages */
	if (!SANITIZED_MALLOC && thp_madvise()) {
		run_case(argv[0], NULL, out, sizeof(out));
		CHECK(strstr(out, "; marked 1") != NULL,
		    "run again, glibc marks a 64 MB block MADV_HUGEPAGE (%s)", out);
		run_case(argv[0], "glibc.malloc.hugetlb=0", out, sizeof(out));
		CHECK(strstr(out, "not run again") != NULL && strstr(out, "; marked 0") != NULL,
		    "with hugetlb=0 the same block is not marked (%s)", out);
	} else {
		/* not a check: glibc marks its blocks only in THP's "madvise"
		 * mode, and ASan's malloc is not glibc's */
		printf("# THP not in madvise mode here (or ASan's malloc): glibc's marks not "
		    "looked for\n");
	}
	return check_report();
}
