/*
 * webhook.h — Bunny Stream webhooks (POST /api/hooks/bunny): signature
 * check, strict body parse, and the rebuild record the watcher reacts to.
 *
 * Pure C over caller-owned memory.  The key is a pre-keyed HMAC context
 * (hmac.h), so the verifier never keeps the key text after loading it.  Nothing here runs a build: a valid call only
 * records which video changed to which status (see scripts/rebuild-watcher).
 *
 * The signature (bunny.md §2): headers X-BunnyStream-Signature-Version "v1",
 * X-BunnyStream-Signature-Algorithm "hmac-sha256", X-BunnyStream-Signature =
 * 64 hex digits of HMAC-SHA256(key = the library's read-only API key, message
 * = the exact raw body bytes).  The body is not trusted until that matches.
 */
#ifndef ONLY_WEBHOOK_H
#define ONLY_WEBHOOK_H

#include <stddef.h>

#include "guid.h"	/* GUID_LEN */
#include "hmac.h"

/* The documented body is ~90 bytes; 4 KiB leaves room for extra fields. */
#define WEBHOOK_MAX_BODY	4096

enum webhook_status {
	WEBHOOK_OK = 0,
	WEBHOOK_NO_KEY,		/* no BUNNY_WEBHOOK_KEY configured: refuse all */
	WEBHOOK_BAD_VERSION,	/* signature version header missing or not v1 */
	WEBHOOK_BAD_ALGORITHM,	/* algorithm header missing or not hmac-sha256 */
	WEBHOOK_BAD_SIGNATURE,	/* missing, malformed or wrong signature */
	WEBHOOK_TOO_LARGE,	/* body longer than WEBHOOK_MAX_BODY */
};

struct webhook_event {
	long long	library_id;	/* VideoLibraryId, >= 0 */
	char		guid[GUID_LEN + 1];	/* VideoGuid, lowercase UUID, NUL-terminated */
	int		status;		/* Status, 0..255 (0 Queued … 10 …) */
};

/*
 * Checks a webhook's signature headers and the HMAC of body (len bytes).
 * Any header pointer may be NULL (header absent).  key is the library's
 * read-only API key prepared with hmac_key_init(); NULL (no key configured)
 * refuses everything.  The MAC is compared in constant time (decoded bytes,
 * fixed 32-byte length).  Returns WEBHOOK_OK only for an authentic body.
 */
enum webhook_status webhook_verify(const struct hmac_key *key,
	    const char *version, const char *algorithm, const char *signature,
	    const void *body, size_t len);

/*
 * Parses a verified body strictly: one flat JSON object; VideoLibraryId (a
 * non-negative integer), VideoGuid (a UUID string) and Status (an integer
 * 0..255) are required and appear once each; other members are allowed only
 * with scalar values and are ignored.  No nesting, no trailing bytes.
 * Returns 0 and fills ev, or -1 with a message in err.
 */
int	webhook_parse(const char *body, size_t len, struct webhook_event *ev,
	    char *err, size_t errlen);

/*
 * 1 when a video in this Status can change the published site, so a rebuild
 * is worth recording: 3 Finished, 4 Resolution finished (the first one makes
 * it playable), 5 Failed, 9 Captions generated, 10 Title or description
 * generated, and any status added after these.  0 for the steps on the way
 * (0 Queued, 1 Processing, 2 Encoding, 6-8 presigned upload), which would
 * only cause rebuilds that change nothing.
 */
int	webhook_status_rebuilds(int status);

/*
 * Replays.  The signature covers the body only (no timestamp, no nonce), so
 * a captured call stays valid forever.  The verifier remembers the SHA-256
 * of the last WEBHOOK_SEEN_SLOTS accepted bodies (a fixed ring: bounded
 * memory, the oldest forgotten first); the same body again within
 * WEBHOOK_REPLAY_WINDOW seconds is acknowledged but triggers nothing.
 * Bunny's own calls for one video differ in Status, so only a resent copy
 * matches.
 */
#define WEBHOOK_SEEN_SLOTS	256
#define WEBHOOK_REPLAY_WINDOW	600	/* seconds */

struct webhook_seen {
	unsigned char	digest[32];
	double		at;	/* monotonic seconds when accepted */
	int		used;
};

struct webhook_replay {
	struct webhook_seen	slot[WEBHOOK_SEEN_SLOTS];
	size_t			next;	/* slot the next body goes to */
};

/* SHA-256 of the body, the ring's key. */
void	webhook_digest(const void *body, size_t len, unsigned char digest[32]);

/* 1 when digest was accepted less than WEBHOOK_REPLAY_WINDOW seconds
 * before now (monotonic), else 0.  Changes nothing. */
int	webhook_seen(const struct webhook_replay *r,
	    const unsigned char digest[32], double now);

/* Remembers digest as accepted at now, over the oldest slot.  Call it only
 * once the call was handled (a failed one must stay retryable). */
void	webhook_remember(struct webhook_replay *r,
	    const unsigned char digest[32], double now);

/*
 * Records that a rebuild is wanted: writes one JSON line
 * {"VideoLibraryId":…,"VideoGuid":"…","Status":…,"ReceivedAt":now}
 * to a temporary file beside path and renames it over path, so a reader sees
 * the old record or the new one, never a partial one.
 * Returns 0, or -1 with a message in err.
 */
int	webhook_record(const char *path, const struct webhook_event *ev,
	    long long now, char *err, size_t errlen);

#endif
