/*
 * test_verifier_core.c — the verifier's pure pieces: base64url, constant-time
 * compare, HMAC-SHA256 (RFC 4231), code normalisation, long tokens (round
 * trip, every tampered byte), request parsers, keys (the rate limit: test_ratelimit.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64url.h"
#include "check.h"
#include "code.h"
#include "ct.h"
#include "hmac.h"
#include "sout.h"
#include "httpin.h"
#include "keys.h"
#include "legacy_token.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void
test_b64url(void)
{
	char e[64];
	unsigned char d[64];
	long n;

	b64url_encode("", 0, e, sizeof(e));
	CHECK_STR(e, "", "b64url: empty");
	b64url_encode("f", 1, e, sizeof(e));
	CHECK_STR(e, "Zg", "b64url: 1 byte");
	b64url_encode("fo", 2, e, sizeof(e));
	CHECK_STR(e, "Zm8", "b64url: 2 bytes");
	b64url_encode("foo", 3, e, sizeof(e));
	CHECK_STR(e, "Zm9v", "b64url: 3 bytes");
	b64url_encode("\xfb\xff", 2, e, sizeof(e));
	CHECK_STR(e, "-_8", "b64url: URL-safe alphabet");
	CHECK(b64url_encode("foo", 3, e, 4) == 0, "b64url: encode refuses a short buffer");
	n = b64url_decode("Zm9vYg", 6, d, sizeof(d));
	CHECK(n == 4 && memcmp(d, "foob", 4) == 0, "b64url: decode");
	CHECK(b64url_decode("Zm9vY", 5, d, sizeof(d)) == -1, "b64url: length 4k+1 refused");
	CHECK(b64url_decode("Zh", 2, d, sizeof(d)) == -1, "b64url: non-canonical bits refused");
	CHECK(b64url_decode("Zm+v", 4, d, sizeof(d)) == -1, "b64url: '+' refused");
	CHECK(b64url_decode("Zm9v", 4, d, 2) == -1, "b64url: decode refuses a short buffer");
	CHECK(b64url_decode("Zm=v", 4, d, sizeof(d)) == -1, "b64url: '=' refused");
}

static void
test_ct(void)
{
	CHECK(ct_memeq("abc", "abc", 3), "ct_memeq: equal");
	CHECK(!ct_memeq("abc", "abd", 3), "ct_memeq: last byte differs");
	CHECK(ct_streq("abc", 3, "abc", 3), "ct_streq: equal");
	CHECK(!ct_streq("ab", 2, "abc", 3), "ct_streq: shorter");
	CHECK(!ct_streq("abcd", 4, "abc", 3), "ct_streq: longer");
}

static void
test_hmac(void)
{
	/* RFC 4231 test cases 1, 2 and 6 (key longer than a block). */
	unsigned char key1[20], key6[131], mac[32];
	struct hmac_key k;
	struct hmac_run r;
	char h[65];

	memset(key1, 0x0b, sizeof(key1));
	hmac_key_init(&k, key1, sizeof(key1));
	hmac_sha256(&k, "Hi There", 8, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	    "HMAC-SHA256 RFC 4231 case 1");
	hmac_key_init(&k, "Jefe", 4);
	hmac_sha256(&k, "what do ya want for nothing?", 28, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "HMAC-SHA256 RFC 4231 case 2");
	/* The context is reusable: same again, in two updates. */
	hmac_begin(&r, &k);
	hmac_update(&r, "what do ya ", 11);
	hmac_update(&r, "want for nothing?", 17);
	hmac_end(&r, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "HMAC-SHA256 pre-keyed context reused, split message");
	memset(key6, 0xaa, sizeof(key6));
	hmac_key_init(&k, key6, sizeof(key6));
	hmac_sha256(&k, "Test Using Larger Than Block-Size Key - Hash Key First", 54, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	    "HMAC-SHA256 RFC 4231 case 6");
}

static void
test_codes(void)
{
	static const struct { const char *in; size_t n; enum code_err e; const char *out; } t[] = {
		{ "OM43-9F2A-0C71", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "om43-9f2a-0c71", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "  OM43 9F2A 0C71 ", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "OM439F2A0C71", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "OM43--9F2A--0C71-", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "9f2a0c71", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "\tom4-39f-2a0c71", 0, CODE_OK, "OM43-9F2A-0C71" },
		{ "XX43-9F2A-0C71", 0, CODE_BAD_PREFIX, "" },
		{ "OM43-9F2A-0C7G", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-9F2A-0C7", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-9F2A", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-9F2A-0C71'; DROP TABLE codes;--", 0, CODE_BAD_CHAR, "" },
		{ "OM43-9F2A-0C71\0", 15, CODE_BAD_CHAR, "" },
		{ "OM43_9F2A_0C71", 0, CODE_BAD_CHAR, "" },
		{ "--- ", 0, CODE_EMPTY, "" },
		{ "", 0, CODE_EMPTY, "" },
		{ "OM43-9F2A-0C71OM43-9F2A-0C71OM43-9F2A-0C71OM43-9F2A-0C71OM43-9F2A-0C71", 0,
		  CODE_TOO_LONG, "" },
		{ "OM43-9F2A-0C71-B3E4", 0, CODE_OK, "OM43-9F2A-0C71-B3E4" },
		{ "om43 9f2a 0c71 b3e4", 0, CODE_OK, "OM43-9F2A-0C71-B3E4" },
		{ "OM439F2A0C71B3E4", 0, CODE_OK, "OM43-9F2A-0C71-B3E4" },
		{ "9f2a0c71b3e4", 0, CODE_OK, "OM43-9F2A-0C71-B3E4" },
		{ "9f2a-0c71-b3e4", 0, CODE_OK, "OM43-9F2A-0C71-B3E4" },
		{ "OM43-9F2A-0C71-B3E", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-9F2A-0C71-B3E4-5", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-9F2A-0C71-B3E4-0000", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-9F2A-0C71-B3EG", 0, CODE_BAD_DIGITS, "" },
		{ "9f2a0c71b3e", 0, CODE_BAD_DIGITS, "" },
		{ "OM43-ÉF2A-0C71", 0, CODE_BAD_CHAR, "" },
	};
	char out[CODE_BUFSZ], c1[CODE_BUFSZ], c2[CODE_BUFSZ];
	unsigned char r[CODE_RANDOM_BYTES] = { 0x9f, 0x2a, 0x0c, 0x71, 0xb3, 0xe4 };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = t[i].n ? t[i].n : strlen(t[i].in);
		enum code_err e = code_normalise(t[i].in, n, "OM43", out);
		CHECK(e == t[i].e, "code_normalise(\"%s\") -> %s (got %s)", t[i].in,
		    code_strerror(t[i].e), code_strerror(e));
		if (t[i].e == CODE_OK)
			CHECK_STR(out, t[i].out, "code_normalise(\"%s\") text", t[i].in);
	}
	code_format("OM43", r, out);
	CHECK_STR(out, "OM43-9F2A-0C71-B3E4", "code_format: 12 digits");
	CHECK(code_mint("OM43", c1) == 0 && code_mint("OM43", c2) == 0 &&
	    code_normalise(c1, strlen(c1), "OM43", out) == CODE_OK &&
	    strcmp(out, c1) == 0, "minted code is canonical: %s", c1);
	CHECK(strlen(c1) == 19 && c1[4] == '-' && c1[9] == '-' && c1[14] == '-',
	    "minted code has 12 hex digits (48 bits): %s", c1);
	code_format("ABCDEFGH", r, out);
	CHECK_STR(out, "ABCDEFGH-9F2A-0C71-B3E4", "code_format: longest prefix fits");
	CHECK(code_normalise("abcdefgh 9f2a 0c71 b3e4", 23, "ABCDEFGH", out) == CODE_OK &&
	    strcmp(out, "ABCDEFGH-9F2A-0C71-B3E4") == 0, "longest prefix, 12 digits");
	CHECK(strcmp(c1, c2) != 0, "two minted codes differ");
	CHECK(code_mint("om43", c1) == -1, "mint refuses a lower-case prefix");
	CHECK(code_normalise("ab12-0000-ffff", 14, "AB12", out) == CODE_OK &&
	    strcmp(out, "AB12-0000-FFFF") == 0, "another prefix");
}

static void
test_ltoken(void)
{
	struct hmac_key k, k2;
	struct ltoken lt;
	char tok[LTOKEN_BUFSZ], bad[LTOKEN_BUFSZ], raw[200];
	unsigned char dec[200];
	long dn;
	int n, i, all = 1;

	hmac_key_init(&k, "test-secret-key-123", 19);
	hmac_key_init(&k2, "test-secret-key-124", 19);
	n = ltoken_make(&k, "OM43-9F2A-0C71", 1767225600, tok, sizeof(tok));
	CHECK(n > 0, "ltoken_make");
	CHECK(ltoken_verify(&k, tok, (size_t)n, &lt) == LTOKEN_OK &&
	    strcmp(lt.code, "OM43-9F2A-0C71") == 0 && lt.exp == 1767225600,
	    "ltoken round trip");
	CHECK(ltoken_verify(&k2, tok, (size_t)n, &lt) == LTOKEN_MAC, "other key: MAC");
	dn = b64url_decode(tok, (size_t)n, dec, sizeof(dec));
	CHECK(dn > 0 && memcmp(dec, "OM43-9F2A-0C71|1767225600|", 26) == 0,
	    "decoded text is CODE|EXP|sig");
	/* Every byte of the decoded token changed in turn must fail. */
	for (i = 0; i < dn; i++) {
		memcpy(raw, dec, (size_t)dn);
		raw[i] ^= 0x01;
		b64url_encode(raw, (size_t)dn, bad, sizeof(bad));
		if (ltoken_verify(&k, bad, strlen(bad), &lt) == LTOKEN_OK)
			all = 0;
	}
	CHECK(all, "each of the %ld decoded bytes flipped: rejected", dn);
	CHECK(ltoken_verify(&k, tok, (size_t)n - 1, &lt) != LTOKEN_OK, "truncated: rejected");
	CHECK(ltoken_verify(&k, "", 0, &lt) == LTOKEN_LENGTH, "empty: length");
	memset(bad, 'A', LTOKEN_MAX + 1);
	CHECK(ltoken_verify(&k, bad, LTOKEN_MAX + 1, &lt) == LTOKEN_LENGTH, "over-long: length");
	CHECK(ltoken_verify(&k, "ab$c", 4, &lt) == LTOKEN_ALPHABET, "bad alphabet");
	CHECK(ltoken_verify(&k, "Zm9vYmFy", 8, &lt) == LTOKEN_FORMAT, "no separators: format");
	b64url_encode("OM43-9F2A-0C71|0123|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 62,
	    bad, sizeof(bad));
	CHECK(ltoken_verify(&k, bad, strlen(bad), &lt) == LTOKEN_FORMAT, "leading zero exp: format");
	b64url_encode("OM43 9F2A|1|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 55, bad, sizeof(bad));
	CHECK(ltoken_verify(&k, bad, strlen(bad), &lt) == LTOKEN_FORMAT, "space in code: format");
	CHECK(ltoken_make(&k, "OM43|x", 1, tok, sizeof(tok)) == -1, "make refuses '|' in a code");
	CHECK(ltoken_make(&k, "OM43", -1, tok, sizeof(tok)) == -1, "make refuses a negative exp");
}

static void
test_httpin(void)
{
	char out[64];
	const char *v;
	size_t vn;

	CHECK(form_get("code=OM43+9F2A%2d0c71&next=%2Fv%2F", 34, "code", out, sizeof(out)) == 14 &&
	    strcmp(out, "OM43 9F2A-0c71") == 0, "form: decode + and %%XX");
	CHECK(form_get("a=1&next=%2Fv%2F", 16, "next", out, sizeof(out)) == 3 &&
	    strcmp(out, "/v/") == 0, "form: second field");
	CHECK(form_get("a=1", 3, "code", out, sizeof(out)) == -1, "form: absent");
	CHECK(form_get("code=%zz", 8, "code", out, sizeof(out)) == -2, "form: bad escape");
	CHECK(form_get("code=%00x", 9, "code", out, sizeof(out)) == 2 && out[0] == '\0',
	    "form: NUL byte kept with its length");
	CHECK(form_get("code=aaaaaaaaaa", 15, "code", out, 5) == -2, "form: too long");
	CHECK(json_get("{\"code\": \"OM43\\u002d1\", \"n\": 3}", 31, "code", out,
	    sizeof(out)) == 6 && strcmp(out, "OM43-1") == 0, "json: string with escape");
	CHECK(json_get("{\"code\": 12}", 12, "code", out, sizeof(out)) == -1,
	    "json: non-string is absent");
	CHECK(json_get("{\"code\": {\"a\":1}}", 17, "code", out, sizeof(out)) == -2,
	    "json: nested object refused");
	CHECK(json_get("{\"code\": \"x\"", 12, "code", out, sizeof(out)) == -2,
	    "json: truncated refused");
	CHECK(json_get("{\"code\": \"x\"} x", 15, "code", out, sizeof(out)) == -2,
	    "json: trailing garbage refused");
	CHECK(json_get("[1]", 3, "code", out, sizeof(out)) == -2, "json: array refused");
	CHECK(cookie_get("a=1; access_token=XYZ ; b=2", 27, "access_token", &v, &vn) == 1 &&
	    vn == 3 && memcmp(v, "XYZ", 3) == 0, "cookie: found");
	CHECK(cookie_get("xaccess_token=1", 15, "access_token", &v, &vn) == 0,
	    "cookie: no suffix match");
	CHECK(cookie_get("access_token; access_token=Q", 28, "access_token", &v, &vn) == 1 &&
	    vn == 1 && *v == 'Q', "cookie: a part without '=' skipped");
	{
		const char *hdr = "x_a=0; x_ab=1;x_abc = 2 ;x_=3; y_ab=4; x_ad=", *h = hdr, *nm;
		size_t n = strlen(hdr), nl, got = 0;
		char seen[64] = "";

		while (cookie_next_prefixed(&h, &n, "x_a", &nm, &nl, &v, &vn) && got++ < 8)
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "[%.*s=%.*s]",
			    (int)nl, nm, (int)vn, v);
		CHECK(strcmp(seen, "[x_ab=1][x_abc = 2][x_ad=]") == 0 && n == 0 && h == hdr + strlen(hdr),
		    "cookie: each name longer than the prefix, in order, to the end: %s", seen);
	}
}

static void
test_keys(void)
{
	char dir[] = "/tmp/onlykeysXXXXXX", path[128], err[300];
	struct keys k;
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/verifier.keys", dir);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1 && strstr(err, "SECRET_KEY"),
	    "missing file: message says what to create");
	f = fopen(path, "w");
	fprintf(f, "# test\nSECRET_KEY=0123456789abcdef0123\r\nBUNNY_TOKEN_KEY=abcdefabcdefabcdef\n"
	    "CODE_PREFIX=AB12\nCOOKIE_SECURE=0\nOTHER=x\n");
	fclose(f);
	chmod(path, 0644);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1 && strstr(err, "chmod"),
	    "world-readable file refused");
	chmod(path, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0, "keys load");
	CHECK(k.secret_len == 20 && memcmp(k.secret, "0123456789abcdef0123", 20) == 0,
	    "CR dropped, value kept");
	CHECK(strcmp(k.prefix, "AB12") == 0 && k.cookie_secure == 0 && k.demo == 0, "flags");
	CHECK(k.library_id == -1, "no BUNNY_LIBRARY_ID: -1 (webhooks refused)");
	CHECK(keys_check_serve(&k, err, sizeof(err)) == 0, "strong keys serve");
	f = fopen(path, "w");
	fprintf(f, "SECRET_KEY=" DEMO_SECRET_KEY "\nBUNNY_TOKEN_KEY=" DEMO_BUNNY_TOKEN_KEY "\n");
	fclose(f);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 &&
	    keys_check_serve(&k, err, sizeof(err)) == -1, "demo keys refused without DEMO=1");
	f = fopen(path, "a");
	fprintf(f, "DEMO=1\n");
	fclose(f);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 &&
	    keys_check_serve(&k, err, sizeof(err)) == 0, "demo keys allowed with DEMO=1");
	f = fopen(path, "w");
	fprintf(f, "SECRET_KEY=changeme\nBUNNY_TOKEN_KEY=abcdefabcdefabcdef\n");
	fclose(f);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 &&
	    keys_check_serve(&k, err, sizeof(err)) == -1, "well-known key refused");
	f = fopen(path, "w");
	fprintf(f, "CODE_PREFIX=om43\n");
	fclose(f);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1 && strstr(err, ":1:"),
	    "bad prefix refused with file:line");
	{
		static const char *const bad[] = { "", "-1", "12a", " 133", "0x85",
		    "1234567890123456789" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			f = fopen(path, "w");
			fprintf(f, "SECRET_KEY=abcdefabcdefabcdef\nBUNNY_LIBRARY_ID=%s\n", bad[i]);
			fclose(f);
			CHECK(keys_load(path, &k, err, sizeof(err)) == -1 &&
			    strstr(err, ":2: BUNNY_LIBRARY_ID") != NULL,
			    "BUNNY_LIBRARY_ID='%s' refused with file:line", bad[i]);
		}
		f = fopen(path, "w");
		fprintf(f, "BUNNY_LIBRARY_ID=133\n");
		fclose(f);
		CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && k.library_id == 133,
		    "BUNNY_LIBRARY_ID=133 read");
	}
	f = fopen(path, "w");
	fprintf(f, "SECRET_KEY=abcdefabcdefabcdef\n");
	fclose(f);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 &&
	    keys_check_serve(&k, err, sizeof(err)) == -1 && strstr(err, "BUNNY_TOKEN_KEY"),
	    "missing BUNNY_TOKEN_KEY named");
	unlink(path);
	rmdir(dir);
}

static void
test_sout(void)
{
	static const int64_t nums[] = { 0, 7, -7, 1795317875, INT64_MAX, INT64_MIN, -10 };
	char buf[8], big[32], want[32];
	struct sout o;
	size_t i;

	sout_init(&o, buf, sizeof(buf));
	sout_str(&o, "abc");
	sout_put(&o, "defg", 4);
	CHECK_STR(buf, "abcdefg", "sout fills to cap - 1");
	CHECK(!o.err && o.len == 7, "sout: exactly full is not an error");
	sout_put(&o, "h", 1);
	CHECK(o.err && strcmp(buf, "abcdefg") == 0, "sout: overflow sets err, text kept");
	o.len = 0;	/* err is sticky even with room */
	sout_put(&o, "x", 1);
	CHECK(o.err && buf[0] == 'a', "sout: appends after an error are no-ops");
	sout_init(&o, buf, sizeof(buf));
	sout_str(&o, "12345678");
	CHECK(o.err && buf[0] == '\0', "sout: a too-long first append leaves \"\"");
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		sout_init(&o, big, sizeof(big));
		sout_i64(&o, nums[i]);
		snprintf(want, sizeof(want), "%" PRId64, nums[i]);
		CHECK(!o.err && strcmp(big, want) == 0 && o.len == strlen(want),
		    "sout_i64(%s)", want);
	}
	sout_init(&o, buf, 3);
	sout_i64(&o, 123);
	CHECK(o.err && buf[0] == '\0', "sout_i64 does not truncate digits");
	CHECK(sout_copy(buf, sizeof(buf), "hello") == 5 && strcmp(buf, "hello") == 0,
	    "sout_copy fits");
	CHECK(sout_copy(buf, sizeof(buf), "0123456789") == 10 && strcmp(buf, "0123456") == 0,
	    "sout_copy truncates like snprintf");
	CHECK(sout_copy(buf, 1, "x") == 1 && buf[0] == '\0', "sout_copy into 1 byte");
}

int
main(void)
{
	test_sout();
	test_b64url();
	test_ct();
	test_hmac();
	test_codes();
	test_ltoken();
	test_httpin();
	test_keys();
	return check_report();
}
