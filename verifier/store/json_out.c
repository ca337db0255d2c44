/*
 * json_out.c — JSON string literals for the verifier's answers.  See
 * json_out.h.
 */
#include "json_out.h"
#include "utf8.h"

static void
u_escape(struct sout *o, uint32_t c)
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
	uint32_t cp;
	size_t i = 0, len;

	sout_put(o, "\"", 1);
	while (i < n) {
		if ((len = utf8_decode(p + i, n - i, &cp)) == 0) {
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
