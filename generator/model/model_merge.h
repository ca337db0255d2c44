/*
 * model_merge.h — the catalog's rows (catalog_rows.h) and the creator's
 * content/ (content.h) merged into the struct model the site renders
 * (model.h).  Pure: no SQLite, no environment, no output; the caller
 * reads the catalog and content/ and passes what it read from the
 * environment in struct model_opts.
 *
 * What the merge decides: which videos are published (Bunny status
 * Finished and not hidden), newest first; each video's title,
 * description, access, categories (its entry's, else its collection's
 * name matched to a category), tags (its entry's, else Bunny's keywords),
 * series and CDN host; the tag and series lists, sorted by slug.  It is
 * O(n) in the videos and entries besides the sorts (hash tables for tags
 * and series, merge walks over the GUID-sorted rows and entries).
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen]; warnings go to
 * the reporter in the options.
 */
#ifndef ONLY_MODEL_MERGE_H
#define ONLY_MODEL_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog_rows.h"
#include "content.h"
#include "model.h"
#include "report.h"

struct model_opts {
	/*
	 * BUNNY_CDN_HOSTNAME: when not NULL and not "", the CDN host of the
	 * site and of every video, beating site.json's and the one stored
	 * with each video by the pull.
	 */
	const char		*cdn_host;
	/* warnings ("FILE: video GUID is not in the catalog ..."); NULL: none */
	const struct reporter	*report;
	/*
	 * onlygen build --base-url: when not NULL and not "", the site's
	 * absolute URL (canonical links, og:url, feed, sitemap, robots.txt),
	 * beating site.json's base_url; trailing slashes are dropped.  The
	 * caller checks its form (cmd_build.c: http:// or https://, printable).
	 */
	const char		*base_url;
	/*
	 * The rows from which the merge makes the videos of its later rows on
	 * a second thread (model_merge.c: make_rows); 0: MODEL_MERGE_SPLIT_MIN.
	 * Either way the model is the same (test_model_merge).
	 */
	size_t			 split_min;
};
#define MODEL_MERGE_SPLIT_MIN	4096	/* rows */

/*
 * Fills m from rows and c.  The site config and the categories are moved
 * out of c (c must still be freed with content_free()).  The videos point
 * to the rows' strings, captions and chapters, not copies: on success m
 * adopts the rows' arena (rows->mem, left empty), so the rows' strings then
 * live as long as m, and rows must still be freed with catalog_rows_free()
 * (its arrays) and merged only once.  On error m is zeroed and rows keep
 * their arena.
 */
int	model_merge(struct model *m, struct content *c, struct catalog_rows *rows,
	    const struct model_opts *o, char *err, size_t errlen);

/*
 * The same, and what a model image keeps of the merge (model_image.h),
 * into trace: every row (any status, guid order) with its print, refs, the
 * video it became and what of it its content entry decides.  trace is
 * released with model_image_meta_free(); on error it is zeroed.
 */
struct model_image_meta;
int	model_merge_trace(struct model *m, struct content *c, struct catalog_rows *rows,
	    const struct model_opts *o, struct model_image_meta *trace, char *err, size_t errlen);

/*
 * The fields of v that come from its catalog row r alone, one definition
 * for the merge and the overlay (model_overlay.h): guid, sizes, times,
 * views, thumbnail (r's, else thumbnail), CDN host (cdn_override when not
 * NULL, else r's stored host, else site_cdn), captions and chapters (r's,
 * not copied).  Title and description are the caller's: an entry may
 * override them.
 */
void	model_row_fields(struct video *v, const struct catalog_video_row *r, char *thumbnail,
	    const char *cdn_override, char *site_cdn);

/* The model's order of videos: newest first (uploaded descending), then
 * guid ascending, a total order.  <0, 0 or >0 as for qsort. */
int	model_newest_cmp(const struct video *x, const struct video *y);

/* What of row r decides its tags and category when no entry does: its
 * keywords and collection, hashed. */
uint64_t model_row_refs(const struct catalog_video_row *r);

#endif
