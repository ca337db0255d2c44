/*
 * model_overlay.c — the changed catalog rows laid over a model read back
 * from its image (model_overlay.h).  Two passes: the first only decides
 * whether every change is an overlay's, so that a refusal leaves the
 * model as it was; the second applies them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "content_snap.h"
#include "model_delta.h"
#include "model_overlay.h"
#include "textutil.h"

static int
image_row_cmp(const void *guid, const void *row)
{
	return strcmp(guid, ((const struct model_image_row *)row)->guid);
}

static int
catalog_row_cmp(const void *guid, const void *row)
{
	return strcmp(guid, ((const struct catalog_video_row *)row)->guid);
}

/* The image's row of guid (meta->rows is in guid order), or NULL. */
static struct model_image_row *
row_of(const struct model_image_meta *meta, const char *guid)
{
	return meta->nrows == 0 ? NULL :
	    bsearch(guid, meta->rows, meta->nrows, sizeof(*meta->rows), image_row_cmp);
}

/* rows' row of guid (rows in guid order; may be NULL), or NULL. */
static const struct catalog_video_row *
catalog_row(const struct catalog_rows *rows, const char *guid)
{
	return rows == NULL || rows->nvideos == 0 ? NULL :
	    bsearch(guid, rows->videos, rows->nvideos, sizeof(*rows->videos), catalog_row_cmp);
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

/*
 * r's strings and tracks copied into mem, the rest of it as r has it,
 * into out: what a video laid over points to (model_row_fields), the
 * model's own.  When the model took the rows' arena instead, a model
 * freed (an overlay that moved videos, then refused) took the caller's
 * rows' strings with it, and the caller read them after.  0, or -1 out of
 * memory.
 */
static int
row_copy(struct arena *mem, const struct catalog_video_row *r, struct catalog_video_row *out)
{
	size_t k;

	*out = *r;
	out->collection = out->meta_tags = NULL;	/* no video's: not copied */
	if ((out->title = arena_strdup(mem, r->title)) == NULL ||
	    (out->description = arena_strdup(mem, r->description)) == NULL ||
	    (out->thumbnail = arena_strdup(mem, r->thumbnail)) == NULL ||
	    (out->cdn_host = arena_strdup(mem, r->cdn_host)) == NULL ||
	    r->ncaptions > SIZE_MAX / sizeof(*r->captions) ||
	    r->nchapters > SIZE_MAX / sizeof(*r->chapters))
		return -1;
	if (r->ncaptions > 0 &&
	    (out->captions = arena_take(mem, r->ncaptions * sizeof(*r->captions))) == NULL)
		return -1;
	for (k = 0; k < r->ncaptions; k++)
		if ((out->captions[k].srclang = arena_strdup(mem, r->captions[k].srclang)) == NULL ||
		    (out->captions[k].label = arena_strdup(mem, r->captions[k].label)) == NULL)
			return -1;
	if (r->nchapters > 0 &&
	    (out->chapters = arena_take(mem, r->nchapters * sizeof(*r->chapters))) == NULL)
		return -1;
	for (k = 0; k < r->nchapters; k++) {
		out->chapters[k] = r->chapters[k];
		if ((out->chapters[k].title = arena_strdup(mem, r->chapters[k].title)) == NULL)
			return -1;
	}
	return 0;
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
	struct catalog_video_row own;
	struct arena mem;
	char *thumbnail = NULL;
	size_t k;
	int moved = 0;

	err[0] = '\0';
	for (k = 0; k < changed->nvideos; k++) {
		const struct model_image_row *t = row_of(meta, changed->videos[k].guid);

		if (t == NULL || !overlayable(t, &changed->videos[k], m->nvideos))
			return 0;
	}
	/* the copies in a small arena of their own, which the model adopts
	 * (a first string in the image's arena would open a block its size) */
	arena_init(&mem);
	for (k = 0; k < changed->nvideos; k++) {
		const struct catalog_video_row *r = &changed->videos[k];
		struct model_image_row *t = row_of(meta, r->guid);
		struct video *v;
		int64_t uploaded;

		t->print = r->print;
		if (t->video == MODEL_IMAGE_NONE)
			continue;	/* not shown, before or now */
		if ((r->thumbnail[0] == '\0' && thumbnail == NULL &&
		    (thumbnail = arena_strdup(&mem, MODEL_DEFAULT_THUMBNAIL)) == NULL) ||
		    row_copy(&mem, r, &own) == -1) {
			arena_adopt(&m->mem, &mem);	/* what videos point to already */
			snprintf(err, errlen, "out of memory loading the catalog");
			return -1;
		}
		v = &m->videos[t->video];
		uploaded = v->uploaded;
		model_row_fields(v, &own, thumbnail, cdn_override, m->site.cdn_host);
		if (!(t->flags & MODEL_IMAGE_TITLE_ENTRY))
			v->title = own.title;
		if (!(t->flags & MODEL_IMAGE_DESC_ENTRY))
			v->description = own.description;
		v->texts = 0;	/* model_texts.h: summed again */
		moved |= v->uploaded != uploaded;
	}
	if (moved) {
		/* rare (Bunny keeps a video's upload time): the order again, whole */
		qsort(m->videos, m->nvideos, sizeof(*m->videos), newest_qsort_cmp);
		reindex(m, meta);
	}
	snprintf(m->digest, sizeof(m->digest), "%s", changed->digest);
	meta->collections = changed->collections_print;
	meta->at.pos = changed->log;
	arena_adopt(&m->mem, &mem);
	return moved ? 2 : 1;
}

uint64_t
model_overlay_terms(const struct model_image_meta *meta, const struct catalog_rows *changed)
{
	const struct model_image_row *t;
	uint64_t sum = 0;
	size_t k;

	for (k = 0; k < changed->nvideos; k++)
		if ((t = row_of(meta, changed->videos[k].guid)) != NULL)
			sum += model_image_row_term(t);
	return sum;
}

/* Whether an edit from old to new may be laid over meta's row for it (model_overlay.h). */
static int
entry_overlayable(const struct model_image_meta *meta, const struct content_entry *old,
    const struct content_entry *new, const struct catalog_rows *rows, size_t nvideos)
{
	const struct model_image_row *t = row_of(meta, new->guid);
	const struct catalog_video_row *r;
	uint8_t flags;

	if (t == NULL || !content_entry_same_but_texts(old, new))
		return 0;
	flags = (uint8_t)((old->hidden ? MODEL_IMAGE_HIDDEN : 0) |
	    (old->title != NULL ? MODEL_IMAGE_TITLE_ENTRY : 0) |
	    (old->description != NULL ? MODEL_IMAGE_DESC_ENTRY : 0));
	if (t->flags != flags || (t->video != MODEL_IMAGE_NONE && t->video >= nvideos))
		return 0;
	/* a text dropped is the row's again: the catalog's row, as the image saw it */
	if ((old->title != NULL && new->title == NULL) ||
	    (old->description != NULL && new->description == NULL))
		return (r = catalog_row(rows, new->guid)) != NULL && r->print == t->print;
	return 1;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
model_overlay_entries(struct model *m, struct model_image_meta *meta, const struct content *c,
    const struct content_snap_edits *ed, const struct catalog_rows *rows, uint32_t **changed,
    size_t *nchanged, char *err, size_t errlen)
{
	struct arena mem;
	uint32_t *list;
	size_t k, n = 0;

	err[0] = '\0';
	*changed = NULL;
	*nchanged = 0;
	if (!ed->ok)
		return 0;
	for (k = 0; k < ed->n; k++)
		if (ed->now[k] >= c->nentries ||
		    !entry_overlayable(meta, &ed->old[k], &c->entries[ed->now[k]], rows, m->nvideos))
			return 0;
	if ((list = malloc((ed->n + 1) * sizeof(*list))) == NULL) {
		snprintf(err, errlen, "out of memory loading content/");
		return -1;
	}
	/* the new texts in an arena of their own, which the model adopts */
	arena_init(&mem);
	for (k = 0; k < ed->n; k++) {
		const struct content_entry *e = &c->entries[ed->now[k]];
		struct model_image_row *t = row_of(meta, e->guid);
		const struct catalog_video_row *r;
		const char *title, *description;
		struct video *v;

		t->flags = (uint8_t)((t->flags & MODEL_IMAGE_HIDDEN) |
		    (e->title != NULL ? MODEL_IMAGE_TITLE_ENTRY : 0) |
		    (e->description != NULL ? MODEL_IMAGE_DESC_ENTRY : 0));
		if (t->video == MODEL_IMAGE_NONE)
			continue;	/* hidden, before and now */
		v = &m->videos[t->video];
		r = catalog_row(rows, e->guid);
		/* as make_video() gives them: the entry's, else the row's */
		title = e->title != NULL ? e->title : r != NULL ? r->title : v->title;
		description = e->description != NULL ? e->description :
		    r != NULL ? r->description : v->description;
		if (text_same(v->title, title) && text_same(v->description, description))
			continue;	/* the same texts (another spelling of the JSON) */
		v->texts = 0;	/* model_texts.h: summed again */
		if ((v->title = arena_strdup(&mem, title)) == NULL ||
		    (v->description = arena_strdup(&mem, description)) == NULL) {
			arena_free(&mem);
			free(list);
			snprintf(err, errlen, "out of memory loading content/");
			return -1;
		}
		list[n++] = t->video;
	}
	arena_adopt(&m->mem, &mem);
	qsort(list, n, sizeof(*list), u32_cmp);
	*changed = list;
	*nchanged = n;
	return 1;
}

int
model_overlay_edits(struct model *m, struct model_image_meta *meta, const struct model_delta *d,
    char *err, size_t errlen)
{
	struct arena mem;
	size_t k;

	err[0] = '\0';
	for (k = 0; k < d->nedited; k++) {
		const struct model_image_row *t = row_of(meta, d->edited[k].guid);

		if (t == NULL || (t->video != MODEL_IMAGE_NONE && t->video >= m->nvideos))
			return 0;
	}
	/* the texts in an arena of their own, which the model adopts */
	arena_init(&mem);
	for (k = 0; k < d->nedited; k++) {
		const struct model_delta_edit *e = &d->edited[k];
		struct model_image_row *t = row_of(meta, e->guid);
		struct video *v;

		t->flags = (uint8_t)((t->flags & MODEL_IMAGE_HIDDEN) | e->flags);
		if (t->video == MODEL_IMAGE_NONE)
			continue;	/* hidden: no texts shown */
		v = &m->videos[t->video];
		v->texts = 0;	/* model_texts.h: summed again */
		if ((v->title = arena_strdup(&mem, d->text + e->title)) == NULL ||
		    (v->description = arena_strdup(&mem, d->text + e->description)) == NULL) {
			arena_free(&mem);
			snprintf(err, errlen, "out of memory loading the model");
			return -1;
		}
	}
	arena_adopt(&m->mem, &mem);
	return 1;
}
