/*
 * model_diff.c — a model against the one it may be with some videos'
 * fields changed (model_diff.h).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model_diff.h"
#include "textutil.h"

/*
 * Every field of the model is compared below, either as structure (must
 * be equal) or as a video's own field (lists the video).  A field added
 * changes these sizes: it must be put on one side or the other here.
 * A video's texts is not compared: it is the sum of its title and
 * description (model_texts.h), which are.
 */
static_assert(sizeof(struct video) == 216 && sizeof(struct site_config) == 80 &&
    sizeof(struct category) == 48 && sizeof(struct tag) == 24 && sizeof(struct series) == 24 &&
    sizeof(struct caption) == 16 && sizeof(struct chapter) == 16,
    "a field was added to the model: model_diff.c must compare it");

static int
site_same(const struct site_config *a, const struct site_config *b)
{
	return text_same(a->title, b->title) && text_same(a->description, b->description) &&
	    text_same(a->base_url, b->base_url) && text_same(a->language, b->language) &&
	    text_same(a->cdn_host, b->cdn_host) && text_same(a->theme, b->theme) &&
	    text_same(a->author, b->author) && text_same(a->purchase_url, b->purchase_url) &&
	    a->html_urls == b->html_urls && a->page_size == b->page_size &&
	    a->default_access == b->default_access;
}

static int
lists_same(const struct model *a, const struct model *b)
{
	size_t i;

	if (a->ncategories != b->ncategories || a->ntags != b->ntags || a->nseries != b->nseries)
		return 0;
	for (i = 0; i < a->ncategories; i++) {
		const struct category *x = &a->categories[i], *y = &b->categories[i];

		if (!text_same(x->slug, y->slug) || !text_same(x->name, y->name) ||
		    !text_same(x->colour, y->colour) || !text_same(x->icon, y->icon) ||
		    !text_same(x->description, y->description) || x->order != y->order)
			return 0;
	}
	for (i = 0; i < a->ntags; i++)
		if (!text_same(a->tags[i].slug, b->tags[i].slug) ||
		    !text_same(a->tags[i].name, b->tags[i].name) || a->tags[i].id != b->tags[i].id)
			return 0;
	for (i = 0; i < a->nseries; i++)
		if (!text_same(a->series[i].slug, b->series[i].slug) ||
		    !text_same(a->series[i].title, b->series[i].title) ||
		    !text_same(a->series[i].description, b->series[i].description))
			return 0;
	return 1;
}

/* The video's place in the structure: what no overlay changes. */
static int
place_same(const struct video *a, const struct video *b)
{
	if (strcmp(a->guid, b->guid) != 0 || a->access != b->access ||
	    a->featured != b->featured || a->ncategories != b->ncategories ||
	    a->ntags != b->ntags || a->series != b->series ||
	    (a->series >= 0 && (a->season != b->season || a->episode != b->episode)))
		return 0;
	return (a->ncategories == 0 ||
	    memcmp(a->categories, b->categories, a->ncategories * sizeof(*a->categories)) == 0) &&
	    (a->ntags == 0 || memcmp(a->tags, b->tags, a->ntags * sizeof(*a->tags)) == 0);
}

/* The video's own fields: the title, the description and model_row_fields()'s. */
static int
fields_same(const struct video *a, const struct video *b)
{
	size_t k;

	if (a->length != b->length || a->width != b->width || a->height != b->height ||
	    a->views != b->views || a->uploaded != b->uploaded || a->changed != b->changed ||
	    a->ncaptions != b->ncaptions || a->nchapters != b->nchapters ||
	    !text_same(a->title, b->title) || !text_same(a->description, b->description) ||
	    !text_same(a->thumbnail, b->thumbnail) || !text_same(a->cdn_host, b->cdn_host))
		return 0;
	for (k = 0; k < a->ncaptions; k++)
		if (!text_same(a->captions[k].srclang, b->captions[k].srclang) ||
		    !text_same(a->captions[k].label, b->captions[k].label))
			return 0;
	for (k = 0; k < a->nchapters; k++)
		if (!text_same(a->chapters[k].title, b->chapters[k].title) ||
		    a->chapters[k].start != b->chapters[k].start ||
		    a->chapters[k].end != b->chapters[k].end)
			return 0;
	return 1;
}

/*
 * The videos of base at their places in m: video o is m's map[o]
 * (MODEL_DIFF_GONE: removed), or m's o when map is NULL.
 */
static int
diff(const struct model *base, const struct model *m, const uint32_t *map, uint32_t **changed,
    size_t *nchanged)
{
	uint32_t *list;
	uint8_t *seen = NULL;
	size_t i, n = m->nvideos;

	*changed = NULL;
	*nchanged = 0;
	if ((map == NULL && base->nvideos != n) || n > UINT32_MAX ||
	    base->nvideos > UINT32_MAX || !site_same(&base->site, &m->site) ||
	    !lists_same(base, m))
		return 0;
	/* the places first: a model that is not so allocates nothing but
	 * the map's check */
	if (map != NULL && (seen = calloc(n ? n : 1, 1)) == NULL)
		return -1;
	for (i = 0; i < base->nvideos; i++) {
		size_t to = map != NULL ? map[i] : i;

		if (map != NULL && to == MODEL_DIFF_GONE)
			continue;
		if (to >= n || (seen != NULL && seen[to]++) ||
		    !place_same(&base->videos[i], &m->videos[to])) {
			free(seen);
			return 0;
		}
	}
	if ((list = malloc((n ? n : 1) * sizeof(*list))) == NULL) {
		free(seen);
		return -1;
	}
	for (i = 0; i < base->nvideos; i++) {
		size_t to = map != NULL ? map[i] : i;

		if (to == MODEL_DIFF_GONE || fields_same(&base->videos[i], &m->videos[to]))
			continue;
		if (seen != NULL)
			seen[to] = 2;	/* listed below, in m's order */
		else
			list[(*nchanged)++] = (uint32_t)i;
	}
	/* in m's order: those changed, and those added (seen by no video of base) */
	for (i = 0; seen != NULL && i < n; i++)
		if (seen[i] != 1)
			list[(*nchanged)++] = (uint32_t)i;
	free(seen);
	*changed = list;
	return 1;
}

int
model_diff(const struct model *base, const struct model *m, uint32_t **changed,
    size_t *nchanged)
{
	return diff(base, m, NULL, changed, nchanged);
}

int
model_diff_moved(const struct model *base, const struct model *m, const uint32_t *map,
    uint32_t **changed, size_t *nchanged)
{
	return diff(base, m, map, changed, nchanged);
}
