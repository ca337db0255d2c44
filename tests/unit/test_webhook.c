/*
 * test_webhook.c — verifier/module/webhook.c: every stream_webhook_signature vector
 * from $SHARED/testdata/bunny/token-vectors.json, header and tamper cases,
 * the strict body parser (table of good and malformed bodies) and the atomic
 * rebuild record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "hmac.h"
#include "jsonfile.h"
#include "webhook.h"

/* webhook_verify with the key given as text, as the keys file holds it. */
static enum webhook_status
verify(const char *key, size_t keylen, const char *ver, const char *alg,
    const char *sig, const void *body, size_t len)
{
	struct hmac_key k;
	enum webhook_status st;

	if (key == NULL)
		return webhook_verify(NULL, ver, alg, sig, body, len);
	hmac_key_init(&k, key, keylen);
	st = webhook_verify(&k, ver, alg, sig, body, len);
	hmac_key_wipe(&k);
	return st;
}

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
vectors(void)
{
	char path[1024], err[256];
	const char *shared = getenv("SHARED");
	const cJSON *set, *v;
	cJSON *root;
	int n = 0;

	snprintf(path, sizeof(path), "%s/testdata/bunny/token-vectors.json",
	    shared ? shared : "../shared");
	root = json_load_file(path, err, sizeof(err));
	CHECK(root != NULL, "loads the vectors file (%s)", root ? path : err);
	if (root == NULL)
		return;
	set = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "stream_webhook_signature"),
	    "vectors");
	cJSON_ArrayForEach(v, set) {
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(v, "inputs");
		const cJSON *ex = cJSON_GetObjectItemCaseSensitive(v, "expected");
		const char *name = jstr(v, "name"), *key = jstr(in, "read_only_api_key");
		const char *body = jstr(in, "raw_body_utf8");
		const char *sig = jstr(ex, "X-BunnyStream-Signature");
		const char *ver = jstr(ex, "X-BunnyStream-Signature-Version");
		const char *alg = jstr(ex, "X-BunnyStream-Signature-Algorithm");
		char bad[65], upper[65];
		size_t i, blen;

		if (!name || !key || !body || !sig || !ver || !alg) {
			CHECK(0, "vector %d has every field", n);
			continue;
		}
		n++;
		blen = strlen(body);
		CHECK(verify(key, strlen(key), ver, alg, sig, body, blen)
		    == WEBHOOK_OK, "vector %s: valid signature accepted", name);
		for (i = 0; i < 64 && sig[i]; i++)
			upper[i] = (char)(sig[i] >= 'a' && sig[i] <= 'f' ?
			    sig[i] - 32 : sig[i]);
		upper[64] = '\0';
		CHECK(verify(key, strlen(key), ver, alg, upper, body,
		    blen) == WEBHOOK_OK, "vector %s: uppercase hex accepted", name);
		snprintf(bad, sizeof(bad), "%s", sig);
		bad[63] = bad[63] == '0' ? '1' : '0';
		CHECK(verify(key, strlen(key), ver, alg, bad, body, blen)
		    == WEBHOOK_BAD_SIGNATURE, "vector %s: last digit flipped → bad", name);
		bad[63] = sig[63];
		bad[0] = bad[0] == '0' ? '1' : '0';
		CHECK(verify(key, strlen(key), ver, alg, bad, body, blen)
		    == WEBHOOK_BAD_SIGNATURE, "vector %s: first digit flipped → bad", name);
		CHECK(verify(key, strlen(key) - 1, ver, alg, sig, body,
		    blen) == WEBHOOK_BAD_SIGNATURE, "vector %s: other key → bad", name);
		if (blen > 0)
			CHECK(verify(key, strlen(key), ver, alg, sig, body,
			    blen - 1) == WEBHOOK_BAD_SIGNATURE,
			    "vector %s: truncated body → bad", name);
		CHECK(verify(key, strlen(key), "v2", alg, sig, body, blen)
		    == WEBHOOK_BAD_VERSION, "vector %s: version v2 refused", name);
		CHECK(verify(key, strlen(key), ver, "hmac-sha1", sig, body,
		    blen) == WEBHOOK_BAD_ALGORITHM, "vector %s: other algorithm refused", name);
		if (blen > 0) {
			struct webhook_event ev;

			CHECK(webhook_parse(body, blen, &ev, err, sizeof(err)) == 0 &&
			    ev.library_id == 133 &&
			    strcmp(ev.guid, "657bb740-a71b-4529-a012-528021c31a92") == 0,
			    "vector %s: body parses (%s)", name, err);
		}
	}
	CHECK(n == 8, "all 8 stream_webhook_signature vectors ran (%d)", n);
	cJSON_Delete(root);
}

static void
headers(void)
{
	const char *k = "key", *sig =
	    "0000000000000000000000000000000000000000000000000000000000000000";

	CHECK(verify(k, 3, NULL, "hmac-sha256", sig, "{}", 2) ==
	    WEBHOOK_BAD_VERSION, "missing version header refused");
	CHECK(verify(k, 3, "v1", NULL, sig, "{}", 2) ==
	    WEBHOOK_BAD_ALGORITHM, "missing algorithm header refused");
	CHECK(verify(k, 3, "v1", "hmac-sha256", NULL, "{}", 2) ==
	    WEBHOOK_BAD_SIGNATURE, "missing signature refused");
	CHECK(verify(k, 3, "v1", "hmac-sha256", "abc", "{}", 2) ==
	    WEBHOOK_BAD_SIGNATURE, "short signature refused");
	CHECK(verify(k, 3, "v1", "hmac-sha256",
	    "zz00000000000000000000000000000000000000000000000000000000000000",
	    "{}", 2) == WEBHOOK_BAD_SIGNATURE, "non-hex signature refused");
	CHECK(verify(k, 3, "v1", "hmac-sha256",
	    "00000000000000000000000000000000000000000000000000000000000000000",
	    "{}", 2) == WEBHOOK_BAD_SIGNATURE, "65-digit signature refused");
	CHECK(verify(NULL, 0, "v1", "hmac-sha256", sig, "{}", 2) ==
	    WEBHOOK_NO_KEY, "no key configured refuses everything");
	CHECK(verify(k, 3, "v1", "hmac-sha256", sig, "{}",
	    WEBHOOK_MAX_BODY + 1) == WEBHOOK_TOO_LARGE, "oversized body refused");
}

static void
bodies(void)
{
	static const struct { int ok; const char *body; long long lib;
	    const char *guid; int status; } t[] = {
		{ 1, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657BB740-A71B-4529-A012-528021C31A92\",\"Status\":10}",
		  1, "657bb740-a71b-4529-a012-528021c31a92", 10 },
		{ 1, " {\"Status\":4 , \"VideoGuid\":\"00000000-0000-0000-0000-000000000000\",\"VideoLibraryId\":0,"
		  "\"Extra\":\"x\\\"y\",\"N\":-1.5e3,\"B\":true,\"Z\":null}\r\n",
		  0, "00000000-0000-0000-0000-000000000000", 4 },
		{ 0, "", 0, NULL, 0 },
		{ 0, "[]", 0, NULL, 0 },
		{ 0, "{}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\"}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3,}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3}x", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3,\"Status\":4}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"../../etc/passwd\",\"Status\":3}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a9\\u0032\",\"Status\":3}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":-1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":256}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3.0}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":99999999999999999999,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3,\"X\":{\"a\":1}}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":\"3\"}", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":1,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3", 0, NULL, 0 },
		{ 0, "{\"VideoLibraryId\":01,\"VideoGuid\":\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3}", 0, NULL, 0 },
	};
	struct webhook_event ev;
	char err[256], big[WEBHOOK_MAX_BODY + 2];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc;

		err[0] = '\0';
		rc = webhook_parse(t[i].body, strlen(t[i].body), &ev, err, sizeof(err));
		if (t[i].ok)
			CHECK(rc == 0 && ev.library_id == t[i].lib &&
			    strcmp(ev.guid, t[i].guid) == 0 && ev.status == t[i].status,
			    "body %zu parses (%s)", i, err);
		else
			CHECK(rc == -1 && strncmp(err, "webhook body: ", 14) == 0,
			    "body %zu refused: %s", i, err);
	}
	memset(big, ' ', sizeof(big));
	CHECK(webhook_parse(big, sizeof(big), &ev, err, sizeof(err)) == -1,
	    "body over the cap refused before parsing");
}

static void
statuses(void)
{
	static const int rebuild[] = { 3, 4, 5, 9, 10, 11, 255 };
	static const int skip[] = { 0, 1, 2, 6, 7, 8 };
	size_t i;

	for (i = 0; i < sizeof(rebuild) / sizeof(rebuild[0]); i++)
		CHECK(webhook_status_rebuilds(rebuild[i]), "status %d asks for a rebuild",
		    rebuild[i]);
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		CHECK(!webhook_status_rebuilds(skip[i]), "status %d (a step on the "
		    "way) does not", skip[i]);
}

static void
record(void)
{
	char dir[] = "/tmp/test_webhook.XXXXXX", path[512], got[512], err[256];
	struct webhook_event ev = { 133, "657bb740-a71b-4529-a012-528021c31a92", 3 };
	FILE *f;
	size_t n = 0;
	struct stat st;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/rebuild-request", dir);
	CHECK(webhook_record(path, &ev, 1700000000, err, sizeof(err)) == 0,
	    "record written (%s)", err);
	ev.status = 4;
	CHECK(webhook_record(path, &ev, 1700000001, err, sizeof(err)) == 0,
	    "record replaced (%s)", err);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(got, 1, sizeof(got) - 1, f);
		fclose(f);
	}
	got[n] = '\0';
	CHECK_STR(got, "{\"VideoLibraryId\":133,\"VideoGuid\":"
	    "\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":4,"
	    "\"ReceivedAt\":1700000001}\n", "record holds the latest event as one JSON line");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640,
	    "record is readable by the watcher's group, not by others (0640)");
	chmod(path, 0604);
	CHECK(webhook_record(path, &ev, 1700000002, err, sizeof(err)) == 0 &&
	    stat(path, &st) == 0 && (st.st_mode & 0777) == 0604,
	    "a replaced record keeps the mode it had (0604)");
	unlink(path);
	CHECK(rmdir(dir) == 0, "no temporary file left beside the record");
	snprintf(path, sizeof(path), "%s/missing/rebuild-request", dir);
	CHECK(webhook_record(path, &ev, 1, err, sizeof(err)) == -1 &&
	    strstr(err, "cannot create") != NULL, "unwritable directory: %s", err);
}

static void
replays(void)
{
	static struct webhook_replay r;	/* zeroed, as in struct verifier */
	const char *a = "{\"VideoLibraryId\":133,\"VideoGuid\":"
	    "\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":3}";
	const char *b = "{\"VideoLibraryId\":133,\"VideoGuid\":"
	    "\"657bb740-a71b-4529-a012-528021c31a92\",\"Status\":4}";
	unsigned char da[32], da2[32], db[32], dx[32];
	double t = 5000;
	int i, all = 1;

	webhook_digest(a, strlen(a), da);
	webhook_digest(a, strlen(a), da2);
	webhook_digest(b, strlen(b), db);
	CHECK(memcmp(da, da2, 32) == 0 && memcmp(da, db, 32) != 0,
	    "the digest is the body's: the same body, the same digest; another, another");
	CHECK(!webhook_seen(&r, da, t), "a body never accepted is not a duplicate");
	webhook_remember(&r, da, t);
	CHECK(webhook_seen(&r, da, t), "the same body at once is a duplicate");
	CHECK(webhook_seen(&r, da, t + WEBHOOK_REPLAY_WINDOW - 1),
	    "and still %d s later", WEBHOOK_REPLAY_WINDOW - 1);
	CHECK(!webhook_seen(&r, da, t + WEBHOOK_REPLAY_WINDOW),
	    "not once the window (%d s) is over", WEBHOOK_REPLAY_WINDOW);
	CHECK(!webhook_seen(&r, db, t), "another status of the same video is not");
	CHECK(!webhook_seen(&r, da, t - 1), "a clock before the acceptance matches nothing");
	/* The ring is bounded: WEBHOOK_SEEN_SLOTS other bodies push it out. */
	for (i = 0; i < WEBHOOK_SEEN_SLOTS - 1; i++) {
		memset(dx, 0, sizeof(dx));
		memcpy(dx, &i, sizeof(i));
		dx[31] = 0xa5;
		webhook_remember(&r, dx, t + 1);
	}
	CHECK(webhook_seen(&r, da, t + 2), "%d other bodies later it is still known",
	    WEBHOOK_SEEN_SLOTS - 1);
	webhook_remember(&r, db, t + 2);
	CHECK(!webhook_seen(&r, da, t + 3) && webhook_seen(&r, db, t + 3),
	    "one more, and the oldest is forgotten (fixed memory: %zu bytes)",
	    sizeof(r));
	for (i = 0; i < WEBHOOK_SEEN_SLOTS - 1; i++) {
		memset(dx, 0, sizeof(dx));
		memcpy(dx, &i, sizeof(i));
		dx[31] = 0xa5;
		if (!webhook_seen(&r, dx, t + 3))
			all = 0;
	}
	CHECK(all, "every body of the ring is still found");
}

int
main(void)
{
	vectors();
	headers();
	bodies();
	statuses();
	record();
	replays();
	return check_report();
}
