/*
 * site_fresh.c — the system calls a full build need not make per page.
 * site_dir_empty(): whether the output directory is empty when a build
 * starts; then no page of it exists and render_item() (site_build.c) need
 * not look for each one (one fstatat per page was 6 % of a full build's
 * CPU).  site_mkparents_after(): a new page's directories, but those its
 * worker's previous page already has (every watch page made "v" again).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site_int.h"
#include "site_write.h"

int
site_dir_empty(int dirfd)
{
	DIR *d;
	struct dirent *de;
	int fd, empty = 1;

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;	/* not known to be empty: look for each page */
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* 1 when dir[0, k) is last or one of its parents. */
static int
made_before(const char *last, size_t nlast, const char *dir, size_t k)
{
	return k <= nlast && memcmp(last, dir, k) == 0 && (k == nlast || last[k] == '/');
}

int
site_mkparents_after(int dirfd, const char *path, char *last, size_t lastsize)
{
	const char *end = strrchr(path, '/');
	size_t dlen, nlast = strlen(last), k;
	char dir[SITE_PATH_MAX];

	if (end == NULL)
		return 0;	/* at the top: no directory to make */
	dlen = (size_t)(end - path);
	if (dlen >= sizeof(dir) || dlen >= lastsize) {
		last[0] = '\0';
		return site_mkparents(dirfd, path);
	}
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	for (k = 1; k <= dlen; k++) {
		if (k < dlen && dir[k] != '/')
			continue;
		if (made_before(last, nlast, dir, k))
			continue;
		dir[k] = '\0';
		if (mkdirat(dirfd, dir, 0755) == -1 && errno != EEXIST) {
			last[0] = '\0';
			return -1;
		}
		if (k < dlen)
			dir[k] = '/';
	}
	memcpy(last, dir, dlen + 1);
	return 0;
}
