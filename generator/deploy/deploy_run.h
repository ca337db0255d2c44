/*
 * deploy_run.h — the I/O edge of `onlygen deploy`: list the zone, carry out
 * a plan on Bunny Storage, purge the pull zone.  Every request goes through
 * http.c (bounded concurrency, timeouts, retries with backoff and jitter,
 * Retry-After).  Secrets travel in headers only and are never printed.
 *
 * Ownership: struct deploy_result owns its lists (deploy_result_free).
 */
#ifndef ONLY_DEPLOY_RUN_H
#define ONLY_DEPLOY_RUN_H

#include <stdio.h>

#include "deploy.h"

struct deploy_conf {
	const char	*endpoint;	/* storage base URL, no trailing '/' */
	const char	*zone;		/* storage zone name */
	const char	*key;		/* storage zone password (AccessKey) */
	const char	*core;		/* core API base URL (purge) */
	const char	*account_key;	/* account API key (purge), or NULL */
	const char	*pullzone_id;	/* for a whole-zone purge, or NULL */
	const char	*pullzone_url;	/* public base URL for per-URL purges */
	int		 jobs;		/* uploads in flight */
	long		 timeout_ms;	/* one request */
	int		 attempts;	/* tries per request */
	long		 backoff_ms;	/* first retry delay */
	int		 progress;	/* 1: progress line on stderr (a tty) */
};

struct deploy_result {
	size_t		 uploaded, deleted, failed;
	uint64_t	 bytes;
	unsigned	 retries;
	int		 stopped;	/* a phase failed: later phases not run */
	struct dlist	 done;		/* uploaded: path, size, checksum sent; sorted */
	struct dlist	 purge;		/* changed or deleted file paths */
	int		 purge_all;	/* a directory went: purge everything */
};

void	deploy_result_free(struct deploy_result *r);

/*
 * Lists the whole zone, directory by directory (DEPLOY_LIST_JOBS at a time).
 * Returns 0, or -1 with a message in err (2 when the key was refused).
 */
int	deploy_list_zone(const struct deploy_conf *c, struct dlist *files,
	    struct dlist *dirs, char *err, size_t errlen);

/*
 * Carries out plan phase by phase, reading uploads from root.  A phase with
 * a failure stops the run before the next phase (so no page is published
 * before what it links to); failures are printed to stderr.
 * Returns 0 when everything was done, 1 after failures, 2 when the key was
 * refused.
 */
int	deploy_execute(const struct deploy_conf *c, const char *root,
	    const struct dplan *plan, struct deploy_result *res);

/*
 * Purges the pull zone's cache for res: per URL when pullzone_url is set and
 * deploy_purge_targets() allows it (each kind paced by its own token bucket
 * under Bunny's limits), else the whole pull zone.  Writes what it did to
 * out.  Returns 0, -1 on failure (message on stderr), 1 when not configured
 * (nothing done).
 */
int	deploy_purge(const struct deploy_conf *c, const struct deploy_result *res,
	    FILE *out);

#endif
