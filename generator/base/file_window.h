/*
 * file_window.h — a file region written through a small window: the bytes
 * put at rising offsets (a gap reads as zeros), hashed in file order and
 * pwrite()n each time the window fills.  The file is never whole in
 * memory: filling a new block of a state file's size cost far more in
 * fresh pages than the write itself on the machines measured (50 MB:
 * ~250 ms of page faults against ~15 ms through a reused 256 kB window,
 * docs/benchmarks.md).  The model image writes three regions this way,
 * the page-reads table one.
 */
#ifndef ONLY_FILE_WINDOW_H
#define ONLY_FILE_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hash64.h"

#define FILE_WINDOW_CAP	((size_t)256 << 10)

struct file_window {
	int			 fd;
	int			*err;	/* errno of the file's first failed write, else 0 */
	char			*buf;	/* FILE_WINDOW_CAP bytes, zeroed past what was put */
	size_t			 start;	/* the file offset of buf[0] */
	struct h64_sum_stream	 h;	/* of the region, from where it began */
};

/*
 * w over the region of fd from offset start (its checksum is h64_sum of
 * its bytes: hash64.h's stream), through buf: FILE_WINDOW_CAP zeroed
 * bytes the caller owns.  *err is where a failed write says so (shared
 * by the regions of one file); it is never cleared here.
 */
void	file_window_begin(struct file_window *w, int fd, int *err, char *buf, size_t start);

/* What file_window_put() does when the bytes do not fit the window as it is. */
void	file_window_put_slow(struct file_window *w, size_t at, const void *p, size_t n);

/*
 * n bytes of p at file offset at, at or after every byte put before
 * (before: *err = EINVAL, nothing put).  Inline where they fit the window:
 * the writers put a record's fields a few bytes at a time (the page-reads
 * table ~400 000 puts at 100 000 videos, the model image millions), and a
 * call each was most of their cost (docs/benchmarks.md, issue 15).
 */
static inline void
file_window_put(struct file_window *w, size_t at, const void *p, size_t n)
{
	if (n == 0)
		return;	/* p may then be NULL: no memcpy (UBSan, make check) */
	if (at >= w->start && at - w->start <= FILE_WINDOW_CAP &&
	    n <= FILE_WINDOW_CAP - (at - w->start)) {
		memcpy(w->buf + (at - w->start), p, n);
		return;
	}
	file_window_put_slow(w, at, p, n);
}

/* Everything before upto written, what was never put as zeros; the window
 * then starts at upto.  At the region's end, h64_sum_end(&w->h) is its checksum. */
void	file_window_flush(struct file_window *w, size_t upto);

/* n bytes of p to fd at offset at, whole; a failure's errno into *err
 * (nothing written once *err is set). */
void	file_write_at(int fd, int *err, const void *p, size_t n, size_t at);

/*
 * A whole state file written through a window: to path.tmp (0600, no
 * symlink followed, as file_write_atomic), its header last, at 0, once
 * the hash of the body after it is known, then put in place of path
 * (file_replace.h).  The
 * page-reads table and the search index's pairs are written this way.
 */
struct file_out {
	struct file_window	 win;
	char			 tmp[4096];
	const char		*path;
	char			*window;
	size_t			 at;	/* the next byte's offset */
	int			 fd, err;
};

/* o open for a header of hlen bytes and the body after it: 0, or -1 with
 * why in err (nothing created).  The body's length is announced at the
 * close. */
int	file_out_open(struct file_out *o, const char *path, size_t hlen, char *err,
	    size_t errlen);
/* n bytes of p after the last put. */
static inline void
file_out_put(struct file_out *o, const void *p, size_t n)
{
	file_window_put(&o->win, o->at, p, n);
	o->at += n;
}
/* Every byte put written: the h64_sum of the body (file_window.h's stream). */
uint64_t file_out_sum(struct file_out *o);
/*
 * hdr (the hlen bytes given to open) written at 0, the file closed and
 * renamed in: 0, or -1 with why in err (the temporary file removed).  A
 * body of another length than announced, or a failed write, is no file.
 */
int	file_out_close(struct file_out *o, const void *hdr, size_t hlen, uint64_t body,
	    char *err, size_t errlen);
/* o given up: its temporary file closed and removed; accepts an o never
 * opened (zeroed) or already closed. */
void	file_out_abandon(struct file_out *o);

#endif
