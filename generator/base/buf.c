/*
 * buf.c — growable buffer with a hard cap.  See buf.h for the contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file_replace.h"
#include "huge_pages.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : BUF_MAX_DEFAULT;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (extra > b->max || b->len > b->max - extra) {
		errno = EFBIG;
		return -1;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	huge_pages_hint(p + b->len, ncap - b->len);	/* what is still to be written */
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_put(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	return buf_put(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *
buf_take(struct buf *b)
{
	char *p;

	if (b->data == NULL && buf_reserve(b, 0) != 0)
		return NULL;
	if (b->data != NULL)
		b->data[b->len] = '\0';
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int
buf_read_fd(struct buf *b, int fd)
{
	struct stat sb;
	size_t want = 65536;
	ssize_t n;

	/*
	 * Straight into the buffer, no bounce through a chunk on the stack: a
	 * regular file's length sizes it once (one more read sees the end),
	 * anything else grows it 64 kB a read.  The state files a rebuild reads
	 * whole are 5-17 MB at 100 000 videos (docs/benchmarks.md).
	 */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (uintmax_t)sb.st_size < (uintmax_t)(b->max - b->len) &&
	    buf_reserve(b, (size_t)sb.st_size + 1) != 0)
		return -1;
	for (;;) {
		size_t room;

		if (b->len == b->max) {
			char c;

			/* full: one byte more is past the cap */
			while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
				;
			if (n == 0)
				break;
			if (n > 0)
				errno = EFBIG;
			return -1;
		}
		if (b->cap == 0 || b->cap - 1 == b->len) {
			if (want > b->max - b->len)
				want = b->max - b->len;
			if (buf_reserve(b, want) != 0)
				return -1;
			want = 65536;
		}
		room = b->cap - 1 - b->len;
		if (room > b->max - b->len)
			room = b->max - b->len;
		n = read(fd, b->data + b->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	/* An empty file still yields a NUL-terminated buffer. */
	if (buf_reserve(b, 0) != 0)
		return -1;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_read_file(struct buf *b, const char *path)
{
	int fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = buf_read_fd(b, fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

ssize_t
file_read_small(const char *path, void *out, size_t cap)
{
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size >= cap) {
		close(fd);
		return -1;
	}
	while (len < cap &&
	    ((got = read(fd, (char *)out + len, cap - len)) > 0 || (got == -1 && errno == EINTR)))
		if (got > 0)
			len += (size_t)got;
	close(fd);
	return len < cap ? (ssize_t)len : -1;	/* grown past cap - 1 meanwhile */
}

int
fd_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) > 0) {
			s += w;
			n -= (size_t)w;
		} else if (w == 0) {
			errno = EIO;
			return -1;
		} else if (errno != EINTR)
			return -1;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *p, size_t n, mode_t mode)
{
	char tmp[4200];
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)) == -1)
		return -1;
	if (fd_write_all(fd, p, n) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) == -1 || file_replace(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}
