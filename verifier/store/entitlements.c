/*
 * entitlements.c — make and check the format-2 access cookie.  The grammar
 * is at the top of entitlements.h.
 */
#include <string.h>

#include "b64url.h"
#include "ct.h"
#include "entitlements.h"

void
ents_key(const struct hmac_key *secret, struct hmac_key *out)
{
	unsigned char k[HMAC_LEN];

	hmac_sha256(secret, ENTS_KEY_LABEL, sizeof(ENTS_KEY_LABEL) - 1, k);
	hmac_key_init(out, k, sizeof(k));
	memset(k, 0, sizeof(k));
}

static void
put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)(u & 0xff);
}

static int64_t
get64(const unsigned char *p)
{
	uint64_t u = 0;
	int i;

	for (i = 0; i < 8; i++)
		u = u << 8 | p[i];
	return (int64_t)u;
}

int
ents_add(struct ents *s, const unsigned char hash[HMAC_LEN], int64_t exp)
{
	size_t i;
	int c = 1;

	for (i = 0; i < s->n && (c = memcmp(s->e[i].hash, hash, HMAC_LEN)) < 0; i++)
		;
	if (i < s->n && c == 0) {
		if (exp > s->e[i].exp)
			s->e[i].exp = exp;
		return 0;
	}
	if (s->n >= ENTS_MAX)
		return -1;
	memmove(&s->e[i + 1], &s->e[i], (s->n - i) * sizeof(s->e[0]));
	memcpy(s->e[i].hash, hash, HMAC_LEN);
	s->e[i].exp = exp;
	s->n++;
	return 1;
}

int
ents_encode(const struct hmac_key *k, const struct ents *s, char *out, size_t cap)
{
	unsigned char raw[ENTS_RAW_MAX];
	size_t i, len;

	if (s->n == 0 || s->n > ENTS_MAX || s->issued <= 0 || cap < ENTS_BUFSZ)
		return -1;
	raw[0] = ENTS_VERSION;
	put64(raw + 1, s->issued);
	raw[9] = (unsigned char)s->n;
	for (i = 0; i < s->n; i++) {
		unsigned char *p = raw + ENTS_HEAD_LEN + i * ENTS_ENTRY_LEN;

		if (s->e[i].exp <= 0 ||
		    (i > 0 && memcmp(s->e[i - 1].hash, s->e[i].hash, HMAC_LEN) >= 0))
			return -1;
		memcpy(p, s->e[i].hash, HMAC_LEN);
		put64(p + HMAC_LEN, s->e[i].exp);
	}
	len = ENTS_RAW_LEN(s->n) - HMAC_LEN;
	hmac_sha256(k, raw, len, raw + len);
	memcpy(out, ENTS_TAG, ENTS_TAG_LEN);
	len = b64url_encode(raw, len + HMAC_LEN, out + ENTS_TAG_LEN, cap - ENTS_TAG_LEN);
	return len == 0 ? -1 : (int)(len + ENTS_TAG_LEN);
}

enum ents_err
ents_decode(const struct hmac_key *k, const char *in, size_t n, struct ents *out)
{
	unsigned char raw[ENTS_RAW_MAX], mac[HMAC_LEN];
	size_t i, cnt, body;
	long dl;
	int64_t issued;

	if (n < ENTS_TAG_LEN || memcmp(in, ENTS_TAG, ENTS_TAG_LEN) != 0)
		return ENTS_NOT_V2;
	if (n > ENTS_COOKIE_MAX)
		return ENTS_LENGTH;
	if ((dl = b64url_decode(in + ENTS_TAG_LEN, n - ENTS_TAG_LEN, raw, sizeof(raw))) < 0)
		return ENTS_ENCODING;
	if ((size_t)dl < ENTS_RAW_LEN(1))
		return ENTS_LENGTH;
	cnt = raw[9];
	if (cnt == 0 || cnt > ENTS_MAX)
		return ENTS_FORMAT;
	if ((size_t)dl != ENTS_RAW_LEN(cnt))
		return ENTS_LENGTH;
	if (raw[0] != ENTS_VERSION)
		return ENTS_FORMAT;
	body = (size_t)dl - HMAC_LEN;
	hmac_sha256(k, raw, body, mac);
	if (!ct_memeq(mac, raw + body, HMAC_LEN))
		return ENTS_MAC;
	/* Authentic; these hold for everything ents_encode() writes. */
	if ((issued = get64(raw + 1)) <= 0)
		return ENTS_FORMAT;
	for (i = 0; i < cnt; i++) {
		const unsigned char *p = raw + ENTS_HEAD_LEN + i * ENTS_ENTRY_LEN;

		if (get64(p + HMAC_LEN) <= 0 ||
		    (i > 0 && memcmp(p - ENTS_ENTRY_LEN, p, HMAC_LEN) >= 0))
			return ENTS_FORMAT;
	}
	out->issued = issued;
	out->n = cnt;
	for (i = 0; i < cnt; i++) {
		const unsigned char *p = raw + ENTS_HEAD_LEN + i * ENTS_ENTRY_LEN;

		memcpy(out->e[i].hash, p, HMAC_LEN);
		out->e[i].exp = get64(p + HMAC_LEN);
	}
	return ENTS_OK;
}

const char *
ents_strerror(enum ents_err err)
{
	switch (err) {
	case ENTS_OK:		return "ok";
	case ENTS_NOT_V2:	return "not a format-2 cookie";
	case ENTS_LENGTH:	return "cookie too long or not the length its count says";
	case ENTS_ENCODING:	return "cookie is not base64url";
	case ENTS_FORMAT:	return "cookie fields are malformed";
	case ENTS_MAC:		return "cookie signature does not match";
	}
	return "invalid cookie";
}
