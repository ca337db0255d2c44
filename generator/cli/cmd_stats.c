/*
 * cmd_stats.c — `onlygen stats`: what sells, from lighttpd's access log of
 * /api/play/ and /api/redeem, Bunny's own statistics in catalog.db, and
 * the levels, titles and minted codes of access.db and tokens.db
 * (docs/stats.md).  One pass over the logs, bounded memory (stat_agg.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bunny_stats.h"
#include "commands.h"
#include "guid.h"
#include "pull.h"
#include "stat_agg.h"
#include "stat_meta.h"
#include "stat_render.h"

#define MAX_LOGS	64
#define OUT_MAX		((size_t)256 << 20)	/* a report beyond this is refused */

static void
usage(FILE *f)
{
	fprintf(f, "usage: onlygen stats [--since 30d|YYYY-MM-DD] [--until YYYY-MM-DD]\n"
	    "                     [--video GUID] [--json] [--html FILE] [--title TEXT]\n"
	    "                     [--log FILE|-]... [--state DIR] [--pull] [--quiet]\n"
	    "                     [--shared-min N]\n"
	    "  --since   the window: N days ending --until (default 30d), or from a date\n"
	    "  --until   the window's last day (UTC; default today)\n"
	    "  --log     an access log to read (repeatable; - is standard input);\n"
	    "            default STATE/log/access.log and STATE/log/access.log.1\n"
	    "  --pull    first fetch Bunny's statistics for the window into\n"
	    "            STATE/catalog.db (BUNNY_API_KEY, BUNNY_LIBRARY_ID, as pull)\n"
	    "  --html    also write the report as one self-contained HTML file\n"
	    "  --json    print JSON instead of the table\n"
	    "  --shared-min N  list the codes redeemed from at least N viewer\n"
	    "            networks (1..%d, default %d)\n", STAT_SHARED_MIN_MAX, STAT_SHARED_MIN);
}

/* "YYYY-MM-DD" -> day number, or -1. */
static int64_t
parse_day(const char *s)
{
	struct tm tm;
	const char *e;

	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%d", &tm)) == NULL || *e != '\0')
		return -1;
	return (int64_t)timegm(&tm) / 86400;
}

static void
on_bunny(void *arg, const char *guid, int64_t day, uint64_t views, uint64_t watch)
{
	stat_agg_bunny(arg, guid, day, views, watch);
}

static int
write_file(const char *path, const struct buf *b)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		unlink(tmp);
		return -1;
	}
	return rename(tmp, path);
}

static int
read_logs(struct stat_agg *a, const char **logs, size_t nlogs, int given, int quiet)
{
	char err[512];
	size_t i;

	for (i = 0; i < nlogs; i++) {
		FILE *f = strcmp(logs[i], "-") == 0 ? stdin : fopen(logs[i], "r");
		int rc;

		if (f == NULL) {
			/* A log not written yet, or not rotated yet (access.log.1
			 * the first day): said, not fatal. */
			if (given && !quiet)
				fprintf(stderr, "onlygen stats: warning: cannot read %s (skipped)\n",
				    logs[i]);
			continue;
		}
		rc = stat_agg_read(a, f, logs[i], err, sizeof(err));
		if (f != stdin)
			fclose(f);
		if (rc != 0) {
			fprintf(stderr, "onlygen stats: %s\n", err);
			return -1;
		}
	}
	if (a->bad > 0 && !quiet)
		fprintf(stderr, "onlygen stats: warning: %llu bad line%s skipped; the first: %s\n",
		    (unsigned long long)a->bad, a->bad == 1 ? "" : "s", a->first_bad);
	return 0;
}

static int
pull_bunny(const char *state, int64_t from, int64_t to, int quiet)
{
	struct pull_opts po;
	struct bunny_source src;
	struct bunny_stats_result r;
	enum bunny_result br;
	char path[4096], err[512];

	pull_opts_init(&po);
	pull_opts_env(&po);
	po.state_dir = state;
	if (po.library_id == NULL || po.api_key == NULL) {
		fprintf(stderr, "onlygen stats: --pull needs BUNNY_LIBRARY_ID and BUNNY_API_KEY\n");
		return -1;
	}
	pull_bunny_source(&po, &src);
	pull_catalog_path(state, path, sizeof(path));
	br = bunny_stats_pull(path, &src, from, to, &r, err, sizeof(err));
	if (br != BUNNY_OK) {
		fprintf(stderr, "onlygen stats: Bunny statistics: %s\n", err);
		return -1;
	}
	if (!quiet)
		fprintf(stderr, "onlygen stats: Bunny statistics of %zu videos, %zu video-days "
		    "(%u retries)\n", r.videos, r.rows, r.retries);
	return 0;
}

int
cmd_stats(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "video", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "title", required_argument, NULL, 't' },
		{ "log", required_argument, NULL, 'l' },
		{ "state", required_argument, NULL, 'S' },
		{ "pull", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "shared-min", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *since = "30d", *html = NULL, *title = "onlymatt", *state = "var";
	const char *logs[MAX_LOGS];
	char guid[GUID_LEN + 1] = "", path[4096], log0[4096], log1[4096], err[512];
	size_t nlogs = 0;
	int ch, json = 0, pull = 0, quiet = 0, rc = 1;
	long shared_min = STAT_SHARED_MIN;
	char *end;
	int64_t until = (int64_t)time(NULL) / 86400, ndays;
	struct stat_agg *a;
	struct buf out;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:u:v:jH:t:l:S:pqm:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': since = optarg; break;
		case 'u':
			if ((until = parse_day(optarg)) < 0)
				goto bad;
			break;
		case 'v':
			if (!guid_norm(optarg, strlen(optarg), guid))
				goto bad;
			break;
		case 'j': json = 1; break;
		case 'H': html = optarg; break;
		case 't': title = optarg; break;
		case 'l':
			if (nlogs == MAX_LOGS)
				goto bad;
			logs[nlogs++] = optarg;
			break;
		case 'S': state = optarg; break;
		case 'p': pull = 1; break;
		case 'q': quiet = 1; break;
		case 'm':
			shared_min = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || shared_min < 1 ||
			    shared_min > STAT_SHARED_MIN_MAX)
				goto bad;
			break;
		case 'h': usage(stdout); return 0;
		default: goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	{
		size_t n = strlen(since);
		char *e;

		if (n > 1 && since[n - 1] == 'd') {
			ndays = strtoll(since, &e, 10);
			if (e != since + n - 1)
				goto bad;
		} else if ((ndays = parse_day(since)) >= 0)
			ndays = until - ndays + 1;
		else
			goto bad;
		if (ndays < 1 || ndays > STAT_DAYS_MAX) {
			fprintf(stderr, "onlygen stats: the window must be 1 to %d days\n",
			    STAT_DAYS_MAX);
			return EXIT_USAGE;
		}
	}
	if ((a = malloc(sizeof(*a))) == NULL) {
		fprintf(stderr, "onlygen stats: out of memory\n");
		return 1;
	}
	buf_init(&out, OUT_MAX);
	if (stat_agg_init(a, until, ndays, guid[0] ? guid : NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen stats: %s\n", err);
		free(a);
		return 1;
	}
	a->codes.shared_min = (unsigned)shared_min;
	if (pull && pull_bunny(state, until - ndays + 1, until, quiet) != 0)
		goto out;
	pull_catalog_path(state, path, sizeof(path));
	if (bunny_stats_each(path, until - ndays + 1, until, on_bunny, a, err, sizeof(err)) != 0
	    && !quiet)
		fprintf(stderr, "onlygen stats: warning: no Bunny statistics (%s)\n", err);
	if (nlogs == 0) {
		/* The live log and the last rotated one (examples/logrotate). */
		snprintf(log0, sizeof(log0), "%s/log/access.log.1", state);
		snprintf(log1, sizeof(log1), "%s/log/access.log", state);
		logs[nlogs++] = log0;
		logs[nlogs++] = log1;
		if (read_logs(a, logs, nlogs, 0, quiet) != 0)
			goto out;
	} else if (read_logs(a, logs, nlogs, 1, quiet) != 0)
		goto out;
	/* Titles and levels last: only the videos with activity take them. */
	snprintf(path, sizeof(path), "%s/access.db", state);
	if (stat_meta_access(a, path, err, sizeof(err)) != 0 && !quiet)
		fprintf(stderr, "onlygen stats: warning: no titles or levels (%s)\n", err);
	snprintf(path, sizeof(path), "%s/tokens.db", state);
	if (stat_meta_tokens(a, path, err, sizeof(err)) != 0 && !quiet)
		fprintf(stderr, "onlygen stats: warning: no minted counts (%s)\n", err);
	if (stat_agg_finish(a, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen stats: %s\n", err);
		goto out;
	}
	if (html != NULL) {
		if (stat_render_html(a, title, &out) != 0 || write_file(html, &out) != 0) {
			fprintf(stderr, "onlygen stats: cannot write %s\n", html);
			goto out;
		}
		buf_reset(&out);
	}
	if ((json ? stat_render_json(a, &out) : stat_render_table(a, &out)) != 0) {
		fprintf(stderr, "onlygen stats: the report is too large\n");
		goto out;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&out);
	stat_agg_free(a);
	free(a);
	return rc;
bad:
	usage(stderr);
	return EXIT_USAGE;
}
