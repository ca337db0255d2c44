/*
 * tok_common.c — what every onlytoken command shares: the usage text,
 * the common options, loading the keys, opening the code store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "logid.h"
#include "store_file.h"
#include "tok_commands.h"
#include "token_store.h"

void
tok_usage(FILE *f)
{
	fputs("usage: onlytoken mint --level vip|ppv|public [--video GUID] [--days N]\n"
	    "                      [--count N] [--note TEXT] [--json|--csv]\n"
	    "       onlytoken list [--level L] [--video GUID] [--expired|--unexpired]\n"
	    "                      [--revoked|--active] [--json]\n"
	    "       onlytoken revoke CODE | --log-id ID\n"
	    "       onlytoken check CODE_OR_TOKEN_OR_COOKIE [--video GUID] [--access-db PATH]\n"
	    "       onlytoken import-legacy FILE [--curator DB]\n"
	    "       onlytoken sign URL [--expires UNIX|--hours N] [--token-path PATH]\n"
	    "                      [--directory] [--ip ADDR] [--key-file FILE]\n"
	    "options everywhere: --db PATH (var/tokens.db), --keys PATH (var/verifier.keys)\n",
	    f);
}

int
tok_load_keys(struct tok_ctx *c)
{
	char err[300];

	if (keys_load(c->keys_path, &c->keys, err, sizeof(err)) != 0 ||
	    keys_check_serve(&c->keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlytoken: %s\n", err);
		return -1;
	}
	hmac_key_init(&c->secret, c->keys.secret, c->keys.secret_len);
	logmark_key(&c->secret, &c->marks);
	return 0;
}

void
tok_log_id(const struct tok_ctx *c, const unsigned char *h, char out[13])
{
	logmark_code(&c->marks, h, out);
}

/* Warns when a store (or its -wal, -shm) can be read by every user: the
 * code hashes and notes are for the owner and lighttpd's group only. */
void
tok_warn_world_readable(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[4096];
	mode_t mode;
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, suffix[i]) <
		    sizeof(p) && store_file_world_readable(p, &mode))
			fprintf(stderr, "onlytoken: warning: %s is readable by every "
			    "user (mode %04o); make it 0640 with lighttpd's group: "
			    "chmod o= %s\n", p, (unsigned)mode, p);
}

/*
 * 1 when the store's directory is a replica node's var (docs/deploy.md):
 * scripts/follow-replica keeps a replica-status file there and replaces
 * tokens.db with the writer's copy, so a code minted here would vanish.
 */
static int
is_replica_node(const char *db)
{
	const char *slash = strrchr(db, '/');
	char p[4096];
	int dn = slash == NULL ? 1 : slash == db ? 1 : (int)(slash - db);

	if ((size_t)snprintf(p, sizeof(p), "%.*s/replica-status", dn,
	    slash == NULL ? "." : slash == db ? "/" : db) >= sizeof(p))
		return 0;
	return access(p, F_OK) == 0;
}

/* The code store, read-write, created 0640 when missing. */
sqlite3 *
tok_open_store(const struct tok_ctx *c, char *err, size_t errlen)
{
	if (is_replica_node(c->db)) {
		snprintf(err, errlen, "%s is a replica node's copy (replica-status "
		    "beside it): it is replaced from the writer; run onlytoken on the "
		    "writer", c->db);
		return NULL;
	}
	tok_warn_world_readable(c->db);
	return tstore_open_rw(c->db, err, errlen);
}

int
tok_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
tok_common_opt(struct tok_ctx *c, int ch)
{
	switch (ch) {
	case 'D': c->db = optarg; return 0;
	case 'K': c->keys_path = optarg; return 0;
	default: tok_usage(stderr); return EXIT_USAGE;
	}
}
