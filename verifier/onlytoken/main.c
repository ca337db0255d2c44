/*
 * main.c — bin/onlytoken: mint, list, revoke and check access codes,
 * import the old system's codes, and sign CDN URLs as the verifier does.
 * It only dispatches; each command is in its own cmd_*.c, the plumbing
 * they share in tok_common.c and tok_format.c (tok_commands.h).
 *
 *   onlytoken mint --level vip|ppv|public [--video GUID] [--days N]
 *                  [--count N] [--note TEXT] [--json | --csv]
 *   onlytoken list [--level L] [--video GUID] [--expired | --unexpired]
 *                  [--revoked | --active] [--json]
 *   onlytoken revoke CODE
 *   onlytoken check CODE_OR_TOKEN [--video GUID] [--access-db PATH]
 *   onlytoken import-legacy FILE [--curator DB]     (SQLite file or CSV)
 *   onlytoken sign URL [--expires UNIX | --hours N] [--token-path PATH]
 *                  [--directory] [--ip ADDR] [--key-file FILE]
 * Everywhere: --db PATH (var/tokens.db), --keys PATH (var/verifier.keys).
 * Exit: 0 ok, 1 failure (or `check` denied), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "tok_commands.h"

static const struct {
	const char	*name;
	int		(*run)(struct tok_ctx *, int, char *[]);
} commands[] = {
	{ "mint", cmd_mint },
	{ "list", cmd_list },
	{ "revoke", cmd_revoke },
	{ "check", cmd_check },
	{ "import-legacy", cmd_import_legacy },
	{ "sign", cmd_sign },
};

static int
dispatch(struct tok_ctx *c, int argc, char *argv[])
{
	const char *cmd = argv[1];
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(c, argc - 1, argv + 1);
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		tok_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("onlytoken %s\n", ONLY_VERSION);
		return 0;
	}
	fprintf(stderr, "onlytoken: unknown command '%s'\n", cmd);
	tok_usage(stderr);
	return EXIT_USAGE;
}

int
main(int argc, char *argv[])
{
	struct tok_ctx c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.db = "var/tokens.db";
	c.keys_path = "var/verifier.keys";
	if (argc < 2) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	ret = dispatch(&c, argc, argv);
	hmac_key_wipe(&c.secret);
	hmac_key_wipe(&c.marks);
	keys_wipe(&c.keys);
	return ret;
}
