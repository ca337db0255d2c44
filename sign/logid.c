/*
 * logid.c — the access log's keyed ids (logid.h, docs/stats.md).
 */
#include <string.h>

#include "logid.h"

void
logmark_key(const struct hmac_key *secret, struct hmac_key *out)
{
	static const char label[] = "onlymatt access-log ids v1";
	unsigned char k[HMAC_LEN];

	hmac_sha256(secret, label, sizeof(label) - 1, k);
	hmac_key_init(out, k, sizeof(k));
	memset(k, 0, sizeof(k));
}

void
logmark_id(const struct hmac_key *k, char tag, const void *p, size_t n,
    char out[LOGMARK_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[HMAC_LEN];
	struct hmac_run r;
	size_t i;

	hmac_begin(&r, k);
	hmac_update(&r, &tag, 1);
	hmac_update(&r, p, n);
	hmac_end(&r, mac);
	for (i = 0; i < LOGMARK_ID_LEN / 2; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[LOGMARK_ID_LEN] = '\0';
}

void
logmark_code(const struct hmac_key *k, const unsigned char hash[HMAC_LEN],
    char out[LOGMARK_ID_LEN + 1])
{
	logmark_id(k, 'c', hash, HMAC_LEN, out);
}
