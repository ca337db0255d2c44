/*
 * cmd_revoke.c — `onlytoken revoke CODE` and `onlytoken revoke --log-id
 * ID`: marks the code revoked; the verifier refuses it (and every cookie
 * entry it unlocked) from the next request on.  --log-id takes the id the
 * access log and `onlygen stats` show (X-Only-Code, logmark.h), for a code
 * the creator no longer has in clear: the one unrevoked row whose log id
 * is ID; none is an error, and so are two (48 bits: refused, both listed).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "code.h"
#include "logid.h"
#include "tok_commands.h"
#include "token_store.h"

#define MATCH_MAX	8	/* matches remembered to list (more are counted) */

struct by_log {
	const struct tok_ctx	*c;
	char			 want[LOGMARK_ID_LEN + 1];
	struct token_rec	 hit[MATCH_MAX];
	size_t			 n;
};

static void
match(const struct token_rec *r, void *varg)
{
	struct by_log *b = varg;
	char log[LOGMARK_ID_LEN + 1];

	tok_log_id(b->c, r->hash, log);
	if (strcmp(log, b->want) != 0)
		return;
	if (b->n < MATCH_MAX)
		b->hit[b->n] = *r;
	b->n++;
}

/* ID as 12 hex digits, lowercased into out: 0, or -1. */
static int
parse_log_id(const char *s, char out[LOGMARK_ID_LEN + 1])
{
	size_t i;

	if (strlen(s) != LOGMARK_ID_LEN)
		return -1;
	for (i = 0; i < LOGMARK_ID_LEN; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[LOGMARK_ID_LEN] = '\0';
	return 0;
}

static int
revoke_log_id(struct tok_ctx *c, sqlite3 *db, const char *id)
{
	struct tstore_filter f;
	struct by_log *b;
	char sid[13];
	size_t i;
	long n;
	int r;

	memset(&f, 0, sizeof(f));
	f.revoked = -1;
	f.now = time(NULL);
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		fprintf(stderr, "onlytoken revoke: out of memory\n");
		return -1;
	}
	b->c = c;
	if (parse_log_id(id, b->want) != 0) {
		fprintf(stderr, "onlytoken revoke: --log-id wants 12 hex digits "
		    "(the X-Only-Code of the access log, `onlytoken list`'s log id)\n");
		free(b);
		return -1;
	}
	if ((n = tstore_list(db, &f, match, b)) < 0) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
		free(b);
		return -1;
	}
	if (b->n == 0) {
		fprintf(stderr, "onlytoken revoke: no unrevoked code has log id %s "
		    "(%ld unrevoked codes)\n", b->want, n);
		r = 0;
	} else if (b->n > 1) {
		fprintf(stderr, "onlytoken revoke: %zu unrevoked codes have log id %s; "
		    "none revoked (revoke CODE instead):\n", b->n, b->want);
		for (i = 0; i < b->n && i < MATCH_MAX; i++) {
			tok_hexid(b->hit[i].hash, sid);
			fprintf(stderr, "  %s  %s  %s\n", sid, b->hit[i].level,
			    b->hit[i].video[0] ? b->hit[i].video : "-");
		}
		r = 0;
	} else if ((r = tstore_revoke(db, b->hit[0].hash, time(NULL))) < 0)
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
	else if (r == 0)
		fprintf(stderr, "onlytoken revoke: log id %s was revoked meanwhile\n", b->want);
	else {
		tok_hexid(b->hit[0].hash, sid);
		printf("revoked log id %s (id %s, %s)\n", b->want, sid, b->hit[0].level);
	}
	free(b);
	return r;
}

int
cmd_revoke(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "log-id", required_argument, NULL, 'L' },
		TOK_COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	const char *log_id = NULL;
	char code[CODE_BUFSZ], err[300];
	unsigned char hash[HMAC_LEN];
	enum code_err ce;
	sqlite3 *db;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'L')
			log_id = optarg;
		else if ((r = tok_common_opt(c, ch)) != 0)
			return r;
	}
	if (optind + (log_id == NULL) != argc) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	if (tok_load_keys(c) != 0)
		return 1;
	if (log_id != NULL) {
		if ((db = tok_open_store(c, err, sizeof(err))) == NULL) {
			fprintf(stderr, "onlytoken: %s\n", err);
			return 1;
		}
		r = revoke_log_id(c, db, log_id);
		tstore_close_rw(db);
		return r == 1 ? 0 : 1;
	}
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
