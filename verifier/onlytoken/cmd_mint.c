/*
 * cmd_mint.c — `onlytoken mint --level vip|ppv|public [--video GUID]
 * [--days N] [--count N] [--note TEXT] [--json | --csv]`: draws new codes,
 * stores their hashes in one transaction, prints the codes (the only time
 * they exist in clear).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "code.h"
#include "tok_commands.h"
#include "token_store.h"

#define MINT_MAX	10000

int
cmd_mint(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "video", required_argument, NULL, 'v' },
		{ "days", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "note", required_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		TOK_COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	const char *level = NULL, *video = NULL, *note = "";
	long days = 365, count = 1, i;
	int fmt = 0, ch, r, ret = 1;
	char code[CODE_BUFSZ], err[300];
	struct token_rec rec;
	sqlite3 *db;
	time_t now = time(NULL);

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'l': level = optarg; break;
		case 'v': video = optarg; break;
		case 'd':
			if (tok_parse_long(optarg, 1, 36500, &days) != 0) {
				fprintf(stderr, "onlytoken: --days takes 1..36500\n");
				return EXIT_USAGE;
			}
			break;
		case 'n':
			if (tok_parse_long(optarg, 1, MINT_MAX, &count) != 0) {
				fprintf(stderr, "onlytoken: --count takes 1..%d\n", MINT_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'N': note = optarg; break;
		case 'j': fmt = 1; break;
		case 'c': fmt = 2; break;
		default: if ((r = tok_common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind != argc || level == NULL || !access_level_known(level)) {
		fprintf(stderr, "onlytoken mint: --level vip, ppv or public is required\n");
		return EXIT_USAGE;
	}
	if ((strcmp(level, "ppv") == 0) != (video != NULL)) {
		fprintf(stderr, "onlytoken mint: --video GUID is required for ppv and only for ppv\n");
		return EXIT_USAGE;
	}
	if (video && !guid_ok(video, strlen(video))) {
		fprintf(stderr, "onlytoken mint: --video must be a lowercase GUID\n");
		return EXIT_USAGE;
	}
	if (strlen(note) > NOTE_MAX) {
		fprintf(stderr, "onlytoken mint: --note longer than %d bytes\n", NOTE_MAX);
		return EXIT_USAGE;
	}
	if (tok_load_keys(c) != 0)
		return 1;
	if ((db = tok_open_store(c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
		goto out;
	}
	if (fmt == 1)
		printf("[");
	else if (fmt == 2)
		printf("code,level,video,expires_at,note\n");
	for (i = 0; i < count; i++) {
		memset(&rec, 0, sizeof(rec));
		snprintf(rec.level, sizeof(rec.level), "%s", level);
		snprintf(rec.video, sizeof(rec.video), "%s", video ? video : "");
		snprintf(rec.note, sizeof(rec.note), "%s", note);
		rec.created_at = now;
		rec.expires_at = now + days * 86400;
		do {	/* a 32-bit collision with a stored code: draw again */
			if (code_mint(c->keys.prefix, code) != 0) {
				fprintf(stderr, "onlytoken: the random generator failed\n");
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
				goto out;
			}
			tstore_code_hash(&c->secret, code, rec.hash);
		} while ((r = tstore_insert(db, &rec, err, sizeof(err))) != 0 &&
		    strstr(err, "already stored") != NULL);
		if (r != 0) {
			fprintf(stderr, "onlytoken: %s\n", err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
		if (fmt == 1) {
			printf("%s{\"code\":\"%s\",\"level\":\"%s\",\"video\":", i ? "," : "",
			    code, level);
			if (video) tok_json_str(stdout, video); else printf("null");
			printf(",\"expires_at\":%" PRId64 ",\"note\":", rec.expires_at);
			tok_json_str(stdout, note);
			printf("}");
		} else if (fmt == 2) {
			printf("%s,%s,%s,%" PRId64 ",", code, level, video ? video : "",
			    rec.expires_at);
			tok_csv_str(stdout, note);
			printf("\n");
		} else
			printf("%s\n", code);
	}
	if (fmt == 1)
		printf("]\n");
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
		goto out;
	}
	ret = fflush(stdout) == 0 ? 0 : 1;
out:
	tstore_close_rw(db);
	return ret;
}
