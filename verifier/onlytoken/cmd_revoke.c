/*
 * cmd_revoke.c — `onlytoken revoke CODE`: marks the code revoked; the
 * verifier refuses it (and every cookie entry it unlocked) from the next
 * request on.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "code.h"
#include "tok_commands.h"
#include "token_store.h"

int
cmd_revoke(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = { TOK_COMMON_OPTS, { NULL, 0, NULL, 0 } };
	char code[CODE_BUFSZ], err[300];
	unsigned char hash[HMAC_LEN];
	enum code_err ce;
	sqlite3 *db;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if ((r = tok_common_opt(c, ch)) != 0)
			return r;
	if (optind + 1 != argc) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	if (tok_load_keys(c) != 0)
		return 1;
	if ((ce = code_normalise(argv[optind], strlen(argv[optind]), c->keys.prefix,
	    code)) != CODE_OK) {
		fprintf(stderr, "onlytoken revoke: %s\n", code_strerror(ce));
		return 1;
	}
	if ((db = tok_open_store(c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	tstore_code_hash(&c->secret, code, hash);
	r = tstore_revoke(db, hash, time(NULL));
	if (r < 0)
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
	else if (r == 0)
		fprintf(stderr, "onlytoken revoke: %s is not stored or already revoked\n", code);
	else
		printf("revoked %s\n", code);
	tstore_close_rw(db);
	return r == 1 ? 0 : 1;
}
