/*
 * cmd_sign.c — `onlytoken sign URL [--expires UNIX | --hours N]
 * [--token-path PATH] [--directory] [--ip ADDR] [--key-file FILE]`: signs
 * a CDN URL with BUNNY_TOKEN_KEY exactly as the verifier does.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bunny_sign.h"
#include "tok_commands.h"

int
cmd_sign(struct tok_ctx *c, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "expires", required_argument, NULL, 'e' },
		{ "hours", required_argument, NULL, 'H' },
		{ "token-path", required_argument, NULL, 't' },
		{ "directory", no_argument, NULL, 'd' },
		{ "ip", required_argument, NULL, 'i' },
		{ "key-file", required_argument, NULL, 'k' },
		TOK_COMMON_OPTS, { NULL, 0, NULL, 0 }
	};
	struct bunny_sign_req rq;
	char out[BUNNY_URL_MAX + 512], err[300];
	long hours = 0, v;
	int ch, r;

	memset(&rq, 0, sizeof(rq));
	rq.expires = -1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (tok_parse_long(optarg, 1, 253402300799L, &v) != 0) {
				fprintf(stderr, "onlytoken sign: --expires takes Unix seconds\n");
				return EXIT_USAGE;
			}
			rq.expires = v;
			break;
		case 'H':
			if (tok_parse_long(optarg, 1, 24L * 3650, &hours) != 0) {
				fprintf(stderr, "onlytoken sign: --hours takes 1..87600\n");
				return EXIT_USAGE;
			}
			break;
		case 't': rq.token_path = optarg; break;
		case 'd': rq.directory = 1; break;
		case 'i': rq.ip = optarg; break;
		case 'k': c->keys_path = optarg; break;
		default: if ((r = tok_common_opt(c, ch)) != 0) return r;
		}
	}
	if (optind + 1 != argc || (hours && rq.expires >= 0)) {
		tok_usage(stderr);
		return EXIT_USAGE;
	}
	if (rq.expires < 0)
		rq.expires = (int64_t)time(NULL) + (hours ? hours : 24) * 3600;
	if (keys_load(c->keys_path, &c->keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return 1;
	}
	if (c->keys.bunny_len == 0) {
		fprintf(stderr, "onlytoken sign: %s has no BUNNY_TOKEN_KEY\n", c->keys_path);
		return 1;
	}
	rq.url = argv[optind];
	rq.key = c->keys.bunny;
	rq.key_len = c->keys.bunny_len;
	r = bunny_sign_url(&rq, out, sizeof(out));
	keys_wipe(&c->keys);
	if (r < 0) {
		fprintf(stderr, "onlytoken sign: cannot sign '%s': it must be an http(s) "
		    "URL with a path of plain URL characters, at most %d query "
		    "parameters, and --ip must be an IP address\n", argv[optind],
		    BUNNY_PARAMS_MAX);
		return 1;
	}
	printf("%s\n", out);
	return 0;
}
