/*
 * site_access.c — STATE/access.db for a build (access_db.c), made on a
 * thread of its own: the plan (every published video's row, hashed) and,
 * when the rows changed or the table is missing, the table written and
 * synced beside the old one start as soon as the old manifest is read and
 * run while the build prepares and renders its pages.  site_access_finish()
 * renames it in where site_build.c always wrote it: before the first page
 * of a first build, before publishing otherwise.  So the verifier sees the
 * new table at the same moment as before, and a build that fails first
 * leaves the old one (site_access_abandon()).  The sync (tens of
 * milliseconds) and the SQLite writes no longer wait on the main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pool.h"
#include "site_int.h"

struct site_access {
	struct pool_bg		 task;
	const struct model	*m;
	uint64_t		 old_sum;
	struct access_plan	 ap;
	struct access_staged	 st;
	int			 write;		/* the table is (to be) staged */
	const char		*state_dir;
	char			 path[4096];	/* "": too long */
};

static int
access_task(void *arg, char *err, size_t errlen)
{
	struct site_access *a = arg;
	struct stat sb;

	if (a->path[0] == '\0') {
		snprintf(err, errlen, "%.900s: path too long", a->state_dir);
		return -1;
	}
	if (access_plan_make(a->m, &a->ap) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->write = a->ap.sum != a->old_sum || stat(a->path, &sb) == -1;
	if (a->write)
		return access_db_stage(a->m, &a->ap, a->path, &a->st, err, errlen);
	return 0;
}

struct site_access *
site_access_start(const struct model *m, const char *state_dir, uint64_t old_sum)
{
	struct site_access *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->m = m;
	a->old_sum = old_sum;
	a->state_dir = state_dir;
	if ((size_t)snprintf(a->path, sizeof(a->path), "%s/access.db", state_dir) >=
	    sizeof(a->path)) {
		a->path[0] = '\0';	/* the task says so, at once */
		pool_bg_start_on(&a->task, access_task, a, 0);
		return a;
	}
	pool_bg_start(&a->task, access_task, a);
	return a;
}

int
site_access_finish(struct site_access *a, struct file_release *rel, uint64_t *sum,
    int *written, char *err, size_t errlen)
{
	int rc = 0, w;

	if (pool_bg_join(&a->task, err, errlen) == -1)
		rc = -1;
	else {
		*sum = a->ap.sum;
		if (a->write) {
			if ((w = access_db_commit(a->path, &a->st, rel, err, errlen)) == -1)
				rc = -1;
			else
				*written = w == 0;
		}
	}
	access_plan_free(&a->ap);
	free(a);
	return rc;
}

void
site_access_abandon(struct site_access *a)
{
	if (a == NULL)
		return;
	(void)pool_bg_join(&a->task, NULL, 0);
	access_db_unstage(a->path, &a->st);
	access_plan_free(&a->ap);
	free(a);
}
