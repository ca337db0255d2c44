/*
 * api.h — the verifier's HTTP API as plain C: one request in, one response
 * out.  lua_verifier.c only moves values between mod_magnet and this.
 *
 *   POST /api/redeem       form `code` (+ `next`, `video`) or JSON {"code",
 *                          "next", "video"}: adds the code to the device's
 *                          unlocks (the access_token cookie, entitlements.h,
 *                          and the code's own add cookie, unlocks.h)
 *                          200 | 303 | 401 | 403 | 409 (the device is full)
 *   GET  /api/play/<guid>  200 {"url","expires_at"} | 401 | 403 | 404
 *   GET  /api/session      200 {"level","video","title","expires_at",
 *                          "token_expires_at","unlocks":[...]} | 401
 *   POST /api/logout       200, clears the cookies
 *   GET  /api/healthz      200 | 503
 *   GET  /api/metrics      Prometheus text, to metrics_allow only (else 403)
 *   POST /api/hooks/bunny  Bunny Stream webhook: 200 | 401 | 400 | 403 |
 *                          413 | 503 (records var/rebuild-request; a
 *                          replayed body: 200 "duplicate"; see webhook.h)
 * Errors are {"error":"<reason>","message":"<text>"}; see docs/verifier.md.
 *
 * A struct verifier owns its stores, keys and rate-limit table; it is opened
 * once per lighttpd process and closed by verifier_close().  Nothing here
 * blocks: the stores are read-only with busy timeout 0.
 */
#ifndef ONLY_API_H
#define ONLY_API_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "access_table.h"
#include "code_result.h"
#include "entitlements.h"
#include "hmac.h"
#include "keys.h"
#include "logmark.h"
#include "netaddr.h"
#include "ratelimit.h"
#include "replica_status.h"
#include "rodb.h"
#include "token_cache.h"
#include "webhook.h"

#define API_BODY_MAX		4096	/* request bodies beyond this: 413 */
/* A device keeps its unlocks as long as a browser keeps a cookie (400
 * days at most) or the code lives, whichever is shorter; /api/session
 * renews them. */
#define API_COOKIE_MAX_AGE	(400 * 86400)
#define API_RESP_MAX		8192
/*
 * Set-Cookie values of one answer, a line each (unlocks.h): the set and a
 * redeem's add cookie, or the set and the add cookies a session or a
 * logout removes (UNLOCKS_ADDS_MAX at most: api.c checks the bound).
 */
#define API_SET_COOKIE_MAX	(2 * ENTS_BUFSZ + 256 + ENTS_MAX * 96)
#define API_NEXT_MAX		512

struct verifier_config {
	const char	*var;		/* dir of tokens.db, access.db, verifier.keys */
	const char	*tokens;	/* NULL: <var>/tokens.db */
	const char	*access;	/* NULL: <var>/access.db */
	const char	*keys;		/* NULL: <var>/verifier.keys */
	const char	*rebuild;	/* NULL: <var>/rebuild-request */
	long		 play_ttl;	/* play URL lifetime, s; default 900 */
	/* The redeem limit (ratelimit.h); 0 picks the RL_DEF_* default. */
	double		 redeem_per_min, redeem_burst;		/* per address */
	double		 redeem_net_per_min, redeem_net_burst;	/* per network */
	double		 redeem_fail_per_min, redeem_fail_burst;/* global failures */
	size_t		 rl_slots;	/* cells per table row; default 4096 */
	const char	*metrics_allow;	/* CIDR list; NULL: loopback only */
	const char	*replica_status;/* a replica node's VAR/replica-status;
					 * NULL: not a replica (replica_status.h) */
};

#define API_PLAY_TTL_DEFAULT	900
#define API_PLAY_TTL_MAX	86400
#define API_METRICS_ALLOW_DEFAULT "127.0.0.0/8, ::1"

enum { M_REDEEM_OK, M_REDEEM_INVALID, M_REDEEM_EXPIRED, M_REDEEM_REVOKED,
	M_REDEEM_BAD_REQUEST, M_PLAY_GRANTED, M_PLAY_UNAUTHORIZED, M_PLAY_EXPIRED,
	M_PLAY_REVOKED, M_PLAY_NOT_ENTITLED, M_PLAY_NOT_FOUND, M_RATE_LIMITED,
	M_UNAVAILABLE, M_ERRORS, M_HOOK_OK, M_HOOK_REFUSED, M__COUNT };

struct verifier {
	char			 keys_path[PATH_MAX];
	char			 rebuild_path[PATH_MAX];
	struct keys		 keys;
	int			 keys_ok;
	char			 keys_err[256];
	time_t			 keys_checked;
	struct hmac_key		 secret;
	struct hmac_key		 ents;		/* the cookie's key (entitlements.h) */
	struct hmac_key		 bunny;
	struct hmac_key		 marks;		/* the access-log ids' key (logmark.h) */
	struct hmac_key		 webhook;	/* BUNNY_WEBHOOK_KEY */
	int			 webhook_ok;	/* 0: the key is not set */
	struct webhook_replay	 hooks_seen;	/* bodies accepted lately */
	struct rodb		 tokens;
	struct rodb		 access;
	struct access_cache	 acache;	/* found rows of access */
	struct token_cache	 tcache;	/* answers of tokens, while unchanged */
	struct ratelimit	 rl;
	long			 play_ttl;
	struct netlist		 metrics_allow;
	struct replica_status	 replica;	/* the copy's age, on a replica node */
	uint64_t		 m[M__COUNT];
};

struct api_req {
	const char	*method;
	const char	*path;		/* decoded, normalised by lighttpd */
	size_t		 path_len;
	const char	*cookie;	/* Cookie header or NULL */
	size_t		 cookie_len;
	const char	*ip;		/* client address text (redeem: the viewer,
					 * forwarded by a trusted proxy; metrics:
					 * the TCP peer) */
	const char	*ctype;		/* Content-Type or NULL */
	const char	*body;		/* POST body or NULL */
	size_t		 body_len;
	/* X-BunnyStream-Signature-Version, -Algorithm and -Signature headers
	 * (POST /api/hooks/bunny only); NULL when absent. */
	const char	*sig_version, *sig_algorithm, *signature;
	/* Sec-Fetch-Site (POST only), NULL when absent: "cross-site" is a
	 * form another site's page made the browser send (api.c, from_other_site). */
	const char	*fetch_site;
	time_t		 now;		/* wall clock, seconds */
	double		 mono;		/* monotonic clock, seconds */
};

struct api_resp {
	int		 status;
	const char	*ctype;
	char		 body[API_RESP_MAX];
	size_t		 body_len;
	char		 set_cookie[API_SET_COOKIE_MAX];	/* Set-Cookie values, '\n' between */
	char		 location[API_NEXT_MAX + 1 + CODE_RESULT_ID_MAX + 1];	/* next#<result> */
	unsigned	 retry_after;	/* 0: none */
	const char	*allow;		/* for 405 */
	/* For the access log (logmark.h), "" when not set: play and redeem. */
	const char	*mark_access;	/* public|vip|ppv|denied, or NULL */
	char		 mark_video[GUID_LEN + 1];
	char		 mark_code[LOGMARK_ID_LEN + 1];
	char		 mark_viewer[LOGMARK_ID_LEN + 1];
};

/*
 * Opens v with cfg: loads the keys (failure is kept, not fatal: the API then
 * answers 503 and retries once a second), allocates the rate-limit table.
 * Returns 0, or -1 with a message in err on bad configuration or no memory.
 */
int	verifier_open(struct verifier *v, const struct verifier_config *cfg,
	    char *err, size_t errlen);
void	verifier_close(struct verifier *v);

/* Handles rq into *out.  Never fails: errors become JSON error responses. */
void	api_handle(struct verifier *v, const struct api_req *rq, struct api_resp *out);

/* Why the service is not healthy ("" when it is), for the error log. */
void	api_health_detail(struct verifier *v, time_t now, char *out, size_t cap);

#endif
