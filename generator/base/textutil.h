/*
 * textutil.h — small pure string helpers for catalog data: UTF-8 repair,
 * slugs made from names.  The slug and GUID grammars themselves are the
 * core's (core/slug.h, core/guid.h).  No I/O, no global state.
 *
 * Ownership: functions returning char * return a malloc'd string the caller
 * frees, or NULL when memory ran out.
 */
#ifndef ONLY_TEXTUTIL_H
#define ONLY_TEXTUTIL_H

#include <stddef.h>

#include "slug.h"	/* SLUG_MAX, slug_ok */

/*
 * Copies n bytes of s, replacing every invalid UTF-8 sequence (overlong,
 * surrogate, out of range, truncated) by U+FFFD.  NUL bytes are dropped.
 */
char	*text_utf8_dup(const char *s, size_t n);

/*
 * Writes into out (size outlen >= SLUG_MAX + 1) the slug of s: ASCII
 * [a-z0-9-], lower case, Latin letters with diacritics transliterated
 * (é → e, ß → ss), every other run of characters one '-', no leading,
 * trailing or doubled '-', at most SLUG_MAX bytes.  Returns the slug's
 * length, 0 when nothing usable was left (e.g. only CJK or emoji).
 */
size_t	 text_slugify(const char *s, char *out, size_t outlen);

/*
 * 1 when s is a link fit to be written as it is into every place a page
 * carries it (attributes, XML, robots.txt): at most max bytes of printable
 * ASCII without space, quotes, angle brackets, backslash, backtick or
 * {}|^, and either http:// or https:// with a host, or, when allow_path,
 * a path of this site ("/...", not "//", which names another host).
 * "" is not a link.
 */
int	 text_link_ok(const char *s, size_t max, int allow_path);
/* 1 when s is a base URL paths can be appended to: text_link_ok() without
 * a path, and no '?' or '#' (site.json's base_url, --base-url). */
int	 text_base_url_ok(const char *s, size_t max);

/* strcasecmp for ASCII letters only (the C locale's), 0 when equal. */
int	 text_casecmp(const char *a, const char *b);

/* 1 when a and b are the same text, or both NULL. */
int	 text_same(const char *a, const char *b);

#endif
