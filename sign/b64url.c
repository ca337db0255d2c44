/*
 * b64url.c — base64url encode/decode without padding.  See b64url.h.
 */
#include <stdint.h>

#include "b64url.h"

static const char enc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of a base64url character, or -1. */
static int
dec(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

size_t
b64url_encode(const void *vin, size_t n, char *out, size_t cap)
{
	const unsigned char *in = vin;
	size_t i, o = 0, need = B64URL_ENCLEN(n);
	uint32_t v;

	if (cap < need + 1)
		return 0;
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = enc[v >> 18 & 63];
		out[o++] = enc[v >> 12 & 63];
		out[o++] = enc[v >> 6 & 63];
		out[o++] = enc[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = enc[v >> 18 & 63];
		out[o++] = enc[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = enc[v >> 18 & 63];
		out[o++] = enc[v >> 12 & 63];
		out[o++] = enc[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

int
b64url_alphabet_ok(const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dec((unsigned char)in[i]) < 0)
			return 0;
	return 1;
}

long
b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
	size_t i, o = 0, rem = n % 4, need;
	int a, b, c, d;

	if (rem == 1)
		return -1;
	need = n / 4 * 3 + (rem ? rem - 1 : 0);
	if (need > cap)
		return -1;
	for (i = 0; i + 4 <= n; i += 4) {
		a = dec((unsigned char)in[i]);
		b = dec((unsigned char)in[i + 1]);
		c = dec((unsigned char)in[i + 2]);
		d = dec((unsigned char)in[i + 3]);
		if ((a | b | c | d) < 0)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		out[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	if (rem >= 2) {
		a = dec((unsigned char)in[i]);
		b = dec((unsigned char)in[i + 1]);
		if ((a | b) < 0)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (rem == 2) {
			if (b & 15)
				return -1;	/* non-canonical trailing bits */
		} else {
			c = dec((unsigned char)in[i + 2]);
			if (c < 0 || (c & 3))
				return -1;
			out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		}
	}
	return (long)o;
}
