/*
 * cmd_import_legacy.c — `onlytoken import-legacy FILE [--curator DB]`:
 * stores the old system's codes (its tokens table, as a SQLite file or a
 * CSV with a header) in one transaction; a row that cannot be imported is
 * skipped with its reason on stderr, and any skip makes the exit 1.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "code.h"
#include "legacy_codes.h"
#include "tok_commands.h"
#include "token_store.h"

struct import_arg {
	struct tok_ctx	*c;
	sqlite3		*db;
	const char	*curator;
	long		 ok, skipped;
	time_t		 now;
};

static int
import_row(const struct legacy_row *lr, void *varg)
{
	struct import_arg *a = varg;
	struct token_rec rec;
	char code[CODE_BUFSZ], err[300];
	enum code_err ce;
	int r;

	memset(&rec, 0, sizeof(rec));
	if ((ce = code_normalise(lr->code, strlen(lr->code), a->c->keys.prefix,
	    code)) != CODE_OK) {
		fprintf(stderr, "onlytoken import-legacy: row %ld: %s; skipped\n",
		    lr->line, code_strerror(ce));
		goto skip;
	}
	if (!access_level_known(lr->level)) {
		fprintf(stderr, "onlytoken import-legacy: row %ld (%s): access_level "
		    "'%.20s' is not public, vip or ppv; skipped\n", lr->line, code, lr->level);
		goto skip;
	}
	memcpy(rec.level, lr->level, strlen(lr->level) + 1);	/* checked: <= 6 bytes */
	if (strcmp(lr->level, "ppv") == 0) {
		if (a->curator == NULL) {
			fprintf(stderr, "onlytoken import-legacy: row %ld (%s): ppv needs "
			    "--curator DB to map video_id to a GUID; skipped\n", lr->line, code);
			goto skip;
		}
		if ((r = legacy_video_guid(a->curator, lr->video_id, rec.video, err,
		    sizeof(err))) != 1) {
			fprintf(stderr, "onlytoken import-legacy: row %ld (%s): %s; skipped\n",
			    lr->line, code, r == 0 ? "video_id not in the curator database" : err);
			goto skip;
		}
	}
	if (iso8601_parse(lr->expires_at, &rec.expires_at) != 0) {
		fprintf(stderr, "onlytoken import-legacy: row %ld (%s): expires_at "
		    "'%.40s' is not ISO-8601; skipped\n", lr->line, code, lr->expires_at);
		goto skip;
	}
	if (iso8601_parse(lr->created_at, &rec.created_at) != 0)
		rec.created_at = a->now;
	snprintf(rec.note, sizeof(rec.note), "imported from the old system");
	tstore_code_hash(&a->c->secret, code, rec.hash);
	if (tstore_insert(a->db, &rec, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlytoken import-legacy: row %ld (%s): %s; skipped\n",
		    lr->line, code, err);
		goto skip;
	}
	a->ok++;
	return 0;
skip:
	a->skipped++;
	return 0;
}

int
cmd_import_legacy(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "curator", required_argument, NULL, 'C' },
		TOK_COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	struct import_arg a;
	char err[300];
	long n;
	int ch, r;

	memset(&a, 0, sizeof(a));
	a.c = c;
	a.now = time(NULL);
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'C')
			a.curator = optarg;
		else if ((r = tok_common_opt(c, ch)) != 0)
			return r;
	}
	if (optind + 1 != argc) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	if (tok_load_keys(c) != 0)
		return 1;
	if ((a.db = tok_open_store(c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	sqlite3_exec(a.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	n = legacy_read(argv[optind], import_row, &a, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "onlytoken import-legacy: %s\n", err);
		sqlite3_exec(a.db, "ROLLBACK", NULL, NULL, NULL);
		tstore_close_rw(a.db);
		return 1;
	}
	if (sqlite3_exec(a.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(a.db));
		tstore_close_rw(a.db);
		return 1;
	}
	tstore_close_rw(a.db);
	printf("imported %ld, skipped %ld\n", a.ok, a.skipped);
	return a.skipped ? 1 : 0;
}
