/*
 * keys.h — the keys file (default var/verifier.keys; docs/architecture.md).
 *
 *   # comment
 *   SECRET_KEY=...          HMAC key of codes and long tokens
 *   BUNNY_TOKEN_KEY=...     the pull zone's URL token authentication key
 *   BUNNY_WEBHOOK_KEY=...   the library's read-only API key: webhook signatures
 *   BUNNY_LIBRARY_ID=12345  the Stream library whose webhooks are accepted
 *                           (the id `onlygen pull` reads from the environment)
 *   CODE_PREFIX=OM43        short-code prefix
 *   COOKIE_SECURE=1         0 for plain-http local use
 *   DEMO=1                  allow the demo's well-known keys
 *
 * Values are the bytes after '=' up to the end of the line (a trailing CR
 * is dropped); nothing is trimmed.  Unknown names are ignored (other parts
 * of the product may add keys).  The file must be a regular file that others
 * cannot read (mode 0600 or 0640).  A struct keys holds secrets: wipe it
 * with keys_wipe().
 */
#ifndef ONLY_KEYS_H
#define ONLY_KEYS_H

#include <stddef.h>

#include "code.h"

#define KEYS_FILE_MAX	16384	/* bytes; a longer file is refused */
#define KEY_MAX		256	/* bytes of one value */
#define KEY_MIN_STRONG	12	/* shorter secrets count as well-known */

/* The demo's published keys (`make run`); refused unless DEMO=1. */
#define DEMO_SECRET_KEY		"onlymatt-demo-secret-key-do-not-use"
#define DEMO_BUNNY_TOKEN_KEY	"onlymatt-demo-bunny-token-key-do-not-use"

struct keys {
	char	secret[KEY_MAX + 1];
	size_t	secret_len;
	char	bunny[KEY_MAX + 1];
	size_t	bunny_len;
	char	webhook[KEY_MAX + 1];	/* "" when not set: webhooks refused */
	size_t	webhook_len;
	long long library_id;		/* BUNNY_LIBRARY_ID; -1 when not set:
					 * webhooks refused */
	char	prefix[CODE_PREFIX_MAX + 1];
	int	cookie_secure;		/* default 1 */
	int	demo;			/* default 0 */
};

/*
 * Reads path into *k (defaults first).  Returns 0, or -1 with a message in
 * err (errlen bytes) saying what is wrong and what to do: missing file,
 * readable by others, too long, malformed line, bad CODE_PREFIX, flag or
 * BUNNY_LIBRARY_ID.
 */
int	keys_load(const char *path, struct keys *k, char *err, size_t errlen);

/*
 * Whether the keys may serve: SECRET_KEY and BUNNY_TOKEN_KEY set, at least
 * KEY_MIN_STRONG bytes, and not one of the well-known values (the demo's,
 * "changeme", ...), unless k->demo.  Returns 0, or -1 with a message.
 */
int	keys_check_serve(const struct keys *k, char *err, size_t errlen);

void	keys_wipe(struct keys *k);

#endif
