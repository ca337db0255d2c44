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
#include <stdint.h>
#include <time.h>

#include "img_vips.h"
#include "report.h"
#include "model.h"

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
	/*
	 * The model's id and the id of the model it was laid over, with the
	 * videos whose fields changed since (build_model.h): the template
	 * pages that read none of them keep their keys (page_reads.h).
	 * 0: no id (nothing kept, nothing recorded).
	 */
	uint64_t	 model_id;
	uint64_t	 base_id;
	/* onlygen itself (build_inputs.h: the content key mixes its digest in):
	 * what made the kept card texts (card_store.h); 0 keeps none */
	uint64_t	 code_key;
	const uint32_t	*changed;
	size_t		 nchanged;
	/* the lock and the old manifest, taken ahead (site_preload_start), or NULL */
	struct site_preload *preload;
};

struct site_stats {
	size_t	pages;		/* files the site consists of */
	size_t	rendered;	/* files whose bytes were produced this build */
	size_t	written;	/* files published (new or changed) */
	size_t	unchanged;
	size_t	kept;		/* template pages whose key was kept, not made again */
	size_t	removed;	/* stale files deleted */
	size_t	img_fetched;	/* image files requested from the CDN */
	size_t	img_missing;	/* videos still without their images (placeholder or no preview) */
	int	access_written;	/* var/access.db rewritten */
	double	secs_prepare;	/* theme, indices, "more like this" */
	double	secs_render;	/* rendering and staging */
	double	secs_publish;	/* access.db, renames, removals, manifest */
};

/*
 * Renders the model into opts->out_dir, writing only changed files, each
 * through a temporary name and a rename, removing stale files last, then
 * records the manifest under opts->state_dir; also writes
 * state_dir/access.db (temp + rename) when its content changed.
 * Returns 0, or -1 with a message in err; on an error before publishing
 * the served directory is untouched.
 */
/*
 * The build's lock (STATE/site.lock) taken and its old manifest read on a
 * thread of its own, ahead of site_build() (site_opts.preload), while the
 * caller loads the model: at 100 000 videos the read (~0.03 s) then runs
 * beside the catalog's prints walk instead of after the load.  NULL when
 * another build holds the lock (site_build() then says so), or a path or
 * memory runs out: the build goes on without it.  site_build() takes the
 * lock and the manifest over (site_preload_take: the manifest's warnings
 * said then, through its reporter); site_preload_free() joins the read and
 * releases what was not taken, the lock with it.
 */
struct site_preload;
struct manifest;
struct site_preload *site_preload_start(const char *state_dir);
int	site_preload_take(struct site_preload *p, int *lockfd, struct manifest *old,
	    const struct reporter *rep, char *err, size_t errlen);
void	site_preload_free(struct site_preload *p);

int	site_build(const struct model *m, const struct site_opts *opts,
	    struct site_stats *st, char *err, size_t errlen);

#endif
