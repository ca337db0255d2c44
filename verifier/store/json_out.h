/*
 * json_out.h — a catalog string as a JSON string literal, safe to put into
 * any page: every control character, '"', '\\', '<', '>', '&', U+2028 and
 * U+2029 become \u escapes (or \" and \\), so the text can never end a
 * string, a <script> element or an HTML comment.  The output is valid UTF-8:
 * an invalid sequence (stray or truncated bytes, overlong forms, surrogates,
 * code points above U+10FFFF) becomes \ufffd.  Appends through a sout, so
 * it is bounded like every other append.
 */
#ifndef ONLY_JSON_OUT_H
#define ONLY_JSON_OUT_H

#include <stddef.h>

#include "sout.h"

/* Appends "..." for the n bytes at s. */
void	json_out_str(struct sout *o, const char *s, size_t n);

/* Length of the longest prefix of s[0..n) that ends on a UTF-8 character
 * boundary and is at most max bytes. */
size_t	utf8_cut(const char *s, size_t n, size_t max);

#endif
