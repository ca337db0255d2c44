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

static int
read_legacy(struct verifier *v, const char *val, size_t vlen, struct unlocks *s)
{
	struct ltoken lt;
	char code[CODE_BUFSZ];

	if (ltoken_verify(&v->secret, val, vlen, &lt) != LTOKEN_OK ||
	    code_normalise(lt.code, strlen(lt.code), v->keys.prefix, code) != CODE_OK)
		return 0;
	tstore_code_hash(&v->secret, code, s->u[0].ent.hash);
	s->u[0].ent.exp = lt.exp;
	s->n = 1;
	s->issued = 0;
	s->from = UNLOCKS_LEGACY;
	return 1;
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
	for (i = 0; i < e.n; i++) {
		s->u[i].ent = e.e[i];
		s->u[i].state = UNLOCK_UNKNOWN;
	}
	s->n = e.n;
	s->issued = e.issued;
	s->from = UNLOCKS_V2;
	return 1;
}

/*
 * The first authentic access_token of the header, of the first
 * COOKIE_TRIES: a browser sends every cookie of that name its paths and
 * domains match, longest path first, so one another host of the domain
 * set (or a leftover with another Path) would otherwise hide the device's
 * own, and the next redeem would write over it.
 */
int
unlocks_read(struct verifier *v, const struct api_req *rq, struct unlocks *s)
{
	const char *h = rq->cookie, *val;
	size_t n = rq->cookie_len, vlen;
	int tries;

	s->from = UNLOCKS_NONE;
	s->n = 0;
	s->issued = 0;
	if (h == NULL || n > COOKIE_HEADER_MAX)
		return 0;
	for (tries = 0; tries < COOKIE_TRIES &&
	    cookie_next(&h, &n, "access_token", &val, &vlen); tries++)
		if (read_one(v, val, vlen, s))
			return 1;
	s->n = 0;
	return 0;
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

	if (!unlocks_read(v, rq, &s))
		return V_UNAUTHORIZED;
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
	int c = 1;

	for (i = 0; i < s->n && (c = memcmp(s->u[i].ent.hash, rec->hash, HMAC_LEN)) < 0; i++)
		;
	if (i < s->n && c == 0) {
		s->u[i].rec = *rec;
		s->u[i].state = UNLOCK_VALID;
		return 0;
	}
	if (s->n >= ENTS_MAX)
		return -1;
	memmove(&s->u[i + 1], &s->u[i], (s->n - i) * sizeof(s->u[0]));
	memcpy(s->u[i].ent.hash, rec->hash, HMAC_LEN);
	s->u[i].ent.exp = rec->expires_at;
	s->u[i].rec = *rec;
	s->u[i].state = UNLOCK_VALID;
	s->n++;
	return 1;
}

int
unlocks_cookie(struct verifier *v, const struct unlocks *s, time_t now,
    char *out, size_t cap, long *max_age)
{
	struct ents e;
	int64_t cap_exp = (int64_t)now + API_COOKIE_MAX_AGE, last = 0;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.issued = (int64_t)now;
	for (i = 0; i < s->n; i++) {
		const struct unlock *u = &s->u[i];
		/* A valid code's entry is renewed; one the store does not know
		 * keeps the expiry it had (it grants nothing meanwhile). */
		int64_t x = u->state == UNLOCK_VALID ? u->rec.expires_at : u->ent.exp;

		if (x > cap_exp)
			x = cap_exp;
		if (!keeps(u, now) || ents_add(&e, u->ent.hash, x) < 0)
			return -1;
		if (x > last)
			last = x;
	}
	*max_age = (long)(last - (int64_t)now);
	return ents_encode(&v->ents, &e, out, cap);
}

int
unlocks_stale(const struct unlocks *s, time_t now)
{
	size_t i;

	if (s->from == UNLOCKS_LEGACY || s->issued + RENEW_AFTER <= (int64_t)now)
		return 1;
	for (i = 0; i < s->n; i++)
		if (!keeps(&s->u[i], now))
			return 1;
	return 0;
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
