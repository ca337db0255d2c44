/*
 * deploy_run.h — the I/O edge of `onlygen deploy`: list the zone, carry out
 * a plan on Bunny Storage, purge the pull zone.  Every request goes through
 * http.c (bounded concurrency, timeouts, retries with backoff and jitter,
 * Retry-After).  Secrets travel in headers only and are never printed.
 *
 * Ownership: struct deploy_result owns its lists (deploy_result_free).
 *
 * Convention: 0 ok, -1 error with the reason in err[errlen]; counts in
 * struct deploy_result; single failures and progress along the way go to
 * the conf's callbacks; nothing here prints or reads the environment.
 */
#ifndef ONLY_DEPLOY_RUN_H
#define ONLY_DEPLOY_RUN_H

#include <stddef.h>
#include <stdint.h>

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
	/*
	 * What happens along the way (each may be NULL): report gets a
	 * warning (report.h) per request or file that failed and per phase
	 * that stopped the run; progress the requests of the phase finished
	 * so far; retry a request about to be tried again (both with
	 * report_arg).
	 */
	const struct reporter *report;
	void		(*progress)(void *arg, const char *phase, size_t done, size_t total);
	void		(*retry)(void *arg, const char *phase, long delay_ms, const char *why);
	void		*report_arg;
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

/* Lists the whole zone, directory by directory (DEPLOY_LIST_JOBS at a time). */
int	deploy_list_zone(const struct deploy_conf *c, struct dlist *files,
	    struct dlist *dirs, char *err, size_t errlen);

/*
 * Carries out plan phase by phase, reading uploads from root, counting into
 * res.  A phase with a failure stops the run before the next phase (so no
 * page is published before what it links to).  -1 when anything planned
 * was not done.
 */
int	deploy_execute(const struct deploy_conf *c, const char *root,
	    const struct dplan *plan, struct deploy_result *res, char *err, size_t errlen);

/* What deploy_purge() did. */
enum deploy_purged {
	PURGED_NOTHING,		/* nothing changed that a cache could hold */
	PURGE_SKIPPED,		/* not configured: no account key or pull zone */
	PURGED_ZONE,		/* the whole pull zone (c->pullzone_id) */
	PURGED_URLS		/* *nurls URLs one by one */
};

/*
 * Purges the pull zone's cache for res: per URL when pullzone_url is set and
 * deploy_purge_targets() allows it (each kind paced by its own token bucket
 * under Bunny's limits), else the whole pull zone.  Says what it did in
 * *what and *nurls.
 */
int	deploy_purge(const struct deploy_conf *c, const struct deploy_result *res,
	    enum deploy_purged *what, size_t *nurls, char *err, size_t errlen);

#endif
