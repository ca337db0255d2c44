/*
 * test_api.c — verifier/module/api.c without lighttpd: every endpoint and status
 * through api_handle() on fixture stores, then verifier_close().  Under
 * `make check` this runs with LeakSanitizer on, which the lighttpd-based
 * integration test cannot (lighttpd leaks at exit by design), so a leak in
 * the request path or in open/close shows up here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "access_schema.h"
#include "api.h"
#include "rodb.h"
#include "bunny_sign.h"
#include "check.h"
#include "code.h"
#include "entitlements.h"
#include "legacy_token.h"
#include "token_store.h"

#include "api_fixture.h"

/* The 200 body of /api/play, built without printf, byte for byte. */
static void
play_body_exact(struct verifier *v)
{
	struct bunny_sign_req sr;
	struct hmac_key bk;
	struct api_resp o;
	char url[1024], want[1200];

	hmac_key_init(&bk, "unit-bunny-0123456789", 21);
	memset(&sr, 0, sizeof(sr));
	sr.url = "https://cdn.example/" PUB_V "/playlist.m3u8";
	sr.hkey = &bk;
	sr.expires = (int64_t)T0 + API_PLAY_TTL_DEFAULT;
	sr.token_path = "/" PUB_V "/";
	sr.directory = 1;
	bunny_sign_url(&sr, url, sizeof(url));
	snprintf(want, sizeof(want), "{\"url\":\"%s\",\"expires_at\":%lld}\n", url,
	    (long long)T0 + API_PLAY_TTL_DEFAULT);
	call(v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o);
	CHECK(o.status == 200 && o.body_len == strlen(o.body) &&
	    strcmp(o.body, want) == 0, "public play body is exactly %s", want);
}

/* Entries in use in the tokens cache. */
static int
cached(const struct verifier *v)
{
	int i, n = 0;

	for (i = 0; i < TCACHE_SLOTS; i++)
		n += v->tcache.e[i].used;
	return n;
}

/*
 * Writes in place, not by rename.  access.db is opened immutable (onlygen
 * only ever renames a new one in), so the once-a-second stat is what sees
 * an in-place write: by the next second.  tokens.db is live: a revocation
 * counts on the very next request.
 */
static void
in_place_writes(struct verifier *v)
{
	struct api_resp o;
	char ck[600];
	int n0;

	CHECK(call(v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o) == 200,
	    "in place: public video plays before the write");
	CHECK(exec_sql("access.db", "UPDATE videos SET access = 'vip' WHERE guid = '"
	    PUB_V "'; INSERT INTO videos VALUES ('12345678-1234-1234-1234-123456789abc', "
	    "'public', 'cdn.example', 5, 'Added')") == 0, "in place: access.db updated");
	NOW = T0 + 1;
	CHECK(call(v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o) == 401,
	    "in place: access.db change seen the next second (now vip: 401)");
	CHECK(call(v, "GET", "/api/play/12345678-1234-1234-1234-123456789abc", NULL, NULL,
	    NULL, NULL, &o) == 200, "in place: a video added in place plays");
	cookie_for("OM43-0000-0001", T0 + 100, ck, sizeof(ck));
	CHECK(call(v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 200,
	    "in place: vip code plays before its revocation");
	n0 = cached(v);
	CHECK(v->tokens.wal && v->tcache.valid && n0 >= 1,
	    "in place: token answers are cached (WAL stamp read): %d", n0);
	CHECK(call(v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 200 &&
	    cached(v) == n0, "in place: served again from the cache");
	CHECK(exec_sql("tokens.db", "INSERT INTO codes VALUES (randomblob(32), 'vip', NULL, "
	    "1, 1, NULL, '')") == 0, "in place: an unrelated code added");
	CHECK(call(v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 200 &&
	    v->tcache.valid && cached(v) == 1,
	    "in place: any commit empties the cache (one fresh entry)");
	CHECK(exec_sql("tokens.db", "UPDATE codes SET revoked_at = 1 WHERE level = 'vip' "
	    "AND revoked_at IS NULL") == 0, "in place: tokens.db revoked");
	CHECK(call(v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "revoked"), "in place: the revocation counts in the same second");
	NOW = T0;
}

/* One device, many codes: merged, bounded, each judged on its own. */
static void
device_unlocks(struct verifier *v)
{
	struct api_resp o;
	struct hmac_key k;
	unsigned char h[HMAC_LEN];
	char c1[ENTS_BUFSZ + 64], c2[ENTS_BUFSZ + 64], c3[ENTS_BUFSZ + 64], body[200];
	char sql[200], *p;
	size_t i;
	int ok;

	CHECK(redeem_with(v, NULL, "code=OM43-0000-0007", &o) == 200 &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG) &&
	    strstr(o.set_cookie, "0000") == NULL, "redeem sets a format-2 cookie, no code in it");
	cookie_from(&o, c1, sizeof(c1));
	CHECK(redeem_with(v, c1, "code=OM43-0000-0002&video=" VIP_V, &o) == 200 &&
	    strstr(o.body, "\"unlocks_this\":false") &&
	    strstr(o.body, "\"title\":\"Pay \\\"me\\\" \\u003cb\\u003e\\u0026\\u003c/b\\u003e\"") &&
	    strstr(o.body, "\"held\":2"),
	    "ppv typed on another video: unlocks_this false, its title escaped: %s", o.body);
	cookie_from(&o, c2, sizeof(c2));
	CHECK(call(v, "GET", "/api/play/" VIP_V, c2, NULL, NULL, NULL, &o) == 200 &&
	    call(v, "GET", "/api/play/" PPV_V, c2, NULL, NULL, NULL, &o) == 200,
	    "vip then ppv: both play");
	CHECK(redeem_with(v, c2, "{\"code\":\"OM43-0000-0002\",\"video\":\"" PPV_V "\"}", &o)
	    == 200 && strstr(o.body, "\"unlocks_this\":true") && strstr(o.body, "\"held\":2"),
	    "the same code again (JSON, on its video): one entry, unlocks_this true");
	CHECK(call(v, "GET", "/api/session", c2, NULL, NULL, NULL, &o) == 200 &&
	    STARTS(o.body, "{\"level\":\"vip\",\"video\":null,") &&
	    strstr(o.body, "\"unlocks\":[{\"level\":\"vip\"") &&
	    strstr(o.body, "{\"level\":\"ppv\",\"video\":\"" PPV_V "\",\"title\":") &&
	    o.set_cookie[0] == '\0', "session lists both, vip first; a fresh cookie is not reset: %s",
	    o.body);

	/* Revoking one code stops only its unlock. */
	CHECK(redeem_with(v, c2, "code=OM43-0000-0005", &o) == 200, "third code added");
	cookie_from(&o, c3, sizeof(c3));
	hmac_key_init(&k, SECRET, strlen(SECRET));
	tstore_code_hash(&k, "OM43-0000-0007", h);
	p = sql + snprintf(sql, sizeof(sql), "UPDATE codes SET revoked_at = 1 WHERE hash = X'");
	for (i = 0; i < HMAC_LEN; i++)
		p += snprintf(p, 3, "%02x", h[i]);
	snprintf(p, 4, "';");
	CHECK(exec_sql("tokens.db", sql) == 0, "vip code revoked in the store");
	CHECK(call(v, "GET", "/api/play/" VIP_V, c3, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "\"revoked\""), "its vip unlock stops: 403 revoked");
	CHECK(call(v, "GET", "/api/play/" PPV_V, c3, NULL, NULL, NULL, &o) == 200,
	    "the ppv unlocks still play");
	CHECK(call(v, "GET", "/api/session", c3, NULL, NULL, NULL, &o) == 200 &&
	    STARTS(o.body, "{\"level\":\"ppv\",") &&
	    strstr(o.body, "\"vip\"") == NULL &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG),
	    "session drops the revoked entry and sets the cookie again");
	CHECK(redeem_with(v, c3, "code=OM43-0000-0006", &o) == 200 && strstr(o.body, "\"held\":3"),
	    "redeem drops the revoked entry: 2 ppv + the new vip");

	/* The bound: ENTS_MAX entries, then 409 and the cookie left alone. */
	cookie_from(&o, c1, sizeof(c1));
	for (i = 0, ok = 0; i < ENTS_MAX - 3; i++) {
		snprintf(body, sizeof(body), "code=OM43-1000-0000-%04zu", i);
		ok += redeem_with(v, c1, body, &o) == 200;
		cookie_from(&o, c1, sizeof(c1));
	}
	CHECK(ok == ENTS_MAX - 3 && strstr(o.body, "\"held\":32") &&
	    strlen(c1) - 13 <= ENTS_COOKIE_MAX, "%d entries: cookie of %zu bytes",
	    ENTS_MAX, strlen(c1) - 13);
	CHECK(strlen(c1) - 13 == ENTS_COOKIE_MAX && ENTS_COOKIE_MAX < 2048,
	    "the full cookie is exactly ENTS_COOKIE_MAX (%d) bytes", ENTS_COOKIE_MAX);
	snprintf(body, sizeof(body), "code=OM43-1000-0000-%04d", ENTS_MAX - 3);
	CHECK(redeem_with(v, c1, body, &o) == 409 && strstr(o.body, "too_many_unlocks") &&
	    o.set_cookie[0] == '\0', "one more: 409 too_many_unlocks, cookie untouched");
	CHECK(redeem_with(v, c1, "code=OM43-0000-0002", &o) == 200,
	    "a code already held still redeems on a full device");
	CHECK(call(v, "GET", "/api/session", c1, NULL, NULL, NULL, &o) == 200 &&
	    o.body_len < sizeof(o.body) - 1 && strstr(o.body, "}]}\n"),
	    "session with 32 unlocks fits (%zu bytes)", o.body_len);
	CHECK(call(v, "GET", "/api/play/" PPV_V, c1, NULL, NULL, NULL, &o) == 200,
	    "full device: ppv plays");

	/* A legacy cookie keeps its unlock and is merged on the next redeem. */
	cookie_for("OM43-0000-0002", T0 + 100, c1, sizeof(c1));
	CHECK(redeem_with(v, c1, "code=OM43-0000-0006", &o) == 200 && strstr(o.body, "\"held\":2"),
	    "legacy cookie + redeem: merged (2 entries)");
	cookie_from(&o, c2, sizeof(c2));
	CHECK(call(v, "GET", "/api/play/" PPV_V, c2, NULL, NULL, NULL, &o) == 200 &&
	    call(v, "GET", "/api/play/" VIP_V, c2, NULL, NULL, NULL, &o) == 200,
	    "upgraded cookie plays the legacy unlock and the new one");
	CHECK(call(v, "GET", "/api/session", c1, NULL, NULL, NULL, &o) == 200 &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG),
	    "session upgrades a legacy cookie");

	/* Sliding renewal: a cookie is good 400 days (what browsers keep at
	 * most), the code 1 000. */
	CHECK(redeem_with(v, NULL, "code=OM43-0000-0006", &o) == 200 &&
	    strstr(o.set_cookie, "Max-Age=34560000"), "400-day cookie for a 1000-day code");
	cookie_from(&o, c1, sizeof(c1));
	NOW = T0 + 399 * 86400;
	CHECK(call(v, "GET", "/api/session", c1, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.set_cookie, "Max-Age=34560000"), "session on day 399 renews it for 400 days");
	cookie_from(&o, c2, sizeof(c2));
	NOW = T0 + 410 * 86400;
	CHECK(call(v, "GET", "/api/play/" VIP_V, c1, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "expired"), "day 410: the old cookie has expired");
	CHECK(call(v, "GET", "/api/play/" VIP_V, c2, NULL, NULL, NULL, &o) == 200,
	    "day 410: the renewed cookie still plays");
	NOW = T0;

	/* Forged cookies. */
	snprintf(c3, sizeof(c3), "%s", c2);
	c3[20] = c3[20] == 'A' ? 'B' : 'A';
	CHECK(call(v, "GET", "/api/play/" VIP_V, c3, NULL, NULL, NULL, &o) == 401,
	    "one character changed: 401");
	c2[strlen(c2) - 4] = '\0';
	CHECK(call(v, "GET", "/api/play/" VIP_V, c2, NULL, NULL, NULL, &o) == 401,
	    "truncated: 401");
}

/*
 * A code this node's tokens.db does not know stays in the cookie: on a
 * replica behind the writer (or a store restored from a backup) a session
 * renewal or a redeem that wrote the cookie without it lost the unlock for
 * good, even once the store had caught up.
 */
static void
unknown_codes(struct verifier *v)
{
	struct api_resp o;
	struct hmac_key k;
	unsigned char h[HMAC_LEN];
	char c1[ENTS_BUFSZ + 64], c2[ENTS_BUFSZ + 64], hex[2 * HMAC_LEN + 1], sql[400];
	const char *lag = "OM43-0000-0005";
	size_t i;
	int has, n;

	CHECK(redeem_with(v, NULL, "code=OM43-0000-0002", &o) == 200, "unknown: first ppv");
	cookie_from(&o, c1, sizeof(c1));
	CHECK(redeem_with(v, c1, "code=OM43-0000-0005", &o) == 200 &&
	    strstr(o.body, "\"held\":2"), "unknown: second ppv");
	cookie_from(&o, c2, sizeof(c2));
	hmac_key_init(&k, SECRET, strlen(SECRET));
	tstore_code_hash(&k, lag, h);
	for (i = 0; i < HMAC_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(sql, sizeof(sql), "CREATE TABLE held AS SELECT * FROM codes WHERE hash = X'%s';"
	    " DELETE FROM codes WHERE hash = X'%s';", hex, hex);
	CHECK(exec_sql("tokens.db", sql) == 0, "unknown: the store loses the second code");
	CHECK(call(v, "GET", "/api/session", c2, NULL, NULL, NULL, &o) == 200 &&
	    (o.set_cookie[0] == '\0' ||
	    (cookie_from(&o, c1, sizeof(c1)), cookie_holds(v, c1, lag, &has) == 2 && has)),
	    "unknown: session does not write the cookie without it: %s", o.set_cookie);
	CHECK(redeem_with(v, c2, "code=OM43-0000-0006", &o) == 200 &&
	    strstr(o.body, "\"held\":3"), "unknown: a redeem keeps it: %s", o.body);
	cookie_from(&o, c1, sizeof(c1));
	n = cookie_holds(v, c1, lag, &has);
	CHECK(n == 3 && has, "unknown: the new cookie still names it (%d entries)", n);
	CHECK(exec_sql("tokens.db", "INSERT INTO codes SELECT * FROM held; DROP TABLE held;")
	    == 0, "unknown: the store catches up");
	CHECK(call(v, "GET", "/api/session", c1, NULL, NULL, NULL, &o) == 200 &&
	    count_str(o.body, "{\"level\":\"ppv\"") == 2,
	    "unknown: both ppv unlocks are back: %s", o.body);

	/* An unknown code's entry that has expired is dropped (and a legacy
	 * cookie naming an unknown code is kept like a format-2 entry). */
	cookie_for("OM43-0000-0099", T0 - 1, c1, sizeof(c1));
	CHECK(redeem_with(v, c1, "code=OM43-0000-0002", &o) == 200 &&
	    strstr(o.body, "\"held\":1"), "unknown and expired: dropped: %s", o.body);
	cookie_for("OM43-0000-0099", T0 + 100, c1, sizeof(c1));
	CHECK(redeem_with(v, c1, "code=OM43-0000-0002", &o) == 200 &&
	    strstr(o.body, "\"held\":2"), "unknown legacy code: kept: %s", o.body);
	cookie_from(&o, c1, sizeof(c1));
	NOW = T0 + 200;
	CHECK(call(v, "GET", "/api/session", c1, NULL, NULL, NULL, &o) == 200 &&
	    (cookie_from(&o, c2, sizeof(c2)), cookie_holds(v, c2, "OM43-0000-0099", &has) == 1) &&
	    !has, "unknown: dropped by session once its entry expires: %s", o.set_cookie);
	NOW = T0;
}

/*
 * A form on another site's page, auto-submitted: the browser says
 * Sec-Fetch-Site: cross-site, sends no cookie (SameSite=Lax) and stores the
 * answer's Set-Cookie.  Neither logout nor redeem may touch the cookie then.
 */
static void
cross_site(struct verifier *v)
{
	struct api_resp o;

	FETCH_SITE = "cross-site";
	CHECK(call(v, "POST", "/api/logout", NULL, NULL, NULL, NULL, &o) == 403 &&
	    o.set_cookie[0] == '\0' && strstr(o.body, "\"cross_site\""),
	    "cross-site logout: 403, the cookie left alone: %s", o.body);
	CHECK(redeem_with(v, NULL, "code=OM43-0000-0002&next=/", &o) == 403 &&
	    o.set_cookie[0] == '\0' && o.location[0] == '\0' &&
	    strstr(o.body, "\"cross_site\""),
	    "cross-site redeem (form with next): 403 JSON, no cookie, no redirect");
	FETCH_SITE = "Cross-Site";
	CHECK(call(v, "POST", "/api/logout", NULL, NULL, NULL, NULL, &o) == 403,
	    "cross-site: the header's case does not matter");
	FETCH_SITE = "same-origin";
	CHECK(call(v, "POST", "/api/logout", NULL, NULL, NULL, NULL, &o) == 200 &&
	    STARTS(o.set_cookie, "access_token=;"), "same-origin logout: 200, cleared");
	CHECK(redeem_with(v, NULL, "code=OM43-0000-0002&next=/", &o) == 303 &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG), "same-origin form redeem: 303 + cookie");
	FETCH_SITE = "same-site";
	CHECK(redeem_with(v, NULL, "{\"code\":\"OM43-0000-0002\"}", &o) == 200,
	    "same-site (a sibling host of the site) redeem: 200");
	FETCH_SITE = "none";
	CHECK(call(v, "POST", "/api/logout", NULL, NULL, NULL, NULL, &o) == 200,
	    "Sec-Fetch-Site none (typed by the user): 200");
	FETCH_SITE = NULL;
	CHECK(redeem_with(v, NULL, "code=OM43-0000-0002", &o) == 200,
	    "no Sec-Fetch-Site (an older browser, curl): 200");
}

/*
 * A second access_token in the header (one another host of the domain set
 * with a longer Path, which the browser sends first) does not hide the
 * device's own: the first authentic one of the first four is read.
 */
static void
shadowed_cookie(struct verifier *v)
{
	struct api_resp o;
	char c1[ENTS_BUFSZ + 64], h[2 * ENTS_BUFSZ + 400];

	CHECK(redeem_with(v, NULL, "code=OM43-0000-0002", &o) == 200, "shadowed: ppv redeemed");
	cookie_from(&o, c1, sizeof(c1));
	snprintf(h, sizeof(h), "access_token=junk; theme=dark; access_token=e2.AAAA; %s", c1);
	CHECK(call(v, "GET", "/api/play/" PPV_V, h, NULL, NULL, NULL, &o) == 200,
	    "shadowed: the device's cookie after two bad ones still plays");
	CHECK(redeem_with(v, h, "code=OM43-0000-0006", &o) == 200 && strstr(o.body, "\"held\":2"),
	    "shadowed: a redeem merges into the device's cookie: %s", o.body);
	snprintf(h, sizeof(h), "access_token=a; access_token=b; access_token=c; "
	    "access_token=d; %s", c1);
	CHECK(call(v, "GET", "/api/play/" PPV_V, h, NULL, NULL, NULL, &o) == 401,
	    "shadowed: only the first four values are tried");
	snprintf(h, sizeof(h), "access_token=; %s", c1);
	CHECK(call(v, "GET", "/api/session", h, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, PPV_V) && strstr(o.body, "\"cookie\":false") == NULL,
	    "shadowed: an empty access_token first does not make the session anonymous: %s",
	    o.body);
}

/*
 * The old system's cookie held the code as typed: /api/session turns a
 * known one into a format-2 cookie, under the redeem rate limit; /api/play
 * never reads a typed code (it has no rate limit).
 */
static void
typed_code_cookie(struct verifier *v)
{
	struct api_resp o;
	char c1[ENTS_BUFSZ + 64];
	int i, limited = 0, set = 0;

	CHECK(call(v, "GET", "/api/play/" PPV_V, "access_token=OM43-0000-0002", "192.0.2.70",
	    NULL, NULL, &o) == 401, "typed code cookie: /api/play does not read it");
	CHECK(call(v, "GET", "/api/session", "access_token=om43-0000-0002", "192.0.2.71",
	    NULL, NULL, &o) == 200 && strstr(o.body, "\"level\":\"ppv\"") &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG),
	    "typed code cookie (lower case): session 200, a format-2 cookie set: %s", o.body);
	cookie_from(&o, c1, sizeof(c1));
	CHECK(call(v, "GET", "/api/play/" PPV_V, c1, NULL, NULL, NULL, &o) == 200,
	    "typed code cookie: the new cookie plays");
	CHECK(call(v, "GET", "/api/session", "access_token=\"OM43 0000 0002\"", "192.0.2.72",
	    NULL, NULL, &o) == 200 && STARTS(o.set_cookie, "access_token=" ENTS_TAG),
	    "typed code cookie quoted with spaces (Python's cookie quoting): 200");
	CHECK(call(v, "GET", "/api/session", "access_token=OM43-DEAD-BEEF", "192.0.2.73",
	    NULL, NULL, &o) == 401 && strstr(o.body, "unauthorized") &&
	    STARTS(o.set_cookie, "access_token=;") && strstr(o.set_cookie, "Max-Age=0"),
	    "typed unknown code: 401 and the cookie cleared (charged once): %s", o.set_cookie);
	CHECK(call(v, "GET", "/api/session", "access_token=OM43-0000-0004", "192.0.2.74",
	    NULL, NULL, &o) == 401 && strstr(o.body, "revoked") &&
	    STARTS(o.set_cookie, "access_token=;"), "typed revoked code: 401 revoked, cleared");
	for (i = 0; i < 8; i++) {
		char ck[64];

		snprintf(ck, sizeof(ck), "access_token=OM43-DEAD-%04d", i);
		limited += call(v, "GET", "/api/session", ck, "192.0.2.75", NULL, NULL, &o) == 429;
		set += STARTS(o.set_cookie, "access_token=" ENTS_TAG);
	}
	CHECK(limited > 0 && set == 0, "typed codes from one address meet the redeem limit "
	    "(%d of 8 refused)", limited);
}

/* Paths SQLite's URI syntax would misread: escaped, both modes. */
static void
odd_paths(void)
{
	static const char *names[] = { "/a b?c=1#d%41.db", "//x.db" };
	char p[256], sql[300];
	unsigned char stamp[RODB_STAMP_LEN];
	struct rodb r;
	size_t i;
	int mode;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		/* "//x.db" means "/" + dir + "/x.db": a path starting with "//". */
		if (strncmp(names[i], "//", 2) == 0)
			snprintf(p, sizeof(p), "/%s%s", dir, names[i] + 1);
		else
			snprintf(p, sizeof(p), "%s%s", dir, names[i]);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = 7; CREATE TABLE t (x)");
		{
			sqlite3 *db;
			sqlite3_open(p, &db);
			sqlite3_exec(db, sql, NULL, NULL, NULL);
			sqlite3_close(db);
		}
		for (mode = RODB_LIVE; mode <= RODB_REPLACED_ONLY; mode++) {
			CHECK(rodb_init(&r, p, "SELECT count(*) FROM t", 7, mode) == 0 &&
			    rodb_stmt(&r, T0) != NULL, "rodb opens %s (mode %d): %s",
			    p, mode, r.err);
			CHECK(!r.wal && rodb_wal_stamp(&r, stamp) == -1,
			    "a rollback-journal file has no WAL stamp (no token caching)");
			rodb_close(&r);
		}
		unlink(p);
	}
}

/* play_ttl and metrics_allow from the configuration, and bad values. */
static void
settings(const struct verifier_config *base)
{
	struct verifier_config c = *base;
	struct verifier v;
	struct api_resp o;
	char err[256];

	c.play_ttl = 2;
	c.metrics_allow = "192.0.2.0/24";
	CHECK(verifier_open(&v, &c, err, sizeof(err)) == 0, "open with play_ttl 2, "
	    "metrics_allow 192.0.2.0/24");
	CHECK(call(&v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"expires_at\":") && strtoll(strstr(o.body, "\"expires_at\":") + 13,
	    NULL, 10) == (long long)NOW + 2, "play URL lives play_ttl seconds: %s", o.body);
	CHECK(call(&v, "GET", "/api/metrics", NULL, "192.0.2.77", NULL, NULL, &o) == 200 &&
	    call(&v, "GET", "/api/metrics", NULL, "127.0.0.1", NULL, NULL, &o) == 403,
	    "metrics_allow replaces loopback");
	verifier_close(&v);
	c.metrics_allow = "127.0.0.1, nonsense";
	CHECK(verifier_open(&v, &c, err, sizeof(err)) == -1 && strstr(err, "nonsense"),
	    "a bad metrics_allow refuses to open: %s", err);
	c.metrics_allow = NULL;
	c.play_ttl = API_PLAY_TTL_MAX + 1;
	CHECK(verifier_open(&v, &c, err, sizeof(err)) == -1, "play_ttl over a day refused");
	c.play_ttl = 0;
	c.redeem_net_burst = 0.5;
	CHECK(verifier_open(&v, &c, err, sizeof(err)) == -1, "a net burst under 1 refused");
}

/* A replica node (docs/deploy.md §7): healthz and metrics report the age
 * from replica-status; a single node reports none. */
static void
replica_age(const struct verifier_config *base)
{
	struct verifier_config c = *base;
	struct verifier v;
	struct api_resp o;
	char err[256], path[512];
	time_t saved = NOW;
	FILE *f;

	CHECK(verifier_open(&v, &c, err, sizeof(err)) == 0 &&
	    call(&v, "GET", "/api/healthz", NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "replica") == NULL &&
	    call(&v, "GET", "/api/metrics", NULL, "127.0.0.1", NULL, NULL, &o) == 200 &&
	    strstr(o.body, "replica") == NULL, "a single node: no replica age anywhere");
	verifier_close(&v);
	snprintf(path, sizeof(path), "%s/replica-status", dir);
	unlink(path);
	c.replica_status = path;
	CHECK(verifier_open(&v, &c, err, sizeof(err)) == 0, "open as a replica node");
	CHECK(call(&v, "GET", "/api/healthz", NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"replica_age\":null}"), "no status file yet: healthz 200, "
	    "replica_age null (%s)", o.body);
	CHECK(call(&v, "GET", "/api/metrics", NULL, "127.0.0.1", NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\nonly_replica_age_seconds +Inf\n"), "metrics: age +Inf");
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "writer_at=%lld checked_at=%lld\n", (long long)NOW - 7,
		    (long long)NOW - 1);
		fclose(f);
	}
	NOW++;
	CHECK(call(&v, "GET", "/api/healthz", NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"replica_age\":8}"), "healthz: 200 with the age (%s)", o.body);
	NOW += 100;
	CHECK(call(&v, "GET", "/api/healthz", NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"replica_age\":108}"), "a stale copy is still 200, the age "
	    "grown (%s)", o.body);
	CHECK(call(&v, "GET", "/api/metrics", NULL, "127.0.0.1", NULL, NULL, &o) == 200 &&
	    strstr(o.body, "# TYPE only_replica_age_seconds gauge\n"
	    "only_replica_age_seconds 108\n"), "metrics: only_replica_age_seconds 108");
	CHECK(call(&v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o) == 200,
	    "and it serves");
	verifier_close(&v);
	unlink(path);
	NOW = saved;
}

int
main(void)
{
	struct verifier_config c;
	struct verifier v;
	struct api_resp o;
	char err[256], ck[600], p[256];
	int i, s;

	if (fixture_verifier(&c, &v) != 0)
		return 1;

	CHECK(call(&v, "GET", "/api/healthz", NULL, NULL, NULL, NULL, &o) == 200, "healthz 200");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.1", NULL, "code=om43 0000 0001", &o)
	    == 200 && strncmp(o.set_cookie, "access_token=", 13) == 0 &&
	    strstr(o.set_cookie, "Secure") && strstr(o.set_cookie, "Max-Age=86400"),
	    "redeem vip: 200, Secure cookie, Max-Age = time left (%s)", o.set_cookie);
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.2", "application/json",
	    "{\"code\":\"OM43-0000-0002\"}", &o) == 200 && strstr(o.body, PPV_V), "redeem ppv JSON");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.3", NULL,
	    "code=OM43-0000-0001&next=/v/x/", &o) == 303 &&
	    strcmp(o.location, "/v/x/#code-unlocked-vip") == 0 && o.set_cookie[0] != '\0',
	    "redeem form with next: 303 to next#code-unlocked-vip, with the cookie (%s)", o.location);
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.5", NULL,
	    "code=OM43-0000-0009&next=/v/x/%23old", &o) == 303 &&
	    strcmp(o.location, "/v/x/#code-invalid") == 0 && strstr(o.body, "{") == NULL,
	    "redeem form, wrong code: 303 to next#code-invalid (its own fragment replaced), no JSON (%s)",
	    o.location);
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.5", NULL,
	    "code=OM43-0000-0003&next=/code/", &o) == 303 &&
	    strcmp(o.location, "/code/#code-expired") == 0, "redeem form, expired: 303 to #code-expired");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.5", NULL,
	    "code=OM43-0000-0004&next=/code/", &o) == 303 &&
	    strcmp(o.location, "/code/#code-revoked") == 0, "redeem form, revoked: 303 to #code-revoked");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.5", NULL,
	    "code=OM43-0000-0009&next=//evil.example/", &o) == 401 && o.location[0] == '\0',
	    "redeem form with a foreign next: no redirect, the JSON answer");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.5", NULL,
	    "code=OM43-0000-0009&next=/%00//evil.example/", &o) == 401 && o.location[0] == '\0',
	    "redeem form with a NUL byte in next: no redirect, the JSON answer");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "code=OM43-0000-0003", &o)
	    == 403 && strstr(o.body, "expired"), "redeem expired: 403");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "code=OM43-0000-0004", &o)
	    == 403 && strstr(o.body, "revoked"), "redeem revoked: 403");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "code=OM43-0000-0009", &o)
	    == 401, "redeem unknown: 401");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "x=1", &o) == 400,
	    "redeem without code: 400");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "code=1", &o) == 401,
	    "redeem: 5th attempt still allowed");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "code=1", &o) == 429 &&
	    o.retry_after >= 1, "redeem: 6th attempt 429 with Retry-After");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.4", NULL, "code=1&next=/code/", &o)
	    == 303 && strcmp(o.location, "/code/#code-limited") == 0 && o.retry_after >= 1,
	    "redeem form, rate-limited: 303 to #code-limited, Retry-After kept (%s)", o.location);
	for (i = 0, s = 0; i < 200; i++) {	/* a flood from many addresses */
		snprintf(p, sizeof(p), "198.51.%d.%d", i / 256, i % 256);
		s += call(&v, "POST", "/api/redeem", NULL, p, NULL, "code=1", &o) == 401;
	}
	CHECK(s == 200, "200 addresses: none limited by the per-address limit");
	CHECK(call(&v, "GET", "/api/redeem", NULL, NULL, NULL, NULL, &o) == 405 &&
	    strcmp(o.allow, "POST") == 0, "GET redeem: 405");

	CHECK(call(&v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"url\":\"https://cdn.example/bcdn_token=HS256-"), "public play: 200");
	CHECK(call(&v, "GET", "/api/play/" VIP_V, NULL, NULL, NULL, NULL, &o) == 401,
	    "vip play without cookie: 401");
	cookie_for("OM43-0000-0001", T0 + 100, ck, sizeof(ck));
	CHECK(call(&v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"url\":\"http://127.0.0.1:9/bcdn_token=HS256-"),
	    "vip play: 200, loopback CDN over http");
	cookie_for("OM43-0000-0001", T0, ck, sizeof(ck));
	CHECK(call(&v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "expired"), "token at its expiry second: 403 expired");
	cookie_for("OM43-0000-0002", T0 + 100, ck, sizeof(ck));
	CHECK(call(&v, "GET", "/api/play/" PPV_V, ck, NULL, NULL, NULL, &o) == 200, "ppv on its video");
	CHECK(call(&v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "not_entitled"), "ppv on another video: 403");
	cookie_for("OM43-0000-0004", T0 + 100, ck, sizeof(ck));
	CHECK(call(&v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "revoked"), "revoked code's token: 403");
	cookie_for("OM43-0000-0003", T0 + 100, ck, sizeof(ck));
	CHECK(call(&v, "GET", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 403 &&
	    strstr(o.body, "expired"), "expired code's token: 403");
	CHECK(call(&v, "GET", "/api/play/12345678-1234-1234-1234-123456789abc", ck, NULL, NULL,
	    NULL, &o) == 404, "unknown video: 404");
	CHECK(call(&v, "GET", "/api/play/../x", ck, NULL, NULL, NULL, &o) == 404, "malformed GUID: 404");
	CHECK(call(&v, "GET", "/api/play/99999999-9999-9999-9999-999999999999", NULL, NULL, NULL,
	    NULL, &o) == 401, "vip video with a bad host, no cookie: 401 first");
	CHECK(call(&v, "DELETE", "/api/play/" VIP_V, ck, NULL, NULL, NULL, &o) == 405, "DELETE play: 405");

	cookie_for("OM43-0000-0002", T0 + 100, ck, sizeof(ck));
	CHECK(call(&v, "GET", "/api/session", ck, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"level\":\"ppv\""), "session 200");
	CHECK(call(&v, "GET", "/api/session", NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.body, "\"cookie\":false") && strstr(o.body, "\"unlocks\":[]") &&
	    o.set_cookie[0] == '\0', "session without a cookie: 200, nothing unlocked, no Set-Cookie");
	CHECK(call(&v, "GET", "/api/session", "access_token=e2.AAAA", NULL, NULL, NULL, &o) == 401 &&
	    strstr(o.body, "unauthorized"), "session with a malformed cookie: 401");
	CHECK(call(&v, "POST", "/api/logout", NULL, NULL, NULL, NULL, &o) == 200 &&
	    strstr(o.set_cookie, "Max-Age=0"), "logout clears the cookie");
	CHECK(call(&v, "GET", "/api/metrics", NULL, "127.0.0.1", NULL, NULL, &o) == 200 &&
	    strstr(o.body, "only_rate_limited_total 2\n"), "metrics count the 429s");
	CHECK(call(&v, "GET", "/api/metrics", NULL, "::ffff:127.9.9.9", NULL, NULL, &o) == 200 &&
	    call(&v, "GET", "/api/metrics", NULL, "::1", NULL, NULL, &o) == 200,
	    "metrics: loopback in both families by default");
	CHECK(call(&v, "GET", "/api/metrics", NULL, "192.0.2.1", NULL, NULL, &o) == 403 &&
	    strstr(o.body, "forbidden") && !strstr(o.body, "only_") &&
	    call(&v, "GET", "/api/metrics", NULL, NULL, NULL, NULL, &o) == 403 &&
	    call(&v, "GET", "/api/metrics", NULL, "localhost", NULL, NULL, &o) == 403,
	    "metrics: 403 to another, a missing or a non-numeric address");
	CHECK(call(&v, "GET", "/api/other", NULL, NULL, NULL, NULL, &o) == 404, "unknown endpoint 404");
	device_unlocks(&v);
	unknown_codes(&v);
	cross_site(&v);
	shadowed_cookie(&v);
	typed_code_cookie(&v);
	settings(&c);
	replica_age(&c);
	play_body_exact(&v);
	odd_paths();
	in_place_writes(&v);
	verifier_close(&v);

	/* Missing keys: 503 everywhere, no crash, no leak. */
	snprintf(p, sizeof(p), "%s/verifier.keys", dir);
	unlink(p);
	CHECK(verifier_open(&v, &c, err, sizeof(err)) == 0, "opens without keys");
	CHECK(call(&v, "GET", "/api/healthz", NULL, NULL, NULL, NULL, &o) == 503, "healthz 503");
	CHECK(call(&v, "GET", "/api/play/" PUB_V, NULL, NULL, NULL, NULL, &o) == 503, "play 503");
	CHECK(call(&v, "POST", "/api/redeem", NULL, "192.0.2.9", NULL, "code=1", &o) == 503,
	    "redeem 503");
	api_health_detail(&v, T0, err, sizeof(err));
	CHECK(strstr(err, "verifier.keys") != NULL, "health detail names the keys file: %s", err);
	verifier_close(&v);

	fixture_remove();
	return check_report();
}
