/*
 * test_store_file.c — stores and records get their mode whatever the umask,
 * an existing file keeps its own, a replacement inherits the replaced
 * file's, a symbolic link is never created through, and a world-readable
 * file is recognised.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store_file.h"

static mode_t
mode_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_mode & 0777 : (mode_t)-1;
}

int
main(void)
{
	char dir[] = "/tmp/test_store_file.XXXXXX", a[600], b[600], err[256];
	static const mode_t masks[] = { 0, 022, 077, 0777 };
	mode_t m = 0;
	size_t i;
	int fd;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(a, sizeof(a), "%s/tokens.db", dir);
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mode_t old = umask(masks[i]);

		unlink(a);
		CHECK(store_file_create(a, STORE_MODE_GROUP, err, sizeof(err)) == 1 &&
		    mode_of(a) == 0640, "created 0640 under umask %03o (got %03o)",
		    (unsigned)masks[i], (unsigned)mode_of(a));
		umask(old);
	}
	unlink(a);
	CHECK(store_file_create(a, STORE_MODE_PRIVATE, err, sizeof(err)) == 1 &&
	    mode_of(a) == 0600, "created 0600 (got %03o)", (unsigned)mode_of(a));
	chmod(a, 0660);
	CHECK(store_file_create(a, STORE_MODE_PRIVATE, err, sizeof(err)) == 0 &&
	    mode_of(a) == 0660, "an existing file keeps its mode (0660)");

	snprintf(b, sizeof(b), "%s/link.db", dir);
	CHECK(symlink("/tmp/test_store_file-target-never-made", b) == 0, "a dangling symlink");
	CHECK(store_file_create(b, STORE_MODE_PRIVATE, err, sizeof(err)) == -1 &&
	    access("/tmp/test_store_file-target-never-made", F_OK) != 0 &&
	    strstr(err, "symbolic link") != NULL,
	    "a symbolic link is refused, nothing made through it (%s)", err);
	unlink(b);

	/* A replacement (temporary + rename) inherits the replaced file's mode. */
	snprintf(b, sizeof(b), "%s/access.db.tmp", dir);
	fd = open(b, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && store_file_replace_mode(fd, a, STORE_MODE_GROUP) == 0 &&
	    mode_of(b) == 0660, "a replacement takes the replaced file's mode (0660)");
	if (fd >= 0)
		close(fd);
	unlink(b);
	snprintf(a, sizeof(a), "%s/missing.db", dir);
	fd = open(b, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && store_file_replace_mode(fd, a, STORE_MODE_GROUP) == 0 &&
	    mode_of(b) == 0640, "with nothing to replace it gets the default (0640)");
	if (fd >= 0)
		close(fd);

	chmod(b, 0644);
	CHECK(store_file_world_readable(b, &m) == 1 && m == 0644,
	    "0644 is world-readable");
	chmod(b, 0640);
	CHECK(store_file_world_readable(b, &m) == 0, "0640 is not");
	CHECK(store_file_world_readable(a, &m) == 0, "a missing file is not");
	unlink(b);
	snprintf(a, sizeof(a), "%s/tokens.db", dir);
	unlink(a);
	rmdir(dir);
	return check_report();
}
