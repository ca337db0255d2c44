/*
 * file_window.c — a file region written through a small window
 * (file_window.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "file_window.h"

void
file_write_at(int fd, int *err, const void *p, size_t n, size_t at)
{
	const char *c = p;
	ssize_t k;

	while (n > 0 && *err == 0) {
		if ((k = pwrite(fd, c, n, (off_t)at)) > 0) {
			c += k;
			at += (size_t)k;
			n -= (size_t)k;
		} else if (k == 0)
			*err = EIO;
		else if (errno != EINTR)
			*err = errno;
	}
}

void
file_window_begin(struct file_window *w, int fd, int *err, char *buf, size_t start,
    uint64_t total)
{
	w->fd = fd;
	w->err = err;
	w->buf = buf;
	w->start = start;
	h64_begin(&w->h, 0, total);
}

/* n bytes of p at offset at, hashed and written. */
static void
out(struct file_window *w, const void *p, size_t n, size_t at)
{
	h64_update(&w->h, p, n);
	file_write_at(w->fd, w->err, p, n, at);
}

void
file_window_flush(struct file_window *w, size_t upto)
{
	if (upto < w->start) {
		if (*w->err == 0)
			*w->err = EINVAL;
		return;
	}
	while (upto - w->start > FILE_WINDOW_CAP) {	/* a gap: zeros */
		out(w, w->buf, FILE_WINDOW_CAP, w->start);
		w->start += FILE_WINDOW_CAP;
		memset(w->buf, 0, FILE_WINDOW_CAP);
	}
	if (upto > w->start) {
		out(w, w->buf, upto - w->start, w->start);
		memset(w->buf, 0, upto - w->start);
	}
	w->start = upto;
}

void
file_window_put(struct file_window *w, size_t at, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (at < w->start) {
		if (*w->err == 0)
			*w->err = EINVAL;	/* out of order: the caller's bug, no file */
		return;
	}
	if (at + n - w->start <= FILE_WINDOW_CAP) {
		memcpy(w->buf + (at - w->start), p, n);
		return;
	}
	file_window_flush(w, at);
	if (n <= FILE_WINDOW_CAP) {
		memcpy(w->buf, p, n);
		return;
	}
	out(w, p, n, at);	/* larger than a window: straight out */
	w->start = at + n;
}
