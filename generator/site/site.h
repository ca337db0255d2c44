/*
 * site.h — the site half of the generator: from a loaded model and a theme
 * to a published static site (see docs/site.md).
 *
 * Ownership: site_build() reads the model and options and owns everything
 * it allocates; nothing it returns needs freeing.
 *
 * Convention: 0 ok, -1 error with the reason in err[errlen]; warnings go to
 * opts->report; nothing here prints or reads the environment.
 */
#ifndef ONLY_SITE_H
#define ONLY_SITE_H

#include <stddef.h>
#include <time.h>

#include "img_vips.h"
#include "pool.h"
#include "report.h"
#include "model.h"

struct site_placeholder;

struct site_opts {
	const char	*out_dir;	/* the served directory, e.g. "site" */
	const char	*state_dir;	/* manifest and access.db live here, e.g. "var" */
	const char	*default_theme;	/* e.g. "themes/default" */
	const char	*user_theme;	/* overrides by relative path, or NULL */
	const char	*hlsjs_path;	/* node_modules/hls.js/dist/hls.min.js */
	const char	*token_key;	/* pull-zone token key (signs image fetches), or NULL */
	time_t		 now;		/* build time (image fetch token expiry) */
	int		 fetch_images;	/* fetch images missing from STATE/img-cache */
	struct img_lib	*img;		/* libvips, started when first needed */
	/*
	 * The placeholder stills' task, started by the caller before it loads
	 * the model (site_placeholder_start()) and joined by site_build(); the
	 * caller joins it too on a path that never reaches site_build().  NULL:
	 * site_build() starts its own.
	 */
	struct site_placeholder *placeholder;
	int		 jobs;		/* worker threads (pool.h caps them) */
	int		 quiet;
	int		 trust_manifest;	/* the manifest describes out_dir as the last build
					 * left it: a path it lists exists (no fstatat) */
	/*
	 * Warnings (the build goes on), as every generator layer reports
	 * (report.h); NULL drops them.  Image warnings come from several worker
	 * threads at once, so its fn must be safe to call concurrently.
	 */
	const struct reporter *report;
};

struct site_stats {
	size_t	pages;		/* files the site consists of */
	size_t	rendered;	/* files whose bytes were produced this build */
	size_t	written;	/* files published (new or changed) */
	size_t	unchanged;
	size_t	removed;	/* stale files deleted */
	size_t	img_fetched;	/* image files requested from the CDN */
	size_t	img_missing;	/* videos still without their images (placeholder or no preview) */
	int	access_written;	/* var/access.db rewritten */
	double	secs_prepare;	/* theme, indices, "more like this" */
	double	secs_render;	/* rendering and staging */
	double	secs_publish;	/* access.db, renames, removals, manifest */
};

/*
 * The shared placeholder stills a video without its own image shows,
 * drawn by libvips into STATE/img-cache once (site_placeholder.c).
 * site_placeholder_start() starts their encoding on a thread of its own
 * when the cache lacks one of them (nothing otherwise): o's state_dir and
 * img are read by the task and may not change until the join, nothing else
 * uses libvips meanwhile, and *ph stays where it is.
 * site_placeholder_join() waits for it: 0, or -1 with the encode's err (err
 * NULL: dropped); 0 at once when nothing is pending, so it may be called
 * more than once.  Each file is written under a name of this process and
 * renamed in: a build that fails or is killed leaves whole files or none.
 */
struct site_placeholder {
	struct pool_bg		 task;
	const struct site_opts	*o;
};
void	site_placeholder_start(struct site_placeholder *ph, const struct site_opts *o);
int	site_placeholder_join(struct site_placeholder *ph, char *err, size_t errlen);

/*
 * Renders the model into opts->out_dir, writing only changed files, each
 * through a temporary name and a rename, removing stale files last, then
 * records the manifest under opts->state_dir; also writes
 * state_dir/access.db (temp + rename) when its content changed.
 * Returns 0, or -1 with a message in err; on an error before publishing
 * the served directory is untouched.
 */
int	site_build(const struct model *m, const struct site_opts *opts,
	    struct site_stats *st, char *err, size_t errlen);

#endif
