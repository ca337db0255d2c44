/*
 * arena_shared.c — an arena taken from by several threads (arena_shared.h).
 */
#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "arena_shared.h"

struct arena_shared {
	pthread_mutex_t	lock;	/* over a */
	struct arena	a;
};

struct arena_shared *
arena_shared_new(void)
{
	struct arena_shared *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	arena_init(&s->a);
	return s;
}

void *
arena_shared_take(struct arena_shared *s, size_t n)
{
	void *p;

	if (pthread_mutex_lock(&s->lock) != 0)
		return NULL;
	p = arena_take(&s->a, n);
	(void)pthread_mutex_unlock(&s->lock);
	return p;
}

void
arena_shared_delete(struct arena_shared *s)
{
	if (s == NULL)
		return;
	arena_free(&s->a);
	(void)pthread_mutex_destroy(&s->lock);
	free(s);
}
