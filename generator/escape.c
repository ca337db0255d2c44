/*
 * escape.c — escapers per output context.  Each walks the input once,
 * appends runs of safe bytes in one call (mustach's idea) and validates
 * UTF-8 as it goes: an invalid sequence becomes U+FFFD.
 */
#include <stdint.h>
#include <string.h>

#include "escape.h"

#define REPLACEMENT "\xef\xbf\xbd"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF.
 * *cp receives the code point.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* What one context does with a code point: NULL keeps it as it is. */
typedef const char *(*esc_fn)(uint32_t cp, char tmp[16]);

static int
escape_with(struct buf *out, const char *str, size_t n, esc_fn fn)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, len;
	uint32_t cp;
	char tmp[16];
	const char *rep;

	while (i < n) {
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0) {
			rep = REPLACEMENT;
			len = 1;
		} else
			rep = fn(cp, tmp);
		if (rep == NULL) {
			i += len;
			continue;
		}
		if (i > run && buf_put(out, s + run, i - run) != 0)
			return -1;
		if (buf_puts(out, rep) != 0)
			return -1;
		i += len;
		run = i;
	}
	if (i > run && buf_put(out, s + run, i - run) != 0)
		return -1;
	return 0;
}

static const char *
html_map(uint32_t cp, char tmp[16])
{
	(void)tmp;
	switch (cp) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

static const char *
xml_map(uint32_t cp, char tmp[16])
{
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    cp == 0xfffe || cp == 0xffff)
		return "";
	return html_map(cp, tmp);
}

static const char *
json_map(uint32_t cp, char tmp[16])
{
	static const char hex[] = "0123456789abcdef";

	switch (cp) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '<': return "\\u003c";	/* no </script> or <!-- inside a script */
	case '>': return "\\u003e";
	case '&': return "\\u0026";
	case '\'': return "\\u0027";
	case 0x2028: return "\\u2028";	/* line terminators in JavaScript */
	case 0x2029: return "\\u2029";
	default:
		break;
	}
	if (cp >= 0x20 && cp != 0x7f)
		return NULL;
	tmp[0] = '\\';
	tmp[1] = 'u';
	tmp[2] = '0';
	tmp[3] = '0';
	tmp[4] = hex[(cp >> 4) & 0xf];
	tmp[5] = hex[cp & 0xf];
	tmp[6] = '\0';
	return tmp;
}

int
esc_html(struct buf *out, const char *s, size_t n)
{
	return escape_with(out, s, n, html_map);
}

int
esc_xml(struct buf *out, const char *s, size_t n)
{
	return escape_with(out, s, n, xml_map);
}

int
esc_json(struct buf *out, const char *s, size_t n)
{
	return escape_with(out, s, n, json_map);
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
