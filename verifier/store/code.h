/*
 * code.h — short access codes: PREFIX-XXXX-XXXX-XXXX, and the legacy
 * PREFIX-XXXX-XXXX.
 *
 * PREFIX is 1..CODE_PREFIX_MAX characters of [A-Z0-9] (CODE_PREFIX in the
 * keys file, default OM43); each XXXX is two random bytes as upper-case hex.
 * New codes carry 48 random bits (12 hex digits); codes minted before them
 * (and by the legacy system) carry 32 (8 digits) and still redeem.  No
 * allocation; fixed-size outputs.
 */
#ifndef ONLY_CODE_H
#define ONLY_CODE_H

#include <stddef.h>

#include "code_prefix.h"	/* CODE_PREFIX_DEFAULT, CODE_PREFIX_MAX, code_prefix_ok */
#define CODE_INPUT_MAX		64	/* longer input is refused before parsing */
#define CODE_RANDOM_BYTES	6	/* new codes: 48 bits, 12 hex digits */
#define CODE_LEGACY_BYTES	4	/* legacy codes: 32 bits, 8 hex digits */
#define CODE_BUFSZ		(CODE_PREFIX_MAX + 16)	/* "-XXXX-XXXX-XXXX" + NUL */

enum code_err {
	CODE_OK = 0,
	CODE_EMPTY,		/* nothing but separators */
	CODE_TOO_LONG,		/* more than CODE_INPUT_MAX bytes */
	CODE_BAD_CHAR,		/* a byte other than [A-Za-z0-9], space, tab, '-' */
	CODE_BAD_PREFIX,	/* another prefix than the configured one */
	CODE_BAD_DIGITS,	/* not exactly 12 (or legacy 8) hex digits after the prefix */
};

/*
 * Normalises what a viewer typed (n bytes at in, may hold NUL bytes) into the
 * canonical "PREFIX-XXXX-XXXX-XXXX" (12 digits) or legacy "PREFIX-XXXX-XXXX"
 * (8 digits) in out: case folded, spaces and dashes anywhere ignored, and a
 * missing prefix supplied ("9f2a0c71b3e4" and "9f2a0c71" are accepted).
 * Input that starts with the prefix is read as prefix + digits first: with
 * an all-hex prefix such as "AB12", "AB12CDEF0123" is the legacy
 * AB12-CDEF-0123.  Returns CODE_OK or the reason the input is not a code.
 */
enum code_err	code_normalise(const char *in, size_t n, const char *prefix,
		    char out[CODE_BUFSZ]);

/* Writes "PREFIX-XXXX-XXXX-XXXX" for the 6 random bytes rnd. */
void	code_format(const char *prefix, const unsigned char rnd[CODE_RANDOM_BYTES],
	    char out[CODE_BUFSZ]);

/* Mints a new 48-bit code from the OpenSSL CSPRNG; 0 ok, -1 if the RNG failed. */
int	code_mint(const char *prefix, char out[CODE_BUFSZ]);

/* A short English reason for err. */
const char	*code_strerror(enum code_err err);

#endif
