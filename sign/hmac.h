/*
 * hmac.h — HMAC-SHA256 with a pre-keyed context (RFC 2104).
 *
 * hmac_key_init() hashes the ipad and opad blocks once; every MAC after that
 * copies two plain SHA256_CTX structs (no allocation, no algorithm fetch).
 * OpenSSL 3's one-shot HMAC() fetches the algorithm and allocates contexts
 * on each call (~5 µs); this costs well under 1 µs for short messages.
 * A struct hmac_key holds key-derived state: wipe it with hmac_key_wipe().
 */
#ifndef ONLY_HMAC_H
#define ONLY_HMAC_H

/* The SHA256_* low-level API is deprecated in OpenSSL 3 but fully supported;
 * it is the only one whose context is a plain copyable struct. */
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>
#include <stddef.h>

#define HMAC_LEN 32

struct hmac_key {
	SHA256_CTX	inner;	/* state after absorbing key ^ ipad */
	SHA256_CTX	outer;	/* state after absorbing key ^ opad */
};

/* A MAC in progress: hmac_begin, any number of hmac_update, hmac_end. */
struct hmac_run {
	SHA256_CTX		 c;
	const struct hmac_key	*k;
};

/* Prepares k for key (len bytes, any length). */
void	hmac_key_init(struct hmac_key *k, const void *key, size_t len);
void	hmac_key_wipe(struct hmac_key *k);

void	hmac_begin(struct hmac_run *r, const struct hmac_key *k);
void	hmac_update(struct hmac_run *r, const void *p, size_t n);
void	hmac_end(struct hmac_run *r, unsigned char out[HMAC_LEN]);

/* One-shot: out = HMAC-SHA256(k, msg). */
void	hmac_sha256(const struct hmac_key *k, const void *msg, size_t n,
	    unsigned char out[HMAC_LEN]);

#endif
