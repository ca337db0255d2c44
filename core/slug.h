/*
 * slug.h — the one slug grammar: the <slug> of /c/<slug>/, /t/<slug>/,
 * /s/<slug>/ and of content/'s categories, tags and series.  A slug is
 * 1..SLUG_MAX bytes of [a-z0-9-], with no '-' at either end and no "--":
 * safe as a path segment, an HTML attribute and a JSON string as it is.
 * Pure functions: no I/O, no allocation.
 */
#ifndef ONLY_SLUG_H
#define ONLY_SLUG_H

#include <stddef.h>

/* Longest slug (bytes, without the NUL): room for any readable name in a
 * URL, while a page's path (/c/<slug>/page/<n>/index.html) stays far under
 * the 255-byte file name limit of every file system we publish to. */
#define SLUG_MAX	80
/* Bytes a taken slug's base gives up for its "-<k>" suffix ("-2" ..
 * "-9999999"), so every candidate of one base shares the same stem. */
#define SLUG_SUFFIX_ROOM	8

/* 1 when s is a slug (see above); 0 otherwise. */
int	slug_ok(const char *s);

/*
 * Writes "<base>-<k>" into out, the k-th candidate when base is taken:
 * base (a slug) is cut to SLUG_MAX - SLUG_SUFFIX_ROOM bytes (fewer when k
 * needs more room), and a '-' left at the cut is dropped, so the result is
 * a slug again.  k >= 2.
 */
void	slug_suffixed(const char *base, size_t k, char out[SLUG_MAX + 1]);

#endif
