/*
 * tree_digest.c — see tree_digest.h.  Names are sorted with strcmp, so the
 * digest does not depend on the order readdir returns them in.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash64.h"
#include "tree_digest.h"

struct walk {
	size_t	 entries;
	char	*err;
	size_t	 errlen;
};

static int
fail(struct walk *w, const char *path, const char *why)
{
	snprintf(w->err, w->errlen, "%.900s: %s", path, why);
	return -1;
}

static int
file_bytes(struct walk *w, int fd, const char *path, uint64_t size, uint64_t *h)
{
	struct h64_stream s;
	unsigned char chunk[65536];
	uint64_t left = size;
	ssize_t n;

	h64_begin(&s, *h, size);
	while (left > 0) {
		n = read(fd, chunk, left < sizeof(chunk) ? (size_t)left : sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(w, path, n == 0 ? "changed while being read" : strerror(errno));
		h64_update(&s, chunk, (size_t)n);
		left -= (uint64_t)n;
	}
	*h = h64_end(&s);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_at(struct walk *w, int dirfd, const char *name, const char *path, int depth,
    uint64_t *h);

static int
walk_dir(struct walk *w, int fd, const char *path, int depth, uint64_t *h)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, sub[4096];
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return fail(w, path, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		char **nn;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > TREE_ENTRIES_MAX) {
			rc = fail(w, path, "more names than a build's inputs hold");
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nn = realloc(names, cap * sizeof(*names))) == NULL) {
				rc = fail(w, path, "out of memory");
				break;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = fail(w, path, "out of memory");
			break;
		}
		n++;
	}
	if (rc == 0) {
		if (n > 1)
			qsort(names, n, sizeof(*names), cmp_names);
		*h = h64_int(*h, (int64_t)n);
		for (i = 0; i < n && rc == 0; i++) {
			if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, names[i]) >= sizeof(sub)) {
				rc = fail(w, path, "a name too long below it");
				break;
			}
			*h = h64_str(*h, names[i]);
			rc = walk_at(w, dirfd(d), names[i], sub, depth + 1, h);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int
walk_at(struct walk *w, int dirfd, const char *name, const char *path, int depth, uint64_t *h)
{
	struct stat sb;
	int fd, rc;

	if (depth > TREE_DEPTH_MAX)
		return fail(w, path, "deeper than a build's inputs go");
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT) {
			*h = h64_str(*h, "(absent)");
			return 0;
		}
		return fail(w, path, strerror(errno));
	}
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return fail(w, path, strerror(errno));
	}
	if (S_ISDIR(sb.st_mode)) {
		*h = h64_str(*h, "(dir)");
		return walk_dir(w, fd, path, depth, h);
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return fail(w, path, "neither a file nor a directory");
	}
	*h = h64_str(*h, "(file)");
	rc = file_bytes(w, fd, path, (uint64_t)sb.st_size, h);
	close(fd);
	return rc;
}

int
tree_digest(const char *path, uint64_t *h, char *err, size_t errlen)
{
	struct walk w = { 0, err, errlen };

	return walk_at(&w, AT_FDCWD, path, path, 0, h);
}
