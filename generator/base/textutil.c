/*
 * textutil.c — UTF-8 repair, slugs and GUID checks for catalog strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textutil.h"
#include "utf8.h"

char *
text_utf8_dup(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *q;
	size_t i, len, outlen = 0;
	uint32_t cp;
	int pass;

	/* Valid text (the usual case) is copied as it is: ASCII is checked a
	 * byte at a time without decoding, the rest by utf8_decode. */
	for (i = 0; i < n; i += len) {
		if (p[i] != 0 && p[i] < 0x80)
			len = 1;
		else if (p[i] == 0 || (len = utf8_decode(p + i, n - i, &cp)) == 0)
			break;
	}
	if (i == n) {
		if (n == SIZE_MAX || (out = malloc(n + 1)) == NULL)
			return NULL;
		memcpy(out, s, n);
		out[n] = '\0';
		return out;
	}
	/* Pass 0 measures, pass 1 copies: the result is allocated exactly. */
	for (pass = 0, out = q = NULL; pass < 2; pass++) {
		for (i = 0; i < n;) {
			if (p[i] == 0) {
				i++;
				continue;
			}
			if ((len = utf8_decode(p + i, n - i, &cp)) == 0) {
				if (pass)
					memcpy(q, "\xef\xbf\xbd", 3), q += 3;
				else if ((outlen += 3) < 3)
					return NULL;
				i++;
				continue;
			}
			if (pass)
				memcpy(q, p + i, len), q += len;
			else
				outlen += len;
			i += len;
		}
		if (!pass) {
			if (outlen == SIZE_MAX || (out = q = malloc(outlen + 1)) == NULL)
				return NULL;
		}
	}
	*q = '\0';
	return out;
}

/*
 * ASCII transliterations of U+00C0..U+00FF and U+0100..U+017F.  A letter
 * stands for itself; 'A' is "ae", 'T' "th", 'S' "ss", 'I' "ij", 'O' "oe";
 * ' ' is a separator (× and ÷).
 */
static const char latin1[] =
    "aaaaaaAceeeeiiiidnooooo ouuuuyTS"
    "aaaaaaAceeeeiiiidnooooo ouuuuyTy";
static const char latin_ext_a[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiIIjjkkk"
    "llllllllllnnnnnnnnnooooooOOrrrrrrsssssssstttttt"
    "uuuuuuuuuuuuwwyyyzzzzzzs";

static const char *
translit(uint32_t cp)
{
	static const char *const multi[] = { "ae", "th", "ss", "ij", "oe" };
	char c;

	if (cp >= 0xc0 && cp <= 0xff)
		c = latin1[cp - 0xc0];
	else if (cp >= 0x100 && cp <= 0x17f)
		c = latin_ext_a[cp - 0x100];
	else
		return NULL;
	switch (c) {
	case 'A': return multi[0];
	case 'T': return multi[1];
	case 'S': return multi[2];
	case 'I': return multi[3];
	case 'O': return multi[4];
	case ' ': return NULL;
	default: break;
	}
	/* Point into the table: a one-letter string needs its own storage. */
	{
		static const char letters[] = "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0"
		    "n\0o\0p\0q\0r\0s\0t\0u\0v\0w\0x\0y\0z";
		return letters + 2 * (c - 'a');
	}
}

size_t
text_slugify(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len, o = 0, max;
	int sep = 0;
	uint32_t cp;
	const char *t;

	max = outlen - 1 < SLUG_MAX ? outlen - 1 : SLUG_MAX;
	while (i < n && o < max) {
		if ((len = utf8_decode(p + i, n - i, &cp)) == 0) {
			len = 1;
			cp = 0xfffd;
		}
		i += len;
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			t = NULL;
		else if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A', t = NULL;
		else if (cp == '\'' || cp == 0x2019 || (cp >= 0x300 && cp <= 0x36f))
			continue;	/* apostrophes, combining marks: dropped */
		else if ((t = translit(cp)) == NULL) {
			sep = 1;
			continue;
		}
		if (sep && o > 0 && o + 1 < max)
			out[o++] = '-';
		sep = 0;
		if (t == NULL)
			out[o++] = (char)cp;
		else
			while (*t != '\0' && o < max)
				out[o++] = *t++;
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	return o;
}

int
text_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
text_casecmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
	} while (ca == cb && ca != '\0');
	return (int)ca - (int)cb;
}

int
text_link_ok(const char *s, size_t max, int allow_path)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("\"'<>\\`{}|^", s[i]) != NULL)
			return 0;
	if (s[0] == '/')
		return allow_path && (n == 1 || s[1] != '/');
	if (strncmp(s, "https://", 8) == 0)
		return n > 8 && s[8] != '/';
	if (strncmp(s, "http://", 7) == 0)
		return n > 7 && s[7] != '/';
	return 0;
}

int
text_base_url_ok(const char *s, size_t max)
{
	return text_link_ok(s, max, 0) && strpbrk(s, "?#") == NULL;
}
