/*
 * pull.h — `onlygen pull` as a function, for the pull command and for
 * `onlygen build` (which pulls unless --offline).
 *
 * The pull lists the whole library (API or --from DIR), validates it, and
 * only then replaces STATE/catalog.db in one transaction.  A failure of
 * any kind leaves the previous catalog byte-for-byte as it was.
 */
#ifndef ONLY_PULL_H
#define ONLY_PULL_H

#include <stddef.h>

#include "catalog_db.h"	/* catalog_mark_built() */

#define PULL_CHANGED	3	/* catalog_pull() with check: digest differs from the last build */

struct pull_opts {
	const char	*state_dir;	/* holds catalog.db (default "var") */
	const char	*from_dir;	/* read pages from files instead of the API, or NULL */
	const char	*api_base;	/* BUNNY_API_BASE or the default */
	const char	*library_id;	/* BUNNY_LIBRARY_ID */
	const char	*api_key;	/* BUNNY_API_KEY: never written anywhere */
	const char	*cdn_host;	/* stored with each video; "" = site.json's */
	int		 per_page;	/* itemsPerPage (default 100) */
	int		 concurrency;	/* connections (default 4) */
	long		 timeout_ms;	/* per request (default 60 000) */
	int		 max_attempts;	/* per request (default 5) */
	long		 backoff_ms;	/* first retry delay (default 500) */
	int		 check;		/* exit PULL_CHANGED when the digest differs from the build's */
	int		 allow_shrink;	/* accept losing more than half of the videos */
	int		 quiet;		/* no output but errors */
	int		 progress;	/* 1: a progress line (a terminal), 0: log lines */
};

/*
 * Defaults, the BUNNY_* environment variables (BUNNY_CDN_HOSTNAME into
 * cdn_host) and progress = whether stderr is a terminal.
 */
void	pull_opts_init(struct pull_opts *o);

/*
 * Runs the pull.  Returns 0 (done; with check, the catalog is the one the
 * last build used), 1 (failed, message printed on stderr) or PULL_CHANGED.
 * digest (may be NULL) receives the new catalog digest on success.
 */
int	catalog_pull(const struct pull_opts *o, char digest[65]);

/* STATE/catalog.db into out. */
void	pull_catalog_path(const char *state_dir, char *out, size_t outlen);

#endif
