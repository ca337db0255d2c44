/*
 * hmac.c — pre-keyed HMAC-SHA256 over OpenSSL's SHA256_CTX.  See hmac.h.
 */
#include "hmac.h"	/* first: it sets OPENSSL_SUPPRESS_DEPRECATED */

#include <string.h>

#include <openssl/crypto.h>

#define BLOCK 64

void
hmac_key_init(struct hmac_key *k, const void *key, size_t len)
{
	unsigned char kb[BLOCK], pad[BLOCK];
	size_t i;

	memset(kb, 0, sizeof(kb));
	if (len > BLOCK)
		SHA256(key, len, kb);
	else if (len > 0)
		memcpy(kb, key, len);
	for (i = 0; i < BLOCK; i++)
		pad[i] = kb[i] ^ 0x36;
	SHA256_Init(&k->inner);
	SHA256_Update(&k->inner, pad, BLOCK);
	for (i = 0; i < BLOCK; i++)
		pad[i] = kb[i] ^ 0x5c;
	SHA256_Init(&k->outer);
	SHA256_Update(&k->outer, pad, BLOCK);
	OPENSSL_cleanse(kb, sizeof(kb));
	OPENSSL_cleanse(pad, sizeof(pad));
}

void
hmac_key_wipe(struct hmac_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

void
hmac_begin(struct hmac_run *r, const struct hmac_key *k)
{
	r->c = k->inner;
	r->k = k;
}

void
hmac_update(struct hmac_run *r, const void *p, size_t n)
{
	if (n > 0)
		SHA256_Update(&r->c, p, n);
}

void
hmac_end(struct hmac_run *r, unsigned char out[HMAC_LEN])
{
	unsigned char ih[HMAC_LEN];

	SHA256_Final(ih, &r->c);
	r->c = r->k->outer;
	SHA256_Update(&r->c, ih, sizeof(ih));
	SHA256_Final(out, &r->c);
	OPENSSL_cleanse(&r->c, sizeof(r->c));
}

void
hmac_sha256(const struct hmac_key *k, const void *msg, size_t n,
    unsigned char out[HMAC_LEN])
{
	struct hmac_run r;

	hmac_begin(&r, k);
	hmac_update(&r, msg, n);
	hmac_end(&r, out);
}
