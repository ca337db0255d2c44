/*
 * test_file_window.c — generator/base/file_window.h: bytes put at rising
 * offsets, in pieces smaller than the window, across its edge, larger
 * than it, and with gaps (one longer than a window) land in the file as
 * they would from one buffer, gaps as zeros; the region's checksum is h64_sum of
 * those bytes; a put before the window's start, or a flush behind it, is
 * refused with EINVAL and writes nothing more; a failed write is said
 * in *err.  A whole file written through file_out: the header at 0 with
 * the body's hash, renamed in 0600; a body of another length than
 * announced, or a symlink at path.tmp, is no file and leaves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "catalog_fixture.h"
#include "check.h"
#include "file_window.h"

#define START	100				/* the region's first offset */
#define LEN	(3 * FILE_WINDOW_CAP + 4321)	/* its length */

static unsigned char
byte_at(size_t i)
{
	return (unsigned char)(i * 13 + i / 509 + 1);
}

/* file_out: a whole file, then the refusals. */
static void
test_file_out(const char *dir)
{
	struct file_out o;
	char path[600], tmp[700], err[256], hdr[16], got[64];
	uint64_t sum;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/whole", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(file_out_open(&o, path, sizeof(hdr), err, sizeof(err)) == 0, "file_out opens");
	file_out_put(&o, "hello ", 6);
	file_out_put(&o, NULL, 0);	/* an empty array's put: nothing, no memcpy of NULL */
	file_out_put(&o, "world", 5);
	sum = file_out_sum(&o);
	memset(hdr, 'H', sizeof(hdr));
	memcpy(hdr, &sum, sizeof(sum));
	CHECK(file_out_close(&o, hdr, sizeof(hdr), 11, err, sizeof(err)) == 0, "and closes");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd != -1 && read(fd, got, sizeof(got)) == 27 && memcmp(got, hdr, 16) == 0 &&
	    memcmp(got + 16, "hello world", 11) == 0 && sum == h64_sum(0, "hello world", 11),
	    "the header at 0 with the body's hash, then the body");
	if (fd != -1)
		close(fd);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && access(tmp, F_OK) == -1,
	    "mode 0600, no temporary file left");
	CHECK(file_out_open(&o, path, sizeof(hdr), err, sizeof(err)) == 0, "again");
	file_out_put(&o, "short", 5);
	(void)file_out_sum(&o);
	CHECK(file_out_close(&o, hdr, sizeof(hdr), 11, err, sizeof(err)) == -1 &&
	    access(tmp, F_OK) == -1 && stat(path, &st) == 0 && st.st_size == 27,
	    "a body shorter than announced: no file, the last one kept, nothing left (%s)", err);
	CHECK(symlink(path, tmp) == 0 &&
	    file_out_open(&o, path, sizeof(hdr), err, sizeof(err)) == -1,
	    "a symlink at path.tmp is not followed (%s)", err);
	unlink(tmp);
	unlink(path);
}

int
main(void)
{
	struct file_window w;
	char dir[512], path[600], *window;
	unsigned char *want, *got;
	size_t at, n, i;
	int fd, err = 0;
	static const size_t pieces[] = { 1, 7, 4096, FILE_WINDOW_CAP - 5, 3,
		FILE_WINDOW_CAP + 17, 64, 12345 };

	fixture_tmpdir(dir, sizeof(dir), "test_file_window");
	snprintf(path, sizeof(path), "%s/region", dir);
	want = calloc(1, START + LEN);
	got = calloc(1, START + LEN);
	window = calloc(1, FILE_WINDOW_CAP);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(want != NULL && got != NULL && window != NULL && fd != -1, "a file and buffers");
	if (want == NULL || got == NULL || window == NULL || fd == -1)
		return check_report();

	/* pieces of every size, each after a gap of its index's size squared
	 * (the 5th gap is longer than a window) */
	file_window_begin(&w, fd, &err, window, START);
	at = START;
	for (i = 0; at < START + LEN; i++) {
		at += i == 5 ? FILE_WINDOW_CAP + 99 : i * i;
		n = pieces[i % (sizeof(pieces) / sizeof(pieces[0]))];
		if (at >= START + LEN)
			break;
		if (n > START + LEN - at)
			n = START + LEN - at;
		for (size_t k = 0; k < n; k++)
			want[at + k] = byte_at(at + k);
		file_window_put(&w, at, want + at, n);
		at += n;
	}
	file_window_flush(&w, START + LEN);
	CHECK(err == 0, "every piece put and flushed: no error");
	CHECK(pread(fd, got, START + LEN, 0) == (ssize_t)(START + LEN) &&
	    memcmp(got + START, want + START, LEN) == 0,
	    "the file holds the pieces where they were put, zeros between");
	CHECK(h64_sum_end(&w.h) == h64_sum(0, want + START, LEN),
	    "the region's checksum is h64_sum of its bytes");

	/* out of order: refused, said once, nothing written past it */
	err = 0;
	memset(window, 0, FILE_WINDOW_CAP);
	file_window_begin(&w, fd, &err, window, START);
	file_window_put(&w, START - 1, "x", 1);
	CHECK(err == EINVAL, "a put before the region's start: EINVAL");
	err = 0;
	file_window_begin(&w, fd, &err, window, START + 50);
	file_window_flush(&w, START);
	CHECK(err == EINVAL && w.start == START + 50, "a flush behind the window: EINVAL, "
	    "the window where it was");

	/* a write that fails says so */
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = 0;
	file_write_at(fd, &err, "abc", 3, 0);
	CHECK(err == EBADF, "a write to a file open for reading: EBADF in *err");
	err = 0;
	memset(window, 0, FILE_WINDOW_CAP);
	file_window_begin(&w, fd, &err, window, 0);
	file_window_put(&w, 0, want, FILE_WINDOW_CAP);
	file_window_put(&w, FILE_WINDOW_CAP, want, FILE_WINDOW_CAP);
	CHECK(err == EBADF, "a window's write that fails: EBADF in *err");
	close(fd);
	unlink(path);
	test_file_out(dir);
	rmdir(dir);
	free(want);
	free(got);
	free(window);
	return check_report();
}
