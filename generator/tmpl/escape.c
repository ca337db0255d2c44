/*
 * escape.c — escapers per output context.  Each walks the input once,
 * appends runs of safe bytes in one call (mustach's idea) and validates
 * UTF-8 as it goes: an invalid sequence becomes U+FFFD.
 */
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "escape.h"
#include "utf8.h"

#define REPLACEMENT "\xef\xbf\xbd"

/*
 * A context: what each ASCII byte becomes (NULL: itself), and what a valid
 * non-ASCII code point becomes (NULL function or result: itself).
 */
typedef const char *(*esc_fn)(uint32_t cp);

/*
 * 1 when none of the 8 bytes at s is one the context changes or must
 * check (non-ASCII: UTF-8 to validate): a run of plain text is skipped a
 * word at a time, with no branch per byte.
 */
static inline int
plain8(const unsigned char *s, const char *const ascii[128])
{
	if ((s[0] | s[1] | s[2] | s[3] | s[4] | s[5] | s[6] | s[7]) & 0x80)
		return 0;
	return (ascii[s[0]] == NULL) & (ascii[s[1]] == NULL) & (ascii[s[2]] == NULL) &
	    (ascii[s[3]] == NULL) & (ascii[s[4]] == NULL) & (ascii[s[5]] == NULL) &
	    (ascii[s[6]] == NULL) & (ascii[s[7]] == NULL);
}

/*
 * The HTML context's specials, & \' " < >, are 0x26 0x27 0x22 0x3c 0x3e:
 * a byte b is one exactly when (b | 1) == 0x27, (b | 2) == 0x3e or
 * b == 0x22.  html_plain16() tests 16 bytes at once with SSE2 (every
 * x86-64): every {{x}} of every page is escaped here, and a value is most
 * often a URL or a title with no special in it.  Elsewhere the table's
 * plain8() does.
 */
#if defined(__SSE2__)
#define HTML_WORD	16

static inline int
html_plain16(const unsigned char *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i m = _mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x27)),
	    _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e))),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22)));

	/* and the high bit of a non-ASCII byte (UTF-8 to validate) */
	return _mm_movemask_epi8(_mm_or_si128(m, v)) == 0;
}
#define HTML_PLAIN(s, ascii)	html_plain16(s)
#else
#define HTML_WORD	8
#define HTML_PLAIN(s, ascii)	plain8((s), (ascii))
#endif

static const char *const html_ascii[128];

/*
 * The first byte at or after i that the context changes or must check,
 * or n: whole words first, then (HTML) the last word of the string again,
 * overlapping what was tested (the tail of a URL or a title, tested at
 * once), then byte by byte.
 */
static inline size_t
skip_plain(const unsigned char *s, size_t i, size_t n, const char *const ascii[128], int html)
{
	if (html) {
		while (n - i >= HTML_WORD && HTML_PLAIN(s + i, ascii))
			i += HTML_WORD;
		if (i < n && n - i < HTML_WORD && n >= HTML_WORD && HTML_PLAIN(s + n - HTML_WORD, ascii))
			return n;
	} else
		while (n - i >= 8 && plain8(s + i, ascii))
			i += 8;
	while (i < n && s[i] < 0x80 && ascii[s[i]] == NULL)
		i++;
	return i;
}

/*
 * Walks n bytes of str: appends the escaped form to out, or, out NULL,
 * only adds its length to *count (the same walk: a size can never drift
 * from what is written).
 */
static int
escape_walk(struct buf *out, size_t *count, const char *str, size_t n,
    const char *const ascii[128], esc_fn nonascii)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, len;
	uint32_t cp;
	const char *rep;
	int html = ascii == html_ascii;

	while ((i = skip_plain(s, i, n, ascii, html)) < n) {
		if (s[i] < 0x80) {
			rep = ascii[s[i]];	/* not NULL: skip_plain() stopped here */
			len = 1;
		} else if ((len = utf8_decode(s + i, n - i, &cp)) == 0) {
			rep = REPLACEMENT;
			len = 1;
		} else if (nonascii == NULL || (rep = nonascii(cp)) == NULL) {
			i += len;
			continue;
		}
		if (out == NULL)
			*count += (i - run) + strlen(rep);
		else if ((i > run && buf_put_inline(out, s + run, i - run) != 0) ||
		    (rep[0] != '\0' && buf_put_inline(out, rep, strlen(rep)) != 0))
			return -1;
		i += len;
		run = i;
	}
	if (out == NULL)
		*count += i - run;
	else if (i > run && buf_put_inline(out, s + run, i - run) != 0)
		return -1;
	return 0;
}

static int
escape_with(struct buf *out, const char *str, size_t n, const char *const ascii[128],
    esc_fn nonascii)
{
	return escape_walk(out, NULL, str, n, ascii, nonascii);
}

static const char *const html_ascii[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

/* XML 1.0 forbids C0 controls but tab, LF and CR: they are dropped. */
static const char *const xml_ascii[128] = {
	[0x00] = "", [0x01] = "", [0x02] = "", [0x03] = "", [0x04] = "", [0x05] = "",
	[0x06] = "", [0x07] = "", [0x08] = "", [0x0b] = "", [0x0c] = "", [0x0e] = "",
	[0x0f] = "", [0x10] = "", [0x11] = "", [0x12] = "", [0x13] = "", [0x14] = "",
	[0x15] = "", [0x16] = "", [0x17] = "", [0x18] = "", [0x19] = "", [0x1a] = "",
	[0x1b] = "", [0x1c] = "", [0x1d] = "", [0x1e] = "", [0x1f] = "",
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

static const char *
xml_nonascii(uint32_t cp)
{
	return (cp == 0xfffe || cp == 0xffff) ? "" : NULL;
}

/* Safe inside <script>: no </script>, <!--, or JavaScript line terminators. */
static const char *const json_ascii[128] = {
	[0x00] = "\\u0000", [0x01] = "\\u0001", [0x02] = "\\u0002", [0x03] = "\\u0003",
	[0x04] = "\\u0004", [0x05] = "\\u0005", [0x06] = "\\u0006", [0x07] = "\\u0007",
	[0x08] = "\\b", [0x09] = "\\t", [0x0a] = "\\n", [0x0b] = "\\u000b",
	[0x0c] = "\\f", [0x0d] = "\\r", [0x0e] = "\\u000e", [0x0f] = "\\u000f",
	[0x10] = "\\u0010", [0x11] = "\\u0011", [0x12] = "\\u0012", [0x13] = "\\u0013",
	[0x14] = "\\u0014", [0x15] = "\\u0015", [0x16] = "\\u0016", [0x17] = "\\u0017",
	[0x18] = "\\u0018", [0x19] = "\\u0019", [0x1a] = "\\u001a", [0x1b] = "\\u001b",
	[0x1c] = "\\u001c", [0x1d] = "\\u001d", [0x1e] = "\\u001e", [0x1f] = "\\u001f",
	['"'] = "\\\"", ['\\'] = "\\\\", ['<'] = "\\u003c", ['>'] = "\\u003e",
	['&'] = "\\u0026", ['\''] = "\\u0027", [0x7f] = "\\u007f",
};

static const char *
json_nonascii(uint32_t cp)
{
	return cp == 0x2028 ? "\\u2028" : cp == 0x2029 ? "\\u2029" : NULL;
}

int
esc_html(struct buf *out, const char *s, size_t n)
{
	return escape_with(out, s, n, html_ascii, NULL);
}

int
esc_html_str(struct buf *out, const char *s)
{
	return escape_with(out, s, strlen(s), html_ascii, NULL);
}

int
esc_xml(struct buf *out, const char *s, size_t n)
{
	return escape_with(out, s, n, xml_ascii, xml_nonascii);
}

size_t
esc_xml_len(const char *s, size_t n)
{
	size_t count = 0;

	(void)escape_walk(NULL, &count, s, n, xml_ascii, xml_nonascii);
	return count;
}

int
esc_json(struct buf *out, const char *s, size_t n)
{
	return escape_with(out, s, n, json_ascii, json_nonascii);
}

int
esc_url(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i, run = 0;
	char pct[3];

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
			continue;
		if (i > run && buf_put(out, p + run, i - run) != 0)
			return -1;
		pct[0] = '%';
		pct[1] = hex[c >> 4];
		pct[2] = hex[c & 0xf];
		if (buf_put(out, pct, 3) != 0)
			return -1;
		run = i + 1;
	}
	if (n > run && buf_put(out, p + run, n - run) != 0)
		return -1;
	return 0;
}
