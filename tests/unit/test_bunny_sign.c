/*
 * test_bunny_sign.c — sign/bunny_sign.c against every vector of the
 * sets `hs256` and `hs256_official_e2e` in
 * $SHARED/testdata/bunny/token-vectors.json (official signers' output),
 * plus the loopback scheme rule and refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bunny_sign.h"
#include "check.h"
#include "jsonfile.h"

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int
run_set(const cJSON *root, const char *set)
{
	const cJSON *vecs = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, set), "vectors"), *v;
	char out[BUNNY_URL_MAX + 512];
	int n = 0;

	cJSON_ArrayForEach(v, vecs) {
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(v, "inputs");
		const cJSON *exp = cJSON_GetObjectItemCaseSensitive(v, "expected");
		struct bunny_sign_req rq;
		const char *key = str(in, "security_key");
		const char *want = str(exp, "signed_url");
		int r;

		memset(&rq, 0, sizeof(rq));
		rq.url = str(in, "url");
		rq.key = key;
		rq.key_len = strlen(key);
		rq.expires = (int64_t)num(in, "expires");
		rq.ip = str(in, "user_ip");
		rq.directory = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "is_directory"));
		rq.token_path = str(in, "path_allowed");
		rq.countries = str(in, "countries_allowed");
		rq.countries_blocked = str(in, "countries_blocked");
		rq.ignore_params = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "ignore_params"));
		rq.speed_limit = (int64_t)num(in, "speed_limit");
		r = bunny_sign_url(&rq, out, sizeof(out));
		CHECK(r > 0 && (size_t)r == strlen(out), "%s/%s: signs", set, str(v, "name"));
		CHECK_STR(out, want, "%s/%s: signed URL", set, str(v, "name"));
		CHECK(strstr(out, str(exp, "token")) != NULL, "%s/%s: token", set, str(v, "name"));
		n++;
	}
	return n;
}

int
main(void)
{
	const char *shared = getenv("SHARED");
	char path[4096], err[512], out[2048];
	struct bunny_sign_req rq;
	struct hmac_key hk;
	cJSON *root;
	int n;

	snprintf(path, sizeof(path), "%s/testdata/bunny/token-vectors.json",
	    shared ? shared : "../shared");
	root = json_load_file(path, err, sizeof(err));
	CHECK(root != NULL, "load %s", path);
	if (root == NULL) {
		printf("#   %s\n", err);
		return check_report();
	}
	n = run_set(root, "hs256");
	CHECK(n == 15, "hs256 has 15 vectors (got %d)", n);
	n = run_set(root, "hs256_official_e2e");
	CHECK(n == 15, "hs256_official_e2e has 15 vectors (got %d)", n);
	cJSON_Delete(root);

	/* Pre-keyed context gives the same URL as the raw key. */
	memset(&rq, 0, sizeof(rq));
	rq.url = "https://token-tester.b-cdn.net/300kb.jpg";
	rq.expires = 1598024587;
	hmac_key_init(&hk, "SecurityKey", 11);
	rq.hkey = &hk;
	bunny_sign_url(&rq, out, sizeof(out));
	CHECK_STR(out, "https://token-tester.b-cdn.net/300kb.jpg?token=HS256-o10JRWlsAItyAsdKS6jJKjabHN4FrFsplDHPV1idcX4&expires=1598024587",
	    "pre-keyed context");

	/* Refusals. */
	rq.url = "ftp://x/y";
	CHECK(bunny_sign_url(&rq, out, sizeof(out)) == -1, "refuses a non-http URL");
	rq.url = "https://x/a b";
	CHECK(bunny_sign_url(&rq, out, sizeof(out)) == -1, "refuses a space in the path");
	rq.url = "https://x/a\"b";
	CHECK(bunny_sign_url(&rq, out, sizeof(out)) == -1, "refuses a quote in the path");
	rq.url = "https://x/a?k=1&k=2";
	CHECK(bunny_sign_url(&rq, out, sizeof(out)) == -1, "refuses a duplicate parameter");
	rq.url = "https://x/a?k=%zz";
	CHECK(bunny_sign_url(&rq, out, sizeof(out)) == -1, "refuses a bad escape");
	rq.url = "https://x/a";
	rq.ip = "300.1.1.1";
	CHECK(bunny_sign_url(&rq, out, sizeof(out)) == -1, "refuses a bad IP");
	rq.ip = NULL;
	CHECK(bunny_sign_url(&rq, out, 20) == -1 && out[0] == '\0', "refuses a short buffer");

	/* The CDN scheme rule. */
	CHECK(bunny_cdn_base("vz-a.b-cdn.net", out, sizeof(out)) > 0 &&
	    strcmp(out, "https://vz-a.b-cdn.net") == 0, "https for a CDN host");
	CHECK(bunny_cdn_base("127.0.0.1:8081", out, sizeof(out)) > 0 &&
	    strcmp(out, "http://127.0.0.1:8081") == 0, "http for 127.0.0.1:port");
	CHECK(bunny_cdn_base("localhost", out, sizeof(out)) > 0 &&
	    strcmp(out, "http://localhost") == 0, "http for localhost");
	CHECK(bunny_cdn_base("[::1]:9", out, sizeof(out)) > 0 &&
	    strcmp(out, "http://[::1]:9") == 0, "http for [::1]");
	CHECK(bunny_cdn_base("127.0.0.10", out, sizeof(out)) > 0 &&
	    strcmp(out, "https://127.0.0.10") == 0, "127.0.0.10 is not the loopback rule");
	CHECK(bunny_cdn_base("localhost.evil.com", out, sizeof(out)) > 0 &&
	    strncmp(out, "https://", 8) == 0, "localhost.evil.com is https");
	CHECK(bunny_cdn_base("a/b", out, sizeof(out)) == -1, "refuses a slash in a host");
	CHECK(bunny_cdn_base("", out, sizeof(out)) == -1, "refuses an empty host");
	return check_report();
}
