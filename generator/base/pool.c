/*
 * pool.c — the thread pool.  See pool.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct pool {
	const struct pool_work	*w;
	size_t			 chunk;
	atomic_size_t		 next;		/* first index not yet claimed */
	/*
	 * both_ends: chunks claimed so far from the front (low 32 bits) and
	 * from the back (high 32 bits), one word so that one compare-exchange
	 * claims a chunk no other worker has; nchunks at most UINT32_MAX.
	 */
	_Atomic uint64_t	 ends;
	size_t			 nchunks;
	int			 two_ended;
	atomic_int		 failed;	/* 1 once some worker failed */
	char			 err[POOL_ERR_MAX];	/* written by the first to fail only */
};

struct worker {
	struct pool	*p;
	int		 id;
};

/*
 * Keeps msg when it is the first failure.  The exchange lets exactly one
 * worker write p->err; pthread_join orders that write before the caller
 * reads it.
 */
static void
fail(struct pool *p, const char *msg)
{
	int expected = 0;

	if (atomic_compare_exchange_strong(&p->failed, &expected, 1))
		snprintf(p->err, sizeof(p->err), "%s", msg[0] ? msg : "failed (no reason given)");
}

/*
 * The first index of the next chunk, from the front or the back of what
 * is left; -1 once the two ends have met.
 */
static int
claim(struct pool *p, int from_back, size_t *start)
{
	uint64_t e, ne;
	size_t front, back;

	if (!p->two_ended) {
		*start = atomic_fetch_add(&p->next, p->chunk);
		return *start < p->w->n ? 0 : -1;
	}
	e = atomic_load(&p->ends);
	do {
		front = (size_t)(e & UINT32_MAX);
		back = (size_t)(e >> 32);
		if (front + back >= p->nchunks)
			return -1;
		ne = from_back ? e + ((uint64_t)1 << 32) : e + 1;
	} while (!atomic_compare_exchange_weak(&p->ends, &e, ne));
	*start = (from_back ? p->nchunks - 1 - back : front) * p->chunk;
	return 0;
}

static void *
work(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->p;
	const struct pool_work *w = p->w;
	char err[POOL_ERR_MAX];
	void *state = NULL;
	size_t start, end, i;

	err[0] = '\0';
	if (w->init != NULL && w->init(w->arg, wk->id, &state, err, sizeof(err)) == -1) {
		fail(p, err);
		goto out;
	}
	while (!atomic_load_explicit(&p->failed, memory_order_relaxed)) {
		if (claim(p, wk->id % 2, &start) == -1)
			break;
		end = w->n - start > p->chunk ? start + p->chunk : w->n;
		for (i = start; i < end; i++) {
			err[0] = '\0';
			if (w->item(w->arg, state, i, err, sizeof(err)) == -1) {
				fail(p, err);
				goto out;
			}
			if (atomic_load_explicit(&p->failed, memory_order_relaxed))
				goto out;
		}
	}
out:
	if (w->done != NULL)
		w->done(w->arg, state);
	return NULL;
}

int
pool_workers(int asked, const struct pool_work *w)
{
	size_t chunk = w->chunk > 0 ? w->chunk : 1;
	size_t chunks = w->n / chunk + (w->n % chunk != 0);

	if (asked < 1)
		asked = 1;
	if (asked > POOL_MAX_WORKERS)
		asked = POOL_MAX_WORKERS;
	return chunks < (size_t)asked ? (int)chunks : asked;
}

int
pool_run(int asked, const struct pool_work *w, char *err, size_t errlen)
{
	struct pool p;
	struct worker wk[POOL_MAX_WORKERS];
	pthread_t tid[POOL_MAX_WORKERS];
	int k, nw = pool_workers(asked, w), started = 1;

	if (nw == 0)
		return 0;
	p.w = w;
	p.chunk = w->chunk > 0 ? w->chunk : 1;
	atomic_init(&p.next, 0);
	atomic_init(&p.ends, 0);
	p.nchunks = w->n / p.chunk + (w->n % p.chunk != 0);
	p.two_ended = w->both_ends && p.nchunks <= UINT32_MAX;
	atomic_init(&p.failed, 0);
	p.err[0] = '\0';
	for (k = 0; k < nw; k++) {
		wk[k].p = &p;
		wk[k].id = k;
	}
	/* Worker ids stay dense: a thread that cannot start ends the list. */
	for (k = 1; k < nw; k++) {
		if (pthread_create(&tid[k], NULL, work, &wk[k]) != 0)
			break;
		started++;
	}
	work(&wk[0]);
	for (k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
	if (atomic_load(&p.failed)) {
		snprintf(err, errlen, "%s", p.err);
		return -1;
	}
	return 0;
}

struct pool_task {
	pthread_t	 th;
};

/* fn's result into b; an error without a reason still gets one. */
static void
bg_run(struct pool_bg *b)
{
	b->err[0] = '\0';
	b->rc = b->fn(b->arg, b->err, sizeof(b->err)) == -1 ? -1 : 0;
	if (b->rc == -1 && b->err[0] == '\0')
		snprintf(b->err, sizeof(b->err), "failed (no reason given)");
	/* rc and err written before: whoever sees done reads them after */
	atomic_store_explicit(&b->done, 1, memory_order_release);
}

static void *
bg_main(void *arg)
{
	bg_run(arg);
	return NULL;
}

void
pool_bg_start_on(struct pool_bg *b, int (*fn)(void *arg, char *err, size_t errlen),
    void *arg, int thread)
{
	memset(b, 0, sizeof(*b));
	atomic_init(&b->done, 0);
	b->fn = fn;
	b->arg = arg;
	b->pending = 1;
	if (thread && (b->th = malloc(sizeof(*b->th))) != NULL) {
		if (pthread_create(&b->th->th, NULL, bg_main, b) == 0)
			return;
		free(b->th);
		b->th = NULL;
	}
	bg_run(b);	/* no thread: here, now */
}

void
pool_bg_start(struct pool_bg *b, int (*fn)(void *arg, char *err, size_t errlen), void *arg)
{
	pool_bg_start_on(b, fn, arg, 1);
}

int
pool_bg_done(struct pool_bg *b)
{
	return !b->pending || atomic_load_explicit(&b->done, memory_order_acquire);
}

int
pool_bg_join(struct pool_bg *b, char *err, size_t errlen)
{
	if (!b->pending)
		return 0;
	if (b->th != NULL) {
		(void)pthread_join(b->th->th, NULL);
		free(b->th);
		b->th = NULL;
	}
	b->pending = 0;
	if (b->rc == -1) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", b->err);
		return -1;
	}
	return 0;
}
