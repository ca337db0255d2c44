/*
 * check.h — a whole unit-test framework in one header (the idea of redis's
 * testhelp.h).  Each CHECK prints "ok - ..." or "not ok - ..." with the
 * file:line and the failed expression; tests/run counts those lines.
 *
 *	CHECK(x == 1, "x is one");
 *	CHECK_STR(got, "want", "renders %s", name);
 *	return check_report();
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed_count;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); printf(__VA_ARGS__); printf("\n"); } \
	else { check_failed_count++; printf("not ok - "); printf(__VA_ARGS__); \
	    printf("\n#   %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* Compares two NUL-terminated strings and shows both on a mismatch. */
#define CHECK_STR(got, want, ...) do { \
	const char *check_g_ = (got), *check_w_ = (want); \
	if (check_g_ != NULL && check_w_ != NULL && strcmp(check_g_, check_w_) == 0) { \
		printf("ok - "); printf(__VA_ARGS__); printf("\n"); \
	} else { check_failed_count++; printf("not ok - "); printf(__VA_ARGS__); \
		printf("\n    %s:%d\n    expected: \"%s\"\n    actual:   \"%s\"\n", \
		    __FILE__, __LINE__, check_w_ ? check_w_ : "(null)", \
		    check_g_ ? check_g_ : "(null)"); } \
} while (0)

static inline int check_report(void)
{
	fflush(stdout);
	return check_failed_count == 0 ? 0 : 1;
}

#endif
