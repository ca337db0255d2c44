/*
 * api.c — request handling for the /api/ endpoints: routing, the access rule, responses.
 * See api.h for the endpoints and docs/verifier.md for the statuses.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "access_table.h"
#include "api.h"
#include "api_route.h"
#include "bunny_sign.h"
#include "code.h"
#include "code_result.h"
#include "httpin.h"
#include "logmark.h"
#include "sout.h"
#include "token_store.h"
#include "unlocks.h"
#include "webhook.h"

#define JSON "application/json"

/*
 * The most Set-Cookie text one answer holds (put_cookie): a line of its
 * value and attributes, "; HttpOnly; Secure; SameSite=Lax; Path=/;
 * Max-Age=" and 10 digits (< 64 bytes), for the set, then for each of the
 * add cookies: one written by a redeem, or UNLOCKS_ADDS_MAX removed.
 */
#define COOKIE_ATTRS_MAX	64
_Static_assert(API_SET_COOKIE_MAX > sizeof("access_token=") + ENTS_BUFSZ + COOKIE_ATTRS_MAX +
    UNLOCKS_ADDS_MAX * (1 + UNLOCKS_ADD_NAME_LEN + 1 + COOKIE_ATTRS_MAX) &&
    API_SET_COOKIE_MAX > sizeof("access_token=") + ENTS_BUFSZ + 2 * COOKIE_ATTRS_MAX +
    1 + UNLOCKS_ADD_NAME_LEN + 1 + ENTS_BUFSZ,
    "API_SET_COOKIE_MAX holds the set and every add cookie one answer sets");

static const char *const metric_names[M__COUNT] = {
	"only_redeem_total{result=\"ok\"}",
	"only_redeem_total{result=\"invalid_code\"}",
	"only_redeem_total{result=\"expired\"}",
	"only_redeem_total{result=\"revoked\"}",
	"only_redeem_total{result=\"bad_request\"}",
	"only_play_total{result=\"granted\"}",
	"only_play_total{result=\"denied\",reason=\"unauthorized\"}",
	"only_play_total{result=\"denied\",reason=\"expired\"}",
	"only_play_total{result=\"denied\",reason=\"revoked\"}",
	"only_play_total{result=\"denied\",reason=\"not_entitled\"}",
	"only_play_total{result=\"denied\",reason=\"not_found\"}",
	"only_rate_limited_total",
	"only_unavailable_total",
	"only_errors_total",
	"only_webhook_total{result=\"ok\"}",
	"only_webhook_total{result=\"refused\"}",
};

static void
join(char *out, size_t cap, const char *dir, const char *given, const char *name)
{
	if (given != NULL)
		snprintf(out, cap, "%s", given);
	else
		snprintf(out, cap, "%s/%s", dir, name);
}

static void
load_keys(struct verifier *v, time_t now)
{
	v->keys_checked = now;
	if (keys_load(v->keys_path, &v->keys, v->keys_err, sizeof(v->keys_err)) != 0 ||
	    keys_check_serve(&v->keys, v->keys_err, sizeof(v->keys_err)) != 0) {
		keys_wipe(&v->keys);
		return;
	}
	hmac_key_init(&v->secret, v->keys.secret, v->keys.secret_len);
	ents_key(&v->secret, &v->ents);
	logmark_key(&v->secret, &v->marks);
	hmac_key_init(&v->bunny, v->keys.bunny, v->keys.bunny_len);
	v->webhook_ok = v->keys.webhook_len > 0;
	if (v->webhook_ok)
		hmac_key_init(&v->webhook, v->keys.webhook, v->keys.webhook_len);
	/* Only the derived contexts and the flags are kept. */
	memset(v->keys.secret, 0, sizeof(v->keys.secret));
	memset(v->keys.bunny, 0, sizeof(v->keys.bunny));
	memset(v->keys.webhook, 0, sizeof(v->keys.webhook));
	v->keys_err[0] = '\0';
	v->keys_ok = 1;
}

/* The rate-limit settings of c, each 0 replaced by its default. */
static int
rl_open(struct ratelimit *rl, const struct verifier_config *c)
{
	struct rl_config rc;

#define DEF(x, d) ((x) > 0 ? (x) : (d))
	rc.cells = c->rl_slots ? c->rl_slots : RL_DEF_CELLS;
	rc.per_min = DEF(c->redeem_per_min, RL_DEF_PER_MIN);
	rc.burst = DEF(c->redeem_burst, RL_DEF_BURST);
	rc.net_per_min = DEF(c->redeem_net_per_min, RL_DEF_NET_PER_MIN);
	rc.net_burst = DEF(c->redeem_net_burst, RL_DEF_NET_BURST);
	rc.fail_per_min = DEF(c->redeem_fail_per_min, RL_DEF_FAIL_PER_MIN);
	rc.fail_burst = DEF(c->redeem_fail_burst, RL_DEF_FAIL_BURST);
#undef DEF
	return rl_init(rl, &rc);
}

int
verifier_open(struct verifier *v, const struct verifier_config *c,
    char *err, size_t errlen)
{
	char tp[PATH_MAX], ap[PATH_MAX];

	memset(v, 0, sizeof(*v));
	if (c->var == NULL && (c->tokens == NULL || c->access == NULL || c->keys == NULL)) {
		snprintf(err, errlen, "verifier: set var (the directory of tokens.db, "
		    "access.db and verifier.keys)");
		return -1;
	}
	join(tp, sizeof(tp), c->var, c->tokens, "tokens.db");
	join(ap, sizeof(ap), c->var, c->access, "access.db");
	join(v->keys_path, sizeof(v->keys_path), c->var, c->keys, "verifier.keys");
	join(v->rebuild_path, sizeof(v->rebuild_path), c->var, c->rebuild,
	    "rebuild-request");
	/* onlytoken writes tokens.db in place (a revocation counts at once);
	 * onlygen only ever renames a new access.db into place. */
	if (rodb_init(&v->tokens, tp, TSTORE_LOOKUP_SQL, TSTORE_VERSION, RODB_LIVE) != 0 ||
	    rodb_init(&v->access, ap, ACCESS_LOOKUP_SQL, ACCESS_SCHEMA_VERSION,
	    RODB_REPLACED_ONLY) != 0) {
		snprintf(err, errlen, "verifier: path too long");
		return -1;
	}
	if (replica_status_init(&v->replica, c->replica_status) != 0) {
		snprintf(err, errlen, "verifier: replica_status path too long");
		return -1;
	}
	if (c->play_ttl < 0 || c->play_ttl > API_PLAY_TTL_MAX) {
		snprintf(err, errlen, "verifier: play_ttl must be 1..%d seconds",
		    API_PLAY_TTL_MAX);
		return -1;
	}
	v->play_ttl = c->play_ttl > 0 ? c->play_ttl : API_PLAY_TTL_DEFAULT;
	if (netlist_parse(c->metrics_allow ? c->metrics_allow : API_METRICS_ALLOW_DEFAULT,
	    &v->metrics_allow, err, errlen) != 0)
		return -1;
	if (rl_open(&v->rl, c) != 0) {
		snprintf(err, errlen, "verifier: bad rate limit settings or no memory");
		return -1;
	}
	load_keys(v, time(NULL));
	return 0;
}

void
verifier_close(struct verifier *v)
{
	rodb_close(&v->tokens);
	rodb_close(&v->access);
	rl_free(&v->rl);
	hmac_key_wipe(&v->secret);
	hmac_key_wipe(&v->ents);
	hmac_key_wipe(&v->bunny);
	hmac_key_wipe(&v->marks);
	hmac_key_wipe(&v->webhook);
	keys_wipe(&v->keys);
}

static void
body(struct api_resp *o, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
body(struct api_resp *o, int status, const char *fmt, ...)
{
	va_list ap;
	int n;

	o->status = status;
	o->ctype = JSON;
	va_start(ap, fmt);
	n = vsnprintf(o->body, sizeof(o->body), fmt, ap);
	va_end(ap);
	o->body_len = n < 0 ? 0 : (size_t)n >= sizeof(o->body) ?
	    sizeof(o->body) - 1 : (size_t)n;
}

/* reason and message are constant ASCII without quotes or backslashes. */
static void
error(struct api_resp *o, int status, const char *reason, const char *message)
{
	body(o, status, "{\"error\":\"%s\",\"message\":\"%s\"}\n", reason, message);
}

static void
unavailable(struct verifier *v, struct api_resp *o)
{
	v->m[M_UNAVAILABLE]++;
	error(o, 503, "unavailable", "The service is not available right now; "
	    "please try again in a minute.");
}

static int
keys_ready(struct verifier *v, time_t now)
{
	if (!v->keys_ok && now != v->keys_checked)
		load_keys(v, now);
	return v->keys_ok;
}

static void
method_not_allowed(struct api_resp *o, const char *allow)
{
	o->allow = allow;
	error(o, 405, "method_not_allowed", "This method is not allowed here.");
}

/* Begins a 200 JSON answer in o->body, written through so. */
static void
json_begin(struct api_resp *o, struct sout *so)
{
	o->status = 200;
	o->ctype = JSON;
	sout_init(so, o->body, sizeof(o->body));
}

/*
 * Closes the JSON answer begun by json_begin: 0 with o->body_len set, or,
 * when it did not fit, -1 with the answer replaced by a 500 saying
 * message (a constant, as error() takes) and the error counted.
 */
static int
json_end(struct verifier *v, struct api_resp *o, struct sout *so, const char *message)
{
	sout_str(so, "}\n");
	if (so->err) {
		v->m[M_ERRORS]++;
		error(o, 500, "internal", message);
		return -1;
	}
	o->body_len = so->len;
	return 0;
}

/*
 * Appends cookie name's Set-Cookie value to o's, a line each (conf/api.lua
 * sends each line as a header of its own).  name and value are the
 * verifier's own (a constant, unlocks_add_name(), a cookie value it
 * encoded or ""), never a request's bytes.  0, or -1 when it does not fit
 * (API_SET_COOKIE_MAX holds the most an answer sets: checked above).
 */
static int
put_cookie(struct verifier *v, struct api_resp *o, const char *name, const char *value,
    long max_age)
{
	size_t len = strlen(o->set_cookie);
	int n;

	n = snprintf(o->set_cookie + len, sizeof(o->set_cookie) - len, "%s%s=%s; HttpOnly;%s "
	    "SameSite=Lax; Path=/; Max-Age=%ld", len > 0 ? "\n" : "", name, value,
	    v->keys.cookie_secure ? " Secure;" : "", max_age);
	if (n < 0 || (size_t)n >= sizeof(o->set_cookie) - len) {
		o->set_cookie[len] = '\0';
		return -1;
	}
	return 0;
}

/* The device's set (unlocks.h), or "" with max_age 0 to clear it. */
static int
set_cookie(struct verifier *v, struct api_resp *o, const char *value, long max_age)
{
	return put_cookie(v, o, "access_token", value, max_age);
}

/*
 * A POST another site's page made the browser send (Sec-Fetch-Site:
 * cross-site): an auto-submitted form on any page would otherwise log the
 * device out, or replace its cookie (which such a request does not carry:
 * SameSite=Lax) with one holding only the other site's code; the browser
 * stores the answer's Set-Cookie on a top-level navigation.  Refused with
 * 403 before anything is counted or set.  Browsers too old to send the
 * header (and curl) are let through: the header is what they cannot forge
 * in a victim's browser.
 */
static int
from_other_site(const struct api_req *rq, struct api_resp *o)
{
	if (rq->fetch_site == NULL || strcasecmp(rq->fetch_site, "cross-site") != 0)
		return 0;
	error(o, 403, "cross_site", "This form was sent from another site; "
	    "use the form on this site.");
	return 1;
}

/* A same-origin path: "/" then no "/" or "\\", only safe URL bytes. */
static int
next_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > API_NEXT_MAX || s[0] != '/')
		return 0;
	if (n > 1 && (s[1] == '/' || s[1] == '\\'))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* c != 0: strchr() finds the terminator, and a decoded
		 * %00 would cut the Location short of its #result. */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || (c != 0 && strchr("/-._~%?=&#+,:@!$'()*;", c))))
			return 0;
	}
	return 1;
}

/* The request's `video` (the page the code was typed on), lower-cased
 * into out; 0 when absent or not a GUID. */
static int
redeem_video(const struct api_req *rq, int json, char out[GUID_LEN + 1])
{
	char buf[GUID_LEN + 2];
	long n;

	n = json ? json_get(rq->body ? rq->body : "", rq->body_len, "video", buf, sizeof(buf)) :
	    form_get(rq->body ? rq->body : "", rq->body_len, "video", buf, sizeof(buf));
	return n == GUID_LEN && guid_norm(buf, GUID_LEN, out);
}

/*
 * The old system's typed-code cookie (below: typed_code): 1 with the
 * normalised code in code when the request's first access_token is a code
 * as a viewer types one, else 0.  Nothing is looked up.
 */
static int
typed_cookie(struct verifier *v, const struct api_req *rq, char code[CODE_BUFSZ])
{
	const char *val;
	size_t vlen;

	if (!cookie_get(rq->cookie, rq->cookie_len, "access_token", &val, &vlen))
		return 0;
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val++;		/* Python quotes a cookie value with a space */
		vlen -= 2;
	}
	return code_normalise(val, vlen, v->keys.prefix, code) == CODE_OK;
}

/*
 * A valid code was typed: merge it into the device's unlocks (the cookies'
 * valid entries, and codes this store does not know yet; revoked and
 * expired ones are dropped: unlocks_keep_live), set the cookies (the set,
 * and the code's own add cookie, which an answer to another request sent
 * at the same time cannot write over: unlocks.h), answer what the code
 * unlocks.  A full device is a 409: a live unlock is never evicted.
 */
static enum code_result
redeem_grant(struct verifier *v, const struct api_req *rq, struct api_resp *o,
    const struct token_rec *rec, int json)
{
	char tok[ENTS_BUFSZ], add[ENTS_BUFSZ], name[UNLOCKS_ADD_NAME_LEN + 1];
	char page[GUID_LEN + 1], typed[CODE_BUFSZ];
	struct unlocks s;
	struct sout so;
	long max_age, add_age;
	int here, keep_set;

	/* The old system's typed code in access_token is judged by the next
	 * session (typed_code: charged to the limit), not here: the set is
	 * then not written over it, only the add cookie. */
	keep_set = !unlocks_read(v, rq, &s) && typed_cookie(v, rq, typed);
	if (unlocks_lookup_all(v, rq->now, &s) != 0) {
		unavailable(v, o);
		return CODE_RESULT_UNAVAILABLE;
	}
	unlocks_keep_live(&s, rq->now);
	if (unlocks_add(&s, rec) < 0) {
		v->m[M_REDEEM_BAD_REQUEST]++;
		error(o, 409, "too_many_unlocks", "This device holds the most unlocks it "
		    "can (32). Use this code in another browser or on another device.");
		return CODE_RESULT_FULL;
	}
	if (unlocks_cookie(v, &s, rq->now, tok, sizeof(tok), &max_age) < 0 ||
	    unlocks_add_cookie(v, rec, rq->now, name, add, sizeof(add), &add_age) < 0 ||
	    (!keep_set && set_cookie(v, o, tok, max_age) != 0) ||
	    put_cookie(v, o, name, add, add_age) != 0) {
		o->set_cookie[0] = '\0';
		v->m[M_ERRORS]++;
		error(o, 500, "internal", "Could not make a token.");
		return CODE_RESULT_UNAVAILABLE;
	}
	v->m[M_REDEEM_OK]++;
	o->mark_access = strcmp(rec->level, "ppv") == 0 ? "ppv" :
	    strcmp(rec->level, "vip") == 0 ? "vip" : "public";
	logmark_code(&v->marks, rec->hash, o->mark_code);
	json_begin(o, &so);
	sout_str(&so, "{\"ok\":true,\"level\":\"");
	sout_str(&so, rec->level);
	if (rec->video[0] != '\0') {
		sout_str(&so, "\",\"video\":\"");
		sout_str(&so, rec->video);
		sout_str(&so, "\"");
	} else
		sout_str(&so, "\",\"video\":null");
	unlocks_title_json(v, rq->now, rec->video, &so, sizeof(o->body) / 2);
	sout_str(&so, ",\"expires_at\":");
	sout_i64(&so, rec->expires_at);
	here = redeem_video(rq, json, page) ? unlock_grants(rec, page) : -1;
	/* The video this unlock is counted for: a PPV code's own, else the
	 * page it was typed on. */
	if (rec->video[0] != '\0')
		snprintf(o->mark_video, sizeof(o->mark_video), "%s", rec->video);
	else if (here >= 0)
		memcpy(o->mark_video, page, sizeof(o->mark_video));
	if (here >= 0)
		sout_str(&so, here ? ",\"unlocks_this\":true" : ",\"unlocks_this\":false");
	sout_str(&so, ",\"held\":");
	sout_i64(&so, (int64_t)s.n);
	if (json_end(v, o, &so, "The answer is too long.") != 0)
		return CODE_RESULT_UNAVAILABLE;
	if (strcmp(rec->level, "ppv") != 0)
		return CODE_RESULT_VIP;
	return here == 1 ? CODE_RESULT_PPV : CODE_RESULT_PPV_OTHER;
}

/*
 * A browser's form post (one carrying a same-origin `next`, as every code
 * form of the site does): whatever the outcome, 303 to next#<result id>
 * (core/code_result.h), where the page shows the outcome's message without
 * JavaScript.  The cookie and Retry-After already set are kept; next's own
 * fragment is replaced.  Only the validated next and a constant id go into
 * the Location.
 */
static void
form_answer(struct api_resp *o, enum code_result r, const char *next, size_t nn)
{
	const char *id = code_result_id(r), *hash = memchr(next, '#', nn);
	struct sout so;

	if (id == NULL)
		return;
	if (hash != NULL)
		nn = (size_t)(hash - next);
	sout_init(&so, o->location, sizeof(o->location));
	sout_put(&so, next, nn);
	sout_put(&so, "#", 1);
	sout_str(&so, id);
	if (so.err) {
		o->location[0] = '\0';
		return;
	}
	o->location[so.len] = '\0';
	o->status = 303;
	o->ctype = "text/plain; charset=utf-8";
	o->body_len = (size_t)snprintf(o->body, sizeof(o->body), "%s\n", code_result_text(r));
}

/* One code attempt from rq's address (ratelimit.h): 1, or 0 with the 429
 * in o.  Redeems and the old system's typed-code cookie share the limit. */
static int
attempt_allowed(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	if (!rl_take(&v->rl, rq->ip ? rq->ip : "", rq->mono, &o->retry_after)) {
		v->m[M_RATE_LIMITED]++;
		error(o, 429, "rate_limited", "Too many attempts; wait and try again.");
		return 0;
	}
	o->retry_after = 0;
	return 1;
}

/* The store's row of the normalised code into *rec, its store key into
 * hash: 1 found, 0 unknown (the caller charges the failure), -1 the store
 * is unavailable (503 in o). */
static int
code_row(struct verifier *v, const struct api_req *rq, struct api_resp *o, const char *code,
    unsigned char hash[HMAC_LEN], struct token_rec *rec)
{
	sqlite3_stmt *st;
	int r;

	if ((st = rodb_stmt(&v->tokens, rq->now)) == NULL) {
		unavailable(v, o);
		return -1;
	}
	tstore_code_hash(&v->secret, code, hash);
	if ((r = tstore_lookup(st, hash, rec)) < 0)
		unavailable(v, o);
	return r;
}

/*
 * POST /api/redeem.  JSON clients (watch.js) and API callers get the JSON
 * answer and its status; a browser's form post with a valid `next` gets
 * every outcome as 303 to the page (form_answer).
 */
static void
redeem(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	char in[CODE_INPUT_MAX + 2], next[API_NEXT_MAX + 2], code[CODE_BUFSZ];
	char pg[GUID_LEN + 1];
	unsigned char hash[HMAC_LEN];
	struct token_rec rec;
	enum code_result res;
	const char *b = rq->body ? rq->body : "";
	long n = -2, nn = -1;
	int json, r;

	if (strcmp(rq->method, "POST") != 0) {
		method_not_allowed(o, "POST");
		return;
	}
	if (from_other_site(rq, o)) {
		v->m[M_REDEEM_BAD_REQUEST]++;
		return;
	}
	json = (rq->ctype != NULL && strncasecmp(rq->ctype, "application/json", 16) == 0) ||
	    (rq->body_len > 0 && rq->body[0] == '{');
	if (!json && rq->body_len <= API_BODY_MAX) {
		nn = form_get(b, rq->body_len, "next", next, sizeof(next));
		if (nn <= 0 || !next_ok(next, (size_t)nn))
			nn = -1;
	}
	res = CODE_RESULT_INVALID;
	if (!keys_ready(v, rq->now)) {
		unavailable(v, o);
		res = CODE_RESULT_UNAVAILABLE;
		goto out;
	}
	if (!attempt_allowed(v, rq, o)) {
		res = CODE_RESULT_LIMITED;
		goto out;
	}
	if (rq->body_len > API_BODY_MAX) {
		v->m[M_REDEEM_BAD_REQUEST]++;
		error(o, 413, "too_large", "The request body is too large.");
		goto out;
	}
	n = json ? json_get(b, rq->body_len, "code", in, sizeof(in)) :
	    form_get(b, rq->body_len, "code", in, sizeof(in));
	if (n == -1 || (n == -2 && rq->body_len == 0)) {
		v->m[M_REDEEM_BAD_REQUEST]++;
		error(o, 400, "bad_request", "Send the code as the form field 'code' "
		    "or as the JSON member 'code'.");
		goto out;
	}
	/* Malformed or over-long input is just an invalid code. */
	if (n < 0 || code_normalise(in, (size_t)n, v->keys.prefix, code) != CODE_OK)
		goto invalid;
	if ((r = code_row(v, rq, o, code, hash, &rec)) < 0) {
		res = CODE_RESULT_UNAVAILABLE;
		goto out;
	}
	if (r == 0)
		goto invalid;
	if (rec.revoked_at != 0) {
		v->m[M_REDEEM_REVOKED]++;
		error(o, 403, "revoked", "This code has been revoked.");
		res = CODE_RESULT_REVOKED;
		goto out;
	}
	if (rec.expires_at <= (int64_t)rq->now) {
		v->m[M_REDEEM_EXPIRED]++;
		error(o, 403, "expired", "This code has expired.");
		res = CODE_RESULT_EXPIRED;
		goto out;
	}
	res = redeem_grant(v, rq, o, &rec, json);
	goto out;
invalid:
	rl_fail(&v->rl, rq->mono);
	v->m[M_REDEEM_INVALID]++;
	error(o, 401, "invalid_code", "This code is not valid. Check it and try again.");
	res = CODE_RESULT_INVALID;
out:
	if (o->mark_access == NULL) {
		o->mark_access = "denied";
		if (redeem_video(rq, json, pg))
			memcpy(o->mark_video, pg, sizeof(o->mark_video));
	}
	if (nn > 0)
		form_answer(o, res, next, (size_t)nn);
}

static void
play(struct verifier *v, const struct api_req *rq, const char *gs, size_t gn,
    struct api_resp *o)
{
	char guid[GUID_LEN + 1], url[512], signed_url[1024], tpath[GUID_LEN + 12];
	struct access_row row;
	struct bunny_sign_req sr;
	struct sout so;
	int64_t expires;
	int r, base;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		method_not_allowed(o, "GET, HEAD");
		return;
	}
	if (!guid_norm(gs, gn, guid)) {
		v->m[M_PLAY_NOT_FOUND]++;
		error(o, 404, "not_found", "No such video.");
		return;
	}
	if (!keys_ready(v, rq->now) || rodb_refresh(&v->access, rq->now) != 0) {
		unavailable(v, o);
		return;
	}
	if ((r = access_cached(&v->acache, &v->access, rq->now, guid, &row)) < 0) {
		unavailable(v, o);
		return;
	}
	if (r == 0) {
		v->m[M_PLAY_NOT_FOUND]++;
		error(o, 404, "not_found", "No such video.");
		return;
	}
	memcpy(o->mark_video, guid, sizeof(o->mark_video));
	o->mark_access = "denied";
	if (strcmp(row.access, "public") != 0) {
		switch (unlocks_play(v, rq, guid)) {
		case V_GRANTED:
			break;
		case V_UNAUTHORIZED:
			v->m[M_PLAY_UNAUTHORIZED]++;
			error(o, 401, "unauthorized", "Enter an access code to watch this video.");
			return;
		case V_EXPIRED:
			v->m[M_PLAY_EXPIRED]++;
			error(o, 403, "expired", "Your access has expired.");
			return;
		case V_REVOKED:
			v->m[M_PLAY_REVOKED]++;
			error(o, 403, "revoked", "Your access code has been revoked.");
			return;
		case V_NOT_ENTITLED:
			v->m[M_PLAY_NOT_ENTITLED]++;
			error(o, 403, "not_entitled", "Your code does not unlock this video.");
			return;
		case V_ERROR:
			unavailable(v, o);
			return;
		}
	}
	if ((base = bunny_cdn_base(row.cdn_host, url, sizeof(url))) < 0) {
		v->m[M_ERRORS]++;
		error(o, 500, "internal", "The video's CDN host is not valid.");
		return;
	}
	/* No printf on this path: it was a tenth of the request's CPU. */
	sout_init(&so, url + base, sizeof(url) - (size_t)base);
	sout_put(&so, "/", 1);
	sout_put(&so, guid, GUID_LEN);
	sout_str(&so, "/playlist.m3u8");
	sout_init(&so, tpath, sizeof(tpath));
	sout_put(&so, "/", 1);
	sout_put(&so, guid, GUID_LEN);
	sout_put(&so, "/", 1);
	/* Short, whatever the video's length: the player asks again on a
	 * CDN 403, and a revoked code stops reaching the CDN within it. */
	expires = (int64_t)rq->now + v->play_ttl;
	memset(&sr, 0, sizeof(sr));
	sr.url = url;
	sr.hkey = &v->bunny;
	sr.expires = expires;
	sr.token_path = tpath;
	sr.directory = 1;
	if (bunny_sign_url(&sr, signed_url, sizeof(signed_url)) < 0) {
		v->m[M_ERRORS]++;
		error(o, 500, "internal", "Could not sign the video URL.");
		return;
	}
	v->m[M_PLAY_GRANTED]++;
	o->mark_access = strcmp(row.access, "vip") == 0 ? "vip" :
	    strcmp(row.access, "ppv") == 0 ? "ppv" : "public";
	/* The signed URL is URL-safe ASCII: no JSON escaping needed. */
	json_begin(o, &so);
	sout_str(&so, "{\"url\":\"");
	sout_str(&so, signed_url);
	sout_str(&so, "\",\"expires_at\":");
	sout_i64(&so, expires);
	if (json_end(v, o, &so, "The video URL is too long.") != 0)
		return;
}

/* Whether the request carries a non-empty access_token cookie at all
 * (valid or not): any of them, as unlocks_read() tries several, so an
 * empty one another host of the domain left first hides nothing; or an
 * add cookie (unlocks.h). */
static int
has_access_cookie(const struct api_req *rq)
{
	const char *h = rq->cookie, *val, *name;
	size_t n = rq->cookie_len, vlen, nlen;

	while (h != NULL && cookie_next(&h, &n, "access_token", &val, &vlen))
		if (vlen > 0)
			return 1;
	h = rq->cookie;
	n = rq->cookie_len;
	while (h != NULL && cookie_next_prefixed(&h, &n, UNLOCKS_ADD_PREFIX, &name, &nlen,
	    &val, &vlen))
		if (vlen > 0)
			return 1;
	return 0;
}

/*
 * The old system's cookie held the code as the viewer typed it
 * (shared/reference/legacy-only-system.md): judged here like a redeem, the
 * same rate limit taken and a miss charged as a failure, so the cookie is
 * no way around the limit (/api/play never reads a typed code: it has no
 * limit).  A known code's unlock goes into *s as a legacy set's, which the
 * session answer writes back in format 2.  Returns 1 when *s holds it; 0
 * when the cookie is not a code; 2 when it is not one the store knows
 * (charged: the caller clears the cookie, so a device is charged once);
 * -1 when o is the answer (429, 503).
 */
static int
typed_code(struct verifier *v, const struct api_req *rq, struct api_resp *o,
    struct unlocks *s)
{
	char code[CODE_BUFSZ];
	unsigned char hash[HMAC_LEN];
	struct token_rec rec;
	int r;

	if (!typed_cookie(v, rq, code))
		return 0;
	if (!attempt_allowed(v, rq, o) || (r = code_row(v, rq, o, code, hash, &rec)) < 0)
		return -1;
	if (r == 0) {
		rl_fail(&v->rl, rq->mono);
		v->m[M_REDEEM_INVALID]++;
		return 2;
	}
	if (unlocks_put_legacy(s, hash, rec.expires_at > 0 ? rec.expires_at : 1) < 0)
		return 2;	/* the add cookies fill the device: not one more */
	return 1;
}

/*
 * Logs the device out: the set cleared, and every add cookie the request
 * carries (authentic or not, of the first UNLOCKS_ADDS_MAX; a name is
 * echoed only when it is one unlocks_add_name() writes).
 */
static void
logout(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	char name[UNLOCKS_ADD_NAME_LEN + 1];
	const char *h = rq->cookie, *val, *nm;
	size_t n = rq->cookie_len, vlen, nlen;
	int k;

	(void)set_cookie(v, o, "", 0);
	for (k = 0; h != NULL && k < UNLOCKS_ADDS_MAX && cookie_next_prefixed(&h, &n,
	    UNLOCKS_ADD_PREFIX, &nm, &nlen, &val, &vlen); k++)
		if (unlocks_add_name_ok(nm, nlen)) {
			memcpy(name, nm, nlen);
			name[nlen] = '\0';
			if (strstr(o->set_cookie, name) == NULL)	/* sent twice */
				(void)put_cookie(v, o, name, "", 0);
		}
	body(o, 200, "{\"ok\":true}\n");
}

/*
 * The cookies a session answer sets (unlocks.h): the set written again
 * when it is legacy, a day old, names codes no longer valid or lacks a
 * code an add cookie names; then the add cookies removed whose codes the
 * set as read names and has named for UNLOCKS_ADD_SETTLE seconds, or that
 * name codes no longer valid.  s as looked up; keep_live'd here.
 */
static void
session_cookies(struct verifier *v, const struct api_req *rq, struct api_resp *o,
    struct unlocks *s)
{
	char tok[ENTS_BUFSZ], gone[UNLOCKS_ADDS_MAX][UNLOCKS_ADD_NAME_LEN + 1];
	long max_age;
	size_t i, ngone = 0;

	/* which add cookies go, decided before the dropped entries are */
	for (i = 0; i < s->n && ngone < UNLOCKS_ADDS_MAX; i++)
		if (unlocks_add_settled(s, i, rq->now))
			unlocks_add_name(s->u[i].ent.hash, gone[ngone++]);
	if (unlocks_stale(s, rq->now)) {
		unlocks_keep_live(s, rq->now);
		if (unlocks_cookie(v, s, rq->now, tok, sizeof(tok), &max_age) > 0)
			(void)set_cookie(v, o, tok, max_age);
	}
	for (i = 0; i < ngone; i++)
		(void)put_cookie(v, o, gone[i], "", 0);
}

/*
 * What this device holds: 200 with every valid unlock (the first one also
 * as the old top-level fields), and the cookies set again (session_cookies):
 * a device keeps its unlocks as long as their codes are valid.
 */
static void
session(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	struct unlocks s;
	const struct unlock *f;
	struct sout so;
	size_t valid, i, revoked = 0;
	int r = 0;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		method_not_allowed(o, "GET, HEAD");
		return;
	}
	if (!keys_ready(v, rq->now)) {
		unavailable(v, o);
		return;
	}
	if (!has_access_cookie(rq)) {
		/* An anonymous viewer is not an error (a 401 here was a console
		 * error on every locked page): 200, nothing unlocked, and
		 * "cookie":false says why. */
		body(o, 200, "{\"cookie\":false,\"level\":null,\"video\":null,"
		    "\"unlocks\":[]}\n");
		return;
	}
	if (!unlocks_read(v, rq, &s) && (r = typed_code(v, rq, o, &s)) < 0)
		return;
	if (s.n == 0) {
		error(o, 401, "unauthorized", "No access code entered.");
		if (r == 2)	/* a typed code: judged (and charged) once */
			(void)set_cookie(v, o, "", 0);
		return;
	}
	if (unlocks_lookup_all(v, rq->now, &s) != 0) {
		unavailable(v, o);
		return;
	}
	for (i = valid = 0; i < s.n; i++) {
		valid += s.u[i].state == UNLOCK_VALID;
		revoked += s.u[i].state == UNLOCK_REVOKED;
	}
	if (valid == 0) {
		if (revoked > 0)
			error(o, 401, "revoked", "Your access code has been revoked.");
		else
			error(o, 401, "expired", "Your access has expired.");
		if (r != 0)	/* a typed code: judged (and charged) once */
			(void)set_cookie(v, o, "", 0);
		return;
	}
	f = &s.u[unlocks_first(&s)];
	json_begin(o, &so);
	sout_str(&so, "{\"level\":\"");
	sout_str(&so, f->rec.level);
	if (f->rec.video[0] != '\0') {
		sout_str(&so, "\",\"video\":\"");
		sout_str(&so, f->rec.video);
		sout_str(&so, "\"");
	} else
		sout_str(&so, "\",\"video\":null");
	sout_str(&so, ",\"expires_at\":");
	sout_i64(&so, f->rec.expires_at);
	sout_str(&so, ",\"token_expires_at\":");
	sout_i64(&so, f->ent.exp);
	sout_str(&so, ",");
	unlocks_json(v, &s, rq->now, &so, 8);
	if (json_end(v, o, &so, "The answer is too long.") != 0)
		return;
	session_cookies(v, rq, o, &s);
}

void
api_health_detail(struct verifier *v, time_t now, char *out, size_t cap)
{
	int k = keys_ready(v, now);
	int t = rodb_stmt(&v->tokens, now) != NULL;
	int a = rodb_stmt(&v->access, now) != NULL;

	snprintf(out, cap, "%s%s%s%s%s", k ? "" : v->keys_err, k ? "" : "; ",
	    t ? "" : v->tokens.err, t ? "" : "; ", a ? "" : v->access.err);
}

static void
healthz(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	char replica[48] = "";
	int64_t age;
	int k, t, a, r;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		method_not_allowed(o, "GET, HEAD");
		return;
	}
	k = keys_ready(v, rq->now);
	t = rodb_stmt(&v->tokens, rq->now) != NULL;
	a = rodb_stmt(&v->access, rq->now) != NULL;
	/* A replica node keeps serving its last good copy, however old: the
	 * age is reported (an operator alerts on it), not judged here. */
	if ((r = replica_status_age(&v->replica, rq->now, &age)) > 0)
		snprintf(replica, sizeof(replica), ",\"replica_age\":%" PRId64, age);
	else if (r < 0)
		snprintf(replica, sizeof(replica), ",\"replica_age\":null");
	body(o, k && t && a ? 200 : 503, "{\"ok\":%s,\"keys\":%s,\"tokens\":%s,"
	    "\"access\":%s%s}\n", k && t && a ? "true" : "false", k ? "true" : "false",
	    t ? "true" : "false", a ? "true" : "false", replica);
}

/* A replica node's age (+Inf when its status file is unreadable). */
static void
metrics_replica(struct verifier *v, time_t now, char *out, size_t cap, size_t *len)
{
	int64_t age;
	int r, n;

	if (*len >= cap || (r = replica_status_age(&v->replica, now, &age)) == 0)
		return;
	n = r > 0 ? snprintf(out + *len, cap - *len, "# TYPE only_replica_age_seconds "
	    "gauge\nonly_replica_age_seconds %" PRId64 "\n", age) :
	    snprintf(out + *len, cap - *len, "# TYPE only_replica_age_seconds gauge\n"
	    "only_replica_age_seconds +Inf\n");
	if (n > 0)
		*len += (size_t)n;
}

static void
metrics(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	struct netaddr peer;
	size_t i, len = 0;
	int n;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		method_not_allowed(o, "GET, HEAD");
		return;
	}
	if (netaddr_parse(rq->ip, &peer) != 0 || !netlist_has(&v->metrics_allow, &peer)) {
		error(o, 403, "forbidden", "Metrics are not served to this address.");
		return;
	}
	o->status = 200;
	o->ctype = "text/plain; version=0.0.4";
	n = snprintf(o->body, sizeof(o->body),
	    "# TYPE only_redeem_total counter\n# TYPE only_play_total counter\n"
	    "# TYPE only_rate_limited_total counter\n"
	    "# TYPE only_unavailable_total counter\n# TYPE only_errors_total counter\n");
	len = n > 0 ? (size_t)n : 0;
	for (i = 0; i < M__COUNT && len < sizeof(o->body); i++) {
		n = snprintf(o->body + len, sizeof(o->body) - len, "%s %" PRIu64 "\n",
		    metric_names[i], v->m[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	metrics_replica(v, rq->now, o->body, sizeof(o->body), &len);
	o->body_len = len < sizeof(o->body) ? len : sizeof(o->body) - 1;
}

/*
 * POST /api/hooks/bunny: a Bunny Stream webhook.  The signature headers and
 * the HMAC of the raw body are checked first (webhook.c, constant time);
 * only an authentic body is parsed; a valid call records the wanted rebuild
 * (temp file + rename) and answers at once.  No build runs in lighttpd.
 */
static void
hook_bunny(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	struct webhook_event ev;
	enum webhook_status st;
	unsigned char digest[32];
	char err[256];
	int rebuild;

	if (strcmp(rq->method, "POST") != 0) {
		method_not_allowed(o, "POST");
		return;
	}
	if (!keys_ready(v, rq->now)) {
		unavailable(v, o);
		return;
	}
	if (rq->body_len > WEBHOOK_MAX_BODY) {
		v->m[M_HOOK_REFUSED]++;
		error(o, 413, "too_large", "The webhook body is too large.");
		return;
	}
	st = webhook_verify(v->webhook_ok ? &v->webhook : NULL,
	    rq->sig_version, rq->sig_algorithm, rq->signature,
	    rq->body != NULL ? rq->body : "", rq->body_len);
	if (st == WEBHOOK_NO_KEY) {
		v->m[M_HOOK_REFUSED]++;
		error(o, 503, "unavailable", "Webhooks are not configured "
		    "(BUNNY_WEBHOOK_KEY in the keys file).");
		return;
	}
	/* Without the library's id any library signed with the same key
	 * would do: refuse them all, and say what is missing. */
	if (v->keys.library_id < 0) {
		v->m[M_HOOK_REFUSED]++;
		error(o, 503, "unavailable", "Webhooks are not configured "
		    "(BUNNY_LIBRARY_ID in the keys file).");
		return;
	}
	if (st != WEBHOOK_OK) {
		v->m[M_HOOK_REFUSED]++;
		error(o, 401, "unauthorized", st == WEBHOOK_BAD_SIGNATURE ?
		    "Bad webhook signature." : "Unsupported webhook signature "
		    "version or algorithm.");
		return;
	}
	if (webhook_parse(rq->body != NULL ? rq->body : "", rq->body_len, &ev,
	    err, sizeof(err)) != 0) {
		v->m[M_HOOK_REFUSED]++;
		error(o, 400, "bad_request", "The webhook body is not "
		    "{VideoLibraryId, VideoGuid, Status}.");
		return;
	}
	if (ev.library_id != v->keys.library_id) {
		v->m[M_HOOK_REFUSED]++;
		error(o, 403, "wrong_library", "The webhook is for another "
		    "library than BUNNY_LIBRARY_ID in the keys file.");
		return;
	}
	/* A signed body sent again (a captured call replayed) is answered
	 * like the first time, but triggers nothing. */
	webhook_digest(rq->body != NULL ? rq->body : "", rq->body_len, digest);
	if (webhook_seen(&v->hooks_seen, digest, rq->mono)) {
		v->m[M_HOOK_OK]++;
		body(o, 200, "{\"ok\":true,\"video\":\"%s\",\"status\":%d,"
		    "\"rebuild\":false,\"duplicate\":true}\n", ev.guid, ev.status);
		return;
	}
	rebuild = webhook_status_rebuilds(ev.status);
	if (rebuild && webhook_record(v->rebuild_path, &ev, (long long)rq->now,
	    err, sizeof(err)) != 0) {
		v->m[M_ERRORS]++;
		unavailable(v, o);	/* Bunny retries a failed delivery */
		return;
	}
	webhook_remember(&v->hooks_seen, digest, rq->mono);
	v->m[M_HOOK_OK]++;
	body(o, 200, "{\"ok\":true,\"video\":\"%s\",\"status\":%d,"
	    "\"rebuild\":%s}\n", ev.guid, ev.status, rebuild ? "true" : "false");
}

#define ROUTE(lit) (n == sizeof(lit) - 1 && memcmp(p, lit, sizeof(lit) - 1) == 0)

void
api_handle(struct verifier *v, const struct api_req *rq, struct api_resp *o)
{
	const char *p = rq->path;
	size_t n = rq->path_len;

	/* Not a memset of the 4 KiB struct: the buffers only need a NUL. */
	o->status = 0;
	o->ctype = NULL;
	o->body[0] = '\0';
	o->body_len = 0;
	o->set_cookie[0] = '\0';
	o->location[0] = '\0';
	o->retry_after = 0;
	o->allow = NULL;
	o->mark_access = NULL;
	o->mark_video[0] = o->mark_code[0] = o->mark_viewer[0] = '\0';
	if (p == NULL || rq->method == NULL) {
		v->m[M_ERRORS]++;
		error(o, 400, "bad_request", "Malformed request.");
		return;
	}
	if (ROUTE(API_REDEEM) || (n > API_PLAY_LEN && memcmp(p, API_PLAY, API_PLAY_LEN) == 0)) {
		if (p[5] == 'r')
			redeem(v, rq, o);
		else
			play(v, rq, p + API_PLAY_LEN, n - API_PLAY_LEN, o);
		if (o->mark_access != NULL && v->keys_ok)
			logmark_viewer(&v->marks, rq->ip, o->mark_viewer);
	}
	else if (ROUTE("/api/session"))
		session(v, rq, o);
	else if (ROUTE("/api/logout")) {
		if (strcmp(rq->method, "POST") != 0) {
			method_not_allowed(o, "POST");
			return;
		}
		if (from_other_site(rq, o))
			return;
		logout(v, rq, o);
	} else if (ROUTE("/api/healthz"))
		healthz(v, rq, o);
	else if (ROUTE("/api/metrics"))
		metrics(v, rq, o);
	else if (ROUTE("/api/hooks/bunny"))
		hook_bunny(v, rq, o);
	else
		error(o, 404, "not_found", "No such endpoint.");
}
