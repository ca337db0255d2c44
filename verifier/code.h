/*
 * code.h — short access codes: PREFIX-XXXX-XXXX (the legacy shape).
 *
 * PREFIX is 1..CODE_PREFIX_MAX characters of [A-Z0-9] (CODE_PREFIX in the
 * keys file, default OM43); each XXXX is two random bytes as upper-case hex,
 * so a code carries 32 random bits.  No allocation; fixed-size outputs.
 */
#ifndef ONLY_CODE_H
#define ONLY_CODE_H

#include <stddef.h>

#define CODE_PREFIX_DEFAULT	"OM43"
#define CODE_PREFIX_MAX		8
#define CODE_INPUT_MAX		64	/* longer input is refused before parsing */
#define CODE_BUFSZ		(CODE_PREFIX_MAX + 11)	/* "-XXXX-XXXX" + NUL */

enum code_err {
	CODE_OK = 0,
	CODE_EMPTY,		/* nothing but separators */
	CODE_TOO_LONG,		/* more than CODE_INPUT_MAX bytes */
	CODE_BAD_CHAR,		/* a byte other than [A-Za-z0-9], space, tab, '-' */
	CODE_BAD_PREFIX,	/* another prefix than the configured one */
	CODE_BAD_DIGITS,	/* not exactly 8 hex digits after the prefix */
};

/* 1 when prefix is a valid code prefix (1..8 of [A-Z0-9]). */
int	code_prefix_ok(const char *prefix);

/*
 * Normalises what a viewer typed (n bytes at in, may hold NUL bytes) into the
 * canonical "PREFIX-XXXX-XXXX" in out: case folded, spaces and dashes
 * anywhere ignored, and a missing prefix supplied ("9f2a0c71" is accepted).
 * Returns CODE_OK or the reason the input is not a code.
 */
enum code_err	code_normalise(const char *in, size_t n, const char *prefix,
		    char out[CODE_BUFSZ]);

/* Writes "PREFIX-XXXX-XXXX" for the 4 random bytes rnd. */
void	code_format(const char *prefix, const unsigned char rnd[4],
	    char out[CODE_BUFSZ]);

/* Mints a new code from the OpenSSL CSPRNG; 0 ok, -1 if the RNG failed. */
int	code_mint(const char *prefix, char out[CODE_BUFSZ]);

/* A short English reason for err. */
const char	*code_strerror(enum code_err err);

#endif
