/*
 * build_model.h — the model `onlygen build` renders, made the cheapest way
 * the data allows (docs/site.md, "The model image"):
 *
 * - from STATE/model.image, the model the last build made, when it was
 *   made from this content/, these options and this onlygen (its key) and
 *   the catalog has the same videos and collections: the rows whose print
 *   changed since are read and laid over it (model_overlay.h);
 * - else from content/ (its snapshot) and every catalog row, merged
 *   (model_merge.h), the catalog read on a thread of its own from the
 *   start of the build.
 *
 * Either way the image is then written again (when the model changed) on a
 * thread of its own while the site is built; a failed or killed write
 * leaves the last image or none, never half of one (model_image.h).  A
 * model that is the image with at most MODEL_DELTA_MAX rows laid over it
 * leaves the image as it is and says which rows in its delta
 * (model_delta.h) instead: the image is ~50 MB at 100 000 videos.  The
 * load's warnings (content/'s, the merge's) are kept in the image and said
 * again when it is used: every build says the same warnings.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen].
 */
#ifndef ONLY_BUILD_MODEL_H
#define ONLY_BUILD_MODEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog_rows.h"
#include "content_snap.h"
#include "model.h"
#include "model_delta.h"
#include "model_image.h"
#include "pool.h"


struct build_model {
	/* in: set by the caller before build_model_start() */
	const char			*catalog_db;
	const char			*content_dir;
	const char			*state_dir;
	const char			*cdn_host;	/* BUNNY_CDN_HOSTNAME, or NULL */
	const char			*base_url;	/* --base-url, or NULL */
	int				 quiet;		/* warnings not said */
	/* in: set before build_model_load() */
	const struct content_snap	*snap;		/* content/'s snapshot, or NULL */
	uint64_t			 image_key;	/* 0: no image (build_model_key) */
	uint64_t			 content_key;	/* the content_key image_key was made
							 * from (0: none) */
	/* out */
	char				 how[64];	/* "merged", "from its image [+ N changed rows]" */
	size_t				 overlaid;	/* rows laid over the image that changed
							 * since the last build */
	/*
	 * The model's id (model_image_id: 0 when it has none) and, laid over
	 * its image with the videos in place, the last build's model id (the
	 * image's, or its delta's) and the videos whose rows changed since
	 * (page_reads.h); base_id 0 otherwise.
	 */
	uint64_t			 model_id;
	uint64_t			 base_id;
	uint32_t			*changed_videos;
	size_t				 nchanged_videos;
	int				 have_fp;	/* catalog_fp read on the way */
	uint64_t			 catalog_fp;	/* catalog_fingerprint()'s value */
	/* private */
	char				 image_path[4096];
	char				 delta_path[4096];	/* "": no delta kept */
	char				 at_path[4200];	/* the image's position record
							 * (model_image_at.h) */
	char				 rows_path[4096];	/* the catalog's rows kept
								 * (catalog_rows_file.h);
								 * "": none */
	struct model_delta		 delta;		/* the image's, read (n 0: none) */
	struct model_delta		 next;		/* the delta of this build's model */
	int				 delta_save;	/* write next, not the image */
	int				 peeked;	/* image_fd: the image, worth reading */
	int				 image_fd;
	struct model_image_peek		 peek;
	uint64_t			 peek_sum;	/* model_image_rows_sum() of the peek's
							 * rows, once peek_known (peek_rows_sum) */
	int				 peek_known;
	struct catalog_rows		 changed;	/* the rows whose print moved */
	atomic_int			 stop;
	struct catalog_rows		 rows;
	struct pool_bg			 reader;
	int				 reading;
	struct model_image_meta		 meta;
	uint64_t			 snap_tree;	/* the tree of the content/ snapshot the
							 * merge read (0: none) */
	int				 dirty;		/* meta and the model differ from the file */
	const struct model		*saving;
	struct pool_bg			 writer;
	/* the content/ snapshot written beside the merge */
	struct content_snap_later	 snap_later;
	struct content			*snap_of;	/* content/ as loaded: the snapshot's */
	atomic_int			 snap_refs;	/* the load's and the task's: the
							 * last one frees snap_of */
	struct pool_bg			 snapper;
	/* the image content/'s edits are laid over or base_from_image() compares with */
	struct model			 base_old;
	struct model_image_meta		 base_meta;
	int				 base_read;	/* base_old and base_meta hold it */
	struct pool_bg			 baser;		/* reads it beside content/'s load */
	int				 basing;	/* baser started, not joined */
	int				 content_overlaid;	/* content/'s edits laid over the
								 * image instead of a merge */
	size_t				 content_entries;	/* how many entries that was
								 * (0: none changed, a file's
								 * layout did) */
};

/*
 * The image key of a build: content/'s snapshot key (its path and the
 * onlygen binary) and tree digest (build_inputs.h) and the options the
 * merge reads.
 */
uint64_t build_model_key(uint64_t content_key, uint64_t content_tree, const char *cdn_host,
	    const char *base_url);

/* Starts reading the catalog on its own thread, unless an image may spare it. */
void	build_model_start(struct build_model *b);
/* Fills m (zeroed first). */
int	build_model_load(struct build_model *b, struct model *m, char *err, size_t errlen);
/* Writes the image of m on its own thread when it changed; m must stay as
 * it is until build_model_finish(). */
void	build_model_save(struct build_model *b, const struct model *m);
/* Waits for the write (a failure is a note unless quiet), stops a read
 * still running and releases everything; accepts a struct never started. */
void	build_model_finish(struct build_model *b);

#endif
