/*
 * commands.h — the sub-commands of bin/onlygen.
 *
 * Each command parses its own options (getopt_long from argv[0] = the
 * command's name) and returns the process exit code:
 *   0 success, 1 failure (message on stderr), 2 usage error, 3 see the
 *   command (`pull --check`: the catalog changed).
 */
#ifndef ONLY_COMMANDS_H
#define ONLY_COMMANDS_H

#include "report.h"

struct pull_opts;

#define EXIT_USAGE	2
#define EXIT_CHANGED	3	/* `pull --check`: the catalog differs from the last build's */

struct command {
	const char	*name;
	const char	*summary;	/* one line for `onlygen --help` */
	int		(*run)(int argc, char *argv[]);
	int		large_heap;	/* runs with malloc in huge pages (malloc_thp.c) */
};

int	cmd_pull(int argc, char *argv[]);
int	cmd_status(int argc, char *argv[]);
int	cmd_import_legacy(int argc, char *argv[]);
/* onlygen build: pull, then render the site (cmd_build.c) */
int	cmd_build(int argc, char *argv[]);

int	cmd_deploy(int argc, char *argv[]);

/*
 * A library's report on stderr (cli_report.c): "PREFIX: warning: MSG" or
 * "PREFIX: MSG"; arg is the PREFIX, a const char * ("onlygen").
 */
void	cli_report(void *prefix, enum report_level level, const char *msg);

/* cmd_pull.c: the BUNNY_* environment (but BUNNY_CDN_HOSTNAME) into o. */
void	pull_opts_env(struct pull_opts *o);
/* cmd_pull.c: runs the pull, printing as `onlygen pull` does; its exit code. */
int	pull_run(struct pull_opts *o, int quiet);
int	cmd_mustache(int argc, char *argv[]);
/* onlygen stats: plays, unlocks and Bunny's numbers per video (cmd_stats.c) */
int	cmd_stats(int argc, char *argv[]);

#endif
