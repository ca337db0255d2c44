/*
 * api_fixture.h — what the verifier API's unit tests share: the stores
 * (keys, access.db, tokens.db with the codes they use), a request through
 * api_handle(), and cookies made and read as a browser would.  Header-only
 * (each test is one program).
 */
#ifndef API_FIXTURE_H
#define API_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "access_schema.h"
#include "api.h"
#include "check.h"
#include "code.h"
#include "entitlements.h"
#include "legacy_token.h"
#include "token_store.h"

#define SECRET	"unit-secret-0123456789"
#define VIP_V	"11111111-2222-3333-4444-555555555555"
#define PPV_V	"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
#define PUB_V	"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

static char dir[] = "/tmp/onlyapiXXXXXX";
static time_t T0;
static time_t NOW;	/* the requests' clock; T0 unless a test moves it */
static const char *FETCH_SITE;	/* the requests' Sec-Fetch-Site; NULL unless a test sets it */

static inline void
fixture(void)
{
	char p[256], err[256];
	struct hmac_key k;
	struct token_rec r;
	sqlite3 *db;
	FILE *f;
	static const struct { const char *code, *level, *video; long dexp; int revoked; } codes[] = {
		{ "OM43-0000-0001", "vip", "", 86400, 0 },
		{ "OM43-0000-0002", "ppv", PPV_V, 86400, 0 },
		{ "OM43-0000-0003", "vip", "", 0, 0 },		/* expires now */
		{ "OM43-0000-0004", "vip", "", 86400, 1 },	/* revoked */
		{ "OM43-0000-0005", "ppv", PPV_V, 86400, 0 },
		{ "OM43-0000-0006", "vip", "", 1000 * 86400, 0 },	/* outlives a cookie */
		{ "OM43-0000-0007", "vip", "", 86400, 0 },	/* revoked by a test */
		{ "OM43-0000-0008", "ppv", PPV_V, 1000 * 86400, 0 },	/* outlives a day */
	};
	size_t i;

	snprintf(p, sizeof(p), "%s/verifier.keys", dir);
	f = fopen(p, "w");
	fprintf(f, "SECRET_KEY=" SECRET "\nBUNNY_TOKEN_KEY=unit-bunny-0123456789\n");
	fclose(f);
	chmod(p, 0600);
	snprintf(p, sizeof(p), "%s/access.db", dir);
	sqlite3_open(p, &db);
	sqlite3_exec(db, ACCESS_SCHEMA_SQL " INSERT INTO videos VALUES "
	    "('" VIP_V "', 'vip', '127.0.0.1:9', 60, 'VIP one'), "
	    "('" PPV_V "', 'ppv', 'cdn.example', 0, 'Pay \"me\" <b>&</b>'), "
	    "('" PUB_V "', 'public', 'cdn.example', 0, 'Public'), "
	    "('99999999-9999-9999-9999-999999999999', 'vip', 'bad host!', 0, '')", NULL, NULL, NULL);
	sqlite3_close(db);
	snprintf(p, sizeof(p), "%s/tokens.db", dir);
	db = tstore_open_rw(p, err, sizeof(err));
	hmac_key_init(&k, SECRET, strlen(SECRET));
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		memset(&r, 0, sizeof(r));
		tstore_code_hash(&k, codes[i].code, r.hash);
		snprintf(r.level, sizeof(r.level), "%s", codes[i].level);
		snprintf(r.video, sizeof(r.video), "%s", codes[i].video);
		r.created_at = T0 - 10;
		r.expires_at = T0 + codes[i].dexp;
		r.revoked_at = codes[i].revoked ? T0 - 1 : 0;
		tstore_insert(db, &r, err, sizeof(err));
	}
	for (i = 0; i < ENTS_MAX + 1; i++) {	/* OM43-1000-0000-00NN: the bound */
		char code[CODE_BUFSZ];

		snprintf(code, sizeof(code), "OM43-1000-0000-%04zu", i);
		memset(&r, 0, sizeof(r));
		tstore_code_hash(&k, code, r.hash);
		snprintf(r.level, sizeof(r.level), "vip");
		r.created_at = T0 - 10;
		r.expires_at = T0 + 86400;
		tstore_insert(db, &r, err, sizeof(err));
	}
	tstore_close_rw(db);
}

static inline int
call(struct verifier *v, const char *method, const char *path, const char *cookie,
    const char *ip, const char *ctype, const char *body, struct api_resp *o)
{
	struct api_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	rq.path_len = strlen(path);
	rq.cookie = cookie;
	rq.cookie_len = cookie ? strlen(cookie) : 0;
	rq.ip = ip;
	rq.ctype = ctype;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	rq.fetch_site = FETCH_SITE;
	rq.now = NOW;
	rq.mono = 1000;
	api_handle(v, &rq, o);
	return o->status;
}

static inline const char *
cookie_for(const char *code, int64_t exp, char *buf, size_t cap)
{
	struct hmac_key k;
	char tok[LTOKEN_BUFSZ];

	hmac_key_init(&k, SECRET, strlen(SECRET));
	ltoken_make(&k, code, exp, tok, sizeof(tok));
	snprintf(buf, cap, "a=b; access_token=%s", tok);
	return buf;
}

static inline int
exec_sql(const char *file, const char *sql)
{
	char p[256];
	sqlite3 *db;
	int rc;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (sqlite3_open(p, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

#define STARTS(s, lit)	(strncmp((s), (lit), sizeof(lit) - 1) == 0)

/* "access_token=VALUE" from a Set-Cookie, for the next request. */
static inline const char *
cookie_from(const struct api_resp *o, char *buf, size_t cap)
{
	const char *e = strchr(o->set_cookie, ';');

	snprintf(buf, cap, "%.*s", e ? (int)(e - o->set_cookie) : 0, o->set_cookie);
	return buf;
}

static inline int
redeem_with(struct verifier *v, const char *cookie, const char *body, struct api_resp *o)
{
	static int ip;
	char addr[32];

	/* each from its own address and /24: no rate limit is tested here */
	snprintf(addr, sizeof(addr), "10.%d.%d.7", ip / 256, ip % 256);
	ip++;
	return call(v, "POST", "/api/redeem", cookie, addr, NULL, body, o);
}

/* How many times lit occurs in s. */
static inline int
count_str(const char *s, const char *lit)
{
	int n = 0;

	while ((s = strstr(s, lit)) != NULL) {
		n++;
		s += strlen(lit);
	}
	return n;
}

/* Entries of the cookie "access_token=VALUE" (-1: not a valid one); *has
 * says whether code's entry is among them. */
static inline int
cookie_holds(struct verifier *v, const char *c, const char *code, int *has)
{
	struct hmac_key k;
	struct ents e;
	unsigned char h[HMAC_LEN];
	size_t i;

	*has = 0;
	if (strncmp(c, "access_token=", 13) != 0 ||
	    ents_decode(&v->ents, c + 13, strlen(c + 13), &e) != ENTS_OK)
		return -1;
	hmac_key_init(&k, SECRET, strlen(SECRET));
	tstore_code_hash(&k, code, h);
	for (i = 0; i < e.n; i++)
		*has |= memcmp(e.e[i].hash, h, HMAC_LEN) == 0;
	return (int)e.n;
}

/*
 * The clock at now, the stores made in a new directory, and v opened on
 * them with c (only the per-address redeem limit: test_ratelimit.c has the
 * others).  0, or -1 when the directory cannot be made.
 */
static inline int
fixture_verifier(struct verifier_config *c, struct verifier *v)
{
	char err[256];

	T0 = time(NULL);
	NOW = T0;
	if (mkdtemp(dir) == NULL)
		return -1;
	fixture();
	memset(c, 0, sizeof(*c));
	c->var = dir;
	c->redeem_net_burst = c->redeem_fail_burst = 1e6;
	CHECK(verifier_open(v, c, err, sizeof(err)) == 0, "verifier_open: %s", err);
	return 0;
}

/* Removes the stores' directory. */
static inline void
fixture_remove(void)
{
	char p[256];

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	if (system(p) != 0)
		printf("# could not remove %s\n", dir);
}

#endif
