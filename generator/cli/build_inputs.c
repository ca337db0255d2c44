/*
 * build_inputs.c — see build_inputs.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "build_inputs.h"
#include "catalog_read.h"
#include "hash64.h"
#include "hmac.h"
#include "tree_digest.h"

#define RECORD_NAME	"build-inputs"
#define RECORD_MAGIC	"onlygen build-inputs 1"

static int
record_path(const struct build_inputs *in, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", in->state_dir, name);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int
build_inputs_digest(const struct build_inputs *in, uint64_t *digest, uint64_t *content_key,
    uint64_t *content_tree, char *err, size_t errlen)
{
	uint64_t h = h64_str(0, RECORD_MAGIC), fp, t[5];
	const char *trees[] = { in->content_dir, in->themes_dir, in->user_theme, in->hlsjs_path,
		"/proc/self/exe" };
	size_t i;

	if (in->catalog_fp != NULL)
		fp = *in->catalog_fp;
	else if (catalog_fingerprint(in->catalog_db, &fp, err, errlen) == -1)
		return -1;
	h = h64_int(h, (int64_t)fp);
	for (i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		h = h64_str(h, trees[i] != NULL ? trees[i] : "(none)");
		t[i] = 0;
		if (trees[i] != NULL && tree_digest(trees[i], &t[i], err, errlen) == -1)
			return -1;
		h = h64_int(h, (int64_t)t[i]);
	}
	/* content/'s snapshot (content_snap.h): its path and the binary that
	 * reads it; the snapshot holds each file's h64 and content.c mixes in
	 * site.json's, so an edit of one file re-parses only that file */
	if (content_key != NULL)
		*content_key = h64_int(h64_str(h64_str(0, "content-snap"), in->content_dir),
		    (int64_t)t[4]);
	if (content_tree != NULL)
		*content_tree = t[0];
	h = h64_str(h, in->theme != NULL ? in->theme : "(none)");	/* which theme, by name too */
	h = h64_str(h, in->base_url != NULL ? in->base_url : "(none)");
	h = h64_str(h, in->cdn_host != NULL ? in->cdn_host : "(none)");
	h = h64_int(h, in->fetch_images);
	if (in->token_key != NULL && in->token_key[0] != '\0') {
		/* the key decides signed URLs; only a MAC keyed by it enters the digest */
		struct hmac_key k;
		unsigned char mac[HMAC_LEN];

		hmac_key_init(&k, in->token_key, strlen(in->token_key));
		hmac_sha256(&k, RECORD_MAGIC, strlen(RECORD_MAGIC), mac);
		hmac_key_wipe(&k);
		h = h64(h, mac, sizeof(mac));
	} else
		h = h64_str(h, "(no key)");
	*digest = h;
	return 0;
}

static int
is_file(const struct build_inputs *in, const char *name)
{
	char path[4096];
	struct stat sb;

	return record_path(in, name, path, sizeof(path)) == 0 && stat(path, &sb) == 0 &&
	    S_ISREG(sb.st_mode);
}

struct record {
	uint64_t		 digest;
	unsigned long long	 dev, ino, pages;
	int			 complete;
};

/* The last build's record, whose output directory is in->out_dir: 1, else 0. */
static int
read_record(const struct build_inputs *in, struct record *r)
{
	char path[4096], line[160], magic[64];
	struct stat sb;
	FILE *f;
	int n;

	memset(r, 0, sizeof(*r));
	if (record_path(in, RECORD_NAME, path, sizeof(path)) == -1 ||
	    (f = fopen(path, "re")) == NULL)
		return 0;
	n = fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "%63[^\n]", magic) == 1 && strcmp(magic, RECORD_MAGIC) == 0 &&
	    fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "%" SCNx64 " %llu %llu %d %llu", &r->digest, &r->dev, &r->ino,
	    &r->complete, &r->pages) == 5;
	fclose(f);
	return n && stat(in->out_dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    (unsigned long long)sb.st_dev == r->dev && (unsigned long long)sb.st_ino == r->ino;
}

int
build_inputs_unchanged(const struct build_inputs *in, uint64_t digest, size_t *pages)
{
	struct record r;

	if (!read_record(in, &r))
		return 0;
	*pages = (size_t)r.pages;
	return r.digest == digest && (r.complete || !in->fetch_images) &&
	    is_file(in, "site-manifest") && is_file(in, "site-images") && is_file(in, "access.db");
}

int
build_inputs_same_out(const struct build_inputs *in)
{
	struct record r;

	return read_record(in, &r) && is_file(in, "site-manifest");
}

int
build_inputs_record(const struct build_inputs *in, uint64_t digest, size_t pages,
    int complete, char *err, size_t errlen)
{
	char path[4096], text[160];
	struct stat sb;
	int n;

	if (stat(in->out_dir, &sb) == -1) {
		snprintf(err, errlen, "%.900s: %s", in->out_dir, strerror(errno));
		return -1;
	}
	if (record_path(in, RECORD_NAME, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "%.900s: path too long", in->state_dir);
		return -1;
	}
	n = snprintf(text, sizeof(text), RECORD_MAGIC "\n%016" PRIx64 " %llu %llu %d %zu\n", digest,
	    (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino, complete ? 1 : 0, pages);
	if (n <= 0 || (size_t)n >= sizeof(text)) {
		snprintf(err, errlen, "%.900s: record too long", path);
		return -1;
	}
	if (file_write_atomic(path, text, (size_t)n, 0600) == -1) {
		snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
build_inputs_forget(const struct build_inputs *in)
{
	char path[4096];

	if (record_path(in, RECORD_NAME, path, sizeof(path)) == 0)
		unlink(path);
}
