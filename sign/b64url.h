/*
 * b64url.h — base64url (RFC 4648 §5) without padding, strict decoding.
 *
 * No allocation: callers pass the output buffer and its capacity.
 */
#ifndef ONLY_B64URL_H
#define ONLY_B64URL_H

#include <stddef.h>

/* Characters needed to encode n bytes, without padding and without the NUL. */
#define B64URL_ENCLEN(n)	(((n) / 3) * 4 + (((n) % 3) ? ((n) % 3) + 1 : 0))

/*
 * Encodes n bytes of in as base64url without '=' padding into out and
 * NUL-terminates it.  Returns the number of characters written (not counting
 * the NUL), or 0 when cap is smaller than B64URL_ENCLEN(n) + 1 (and n > 0).
 */
size_t	b64url_encode(const void *in, size_t n, char *out, size_t cap);

/*
 * Decodes n characters of base64url text (no padding, no whitespace).
 * Strict: every character must be in [A-Za-z0-9_-], n % 4 must not be 1,
 * and the unused low bits of the last character must be zero (so each byte
 * string has exactly one accepted encoding).  Returns the decoded length, or
 * -1 on malformed input or when the result would not fit in cap bytes.
 */
long	b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap);

/* 1 when every one of the n characters is in the base64url alphabet. */
int	b64url_alphabet_ok(const char *in, size_t n);

#endif
