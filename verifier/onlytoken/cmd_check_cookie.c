/*
 * cmd_check_cookie.c — `onlytoken check e2.…`: a device cookie (format 2).
 * Prints each entry (short id, its expiry, the code's row and state) and
 * the decision the verifier would make: for --video, allow when the video
 * is public or an entry unlocks it; without, valid when any entry is.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access_table.h"
#include "entitlements.h"
#include "tok_commands.h"
#include "token_store.h"

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

int
cmd_check_cookie(struct tok_ctx *c, const char *in, const char *video,
    const char *access_db)
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

		tok_hexid(e.e[i].hash, id);
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
