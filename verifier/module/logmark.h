/*
 * logmark.h — what the verifier tells lighttpd's access log about an
 * answer of /api/play/<guid> and /api/redeem (docs/stats.md): response
 * headers mod_accesslog records with %{...}o, and `onlygen stats` counts.
 *
 *   X-Only-Access  public | vip | ppv (what was granted) or denied
 *   X-Only-Video   the video's GUID (play; a redeem's PPV video or the page
 *                  the code was typed on)
 *   X-Only-Code    a redeemed code's id: 12 hex digits of HMAC(K, "c" ||
 *                  the code's store hash), K derived from SECRET_KEY.  Not
 *                  the code, not its hash in tokens.db, not a key: the log
 *                  alone neither redeems anything nor names the code.
 *   X-Only-Viewer  12 hex digits of HMAC(K, "v" || the viewer's address cut
 *                  to its /24 (IPv4) or /48 (IPv6)): distinct devices, counted
 *                  approximately, without an address in the log.
 *
 * The viewer receives these headers too (lighttpd cannot strip a header
 * after logging it): each says only what that viewer already knows (the
 * level they were given, the code they typed, the video they asked for);
 * an id is useless without K, which never leaves the verifier.
 */
#ifndef ONLY_LOGMARK_H
#define ONLY_LOGMARK_H

#include <stddef.h>

#include "logid.h"	/* logmark_key, logmark_id: shared with onlytoken */

/* The viewer's id from the address text; "" when ip is NULL or not an address. */
void	logmark_viewer(const struct hmac_key *k, const char *ip,
	    char out[LOGMARK_ID_LEN + 1]);

#endif
