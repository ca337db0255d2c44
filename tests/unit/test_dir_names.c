/*
 * test_dir_names.c — one directory's names read once (generator/base):
 * a missing directory is empty, "." and ".." are not names, every name
 * made is found and no other, the cap is an error, and an unreadable
 * path is one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dir_names.h"

#define N	3000

int
main(void)
{
	struct dir_names d;
	char dir[] = "/tmp/test_dir_names.XXXXXX", path[256], name[32];
	size_t i, wrong = 0;
	int fd;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/absent", dir);
	CHECK(dir_names_load(&d, path, 10) == 0 && d.n == 0 && !dir_names_has(&d, "x"),
	    "a missing directory: no names, no error");
	dir_names_free(&d);
	CHECK(dir_names_load(&d, dir, 10) == 0 && d.n == 0 && !dir_names_has(&d, ".") &&
	    !dir_names_has(&d, ".."), "an empty directory: \".\" and \"..\" are not names");
	dir_names_free(&d);

	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "%s/v%05zu", dir, i * 7);
		if (i % 2 == 0 ? mkdir(path, 0755) == -1 :
		    ((fd = open(path, O_WRONLY | O_CREAT, 0644)) == -1 || close(fd) == -1))
			wrong++;
	}
	CHECK(wrong == 0, "%d entries made (directories and files)", N);
	CHECK(dir_names_load(&d, dir, N) == 0 && d.n == N, "all %d read (n %zu)", N, d.n);
	for (i = wrong = 0; i < N; i++) {
		snprintf(name, sizeof(name), "v%05zu", i * 7);
		wrong += !dir_names_has(&d, name);
		snprintf(name, sizeof(name), "v%05zu", i * 7 + 1);
		wrong += dir_names_has(&d, name);
	}
	CHECK(wrong == 0, "each name made is there, its neighbours are not (%zu wrong)", wrong);
	CHECK(!dir_names_has(&d, "") && !dir_names_has(&d, "v0000"),
	    "no empty name, no prefix of a name");
	dir_names_free(&d);
	CHECK(d.n == 0 && d.block == NULL, "free leaves a zeroed set");
	dir_names_free(&d);	/* twice: accepted */

	errno = 0;
	CHECK(dir_names_load(&d, dir, N - 1) == -1 && errno == E2BIG && d.n == 0,
	    "more names than the cap: -1 with E2BIG, an empty set");
	dir_names_free(&d);
	snprintf(path, sizeof(path), "%s/v00007", dir);	/* a file, not a directory */
	errno = 0;
	CHECK(dir_names_load(&d, path, N) == -1 && errno == ENOTDIR,
	    "a file is not a directory: -1 with ENOTDIR");
	dir_names_free(&d);

	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "%s/v%05zu", dir, i * 7);
		(void)(i % 2 == 0 ? rmdir(path) : unlink(path));
	}
	rmdir(dir);
	return check_report();
}
