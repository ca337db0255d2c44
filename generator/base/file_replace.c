/*
 * file_replace.c — a file put in place of another by exchange
 * (file_replace.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_replace.h"

int
file_exchange_at(int dirfd, const char *tmp, const char *path)
{
	if (renameat2(dirfd, tmp, dirfd, path, RENAME_EXCHANGE) == -1)
		return -1;
	(void)unlinkat(dirfd, tmp, 0);	/* the old file: failing, it waits for the next tmp */
	return 0;
}

int
file_replace(const char *tmp, const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    file_exchange_at(AT_FDCWD, tmp, path) == 0)
		return 0;
	return rename(tmp, path);
}
