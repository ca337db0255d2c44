/*
 * model_overlay.c — the changed catalog rows laid over a model read back
 * from its image (model_overlay.h).  Two passes: the first only decides
 * whether every change is an overlay's, so that a refusal leaves the
 * model as it was; the second applies them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_overlay.h"

/* The image's row of guid (meta->rows is in guid order), or NULL. */
static struct model_image_row *
row_of(const struct model_image_meta *meta, const char *guid)
{
	size_t lo = 0, hi = meta->nrows, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(guid, meta->rows[mid].guid);
		if (cmp == 0)
			return &meta->rows[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Whether row r may be laid over its image row t (model_overlay.h). */
static int
overlayable(const struct model_image_row *t, const struct catalog_video_row *r, size_t nvideos)
{
	int was = t->video != MODEL_IMAGE_NONE;
	int is = r->published && !(t->flags & MODEL_IMAGE_HIDDEN);

	if (was != is || (was && t->video >= nvideos))
		return 0;
	return !is || model_row_refs(r) == t->refs;
}

static int
newest_qsort_cmp(const void *a, const void *b)
{
	return model_newest_cmp(a, b);
}

/* Each image row's video index again, from the videos' guids (after a move). */
static void
reindex(const struct model *m, struct model_image_meta *meta)
{
	struct model_image_row *t;
	size_t k;

	for (k = 0; k < m->nvideos; k++)
		if ((t = row_of(meta, m->videos[k].guid)) != NULL)
			t->video = (uint32_t)k;
}

int
model_overlay(struct model *m, struct model_image_meta *meta, struct catalog_rows *changed,
    const struct model_opts *o, char *err, size_t errlen)
{
	const char *cdn_override = o != NULL && o->cdn_host != NULL && o->cdn_host[0] != '\0' ?
	    o->cdn_host : NULL;
	char *thumbnail = NULL;
	size_t k;
	int moved = 0;

	err[0] = '\0';
	for (k = 0; k < changed->nvideos; k++) {
		const struct model_image_row *t = row_of(meta, changed->videos[k].guid);

		if (t == NULL || !overlayable(t, &changed->videos[k], m->nvideos))
			return 0;
	}
	for (k = 0; k < changed->nvideos; k++) {
		const struct catalog_video_row *r = &changed->videos[k];
		struct model_image_row *t = row_of(meta, r->guid);
		struct video *v;
		int64_t uploaded;

		t->print = r->print;
		if (t->video == MODEL_IMAGE_NONE)
			continue;	/* not shown, before or now */
		/* in the rows' small arena, which the model adopts (a first
		 * string in the image's arena would open a block its size) */
		if (r->thumbnail[0] == '\0' && thumbnail == NULL &&
		    (thumbnail = arena_strdup(&changed->mem, MODEL_DEFAULT_THUMBNAIL)) == NULL) {
			snprintf(err, errlen, "out of memory loading the catalog");
			return -1;
		}
		v = &m->videos[t->video];
		uploaded = v->uploaded;
		model_row_fields(v, r, thumbnail, cdn_override, m->site.cdn_host);
		if (!(t->flags & MODEL_IMAGE_TITLE_ENTRY))
			v->title = r->title;
		if (!(t->flags & MODEL_IMAGE_DESC_ENTRY))
			v->description = r->description;
		moved |= v->uploaded != uploaded;
	}
	if (moved) {
		/* rare (Bunny keeps a video's upload time): the order again, whole */
		qsort(m->videos, m->nvideos, sizeof(*m->videos), newest_qsort_cmp);
		reindex(m, meta);
	}
	snprintf(m->digest, sizeof(m->digest), "%s", changed->digest);
	meta->collections = changed->collections_print;
	/* the videos now point into the rows' strings: the model keeps them */
	arena_adopt(&m->mem, &changed->mem);
	return moved ? 2 : 1;
}
