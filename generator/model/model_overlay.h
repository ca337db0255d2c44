/*
 * model_overlay.h — a model read back from its image (model_image.h)
 * brought up to date with the few catalog rows that changed since it was
 * made, instead of content/ and every row merged again (model_merge.h).
 * The caller has checked the rest of the image's inputs: the same
 * content/, options and onlygen, the same set of guids and collections
 * (catalog_read.h: catalog_read_changes).
 *
 * Only a change that reaches no other video is overlaid: a row that stays
 * in the model (or out of it), with the same keywords and collection.
 * Its title, description, times, sizes, views, thumbnail, CDN host,
 * captions and chapters are then its own (model_row_fields(), the merge's
 * definition), and the tag, series and category lists are as the image
 * has them, because nothing that makes them changed.  A video whose
 * upload time changed moves to its newest-first place.  Anything else
 * (a video published, unpublished, or given other keywords or another
 * collection): 0, and the caller merges everything.
 *
 * Returns: 1 overlaid (m and meta describe the new rows; the strings
 * and tracks its videos take from them are copies in m's arena, so
 * changed stays the caller's, whatever becomes of m), 2 the same, and the
 * videos moved (an upload time changed: their indices are not the
 * image's), 0 not an overlay's change (m, meta and changed as they were),
 * -1 out of memory (err; m must then be freed, not used).
 */
#ifndef ONLY_MODEL_OVERLAY_H
#define ONLY_MODEL_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#include "catalog_rows.h"
#include "model.h"
#include "model_image.h"
#include "model_merge.h"

/*
 * changed: the catalog's rows for the guids whose print differs from the
 * image's (guid order); meta: the image's rows, updated to the new prints.
 * o: the options the image was made with (its key says so).
 */
int	model_overlay(struct model *m, struct model_image_meta *meta, struct catalog_rows *changed,
	    const struct model_opts *o, char *err, size_t errlen);

/*
 * The sum of the terms (model_image_row_term) of meta's rows that changed
 * lists: taken before model_overlay() and after, the rows' sum of the
 * model it leaves is model_image_rows_sum() of the image less the first,
 * plus the second (model_image.h).
 */
uint64_t	model_overlay_terms(const struct model_image_meta *meta,
		    const struct catalog_rows *changed);

/*
 * The same for content/ edits (content_snap.h: struct content_snap_edits,
 * ok), over an image made from the catalog's rows as they are and from
 * content/ as the snapshot recorded it: each entry replaced by one that
 * differs only in its title and description (content_entry_same_but_texts),
 * for a video of the catalog.  Its video then takes the new entry's texts,
 * as the merge gives them (model_merge.c: make_video), and its row the
 * flags that say so; a hidden video has none to take.  An entry that drops
 * its title or description gives the catalog row's back: rows holds the
 * rows of those GUIDs (catalog_read_guids; the image keeps only the
 * model's texts), each with the print the image has.  Not an overlay's:
 * an entry for a GUID the catalog does not have (the merge warns of it,
 * naming its file), a row whose flags do not say what the old entry gave,
 * a text dropped whose row rows lacks or has with another print.
 *
 * Returns 1 overlaid, with the videos whose texts changed in *changed
 * (ascending, malloc'd; *nchanged of them, maybe 0); 0 not (m and meta as
 * they were); -1 out of memory (err; m must then be freed, not used).
 */
struct content;
struct content_snap_edits;
int	model_overlay_entries(struct model *m, struct model_image_meta *meta,
	    const struct content *c, const struct content_snap_edits *ed,
	    const struct catalog_rows *rows, uint32_t **changed, size_t *nchanged, char *err,
	    size_t errlen);

/*
 * The edited entries of a delta (model_delta.h) laid over the image it
 * was made against, as model_overlay_entries() left them in the build
 * that wrote it: each row takes the delta's flags (its hidden flag kept),
 * each video shown the delta's title and description.  Before
 * model_overlay() of the rows that moved since, which keeps a text that
 * content/ gives.  Returns 1 laid over; 0 not, m and meta as they were (a
 * guid without a row, a row whose video m has not); -1 out of memory (err;
 * m must then be freed, not used).
 */
struct model_delta;
int	model_overlay_edits(struct model *m, struct model_image_meta *meta,
	    const struct model_delta *d, char *err, size_t errlen);

#endif
