/*
 * test_file_sum.c — generator/base/file_sum.h: a file read through
 * buffers smaller than it, of sizes that end on and off its length, gives
 * its length and h64_sum of its bytes whole; an empty file gives 0 and
 * h64_sum of nothing; a file longer than the limit stops early (0); a
 * read that fails says -1 with errno; reading starts where the fd stands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_fixture.h"
#include "check.h"
#include "file_sum.h"
#include "hash64.h"

#define LEN	(3 * 4096 + 77)

int
main(void)
{
	char dir[512], path[600], scratch[5000];
	unsigned char *want;
	uint64_t len, sum;
	size_t i;
	int fd;
	static const size_t caps[] = { 1, 7, 4096, 4097, LEN, 5000 };

	fixture_tmpdir(dir, sizeof(dir), "test_file_sum");
	snprintf(path, sizeof(path), "%s/f", dir);
	want = malloc(LEN);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(want != NULL && fd != -1, "a file and a buffer");
	if (want == NULL || fd == -1)
		return check_report();
	for (i = 0; i < LEN; i++)
		want[i] = (unsigned char)(i * 31 + i / 97);

	/* empty */
	len = sum = 7;
	CHECK(file_sum_fd(fd, scratch, sizeof(scratch), LEN, &len, &sum) == 1 && len == 0 &&
	    sum == h64_sum(0, "", 0), "an empty file: length 0, the sum of nothing");

	CHECK(write(fd, want, LEN) == LEN, "the file written");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t cap = caps[i] < sizeof(scratch) ? caps[i] : sizeof(scratch);

		lseek(fd, 0, SEEK_SET);
		len = sum = 0;
		CHECK(file_sum_fd(fd, scratch, cap, LEN, &len, &sum) == 1 && len == LEN &&
		    sum == h64_sum(0, want, LEN), "read through %zu bytes: its length and "
		    "h64_sum whole", cap);
	}
	lseek(fd, 0, SEEK_SET);
	CHECK(file_sum_fd(fd, scratch, sizeof(scratch), LEN - 1, &len, &sum) == 0,
	    "longer than the limit: 0");
	lseek(fd, 100, SEEK_SET);
	CHECK(file_sum_fd(fd, scratch, sizeof(scratch), LEN, &len, &sum) == 1 &&
	    len == LEN - 100 && sum == h64_sum(0, want + 100, LEN - 100),
	    "from where the fd stands");
	close(fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	errno = 0;
	CHECK(fd != -1 && file_sum_fd(fd, scratch, sizeof(scratch), LEN, &len, &sum) == -1 &&
	    errno == EBADF, "a read that fails: -1, EBADF");
	if (fd != -1)
		close(fd);
	unlink(path);
	rmdir(dir);
	free(want);
	return check_report();
}
