/*
 * pool.h — the generator's one thread pool: items 0..n-1 done by a fixed
 * number of workers, each claiming the next `chunk` indices from a shared
 * counter (a job queue whose jobs are the indices of the caller's array).
 * With both_ends, even workers claim chunks from the front and odd ones from
 * the back, until the two ends meet: two workers then work on different
 * parts of the array (a build's pages in different directories) until the
 * end, instead of side by side.
 *
 * The calling thread is worker 0; pool_run() returns when every worker is
 * done.  Each worker calls init once before its first item (its scratch
 * buffers; a libvips worker has nothing to set up) and done once after its
 * last (frees them; vips_thread_shutdown), whether or not an item failed.
 * The first error is kept: an item or init that fails writes why into the
 * err it is given (a buffer of its worker's) and returns -1; the first such
 * message reaches the caller's err, the others are dropped, and every
 * worker stops claiming items.  No global state: everything lives in
 * pool_run()'s frame.
 *
 * Convention: 0 ok, -1 error with the reason in err[errlen].
 */
#ifndef ONLY_POOL_H
#define ONLY_POOL_H

#include <stdatomic.h>
#include <stddef.h>

/*
 * Workers at most, whatever the caller asks: more than the cores of any
 * machine the generator runs on, and each worker holds scratch memory
 * (a page buffer, or a score array as large as the catalog).
 */
#define POOL_MAX_WORKERS	64
/* Bytes of an error message a worker can hand back. */
#define POOL_ERR_MAX		1024

struct pool_work {
	size_t	 n;		/* items: indices 0..n-1 */
	size_t	 chunk;		/* indices claimed at a time; 0 counts as 1 */
	void	*arg;		/* the caller's, passed to every hook */
	int	 both_ends;	/* 1: odd workers claim from the back (see above) */
	/* Optional: sets *state for this worker (0..workers-1). */
	int	(*init)(void *arg, int worker, void **state, char *err, size_t errlen);
	/* Required: item i. */
	int	(*item)(void *arg, void *state, size_t i, char *err, size_t errlen);
	/* Optional: called once per worker whose init ran (even a failed one). */
	void	(*done)(void *arg, void *state);
};

/*
 * The workers pool_run() uses for w: `asked` (at least 1), capped at
 * POOL_MAX_WORKERS and at the number of chunks (0 when n is 0: no worker
 * starts, no hook runs).  A thread that cannot be started is not an error:
 * its share goes to the others, so pool_run() may use fewer.
 */
int	pool_workers(int asked, const struct pool_work *w);

/* Does every item of w on pool_workers(asked, w) workers. */
int	pool_run(int asked, const struct pool_work *w, char *err, size_t errlen);

/*
 * A background task: one function on a thread of its own, alongside the
 * caller's work (the search index, access.db), its
 * result carried to the join.  The caller owns the struct (in its own
 * frame or context: no global state) and reads only rc/err, and only
 * through pool_bg_join().
 *
 * fn returns 0, or -1 with why in err (errlen is POOL_ERR_MAX).
 * pool_bg_start() runs it on a new thread; when no thread can start, it
 * runs it at once on the caller's thread (the one fallback of every
 * task).  pool_bg_join() waits for it and returns its result (0, or -1 with
 * its message in err; err may be NULL to drop it); joining a task never
 * started (a zeroed struct) or already joined is a no-op that returns 0.
 * pool_bg_done() asks without waiting: 1 when a join would not wait (fn
 * has returned, or the task was never started or is joined), else 0; a
 * caller with work of its own joins a task that is done and starts what
 * needed it, and joins it later otherwise.
 */
struct pool_task;
struct pool_bg {
	struct pool_task	*th;		/* its thread, until joined (NULL: none) */
	int			 pending;	/* started, not joined */
	int			 rc;		/* fn's, once it returned */
	atomic_int		 done;		/* fn returned (pool_bg_done) */
	char			 err[POOL_ERR_MAX];
	int			(*fn)(void *arg, char *err, size_t errlen);
	void			*arg;
};

void	pool_bg_start(struct pool_bg *b, int (*fn)(void *arg, char *err, size_t errlen),
	    void *arg);
/* As pool_bg_start(), thread 0 taking the fallback: fn runs now, here
 * (what a start does when no thread can start; for the tests). */
void	pool_bg_start_on(struct pool_bg *b, int (*fn)(void *arg, char *err, size_t errlen),
	    void *arg, int thread);
int	pool_bg_join(struct pool_bg *b, char *err, size_t errlen);
int	pool_bg_done(struct pool_bg *b);

#endif
