/*
 * entitlements.h — the access_token cookie (format 2): every unlock a device
 * holds, signed, without any code in clear.
 *
 * Grammar:
 *   cookie  = "e2." b64url( raw )                 no '=' padding
 *   raw     = version issued count *entry mac
 *   version = %x02
 *   issued  = int64, big-endian                    Unix s the cookie was made
 *   count   = 1 byte, 1..ENTS_MAX
 *   entry   = hash exp                             ordered by hash, strictly
 *   hash    = 32 bytes: the code's store key, HMAC-SHA256(SECRET_KEY, code)
 *   exp     = int64, big-endian                    Unix s; expired from then
 *   mac     = HMAC-SHA256(K, version issued count *entry)
 *   K       = HMAC-SHA256(SECRET_KEY, ENTS_KEY_LABEL)
 *
 * K is a key of its own (domain separation): the label has lower-case
 * letters and spaces, which no code has, so no store key and no legacy
 * signature (over "code|exp") is ever computed under it.  An entry only
 * names a row of tokens.db: the verifier still checks that row (revoked,
 * expired, level, video) on every request, so the cookie grants nothing
 * the store does not.  At ENTS_MAX entries the cookie is
 * ENTS_COOKIE_MAX = 1 766 bytes, well under the 4 096 browsers keep.
 *
 * ents_decode() is strict: exact length for the count, a canonical
 * encoding, entries in strictly increasing hash order (so no duplicates and
 * a single accepted byte string per set), positive times; the MAC is
 * compared in constant time.  No allocation, no recursion.
 */
#ifndef ONLY_ENTITLEMENTS_H
#define ONLY_ENTITLEMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "hmac.h"

#define ENTS_MAX	32
#define ENTS_VERSION	2
#define ENTS_TAG	"e2."
#define ENTS_TAG_LEN	3
#define ENTS_KEY_LABEL	"onlymatt access cookie v2"
#define ENTS_ENTRY_LEN	(HMAC_LEN + 8)
#define ENTS_HEAD_LEN	(1 + 8 + 1)
#define ENTS_RAW_LEN(n)	(ENTS_HEAD_LEN + (n) * ENTS_ENTRY_LEN + HMAC_LEN)
#define ENTS_RAW_MAX	ENTS_RAW_LEN(ENTS_MAX)
#define ENTS_COOKIE_MAX	(ENTS_TAG_LEN + (ENTS_RAW_MAX / 3) * 4 + \
			 ((ENTS_RAW_MAX % 3) ? (ENTS_RAW_MAX % 3) + 1 : 0))
#define ENTS_BUFSZ	(ENTS_COOKIE_MAX + 1)

struct ent {
	unsigned char	hash[HMAC_LEN];
	int64_t		exp;
};

struct ents {
	int64_t		issued;
	size_t		n;
	struct ent	e[ENTS_MAX];	/* ordered by hash */
};

enum ents_err {
	ENTS_OK = 0,
	ENTS_NOT_V2,	/* no "e2." tag: maybe a legacy token */
	ENTS_LENGTH,	/* too long, or not the length its count says */
	ENTS_ENCODING,	/* not strict base64url */
	ENTS_FORMAT,	/* version, count, order or a time is wrong */
	ENTS_MAC,	/* well-formed, wrong signature */
};

/* Derives the cookie key K from the SECRET_KEY context. */
void	ents_key(const struct hmac_key *secret, struct hmac_key *out);

/*
 * Adds (hash, exp), keeping the order; the same hash again only takes the
 * later exp.  Returns 1 added, 0 already there, -1 full (nothing changed).
 */
int	ents_add(struct ents *s, const unsigned char hash[HMAC_LEN], int64_t exp);

/*
 * Writes the cookie value for s (1..ENTS_MAX entries in order, issued and
 * every exp > 0) into out (cap >= ENTS_BUFSZ).  Returns its length, or -1.
 */
int	ents_encode(const struct hmac_key *k, const struct ents *s, char *out, size_t cap);

/* Parses and authenticates n bytes at in; fills *out only on ENTS_OK. */
enum ents_err	ents_decode(const struct hmac_key *k, const char *in, size_t n,
		    struct ents *out);

const char	*ents_strerror(enum ents_err err);

#endif
