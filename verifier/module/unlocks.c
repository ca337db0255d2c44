/*
 * unlocks.c — the device's unlocks: the cookie read, each code judged
 * against tokens.db, the cookie written back.  See unlocks.h.
 */
#include <string.h>

#include "access_table.h"
#include "code.h"
#include "httpin.h"
#include "json_out.h"
#include "legacy_token.h"
#include "token_cache.h"
#include "unlocks.h"

#define COOKIE_HEADER_MAX	8192	/* a longer Cookie header is not read */
#define COOKIE_TRIES		4	/* access_token values tried, at most */
#define RENEW_AFTER		86400	/* s: session rewrites an older cookie */

_Static_assert(UNLOCKS_ADD_ID_LEN % 2 == 0 && UNLOCKS_ADD_ID_LEN / 2 <= HMAC_LEN,
    "an add cookie's id is whole bytes of the store key");

enum { FROM_NONE, FROM_SET, FROM_ADD };

/*
 * Puts (hash, exp) into s in hash order, read from the set (FROM_SET) or
 * from an add cookie (FROM_ADD), or neither: a code already there takes
 * the later expiry and keeps its marks.  1 added, 0 merged, -1 full.
 */
static int
put(struct unlocks *s, const unsigned char hash[HMAC_LEN], int64_t exp, int from)
{
	struct unlock *u;
	size_t i;
	int c = 1;

	for (i = 0; i < s->n && (c = memcmp(s->u[i].ent.hash, hash, HMAC_LEN)) < 0; i++)
		;
	if (i < s->n && c == 0) {
		u = &s->u[i];
		if (exp > u->ent.exp)
			u->ent.exp = exp;
	} else {
		if (s->n >= UNLOCKS_MAX)
			return -1;
		memmove(&s->u[i + 1], &s->u[i], (s->n - i) * sizeof(s->u[0]));
		u = &s->u[i];
		memset(u, 0, sizeof(*u));
		memcpy(u->ent.hash, hash, HMAC_LEN);
		u->ent.exp = exp;
		u->state = UNLOCK_UNKNOWN;
		s->n++;
	}
	if (from == FROM_SET)
		u->in_set = 1;
	else if (from == FROM_ADD)
		u->in_add = 1;
	return c == 0 ? 0 : 1;
}

int
unlocks_put_legacy(struct unlocks *s, const unsigned char hash[HMAC_LEN], int64_t exp)
{
	s->from = UNLOCKS_LEGACY;
	s->issued = 0;
	return put(s, hash, exp, FROM_SET);
}

static int
read_legacy(struct verifier *v, const char *val, size_t vlen, struct unlocks *s)
{
	struct ltoken lt;
	unsigned char hash[HMAC_LEN];
	char code[CODE_BUFSZ];

	if (ltoken_verify(&v->secret, val, vlen, &lt) != LTOKEN_OK ||
	    code_normalise(lt.code, strlen(lt.code), v->keys.prefix, code) != CODE_OK)
		return 0;
	tstore_code_hash(&v->secret, code, hash);
	return unlocks_put_legacy(s, hash, lt.exp) >= 0;
}

/* One access_token value into *s: 1 when it is authentic, else 0. */
static int
read_one(struct verifier *v, const char *val, size_t vlen, struct unlocks *s)
{
	struct ents e;
	size_t i;
	enum ents_err err;

	if ((err = ents_decode(&v->ents, val, vlen, &e)) == ENTS_NOT_V2)
		return read_legacy(v, val, vlen, s);
	if (err != ENTS_OK)
		return 0;
	for (i = 0; i < e.n; i++)
		if (put(s, e.e[i].hash, e.e[i].exp, FROM_SET) < 0)
			return 0;	/* cannot happen: the set is read first */
	s->issued = e.issued;
	s->from = UNLOCKS_V2;
	return 1;
}

void
unlocks_add_name(const unsigned char hash[HMAC_LEN], char name[UNLOCKS_ADD_NAME_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	memcpy(name, UNLOCKS_ADD_PREFIX, UNLOCKS_ADD_PREFIX_LEN);
	for (i = 0; i < UNLOCKS_ADD_ID_LEN / 2; i++) {
		name[UNLOCKS_ADD_PREFIX_LEN + 2 * i] = hex[hash[i] >> 4];
		name[UNLOCKS_ADD_PREFIX_LEN + 2 * i + 1] = hex[hash[i] & 15];
	}
	name[UNLOCKS_ADD_NAME_LEN] = '\0';
}

int
unlocks_add_name_ok(const char *name, size_t n)
{
	size_t i;

	if (n != UNLOCKS_ADD_NAME_LEN || memcmp(name, UNLOCKS_ADD_PREFIX,
	    UNLOCKS_ADD_PREFIX_LEN) != 0)
		return 0;
	for (i = UNLOCKS_ADD_PREFIX_LEN; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * One add cookie into *s: its value an authentic set of one entry, named
 * for that entry's code (so that a cookie is removed by the name it was
 * written under).  1 when it is, else 0.
 */
static int
read_add(struct verifier *v, const char *name, size_t nlen, const char *val, size_t vlen,
    struct unlocks *s)
{
	char want[UNLOCKS_ADD_NAME_LEN + 1];
	struct ents e;

	if (!unlocks_add_name_ok(name, nlen) ||
	    ents_decode(&v->ents, val, vlen, &e) != ENTS_OK || e.n != 1)
		return 0;
	unlocks_add_name(e.e[0].hash, want);
	if (memcmp(want, name, nlen) != 0)
		return 0;
	return put(s, e.e[0].hash, e.e[0].exp, FROM_ADD) >= 0;
}

/*
 * The first authentic access_token of the header, of the first
 * COOKIE_TRIES: a browser sends every cookie of that name its paths and
 * domains match, longest path first, so one another host of the domain
 * set (or a leftover with another Path) would otherwise hide the device's
 * own, and the next redeem would write over it.  Then the add cookies.
 */
int
unlocks_read(struct verifier *v, const struct api_req *rq, struct unlocks *s)
{
	const char *h = rq->cookie, *val, *name;
	size_t n = rq->cookie_len, vlen, nlen;
	int tries, set = 0;

	s->from = UNLOCKS_NONE;
	s->n = 0;
	s->issued = 0;
	if (h == NULL || n > COOKIE_HEADER_MAX)
		return 0;
	for (tries = 0; tries < COOKIE_TRIES &&
	    cookie_next(&h, &n, "access_token", &val, &vlen); tries++)
		if ((set = read_one(v, val, vlen, s)) != 0)
			break;
	h = rq->cookie;
	n = rq->cookie_len;
	for (tries = 0; tries < UNLOCKS_ADDS_MAX && cookie_next_prefixed(&h, &n,
	    UNLOCKS_ADD_PREFIX, &name, &nlen, &val, &vlen); tries++)
		(void)read_add(v, name, nlen, val, vlen, s);
	return set;
}

static int
lookup(struct verifier *v, time_t now, struct unlock *u)
{
	int r = tcache_lookup(&v->tcache, &v->tokens, now, u->ent.hash, &u->rec);

	if (r < 0)
		return -1;
	if (r == 0)
		u->state = UNLOCK_GONE;
	else if (u->rec.revoked_at != 0)
		u->state = UNLOCK_REVOKED;
	else if (u->rec.expires_at <= (int64_t)now || u->ent.exp <= (int64_t)now)
		u->state = UNLOCK_EXPIRED;
	else
		u->state = UNLOCK_VALID;
	return 0;
}

int
unlocks_lookup_all(struct verifier *v, time_t now, struct unlocks *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (lookup(v, now, &s->u[i]) != 0)
			return -1;
	return 0;
}

int
unlock_grants(const struct token_rec *rec, const char *guid)
{
	return strcmp(rec->level, "vip") == 0 ||
	    (strcmp(rec->level, "ppv") == 0 && strcmp(rec->video, guid) == 0);
}

enum verdict
unlocks_play(struct verifier *v, const struct api_req *rq, const char *guid)
{
	struct unlocks s;
	size_t i, known = 0, revoked = 0, expired = 0;
	int rel_revoked = 0, rel_expired = 0;

	(void)unlocks_read(v, rq, &s);
	for (i = 0; i < s.n; i++) {
		struct unlock *u = &s.u[i];

		if (lookup(v, rq->now, u) != 0)
			return V_ERROR;
		if (u->state == UNLOCK_GONE)
			continue;
		known++;
		if (u->state == UNLOCK_VALID && unlock_grants(&u->rec, guid))
			return V_GRANTED;
		if (u->state == UNLOCK_REVOKED) {
			revoked++;
			rel_revoked |= unlock_grants(&u->rec, guid);
		} else if (u->state == UNLOCK_EXPIRED) {
			expired++;
			rel_expired |= unlock_grants(&u->rec, guid);
		}
	}
	if (known == 0)
		return V_UNAUTHORIZED;
	if (rel_revoked || revoked == known)
		return V_REVOKED;
	if (rel_expired || expired == known || revoked + expired == known)
		return V_EXPIRED;
	return V_NOT_ENTITLED;
}

/* Whether an entry stays in the cookie the verifier writes back. */
static int
keeps(const struct unlock *u, time_t now)
{
	return u->state == UNLOCK_VALID ||
	    (u->state == UNLOCK_GONE && u->ent.exp > (int64_t)now);
}

size_t
unlocks_keep_live(struct unlocks *s, time_t now)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (keeps(&s->u[i], now))
			s->u[k++] = s->u[i];
	s->n = k;
	return k;
}

int
unlocks_add(struct unlocks *s, const struct token_rec *rec)
{
	size_t i;
	int r;

	for (i = 0; i < s->n && memcmp(s->u[i].ent.hash, rec->hash, HMAC_LEN) != 0; i++)
		;
	if (i == s->n && s->n >= ENTS_MAX)
		return -1;
	if ((r = put(s, rec->hash, rec->expires_at, FROM_NONE)) < 0)
		return -1;
	for (i = 0; memcmp(s->u[i].ent.hash, rec->hash, HMAC_LEN) != 0; i++)
		;
	s->u[i].ent.exp = rec->expires_at;
	s->u[i].rec = *rec;
	s->u[i].state = UNLOCK_VALID;
	return r;
}

/* An entry's expiry as a cookie names it: a valid code's renewed (capped at
 * cap_exp), one the store does not know as it was (it grants nothing meanwhile). */
static int64_t
entry_exp(const struct unlock *u, int64_t cap_exp)
{
	int64_t x = u->state == UNLOCK_VALID ? u->rec.expires_at : u->ent.exp;

	return x > cap_exp ? cap_exp : x;
}

int
unlocks_cookie(struct verifier *v, const struct unlocks *s, time_t now,
    char *out, size_t cap, long *max_age)
{
	struct ents e;
	int64_t cap_exp = (int64_t)now + API_COOKIE_MAX_AGE, last = 0, x;
	size_t i;
	int pass;

	memset(&e, 0, sizeof(e));
	e.issued = (int64_t)now;
	/* what the set named first: it has no other cookie */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->n; i++) {
			const struct unlock *u = &s->u[i];

			if (!keeps(u, now))
				return -1;
			if ((pass == 0) != (u->in_set || !u->in_add))
				continue;
			if (e.n == ENTS_MAX)
				break;	/* an add cookie's entry: it stays there */
			x = entry_exp(u, cap_exp);
			if (ents_add(&e, u->ent.hash, x) < 0)
				return -1;
			if (x > last)
				last = x;
		}
	*max_age = (long)(last - (int64_t)now);
	return ents_encode(&v->ents, &e, out, cap);
}

int
unlocks_add_cookie(struct verifier *v, const struct token_rec *rec, time_t now,
    char name[UNLOCKS_ADD_NAME_LEN + 1], char *out, size_t cap, long *max_age)
{
	struct ents e;
	int64_t x = rec->expires_at, cap_exp = (int64_t)now + API_COOKIE_MAX_AGE;

	if (x > cap_exp)
		x = cap_exp;
	memset(&e, 0, sizeof(e));
	e.issued = (int64_t)now;
	if (x <= (int64_t)now || ents_add(&e, rec->hash, x) < 0)
		return -1;
	unlocks_add_name(rec->hash, name);
	*max_age = (long)(x - (int64_t)now);
	return ents_encode(&v->ents, &e, out, cap);
}

int
unlocks_stale(const struct unlocks *s, time_t now)
{
	size_t i;

	if (s->from != UNLOCKS_V2 || s->issued + RENEW_AFTER <= (int64_t)now)
		return 1;
	for (i = 0; i < s->n; i++)
		if (!keeps(&s->u[i], now) || !s->u[i].in_set)
			return 1;
	return 0;
}

int
unlocks_add_settled(const struct unlocks *s, size_t i, time_t now)
{
	const struct unlock *u;

	if (i >= s->n || !(u = &s->u[i])->in_add)
		return 0;
	if (!keeps(u, now))
		return 1;
	return u->in_set && (s->from == UNLOCKS_LEGACY ||
	    s->issued + UNLOCKS_ADD_SETTLE <= (int64_t)now);
}

size_t
unlocks_first(const struct unlocks *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->u[i].state == UNLOCK_VALID && strcmp(s->u[i].rec.level, "vip") == 0)
			return i;
	for (i = 0; i < s->n; i++)
		if (s->u[i].state == UNLOCK_VALID)
			return i;
	return 0;
}

void
unlocks_title_json(struct verifier *v, time_t now, const char *guid,
    struct sout *o, size_t max)
{
	struct access_row row;
	char buf[ACCESS_TITLE_MAX * 6 + 16];
	struct sout t;

	if (guid[0] == '\0' || rodb_refresh(&v->access, now) != 0 ||
	    access_cached(&v->acache, &v->access, now, guid, &row) != 1 ||
	    row.title[0] == '\0') {
		sout_str(o, ",\"title\":null");
		return;
	}
	sout_init(&t, buf, sizeof(buf));
	sout_str(&t, ",\"title\":");
	json_out_str(&t, row.title, strlen(row.title));
	if (t.err || t.len > max)
		sout_str(o, ",\"title\":null");
	else
		sout_put(o, t.p, t.len);
}

static void
one_json(struct verifier *v, const struct unlock *u, time_t now, struct sout *o,
    size_t reserve)
{
	sout_str(o, "{\"level\":\"");
	sout_str(o, u->rec.level);	/* tstore_level_ok: a plain word */
	if (u->rec.video[0] != '\0') {
		sout_str(o, "\",\"video\":\"");
		sout_str(o, u->rec.video);	/* a GUID (the store checks it) */
		sout_str(o, "\"");
	} else
		sout_str(o, "\",\"video\":null");
	unlocks_title_json(v, now, u->rec.video, o,
	    o->cap - o->len > reserve ? o->cap - o->len - reserve : 0);
	sout_str(o, ",\"expires_at\":");
	sout_i64(o, u->rec.expires_at);
	sout_str(o, "}");
}

void
unlocks_json(struct verifier *v, const struct unlocks *s, time_t now,
    struct sout *o, size_t reserve)
{
	size_t i, first = unlocks_first(s), k = 0;

	sout_str(o, "\"unlocks\":[");
	/* Each later entry needs ~130 bytes without its title: keep them. */
	if (first < s->n && s->u[first].state == UNLOCK_VALID) {
		one_json(v, &s->u[first], now, o, reserve + s->n * 130);
		k++;
	}
	for (i = 0; i < s->n; i++) {
		if (i == first || s->u[i].state != UNLOCK_VALID)
			continue;
		if (k++ > 0)
			sout_str(o, ",");
		one_json(v, &s->u[i], now, o, reserve + (s->n - k) * 130);
	}
	sout_str(o, "]");
}
