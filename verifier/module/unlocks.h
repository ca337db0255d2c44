/*
 * unlocks.h — what the access_token cookie unlocks on this device, judged
 * against the stores.
 *
 * The cookie names codes (entitlements.h; or one code, in a legacy long
 * token); tokens.db says what each code is worth now.  Every answer is
 * read from the stores on the request that needs it, nothing is written:
 * a revoked or expired code stops granting on the next request even though
 * the cookie still names it, and any read-only verifier can judge a cookie.
 * A legacy cookie is read as a set of one and written back in format 2 the
 * next time the verifier sets the cookie (redeem, session).
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

enum unlock_state {
	UNLOCK_UNKNOWN,		/* not looked up yet */
	UNLOCK_VALID,
	UNLOCK_EXPIRED,		/* the code, or this cookie's entry, has expired */
	UNLOCK_REVOKED,
	UNLOCK_GONE,		/* no such row in tokens.db */
};

struct unlock {
	struct ent		 ent;	/* the code's store key, the entry's expiry */
	enum unlock_state	 state;
	struct token_rec	 rec;	/* when EXPIRED, REVOKED or VALID */
};

enum unlocks_from { UNLOCKS_NONE, UNLOCKS_V2, UNLOCKS_LEGACY };

struct unlocks {
	enum unlocks_from	 from;
	int64_t			 issued;	/* 0 for a legacy cookie */
	size_t			 n;
	struct unlock		 u[ENTS_MAX];	/* ordered by hash */
};

/* What /api/play may answer for one video. */
enum verdict { V_GRANTED, V_UNAUTHORIZED, V_EXPIRED, V_REVOKED, V_NOT_ENTITLED,
	V_ERROR };

/*
 * Reads rq's access_token cookie (format 2, else a legacy long token) into
 * *s, nothing looked up yet: the first authentic one when the header has
 * several (of the first 4).  Returns 1 when it is authentic, 0 when there
 * is none or it is not (s->n is 0 then).
 */
int	unlocks_read(struct verifier *v, const struct api_req *rq, struct unlocks *s);

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

/* Adds the (valid) code rec; 1 added, 0 already held, -1 full. */
int	unlocks_add(struct unlocks *s, const struct token_rec *rec);

/*
 * The format-2 cookie value for the entries of s (each one unlocks_keep_live
 * keeps), each valid entry's expiry renewed to min(code's expiry, now +
 * API_COOKIE_MAX_AGE) and an unknown code's left as it was, into out
 * (cap >= ENTS_BUFSZ); the cookie's Max-Age in *max_age.  Returns the
 * length, or -1 (no entry, or a bad argument).
 */
int	unlocks_cookie(struct verifier *v, const struct unlocks *s, time_t now,
	    char *out, size_t cap, long *max_age);

/* 1 when the cookie should be set again on a session request: legacy,
 * older than a day, or holding entries unlocks_keep_live drops. */
int	unlocks_stale(const struct unlocks *s, time_t now);

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
