/*
 * logid.h — the keyed ids of the access log (X-Only-Code, X-Only-Viewer;
 * verifier/module/logmark.h says what each carries): the key derivation
 * and the id, in one place for the verifier that writes them and for
 * `onlytoken list` / `revoke --log-id`, which must name the same code.
 */
#ifndef ONLY_LOGID_H
#define ONLY_LOGID_H

#include <stddef.h>

#include "hmac.h"

#define LOGMARK_ID_LEN	12	/* hex digits: 48 bits, collisions negligible below 10^6 */

/* K: a key of its own, derived from the SECRET_KEY context. */
void	logmark_key(const struct hmac_key *secret, struct hmac_key *out);

/* out = first LOGMARK_ID_LEN hex digits of HMAC(k, tag || p[0..n)). */
void	logmark_id(const struct hmac_key *k, char tag, const void *p, size_t n,
	    char out[LOGMARK_ID_LEN + 1]);

/* A code's id (X-Only-Code): logmark_id(k, 'c', the code's store hash):
 * what the verifier logs and what onlytoken lists and revokes by. */
void	logmark_code(const struct hmac_key *k, const unsigned char hash[HMAC_LEN],
	    char out[LOGMARK_ID_LEN + 1]);

#endif
