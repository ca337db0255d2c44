/*
 * cmd_import_legacy.c — `onlygen import-legacy CURATOR_DB`: the old
 * system's categories, tags, series and access levels into content/.
 */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "legacy_import.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: onlygen import-legacy [--content DIR] [--force] CURATOR_DB\n\n"
	    "Writes DIR/videos/<guid>.json (default content/) for every video of the old\n"
	    "curator database and adds its categories, tags and series to DIR/site.json.\n"
	    "Existing video files are kept unless --force.\n");
}

int
cmd_import_legacy(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct reporter notes = { cli_report, (void *)"onlygen import-legacy" };
	const char *content = "content";
	struct legacy_counts n;
	char err[1024];
	int ch, force = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:fh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': content = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (legacy_import(argv[optind], content, force, &n, &notes, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen import-legacy: %s\n", err);
		return 1;
	}
	printf("import-legacy: %zu video files written, %zu skipped; added %zu categories, "
	    "%zu tags, %zu series to %s/site.json\n", n.videos, n.skipped, n.categories,
	    n.tags, n.series, content);
	return 0;
}
