/*
 * file_release.c — descriptors of replaced and removed files closed on a
 * thread of their own (file_release.h): a bounded queue, one thread.
 */
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
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

pid_t
file_release_hand_off(char *const argv[], const int *fds, size_t n, int in)
{
	static char *const envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	size_t i;
	int ok;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	ok = (in < 0 ? posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) :
	    posix_spawn_file_actions_adddup2(&fa, in, 0)) == 0 &&
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) == 0 &&
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0;
	/* onto itself: the descriptor loses close-on-exec (POSIX.1-2024, glibc 2.29) */
	for (i = 0; ok && i < n; i++)
		ok = fds[i] > 2 && fds[i] != in &&
		    posix_spawn_file_actions_adddup2(&fa, fds[i], fds[i]) == 0;
	ok = ok && posix_spawn(&pid, argv[0], &fa, NULL, argv, envp) == 0;
	posix_spawn_file_actions_destroy(&fa);
	return ok ? pid : -1;
}

/*
 * fds[0..n) handed off to a process that holds them until this one has
 * closed its own references: cat reading a pipe whose only writer is
 * here.  A child that could exit at once (/bin/true) often did before the
 * closes below, which then were the last references: at 100 000 videos
 * on the disk, ~45 ms of a one-title rebuild's end on its main thread
 * (docs/benchmarks.md, issue 15).  Each fd is closed here either way.
 */
static void
hand_off_all(const int *fds, size_t n)
{
	static char *const cat_argv[] = { (char *)"/bin/cat", NULL };
	int p[2] = { -1, -1 };
	size_t i;

	if (pipe2(p, O_CLOEXEC) == 0 && file_release_hand_off(cat_argv, fds, n, p[0]) == -1) {
		close(p[1]);	/* nothing spawned: the closes below are the last */
		p[1] = -1;
	}
	if (p[0] != -1)
		close(p[0]);
	for (i = 0; i < n; i++)
		(void)close(fds[i]);
	if (p[1] != -1)
		close(p[1]);	/* now the child sees the end, exits, lets go */
}

void
file_release_finish(struct file_release *r, const int *last, size_t nlast)
{
	int fds[FILE_RELEASE_QUEUE + FILE_RELEASE_LAST];
	size_t n = 0, i;

	if (r == NULL) {
		for (i = 0; i < nlast; i++)
			if (last[i] >= 0)
				(void)close(last[i]);
		return;
	}
	pthread_mutex_lock(&r->mu);
	/* what the thread has not reached: handed off, not waited for (a
	 * standard stream's number would be taken by /dev/null: kept here) */
	while (r->n > 0) {
		int fd = r->q[r->head];

		r->head = (r->head + 1) % FILE_RELEASE_QUEUE;
		r->n--;
		if (fd > 2)
			fds[n++] = fd;
		else
			(void)close(fd);
	}
	r->done = 1;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->mu);
	for (i = 0; i < nlast; i++)
		if (last[i] > 2 && i < FILE_RELEASE_LAST)
			fds[n++] = last[i];
		else if (last[i] >= 0)
			(void)close(last[i]);
	if (n > 0)
		hand_off_all(fds, n);
	pthread_join(r->th, NULL);	/* the one file it may be closing */
	pthread_cond_destroy(&r->more);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
