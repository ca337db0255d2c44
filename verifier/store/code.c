/*
 * code.c — normalise, format and mint short access codes.  See code.h.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "code.h"

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

enum code_err
code_normalise(const char *in, size_t n, const char *prefix, char out[CODE_BUFSZ])
{
	char s[CODE_INPUT_MAX];
	size_t i, k = 0, nd, o, plen = strlen(prefix);
	const char *d;

	out[0] = '\0';
	if (n > CODE_INPUT_MAX)
		return CODE_TOO_LONG;
	if (!code_prefix_ok(prefix))
		return CODE_BAD_PREFIX;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return CODE_BAD_CHAR;
		s[k++] = c;
	}
	if (k == 0)
		return CODE_EMPTY;
	if (k >= plen && memcmp(s, prefix, plen) == 0 &&
	    (k == plen + 8 || k == plen + 12))
		d = s + plen;
	else if (k == 8 || k == 12)
		d = s;			/* prefix left out */
	else if (k >= plen && memcmp(s, prefix, plen) == 0)
		return CODE_BAD_DIGITS;
	else
		return k > 12 ? CODE_BAD_PREFIX : CODE_BAD_DIGITS;
	nd = (size_t)(s + k - d);
	for (i = 0; i < nd; i++)
		if (!is_hex(d[i]))	/* 12 bytes unprefixed: more likely a wrong prefix */
			return d == s && nd == 12 ? CODE_BAD_PREFIX : CODE_BAD_DIGITS;
	/* PREFIX then "-XXXX" per 4 digits; plen <= CODE_PREFIX_MAX
	 * (code_prefix_ok) and nd <= 12, so it fits CODE_BUFSZ. */
	memcpy(out, prefix, plen);
	o = plen;
	for (i = 0; i < nd; i += 4) {
		out[o++] = '-';
		memcpy(out + o, d + i, 4);
		o += 4;
	}
	out[o] = '\0';
	return CODE_OK;
}

void
code_format(const char *prefix, const unsigned char r[CODE_RANDOM_BYTES],
    char out[CODE_BUFSZ])
{
	snprintf(out, CODE_BUFSZ, "%.*s-%02X%02X-%02X%02X-%02X%02X",
	    CODE_PREFIX_MAX, prefix, r[0], r[1], r[2], r[3], r[4], r[5]);
}

int
code_mint(const char *prefix, char out[CODE_BUFSZ])
{
	unsigned char r[CODE_RANDOM_BYTES];

	if (!code_prefix_ok(prefix) || RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	code_format(prefix, r, out);
	return 0;
}

const char *
code_strerror(enum code_err err)
{
	switch (err) {
	case CODE_OK:		return "ok";
	case CODE_EMPTY:	return "empty code";
	case CODE_TOO_LONG:	return "code too long";
	case CODE_BAD_CHAR:	return "code has a character other than letters, digits, spaces and dashes";
	case CODE_BAD_PREFIX:	return "code has the wrong prefix";
	case CODE_BAD_DIGITS:	return "code needs 12 (or, for an old code, 8) hex digits after the prefix";
	}
	return "invalid code";
}
