/*
 * escape.h — one escaper per output context (lowdown's html_escape idea).
 *
 * Each appends the escaped form of n bytes of s to out and returns 0, or -1
 * when out's cap is reached.  Input is UTF-8; an invalid byte sequence is
 * replaced by U+FFFD so no context ever receives broken UTF-8.
 */
#ifndef ONLY_ESCAPE_H
#define ONLY_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/* HTML text and double- or single-quoted attribute values: & < > " ' */
int	esc_html(struct buf *out, const char *s, size_t n);
/* The same for the NUL-terminated string s. */
int	esc_html_str(struct buf *out, const char *s);
/* XML 1.0 text/attributes (sitemap, Atom): as HTML, and drops characters
 * XML forbids (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF). */
int	esc_xml(struct buf *out, const char *s, size_t n);
/* The number of bytes esc_xml() appends for s (the same walk, nothing
 * written): what a sitemap entry weighs, known before it is written. */
size_t	esc_xml_len(const char *s, size_t n);
/* Inside a JSON string (no surrounding quotes), safe inside <script>:
 * " \ and controls escaped, < > & U+2028 U+2029 as \uXXXX. */
int	esc_json(struct buf *out, const char *s, size_t n);
/* A URL path segment or query value: everything but A-Z a-z 0-9 - _ . ~
 * is percent-encoded (RFC 3986 unreserved). */
int	esc_url(struct buf *out, const char *s, size_t n);

#endif
