/*
 * file_release.c — descriptors of replaced and removed files closed on a
 * thread of their own (file_release.h): a bounded queue, one thread.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "file_release.h"

struct file_release {
	pthread_mutex_t	 mu;
	pthread_cond_t	 more;
	pthread_t	 th;
	int		 q[FILE_RELEASE_QUEUE];
	size_t		 head, n;	/* the queued descriptors: q[head], then on */
	int		 done;		/* no more will come: drain and end */
};

static void *
release_main(void *arg)
{
	struct file_release *r = arg;
	int fd;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->n == 0 && !r->done)
			pthread_cond_wait(&r->more, &r->mu);
		if (r->n == 0)
			break;
		fd = r->q[r->head];
		r->head = (r->head + 1) % FILE_RELEASE_QUEUE;
		r->n--;
		pthread_mutex_unlock(&r->mu);
		(void)close(fd);	/* the blocks freed (and discarded) here */
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct file_release *
file_release_start(void)
{
	struct file_release *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return NULL;
	}
	if (pthread_cond_init(&r->more, NULL) != 0) {
		pthread_mutex_destroy(&r->mu);
		free(r);
		return NULL;
	}
	if (pthread_create(&r->th, NULL, release_main, r) != 0) {
		pthread_cond_destroy(&r->more);
		pthread_mutex_destroy(&r->mu);
		free(r);
		return NULL;
	}
	return r;
}

int
file_release_hold(const struct file_release *r, int dirfd, const char *path)
{
	if (r == NULL)
		return -1;
	return openat(dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

void
file_release_give(struct file_release *r, int fd)
{
	if (fd < 0)
		return;
	if (r != NULL) {
		pthread_mutex_lock(&r->mu);
		if (r->n < FILE_RELEASE_QUEUE) {
			r->q[(r->head + r->n) % FILE_RELEASE_QUEUE] = fd;
			r->n++;
			pthread_cond_signal(&r->more);
			pthread_mutex_unlock(&r->mu);
			return;
		}
		pthread_mutex_unlock(&r->mu);
	}
	(void)close(fd);
}

void
file_release_finish(struct file_release *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->done = 1;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->th, NULL);
	pthread_cond_destroy(&r->more);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
