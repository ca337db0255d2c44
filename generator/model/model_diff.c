/*
 * model_diff.c — a model against the one it may be with some videos'
 * fields changed (model_diff.h).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "model_diff.h"
#include "model_texts.h"
#include "textutil.h"

/*
 * Every field of the model is compared below, either as structure (must
 * be equal) or as a video's own field (lists the video), and hashed the
 * same way (model_tables_key, model_video_value).  A field added
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

/* A text mixed into h; NULL is not "" (text_same() tells them apart). */
static uint64_t
text_mix(uint64_t h, const char *s)
{
	return s != NULL ? h64_str(h, s) : h64_mix(h, 0x6e756c6cU);
}

uint64_t
model_tables_key(const struct model *m)
{
	const struct site_config *s = &m->site;
	uint64_t h = 0x7461626c65732d31ULL;
	size_t i;

	h = text_mix(text_mix(text_mix(text_mix(h, s->title), s->description), s->base_url),
	    s->language);
	h = text_mix(text_mix(text_mix(text_mix(h, s->cdn_host), s->theme), s->author),
	    s->purchase_url);
	h = h64_mix(h64_mix(h64_mix(h, (uint64_t)s->html_urls), (uint64_t)s->page_size),
	    (uint64_t)s->default_access);
	h = h64_mix(h, m->ncategories);
	for (i = 0; i < m->ncategories; i++) {
		const struct category *c = &m->categories[i];

		h = text_mix(text_mix(text_mix(h, c->slug), c->name), c->colour);
		h = h64_mix(text_mix(text_mix(h, c->icon), c->description), (uint64_t)c->order);
	}
	h = h64_mix(h, m->ntags);
	for (i = 0; i < m->ntags; i++)
		h = h64_mix(text_mix(text_mix(h, m->tags[i].slug), m->tags[i].name), m->tags[i].id);
	h = h64_mix(h, m->nseries);
	for (i = 0; i < m->nseries; i++)
		h = text_mix(text_mix(text_mix(h, m->series[i].slug), m->series[i].title),
		    m->series[i].description);
	return h;
}

/* A text's own hash (NULL is not ""), by its address when memo saw it last. */
static uint64_t
text_hash(const char *s, struct model_value_memo *memo, int k)
{
	uint64_t h;

	if (memo != NULL && memo->s[k] == s && s != NULL)
		return memo->h[k];
	h = s != NULL ? h64_str(0x746578742d763100ULL, s) : 0x6e756c6cU;
	if (memo != NULL) {
		memo->s[k] = s;
		memo->h[k] = h;
	}
	return h;
}

uint64_t
model_video_value(const struct video *v, struct model_value_memo *memo)
{
	uint64_t h = 0x766964656f2d7631ULL;
	size_t k;

	/* its place (place_same), but the guid, which pairs it */
	h = h64_mix(h64_mix(h, (uint64_t)v->access), (uint64_t)v->featured);
	h = h64_mix(h64_mix(h, v->ncategories), v->ntags);
	for (k = 0; k < v->ncategories; k++)
		h = h64_mix(h, v->categories[k]);
	for (k = 0; k < v->ntags; k++)
		h = h64_mix(h, v->tags[k]);
	h = h64_mix(h, (uint64_t)v->series);
	if (v->series >= 0)
		h = h64_mix(h64_mix(h, (uint64_t)v->season), (uint64_t)v->episode);
	/* its own fields (fields_same); the texts as their sum */
	h = h64_mix(h64_mix(h64_mix(h, model_texts(v)), (uint64_t)v->length),
	    (uint64_t)v->width);
	h = h64_mix(h64_mix(h64_mix(h, (uint64_t)v->height), (uint64_t)v->views),
	    (uint64_t)v->uploaded);
	h = h64_mix(h, (uint64_t)v->changed);
	h = h64_mix(h64_mix(h, text_hash(v->thumbnail, memo, 0)), text_hash(v->cdn_host, memo, 1));
	h = h64_mix(h64_mix(h, v->ncaptions), v->nchapters);
	for (k = 0; k < v->ncaptions; k++)
		h = text_mix(text_mix(h, v->captions[k].srclang), v->captions[k].label);
	for (k = 0; k < v->nchapters; k++)
		h = h64_mix(h64_mix(text_mix(h, v->chapters[k].title),
		    (uint64_t)v->chapters[k].start), (uint64_t)v->chapters[k].end);
	return h;
}

int
model_diff(const struct model *base, const struct model *m, uint32_t **changed,
    size_t *nchanged)
{
	uint32_t *list;
	size_t i, n = m->nvideos;

	*changed = NULL;
	*nchanged = 0;
	if (base->nvideos != n || n > UINT32_MAX || !site_same(&base->site, &m->site) ||
	    !lists_same(base, m))
		return 0;
	/* the places first: a model that is not so allocates nothing */
	for (i = 0; i < n; i++)
		if (!place_same(&base->videos[i], &m->videos[i]))
			return 0;
	if ((list = malloc((n ? n : 1) * sizeof(*list))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (!fields_same(&base->videos[i], &m->videos[i]))
			list[(*nchanged)++] = (uint32_t)i;
	*changed = list;
	return 1;
}
