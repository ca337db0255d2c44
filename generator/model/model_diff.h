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
 * The same comparisons as hashes, for a model another build compares
 * with what it kept of this one (page_reads.h: videos added or removed):
 * model_tables_key() of the site config, categories, tags and series;
 * model_video_value() of a video's place and fields, all but its guid
 * (its texts as model_texts() sums them).  Equal models give equal
 * values; the static_assert in model_diff.c holds both to every field.
 */
struct model_value_memo {
	const char	*s[2];	/* the thumbnail and CDN host hashed last, by address */
	uint64_t	 h[2];
};
uint64_t	model_tables_key(const struct model *m);
/* memo: zeroed before the first video (one per thread), or NULL; the value
 * is the same either way (videos share their host's string, most their
 * thumbnail's: each hashed once a run of them) */
uint64_t	model_video_value(const struct video *v, struct model_value_memo *memo);

#endif
