/*
 * cmd_status.c — `onlygen status`: what the catalog holds, which videos
 * are not published yet (and why: their Bunny status), and whether it
 * changed since the last build.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog_db.h"
#include "commands.h"
#include "pull.h"
#include "utf8.h"

/* VideoModelStatus names (bunny.md §1; not the webhook enum). */
static const char *
status_name(int s)
{
	static const char *const names[] = { "Created", "Uploaded", "Processing",
	    "Transcoding", "Finished", "Error", "UploadFailed", "JitSegmenting",
	    "JitPlaylistsCreated" };

	return s >= 0 && s < (int)(sizeof(names) / sizeof(names[0])) ? names[s] : "Unknown";
}

/*
 * Prints at most max characters of a catalog string for a terminal: C0 and
 * C1 controls, DEL, the line/paragraph separators and invalid bytes become
 * U+FFFD, so a title from Bunny cannot move the cursor, retitle the window
 * or break the line; never cuts a character in half.
 */
static void
put_terminal(FILE *f, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), len, n;
	uint32_t cp;

	for (n = 0; left > 0 && n < max; n++) {
		len = utf8_decode(p, left, &cp);
		if (len == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)
			fputs("\xef\xbf\xbd", f);
		else
			fwrite(p, 1, len, f);
		if (len == 0)
			len = 1;
		p += len;
		left -= len;
	}
}

static int
meta(sqlite3 *db, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
report(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st = NULL;
	char digest[80], built[80], pulled[32], when[64];
	long total = 0;
	time_t t;
	int rc;

	if (meta(db, "digest", digest, sizeof(digest)) || meta(db, "built_digest", built,
	    sizeof(built)) || meta(db, "pulled_at", pulled, sizeof(pulled)))
		return -1;
	t = (time_t)strtoll(pulled, NULL, 10);
	if (pulled[0] == '\0' || strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
	    gmtime(&t)) == 0)
		snprintf(when, sizeof(when), "never");
	printf("catalog   %s\npulled    %s\n", path, when);
	if (sqlite3_prepare_v2(db, "SELECT status, count(*) FROM videos GROUP BY status "
	    "ORDER BY status", -1, &st, NULL) != SQLITE_OK)
		return -1;
	printf("videos by Bunny status:\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);
		long n = (long)sqlite3_column_int64(st, 1);
		printf("  %-20s %7ld%s\n", status_name(s), n,
		    s == BUNNY_STATUS_FINISHED ? "  (published)" : "");
		total += n;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	printf("  %-20s %7ld\n", "total", total);
	if (sqlite3_prepare_v2(db, "SELECT guid, status, title FROM videos WHERE status <> ? "
	    "ORDER BY uploaded DESC, guid", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, BUNNY_STATUS_FINISHED);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		printf("not published (waiting for Bunny to finish, or failed):\n");
	for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		const char *guid = (const char *)sqlite3_column_text(st, 0);
		const char *title = (const char *)sqlite3_column_text(st, 2);

		printf("  ");
		put_terminal(stdout, guid != NULL ? guid : "", 36);
		printf("  %-12s  ", status_name(sqlite3_column_int(st, 1)));
		put_terminal(stdout, title != NULL ? title : "", 60);
		putchar('\n');
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	printf("digest    %s\nbuilt     %s\n", digest[0] ? digest : "-", built[0] ? built : "-");
	printf("%s\n", strcmp(digest, built) == 0 ? "the last build used this catalog" :
	    "changed since the last build");
	return 0;
}

int
cmd_status(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *state = "var";
	char path[4096], err[512];
	sqlite3 *db = NULL;
	FILE *f;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': state = optarg; break;
		case 'h':
			printf("usage: onlygen status [--state DIR]\n");
			return 0;
		default:
			fprintf(stderr, "usage: onlygen status [--state DIR]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: onlygen status [--state DIR]\n");
		return EXIT_USAGE;
	}
	pull_catalog_path(state, path, sizeof(path));
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "onlygen status: %s: no catalog yet; run `onlygen pull` first\n", path);
		return 1;
	}
	fclose(f);
	err[0] = '\0';
	if (catalog_open(&db, path, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen status: %s\n", err);
		return 1;
	}
	rc = report(db, path);
	if (rc != 0)
		fprintf(stderr, "onlygen status: %s: %s\n", path, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == 0 ? 0 : 1;
}
