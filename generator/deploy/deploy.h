/*
 * deploy.h — `onlygen deploy`: the site directory to a Bunny Storage zone.
 *
 * The pure middle (file lists, listing parse, manifest, plan, purge
 * budget) is kept apart from the I/O edges (the local walk, the storage
 * transfers in deploy_run.c, the purge calls) so it can be unit-tested.
 *
 * Ownership: a struct dlist owns its paths (dlist_free); a struct dplan
 * borrows paths and checksums from the lists it was built from, so free the
 * plan first.  Every path is relative to the site root, '/'-separated, with
 * no leading '/', no empty, "." or ".." component and no component that
 * starts with '.'.
 *
 * Convention: 0 ok, -1 error with the reason in err[errlen] (a function
 * without err fails only when out of memory or over a cap); deploy_is_*
 * answers 1 or 0.
 */
#ifndef ONLY_DEPLOY_H
#define ONLY_DEPLOY_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* Bunny Storage: path plus name up to 6000 chars (bunny.md §5). */
#define DEPLOY_MAX_PATH		6000
/* Directory nesting in the site or the zone; a static site needs a few. */
#define DEPLOY_MAX_DEPTH	32
/* One file's size; a static site's largest file is a video poster or JS. */
#define DEPLOY_MAX_FILE		((uint64_t)1 << 30)
/* Files in a site or a zone listing. */
#define DEPLOY_MAX_FILES	500000
/* One directory listing's JSON. */
#define DEPLOY_MAX_LISTING	((size_t)64 << 20)
/* Concurrency within Bunny's limits (§5): 100 connections per IP and
 * server, listings 5 at a time, DELETEs 30 at a time. */
#define DEPLOY_JOBS_DEFAULT	8
#define DEPLOY_JOBS_MAX		50
#define DEPLOY_LIST_JOBS	4
#define DEPLOY_DELETE_JOBS	16

struct dfile {
	char		*path;
	uint64_t	 size;
	char		 sha256[65];	/* uppercase hex; "" when not known */
};

/* A list of files or directories, sorted by path once dlist_sort ran. */
struct dlist {
	struct dfile	*v;
	size_t		 n, cap;
};

void	dlist_free(struct dlist *l);
/* Appends a copy of path; 0, or -1 when out of memory or over the cap. */
int	dlist_add(struct dlist *l, const char *path, uint64_t size,
	    const char *sha256);
void	dlist_sort(struct dlist *l);
/* Binary search in a sorted list; NULL when absent. */
const struct dfile *dlist_find(const struct dlist *l, const char *path);

struct manifest;
/*
 * Collects what the build published (an allowlist): walks the site
 * directory and keeps exactly the files that mf, the build's manifest
 * (STATE/site-manifest, site_write.h), names, with their SHA-256.  Anything
 * else found there (keys, backups, dotfiles, a directory the manifest has
 * nothing under) is never read nor uploaded: it is reported once through
 * rep as ignored (rep may be NULL).  Symbolic links are never followed.
 * A manifest entry whose file is missing, is not a regular file, or whose
 * bytes do not hash to the manifest's checksum is reported through rep and
 * makes the whole call fail, so nothing is uploaded from a site that is not
 * the build's.  Returns 0 with out sorted, or -1 with a message in err.
 */
int	deploy_walk(const char *root, const struct manifest *mf,
	    struct dlist *out, const struct reporter *rep, char *err, size_t errlen);

/* SHA-256 of len bytes as 64 uppercase hex digits (Bunny's Checksum). */
void	deploy_sha256_hex(const void *p, size_t len, char out[65]);

/*
 * Parses one Storage listing (a JSON array of objects with ObjectName,
 * Length, IsDirectory and, when the server sends it, Checksum) of the zone
 * directory dir ("" for the root).  Files are appended to files, directories
 * to dirs, with paths dir/ObjectName.  An ObjectName that is not one safe
 * path component is an error (a server-supplied name never becomes a path
 * unchecked).  Returns 0, or -1 with a message in err.
 */
int	deploy_listing_parse(const char *json, size_t len, const char *dir,
	    struct dlist *files, struct dlist *dirs, char *err, size_t errlen);

/*
 * The manifest of the last deploy (var/deploy-<zone>.json): for each path
 * the SHA-256 and size that were uploaded.  It is trusted for a path only
 * while the zone's listing shows the same size there.
 * Load: a missing file gives an empty list and 0; a manifest of another
 * endpoint or zone is ignored (empty list); -1 with err on a corrupt file.
 */
int	deploy_manifest_load(const char *path, const char *endpoint,
	    const char *zone, struct dlist *out, char *err, size_t errlen);
/* Writes atomically (temp + rename).  0, or -1 with err. */
int	deploy_manifest_save(const char *path, const char *endpoint,
	    const char *zone, const struct dlist *files, char *err, size_t errlen);

/*
 * The plan, in the order it must run so that no served page ever links to
 * a file not yet uploaded: conflicts (a remote directory where a file must
 * go, or the reverse), then assets (anything that is not a document), then
 * new documents, then changed documents, then deletions.
 */
enum dphase {
	PHASE_CONFLICTS,
	PHASE_ASSETS,
	PHASE_NEW_PAGES,
	PHASE_CHANGED_PAGES,
	PHASE_DELETIONS,
	PHASE_COUNT
};

enum dop {
	DOP_UPLOAD,
	DOP_DELETE_FILE,
	DOP_DELETE_DIR	/* Bunny deletes a directory recursively */
};

struct daction {
	enum dop	 op;
	enum dphase	 phase;
	int		 is_new;	/* upload of a path not in the zone */
	const char	*path;		/* borrowed from the lists */
	uint64_t	 size;
	const char	*sha256;	/* planned checksum (uploads) */
};

struct dplan {
	struct daction	*v;		/* sorted by phase, then path */
	size_t		 n;
	size_t		 unchanged, uploads, deletes;
	uint64_t	 upload_bytes;
};

/* 1 for a document (a page that links to other files: html, xml, json,
 * txt, webmanifest), 0 for an asset; anything under assets/ is an asset. */
int	deploy_is_document(const char *path);

/*
 * Builds the plan from the local tree, the zone's files and directories
 * (full listing) and the manifest.  A remote file is unchanged when its size
 * matches and its checksum (from the listing, else from a manifest entry of
 * the same size) equals the local one.  Returns 0, or -1 (out of memory).
 */
int	deploy_plan_build(const struct dlist *local, const struct dlist *rfiles,
	    const struct dlist *rdirs, const struct dlist *manifest,
	    struct dplan *plan);
void	deploy_plan_free(struct dplan *plan);
const char *deploy_phase_name(enum dphase ph);

/* Purge budget (bunny.md §5, per account): exact URLs 120 burst and 5/s,
 * prefix URLs (ending in '/') 20 burst and 0.5/s.  We stay under both so a
 * concurrent deploy or the dashboard still has room. */
#define DEPLOY_PURGE_URLS_MAX	100	/* exact URLs per deploy, else whole zone */
#define DEPLOY_PURGE_PREFIX_MAX	15	/* directory URLs per deploy, else whole zone */

struct buf;
/* Appends s percent-encoded (RFC 3986 unreserved kept; '/' kept when
 * keep_slash).  0, or -1 when the buffer's cap is reached. */
int	deploy_put_enc(struct buf *b, const char *s, int keep_slash);

/*
 * The URLs to purge for changed or deleted paths under the public base URL
 * base: each file's URL, and for each "…/index.html" also its directory URL
 * "…/" (a prefix purge: the page is served there too).  Exact URLs get
 * size 0 in urls, prefix URLs size 1.  *whole is set to 1 (urls left empty)
 * when the whole pull zone should be purged instead (the site root's
 * index.html, more than the budgets above).  0, or -1 out of memory.
 */
int	deploy_purge_targets(const char *base, const struct dlist *paths,
	    struct dlist *urls, int *whole);

/*
 * A token bucket for Bunny's purge rate limits (§5: exact URLs 120 burst and
 * 5/s).  deploy_bucket_take returns how many seconds to wait before one
 * more request may be sent at time now (seconds, monotonic), and books it.
 */
struct dbucket {
	double	tokens, burst, rate, last;
};
void	deploy_bucket_init(struct dbucket *b, double burst, double rate,
	    double now);
double	deploy_bucket_take(struct dbucket *b, double now);

#endif
