/*
 * floor.c — the floor row of `make bench` (issue 15): what the machine
 * needs to write our build's files with no rendering at all.
 *
 *   floor [--in-place] LIST OUT [THREADS]
 *
 * LIST holds one "SIZE PATH" line per file (bench/run takes it from our
 * built site with find -printf, before the timing).  For each file, floor
 * creates its parent directories under OUT, writes SIZE bytes to a temporary
 * file in the same directory, closes it and renames it into place: the
 * system calls of an atomic per-file publish (generator/base/site_write.c
 * stages into OUT/.onlygen-staging/ and renames from there: the same calls).
 * With --in-place it writes each file at its path (open, write, close, no
 * rename): what a first build into an empty directory does (docs/site.md,
 * "Atomic publishing"), so a full build is measured against both.
 * THREADS (1 or 2, default 1) workers each take a contiguous share of
 * LIST, in order: LIST is grouped by directory, so two workers create
 * entries in the same directory only where their shares meet, as our two
 * render threads claiming pages from both ends of the list do.  (Taken in
 * interleaved order, they wait on each other's directory lock: 0.44 s
 * against 0.30 s for 20 864 files in place, docs/benchmarks.md.)  Prints
 * "N files, B bytes, D directories".
 *
 * The bytes are a fixed pattern: the file system does not compress, so the
 * content does not change the cost.  Reading LIST (~6 MB at 100 000 videos)
 * is part of the timed process; it is a few milliseconds.
 */
#define _GNU_SOURCE	/* O_DIRECTORY, O_CLOEXEC, openat and strdup under -std=c17 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP	1024		/* bytes of one path under OUT */
#define FILES_CAP	(10u << 20)	/* 10 M files */
#define SIZE_CAP	((size_t)1 << 30)	/* 1 GiB for one file */
#define THREADS_CAP	2

struct entry {
	size_t	 size;
	char	*path;		/* relative to OUT */
};

struct job {
	const struct entry	*e;
	size_t			 n;
	int			 outfd;
	const char		*pattern;
	unsigned		 id, nthreads;
	int			 in_place;	/* no temporary, no rename */
	size_t			 dirs;		/* directories this worker created */
	char			 err[PATH_CAP + 128];
};

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* mkdir -p of path's parents under dirfd; counts the ones it made. */
static int
mkparents(int dirfd, const char *path, size_t *made)
{
	char p[PATH_CAP];
	char *s;
	size_t n = strlen(path);

	if (n >= sizeof(p))
		return -1;
	memcpy(p, path, n + 1);
	for (s = strchr(p, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dirfd, p, 0755) == 0)
			(*made)++;
		else if (errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

static int
publish(struct job *j, const struct entry *e)
{
	char tmp[PATH_CAP + 32];
	const char *slash = strrchr(e->path, '/');
	int fd, n;

	n = j->in_place ? snprintf(tmp, sizeof(tmp), "%s", e->path) : slash == NULL ?
	    snprintf(tmp, sizeof(tmp), ".floor-%u.tmp", j->id) :
	    snprintf(tmp, sizeof(tmp), "%.*s/.floor-%u.tmp", (int)(slash - e->path), e->path, j->id);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	fd = openat(j->outfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1 && errno == ENOENT) {
		if (mkparents(j->outfd, e->path, &j->dirs) == -1)
			return -1;
		fd = openat(j->outfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	}
	if (fd == -1)
		return -1;
	if (write_all(fd, j->pattern, e->size) == -1) {
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return -1;
	if (j->in_place)
		return 0;
	return renameat(j->outfd, tmp, j->outfd, e->path);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	size_t lo = j->n * j->id / j->nthreads, hi = j->n * (j->id + 1) / j->nthreads, i;

	for (i = lo; i < hi; i++)
		if (publish(j, &j->e[i]) == -1) {
			snprintf(j->err, sizeof(j->err), "%s: %s", j->e[i].path, strerror(errno));
			return j;
		}
	return NULL;
}

/* A safe relative path: no leading '/', no "." or ".." segment. */
static int
path_ok(const char *p)
{
	const char *s = p;

	if (*p == '\0' || *p == '/' || strlen(p) >= PATH_CAP)
		return 0;
	for (;;) {
		size_t len = strcspn(s, "/");

		if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (s[len] == '\0')
			return 1;
		s += len + 1;
	}
}

static int
load(const char *file, struct entry **out, size_t *nout, size_t *maxsize, size_t *total)
{
	FILE *f = fopen(file, "r");
	char line[PATH_CAP + 32];
	struct entry *e = NULL;
	size_t n = 0, cap = 0, lineno = 0;

	if (f == NULL) {
		fprintf(stderr, "floor: %s: %s\n", file, strerror(errno));
		return -1;
	}
	*maxsize = *total = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *sp, *end, *nl;
		unsigned long long sz;

		lineno++;
		nl = strchr(line, '\n');
		if (nl == NULL)
			goto bad;
		*nl = '\0';
		sp = strchr(line, ' ');
		if (sp == NULL)
			goto bad;
		*sp = '\0';
		errno = 0;
		sz = strtoull(line, &end, 10);
		if (errno != 0 || end == line || *end != '\0' || sz > SIZE_CAP || !path_ok(sp + 1))
			goto bad;
		if (n == cap) {
			struct entry *ne;

			cap = cap ? cap * 2 : 4096;
			if (cap > FILES_CAP || (ne = realloc(e, cap * sizeof(*e))) == NULL)
				goto oom;
			e = ne;
		}
		if ((e[n].path = strdup(sp + 1)) == NULL)
			goto oom;
		e[n].size = (size_t)sz;
		if (e[n].size > *maxsize)
			*maxsize = e[n].size;
		*total += e[n].size;
		n++;
	}
	fclose(f);
	*out = e;
	*nout = n;
	return 0;
bad:
	fprintf(stderr, "floor: %s:%zu: want \"SIZE PATH\" (a relative path)\n", file, lineno);
	goto fail;
oom:
	fprintf(stderr, "floor: out of memory (or over %u files)\n", FILES_CAP);
fail:
	while (n > 0)
		free(e[--n].path);
	free(e);
	fclose(f);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct job job[THREADS_CAP];
	pthread_t th[THREADS_CAP];
	struct entry *e;
	size_t n, maxsize, total, dirs = 0, i;
	char *pattern;
	unsigned nthreads = 1, t;
	int outfd, rc = 0, in_place = 0;

	if (argc > 1 && strcmp(argv[1], "--in-place") == 0) {
		in_place = 1;
		argv++;
		argc--;
	}
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "1") != 0 &&
	    strcmp(argv[3], "2") != 0)) {
		fprintf(stderr, "usage: floor [--in-place] LIST OUT [1|2]\n");
		return 2;
	}
	if (argc == 4)
		nthreads = (unsigned)(argv[3][0] - '0');
	if (load(argv[1], &e, &n, &maxsize, &total) == -1)
		return 1;
	if ((pattern = malloc(maxsize + 1)) == NULL) {
		fprintf(stderr, "floor: out of memory\n");
		return 1;
	}
	for (i = 0; i < maxsize; i++)
		pattern[i] = (char)('a' + i % 26);
	if (mkdir(argv[2], 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "floor: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if ((outfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "floor: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (t = 0; t < nthreads; t++) {
		job[t] = (struct job){ .e = e, .n = n, .outfd = outfd, .pattern = pattern,
		    .id = t, .nthreads = nthreads, .in_place = in_place };
		if (pthread_create(&th[t], NULL, worker, &job[t]) != 0) {
			fprintf(stderr, "floor: cannot start a thread\n");
			return 1;
		}
	}
	for (t = 0; t < nthreads; t++) {
		void *r;

		pthread_join(th[t], &r);
		if (r != NULL) {
			fprintf(stderr, "floor: %s\n", job[t].err);
			rc = 1;
		}
		dirs += job[t].dirs;
	}
	close(outfd);
	if (rc == 0)
		printf("%zu files, %zu bytes, %zu directories, %u thread%s%s\n", n, total, dirs,
		    nthreads, nthreads == 1 ? "" : "s", in_place ? ", in place" : "");
	for (i = 0; i < n; i++)
		free(e[i].path);
	free(e);
	free(pattern);
	return rc;
}
