/*
 * pull.h — `onlygen pull` as a function, for the pull command and for
 * `onlygen build` (which pulls unless --offline).
 *
 * The pull lists the whole library (API or --from DIR), validates it, and
 * only then replaces STATE/catalog.db in one transaction.  A failure of
 * any kind leaves the previous catalog byte-for-byte as it was.  It reads
 * no environment and prints nothing: the caller fills the options and
 * says what happened, from the result, the callbacks and err.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen].
 */
#ifndef ONLY_PULL_H
#define ONLY_PULL_H

#include <stddef.h>

#include "catalog_db.h"	/* struct catalog_counts, catalog_mark_built() */
#include "report.h"

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
	int		 check;		/* compare the new digest with the last build's */
	int		 allow_shrink;	/* accept losing more than half of the videos */
	/* after each page and retry of an API listing (NULL: none) */
	void		(*progress)(void *arg, size_t pages_done, size_t pages_total,
			    size_t videos, unsigned retries, const char *retry_msg);
	/* the API listing is complete (NULL: none) */
	void		(*listed)(void *arg);
	void		*progress_arg;
	/* notes: "a different source than the last pull (...); ..." (NULL: none) */
	const struct reporter *report;
};

struct pull_result {
	struct catalog_counts	counts;		/* relative to the previous catalog */
	char			digest[65];	/* of the new catalog */
	int			written;	/* the catalog was replaced (then an error is
						 * about reading the last build's digest) */
	int			changed;	/* check: the digest differs from the last build's */
	int			built;		/* check: a build is recorded at all */
};

/* Defaults (state "var", the default API base, 100 per page, ...); no environment. */
void	pull_opts_init(struct pull_opts *o);

/* Runs the pull; res is filled as far as it got (zeroed first). */
int	catalog_pull(const struct pull_opts *o, struct pull_result *res, char *err,
	    size_t errlen);

/* What is pulled, as recorded in the catalog's meta "source": "api <base>
 * library <id>" or "dir <realpath>". */
void	pull_source(const struct pull_opts *o, char *out, size_t outlen);

/* The API source of o (key, library, HTTP timeouts and retries, progress):
 * one setup for the full pull and the one-video pull (pull_video.c). */
struct bunny_source;
void	pull_bunny_source(const struct pull_opts *o, struct bunny_source *src);

/* STATE/catalog.db into out. */
void	pull_catalog_path(const char *state_dir, char *out, size_t outlen);

#endif
