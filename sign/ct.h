/*
 * ct.h — constant-time comparisons for secrets and MACs.
 *
 * A plain memcmp() returns at the first differing byte, so the time it takes
 * tells an attacker how many leading bytes of a guessed MAC were right; these
 * functions always touch every byte.
 */
#ifndef ONLY_CT_H
#define ONLY_CT_H

#include <stddef.h>

/* 1 when the n bytes at a and b are equal; time depends only on n. */
int	ct_memeq(const void *a, const void *b, size_t n);

/*
 * 1 when (a, alen) equals (b, blen).  The time depends on blen (the expected,
 * secret-side value) only, not on where or whether the inputs differ.
 */
int	ct_streq(const void *a, size_t alen, const void *b, size_t blen);

#endif
