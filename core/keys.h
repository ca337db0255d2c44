/*
 * keys.h — the keys file (default var/verifier.keys; docs/architecture.md),
 * read by this one parser in every program: the verifier (verifier.so),
 * onlytoken, and `onlygen build --keys`, which signs image fetches with the
 * BUNNY_TOKEN_KEY the verifier signs play URLs with.
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
 * is dropped); nothing is trimmed.  A name given twice: the last line wins.
 * Unknown names are ignored (other parts of the product may add keys).  The
 * file must be a regular file, not a symbolic link, that others cannot read
 * (mode 0600 or 0640).  A struct keys holds secrets: wipe it with
 * keys_wipe().
 */
#ifndef ONLY_KEYS_H
#define ONLY_KEYS_H

#include <stddef.h>

#include "code_prefix.h"	/* CODE_PREFIX_MAX */

/* Bytes of the whole file: a few keys and comments need far less; the file
 * is read into a stack buffer that is wiped afterwards. */
#define KEYS_FILE_MAX	16384
/* Bytes of one value: a 64-hex-digit secret (openssl rand -hex 32) or a
 * Bunny key (36 bytes) fits many times over. */
#define KEY_MAX		256
/* Secrets shorter than this count as well-known: 12 bytes is the least that
 * a person typing a "password" rarely reaches and any generated key does. */
#define KEY_MIN_STRONG	12

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

/*
 * Whether the keys may sign CDN requests (`onlygen build --keys`): a
 * BUNNY_TOKEN_KEY that is set must pass the same test as for serving (at
 * least KEY_MIN_STRONG bytes, not well-known, unless k->demo).  An unset
 * key passes: the build then fetches unsigned.  Returns 0, or -1 with a
 * message.
 */
int	keys_check_sign(const struct keys *k, char *err, size_t errlen);

void	keys_wipe(struct keys *k);

#endif
