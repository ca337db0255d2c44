/*
 * bunny_sign.h — Bunny CDN URL token authentication, current HS256 scheme
 * (shared/reference/bunny.md §4.3), as a pure function usable from both the
 * verifier and the generator (thumbnail URLs).
 *
 *   token = "HS256-" [ "1-" ] b64url(HMAC-SHA256(key,
 *             signature_path || expires || ip_bytes || signing_data))
 *   signature_path = token_path if set, else the URL path (as on the wire)
 *   signing_data   = the URL's query parameters plus token_countries,
 *                    token_countries_blocked, limit and token_path, sorted
 *                    byte-wise by key, "k=v" joined by '&', values raw;
 *                    with ignore_params: token_ignore_params=true (+ token_path)
 *   ip_bytes       = 4 bytes (IPv4) or 16 bytes with the last 8 zeroed (IPv6)
 *
 *   query form:      scheme://host/path?token=T[&k=enc(v)...]&expires=E
 *   directory form:  scheme://host/bcdn_token=T[&k=enc(v)...]&expires=E/path
 *
 * No allocation, no I/O, no global state: the caller passes the output
 * buffer.  Paths with bytes outside printable ASCII, or with ' ', '"', '#',
 * '<', '>', '\\', '^', '`', '{', '|', '}', are refused.
 */
#ifndef ONLY_BUNNY_SIGN_H
#define ONLY_BUNNY_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "hmac.h"

#define BUNNY_URL_MAX		4096	/* longest input or output URL */
#define BUNNY_PARAMS_MAX	16	/* query parameters, signed ones included */

struct bunny_sign_req {
	const char		*url;		/* absolute http(s) URL to sign */
	const void		*key;		/* the pull zone's token key ... */
	size_t			 key_len;	/* ... and its length in bytes */
	const struct hmac_key	*hkey;		/* or: pre-keyed (then key unused) */
	int64_t			 expires;	/* absolute Unix seconds */
	const char		*token_path;	/* NULL/"": none */
	int			 directory;	/* 1: path-embedded form */
	const char		*ip;		/* NULL/"": none; dotted v4 or v6 text */
	const char		*countries;	/* NULL/"": token_countries */
	const char		*countries_blocked;
	int64_t			 speed_limit;	/* kB/s; 0: none */
	int			 ignore_params;
};

/*
 * Signs req->url into out (cap bytes, NUL-terminated).  Returns the length
 * of the signed URL, or -1 when an input is malformed (not http(s), bad
 * path byte, duplicate or too many query parameters, unparsable IP, empty
 * key, negative expires) or the result does not fit.
 */
int	bunny_sign_url(const struct bunny_sign_req *req, char *out, size_t cap);

/*
 * Writes "scheme://host" for a CDN host ("host" or "host:port") into out,
 * the scheme by the core's one rule (core/cdn_host.h: http for a loopback
 * host, https otherwise).  Returns the length, or -1 when host is not a
 * CDN host by that rule or the result does not fit.
 */
int	bunny_cdn_base(const char *host, char *out, size_t cap);

#endif
