/*
 * file_window.c — a file region written through a small window
 * (file_window.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_replace.h"
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
file_window_begin(struct file_window *w, int fd, int *err, char *buf, size_t start)
{
	w->fd = fd;
	w->err = err;
	w->buf = buf;
	w->start = start;
	h64_sum_begin(&w->h, 0);
}

/* n bytes of p at offset at, hashed and written. */
static void
out(struct file_window *w, const void *p, size_t n, size_t at)
{
	h64_sum_update(&w->h, p, n);
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
file_window_put_slow(struct file_window *w, size_t at, const void *p, size_t n)
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

int
file_out_open(struct file_out *o, const char *path, size_t hlen, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%s.tmp", path) >= sizeof(o->tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((o->window = calloc(1, FILE_WINDOW_CAP)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* as file_write_atomic (buf.h): no symlink followed at path.tmp */
	if ((o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s", o->tmp, strerror(errno));
		free(o->window);
		o->window = NULL;
		return -1;
	}
	o->path = path;
	o->at = hlen;
	file_window_begin(&o->win, o->fd, &o->err, o->window, hlen);
	return 0;
}

uint64_t
file_out_sum(struct file_out *o)
{
	file_window_flush(&o->win, o->at);
	return h64_sum_end(&o->win.h);
}

int
file_out_close(struct file_out *o, const void *hdr, size_t hlen, uint64_t body, char *err,
    size_t errlen)
{
	if (o->at != hlen + body && o->err == 0)
		o->err = EINVAL;	/* the body was not what was announced: no file */
	file_window_flush(&o->win, o->at);	/* nothing left when file_out_sum() ran */
	file_write_at(o->fd, &o->err, hdr, hlen, 0);
	if (close(o->fd) == -1 && o->err == 0)
		o->err = errno;
	o->fd = -1;
	if (o->err == 0 && file_replace(o->tmp, o->path) == -1)
		o->err = errno;
	free(o->window);
	o->window = NULL;
	if (o->err != 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(o->err));
		unlink(o->tmp);
		return -1;
	}
	return 0;
}

void
file_out_abandon(struct file_out *o)
{
	if (o->window == NULL)
		return;	/* never opened, or closed */
	if (o->fd != -1)
		close(o->fd);
	o->fd = -1;
	unlink(o->tmp);
	free(o->window);
	o->window = NULL;
}
