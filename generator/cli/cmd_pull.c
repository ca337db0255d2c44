/*
 * cmd_pull.c — `onlygen pull`: options to struct pull_opts, then catalog_pull().
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "pull.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: onlygen pull [--state DIR] [--from DIR] [--check] [--allow-shrink]\n"
	    "                    [--quiet] [--cdn-host HOST] [--concurrency N] [--per-page N]\n"
	    "                    [--timeout SECONDS] [--attempts N]\n\n"
	    "Lists the Bunny Stream library (BUNNY_LIBRARY_ID, BUNNY_API_KEY, BUNNY_API_BASE)\n"
	    "and replaces DIR/catalog.db (default var/) in one transaction.\n\n"
	    "  --from DIR       read List Videos pages DIR/videos-*.json (and optional\n"
	    "                   DIR/collections-*.json) instead of calling the API\n"
	    "  --check          exit 3 when the catalog differs from the last build's\n"
	    "  --allow-shrink   accept losing more than half of the videos\n"
	    "  --cdn-host HOST  pull zone host stored with the videos (BUNNY_CDN_HOSTNAME)\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct pull_opts o;
	long v;
	int ch;

	pull_opts_init(&o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:f:caqH:j:p:t:n:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o.state_dir = optarg; break;
		case 'f': o.from_dir = optarg; break;
		case 'c': o.check = 1; break;
		case 'a': o.allow_shrink = 1; break;
		case 'q': o.quiet = 1; break;
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
	return catalog_pull(&o, NULL);
bad:
	fprintf(stderr, "onlygen pull: bad value '%s' for an option\n", optarg);
	usage(stderr);
	return EXIT_USAGE;
}
