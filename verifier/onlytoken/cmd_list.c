/*
 * cmd_list.c — `onlytoken list [--level L] [--video GUID] [--expired |
 * --unexpired] [--revoked | --active] [--json]`: the stored codes (their
 * short ids; no code is stored in clear), one line or one JSON object each,
 * with each code's log id: the X-Only-Code the access log and `onlygen
 * stats` show for it, which `revoke --log-id` takes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tok_commands.h"
#include "token_store.h"

struct list_arg {
	const struct tok_ctx	*c;
	int			 json;
	long			 n;
};

static void
list_row(const struct token_rec *r, void *varg)
{
	struct list_arg *a = varg;
	char id[13], log[13];

	tok_hexid(r->hash, id);
	tok_log_id(a->c, r->hash, log);
	if (a->json) {
		printf("%s{\"id\":\"%s\",\"log_id\":\"%s\",\"level\":\"%s\",\"video\":",
		    a->n ? "," : "", id, log, r->level);
		if (r->video[0]) tok_json_str(stdout, r->video); else printf("null");
		printf(",\"created_at\":%" PRId64 ",\"expires_at\":%" PRId64
		    ",\"revoked_at\":", r->created_at, r->expires_at);
		if (r->revoked_at) printf("%" PRId64, r->revoked_at); else printf("null");
		printf(",\"note\":");
		tok_json_str(stdout, r->note);
		printf("}");
	} else {
		printf("%s  log %s  %-6s  %-36s  created %" PRId64 "  expires %" PRId64 "%s  ",
		    id, log, r->level, r->video[0] ? r->video : "-", r->created_at,
		    r->expires_at, r->revoked_at ? "  REVOKED" : "");
		/* the note is the operator's own text; keep it on one line */
		for (const char *s = r->note; *s; s++)
			putchar((unsigned char)*s < 0x20 ? ' ' : *s);
		putchar('\n');
	}
	a->n++;
}

int
cmd_list(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "video", required_argument, NULL, 'v' },
		{ "expired", no_argument, NULL, 'e' },
		{ "unexpired", no_argument, NULL, 'u' },
		{ "revoked", no_argument, NULL, 'r' },
		{ "active", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		TOK_COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	struct tstore_filter f;
	struct list_arg a = { c, 0, 0 };
	char err[300];
	sqlite3 *db;
	long n;
	int ch, r;

	memset(&f, 0, sizeof(f));
	f.now = time(NULL);
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'l': f.level = optarg; break;
		case 'v': f.video = optarg; break;
		case 'e': f.expired = 1; break;
		case 'u': f.expired = -1; break;
		case 'r': f.revoked = 1; break;
		case 'a': f.revoked = -1; break;
		case 'j': a.json = 1; break;
		default: if ((r = tok_common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind != argc || (f.level && !access_level_known(f.level))) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	if (tok_load_keys(c) != 0)	/* the log ids are keyed */
		return 1;
	if ((db = tok_open_store(c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	if (a.json)
		printf("[");
	n = tstore_list(db, &f, list_row, &a);
	if (a.json)
		printf("]\n");
	if (n < 0)
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
	tstore_close_rw(db);
	return n < 0 ? 1 : 0;
}
