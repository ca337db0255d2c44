/*
 * cmd_pull.c — `onlygen pull`: the environment and options to struct
 * pull_opts, then catalog_pull(), and what it did on stdout and stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "guid.h"
#include "pull.h"
#include "pull_video.h"

void
pull_opts_env(struct pull_opts *o)
{
	const char *s;

	if ((s = getenv("BUNNY_API_BASE")) != NULL && s[0] != '\0')
		o->api_base = s;
	o->library_id = getenv("BUNNY_LIBRARY_ID");
	o->api_key = getenv("BUNNY_API_KEY");
}

/* How the pull's progress is shown: a line redrawn on a terminal, else log lines. */
struct progress_view {
	int	terminal;
};

static void
show_progress(void *arg, size_t done, size_t total, size_t videos, unsigned retries,
    const char *retry_msg)
{
	const struct progress_view *pv = arg;

	if (pv->terminal) {
		fprintf(stderr, "\rpull: pages %zu/%zu, videos %zu, retries %u ", done, total,
		    videos, retries);
		if (retry_msg != NULL)
			fprintf(stderr, "\npull: %s\n", retry_msg);
	} else if (retry_msg != NULL)
		fprintf(stderr, "pull: %s\n", retry_msg);
	else if (total > 0 && (done == total || done % ((total + 9) / 10) == 0))
		fprintf(stderr, "pull: %zu/%zu pages, %zu videos\n", done, total, videos);
}

/* The listing is complete: ends the terminal's progress line. */
static void
end_progress(void *arg)
{
	(void)arg;
	fputc('\n', stderr);
}

int
pull_run(struct pull_opts *o, int quiet)
{
	struct progress_view pv = { isatty(STDERR_FILENO) };
	struct reporter notes = { quiet ? NULL : cli_report, (void *)"pull" };
	struct pull_result res;
	char err[1024];
	int rc;

	o->progress = quiet ? NULL : show_progress;
	o->listed = quiet || !pv.terminal ? NULL : end_progress;
	o->progress_arg = &pv;
	o->report = &notes;
	rc = catalog_pull(o, &res, err, sizeof(err));
	if (rc != 0 && !res.written) {
		if (pv.terminal && !quiet)
			fputc('\n', stderr);
		fprintf(stderr, "onlygen pull: %s; the catalog was not changed\n", err);
		return 1;
	}
	if (!quiet)
		printf("pull: %zu videos (%zu published): %zu added, %zu updated, %zu removed, "
		    "%zu unchanged\ndigest %s\n", res.counts.total, res.counts.published,
		    res.counts.added, res.counts.updated, res.counts.removed,
		    res.counts.unchanged, res.digest);
	if (rc != 0) {
		/* The new catalog is already written: say so, not "not changed". */
		fprintf(stderr, "onlygen pull: the catalog was updated, but reading the last "
		    "build's digest failed: %s; run `onlygen build`\n", err);
		return 1;
	}
	if (!o->check)
		return 0;
	if (!res.changed) {
		if (!quiet)
			printf("pull: unchanged since the last build\n");
		return 0;
	}
	if (!quiet)
		printf("pull: changed since the last build%s\n", res.built ? "" :
		    " (no build recorded)");
	return EXIT_CHANGED;
}

/* `pull --video GUID...`: the incremental pull, printed as a full pull is. */
static int
pull_videos_run(struct pull_opts *o, const char *const *guids, size_t n, int quiet)
{
	struct reporter notes = { quiet ? NULL : cli_report, (void *)"pull" };
	struct pull_result res;
	char err[1024];

	o->report = &notes;
	if (catalog_pull_videos(o, guids, n, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen pull --video: %s; the catalog was not changed\n", err);
		return 1;
	}
	if (!quiet)
		printf("pull: %zu video%s fetched: %zu added, %zu updated, %zu removed, "
		    "%zu unchanged; the catalog has %zu videos (%zu published)\ndigest %s\n",
		    n, n == 1 ? "" : "s", res.counts.added, res.counts.updated,
		    res.counts.removed, res.counts.unchanged, res.counts.total,
		    res.counts.published, res.digest);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: onlygen pull [--state DIR] [--from DIR] [--check] [--allow-shrink]\n"
	    "                    [--quiet] [--cdn-host HOST] [--concurrency N] [--per-page N]\n"
	    "                    [--timeout SECONDS] [--attempts N]\n"
	    "       onlygen pull --video GUID [--video GUID]... [--state DIR] [--quiet]\n\n"
	    "Lists the Bunny Stream library (BUNNY_LIBRARY_ID, BUNNY_API_KEY, BUNNY_API_BASE)\n"
	    "and replaces DIR/catalog.db (default var/) in one transaction.\n\n"
	    "  --from DIR       read List Videos pages DIR/videos-*.json (and optional\n"
	    "                   DIR/collections-*.json) instead of calling the API\n"
	    "  --check          exit 3 when the catalog differs from the last build's\n"
	    "  --allow-shrink   accept losing more than half of the videos\n"
	    "  --cdn-host HOST  pull zone host stored with the videos (BUNNY_CDN_HOSTNAME)\n"
	    "  --video GUID     incremental: fetch only this video (Get Video) and update\n"
	    "                   its row; a video the API no longer has is removed (up to\n"
	    "                   64; after a full pull of the same library only)\n");
}

/* A positive integer option in [1, max], or -1. */
static long
number(const char *s, long max)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		return -1;
	return v;
}

int
cmd_pull(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'c' },
		{ "allow-shrink", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cdn-host", required_argument, NULL, 'H' },
		{ "concurrency", required_argument, NULL, 'j' },
		{ "per-page", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "attempts", required_argument, NULL, 'n' },
		{ "video", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct pull_opts o;
	char guids[PULL_VIDEOS_MAX][GUID_LEN + 1];
	const char *gp[PULL_VIDEOS_MAX];
	size_t ng = 0, i;
	long v;
	int ch, quiet = 0;

	pull_opts_init(&o);
	pull_opts_env(&o);
	if ((o.cdn_host = getenv("BUNNY_CDN_HOSTNAME")) == NULL)
		o.cdn_host = "";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:f:caqH:j:p:t:n:V:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o.state_dir = optarg; break;
		case 'f': o.from_dir = optarg; break;
		case 'c': o.check = 1; break;
		case 'a': o.allow_shrink = 1; break;
		case 'q': quiet = 1; break;
		case 'H': o.cdn_host = optarg; break;
		case 'j':
			if ((v = number(optarg, 64)) < 0)
				goto bad;
			o.concurrency = (int)v;
			break;
		case 'p':
			if ((v = number(optarg, 1000)) < 0)
				goto bad;
			o.per_page = (int)v;
			break;
		case 't':
			if ((v = number(optarg, 3600)) < 0)
				goto bad;
			o.timeout_ms = v * 1000;
			break;
		case 'n':
			if ((v = number(optarg, 20)) < 0)
				goto bad;
			o.max_attempts = (int)v;
			break;
		case 'V':
			if (ng == PULL_VIDEOS_MAX || !guid_norm(optarg, strlen(optarg), guids[ng]))
				goto bad;
			for (i = 0; i < ng && strcmp(guids[i], guids[ng]) != 0; i++)
				;
			if (i == ng) {	/* a GUID given twice is fetched once */
				gp[ng] = guids[ng];
				ng++;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "onlygen pull: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (ng > 0) {
		if (o.from_dir != NULL || o.check || o.allow_shrink) {
			fprintf(stderr, "onlygen pull: --video reads the API; not with --from, "
			    "--check or --allow-shrink\n");
			return EXIT_USAGE;
		}
		return pull_videos_run(&o, gp, ng, quiet);
	}
	return pull_run(&o, quiet);
bad:
	fprintf(stderr, "onlygen pull: bad value '%s' for an option\n", optarg);
	usage(stderr);
	return EXIT_USAGE;
}
