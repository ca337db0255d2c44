/*
 * test_buf_read.c — buf_read_fd() and buf_read_file() (buf.c): a regular
 * file read straight into the buffer, sized from its length, gives exactly
 * its bytes and a NUL after them, also appended to what the buffer held; a
 * pipe (no length) grows the buffer as it goes; the cap holds for both, a
 * file exactly at the cap is read, one byte more is EFBIG; an empty file
 * is an empty, NUL-terminated buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"

static char dir[] = "/tmp/test_buf_read.XXXXXX";

/* path: a file of n bytes, byte i = i * 7 + 3 (mod 256). */
static int
make_file(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	if (f == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (fputc((int)((i * 7 + 3) & 0xff), f) == EOF)
			break;
	return fclose(f) == 0 && i == n ? 0 : -1;
}

static int
same_bytes(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] != ((i * 7 + 3) & 0xff))
			return 0;
	return 1;
}

static void
test_files(void)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, 65536, 65537, (size_t)3 << 20 };
	char path[128];
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "%s/f%zu", dir, i);
		buf_init(&b, BUF_MAX_DEFAULT);
		CHECK(make_file(path, sizes[i]) == 0 && buf_read_file(&b, path) == 0 &&
		    b.len == sizes[i] && b.data != NULL && b.data[b.len] == '\0' &&
		    same_bytes(b.data, b.len), "a file of %zu bytes reads whole, NUL after it",
		    sizes[i]);
		buf_free(&b);
	}
	snprintf(path, sizeof(path), "%s/f4", dir);
	buf_init(&b, BUF_MAX_DEFAULT);
	CHECK(buf_puts(&b, "head:") == 0 && buf_read_file(&b, path) == 0 && b.len == 5 + 65536 &&
	    memcmp(b.data, "head:", 5) == 0 && same_bytes(b.data + 5, 65536) &&
	    b.data[b.len] == '\0', "a read appends to what the buffer held");
	buf_free(&b);
}

static void
test_cap(void)
{
	char path[128];
	struct buf b;

	snprintf(path, sizeof(path), "%s/cap", dir);
	CHECK(make_file(path, 1000) == 0, "a file of 1000 bytes");
	buf_init(&b, 1000);
	CHECK(buf_read_file(&b, path) == 0 && b.len == 1000 && same_bytes(b.data, 1000),
	    "a file exactly at the cap reads");
	buf_free(&b);
	buf_init(&b, 999);
	errno = 0;
	CHECK(buf_read_file(&b, path) == -1 && errno == EFBIG, "one byte over the cap: EFBIG");
	buf_free(&b);
	buf_init(&b, 1000);
	errno = 0;
	CHECK(buf_puts(&b, "x") == 0 && buf_read_file(&b, path) == -1 && errno == EFBIG,
	    "the cap counts what the buffer already held");
	buf_free(&b);
}

/* A child writes n pattern bytes into a pipe, in odd-sized writes. */
static int
pipe_of(size_t n, pid_t *pid)
{
	int fds[2];

	if (pipe(fds) == -1)
		return -1;
	if ((*pid = fork()) == 0) {
		char chunk[777];
		size_t i = 0, k;

		close(fds[0]);
		while (i < n) {
			for (k = 0; k < sizeof(chunk) && i < n; k++, i++)
				chunk[k] = (char)((i * 7 + 3) & 0xff);
			if (write(fds[1], chunk, k) != (ssize_t)k)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void
test_pipe(void)
{
	struct buf b;
	pid_t pid;
	int fd, st;

	buf_init(&b, BUF_MAX_DEFAULT);
	fd = pipe_of(300000, &pid);
	CHECK(fd >= 0 && buf_read_fd(&b, fd) == 0 && b.len == 300000 &&
	    same_bytes(b.data, b.len) && b.data[b.len] == '\0', "a pipe of 300 000 bytes reads whole");
	if (fd >= 0)
		close(fd);
	waitpid(pid, &st, 0);
	buf_free(&b);
	buf_init(&b, 100000);
	fd = pipe_of(100001, &pid);
	errno = 0;
	CHECK(fd >= 0 && buf_read_fd(&b, fd) == -1 && errno == EFBIG && b.len <= 100000,
	    "a pipe past the cap: EFBIG, never more than the cap held");
	if (fd >= 0)
		close(fd);
	waitpid(pid, &st, 0);
	buf_free(&b);
}

int
main(void)
{
	char cmd[160];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_files();
	test_cap();
	test_pipe();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_report();
}
