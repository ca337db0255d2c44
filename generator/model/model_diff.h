/*
 * model_diff.h — whether a model is another with only the fields of some
 * videos changed, and which videos.
 *
 * "Only the fields" means what an overlay of catalog rows may change
 * (model_overlay.h): a video's title, description and the fields
 * model_row_fields() sets (times, sizes, views, thumbnail, CDN host,
 * captions, chapters).  Everything else must be the same: the same videos
 * in the same places, each with the same access, featured flag,
 * categories, tags and place in its series, and the same site config,
 * categories, tags and series.  That is what the site's structure is made
 * of (page_reads.h), so the pages that read none of the changed videos
 * keep their keys, as after an overlay.  A content/ edit of one video's
 * title or description is such a change, though its model is merged: the
 * image's key, which covers content/, is another.
 *
 * Returns: 1, with the changed videos' indices (ascending; malloc'd, the
 * caller frees them) in *changed and their number in *nchanged; 0 when m
 * is not base so changed (*changed NULL, *nchanged 0); -1 out of memory.
 */
#ifndef ONLY_MODEL_DIFF_H
#define ONLY_MODEL_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

int	model_diff(const struct model *base, const struct model *m, uint32_t **changed,
	    size_t *nchanged);

/*
 * The same when videos were added or removed (issue 15: a video added at
 * 100 000 keyed every page again): base's video o is m's video map[o],
 * or MODEL_DIFF_GONE when m has it no more (the caller pairs them by
 * guid).  Every video both have has the same place in both, its index
 * apart, and the site config, categories, tags and series are the same;
 * the changed are those whose fields moved and those m added, in m's
 * order.  A video's place among the others (its neighbours in its
 * series, its "more like this") is the site's to compare (page_reads.h).
 */
#define MODEL_DIFF_GONE	UINT32_MAX

int	model_diff_moved(const struct model *base, const struct model *m, const uint32_t *map,
	    uint32_t **changed, size_t *nchanged);

#endif
