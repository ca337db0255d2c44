/*
 * test_entitlements.c — the format-2 access cookie (verifier/store/entitlements.c)
 * and the JSON string writer (verifier/store/json_out.c): a known answer computed
 * by an independent Python implementation, round trips, the bound, and every
 * way a cookie can be forged or malformed; escaping of every dangerous
 * character and of invalid UTF-8.
 */
#include <stdio.h>
#include <string.h>

#include "b64url.h"
#include "check.h"
#include "entitlements.h"
#include "json_out.h"

#define SECRET	"unit-secret-0123456789"
/* Python: hmac/hashlib/struct, see tests/integration/lib/verifier_lib.py. */
#define KAT	"e2.AgAAAABlU_EAAgEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAAAAAGVVQoACAgIC" \
		"AgICAgICAgICAgICAgICAgICAgICAgICAgICAgAAAABrSdIAH9816fDeHDEgWjpXbq66vqO9Z" \
		"zfK1N9JSDxq8jTcA14"

static struct hmac_key K;

static void
kat(void)
{
	struct ents e, d;
	char out[ENTS_BUFSZ];
	int n;

	memset(&e, 0, sizeof(e));
	e.issued = 1700000000;
	CHECK(ents_add(&e, (const unsigned char *)"\2\2\2\2\2\2\2\2\2\2\2\2\2\2\2\2"
	    "\2\2\2\2\2\2\2\2\2\2\2\2\2\2\2\2", 1800000000) == 1 &&
	    ents_add(&e, (const unsigned char *)"\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1"
	    "\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1", 1700086400) == 1 && e.n == 2 &&
	    e.e[0].hash[0] == 1, "ents_add keeps hash order");
	n = ents_encode(&K, &e, out, sizeof(out));
	CHECK(n > 0 && (size_t)n == strlen(KAT) && strcmp(out, KAT) == 0,
	    "encoding matches the Python implementation");
	CHECK(ents_decode(&K, KAT, strlen(KAT), &d) == ENTS_OK && d.n == 2 &&
	    d.issued == 1700000000 && d.e[0].exp == 1700086400 && d.e[1].exp == 1800000000 &&
	    d.e[1].hash[31] == 2, "the Python cookie decodes");
}

/* Writes b64url(raw) with a fresh MAC over raw[0..len) appended. */
static size_t
forge(unsigned char *raw, size_t len, int mac, char *out, size_t cap)
{
	if (mac)
		hmac_sha256(&K, raw, len, raw + len);
	memcpy(out, ENTS_TAG, ENTS_TAG_LEN);
	return ENTS_TAG_LEN + b64url_encode(raw, len + HMAC_LEN, out + ENTS_TAG_LEN,
	    cap - ENTS_TAG_LEN);
}

static void
bound_and_forgeries(void)
{
	struct ents e, d;
	struct hmac_key other;
	unsigned char h[HMAC_LEN], raw[ENTS_RAW_MAX + 64], copy[ENTS_RAW_MAX + 64];
	char out[ENTS_BUFSZ + 200], bad[ENTS_BUFSZ + 200];
	size_t i, j, rawlen, fails;
	long dl;
	int n;

	memset(&e, 0, sizeof(e));
	e.issued = 1700000000;
	for (i = 0, fails = 0; i < ENTS_MAX; i++) {
		memset(h, (int)(0xff - i), sizeof(h));
		fails += ents_add(&e, h, 1700000000 + (int64_t)i) != 1;
	}
	CHECK(fails == 0, "%d entries added in reverse order", ENTS_MAX);
	memset(h, 0x80, sizeof(h));
	CHECK(e.n == ENTS_MAX && ents_add(&e, h, 1) == -1 && e.n == ENTS_MAX,
	    "the %d+1st entry is refused, nothing changed", ENTS_MAX);
	memset(h, 0xff, sizeof(h));
	CHECK(ents_add(&e, h, 1900000000) == 0 && e.e[ENTS_MAX - 1].exp == 1900000000,
	    "a held hash again only takes the later expiry");
	n = ents_encode(&K, &e, out, sizeof(out));
	CHECK(n == ENTS_COOKIE_MAX && ENTS_COOKIE_MAX == 1766,
	    "%d entries: %d bytes (ENTS_COOKIE_MAX 1766 < 4096)", ENTS_MAX, n);
	CHECK(ents_decode(&K, out, (size_t)n, &d) == ENTS_OK && d.n == ENTS_MAX &&
	    memcmp(&d.e, &e.e, sizeof(e.e)) == 0, "full cookie round trip");
	CHECK(ents_encode(&K, &e, out, ENTS_BUFSZ - 1) == -1, "encode refuses a short buffer");
	hmac_key_init(&other, "another-secret-key", 18);
	CHECK(ents_decode(&other, out, (size_t)n, &d) == ENTS_MAC, "another key: MAC error");

	dl = b64url_decode(out + ENTS_TAG_LEN, (size_t)n - ENTS_TAG_LEN, raw, sizeof(raw));
	rawlen = (size_t)dl;
	/* every bit of every byte flipped: never accepted */
	for (i = 0, fails = 0; i < rawlen; i++)
		for (j = 0; j < 8; j++) {
			memcpy(copy, raw, rawlen);
			copy[i] ^= (unsigned char)(1u << j);
			memcpy(bad, ENTS_TAG, ENTS_TAG_LEN);
			b64url_encode(copy, rawlen, bad + ENTS_TAG_LEN, sizeof(bad) - ENTS_TAG_LEN);
			fails += ents_decode(&K, bad, strlen(bad), &d) != ENTS_OK;
		}
	CHECK(fails == rawlen * 8, "each of %zu bits flipped: refused (%zu)", rawlen * 8, fails);
	/* every truncation of the text */
	for (i = 0, fails = 0; i < (size_t)n; i++)
		fails += ents_decode(&K, out, i, &d) != ENTS_OK;
	CHECK(fails == (size_t)n, "each of %d truncations refused", n);
	/* two entries swapped (reordered), MAC left: refused */
	memcpy(copy, raw, rawlen);
	memcpy(copy + ENTS_HEAD_LEN, raw + ENTS_HEAD_LEN + ENTS_ENTRY_LEN, ENTS_ENTRY_LEN);
	memcpy(copy + ENTS_HEAD_LEN + ENTS_ENTRY_LEN, raw + ENTS_HEAD_LEN, ENTS_ENTRY_LEN);
	forge(copy, rawlen - HMAC_LEN, 0, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_MAC, "reordered entries: MAC error");
	/* ... and even with a valid MAC (only the key holder could): not canonical */
	forge(copy, rawlen - HMAC_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_FORMAT,
	    "reordered entries with a valid MAC: format error");
	memcpy(copy, raw, rawlen);
	memcpy(copy + ENTS_HEAD_LEN + ENTS_ENTRY_LEN, raw + ENTS_HEAD_LEN, ENTS_ENTRY_LEN);
	forge(copy, rawlen - HMAC_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_FORMAT,
	    "a duplicated entry with a valid MAC: format error");
	/* counts 0 and ENTS_MAX + 1, with valid MACs */
	memcpy(copy, raw, ENTS_HEAD_LEN);
	copy[9] = 0;
	forge(copy, ENTS_HEAD_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_LENGTH, "count 0: refused");
	memcpy(copy, raw, rawlen - HMAC_LEN);
	copy[9] = ENTS_MAX + 1;
	memset(copy + rawlen - HMAC_LEN, 0x01, ENTS_ENTRY_LEN);
	forge(copy, rawlen - HMAC_LEN + ENTS_ENTRY_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) != ENTS_OK &&
	    strlen(bad) > ENTS_COOKIE_MAX, "33 entries (oversized): refused");
	memcpy(copy, raw, rawlen - HMAC_LEN);
	copy[0] = 3;
	forge(copy, rawlen - HMAC_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_FORMAT, "version 3: refused");
	memcpy(copy, raw, rawlen - HMAC_LEN);
	memset(copy + ENTS_HEAD_LEN + HMAC_LEN, 0, 8);
	forge(copy, rawlen - HMAC_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_FORMAT, "expiry 0: refused");
	memcpy(copy, raw, rawlen - HMAC_LEN);
	copy[1] = 0x80;
	forge(copy, rawlen - HMAC_LEN, 1, bad, sizeof(bad));
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_FORMAT, "negative issued: refused");
	/* text forms */
	snprintf(bad, sizeof(bad), "%.1800s=", out);
	CHECK(ents_decode(&K, bad, strlen(bad), &d) != ENTS_OK, "'=' padding: refused");
	snprintf(bad, sizeof(bad), "E2.%.1800s", out + 3);
	CHECK(ents_decode(&K, bad, strlen(bad), &d) == ENTS_NOT_V2, "'E2.' is not the tag");
	CHECK(ents_decode(&K, "e2.", 3, &d) == ENTS_LENGTH, "empty body: refused");
	CHECK(ents_decode(&K, "e2.AAAA", 7, &d) == ENTS_LENGTH, "3 bytes: refused");
	CHECK(ents_decode(&K, "abc", 3, &d) == ENTS_NOT_V2, "no tag: not v2 (legacy path)");
	memcpy(bad, out, (size_t)n);
	bad[40] = '+';
	CHECK(ents_decode(&K, bad, (size_t)n, &d) == ENTS_ENCODING, "'+' (plain base64): refused");
	memcpy(bad, out, (size_t)n);
	bad[40] = '\0';
	CHECK(ents_decode(&K, bad, (size_t)n, &d) == ENTS_ENCODING, "a NUL inside: refused");
	memset(&e, 0, sizeof(e));
	CHECK(ents_encode(&K, &e, out, sizeof(out)) == -1, "encode refuses an empty set");
}

static void
json_escapes(void)
{
	static const struct { const char *in; size_t n; const char *want; } t[] = {
		{ "plain title", 0, "\"plain title\"" },
		{ "a\"b\\c", 0, "\"a\\\"b\\\\c\"" },
		{ "</script><!--&", 0, "\"\\u003c/script\\u003e\\u003c!--\\u0026\"" },
		{ "\x01\n\t\x1f\x7f", 0, "\"\\u0001\\u000a\\u0009\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x8e\xac", 0,
		  "\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x8e\xac\"" },
		{ "\xe2\x80\xa8\xe2\x80\xa9", 0, "\"\\u2028\\u2029\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "\xff", 0, "\"\\ufffd\"" },
		{ "\xc3", 0, "\"\\ufffd\"" },			/* truncated */
		{ "\xc0\xaf", 0, "\"\\ufffd\\ufffd\"" },		/* overlong '/' */
		{ "\xe0\x80\xaf", 0, "\"\\ufffd\\ufffd\\ufffd\"" },	/* overlong */
		{ "\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
		{ "\xf4\x90\x80\x80", 0, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* > U+10FFFF */
		{ "\xe2\x9c", 0, "\"\\ufffd\\ufffd\"" },
	};
	char buf[256];
	struct sout o;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sout_init(&o, buf, sizeof(buf));
		json_out_str(&o, t[i].in, t[i].n ? t[i].n : strlen(t[i].in));
		CHECK_STR(buf, t[i].want, "json_out_str case %zu", i);
	}
	sout_init(&o, buf, 8);
	json_out_str(&o, "0123456789", 10);
	CHECK(o.err && strlen(buf) < 8, "a string that does not fit sets err, stays bounded");
	CHECK(utf8_cut("ab\xc3\xa9", 4, 3) == 2 && utf8_cut("ab\xc3\xa9", 4, 4) == 4 &&
	    utf8_cut("\xf0\x9f\x8e\xac!", 5, 3) == 0 && utf8_cut("abc", 3, 2) == 2,
	    "utf8_cut never splits a character");
}

int
main(void)
{
	hmac_key_init(&K, SECRET, strlen(SECRET));
	{
		struct hmac_key s = K;

		ents_key(&s, &K);	/* the cookie key derived from SECRET_KEY */
	}
	kat();
	bound_and_forgeries();
	json_escapes();
	return check_report();
}
