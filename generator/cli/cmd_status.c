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

#include "catalog_read.h"
#include "commands.h"
#include "pull.h"
#include "video_parse.h"
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

static void
print_summary(const struct catalog_summary *s, const char *path)
{
	char when[64];
	size_t total = 0, i;
	time_t t;

	t = (time_t)strtoll(s->pulled_at, NULL, 10);
	if (s->pulled_at[0] == '\0' || strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
	    gmtime(&t)) == 0)
		snprintf(when, sizeof(when), "never");
	printf("catalog   %s\npulled    %s\n", path, when);
	printf("videos by Bunny status:\n");
	for (i = 0; i < s->nstatus; i++) {
		printf("  %-20s %7ld%s\n", status_name(s->by_status[i].status),
		    (long)s->by_status[i].count,
		    s->by_status[i].status == BUNNY_STATUS_FINISHED ? "  (published)" : "");
		total += s->by_status[i].count;
	}
	printf("  %-20s %7ld\n", "total", (long)total);
	if (s->npending > 0)
		printf("not published (waiting for Bunny to finish, or failed):\n");
	for (i = 0; i < s->npending; i++) {
		printf("  ");
		put_terminal(stdout, s->pending[i].guid, 36);
		printf("  %-12s  ", status_name(s->pending[i].status));
		put_terminal(stdout, s->pending[i].title, 60);
		putchar('\n');
	}
	printf("digest    %s\nbuilt     %s\n", s->digest[0] ? s->digest : "-",
	    s->built_digest[0] ? s->built_digest : "-");
	printf("%s\n", strcmp(s->digest, s->built_digest) == 0 ?
	    "the last build used this catalog" : "changed since the last build");
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
	struct catalog_summary sum;
	char path[4096], err[4200];
	FILE *f;
	int ch;

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
	if (catalog_summary_read(path, &sum, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen status: %s\n", err);
		return 1;
	}
	print_summary(&sum, path);
	catalog_summary_free(&sum);
	return 0;
}
