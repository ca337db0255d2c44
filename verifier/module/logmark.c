/*
 * logmark.c — the ids the access log carries (logmark.h, docs/stats.md).
 */
#include <string.h>

#include "logmark.h"
#include "netaddr.h"

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
logmark_viewer(const struct hmac_key *k, const char *ip, char out[LOGMARK_ID_LEN + 1])
{
	struct netaddr a;
	unsigned char b[17];

	out[0] = '\0';
	if (ip == NULL || netaddr_parse(ip, &a) != 0)
		return;
	/* /24 or /48: a household or small office, never one address. */
	memset(b, 0, sizeof(b));
	b[0] = (unsigned char)a.fam;
	memcpy(b + 1, a.b, a.fam == 4 ? 3 : 6);
	logmark_id(k, 'v', b, sizeof(b), out);
}
