/*
 * onlytoken.c — bin/onlytoken: mint, list, revoke and check access codes,
 * import the old system's codes, and sign CDN URLs as the verifier does.
 *
 *   onlytoken mint --level vip|ppv|public [--video GUID] [--days N]
 *                  [--count N] [--note TEXT] [--json | --csv]
 *   onlytoken list [--level L] [--video GUID] [--expired | --unexpired]
 *                  [--revoked | --active] [--json]
 *   onlytoken revoke CODE
 *   onlytoken check CODE_OR_TOKEN [--video GUID] [--access-db PATH]
 *   onlytoken import-legacy FILE [--curator DB]     (SQLite file or CSV)
 *   onlytoken sign URL [--expires UNIX | --hours N] [--token-path PATH]
 *                  [--directory] [--ip ADDR] [--key-file FILE]
 * Everywhere: --db PATH (var/tokens.db), --keys PATH (var/verifier.keys).
 * Exit: 0 ok, 1 failure (or `check` denied), 2 usage error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access_table.h"
#include "bunny_sign.h"
#include "code.h"
#include "entitlements.h"
#include "keys.h"
#include "legacy_codes.h"
#include "legacy_token.h"
#include "store_file.h"
#include "token_store.h"

#define EXIT_USAGE	2
#define MINT_MAX	10000

struct ctx {
	const char	*db;
	const char	*keys_path;
	struct keys	 keys;
	struct hmac_key	 secret;
};

static void
usage(FILE *f)
{
	fputs("usage: onlytoken mint --level vip|ppv|public [--video GUID] [--days N]\n"
	    "                      [--count N] [--note TEXT] [--json|--csv]\n"
	    "       onlytoken list [--level L] [--video GUID] [--expired|--unexpired]\n"
	    "                      [--revoked|--active] [--json]\n"
	    "       onlytoken revoke CODE\n"
	    "       onlytoken check CODE_OR_TOKEN_OR_COOKIE [--video GUID] [--access-db PATH]\n"
	    "       onlytoken import-legacy FILE [--curator DB]\n"
	    "       onlytoken sign URL [--expires UNIX|--hours N] [--token-path PATH]\n"
	    "                      [--directory] [--ip ADDR] [--key-file FILE]\n"
	    "options everywhere: --db PATH (var/tokens.db), --keys PATH (var/verifier.keys)\n",
	    f);
}

static int
load_keys(struct ctx *c)
{
	char err[300];

	if (keys_load(c->keys_path, &c->keys, err, sizeof(err)) != 0 ||
	    keys_check_serve(&c->keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return -1;
	}
	hmac_key_init(&c->secret, c->keys.secret, c->keys.secret_len);
	return 0;
}

/* Warns when a store (or its -wal, -shm) can be read by every user: the
 * code hashes and notes are for the owner and lighttpd's group only. */
static void
warn_world_readable(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[4096];
	mode_t mode;
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, suffix[i]) <
		    sizeof(p) && store_file_world_readable(p, &mode))
			fprintf(stderr, "onlytoken: warning: %s is readable by every "
			    "user (mode %04o); make it 0640 with lighttpd's group: "
			    "chmod o= %s\n", p, (unsigned)mode, p);
}

/* The code store, read-write, created 0640 when missing. */
static sqlite3 *
open_store(const struct ctx *c, char *err, size_t errlen)
{
	warn_world_readable(c->db);
	return tstore_open_rw(c->db, err, errlen);
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void
csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Shared long options; each command adds its own. */
#define COMMON_OPTS \
	{ "db", required_argument, NULL, 'D' }, \
	{ "keys", required_argument, NULL, 'K' }, \
	{ "help", no_argument, NULL, 'h' }

static int
common_opt(struct ctx *c, int ch)
{
	switch (ch) {
	case 'D': c->db = optarg; return 0;
	case 'K': c->keys_path = optarg; return 0;
	default: usage(stderr); return EXIT_USAGE;
	}
}

static int
cmd_mint(struct ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "video", required_argument, NULL, 'v' },
		{ "days", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "note", required_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		COMMON_OPTS, { NULL, 0, NULL, 0 }
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
			if (parse_long(optarg, 1, 36500, &days) != 0) {
				fprintf(stderr, "onlytoken: --days takes 1..36500\n");
				return EXIT_USAGE;
			}
			break;
		case 'n':
			if (parse_long(optarg, 1, MINT_MAX, &count) != 0) {
				fprintf(stderr, "onlytoken: --count takes 1..%d\n", MINT_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'N': note = optarg; break;
		case 'j': fmt = 1; break;
		case 'c': fmt = 2; break;
		default: if ((r = common_opt(c, ch)) != 0) return r;
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
	if (load_keys(c) != 0)
		return 1;
	if ((db = open_store(c, err, sizeof(err))) == NULL) {
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
			if (video) json_str(stdout, video); else printf("null");
			printf(",\"expires_at\":%" PRId64 ",\"note\":", rec.expires_at);
			json_str(stdout, note);
			printf("}");
		} else if (fmt == 2) {
			printf("%s,%s,%s,%" PRId64 ",", code, level, video ? video : "",
			    rec.expires_at);
			csv_str(stdout, note);
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

static void
hexid(const unsigned char *h, char out[13])
{
	int i;

	for (i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

struct list_arg {
	int	json;
	long	n;
};

static void
list_row(const struct token_rec *r, void *varg)
{
	struct list_arg *a = varg;
	char id[13];

	hexid(r->hash, id);
	if (a->json) {
		printf("%s{\"id\":\"%s\",\"level\":\"%s\",\"video\":", a->n ? "," : "",
		    id, r->level);
		if (r->video[0]) json_str(stdout, r->video); else printf("null");
		printf(",\"created_at\":%" PRId64 ",\"expires_at\":%" PRId64
		    ",\"revoked_at\":", r->created_at, r->expires_at);
		if (r->revoked_at) printf("%" PRId64, r->revoked_at); else printf("null");
		printf(",\"note\":");
		json_str(stdout, r->note);
		printf("}");
	} else {
		printf("%s  %-6s  %-36s  created %" PRId64 "  expires %" PRId64 "%s  ",
		    id, r->level, r->video[0] ? r->video : "-", r->created_at,
		    r->expires_at, r->revoked_at ? "  REVOKED" : "");
		/* the note is the operator's own text; keep it on one line */
		for (const char *s = r->note; *s; s++)
			putchar((unsigned char)*s < 0x20 ? ' ' : *s);
		putchar('\n');
	}
	a->n++;
}

static int
cmd_list(struct ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "video", required_argument, NULL, 'v' },
		{ "expired", no_argument, NULL, 'e' },
		{ "unexpired", no_argument, NULL, 'u' },
		{ "revoked", no_argument, NULL, 'r' },
		{ "active", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	struct tstore_filter f;
	struct list_arg a = { 0, 0 };
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
		default: if ((r = common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind != argc || (f.level && !access_level_known(f.level))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((db = open_store(c, err, sizeof(err))) == NULL) {
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

static int
cmd_revoke(struct ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = { COMMON_OPTS, { NULL, 0, NULL, 0 } };
	char code[CODE_BUFSZ], err[300];
	unsigned char hash[HMAC_LEN];
	enum code_err ce;
	sqlite3 *db;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if ((r = common_opt(c, ch)) != 0)
			return r;
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_keys(c) != 0)
		return 1;
	if ((ce = code_normalise(argv[optind], strlen(argv[optind]), c->keys.prefix,
	    code)) != CODE_OK) {
		fprintf(stderr, "onlytoken revoke: %s\n", code_strerror(ce));
		return 1;
	}
	if ((db = open_store(c, err, sizeof(err))) == NULL) {
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

/* The access level of video in access_db: 1 found (row filled), 0 not, -1 error. */
static int
video_row(const char *access_db, const char *video, struct access_row *row)
{
	sqlite3 *adb = NULL;
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_open_v2(access_db, &adb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(adb, ACCESS_LOOKUP_SQL, -1, &st, NULL) != SQLITE_OK)
		fprintf(stderr, "onlytoken: %s: %s (use --access-db)\n", access_db,
		    sqlite3_errmsg(adb));
	else if ((r = access_lookup(st, video, row)) < 0)
		fprintf(stderr, "onlytoken: %s: bad row for %s\n", access_db, video);
	sqlite3_finalize(st);
	sqlite3_close(adb);
	return r;
}

/*
 * `check e2.…`: a device cookie (format 2).  Prints each entry (short id,
 * its expiry, the code's row and state) and the decision the verifier
 * would make: for --video, allow when the video is public or an entry
 * unlocks it; without, valid when any entry is.
 */
static int
check_device_cookie(struct ctx *c, const char *in, const char *video, const char *access_db)
{
	struct hmac_key k;
	struct ents e;
	struct token_rec rec;
	struct access_row row;
	enum ents_err ee;
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char err[300], id[13];
	time_t now = time(NULL);
	size_t i, valid = 0, grants = 0;
	int r, ret = 1;

	ents_key(&c->secret, &k);
	ee = ents_decode(&k, in, strlen(in), &e);
	hmac_key_wipe(&k);
	if (ee != ENTS_OK) {
		printf("decision: deny (unauthorized: %s)\n", ents_strerror(ee));
		return 1;
	}
	printf("input: device cookie, %zu entr%s, issued %" PRId64 "\n", e.n,
	    e.n == 1 ? "y" : "ies", e.issued);
	if ((db = tstore_open_rw(c->db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	if (sqlite3_prepare_v2(db, TSTORE_LOOKUP_SQL, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
		goto out;
	}
	for (i = 0; i < e.n; i++) {
		const char *state = "valid";

		hexid(e.e[i].hash, id);
		if ((r = tstore_lookup(st, e.e[i].hash, &rec)) < 0) {
			fprintf(stderr, "onlytoken: %s: %s\n", c->db, sqlite3_errmsg(db));
			goto out;
		}
		if (r == 0) {
			printf("entry %s: expires %" PRId64 ", no such code in %s\n", id,
			    e.e[i].exp, c->db);
			continue;
		}
		if (rec.revoked_at)
			state = "revoked";
		else if (rec.expires_at <= (int64_t)now || e.e[i].exp <= (int64_t)now)
			state = "expired";
		printf("entry %s: expires %" PRId64 ", code: level %s, video %s, expires %"
		    PRId64 ", %s\n", id, e.e[i].exp, rec.level, rec.video[0] ? rec.video : "-",
		    rec.expires_at, state);
		if (strcmp(state, "valid") != 0)
			continue;
		valid++;
		grants += video != NULL && (strcmp(rec.level, "vip") == 0 ||
		    (strcmp(rec.level, "ppv") == 0 && strcmp(rec.video, video) == 0));
	}
	if (video == NULL) {
		printf("decision: %s (%zu of %zu entries valid)\n", valid ? "valid" : "deny",
		    valid, e.n);
		ret = valid ? 0 : 1;
		goto out;
	}
	if ((r = video_row(access_db, video, &row)) <= 0) {
		if (r == 0)
			printf("decision: deny (not_found: %s is not in %s)\n", video, access_db);
		goto out;
	}
	if (strcmp(row.access, "public") == 0 || grants > 0) {
		printf("decision: allow (video is %s; %zu entr%s unlock%s it)\n", row.access,
		    grants, grants == 1 ? "y" : "ies", grants == 1 ? "s" : "");
		ret = 0;
	} else
		printf("decision: deny (%s: video is %s, no valid entry unlocks it)\n",
		    valid ? "not_entitled" : "no valid entry", row.access);
out:
	sqlite3_finalize(st);
	tstore_close_rw(db);
	return ret;
}

static int
cmd_check(struct ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "video", required_argument, NULL, 'v' },
		{ "access-db", required_argument, NULL, 'A' },
		COMMON_OPTS, { NULL, 0, NULL, 0 }
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
		default: if ((r = common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	in = argv[optind];
	if (load_keys(c) != 0)
		return 1;
	if (strncmp(in, ENTS_TAG, ENTS_TAG_LEN) == 0)
		return check_device_cookie(c, in, video, access_db);
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
	if ((db = open_store(c, err, sizeof(err))) == NULL) {
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
	warn_world_readable(access_db);
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

struct import_arg {
	struct ctx	*c;
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

static int
cmd_import(struct ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "curator", required_argument, NULL, 'C' },
		COMMON_OPTS, { NULL, 0, NULL, 0 }
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
		else if ((r = common_opt(c, ch)) != 0)
			return r;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_keys(c) != 0)
		return 1;
	if ((a.db = open_store(c, err, sizeof(err))) == NULL) {
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

static int
cmd_sign(struct ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "expires", required_argument, NULL, 'e' },
		{ "hours", required_argument, NULL, 'H' },
		{ "token-path", required_argument, NULL, 't' },
		{ "directory", no_argument, NULL, 'd' },
		{ "ip", required_argument, NULL, 'i' },
		{ "key-file", required_argument, NULL, 'k' },
		COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	struct bunny_sign_req rq;
	char out[BUNNY_URL_MAX + 512], err[300];
	long hours = 0, v;
	int ch, r;

	memset(&rq, 0, sizeof(rq));
	rq.expires = -1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (parse_long(optarg, 1, 253402300799L, &v) != 0) {
				fprintf(stderr, "onlytoken sign: --expires takes Unix seconds\n");
				return EXIT_USAGE;
			}
			rq.expires = v;
			break;
		case 'H':
			if (parse_long(optarg, 1, 24L * 3650, &hours) != 0) {
				fprintf(stderr, "onlytoken sign: --hours takes 1..87600\n");
				return EXIT_USAGE;
			}
			break;
		case 't': rq.token_path = optarg; break;
		case 'd': rq.directory = 1; break;
		case 'i': rq.ip = optarg; break;
		case 'k': c->keys_path = optarg; break;
		default: if ((r = common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind + 1 != argc || (hours && rq.expires >= 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (rq.expires < 0)
		rq.expires = (int64_t)time(NULL) + (hours ? hours : 24) * 3600;
	if (keys_load(c->keys_path, &c->keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	if (c->keys.bunny_len == 0) {
		fprintf(stderr, "onlytoken sign: %s has no BUNNY_TOKEN_KEY\n", c->keys_path);
		return 1;
	}
	rq.url = argv[optind];
	rq.key = c->keys.bunny;
	rq.key_len = c->keys.bunny_len;
	r = bunny_sign_url(&rq, out, sizeof(out));
	keys_wipe(&c->keys);
	if (r < 0) {
		fprintf(stderr, "onlytoken sign: cannot sign '%s': it must be an http(s) "
		    "URL with a path of plain URL characters, at most %d query "
		    "parameters, and --ip must be an IP address\n", argv[optind],
		    BUNNY_PARAMS_MAX);
		return 1;
	}
	printf("%s\n", out);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct ctx c;
	const char *cmd;
	int ret;

	memset(&c, 0, sizeof(c));
	c.db = "var/tokens.db";
	c.keys_path = "var/verifier.keys";
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "mint") == 0)
		ret = cmd_mint(&c, argc, argv);
	else if (strcmp(cmd, "list") == 0)
		ret = cmd_list(&c, argc, argv);
	else if (strcmp(cmd, "revoke") == 0)
		ret = cmd_revoke(&c, argc, argv);
	else if (strcmp(cmd, "check") == 0)
		ret = cmd_check(&c, argc, argv);
	else if (strcmp(cmd, "import-legacy") == 0)
		ret = cmd_import(&c, argc, argv);
	else if (strcmp(cmd, "sign") == 0)
		ret = cmd_sign(&c, argc, argv);
	else if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage(stdout);
		ret = 0;
	} else if (strcmp(cmd, "--version") == 0) {
		printf("onlytoken %s\n", ONLY_VERSION);
		ret = 0;
	} else {
		fprintf(stderr, "onlytoken: unknown command '%s'\n", cmd);
		usage(stderr);
		ret = EXIT_USAGE;
	}
	hmac_key_wipe(&c.secret);
	keys_wipe(&c.keys);
	return ret;
}
