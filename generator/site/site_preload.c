/*
 * site_preload.c — the build's lock taken and its old manifest read ahead
 * of site_build() (site.h: struct site_preload).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "buf.h"
#include "pool.h"
#include "site.h"
#include "site_write.h"

/* The manifest's warnings, at most (one is all it says). */
#define PRELOAD_WARNINGS_MAX	((size_t)64 << 10)

struct site_preload {
	int		 lockfd;	/* STATE/site.lock, held; -1 once taken over */
	char		 path[4096];	/* STATE/site-manifest */
	struct pool_bg	 task;
	int		 joined;
	int		 rc;		/* manifest_load()'s */
	char		 err[POOL_ERR_MAX];
	struct manifest	 old;
	struct buf	 warnings;	/* its warnings, each '\n'-terminated */
};

/* A reporter that keeps each warning's line, for the take to say. */
static void
keep_line(void *arg, enum report_level level, const char *msg)
{
	struct buf *b = arg;

	(void)level;
	(void)(buf_puts(b, msg) == -1 || buf_putc(b, '\n') == -1);
}

static int
load_task(void *arg, char *err, size_t errlen)
{
	struct site_preload *p = arg;
	struct reporter keep = { keep_line, &p->warnings };

	(void)err;
	(void)errlen;
	p->rc = manifest_load(&p->old, p->path, &keep, p->err, sizeof(p->err));
	return 0;
}

struct site_preload *
site_preload_start(const char *state_dir)
{
	struct site_preload *p;
	char lock[4096];

	if ((size_t)snprintf(lock, sizeof(lock), "%s/site.lock", state_dir) >= sizeof(lock) ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((size_t)snprintf(p->path, sizeof(p->path), "%s/site-manifest", state_dir) >=
	    sizeof(p->path) ||
	    (p->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		free(p);
		return NULL;
	}
	if (flock(p->lockfd, LOCK_EX | LOCK_NB) == -1) {
		close(p->lockfd);	/* another build: site_build() says so */
		free(p);
		return NULL;
	}
	buf_init(&p->warnings, PRELOAD_WARNINGS_MAX);
	pool_bg_start(&p->task, load_task, p);
	return p;
}

/* The read ended. */
static void
join(struct site_preload *p)
{
	if (!p->joined)
		(void)pool_bg_join(&p->task, NULL, 0);
	p->joined = 1;
}

int
site_preload_take(struct site_preload *p, int *lockfd, struct manifest *old,
    const struct reporter *rep, char *err, size_t errlen)
{
	char *line, *nl;

	join(p);
	*lockfd = p->lockfd;
	p->lockfd = -1;
	if (p->warnings.data != NULL && buf_putc(&p->warnings, '\0') == 0)
		for (line = p->warnings.data; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
			*nl = '\0';
			report(rep, REPORT_WARNING, "%s", line);
		}
	if (p->rc != 0) {
		snprintf(err, errlen, "%s", p->err);
		return -1;
	}
	*old = p->old;
	memset(&p->old, 0, sizeof(p->old));
	return 0;
}

void
site_preload_free(struct site_preload *p)
{
	if (p == NULL)
		return;
	join(p);
	manifest_free(&p->old);
	buf_free(&p->warnings);
	if (p->lockfd != -1)
		close(p->lockfd);
	free(p);
}
