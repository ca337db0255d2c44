/*
 * keys.c — load and vet the keys file.  See keys.h for the format.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "code_prefix.h"
#include "keys.h"

static const char *const well_known[] = {
	DEMO_SECRET_KEY, DEMO_BUNNY_TOKEN_KEY, "changeme", "change-me",
	"change_me", "secret", "password", "demo", "test", "example",
	"your-secret-key", "your-secret-key-here", "supersecret",
	"insecure-secret-key", NULL
};

static void
defaults(struct keys *k)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->prefix, sizeof(k->prefix), "%s", CODE_PREFIX_DEFAULT);
	k->cookie_secure = 1;
	k->library_id = -1;
}

/* 1 to 18 decimal digits (Bunny's ids are small positive numbers). */
static int
library_id(const char *v, size_t n, long long *out)
{
	long long x = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	*out = x;
	return 0;
}

static int
flag(const char *v, size_t n, int *out)
{
	if (n == 1 && (v[0] == '0' || v[0] == '1')) {
		*out = v[0] == '1';
		return 0;
	}
	return -1;
}

int
keys_load(const char *path, struct keys *k, char *err, size_t errlen)
{
	char data[KEYS_FILE_MAX + 1];
	struct stat st;
	ssize_t r;
	size_t len = 0, lineno = 0;
	char *line, *next;
	int fd;

	defaults(k);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "%s: %s (create it: KEY=VALUE lines with "
		    "SECRET_KEY and BUNNY_TOKEN_KEY, mode 0600)", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen, "%s: readable or writable by others "
		    "(run chmod 600 on it)", path);
		close(fd);
		return -1;
	}
	while ((r = read(fd, data + len, sizeof(data) - len)) > 0)
		len += (size_t)r;
	close(fd);
	if (r < 0 || len > KEYS_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, r < 0 ? strerror(errno) :
		    "longer than 16 KiB");
		explicit_bzero(data, sizeof(data));
		return -1;
	}
	data[len] = '\0';
	if (memchr(data, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		explicit_bzero(data, sizeof(data));
		return -1;
	}
	for (line = data; line != NULL && *line != '\0'; line = next) {
		char *eq, *v;
		size_t n, vn;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL || eq == line) {
			snprintf(err, errlen, "%s:%zu: expected NAME=VALUE", path, lineno);
			goto fail;
		}
		*eq = '\0';
		v = eq + 1;
		vn = strlen(v);
		if (vn > KEY_MAX) {
			snprintf(err, errlen, "%s:%zu: value longer than %d bytes",
			    path, lineno, KEY_MAX);
			goto fail;
		}
		if (strcmp(line, "SECRET_KEY") == 0) {
			memcpy(k->secret, v, vn + 1);
			k->secret_len = vn;
		} else if (strcmp(line, "BUNNY_TOKEN_KEY") == 0) {
			memcpy(k->bunny, v, vn + 1);
			k->bunny_len = vn;
		} else if (strcmp(line, "BUNNY_WEBHOOK_KEY") == 0) {
			memcpy(k->webhook, v, vn + 1);
			k->webhook_len = vn;
		} else if (strcmp(line, "BUNNY_LIBRARY_ID") == 0) {
			if (library_id(v, vn, &k->library_id) != 0) {
				snprintf(err, errlen, "%s:%zu: BUNNY_LIBRARY_ID must be "
				    "the library's number (Stream → the library → API)",
				    path, lineno);
				goto fail;
			}
		} else if (strcmp(line, "CODE_PREFIX") == 0) {
			if (!code_prefix_ok(v)) {
				snprintf(err, errlen, "%s:%zu: CODE_PREFIX must be 1 to 8 "
				    "upper-case letters or digits", path, lineno);
				goto fail;
			}
			memcpy(k->prefix, v, vn + 1);
		} else if (strcmp(line, "COOKIE_SECURE") == 0) {
			if (flag(v, vn, &k->cookie_secure) != 0) {
				snprintf(err, errlen, "%s:%zu: COOKIE_SECURE must be 0 or 1",
				    path, lineno);
				goto fail;
			}
		} else if (strcmp(line, "DEMO") == 0) {
			if (flag(v, vn, &k->demo) != 0) {
				snprintf(err, errlen, "%s:%zu: DEMO must be 0 or 1", path, lineno);
				goto fail;
			}
		}
	}
	explicit_bzero(data, sizeof(data));
	return 0;
fail:
	explicit_bzero(data, sizeof(data));
	keys_wipe(k);
	defaults(k);
	return -1;
}

static int
weak(const char *v, size_t n)
{
	size_t i;

	if (n < KEY_MIN_STRONG)
		return 1;
	for (i = 0; well_known[i] != NULL; i++)
		if (strlen(well_known[i]) == n && strncasecmp(v, well_known[i], n) == 0)
			return 1;
	return 0;
}

int
keys_check_serve(const struct keys *k, char *err, size_t errlen)
{
	if (k->secret_len == 0 || k->bunny_len == 0) {
		snprintf(err, errlen, "keys file lacks %s (add it; see docs/verifier.md)",
		    k->secret_len == 0 ? "SECRET_KEY" : "BUNNY_TOKEN_KEY");
		return -1;
	}
	if (!k->demo && weak(k->secret, k->secret_len)) {
		snprintf(err, errlen, "SECRET_KEY is well-known or shorter than %d "
		    "bytes: generate one (openssl rand -hex 32)", KEY_MIN_STRONG);
		return -1;
	}
	if (!k->demo && weak(k->bunny, k->bunny_len)) {
		snprintf(err, errlen, "BUNNY_TOKEN_KEY is well-known or shorter than "
		    "%d bytes: copy the pull zone's key from the Bunny dashboard",
		    KEY_MIN_STRONG);
		return -1;
	}
	return 0;
}

int
keys_check_sign(const struct keys *k, char *err, size_t errlen)
{
	if (k->bunny_len > 0 && !k->demo && weak(k->bunny, k->bunny_len)) {
		snprintf(err, errlen, "BUNNY_TOKEN_KEY is well-known or shorter than "
		    "%d bytes: copy the pull zone's key from the Bunny dashboard",
		    KEY_MIN_STRONG);
		return -1;
	}
	return 0;
}

void
keys_wipe(struct keys *k)
{
	explicit_bzero(k, sizeof(*k));
}
