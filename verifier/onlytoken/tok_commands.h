/*
 * tok_commands.h — the sub-commands of bin/onlytoken and the plumbing they
 * share: the context (store path, keys), the options every command takes,
 * keys and store opening, and the output quoting.
 *
 * Each command parses its own options (getopt_long from argv[0] = the
 * command's name), prints its answer on stdout and its errors on stderr,
 * and returns the process exit code: 0 ok, 1 failure (or `check` denied),
 * 2 usage error (EXIT_USAGE).
 */
#ifndef ONLY_TOK_COMMANDS_H
#define ONLY_TOK_COMMANDS_H

#include <getopt.h>
#include <stdio.h>

#include <sqlite3.h>

#include "hmac.h"
#include "keys.h"

#define EXIT_USAGE	2

struct tok_ctx {
	const char	*db;		/* --db, var/tokens.db */
	const char	*keys_path;	/* --keys, var/verifier.keys */
	struct keys	 keys;		/* filled by tok_load_keys; main wipes it */
	struct hmac_key	 secret;	/* the code-hashing key; main wipes it */
	struct hmac_key	 marks;		/* logmark_key(secret): the log's ids; main wipes it */
};

/* The long options every command takes; each command's table ends with it. */
#define TOK_COMMON_OPTS \
	{ "db", required_argument, NULL, 'D' }, \
	{ "keys", required_argument, NULL, 'K' }, \
	{ "help", no_argument, NULL, 'h' }

/* Applies --db or --keys: 0; anything else prints the usage: EXIT_USAGE. */
int	tok_common_opt(struct tok_ctx *c, int ch);
void	tok_usage(FILE *f);

/* Loads and checks the keys for serving, keys the code hash: 0, or -1
 * with the reason on stderr. */
int	tok_load_keys(struct tok_ctx *c);
/* Warns on stderr when path (or its -wal, -shm) is world-readable. */
void	tok_warn_world_readable(const char *path);
/* The code store, read-write, created 0640 when missing (warns when
 * world-readable); NULL with err filled. Close with tstore_close_rw. */
sqlite3	*tok_open_store(const struct tok_ctx *c, char *err, size_t errlen);
/* s as a decimal in [lo, hi]: 0, or -1 (out untouched). */
int	tok_parse_long(const char *s, long lo, long hi, long *out);

/* s as a JSON string, as a CSV field (both quoted). */
void	tok_json_str(FILE *f, const char *s);
void	tok_csv_str(FILE *f, const char *s);
/* The short id `list` and `check` print: the hash's first 6 bytes in hex. */
void	tok_hexid(const unsigned char *h, char out[13]);
/* The code id the access log carries for a stored hash (X-Only-Code,
 * logmark.h), from c->marks (tok_load_keys). */
void	tok_log_id(const struct tok_ctx *c, const unsigned char *h, char out[13]);

int	cmd_mint(struct tok_ctx *c, int argc, char *argv[]);
int	cmd_list(struct tok_ctx *c, int argc, char *argv[]);
int	cmd_revoke(struct tok_ctx *c, int argc, char *argv[]);
int	cmd_check(struct tok_ctx *c, int argc, char *argv[]);
/* `check e2.…` (cmd_check_cookie.c), once cmd_check has loaded the keys */
int	cmd_check_cookie(struct tok_ctx *c, const char *in, const char *video,
	    const char *access_db);
int	cmd_import_legacy(struct tok_ctx *c, int argc, char *argv[]);
int	cmd_sign(struct tok_ctx *c, int argc, char *argv[]);

#endif
