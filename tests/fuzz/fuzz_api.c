/*
 * fuzz_api.c — fuzz target for the paywall itself: any request through
 * api_handle() (verifier/module/api.c) on real stores, and what it may
 * never answer.  The stores hold a public video, a VIP video and two
 * pay-per-view videos A and B; the codes are one the input may know (K_A,
 * for A) and, for everything else, codes minted at random here, which no
 * input can hold.  So whatever the bytes:
 *   - /api/play grants (200) only the public video, or A when the request
 *     carries a credential for A (the flag bits below); its URL is signed
 *     for that video's directory alone;
 *   - a Set-Cookie names no code the request did not bring (K_A, or the
 *     entries of the cookies the flags add), never one of the secret ones,
 *     and never an expiry past the code's;
 *   - /api/session never reports a VIP level;
 *   - a Location is a same-origin path of printable bytes, then
 *     #<result>;
 *   - a POST another site's page made (Sec-Fetch-Site: cross-site) sets
 *     no cookie: it can neither log the device out nor replace its cookie;
 *   - the body fits its buffer, and the status is one the API documents.
 *
 * Input: one flag byte, then lines: method, path, Cookie, Content-Type,
 * client address, the three webhook signature headers, then the body (the
 * rest, any bytes).  Missing lines are absent headers.  Flag bits add an
 * access_token cookie to the Cookie header (before the input's own, or
 * after it with bit 5): 0 a valid cookie holding K_A; 1 a valid cookie
 * holding a revoked VIP code; 2 a valid cookie holding an expired code for
 * A whose entry claims a later expiry; 3 a valid long token (legacy) of
 * K_A; 4 a valid long token of the revoked VIP code.  Its top two bits are
 * Sec-Fetch-Site: 0 "same-origin", 1 absent, 2 "cross-site", 3 "none".
 * In the Cookie line, "@A" becomes a valid add cookie of K_A (name and
 * value: verifier/module/unlocks.h), "@R" one of the revoked VIP code, and
 * "@a" the value alone of K_A's (under whatever name the input gives it).
 * The flag byte of the seeds is a letter ('@' + bits: no Sec-Fetch-Site).
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() (standalone.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "access_schema.h"
#include "api.h"
#include "code.h"
#include "entitlements.h"
#include "legacy_token.h"
#include "token_store.h"
#include "unlocks.h"

#define SECRET	"fuzz-secret-0123456789abcdef"
#define PUB_V	"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define VIP_V	"11111111-2222-3333-4444-555555555555"
#define PPV_A	"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
#define PPV_B	"0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b"
#define K_A	"OM43-0000-0000-00A1"	/* the one code an input may know */
#define T0	1800000000LL
#define K_A_EXP	(T0 + 86400)

enum { F_COOKIE_A = 1, F_COOKIE_REVOKED = 2, F_COOKIE_EXPIRED = 4, F_LTOKEN_A = 8,
	F_LTOKEN_REVOKED = 16, F_AFTER = 32,
	/* not input bits: what the Cookie line's @ names brought */
	F_ADD_A = 64, F_ADD_REVOKED = 128 };

struct fixture {
	char		 dir[32];
	struct verifier	 v;
	int		 ok;
	/* store keys of every code, the known one first */
	unsigned char	 h_a[HMAC_LEN], h_vip[HMAC_LEN], h_b[HMAC_LEN];
	unsigned char	 h_revoked[HMAC_LEN], h_expired[HMAC_LEN];
	char		 cookie[5][ENTS_BUFSZ + LTOKEN_BUFSZ];	/* by flag bit */
	char		 add_a[UNLOCKS_ADD_NAME_LEN + 1 + ENTS_BUFSZ];	/* "@A" */
	char		 add_r[UNLOCKS_ADD_NAME_LEN + 1 + ENTS_BUFSZ];	/* "@R" */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
add_code(sqlite3 *db, const struct hmac_key *k, const char *code, const char *level,
    const char *video, int64_t exp, int64_t revoked, unsigned char hash[HMAC_LEN])
{
	struct token_rec r;
	char err[256];

	memset(&r, 0, sizeof(r));
	tstore_code_hash(k, code, r.hash);
	snprintf(r.level, sizeof(r.level), "%s", level);
	snprintf(r.video, sizeof(r.video), "%s", video);
	r.created_at = T0 - 100;
	r.expires_at = exp;
	r.revoked_at = revoked;
	if (tstore_insert(db, &r, err, sizeof(err)) != 0)
		abort();
	memcpy(hash, r.hash, HMAC_LEN);
}

/* A valid format-2 cookie holding the one entry (hash, exp). */
static void
make_cookie(const struct fixture *f, const unsigned char hash[HMAC_LEN], int64_t exp,
    char *out, size_t cap)
{
	struct ents e;
	char val[ENTS_BUFSZ];

	memset(&e, 0, sizeof(e));
	e.issued = T0 - 50;
	if (ents_add(&e, hash, exp) != 1 || ents_encode(&f->v.ents, &e, val, sizeof(val)) < 0)
		abort();
	snprintf(out, cap, "access_token=%s", val);
}

/* A valid add cookie (name=value) holding the one entry (hash, exp). */
static void
make_add(const struct fixture *f, const unsigned char hash[HMAC_LEN], int64_t exp,
    char *out, size_t cap)
{
	char name[UNLOCKS_ADD_NAME_LEN + 1], set[ENTS_BUFSZ + 16];
	const char *rest = set + strlen("access_token");	/* "=VALUE" */

	unlocks_add_name(hash, name);
	make_cookie(f, hash, exp, set, sizeof(set));	/* "access_token=VALUE" */
	if (UNLOCKS_ADD_NAME_LEN + strlen(rest) >= cap)
		abort();
	memcpy(out, name, UNLOCKS_ADD_NAME_LEN);
	memcpy(out + UNLOCKS_ADD_NAME_LEN, rest, strlen(rest) + 1);
}

static void
make_ltoken(const struct fixture *f, const char *code, int64_t exp, char *out, size_t cap)
{
	char tok[LTOKEN_BUFSZ];

	if (ltoken_make(&f->v.secret, code, exp, tok, sizeof(tok)) < 0)
		abort();
	snprintf(out, cap, "access_token=%s", tok);
}

static void
path_in(const struct fixture *f, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", f->dir, name);
}

static void
fixture_open(struct fixture *f)
{
	char p[64], err[256], vip[CODE_BUFSZ], b[CODE_BUFSZ], rev[CODE_BUFSZ], exp[CODE_BUFSZ];
	struct verifier_config cfg;
	struct hmac_key k;
	sqlite3 *db;
	FILE *fp;

	snprintf(f->dir, sizeof(f->dir), "/tmp/fuzz-api-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		abort();
	path_in(f, "verifier.keys", p, sizeof(p));
	if ((fp = fopen(p, "w")) == NULL)
		abort();
	fprintf(fp, "SECRET_KEY=" SECRET "\nBUNNY_TOKEN_KEY=fuzz-bunny-0123456789\n"
	    "BUNNY_WEBHOOK_KEY=fuzz-webhook-0123456789\nBUNNY_LIBRARY_ID=1\n");
	fclose(fp);
	chmod(p, 0600);
	path_in(f, "access.db", p, sizeof(p));
	if (sqlite3_open(p, &db) != SQLITE_OK || sqlite3_exec(db, ACCESS_SCHEMA_SQL
	    " INSERT INTO videos VALUES "
	    "('" PUB_V "', 'public', 'cdn.example', 60, 'Public'),"
	    "('" VIP_V "', 'vip', 'cdn.example', 60, 'VIP'),"
	    "('" PPV_A "', 'ppv', 'cdn.example', 60, 'A'),"
	    "('" PPV_B "', 'ppv', 'cdn.example', 60, 'B')", NULL, NULL, NULL) != SQLITE_OK)
		abort();
	sqlite3_close(db);
	/* The secret codes: 48 random bits each, never in any input. */
	if (code_mint("OM43", vip) != 0 || code_mint("OM43", b) != 0 ||
	    code_mint("OM43", rev) != 0 || code_mint("OM43", exp) != 0)
		abort();
	path_in(f, "tokens.db", p, sizeof(p));
	if ((db = tstore_open_rw(p, err, sizeof(err))) == NULL)
		abort();
	hmac_key_init(&k, SECRET, strlen(SECRET));
	add_code(db, &k, K_A, "ppv", PPV_A, K_A_EXP, 0, f->h_a);
	add_code(db, &k, vip, "vip", "", T0 + 86400, 0, f->h_vip);
	add_code(db, &k, b, "ppv", PPV_B, T0 + 86400, 0, f->h_b);
	add_code(db, &k, rev, "vip", "", T0 + 86400, T0 - 10, f->h_revoked);
	add_code(db, &k, exp, "ppv", PPV_A, T0 - 1, 0, f->h_expired);
	tstore_close_rw(db);

	memset(&cfg, 0, sizeof(cfg));
	cfg.var = f->dir;
	/* No rate limit: every input is a first attempt. */
	cfg.redeem_per_min = cfg.redeem_net_per_min = cfg.redeem_fail_per_min = 1e9;
	cfg.redeem_burst = cfg.redeem_net_burst = cfg.redeem_fail_burst = 1e9;
	if (verifier_open(&f->v, &cfg, err, sizeof(err)) != 0)
		abort();
	make_cookie(f, f->h_a, K_A_EXP, f->cookie[0], sizeof(f->cookie[0]));
	make_cookie(f, f->h_revoked, T0 + 86400, f->cookie[1], sizeof(f->cookie[1]));
	make_cookie(f, f->h_expired, T0 + 86400, f->cookie[2], sizeof(f->cookie[2]));
	make_ltoken(f, K_A, K_A_EXP, f->cookie[3], sizeof(f->cookie[3]));
	make_ltoken(f, rev, T0 + 86400, f->cookie[4], sizeof(f->cookie[4]));
	make_add(f, f->h_a, K_A_EXP, f->add_a, sizeof(f->add_a));
	make_add(f, f->h_revoked, T0 + 86400, f->add_r, sizeof(f->add_r));
	f->ok = 1;
}

static void
fixture_close(struct fixture *f)
{
	static const char *const files[] = { "verifier.keys", "access.db", "tokens.db",
	    "tokens.db-wal", "tokens.db-shm", "rebuild-request" };
	char p[64];
	size_t i;

	if (!f->ok)
		return;
	verifier_close(&f->v);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_in(f, files[i], p, sizeof(p));
		unlink(p);
	}
	rmdir(f->dir);
	f->ok = 0;
}

/* The process's one fixture (libFuzzer keeps no state for a target). */
static struct fixture *
fixture(int open)
{
	static struct fixture f;

	if (open && !f.ok)
		fixture_open(&f);
	return &f;
}

static void
at_exit(void)
{
	fixture_close(fixture(0));
}

/* The next line of *p..end into a NUL-terminated copy (cap bytes, cut);
 * NULL when there is no line left. */
static const char *
line(const char **p, const char *end, char *out, size_t cap)
{
	const char *nl;
	size_t n;

	if (*p >= end)
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	n = (size_t)((nl ? nl : end) - *p);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p = nl ? nl + 1 : end;
	return out;
}

/* The hashes the request brought (in its flagged cookies); K_A always,
 * as the body may name it. */
static int
brought(const struct fixture *f, unsigned flags, const unsigned char h[HMAC_LEN])
{
	return memcmp(h, f->h_a, HMAC_LEN) == 0 ||
	    ((flags & (F_COOKIE_REVOKED | F_ADD_REVOKED)) &&
	    memcmp(h, f->h_revoked, HMAC_LEN) == 0) ||
	    ((flags & F_COOKIE_EXPIRED) && memcmp(h, f->h_expired, HMAC_LEN) == 0);
}

/* One Set-Cookie line (n bytes): the set or an add cookie, each a valid
 * cookie naming only codes the request brought. */
static void
check_cookie_line(const struct fixture *f, unsigned flags, const char *sc, size_t n)
{
	const char *eq = memchr(sc, '=', n), *val, *semi;
	char want[UNLOCKS_ADD_NAME_LEN + 1];
	struct ents e;
	size_t i, nlen;

	if (eq == NULL)
		abort();
	nlen = (size_t)(eq - sc);
	if (!(nlen == strlen("access_token") && memcmp(sc, "access_token", nlen) == 0) &&
	    !unlocks_add_name_ok(sc, nlen))
		abort();	/* a name the verifier does not write */
	val = eq + 1;
	semi = memchr(val, ';', n - nlen - 1);
	if (semi == NULL)
		abort();
	if (semi == val)
		return;		/* cleared (logout, a settled add cookie) */
	if (ents_decode(&f->v.ents, val, (size_t)(semi - val), &e) != ENTS_OK)
		abort();	/* the verifier wrote a cookie it cannot read */
	if (nlen == UNLOCKS_ADD_NAME_LEN) {	/* an add cookie: one entry, its name's */
		unlocks_add_name(e.e[0].hash, want);
		if (e.n != 1 || memcmp(want, sc, nlen) != 0)
			abort();
	}
	for (i = 0; i < e.n; i++) {
		if (!brought(f, flags, e.e[i].hash))
			abort();	/* an unlock nobody paid for */
		if (memcmp(e.e[i].hash, f->h_a, HMAC_LEN) == 0 && e.e[i].exp > K_A_EXP)
			abort();	/* stretched past the code */
	}
}

/* Every line of a Set-Cookie value (api.h: '\n' between cookies). */
static void
check_cookie(const struct fixture *f, unsigned flags, const char *sc)
{
	const char *nl;

	for (; *sc != '\0'; sc = nl ? nl + 1 : sc + strlen(sc)) {
		nl = strchr(sc, '\n');
		if (nl == sc || strchr(sc, '\r') != NULL)
			abort();	/* an empty line, or a header split */
		check_cookie_line(f, flags, sc, nl ? (size_t)(nl - sc) : strlen(sc));
	}
}

static void
check_play(unsigned flags, const char *path, size_t plen, const struct api_resp *o)
{
	static const char *const guids[] = { PUB_V, VIP_V, PPV_A, PPV_B };
	const char *granted = NULL, *p = "/api/play/";
	char scope[64];
	size_t i;

	if (o->status != 200 || plen < strlen(p) || memcmp(path, p, strlen(p)) != 0)
		return;
	for (i = 0; i < 4; i++)
		if (strstr(o->body, guids[i]) != NULL) {
			if (granted != NULL)
				abort();	/* one URL, one video */
			granted = guids[i];
		}
	if (granted == NULL)
		abort();
	if (strcmp(granted, PUB_V) != 0 &&
	    !(strcmp(granted, PPV_A) == 0 && (flags & (F_COOKIE_A | F_LTOKEN_A | F_ADD_A))))
		abort();		/* played without paying */
	snprintf(scope, sizeof(scope), "token_path=%%2F%s%%2F&", granted);
	if (strstr(o->body, scope) == NULL)
		abort();		/* signed for more than its directory */
}

static void
check_resp(const struct fixture *f, unsigned flags, int cross_post, const char *path,
    size_t plen, const struct api_resp *o)
{
	static const int ok[] = { 200, 303, 400, 401, 403, 404, 405, 409, 413, 429, 503 };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]) && ok[i] != o->status; i++)
		;
	if (i == sizeof(ok) / sizeof(ok[0]) || o->body_len >= sizeof(o->body))
		abort();
	if (o->set_cookie[0] != '\0')
		check_cookie(f, flags, o->set_cookie);
	if (o->location[0] != '\0') {
		size_t n = strlen(o->location);

		if (o->location[0] != '/' || (n > 1 && (o->location[1] == '/' || o->location[1] == '\\')))
			abort();	/* an open redirect */
		if (strchr(o->location, '#') == NULL)
			abort();	/* next#result, cut short by a byte */
		for (i = 0; i < n; i++)
			if ((unsigned char)o->location[i] <= 0x20 || (unsigned char)o->location[i] >= 0x7f)
				abort();
	}
	if (cross_post && o->set_cookie[0] != '\0')
		abort();		/* another site's form changed the device */
	check_play(flags, path, plen, o);
	if (plen >= 12 && memcmp(path, "/api/session", 12) == 0 && o->status == 200 &&
	    memmem(o->body, o->body_len, "\"vip\"", 5) != NULL)
		abort();		/* a VIP level nobody holds */
}

/*
 * The input's Cookie line with "@A", "@R" and "@a" replaced (see the top
 * of the file) into out (cap bytes, cut); returns the F_ADD_* bits of
 * what it brought.
 */
static unsigned
expand_adds(const struct fixture *f, const char *in, char *out, size_t cap)
{
	const char *rep;
	size_t n = 0, k;
	unsigned got = 0;

	for (; *in != '\0' && n + 1 < cap; in++) {
		rep = NULL;
		if (in[0] == '@' && in[1] == 'A')
			rep = f->add_a, got |= F_ADD_A;
		else if (in[0] == '@' && in[1] == 'R')
			rep = f->add_r, got |= F_ADD_REVOKED;
		else if (in[0] == '@' && in[1] == 'a')
			rep = f->add_a + UNLOCKS_ADD_NAME_LEN + 1, got |= F_ADD_A;
		if (rep == NULL) {
			out[n++] = *in;
			continue;
		}
		k = strlen(rep);
		if (k > cap - 1 - n)
			k = cap - 1 - n;
		memcpy(out + n, rep, k);
		n += k;
		in++;
	}
	out[n] = '\0';
	return got;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	struct fixture *f = fixture(1);
	const char *p = (const char *)data + (size > 0), *end = (const char *)data + size;
	char method[16], path[512], ckin[4096], ctype[128], ip[64], sv[64], sa[64], sg[128];
	char raw[sizeof(ckin)];
	char cookie[sizeof(ckin) + 5 * sizeof(f->cookie[0]) + 16];
	unsigned flags = size > 0 ? data[0] & 0x3f : 0;
	static const char *const fetch_site[4] = { "same-origin", NULL, "cross-site", "none" };
	struct api_req rq;
	struct api_resp *o;
	size_t i, n = 0;

	if (!registered) {
		registered = 1;
		atexit(at_exit);
	}
	if ((o = malloc(sizeof(*o))) == NULL)
		return 0;
	memset(&rq, 0, sizeof(rq));
	rq.method = line(&p, end, method, sizeof(method));
	if (rq.method == NULL)
		rq.method = "GET";
	rq.path = line(&p, end, path, sizeof(path));
	if (rq.path == NULL)
		rq.path = "/api/session";
	rq.path_len = strlen(rq.path);
	if (line(&p, end, raw, sizeof(raw)) == NULL)
		raw[0] = '\0';
	flags |= expand_adds(f, raw, ckin, sizeof(ckin));
	if (!(flags & F_AFTER))
		n += (size_t)snprintf(cookie, sizeof(cookie), "%s", ckin);
	for (i = 0; i < 5; i++)
		if (flags & (1u << i))
			n += (size_t)snprintf(cookie + n, sizeof(cookie) - n, "%s%s",
			    n ? "; " : "", f->cookie[i]);
	if (flags & F_AFTER)
		n += (size_t)snprintf(cookie + n, sizeof(cookie) - n, "%s%s", n ? "; " : "", ckin);
	rq.cookie = n ? cookie : NULL;
	rq.cookie_len = n;
	rq.ctype = line(&p, end, ctype, sizeof(ctype));
	rq.ip = line(&p, end, ip, sizeof(ip));
	rq.sig_version = line(&p, end, sv, sizeof(sv));
	rq.sig_algorithm = line(&p, end, sa, sizeof(sa));
	rq.signature = line(&p, end, sg, sizeof(sg));
	if (p < end) {
		rq.body = p;
		rq.body_len = (size_t)(end - p);
	}
	rq.fetch_site = size == 0 ? NULL : fetch_site[data[0] >> 6];
	rq.now = (time_t)T0;
	rq.mono = 1000;
	api_handle(&f->v, &rq, o);
	check_resp(f, flags, rq.fetch_site != NULL && strcmp(rq.fetch_site, "cross-site") == 0 &&
	    strcmp(rq.method, "POST") == 0, rq.path, rq.path_len, o);
	free(o);
	return 0;
}

#include "standalone.h"
