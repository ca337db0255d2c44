/*
 * legacy_token.h — long tokens, exactly the legacy system's format.
 *
 * Grammar (all ASCII):
 *   token = b64url( code "|" exp "|" sig )        no '=' padding
 *   code  = 1*32 ( ALPHA / DIGIT / "-" )         the short code as minted
 *   exp   = "0" / ( %x31-39 *11DIGIT )           Unix seconds, decimal
 *   sig   = b64url( HMAC-SHA256(SECRET_KEY, code "|" exp) )   43 chars
 *
 * Checks run cheapest first: total length, alphabet, decoding, field shapes,
 * then the MAC, compared in constant time.  Expiry is the caller's business
 * (ltoken_verify reports exp); a token is expired from second exp on.
 */
#ifndef ONLY_LEGACY_TOKEN_H
#define ONLY_LEGACY_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "hmac.h"

#define LTOKEN_CODE_MAX	32
#define LTOKEN_EXP_MAX	12	/* digits: enough until year 33658 */
#define LTOKEN_SIG_LEN	43
/* Longest decoded text and its encoding; longer input is refused unread. */
#define LTOKEN_RAW_MAX	(LTOKEN_CODE_MAX + 1 + LTOKEN_EXP_MAX + 1 + LTOKEN_SIG_LEN)
#define LTOKEN_MAX	((LTOKEN_RAW_MAX + 2) / 3 * 4)
#define LTOKEN_BUFSZ	(LTOKEN_MAX + 1)

enum ltoken_err {
	LTOKEN_OK = 0,
	LTOKEN_LENGTH,		/* empty or longer than LTOKEN_MAX */
	LTOKEN_ALPHABET,	/* not base64url */
	LTOKEN_FORMAT,		/* decodes, but not code|exp|sig */
	LTOKEN_MAC,		/* well-formed, wrong signature */
};

struct ltoken {
	char	 code[LTOKEN_CODE_MAX + 1];	/* as signed, NUL-terminated */
	int64_t	 exp;
};

/*
 * Writes the long token for code and exp into out (cap bytes, at least
 * LTOKEN_BUFSZ).  Returns its length, or -1 when code does not fit the
 * grammar above or exp is negative.
 */
int	ltoken_make(const struct hmac_key *k, const char *code, int64_t exp,
	    char *out, size_t cap);

/* Parses and authenticates n bytes at tok; fills *out only on LTOKEN_OK. */
enum ltoken_err	ltoken_verify(const struct hmac_key *k, const char *tok, size_t n,
		    struct ltoken *out);

const char	*ltoken_strerror(enum ltoken_err err);

#endif
