/*
 * fuzz_small_parsers.c — fuzz target for the parsers fuzz_api cannot reach
 * and the few that read an operator's files; the first byte picks one:
 *   0  a Bunny webhook body (webhook_parse): behind the body's HMAC, which
 *      no fuzzed request can forge.  What it accepts, cJSON reads as the
 *      same object: the same VideoGuid (lower-cased), Status and library.
 *   1  a CIDR list (netlist_parse, the metrics_allow setting): every range
 *      it keeps holds its own address and has no bit set past its prefix.
 *   2  an ISO-8601 time of the old system (iso8601_parse).
 *   3  a keys file (keys_load, then the checks every program runs).
 *   4  the old system's CSV export (legacy_read): every row's fields are
 *      NUL-terminated within their bounds.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() (standalone.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "guid.h"
#include "keys.h"
#include "legacy_codes.h"
#include "netaddr.h"
#include "webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
webhook_body(const char *s, size_t n)
{
	struct webhook_event ev;
	const cJSON *g, *st, *lib;
	char err[256];
	cJSON *root;

	if (webhook_parse(s, n, &ev, err, sizeof(err)) != 0)
		return;
	if (!guid_ok(ev.guid, strlen(ev.guid)) || ev.status < 0 || ev.status > 255 ||
	    ev.library_id < 0)
		abort();
	if ((root = cJSON_ParseWithLength(s, n)) == NULL || !cJSON_IsObject(root))
		abort();	/* accepted what JSON refuses */
	g = cJSON_GetObjectItemCaseSensitive(root, "VideoGuid");
	st = cJSON_GetObjectItemCaseSensitive(root, "Status");
	lib = cJSON_GetObjectItemCaseSensitive(root, "VideoLibraryId");
	if (!cJSON_IsString(g) || strcasecmp(g->valuestring, ev.guid) != 0 ||
	    !cJSON_IsNumber(st) || st->valuedouble != ev.status || !cJSON_IsNumber(lib) ||
	    (ev.library_id < (1LL << 53) && lib->valuedouble != (double)ev.library_id))
		abort();
	cJSON_Delete(root);
}

static void
cidr_list(const char *s)
{
	struct netlist l;
	struct netaddr a;
	char err[256];
	size_t i;
	unsigned b;

	if (netlist_parse(s, &l, err, sizeof(err)) != 0)
		return;
	if (l.n > NETLIST_MAX)
		abort();
	for (i = 0; i < l.n; i++) {
		const struct netrange *r = &l.r[i];

		if ((r->a.fam != 4 && r->a.fam != 6) || r->bits > (r->a.fam == 4 ? 32u : 128u))
			abort();
		for (b = r->bits; b < 128; b++)
			if (r->a.b[b / 8] & (0x80 >> (b % 8)))
				abort();	/* a bit past the prefix */
		a = r->a;
		if (!netlist_has(&l, &a))
			abort();
	}
	(void)netaddr_parse(s, &a);
}

/* The bytes into a private temporary file; its path in path. */
static int
to_file(const char *s, size_t n, char path[32])
{
	int fd;

	snprintf(path, 32, "/tmp/fuzz-small-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (n > 0 && write(fd, s, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static void
keys_file(const char *s, size_t n)
{
	char path[32], err[512];
	struct keys k;

	if (to_file(s, n, path) != 0)
		return;
	if (keys_load(path, &k, err, sizeof(err)) == 0) {
		if (k.secret_len > KEY_MAX || k.bunny_len > KEY_MAX || k.webhook_len > KEY_MAX ||
		    strlen(k.prefix) > CODE_PREFIX_MAX)
			abort();
		(void)keys_check_serve(&k, err, sizeof(err));
		(void)keys_check_sign(&k, err, sizeof(err));
	}
	keys_wipe(&k);
	unlink(path);
}

static int
legacy_row(const struct legacy_row *r, void *arg)
{
	int64_t t;

	(void)arg;
	if (strnlen(r->code, LEGACY_FIELD_MAX) == LEGACY_FIELD_MAX ||
	    strnlen(r->level, LEGACY_FIELD_MAX) == LEGACY_FIELD_MAX ||
	    strnlen(r->video_id, LEGACY_FIELD_MAX) == LEGACY_FIELD_MAX ||
	    strnlen(r->expires_at, LEGACY_FIELD_MAX) == LEGACY_FIELD_MAX ||
	    strnlen(r->created_at, LEGACY_FIELD_MAX) == LEGACY_FIELD_MAX)
		abort();
	(void)iso8601_parse(r->expires_at, &t);
	return 0;
}

static void
legacy_csv(const char *s, size_t n)
{
	char path[32], err[512];

	/* An SQLite file is SQLite's to parse, not this reader's. */
	if (n >= 16 && memcmp(s, "SQLite format 3", 16) == 0)
		return;
	if (to_file(s, n, path) != 0)
		return;
	(void)legacy_read(path, legacy_row, NULL, err, sizeof(err));
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	char *z;
	int64_t t;

	if (size == 0)
		return 0;
	switch (data[0] % 5) {
	case 0:
		webhook_body(s, n);
		break;
	case 1:
	case 2:
		if ((z = malloc(n + 1)) == NULL)
			return 0;
		memcpy(z, s, n);
		z[n] = '\0';
		if (data[0] % 5 == 1)
			cidr_list(z);
		else
			(void)iso8601_parse(z, &t);
		free(z);
		break;
	case 3:
		keys_file(s, n);
		break;
	default:
		legacy_csv(s, n);
		break;
	}
	return 0;
}

#include "standalone.h"
