/*
 * httpin.h — bounded parsers for what a request carries: a form body
 * (application/x-www-form-urlencoded), a flat JSON object, a Cookie header.
 *
 * No allocation; every output has a capacity and an over-long value is an
 * error, never silently cut.  Decoded values may contain NUL bytes, so they
 * come back with a length.
 */
#ifndef ONLY_HTTPIN_H
#define ONLY_HTTPIN_H

#include <stddef.h>

/*
 * Finds field name in a form body and URL-decodes its value ('+' is a
 * space) into out (cap bytes, NUL-terminated).  Returns the value's length,
 * -1 when absent, -2 when malformed (bad %XX) or longer than cap - 1.
 * The first occurrence wins.
 */
long	form_get(const char *body, size_t n, const char *name, char *out, size_t cap);

/*
 * Finds the string member name of a JSON object (the whole body, one level:
 * nested objects or arrays make it malformed) and unescapes it into out.
 * \uXXXX escapes above U+007F are encoded as UTF-8.  Returns the length, -1
 * when absent or not a string, -2 when malformed or too long.
 */
long	json_get(const char *body, size_t n, const char *name, char *out, size_t cap);

/*
 * Finds cookie name in a Cookie header value; *val points into hdr.
 * Returns 1 found, 0 not.  Surrounding double quotes are not removed.
 */
int	cookie_get(const char *hdr, size_t n, const char *name,
	    const char **val, size_t *vlen);

/*
 * The next cookie name of the header *hdr (*n bytes left), for a header
 * holding several (a browser sends every one whose domain and path match):
 * like cookie_get, and on 1 moves *hdr and *n past the value found.
 */
int	cookie_next(const char **hdr, size_t *n, const char *name,
	    const char **val, size_t *vlen);

/*
 * The next cookie of the header *hdr (*n bytes left) whose name begins
 * with prefix (and is longer than it): *name and *val point into the
 * header.  Returns 1 and moves *hdr and *n past the value, or 0.
 */
int	cookie_next_prefixed(const char **hdr, size_t *n, const char *prefix,
	    const char **name, size_t *nlen, const char **val, size_t *vlen);

#endif
