/*
 * main.c — bin/onlygen: dispatch to a sub-command.  No parsing or
 * formatting logic lives here; each command is in its own cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "malloc_thp.h"

static int
cmd_version(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("onlygen %s\n", ONLY_VERSION);
	return 0;
}

static const struct command commands[] = {
	{ "pull", "pull the Bunny Stream library into var/catalog.db", cmd_pull, 1 },
	{ "build", "pull the catalog and render the site", cmd_build, 1 },
	{ "deploy", "upload the site to Bunny Storage and purge the CDN (--dry-run: plan only)", cmd_deploy, 0 },
	{ "status", "show the catalog: counts, unpublished videos, digest", cmd_status, 0 },
	{ "stats", "what sells: plays, unlocks, devices, Bunny views per video (docs/stats.md)", cmd_stats, 0 },
	{ "import-legacy", "write content/ from the old system's curator database", cmd_import_legacy, 0 },
	{ "mustache", "render a Mustache template over JSON data (for theme authors)", cmd_mustache, 0 },
	{ "version", "print the version", cmd_version, 0 },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: onlygen COMMAND [OPTIONS]\n\n"
	    "Builds the static video catalog site from Bunny Stream and content/.\n\n"
	    "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`onlygen COMMAND --help` describes a command's options.\n");
}

int
main(int argc, char *argv[])
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("onlygen %s\n", ONLY_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			if (commands[i].large_heap)
				malloc_thp_reexec(argv, malloc_thp_fault_ns);
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "onlygen: unknown command '%s'; `onlygen --help` lists the commands\n",
	    argv[1]);
	return EXIT_USAGE;
}
