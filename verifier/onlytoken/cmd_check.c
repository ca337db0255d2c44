/*
 * cmd_check.c — `onlytoken check CODE_OR_TOKEN_OR_COOKIE [--video GUID]
 * [--access-db PATH]`: prints what the input is, the code's row, and the
 * decision the verifier would make and why; exit 0 when it would allow
 * (or, without --video, when the code is valid).  A device cookie is
 * handed to cmd_check_cookie.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access_table.h"
#include "code.h"
#include "entitlements.h"
#include "legacy_token.h"
#include "tok_commands.h"
#include "token_store.h"

int
cmd_check(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "video", required_argument, NULL, 'v' },
		{ "access-db", required_argument, NULL, 'A' },
		TOK_COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	const char *video = NULL, *access_db = "var/access.db", *in;
	char code[CODE_BUFSZ], err[300];
	unsigned char hash[HMAC_LEN];
	struct token_rec rec;
	struct access_row row;
	struct ltoken lt;
	enum ltoken_err le;
	sqlite3 *db = NULL, *adb = NULL;
	sqlite3_stmt *st = NULL;
	time_t now = time(NULL);
	int ch, r, ret = 1;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'v': video = optarg; break;
		case 'A': access_db = optarg; break;
		default: if ((r = tok_common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind + 1 != argc) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	in = argv[optind];
	if (tok_load_keys(c) != 0)
		return 1;
	if (strncmp(in, ENTS_TAG, ENTS_TAG_LEN) == 0)
		return cmd_check_cookie(c, in, video, access_db);
	if (code_normalise(in, strlen(in), c->keys.prefix, code) == CODE_OK) {
		printf("input: short code %s\n", code);
	} else if ((le = ltoken_verify(&c->secret, in, strlen(in), &lt)) == LTOKEN_OK) {
		printf("input: long token for %s, expires %" PRId64 "\n", lt.code, lt.exp);
		if (lt.exp <= (int64_t)now) {
			printf("decision: deny (expired: the token expired at %" PRId64 ")\n", lt.exp);
			return 1;
		}
		if (code_normalise(lt.code, strlen(lt.code), c->keys.prefix, code) != CODE_OK) {
			printf("decision: deny (unauthorized: the token's code has the wrong shape)\n");
			return 1;
		}
	} else {
		printf("decision: deny (unauthorized: neither a code nor a valid token: %s)\n",
		    ltoken_strerror(le));
		return 1;
	}
	if ((db = tok_open_store(c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	if (sqlite3_prepare_v2(db, TSTORE_LOOKUP_SQL, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
		goto out;
	}
	tstore_code_hash(&c->secret, code, hash);
	if ((r = tstore_lookup(st, hash, &rec)) < 0) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
		goto out;
	}
	if (r == 0) {
		printf("decision: deny (unauthorized: no such code in %s)\n", c->db);
		goto out;
	}
	printf("code: level %s, video %s, expires %" PRId64 ", revoked %s\n", rec.level,
	    rec.video[0] ? rec.video : "-", rec.expires_at, rec.revoked_at ? "yes" : "no");
	if (rec.revoked_at) {
		printf("decision: deny (revoked at %" PRId64 ")\n", rec.revoked_at);
		goto out;
	}
	if (rec.expires_at <= (int64_t)now) {
		printf("decision: deny (expired at %" PRId64 ")\n", rec.expires_at);
		goto out;
	}
	if (video == NULL) {
		printf("decision: valid\n");
		ret = 0;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	tok_warn_world_readable(access_db);
	if (sqlite3_open_v2(access_db, &adb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(adb, ACCESS_LOOKUP_SQL, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "onlytoken: %s: %s (use --access-db)\n", access_db,
		    sqlite3_errmsg(adb));
		goto out;
	}
	if ((r = access_lookup(st, video, &row)) <= 0) {
		printf("decision: deny (not_found: %s is not in %s)\n", video, access_db);
		goto out;
	}
	if (strcmp(row.access, "public") == 0 || strcmp(rec.level, "vip") == 0 ||
	    (strcmp(rec.level, "ppv") == 0 && strcmp(rec.video, video) == 0)) {
		printf("decision: allow (video is %s, code is %s)\n", row.access, rec.level);
		ret = 0;
	} else
		printf("decision: deny (not_entitled: video is %s, code is %s%s%s)\n",
		    row.access, rec.level, rec.video[0] ? " for " : "", rec.video);
out:
	sqlite3_finalize(st);
	sqlite3_close(adb);
	tstore_close_rw(db);
	return ret;
}
