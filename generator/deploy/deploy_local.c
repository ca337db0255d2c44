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
#include "hash64.h"
#include "site_write.h"

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

/* SHA-256 of an open file of expected size want, streamed, and the
 * build manifest's checksum of its bytes (h64); -1 on a read error. */
static int
sha_fd(int fd, uint64_t want, uint64_t *size, char out[65], uint64_t *sum)
{
	struct h64_stream hs;
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
	h64_begin(&hs, 0, want);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		total += (uint64_t)n;
		h64_update(&hs, chunk, (size_t)n);
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
	*sum = h64_end(&hs);	/* meaningful only when total == want */
	rc = 0;
out:
	EVP_MD_CTX_free(c);
	return rc;
}

struct walk {
	const struct manifest *mf;
	const char	**sorted;	/* the manifest's paths, sorted */
	unsigned char	*seen;		/* per manifest entry: found in the walk */
	size_t		 bad;		/* entries missing or changed */
	struct dlist	*out;
	const struct reporter *rep;
	char		*err;
	size_t		 errlen;
	char		 rel[DEPLOY_MAX_PATH + 1];
};

static void
warnf(struct walk *w, const char *fmt, const char *rel, const char *why)
{
	char msg[DEPLOY_MAX_PATH + 256];

	if (!report_on(w->rep))
		return;
	snprintf(msg, sizeof(msg), fmt, rel, why);
	report(w->rep, REPORT_WARNING, "%s", msg);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when some manifest path starts with dir + "/". */
static int
manifest_has_dir(const struct walk *w, const char *dir)
{
	size_t lo = 0, hi = w->mf->n, mid, n = strlen(dir);

	while (lo < hi) {	/* the first path >= dir */
		mid = lo + (hi - lo) / 2;
		if (strcmp(w->sorted[mid], dir) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Paths starting with dir sort from lo on; "dir/..." may follow
	 * "dir-x" or "dir.x" ('-' and '.' sort before '/'). */
	for (; lo < w->mf->n && strncmp(w->sorted[lo], dir, n) == 0; lo++)
		if (w->sorted[lo][n] == '/')
			return 1;
	return 0;
}

/* A regular file the manifest names: checksum it and check its bytes. */
static int
take_file(struct walk *w, int dfd, const char *name, const struct stat *st,
    const struct mf_entry *e)
{
	char sha[65];
	uint64_t size = 0, sum = 0;
	int fd, rc = 0;

	w->seen[e - w->mf->e] = 1;
	if ((uint64_t)st->st_size > DEPLOY_MAX_FILE) {
		snprintf(w->err, w->errlen, "%s: larger than %llu bytes; "
		    "host big media on Bunny Stream instead", w->rel,
		    (unsigned long long)DEPLOY_MAX_FILE);
		return -1;
	}
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    sha_fd(fd, (uint64_t)st->st_size, &size, sha, &sum) != 0) {
		snprintf(w->err, w->errlen, "%s: cannot read: %s", w->rel,
		    strerror(errno));
		rc = -1;
	} else if (size != (uint64_t)st->st_size || sum != e->sum) {
		warnf(w, "%s: its bytes are not what the build published%s",
		    w->rel, "");
		w->bad++;
	} else if (dlist_add(w->out, w->rel, size, sha) != 0) {
		snprintf(w->err, w->errlen, "%s: too many files (limit %d) or "
		    "out of memory", w->rel, DEPLOY_MAX_FILES);
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Walks the directory open at dfd whose relative path is w->rel (len). */
static int
walk_dir(struct walk *w, int dfd, size_t len, int depth)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	const struct mf_entry *me;
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
			warnf(w, "ignored %.200s…: %s", w->rel,
			    "not in the build's manifest (path too long)");
			continue;
		}
		if (len)
			w->rel[len] = '/';
		memcpy(w->rel + len + (len ? 1 : 0), e->d_name, nlen + 1);
		me = site_path_ok(w->rel) ? manifest_find(w->mf, w->rel) : NULL;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			snprintf(w->err, w->errlen, "%s: %s", w->rel, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode) && me == NULL &&
		    site_path_ok(w->rel) && manifest_has_dir(w, w->rel)) {
			if ((fd = openat(dirfd(d), e->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
				snprintf(w->err, w->errlen, "%s: %s", w->rel,
				    strerror(errno));
				rc = -1;
			} else
				rc = walk_dir(w, fd, len + (len ? 1 : 0) + nlen,
				    depth + 1);
		} else if (me == NULL) {
			warnf(w, "ignored %s%s: not in the build's manifest", w->rel,
			    S_ISDIR(st.st_mode) ? "/" : "");
		} else if (!S_ISREG(st.st_mode)) {
			/* Named by the manifest, but a link, directory or
			 * device: never followed or read. */
			warnf(w, "%s: the build published a file here, found %s",
			    w->rel, S_ISLNK(st.st_mode) ? "a symbolic link" :
			    "something else");
			w->seen[me - w->mf->e] = 1;
			w->bad++;
		} else
			rc = take_file(w, dirfd(d), e->d_name, &st, me);
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
deploy_walk(const char *root, const struct manifest *mf, struct dlist *out,
    const struct reporter *rep, char *err, size_t errlen)
{
	struct walk *w;
	size_t i;
	int fd, rc = -1;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: cannot open the site directory: %s "
		    "(run `onlygen build` first?)", root, strerror(errno));
		return -1;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->sorted = calloc(mf->n ? mf->n : 1, sizeof(*w->sorted))) == NULL ||
	    (w->seen = calloc(mf->n ? mf->n : 1, 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < mf->n; i++)
		w->sorted[i] = mf->e[i].path;
	qsort(w->sorted, mf->n, sizeof(*w->sorted), cmp_str);
	w->mf = mf;
	w->out = out;
	w->rep = rep;
	w->err = err;
	w->errlen = errlen;
	if (walk_dir(w, fd, 0, 0) != 0)
		goto out;
	for (i = 0; i < mf->n; i++)
		if (!w->seen[i]) {
			warnf(w, "%s: the build published it, but it is missing%s",
			    mf->e[i].path, "");
			w->bad++;
		}
	if (w->bad > 0) {
		snprintf(err, errlen, "%zu file%s of the build's manifest %s missing "
		    "or changed since the build; nothing was uploaded (run "
		    "`onlygen build` again)", w->bad, w->bad == 1 ? "" : "s",
		    w->bad == 1 ? "is" : "are");
		goto out;
	}
	dlist_sort(out);
	rc = 0;
out:
	if (w != NULL) {
		free(w->sorted);
		free(w->seen);
	}
	free(w);
	return rc;
}
