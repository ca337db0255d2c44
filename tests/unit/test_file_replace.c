/*
 * test_file_replace.c — a file put in place of another (file_replace.h):
 * over a regular file by exchange (which this file system must do) (the new inode at the path, the
 * temporary name gone with the old file, a reader of the old file still
 * reading it), else as rename(2) does: to a new path, over a symbolic
 * link (the link replaced, its target left alone), an error over a
 * directory or from a missing file, nothing moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "file_replace.h"

static int
put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t n = strlen(text);

	if (fd == -1)
		return -1;
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* path holds exactly text */
static int
holds(const char *path, const char *text)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == (ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

static ino_t
ino(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 ? sb.st_ino : 0;
}

int
main(void)
{
	char dir[] = "/tmp/test_file_replace.XXXXXX", path[600], tmp[600], other[600];
	char buf[16];
	struct stat sb;
	ino_t staged;
	int old;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/model.image", dir);
	snprintf(tmp, sizeof(tmp), "%s/model.image.tmp", dir);
	snprintf(other, sizeof(other), "%s/target", dir);

	/* a new path: renamed */
	CHECK(put(tmp, "first") == 0 && file_replace(tmp, path) == 0 && holds(path, "first") &&
	    access(tmp, F_OK) == -1, "to a new path: renamed");

	/* over a regular file: exchanged, the old one gone with tmp's name */
	old = open(path, O_RDONLY);
	CHECK(old != -1 && put(tmp, "second") == 0, "the old file open, a new one written");
	staged = ino(tmp);
	CHECK(file_replace(tmp, path) == 0 && holds(path, "second"), "replaced");
	CHECK(staged != 0 && ino(path) == staged, "the new inode is at the path");
	CHECK(access(tmp, F_OK) == -1, "the temporary name is gone (it named the old file)");
	CHECK(old != -1 && pread(old, buf, sizeof(buf), 0) == 5 && memcmp(buf, "first", 5) == 0 &&
	    fstat(old, &sb) == 0 && sb.st_nlink == 0,
	    "a reader of the old file still reads it; it has no name left");
	if (old != -1)
		close(old);

	/* the exchange itself, not a rename in its place: 0 over a regular file
	 * (a file system without it would fail here, and file_replace() rename) */
	staged = put(tmp, "swapped") == 0 ? ino(tmp) : 0;
	CHECK(staged != 0 && file_exchange_at(AT_FDCWD, tmp, path) == 0 && ino(path) == staged &&
	    holds(path, "swapped") && access(tmp, F_OK) == -1,
	    "file_exchange_at: the files swapped, the old one's name removed");

	/* a missing path moves nothing */
	unlink(other);
	CHECK(put(tmp, "third") == 0 && file_exchange_at(AT_FDCWD, tmp, other) == -1 &&
	    errno == ENOENT && holds(tmp, "third"), "no file to exchange with: nothing moved");

	/* over a symbolic link: the link replaced, its target left alone */
	CHECK(put(other, "target") == 0 && unlink(path) == 0 && symlink(other, path) == 0 &&
	    file_replace(tmp, path) == 0 && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    holds(path, "third") && holds(other, "target"),
	    "over a symbolic link: the link replaced, its target untouched");

	/* over a directory: rename's error, both left */
	CHECK(unlink(path) == 0 && mkdir(path, 0700) == 0 && put(tmp, "fourth") == 0 &&
	    file_replace(tmp, path) == -1 && errno == EISDIR && lstat(path, &sb) == 0 &&
	    S_ISDIR(sb.st_mode) && holds(tmp, "fourth"),
	    "over a directory: an error (EISDIR), the directory and the file stay");
	rmdir(path);

	/* a missing temporary file: an error, the file in place untouched */
	CHECK(put(path, "kept") == 0 && unlink(tmp) == 0 && file_replace(tmp, path) == -1 &&
	    errno == ENOENT && holds(path, "kept"), "no temporary file: ENOENT, the file kept");

	unlink(path);
	unlink(other);
	rmdir(dir);
	return check_report();
}
