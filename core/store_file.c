/*
 * store_file.c — creating stores and records with their mode.  See
 * store_file.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_file.h"

int
store_file_create(const char *path, mode_t mode, char *err, size_t errlen)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		struct stat st;

		if (errno == EEXIST && lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
			return 0;
		snprintf(err, errlen, "%s: cannot create: %s", path,
		    errno == EEXIST ? "a symbolic link is there" : strerror(errno));
		return -1;
	}
	/* open() applied the umask: set exactly the mode asked for. */
	if (fchmod(fd, mode) != 0) {
		snprintf(err, errlen, "%s: cannot set mode %04o: %s", path,
		    (unsigned)mode, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 1;
}

int
store_file_replace_mode(int fd, const char *path, mode_t dflt)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		/* Keeping the group lets lighttpd go on reading the file;
		 * only a member of that group (or root) may set it. */
		if (fchown(fd, (uid_t)-1, st.st_gid) != 0) {
			/* not a member of it: the default group stays */
		}
		return fchmod(fd, st.st_mode & 0777);
	}
	return fchmod(fd, dflt);
}

int
store_file_world_readable(const char *path, mode_t *mode)
{
	struct stat st;

	if (stat(path, &st) != 0 || !(st.st_mode & S_IROTH))
		return 0;
	*mode = st.st_mode & 0777;
	return 1;
}
