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

#define EXIT_USAGE	2

struct command {
	const char	*name;
	const char	*summary;	/* one line for `onlygen --help` */
	int		(*run)(int argc, char *argv[]);
};

int	cmd_pull(int argc, char *argv[]);
int	cmd_status(int argc, char *argv[]);
int	cmd_import_legacy(int argc, char *argv[]);
/* onlygen build: pull, then render the site (cmd_build.c) */
int	cmd_build(int argc, char *argv[]);

int	cmd_deploy(int argc, char *argv[]);
int	cmd_mustache(int argc, char *argv[]);

#endif
