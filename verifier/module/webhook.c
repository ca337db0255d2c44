/*
 * webhook.c — Bunny Stream webhook: signature check, strict body parse and
 * the atomic rebuild record.  See webhook.h for the contracts.
 *
 * Accepted body grammar (RFC 8259 subset, no nesting):
 *   body   = ws "{" ws [ member *( ws "," ws member ) ] ws "}" ws
 *   member = string ws ":" ws ( string / integer / "true" / "false" / "null" )
 * strings have no control bytes; escapes are accepted only in ignored members.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ct.h"
#include "guid.h"
#include "hmac.h"
#include "store_file.h"
#include "webhook.h"
#include "hex.h"

#define MAC_LEN HMAC_LEN

/* Decodes exactly 2*n hex digits; -1 on a wrong length or a non-hex byte. */
static int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = hex_digit((unsigned char)s[2 * i])) < 0 ||
		    (lo = hex_digit((unsigned char)s[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

enum webhook_status
webhook_verify(const struct hmac_key *key, const char *version,
    const char *algorithm, const char *signature, const void *body, size_t len)
{
	unsigned char want[MAC_LEN], got[MAC_LEN];
	int eq;

	if (key == NULL)
		return WEBHOOK_NO_KEY;
	if (version == NULL || strcmp(version, "v1") != 0)
		return WEBHOOK_BAD_VERSION;
	if (algorithm == NULL || strcmp(algorithm, "hmac-sha256") != 0)
		return WEBHOOK_BAD_ALGORITHM;
	if (len > WEBHOOK_MAX_BODY)
		return WEBHOOK_TOO_LARGE;
	/* The length and alphabet of the header are not secret: check first. */
	if (signature == NULL || hex_decode(signature, got, MAC_LEN) != 0)
		return WEBHOOK_BAD_SIGNATURE;
	hmac_sha256(key, body, len, want);
	/* ct_memeq touches every byte: the time says nothing about how many
	 * leading bytes of a forged MAC were right. */
	eq = ct_memeq(want, got, MAC_LEN);
	memset(want, 0, sizeof(want));
	return eq ? WEBHOOK_OK : WEBHOOK_BAD_SIGNATURE;
}

/* ---- strict body parser ---------------------------------------------- */

struct cur {
	const char	*start, *p, *end;
	char		*err;
	size_t		 errlen;
};

static int
fail(struct cur *c, const char *what)
{
	snprintf(c->err, c->errlen, "webhook body: %s at byte %zu", what,
	    (size_t)(c->p - c->start));
	return -1;
}

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
lit(struct cur *c, char ch)
{
	ws(c);
	if (c->p >= c->end || *c->p != ch)
		return -1;
	c->p++;
	return 0;
}

/* A string; (*s, *n) is the raw content between the quotes. *esc is set
 * when it contains a backslash escape. */
static int
str(struct cur *c, const char **s, size_t *n, int *esc)
{
	ws(c);
	if (c->p >= c->end || *c->p != '"')
		return fail(c, "expected a string");
	*s = ++c->p;
	*esc = 0;
	while (c->p < c->end && *c->p != '"') {
		if ((unsigned char)*c->p < 0x20)
			return fail(c, "control byte in a string");
		if (*c->p == '\\') {
			*esc = 1;
			if (++c->p >= c->end)
				break;
		}
		c->p++;
	}
	if (c->p >= c->end)
		return fail(c, "unterminated string");
	*n = (size_t)(c->p - *s);
	c->p++;
	return 0;
}

/* A JSON integer (no fraction or exponent) in [0, max]. */
static int
integer(struct cur *c, long long max, long long *out)
{
	long long v = 0;
	const char *start;

	ws(c);
	start = c->p;
	if (c->p < c->end && *c->p == '-')
		return fail(c, "negative number");
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (v > (max - (*c->p - '0')) / 10)
			return fail(c, "number out of range");
		v = v * 10 + (*c->p - '0');
		c->p++;
	}
	if (c->p == start)
		return fail(c, "expected an integer");
	if (c->p - start > 1 && *start == '0')
		return fail(c, "leading zero");
	if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
		return fail(c, "expected an integer");
	*out = v;
	return 0;
}

/* Skips an ignored member's scalar value. */
static int
scalar(struct cur *c)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *s;
	size_t n, i;
	int esc;

	ws(c);
	if (c->p >= c->end)
		return fail(c, "expected a value");
	if (*c->p == '"')
		return str(c, &s, &n, &esc);
	if (*c->p == '{' || *c->p == '[')
		return fail(c, "nested value");
	if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
		c->p++;
		while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') ||
		    *c->p == '.' || *c->p == 'e' || *c->p == 'E' ||
		    *c->p == '+' || *c->p == '-'))
			c->p++;
		return 0;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if ((size_t)(c->end - c->p) >= n &&
		    memcmp(c->p, words[i], n) == 0) {
			c->p += n;
			return 0;
		}
	}
	return fail(c, "expected a value");
}

static int
keyis(const char *k, size_t n, const char *name)
{
	return n == strlen(name) && memcmp(k, name, n) == 0;
}

int
webhook_parse(const char *body, size_t len, struct webhook_event *ev,
    char *err, size_t errlen)
{
	struct cur c = { body, body, body + len, err, errlen };
	const char *k, *s;
	size_t kn, sn;
	int esc, seen = 0;
	long long v;

	if (len > WEBHOOK_MAX_BODY) {
		snprintf(err, errlen, "webhook body: larger than %d bytes",
		    WEBHOOK_MAX_BODY);
		return -1;
	}
	memset(ev, 0, sizeof(*ev));
	if (lit(&c, '{') != 0)
		return fail(&c, "expected '{'");
	ws(&c);
	if (c.p < c.end && *c.p == '}')
		c.p++;
	else for (;;) {
		if (str(&c, &k, &kn, &esc) != 0)
			return -1;
		if (lit(&c, ':') != 0)
			return fail(&c, "expected ':'");
		if (keyis(k, kn, "VideoLibraryId")) {
			if (seen & 1)
				return fail(&c, "duplicate VideoLibraryId");
			if (integer(&c, 1LL << 53, &ev->library_id) != 0)
				return -1;
			seen |= 1;
		} else if (keyis(k, kn, "VideoGuid")) {
			if (seen & 2)
				return fail(&c, "duplicate VideoGuid");
			if (str(&c, &s, &sn, &esc) != 0)
				return -1;
			if (esc || !guid_norm(s, sn, ev->guid))
				return fail(&c, "VideoGuid is not a UUID");
			seen |= 2;
		} else if (keyis(k, kn, "Status")) {
			if (seen & 4)
				return fail(&c, "duplicate Status");
			if (integer(&c, 255, &v) != 0)
				return -1;
			ev->status = (int)v;
			seen |= 4;
		} else if (scalar(&c) != 0)
			return -1;
		ws(&c);
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		if (lit(&c, '}') != 0)
			return fail(&c, "expected ',' or '}'");
		break;
	}
	ws(&c);
	if (c.p != c.end)
		return fail(&c, "trailing bytes after the object");
	if (seen != 7) {
		snprintf(err, errlen, "webhook body: missing %s",
		    !(seen & 1) ? "VideoLibraryId" : !(seen & 2) ? "VideoGuid" :
		    "Status");
		return -1;
	}
	return 0;
}

int
webhook_status_rebuilds(int status)
{
	switch (status) {
	case 0: case 1: case 2: case 6: case 7: case 8:
		return 0;
	default:
		return 1;
	}
}

int
webhook_record(const char *path, const struct webhook_event *ev,
    long long now, char *err, size_t errlen)
{
	char tmp[4096], line[256];
	int fd, n;
	ssize_t w;

	n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "rebuild record path too long");
		return -1;
	}
	n = snprintf(line, sizeof(line), "{\"VideoLibraryId\":%lld,"
	    "\"VideoGuid\":\"%s\",\"Status\":%d,\"ReceivedAt\":%lld}\n",
	    ev->library_id, ev->guid, ev->status, now);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		snprintf(err, errlen, "rebuild record too long");
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "%s: cannot create: %s (is its directory "
		    "writable by the server user?)", tmp, strerror(errno));
		return -1;
	}
	/* Readable by the watcher through the group (0640), or as the record
	 * it replaces was. */
	(void)store_file_replace_mode(fd, path, STORE_MODE_GROUP);
	w = write(fd, line, (size_t)n);
	if (w != n || close(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp,
		    strerror(errno));
		if (w == n)
			fd = -1;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
webhook_digest(const void *body, size_t len, unsigned char digest[32])
{
	unsigned int n = 0;

	if (EVP_Digest(body, len, digest, &n, EVP_sha256(), NULL) != 1 || n != 32)
		memset(digest, 0, 32);	/* never matches a real body's */
}

int
webhook_seen(const struct webhook_replay *r, const unsigned char digest[32],
    double now)
{
	size_t i;

	for (i = 0; i < WEBHOOK_SEEN_SLOTS; i++) {
		const struct webhook_seen *s = &r->slot[i];

		/* A digest is not a secret: memcmp's early exit tells nothing. */
		if (s->used && now - s->at < WEBHOOK_REPLAY_WINDOW &&
		    now >= s->at && memcmp(s->digest, digest, 32) == 0)
			return 1;
	}
	return 0;
}

void
webhook_remember(struct webhook_replay *r, const unsigned char digest[32],
    double now)
{
	struct webhook_seen *s = &r->slot[r->next];

	memcpy(s->digest, digest, 32);
	s->at = now;
	s->used = 1;
	r->next = (r->next + 1) % WEBHOOK_SEEN_SLOTS;
}
