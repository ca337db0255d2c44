/*
 * deploy_local.c — file lists, the exclusion rule and the walk of the local
 * site directory (regular files only, symlinks never followed, SHA-256 of
 * each file).  See deploy.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "deploy.h"

void
dlist_free(struct dlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int
dlist_add(struct dlist *l, const char *path, uint64_t size, const char *sha256)
{
	struct dfile *nv;
	size_t ncap;

	if (l->n >= DEPLOY_MAX_FILES)
		return -1;
	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 64;
		if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	if ((l->v[l->n].path = strdup(path)) == NULL)
		return -1;
	l->v[l->n].size = size;
	snprintf(l->v[l->n].sha256, sizeof(l->v[l->n].sha256), "%s",
	    sha256 ? sha256 : "");
	l->n++;
	return 0;
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct dfile *)a)->path,
	    ((const struct dfile *)b)->path);
}

void
dlist_sort(struct dlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_path);
}

const struct dfile *
dlist_find(const struct dlist *l, const char *path)
{
	struct dfile key = { .path = (char *)(uintptr_t)path };

	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_path);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

const char *
deploy_excluded(const char *name, int is_dir, int top)
{
	static const char *const secret_suffix[] = {
		".keys", ".key", ".pem", ".p12", ".db", ".db-wal", ".db-shm",
		".db-journal", ".sqlite", ".sqlite3",
	};
	size_t i, n = strlen(name);

	if (n == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "not a file name";
	if (name[0] == '.')
		return "dotfile";
	if (name[0] == ' ' || name[n - 1] == ' ')
		return "name starts or ends with a space (Bunny refuses it)";
	if (strchr(name, '\\') != NULL)
		return "backslash in the name";
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return "control byte in the name";
	if (is_dir)
		return top && strcmp(name, "var") == 0 ?
		    "var/ holds state and keys" : NULL;
	if (name[n - 1] == '~' || has_suffix(name, ".swp") ||
	    has_suffix(name, ".tmp"))
		return "editor or temporary file";
	for (i = 0; i < sizeof(secret_suffix) / sizeof(secret_suffix[0]); i++)
		if (has_suffix(name, secret_suffix[i]))
			return "keys, certificates and databases are never uploaded";
	/* The rest of what var/ holds, should it be passed as --site: access
	 * codes, server logs (viewers' addresses), webhook records. */
	if (strcmp(name, "demo-codes") == 0)
		return "access codes are never uploaded";
	if (has_suffix(name, ".log"))
		return "logs are never uploaded";
	if (strncmp(name, "rebuild-request", 15) == 0)
		return "webhook records are never uploaded";
	return NULL;
}

void
deploy_sha256_hex(const void *p, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t i;
	static const char hex[] = "0123456789ABCDEF";

	EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* SHA-256 of an open file, streamed; -1 on a read error. */
static int
sha_fd(int fd, uint64_t *size, char out[65])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char chunk[65536], md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c;
	ssize_t n;
	uint64_t total = 0;
	size_t i;
	int rc = -1;

	if ((c = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (EVP_DigestUpdate(c, chunk, (size_t)n) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(c, md, &mdlen) != 1)
		goto out;
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	*size = total;
	rc = 0;
out:
	EVP_MD_CTX_free(c);
	return rc;
}

struct walk {
	struct dlist	*out;
	void		(*warn)(void *, const char *);
	void		*warnarg;
	char		*err;
	size_t		 errlen;
	char		 rel[DEPLOY_MAX_PATH + 1];
};

static void
warnf(struct walk *w, const char *rel, const char *why)
{
	char msg[DEPLOY_MAX_PATH + 128];

	if (w->warn == NULL)
		return;
	snprintf(msg, sizeof(msg), "skipped %s: %s", rel, why);
	w->warn(w->warnarg, msg);
}

/* Walks the directory open at dfd whose relative path is w->rel (len). */
static int
walk_dir(struct walk *w, int dfd, size_t len, int depth)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	const char *why;
	size_t nlen;
	int fd, rc = 0;

	if (depth > DEPLOY_MAX_DEPTH) {
		snprintf(w->err, w->errlen, "%s: nested deeper than %d directories",
		    w->rel, DEPLOY_MAX_DEPTH);
		close(dfd);
		return -1;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		snprintf(w->err, w->errlen, "%s: cannot read directory: %s",
		    len ? w->rel : ".", strerror(errno));
		close(dfd);
		return -1;
	}
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		nlen = strlen(e->d_name);
		if (len + 1 + nlen > DEPLOY_MAX_PATH) {
			snprintf(w->err, w->errlen, "%.200s…: path longer than %d "
			    "bytes (Bunny's limit)", w->rel, DEPLOY_MAX_PATH);
			rc = -1;
			break;
		}
		if (len)
			w->rel[len] = '/';
		memcpy(w->rel + len + (len ? 1 : 0), e->d_name, nlen + 1);
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			snprintf(w->err, w->errlen, "%s: %s", w->rel, strerror(errno));
			rc = -1;
		} else if (S_ISLNK(st.st_mode)) {
			warnf(w, w->rel, "symbolic link (never followed)");
		} else if (S_ISDIR(st.st_mode)) {
			if ((why = deploy_excluded(e->d_name, 1, len == 0)) != NULL)
				warnf(w, w->rel, why);
			else if ((fd = openat(dirfd(d), e->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
				snprintf(w->err, w->errlen, "%s: %s", w->rel,
				    strerror(errno));
				rc = -1;
			} else
				rc = walk_dir(w, fd, len + (len ? 1 : 0) + nlen,
				    depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			warnf(w, w->rel, "not a regular file");
		} else if ((why = deploy_excluded(e->d_name, 0, len == 0)) != NULL) {
			warnf(w, w->rel, why);
		} else if ((uint64_t)st.st_size > DEPLOY_MAX_FILE) {
			snprintf(w->err, w->errlen, "%s: larger than %llu bytes; "
			    "host big media on Bunny Stream instead", w->rel,
			    (unsigned long long)DEPLOY_MAX_FILE);
			rc = -1;
		} else {
			char sha[65];
			uint64_t size = 0;

			if ((fd = openat(dirfd(d), e->d_name, O_RDONLY |
			    O_NOFOLLOW | O_CLOEXEC)) < 0 ||
			    sha_fd(fd, &size, sha) != 0) {
				snprintf(w->err, w->errlen, "%s: cannot read: %s",
				    w->rel, strerror(errno));
				rc = -1;
			} else if (dlist_add(w->out, w->rel, size, sha) != 0) {
				snprintf(w->err, w->errlen, "%s: too many files "
				    "(limit %d) or out of memory", w->rel,
				    DEPLOY_MAX_FILES);
				rc = -1;
			}
			if (fd >= 0)
				close(fd);
		}
		w->rel[len] = '\0';
	}
	if (rc == 0 && errno != 0) {
		snprintf(w->err, w->errlen, "%s: cannot read directory: %s",
		    len ? w->rel : ".", strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

int
deploy_walk(const char *root, struct dlist *out,
    void (*warn)(void *, const char *), void *warnarg, char *err, size_t errlen)
{
	struct walk *w;
	int fd, rc;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: cannot open the site directory: %s "
		    "(run `onlygen build` first?)", root, strerror(errno));
		return -1;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w->out = out;
	w->warn = warn;
	w->warnarg = warnarg;
	w->err = err;
	w->errlen = errlen;
	rc = walk_dir(w, fd, 0, 0);
	free(w);
	if (rc == 0)
		dlist_sort(out);
	return rc;
}
