/*
 * model_texts.c — a video's texts summed once (model_texts.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hash64.h"
#include "model_texts.h"
#include "pool.h"

/* Fewer videos than this are summed on the caller's thread alone: a
 * thread's start costs more than their texts. */
#define TEXTS_SPLIT_MIN	8192

uint64_t
model_texts_sum(const char *title, const char *description)
{
	uint64_t h = h64_str(h64_str(0x6d6f64656c2d7478ULL, title), description);	/* "model-tx" */

	return h != 0 ? h : 1;
}

uint64_t
model_texts(const struct video *v)
{
	return v->texts != 0 ? v->texts : model_texts_sum(v->title, v->description);
}

/* The videos [from, to) of m whose sums are 0, summed. */
struct texts_range {
	struct model	*m;
	size_t		 from, to;
};

static void
fill_range(const struct texts_range *r)
{
	struct video *v = r->m->videos;
	size_t i;

	for (i = r->from; i < r->to; i++) {
		/* after a merge, each a miss: asked for early */
		if (i + MODEL_TEXTS_AHEAD < r->to) {
			__builtin_prefetch(v[i + MODEL_TEXTS_AHEAD].title);
			__builtin_prefetch(v[i + MODEL_TEXTS_AHEAD].description);
		}
		if (v[i].texts == 0)
			v[i].texts = model_texts_sum(v[i].title, v[i].description);
	}
}

static int
fill_task(void *arg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	fill_range(arg);
	return 0;
}

/*
 * After a merge every video's sum is 0: at 100 000 videos ~25 ms of the
 * main thread measuring and hashing 23 MB of texts, with the other core
 * idle (the merge's tail, docs/benchmarks.md, issue 15).  The first half
 * is then summed on a thread of its own; each video's sum is written by
 * one thread only.
 */
void
model_texts_fill(struct model *m)
{
	struct texts_range lo = { m, 0, m->nvideos / 2 }, hi = { m, m->nvideos / 2, m->nvideos };
	struct pool_bg bg;

	if (m->nvideos < TEXTS_SPLIT_MIN) {
		lo.to = m->nvideos;
		fill_range(&lo);
		return;
	}
	memset(&bg, 0, sizeof(bg));
	pool_bg_start(&bg, fill_task, &lo);
	fill_range(&hi);
	(void)pool_bg_join(&bg, NULL, 0);
}
