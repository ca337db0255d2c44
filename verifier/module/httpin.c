/*
 * httpin.c — form, JSON and cookie parsing for the API.  See httpin.h.
 */
#include <string.h>

#include "httpin.h"
#include "hex.h"
#include "utf8.h"

#define JSON_MEMBERS_MAX 32

/* URL-decodes (s, n) into out; -2 on malformed or too long. */
static long
urldec(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n || (h = hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (l = hex_digit((unsigned char)s[i + 2])) < 0)
				return -2;
			c = (char)(h << 4 | l);
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (o + 1 >= cap)
			return -2;
		out[o++] = c;
	}
	out[o] = '\0';
	return (long)o;
}

long
form_get(const char *body, size_t n, const char *name, char *out, size_t cap)
{
	char key[64];
	const char *s = body, *end = body + n;
	long kl;

	if (cap == 0)
		return -2;
	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *e = amp ? amp : end;
		const char *eq = memchr(s, '=', (size_t)(e - s));

		kl = urldec(s, (size_t)((eq ? eq : e) - s), key, sizeof(key));
		if (kl >= 0 && (size_t)kl == strlen(name) && memcmp(key, name, (size_t)kl) == 0)
			return eq ? urldec(eq + 1, (size_t)(e - eq - 1), out, cap) :
			    (out[0] = '\0', 0);
		s = amp ? amp + 1 : end;
	}
	return -1;
}

struct jp {
	const char	*p, *end;
};

static void
ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	    *j->p == '\r'))
		j->p++;
}

/* Parses a JSON string at j->p into out (NULL: skip); -2 on error. */
static long
jstring(struct jp *j, char *out, size_t cap)
{
	size_t o = 0;
	unsigned u;
	int i, h;

	if (j->p >= j->end || *j->p != '"')
		return -2;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;
		char enc[4];
		size_t en = 1;

		if (c < 0x20)
			return -2;
		enc[0] = (char)c;
		if (c == '\\') {
			if (j->p >= j->end)
				return -2;
			c = (unsigned char)*j->p++;
			switch (c) {
			case '"': case '\\': case '/': enc[0] = (char)c; break;
			case 'b': enc[0] = '\b'; break;
			case 'f': enc[0] = '\f'; break;
			case 'n': enc[0] = '\n'; break;
			case 'r': enc[0] = '\r'; break;
			case 't': enc[0] = '\t'; break;
			case 'u':
				if (j->end - j->p < 4)
					return -2;
				for (u = 0, i = 0; i < 4; i++) {
					if ((h = hex_digit((unsigned char)j->p[i])) < 0)
						return -2;
					u = u << 4 | (unsigned)h;
				}
				j->p += 4;
				if (u >= 0xd800 && u <= 0xdfff)
					return -2;	/* surrogates: not for codes */
				en = utf8_encode(u, enc);
				break;
			default:
				return -2;
			}
		}
		if (out != NULL) {
			if (o + en >= cap)
				return -2;
			memcpy(out + o, enc, en);
		}
		o += en;
	}
	if (j->p >= j->end)
		return -2;
	j->p++;
	if (out != NULL)
		out[o] = '\0';
	return (long)o;
}

/* Skips a scalar that is not a string: number, true, false, null. */
static int
jscalar(struct jp *j)
{
	const char *s = j->p;

	while (j->p < j->end && (strchr("+-.eE", *j->p) ||
	    (*j->p >= '0' && *j->p <= '9') || (*j->p >= 'a' && *j->p <= 'z')))
		j->p++;
	return j->p > s ? 0 : -2;
}

long
json_get(const char *body, size_t n, const char *name, char *out, size_t cap)
{
	struct jp j = { body, body + n };
	char key[64];
	long kl, found = -1, r;
	int members = 0;

	if (cap == 0)
		return -2;
	ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		return -2;
	ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto tail;
	}
	for (;;) {
		if (++members > JSON_MEMBERS_MAX)
			return -2;
		ws(&j);
		if ((kl = jstring(&j, key, sizeof(key))) < 0)
			return -2;
		ws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			return -2;
		ws(&j);
		if (j.p < j.end && *j.p == '"') {
			int want = found == -1 && (size_t)kl == strlen(name) &&
			    memcmp(key, name, (size_t)kl) == 0;
			r = jstring(&j, want ? out : NULL, cap);
			if (r < 0)
				return -2;
			if (want)
				found = r;
		} else if (jscalar(&j) != 0)
			return -2;
		ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}') {
			j.p++;
			break;
		}
		return -2;
	}
tail:
	ws(&j);
	if (j.p != j.end)
		return -2;
	return found;
}

/*
 * The next name=value pair of a Cookie header from *s (end: the header's
 * end): the name, and the value with the blanks after it trimmed; *s moves
 * past the pair's ';'.  A part without '=' is skipped.  0 at the end.
 */
static int
next_pair(const char **s, const char *end, const char **name, size_t *nlen,
    const char **val, size_t *vlen)
{
	while (*s < end) {
		const char *p = *s, *semi = memchr(p, ';', (size_t)(end - p));
		const char *e = semi ? semi : end, *eq;

		*s = semi ? semi + 1 : end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL)
			continue;
		while (e > eq + 1 && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*name = p;
		*nlen = (size_t)(eq - p);
		*val = eq + 1;
		*vlen = (size_t)(e - eq - 1);
		return 1;
	}
	return 0;
}

int
cookie_get(const char *h, size_t n, const char *name, const char **val, size_t *vlen)
{
	size_t nl = strlen(name), kl;
	const char *s = h, *k;

	while (next_pair(&s, h + n, &k, &kl, val, vlen))
		if (kl == nl && memcmp(k, name, nl) == 0)
			return 1;
	return 0;
}

int
cookie_next_prefixed(const char **h, size_t *n, const char *prefix, const char **name,
    size_t *nlen, const char **val, size_t *vlen)
{
	size_t pl = strlen(prefix);
	const char *s = *h, *end = *h + *n;
	int found = 0;

	while (!found && next_pair(&s, end, name, nlen, val, vlen))
		found = *nlen > pl && memcmp(*name, prefix, pl) == 0;
	*n = (size_t)(end - s);
	*h = s;
	return found;
}

int
cookie_next(const char **h, size_t *n, const char *name, const char **val, size_t *vlen)
{
	if (!cookie_get(*h, *n, name, val, vlen))
		return 0;
	*n -= (size_t)(*val + *vlen - *h);
	*h = *val + *vlen;
	return 1;
}
