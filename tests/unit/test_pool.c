/*
 * test_pool.c — the generator's thread pool: every index done exactly once
 * at several worker counts and chunk sizes, init and done once per worker
 * on that worker's thread with its own state, the first of several errors
 * kept whole, an init that fails, zero items, more workers than items;
 * the background task (pool_bg): its result and error through join, the
 * no-thread fallback, joins twice and of a task never started.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "pool.h"

struct wstate {
	int		id;
	pthread_t	thread;
	size_t		items;
};

struct t {
	atomic_uchar	*seen;		/* per index: times done */
	atomic_int	 inits, dones, wrong_state, wrong_thread;
	atomic_size_t	 items;		/* items counted through the states */
	atomic_int	 ids[POOL_MAX_WORKERS];
	size_t		 fail_from;	/* items >= this fail (SIZE_MAX: none) */
	size_t		 fail_every;	/* ... and only those that are multiples */
	int		 fail_init;	/* worker whose init fails, or -1 */
};

static int
t_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	struct t *t = arg;
	struct wstate *s;

	atomic_fetch_add(&t->inits, 1);
	if (worker >= 0 && worker < POOL_MAX_WORKERS)
		atomic_fetch_add(&t->ids[worker], 1);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->id = worker;
	s->thread = pthread_self();
	*state = s;
	if (worker == t->fail_init) {
		snprintf(err, errlen, "init %d failed", worker);
		return -1;
	}
	return 0;
}

static int
t_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	struct t *t = arg;
	struct wstate *s = state;

	if (s == NULL)
		atomic_fetch_add(&t->wrong_state, 1);
	else {
		if (!pthread_equal(s->thread, pthread_self()))
			atomic_fetch_add(&t->wrong_thread, 1);
		s->items++;
	}
	atomic_fetch_add(&t->seen[i], 1);
	if (i >= t->fail_from && i % t->fail_every == 0) {
		snprintf(err, errlen, "item %zu failed", i);
		return -1;
	}
	return 0;
}

static void
t_done(void *arg, void *state)
{
	struct t *t = arg;
	struct wstate *s = state;

	atomic_fetch_add(&t->dones, 1);
	if (s != NULL) {
		if (!pthread_equal(s->thread, pthread_self()))
			atomic_fetch_add(&t->wrong_thread, 1);
		atomic_fetch_add(&t->items, s->items);
	}
	free(s);
}

static void
t_setup(struct t *t, struct pool_work *w, size_t n, size_t chunk)
{
	int k;

	t->seen = calloc(n ? n : 1, sizeof(*t->seen));
	atomic_init(&t->inits, 0);
	atomic_init(&t->dones, 0);
	atomic_init(&t->wrong_state, 0);
	atomic_init(&t->wrong_thread, 0);
	atomic_init(&t->items, 0);
	for (k = 0; k < POOL_MAX_WORKERS; k++)
		atomic_init(&t->ids[k], 0);
	t->fail_from = SIZE_MAX;
	t->fail_every = 1;
	t->fail_init = -1;
	memset(w, 0, sizeof(*w));
	w->n = n;
	w->chunk = chunk;
	w->arg = t;
	w->init = t_init;
	w->item = t_item;
	w->done = t_done;
}

/* 1 when every index was done exactly once. */
static int
each_once(const struct t *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t->seen[i] != 1)
			return 0;
	return 1;
}

/* 1 when workers 0..nw-1 each ran init once and no other id did. */
static int
ids_dense(const struct t *t, int nw)
{
	int k;

	for (k = 0; k < POOL_MAX_WORKERS; k++)
		if (t->ids[k] != (k < nw))
			return 0;
	return 1;
}

static void
every_index_once(void)
{
	static const int workers[] = { 1, 2, 3, 4, 8, 64, 100 };
	static const size_t chunks[] = { 0, 1, 7, 256 };
	const size_t n = 10007;
	size_t c, k;
	char err[POOL_ERR_MAX];

	int ends;

	for (ends = 0; ends <= 1; ends++)
	for (k = 0; k < sizeof(workers) / sizeof(workers[0]); k++)
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct t t;
			struct pool_work w;
			int nw, rc;

			t_setup(&t, &w, n, chunks[c]);
			w.both_ends = ends;
			nw = pool_workers(workers[k], &w);
			rc = pool_run(workers[k], &w, err, sizeof(err));
			CHECK(rc == 0 && each_once(&t, n) && t.items == n,
			    "%d workers, chunk %zu%s: every index done exactly once", workers[k],
			    chunks[c], ends ? ", from both ends" : "");
			CHECK(t.inits == nw && t.dones == nw && ids_dense(&t, nw) &&
			    t.wrong_state == 0 && t.wrong_thread == 0,
			    "%d workers, chunk %zu%s: init and done once per worker (%d), on its "
			    "thread, with its state", workers[k], chunks[c],
			    ends ? ", from both ends" : "", nw);
			free(t.seen);
		}
	{
		struct pool_work w = { .n = n, .chunk = 1 };

		CHECK(pool_workers(100, &w) == POOL_MAX_WORKERS && pool_workers(0, &w) == 1 &&
		    pool_workers(-5, &w) == 1 && pool_workers(3, &w) == 3,
		    "the worker count is the caller's, at least 1, capped at %d",
		    POOL_MAX_WORKERS);
		w.chunk = 256;
		CHECK(pool_workers(64, &w) == 40, "no more workers than chunks (10007 / 256 -> 40)");
	}
}

/* Several workers fail at once: one whole message of one failing item. */
static void
first_error_kept(void)
{
	static const int workers[] = { 1, 2, 4, 16 };
	char err[POOL_ERR_MAX], want[64];
	size_t k, round, bad;
	const size_t n = 20000;

	for (k = 0; k < sizeof(workers) / sizeof(workers[0]); k++) {
		int whole = 1, nw = 0, inits_ok = 1;

		for (round = 0; round < 50; round++) {
			struct t t;
			struct pool_work w;
			int rc;

			t_setup(&t, &w, n, 3);
			t.fail_from = 1000;	/* from there on, every item fails */
			nw = pool_workers(workers[k], &w);
			memset(err, 'x', sizeof(err));
			rc = pool_run(workers[k], &w, err, sizeof(err));
			if (rc != -1 || sscanf(err, "item %zu failed", &bad) != 1 || bad < 1000 ||
			    bad >= n || t.seen[bad] != 1)
				whole = 0;
			else {
				snprintf(want, sizeof(want), "item %zu failed", bad);
				whole &= strcmp(err, want) == 0;
			}
			inits_ok &= t.inits == nw && t.dones == nw && t.wrong_thread == 0;
			/* the others stop: far fewer than n items were done */
			whole &= t.items < n;
			free(t.seen);
		}
		CHECK(whole, "%d workers failing at once: -1 and one whole message of one "
		    "failing item (50 rounds; last: %s)", workers[k], err);
		CHECK(inits_ok, "%d workers failing at once: done still runs once per worker "
		    "(%d)", workers[k], nw);
	}
	{
		struct t t;
		struct pool_work w;
		char small[8];

		t_setup(&t, &w, 100, 1);
		t.fail_from = 50;
		t.fail_every = 50;
		CHECK(pool_run(1, &w, small, sizeof(small)) == -1 &&
		    strcmp(small, "item 50") == 0, "a short err gets the message cut, "
		    "terminated (%s)", small);
		free(t.seen);
	}
}

/*
 * Four items on four workers: item 0 fails once the other three are under
 * way (so no worker sees the failure before claiming its item); those fail
 * only after it, later.
 */
static atomic_int first_failed, others_started;

/* Waits until *v reaches at least want, 5 s at most (no hang if a thread did not start). */
static void
wait_for(atomic_int *v, int want)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while (atomic_load(v) < want && t.tv_sec - t0.tv_sec < 5);
}

/*
 * From both ends, two workers: worker 0 did a prefix of the indices and
 * worker 1 the rest, each in whole chunks that start at multiples of the
 * chunk size (so a chunk is a run of staging ids, site_build.c), and
 * worker 1 began with the last chunk, a short one here.  Worker 0 waits
 * for worker 1's first item and worker 1 for worker 0's (5 s at most), so
 * both take part: without the second wait, a worker 0 descheduled before
 * its first claim (under ASan, once in a `make check`) left worker 1
 * every chunk, and the split at 0.
 */
#define SPLIT_N	1000

struct split {
	atomic_int	 by[SPLIT_N];	/* per index: 1 + the worker that did it */
	atomic_int	 w1_started;
	atomic_int	 w0_stored;	/* worker 0 did an index */
};

static int
split_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	*state = (void *)(intptr_t)worker;
	return 0;
}

static int
split_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	struct split *sp = arg;
	int id = (int)(intptr_t)state;

	(void)err;
	(void)errlen;
	if (id == 1) {
		atomic_store(&sp->w1_started, 1);
		wait_for(&sp->w0_stored, 1);
		atomic_store(&sp->by[i], 2);
	} else {
		wait_for(&sp->w1_started, 1);
		atomic_store(&sp->by[i], 1);
		atomic_store(&sp->w0_stored, 1);
	}
	return 0;
}

static void
both_ends_split(void)
{
	const size_t chunk = 7;
	size_t i, split = 0;
	int round, ok = 1;

	for (round = 0; round < 20; round++) {
		struct split *sp = calloc(1, sizeof(*sp));
		struct pool_work w = { .n = SPLIT_N, .chunk = chunk, .arg = sp,
		    .both_ends = 1, .init = split_init, .item = split_item };
		char err[POOL_ERR_MAX];

		if (sp == NULL || pool_run(2, &w, err, sizeof(err)) != 0) {
			ok = 0;
			free(sp);
			continue;
		}
		for (split = 0; split < SPLIT_N && sp->by[split] == 1; split++)
			;
		for (i = split; i < SPLIT_N; i++)
			ok &= sp->by[i] == 2;
		ok &= split > 0 && split < SPLIT_N && split % chunk == 0 && sp->by[SPLIT_N - 1] == 2;
		free(sp);
	}
	CHECK(ok, "two workers from both ends: worker 0 a prefix, worker 1 the rest, "
	    "split at a chunk boundary (20 rounds; last split at %zu)", split);
}

static int
fail_in_order(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)arg;
	(void)state;
	if (i == 0) {
		wait_for(&others_started, 3);
		snprintf(err, errlen, "first");
		atomic_store(&first_failed, 1);
		return -1;
	}
	atomic_fetch_add(&others_started, 1);
	wait_for(&first_failed, 1);
	nanosleep(&ts, NULL);	/* item 0's worker has handed its error in by now */
	snprintf(err, errlen, "later %zu", i);
	return -1;
}

static void
first_not_last(void)
{
	struct pool_work w = { .n = 4, .chunk = 1, .item = fail_in_order };
	char err[POOL_ERR_MAX];
	int ok = 1, round;

	for (round = 0; round < 5; round++) {
		atomic_store(&first_failed, 0);
		atomic_store(&others_started, 0);
		ok &= pool_run(4, &w, err, sizeof(err)) == -1 && strcmp(err, "first") == 0;
	}
	CHECK(ok, "the first error is kept, not one that came later (%s)", err);
}

static void
init_fails(void)
{
	struct t t;
	struct pool_work w;
	char err[POOL_ERR_MAX];
	int rc;

	t_setup(&t, &w, 5000, 1);
	t.fail_init = 1;
	rc = pool_run(4, &w, err, sizeof(err));
	CHECK(rc == -1 && strcmp(err, "init 1 failed") == 0,
	    "an init that fails is the error (%s)", err);
	CHECK(t.inits == 4 && t.dones == 4, "done runs for the worker whose init failed "
	    "too (%d inits, %d dones)", (int)t.inits, (int)t.dones);
	free(t.seen);

	t_setup(&t, &w, 10, 1);
	t.fail_init = 0;
	rc = pool_run(1, &w, err, sizeof(err));
	CHECK(rc == -1 && t.items == 0, "a lone worker whose init fails does no item");
	free(t.seen);
}

static void
edges(void)
{
	struct t t;
	struct pool_work w;
	char err[POOL_ERR_MAX];
	int rc;

	t_setup(&t, &w, 0, 16);
	err[0] = '\0';
	rc = pool_run(8, &w, err, sizeof(err));
	CHECK(rc == 0 && pool_workers(8, &w) == 0 && t.inits == 0 && t.dones == 0 &&
	    err[0] == '\0', "zero items: 0, no worker, no hook");
	free(t.seen);

	t_setup(&t, &w, 3, 1);
	rc = pool_run(8, &w, err, sizeof(err));
	CHECK(rc == 0 && each_once(&t, 3) && t.inits == 3 && t.dones == 3 && ids_dense(&t, 3),
	    "more workers than items: 3 workers for 3 items, each once");
	free(t.seen);

	t_setup(&t, &w, 1, 0);
	w.init = NULL;
	w.done = NULL;
	rc = pool_run(4, &w, err, sizeof(err));
	CHECK(rc == 0 && each_once(&t, 1) && t.wrong_state == 1,
	    "without hooks an item gets a NULL state");
	free(t.seen);

	t_setup(&t, &w, 10, 1);
	t.fail_from = 0;
	t.fail_every = 1;
	w.item = t_item;
	rc = pool_run(1, &w, err, sizeof(err));
	CHECK(rc == -1 && strcmp(err, "item 0 failed") == 0 && t.items == 1,
	    "one worker stops at its first failing item");
	free(t.seen);
}

static int
silent_fail(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	(void)arg;
	(void)state;
	(void)err;
	(void)errlen;
	return i == 5 ? -1 : 0;
}

/* A background task's work: sums 1..n, slowly enough to overlap the
 * caller's; fails on demand. */
struct bg_job {
	long		 n, sum;
	int		 fail;		/* 1: returns -1 with a message; 2: without one */
	int		 runs;
	pthread_t	 thread;	/* the one it ran on */
};

static int
bg_fn(void *arg, char *err, size_t errlen)
{
	struct bg_job *j = arg;
	volatile long s = 0;
	long i;

	j->runs++;
	j->thread = pthread_self();
	for (i = 1; i <= j->n; i++)
		s += i;
	j->sum = s;
	if (j->fail == 1) {
		snprintf(err, errlen, "job of %ld failed", j->n);
		return -1;
	}
	return j->fail == 2 ? -1 : 0;
}

/* pool_bg: runs its function once on another thread; join waits for it
 * and gives its result. */
static void
bg_runs_and_joins(void)
{
	struct bg_job a = { .n = 2000000 }, b = { .n = 1000 };
	struct pool_bg ta, tb;
	char err[POOL_ERR_MAX];

	pool_bg_start(&ta, bg_fn, &a);
	pool_bg_start(&tb, bg_fn, &b);
	CHECK(pool_bg_join(&ta, err, sizeof(err)) == 0, "a task that succeeds joins with 0");
	CHECK(pool_bg_join(&tb, err, sizeof(err)) == 0, "two tasks at once");
	CHECK(a.sum == 2000000L * 2000001L / 2, "after join, its result is there (%ld)", a.sum);
	CHECK(b.sum == 1000L * 1001L / 2, "two tasks, each its own result");
	CHECK(a.runs == 1 && b.runs == 1, "each ran once");
	CHECK(!pthread_equal(a.thread, pthread_self()), "on a thread of its own");
}

/* Its error through join; a failure without a reason still gets one. */
static void
bg_error(void)
{
	struct bg_job a = { .n = 10, .fail = 1 }, b = { .n = 10, .fail = 2 };
	struct pool_bg t;
	char err[POOL_ERR_MAX];

	pool_bg_start(&t, bg_fn, &a);
	err[0] = '\0';
	CHECK(pool_bg_join(&t, err, sizeof(err)) == -1, "a task that fails joins with -1");
	CHECK(strcmp(err, "job of 10 failed") == 0, "its message reaches the joiner (%s)", err);
	CHECK(pool_bg_join(&t, err, sizeof(err)) == 0, "joined again: a no-op, 0");
	pool_bg_start(&t, bg_fn, &b);
	err[0] = '\0';
	CHECK(pool_bg_join(&t, err, sizeof(err)) == -1 && err[0] != '\0',
	    "a failure without a reason still gives one (%s)", err);
	pool_bg_start(&t, bg_fn, &a);
	CHECK(pool_bg_join(&t, NULL, 0) == -1, "err NULL: the message is dropped");
	{
		char small[8];

		pool_bg_start(&t, bg_fn, &a);
		CHECK(pool_bg_join(&t, small, sizeof(small)) == -1 &&
		    strcmp(small, "job of ") == 0, "a short err gets what fits (%s)", small);
	}
}

/* The fallback (no thread): fn runs at once on the caller's thread, its
 * result still through join. */
static void
bg_fallback(void)
{
	struct bg_job a = { .n = 1000 }, b = { .n = 5, .fail = 1 };
	struct pool_bg t;
	char err[POOL_ERR_MAX];

	pool_bg_start_on(&t, bg_fn, &a, 0);
	CHECK(a.runs == 1 && pthread_equal(a.thread, pthread_self()),
	    "no thread: run before start returns, on the caller's thread");
	CHECK(pool_bg_join(&t, err, sizeof(err)) == 0 && a.sum == 1000L * 1001L / 2,
	    "its result through join");
	CHECK(a.runs == 1, "join does not run it again");
	pool_bg_start_on(&t, bg_fn, &b, 0);
	CHECK(pool_bg_join(&t, err, sizeof(err)) == -1 && strcmp(err, "job of 5 failed") == 0,
	    "its error through join (%s)", err);
	CHECK(pool_bg_join(&t, err, sizeof(err)) == 0, "joined twice: 0");
}

/* A task never started (a zeroed struct) joins as a no-op. */
static void
bg_never_started(void)
{
	struct pool_bg t;
	char err[8] = "x";

	memset(&t, 0, sizeof(t));
	CHECK(pool_bg_join(&t, err, sizeof(err)) == 0 && strcmp(err, "x") == 0,
	    "joining a task never started: 0, err untouched");
	CHECK(pool_bg_join(&t, NULL, 0) == 0, "twice too");
}

/* A task held at a gate until the test opens it. */
struct gated {
	atomic_int	 open;
	atomic_int	 started;
	int		 result;
};

static int
gated_fn(void *arg, char *err, size_t errlen)
{
	struct gated *g = arg;
	struct timespec ms = { 0, 1000000 };

	atomic_store(&g->started, 1);
	while (!atomic_load(&g->open))
		nanosleep(&ms, NULL);
	g->result = 42;
	snprintf(err, errlen, "gated");
	return -1;
}

/* pool_bg_done: 0 while fn runs, 1 once it returned (its result then
 * there for the join), 1 for a task never started, joined, or run at once. */
static void
bg_done(void)
{
	struct gated g = { .result = 0 };
	struct pool_bg t, zero;
	struct timespec ms = { 0, 1000000 };
	char err[POOL_ERR_MAX];
	int i, done = 0;

	atomic_init(&g.open, 0);
	atomic_init(&g.started, 0);
	memset(&zero, 0, sizeof(zero));
	CHECK(pool_bg_done(&zero) == 1, "a task never started: a join would not wait");
	pool_bg_start(&t, gated_fn, &g);
	for (i = 0; i < 5000 && !atomic_load(&g.started); i++)
		nanosleep(&ms, NULL);
	CHECK(atomic_load(&g.started), "the gated task runs");
	CHECK(pool_bg_done(&t) == 0, "while its function runs: not done");
	nanosleep(&ms, NULL);
	CHECK(pool_bg_done(&t) == 0, "still held at its gate: still not done");
	atomic_store(&g.open, 1);
	for (i = 0; i < 5000 && !(done = pool_bg_done(&t)); i++)
		nanosleep(&ms, NULL);
	CHECK(done == 1, "once its function returned: done, without a join");
	CHECK(g.result == 42, "what it wrote is there when done says so");
	err[0] = '\0';
	CHECK(pool_bg_join(&t, err, sizeof(err)) == -1 && strcmp(err, "gated") == 0,
	    "the join still gives its result and message (%s)", err);
	CHECK(pool_bg_done(&t) == 1, "joined: done");
	atomic_store(&g.open, 1);
	pool_bg_start_on(&t, gated_fn, &g, 0);
	CHECK(pool_bg_done(&t) == 1, "run at once (no thread): done when start returns");
	CHECK(pool_bg_join(&t, NULL, 0) == -1, "and joined as ever");
}

int
main(void)
{
	bg_runs_and_joins();
	bg_error();
	bg_fallback();
	bg_done();
	bg_never_started();
	both_ends_split();
	every_index_once();
	first_error_kept();
	first_not_last();
	init_fails();
	edges();
	{
		struct pool_work w = { .n = 10, .item = silent_fail };
		char err[64];

		CHECK(pool_run(2, &w, err, sizeof(err)) == -1 && err[0] != '\0',
		    "an item failing without a reason still gives one (%s)", err);
	}
	return check_report();
}
