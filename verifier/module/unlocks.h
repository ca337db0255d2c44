/*
 * unlocks.h — what the access cookies unlock on this device, judged
 * against the stores.
 *
 * The cookies name codes (entitlements.h; or one code, in a legacy long
 * token); tokens.db says what each code is worth now.  Every answer is
 * read from the stores on the request that needs it, nothing is written:
 * a revoked or expired code stops granting on the next request even though
 * the cookie still names it, and any read-only verifier can judge a cookie.
 * A legacy cookie is read as a set of one and written back in format 2 the
 * next time the verifier sets the cookie (redeem, session).
 *
 * A device's unlocks are the union of two kinds of cookie:
 *   access_token          the set (format 2, up to ENTS_MAX entries),
 *                         written whole by a redeem and by /api/session;
 *   access_add_<id>       one per code a redeem added (format 2, one
 *                         entry; id: the first UNLOCKS_ADD_ID_LEN / 2
 *                         bytes of the entry's store key, in hex).
 * A browser keeps the last Set-Cookie of a name it receives, so two
 * answers that each wrote the whole set from the same old cookie (two
 * tabs, two form posts sent at once) left the device only one of the two
 * new codes.  A redeem's own cookie has a name no other answer writes:
 * whichever set comes last, every code redeemed is still named by its
 * own cookie, and the next session writes the union back into the set.
 * An add cookie is removed only once a set naming its code is
 * UNLOCKS_ADD_SETTLE seconds old (docs/verifier.md: what that leaves).
 */
#ifndef ONLY_UNLOCKS_H
#define ONLY_UNLOCKS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "api.h"
#include "entitlements.h"
#include "sout.h"
#include "token_store.h"

#define UNLOCKS_ADD_PREFIX	"access_add_"
#define UNLOCKS_ADD_PREFIX_LEN	(sizeof(UNLOCKS_ADD_PREFIX) - 1)
#define UNLOCKS_ADD_ID_LEN	12	/* hex digits: 6 bytes of the store key */
#define UNLOCKS_ADD_NAME_LEN	(UNLOCKS_ADD_PREFIX_LEN + UNLOCKS_ADD_ID_LEN)
/*
 * Add cookies read, at most.  A redeem adds one only to a device holding
 * fewer than ENTS_MAX codes, so more than ENTS_MAX - 1 exist only while
 * redeems race (each of those answers adds one): room for 9 at once.  At
 * the bound the Cookie header is ~7.4 kB, under the 8 kB read.
 */
#define UNLOCKS_ADDS_MAX	(ENTS_MAX + 8)
#define UNLOCKS_MAX		(ENTS_MAX + UNLOCKS_ADDS_MAX)
/*
 * Seconds an add cookie stays once the set names its code: a set written
 * from a request older than that (an answer that took this long to
 * arrive) could otherwise lack the code when the add cookie is gone.
 */
#define UNLOCKS_ADD_SETTLE	600

enum unlock_state {
	UNLOCK_UNKNOWN,		/* not looked up yet */
	UNLOCK_VALID,
	UNLOCK_EXPIRED,		/* the code, or this cookie's entry, has expired */
	UNLOCK_REVOKED,
	UNLOCK_GONE,		/* no such row in tokens.db */
};

struct unlock {
	struct ent		 ent;	/* the code's store key, the entry's expiry
					 * (the later of its cookies') */
	enum unlock_state	 state;
	struct token_rec	 rec;	/* when EXPIRED, REVOKED or VALID */
	unsigned char		 in_set;	/* the access_token cookie names it */
	unsigned char		 in_add;	/* its own access_add_ cookie does */
};

enum unlocks_from { UNLOCKS_NONE, UNLOCKS_V2, UNLOCKS_LEGACY };

struct unlocks {
	enum unlocks_from	 from;		/* the access_token cookie's format */
	int64_t			 issued;	/* its time; 0 for a legacy one */
	size_t			 n;
	struct unlock		 u[UNLOCKS_MAX];	/* ordered by hash */
};

/* What /api/play may answer for one video. */
enum verdict { V_GRANTED, V_UNAUTHORIZED, V_EXPIRED, V_REVOKED, V_NOT_ENTITLED,
	V_ERROR };

/*
 * Reads rq's access_token cookie (format 2, else a legacy long token) and
 * its access_add_ cookies into *s, nothing looked up yet: the first
 * authentic access_token when the header has several (of the first 4),
 * every authentic add cookie (of the first UNLOCKS_ADDS_MAX), the same
 * code once.  Returns 1 when an access_token is authentic, 0 when there
 * is none or it is not; s->n counts the entries of both kinds.
 */
int	unlocks_read(struct verifier *v, const struct api_req *rq, struct unlocks *s);

/*
 * Adds the set's entry (hash, exp) to s as a legacy cookie's (the old
 * system's typed code, judged by the caller): 1 added, 0 merged, -1 full.
 */
int	unlocks_put_legacy(struct unlocks *s, const unsigned char hash[HMAC_LEN], int64_t exp);

/* Looks every entry up.  0, or -1 on a store error. */
int	unlocks_lookup_all(struct verifier *v, time_t now, struct unlocks *s);

/*
 * The verdict for playing guid (a video that is not public): granted when
 * any entry's code is valid and unlocks it (vip: every video; ppv: its own).
 * Otherwise 401 when no entry names a known code, else revoked / expired
 * when an entry that would unlock guid (or, failing one, every entry) is,
 * else not_entitled.  Stops looking up at the first grant.
 */
enum verdict	unlocks_play(struct verifier *v, const struct api_req *rq,
		    const char *guid);

/*
 * Drops the entries the cookie should no longer name: revoked or expired
 * codes, and unknown ones whose entry has expired.  A code the store does
 * not know is kept until its entry expires: this node's tokens.db may be
 * behind the writer's (a replica, a store restored from a backup), and
 * writing the cookie without it would lose the unlock for good once the
 * store catches up.  Returns how many entries are left.
 */
size_t	unlocks_keep_live(struct unlocks *s, time_t now);

/*
 * Adds the (valid) code rec; 1 added, 0 already held, -1 the device holds
 * ENTS_MAX codes already (what one access_token can name).
 */
int	unlocks_add(struct unlocks *s, const struct token_rec *rec);

/*
 * The access_token value for the entries of s (each one unlocks_keep_live
 * keeps), each valid entry's expiry renewed to min(code's expiry, now +
 * API_COOKIE_MAX_AGE) and an unknown code's left as it was, into out
 * (cap >= ENTS_BUFSZ); the cookie's Max-Age in *max_age.  The entries the
 * set named come first: past ENTS_MAX (add cookies of answers that raced)
 * an add cookie's entry is left out, and stays in its own cookie.  Returns
 * the length, or -1 (no entry, or a bad argument).
 */
int	unlocks_cookie(struct verifier *v, const struct unlocks *s, time_t now,
	    char *out, size_t cap, long *max_age);

/*
 * The add cookie of rec's code (a valid code just redeemed): its name
 * (UNLOCKS_ADD_NAME_LEN + 1 bytes) and value (cap >= ENTS_BUFSZ), the
 * entry's expiry min(code's expiry, now + API_COOKIE_MAX_AGE), its Max-Age
 * in *max_age.  Returns the value's length, or -1.
 */
int	unlocks_add_cookie(struct verifier *v, const struct token_rec *rec, time_t now,
	    char name[UNLOCKS_ADD_NAME_LEN + 1], char *out, size_t cap, long *max_age);

/* The add cookie's name of the code whose store key is hash. */
void	unlocks_add_name(const unsigned char hash[HMAC_LEN], char name[UNLOCKS_ADD_NAME_LEN + 1]);

/* 1 when name (n bytes) is an add cookie's name as unlocks_add_name writes one. */
int	unlocks_add_name_ok(const char *name, size_t n);

/*
 * 1 when the access_token cookie should be set again on a session request:
 * legacy or none, older than a day, holding entries unlocks_keep_live
 * drops, or not naming a code an add cookie does.
 */
int	unlocks_stale(const struct unlocks *s, time_t now);

/*
 * 1 when entry i's add cookie may go: the set as read names the code and
 * is UNLOCKS_ADD_SETTLE seconds old (a legacy set: any age), or the entry
 * is one unlocks_keep_live drops.
 */
int	unlocks_add_settled(const struct unlocks *s, size_t i, time_t now);

/* 1 when rec's code unlocks guid (vip: every video; ppv: its own). */
int	unlock_grants(const struct token_rec *rec, const char *guid);

/* Index of the entry listed first (VIP first, then the cookie's order). */
size_t	unlocks_first(const struct unlocks *s);

/*
 * Appends ,"title":"..." for guid (JSON-escaped, from access.db), or
 * ,"title":null when the guid is "" or unknown, or the title is empty or
 * does not fit in max bytes of o.
 */
void	unlocks_title_json(struct verifier *v, time_t now, const char *guid,
	    struct sout *o, size_t max);

/*
 * Appends "unlocks":[{"level","video","title","expires_at"}...] for the
 * valid entries of s in listing order; a title that would leave less than
 * reserve bytes of o free is written as null.
 */
void	unlocks_json(struct verifier *v, const struct unlocks *s, time_t now,
	    struct sout *o, size_t reserve);

#endif
