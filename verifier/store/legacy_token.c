/*
 * legacy_token.c — make, parse and verify long tokens.  The grammar is at
 * the top of legacy_token.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "b64url.h"
#include "ct.h"
#include "legacy_token.h"

static int
code_chars_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LTOKEN_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/* The 43-character signature of "code|exp" (msg, n bytes). */
static void
sign(const struct hmac_key *k, const char *msg, size_t n, char sig[LTOKEN_SIG_LEN + 1])
{
	unsigned char mac[HMAC_LEN];

	hmac_sha256(k, msg, n, mac);
	b64url_encode(mac, sizeof(mac), sig, LTOKEN_SIG_LEN + 1);
}

int
ltoken_make(const struct hmac_key *k, const char *code, int64_t exp,
    char *out, size_t cap)
{
	char raw[LTOKEN_RAW_MAX + 1];
	size_t clen = strlen(code);
	int n;

	if (!code_chars_ok(code, clen) || exp < 0 || cap < LTOKEN_BUFSZ)
		return -1;
	n = snprintf(raw, sizeof(raw), "%s|%" PRId64, code, exp);
	if (n < 0 || (size_t)n + 1 + LTOKEN_SIG_LEN > LTOKEN_RAW_MAX)
		return -1;
	raw[n] = '|';
	sign(k, raw, (size_t)n, raw + n + 1);
	return (int)b64url_encode(raw, (size_t)n + 1 + LTOKEN_SIG_LEN, out, cap);
}

enum ltoken_err
ltoken_verify(const struct hmac_key *k, const char *tok, size_t n, struct ltoken *out)
{
	unsigned char raw[LTOKEN_RAW_MAX];
	char want[LTOKEN_SIG_LEN + 1];
	const char *s, *p1, *p2;
	size_t rlen, clen, elen, i;
	long dl;
	int64_t exp = 0;

	if (n == 0 || n > LTOKEN_MAX)
		return LTOKEN_LENGTH;
	if (!b64url_alphabet_ok(tok, n))
		return LTOKEN_ALPHABET;
	if ((dl = b64url_decode(tok, n, raw, sizeof(raw))) < 0)
		return LTOKEN_ALPHABET;
	rlen = (size_t)dl;
	s = (const char *)raw;
	if ((p1 = memchr(s, '|', rlen)) == NULL)
		return LTOKEN_FORMAT;
	if ((p2 = memchr(p1 + 1, '|', rlen - (size_t)(p1 + 1 - s))) == NULL)
		return LTOKEN_FORMAT;
	clen = (size_t)(p1 - s);
	elen = (size_t)(p2 - p1 - 1);
	if (!code_chars_ok(s, clen))
		return LTOKEN_FORMAT;
	if (elen == 0 || elen > LTOKEN_EXP_MAX || (elen > 1 && p1[1] == '0'))
		return LTOKEN_FORMAT;
	for (i = 0; i < elen; i++) {
		if (p1[1 + i] < '0' || p1[1 + i] > '9')
			return LTOKEN_FORMAT;
		exp = exp * 10 + (p1[1 + i] - '0');
	}
	if (rlen - (size_t)(p2 + 1 - s) != LTOKEN_SIG_LEN ||
	    !b64url_alphabet_ok(p2 + 1, LTOKEN_SIG_LEN))
		return LTOKEN_FORMAT;
	sign(k, s, (size_t)(p2 - s), want);
	if (!ct_memeq(want, p2 + 1, LTOKEN_SIG_LEN))
		return LTOKEN_MAC;
	memcpy(out->code, s, clen);
	out->code[clen] = '\0';
	out->exp = exp;
	return LTOKEN_OK;
}

const char *
ltoken_strerror(enum ltoken_err err)
{
	switch (err) {
	case LTOKEN_OK:		return "ok";
	case LTOKEN_LENGTH:	return "token is empty or too long";
	case LTOKEN_ALPHABET:	return "token is not base64url";
	case LTOKEN_FORMAT:	return "token is not CODE|EXP|SIG";
	case LTOKEN_MAC:	return "token signature does not match";
	}
	return "invalid token";
}
