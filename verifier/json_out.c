/*
 * json_out.c — JSON string literals for the verifier's answers.  See
 * json_out.h.
 */
#include "json_out.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid;
 * its code point in *cp. */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c;
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
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void
u_escape(struct sout *o, unsigned long c)
{
	static const char hx[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hx[(c >> 12) & 15], hx[(c >> 8) & 15],
	    hx[(c >> 4) & 15], hx[c & 15] };

	sout_put(o, e, sizeof(e));
}

void
json_out_str(struct sout *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, len;

	sout_put(o, "\"", 1);
	while (i < n) {
		if ((len = utf8_seq(p + i, n - i, &cp)) == 0) {
			u_escape(o, 0xfffd);
			i++;
			continue;
		}
		if (cp == '"')
			sout_put(o, "\\\"", 2);
		else if (cp == '\\')
			sout_put(o, "\\\\", 2);
		else if (cp < 0x20 || cp == 0x7f || cp == '<' || cp == '>' || cp == '&' ||
		    cp == 0x2028 || cp == 0x2029)
			u_escape(o, cp);
		else
			sout_put(o, s + i, len);
		i += len;
	}
	sout_put(o, "\"", 1);
}

size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n <= max)
		return n;
	/* back off continuation bytes so the cut is not inside a character */
	while (max > 0 && (p[max] & 0xc0) == 0x80)
		max--;
	return max;
}
