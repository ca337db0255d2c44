/*
 * buf.h — a length-carrying, growable byte buffer with a hard maximum
 * (lowdown's hbuf with curl's dynbuf "toobig" cap).
 *
 * Ownership: a buf owns its bytes; buf_free() releases them and accepts a
 * zeroed buf.  buf_take() hands the bytes to the caller, who frees them.
 * Every append returns 0 on success and -1 when the cap would be exceeded or
 * memory ran out; the buffer is left as it was before the failed append.
 */
#ifndef ONLY_BUF_H
#define ONLY_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>

struct buf {
	char	*data;	/* always NUL-terminated when size > 0 */
	size_t	 len;	/* bytes used, not counting the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* hard limit on len */
};

#define BUF_MAX_DEFAULT ((size_t)256 << 20)	/* 256 MiB */

void	 buf_init(struct buf *b, size_t max);
void	 buf_free(struct buf *b);
void	 buf_reset(struct buf *b);
int	 buf_reserve(struct buf *b, size_t extra) __attribute__((warn_unused_result));
int	 buf_put(struct buf *b, const void *p, size_t n) __attribute__((warn_unused_result));
int	 buf_puts(struct buf *b, const char *s) __attribute__((warn_unused_result));
/*
 * buf_put with its common case inline: n bytes that fit the capacity are a
 * memcpy (every check of buf_put holds then).  For the renderer's hot
 * loops (tmpl_render.c, escape.c): a few million appends a build.
 */
static inline int __attribute__((warn_unused_result))
buf_put_inline(struct buf *b, const void *p, size_t n)
{
	if (b->data != NULL && n < b->cap - b->len && n <= b->max - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_put(b, p, n);
}
int	 buf_putc(struct buf *b, char c) __attribute__((warn_unused_result));
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), warn_unused_result));
int	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((warn_unused_result));
char	*buf_take(struct buf *b);
/* Appends everything left to read from fd (not closed); -1 with errno set
 * on failure (EFBIG past b->max). */
int	 buf_read_fd(struct buf *b, int fd) __attribute__((warn_unused_result));
/* Reads a whole file; -1 with errno set on failure (EFBIG past b->max). */
int	 buf_read_file(struct buf *b, const char *path) __attribute__((warn_unused_result));
/*
 * A small state file read whole into out (cap bytes): its length, or -1
 * when it is none (missing, not a regular file, longer than cap - 1: one
 * byte more is read to tell).  Opened non-blocking and without following
 * a symlink: a FIFO put at path is refused, never waited on.
 */
ssize_t	 file_read_small(const char *path, void *out, size_t cap);
/* Writes all n bytes of p to fd (EINTR and short writes retried); 0, or
 * -1 with errno set (EIO for a write that makes no progress). */
int	 fd_write_all(int fd, const void *p, size_t n) __attribute__((warn_unused_result));
/*
 * Replaces path with n bytes of p: written to path.tmp (mode; a symlink
 * there is refused), closed, put in place of path (file_replace.h: by
 * exchange over a regular file, else renamed), so a reader sees the old
 * file or the new one.  0, or -1 with errno set (path.tmp removed).
 */
int	 file_write_atomic(const char *path, const void *p, size_t n, mode_t mode)
	    __attribute__((warn_unused_result));

#define BUF_PUTSL(b, lit) buf_put((b), (lit), sizeof(lit) - 1)

#endif
