/*
 * model_same.h — whether two models are the same, field by field, string
 * byte by string byte (pointers never compared): the tests of the model
 * image and of the overlay check a model made another way against the
 * merge's.  Header-only (each test is one program).
 */
#ifndef MODEL_SAME_H
#define MODEL_SAME_H

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "model_texts.h"

/* 1 when a and b are the same string (NULL only as NULL). */
static inline int
same_str(const char *a, const char *b)
{
	return (a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0);
}

#define SAME(cond, ...)	do { if (!(cond)) { snprintf(why, n, __VA_ARGS__); return 0; } } while (0)

static inline int
site_same(const struct site_config *a, const struct site_config *b, char *why, size_t n)
{
	SAME(same_str(a->title, b->title) && same_str(a->description, b->description) &&
	    same_str(a->base_url, b->base_url) && same_str(a->language, b->language) &&
	    same_str(a->cdn_host, b->cdn_host) && same_str(a->theme, b->theme) &&
	    same_str(a->author, b->author) && same_str(a->purchase_url, b->purchase_url) &&
	    a->html_urls == b->html_urls && a->page_size == b->page_size &&
	    a->default_access == b->default_access, "site config differs");
	return 1;
}

static inline int
video_same(const struct video *a, const struct video *b, size_t i, char *why, size_t n)
{
	size_t k;

	SAME(strcmp(a->guid, b->guid) == 0, "video %zu: guid %s vs %s", i, a->guid, b->guid);
	SAME(same_str(a->title, b->title), "video %zu: title '%s' vs '%s'", i, a->title, b->title);
	SAME(same_str(a->description, b->description), "video %zu: description", i);
	/* a sum known is its texts' (model_texts.h): none left stale by an overlay */
	SAME(a->texts == 0 || a->texts == model_texts_sum(a->title, a->description),
	    "video %zu (%s): texts sum %016llx is not its title's and description's", i,
	    a->guid, (unsigned long long)a->texts);
	SAME(b->texts == 0 || b->texts == model_texts_sum(b->title, b->description),
	    "video %zu (%s): texts sum %016llx is not its title's and description's", i,
	    b->guid, (unsigned long long)b->texts);
	SAME(a->length == b->length && a->width == b->width && a->height == b->height &&
	    a->views == b->views && a->uploaded == b->uploaded && a->changed == b->changed,
	    "video %zu (%s): numbers", i, a->guid);
	SAME(same_str(a->thumbnail, b->thumbnail), "video %zu: thumbnail '%s' vs '%s'", i,
	    a->thumbnail, b->thumbnail);
	SAME(same_str(a->cdn_host, b->cdn_host), "video %zu: cdn_host '%s' vs '%s'", i,
	    a->cdn_host, b->cdn_host);
	SAME(a->access == b->access && a->featured == b->featured, "video %zu: access", i);
	SAME(a->ncategories == b->ncategories && a->ntags == b->ntags &&
	    a->ncaptions == b->ncaptions && a->nchapters == b->nchapters,
	    "video %zu: list sizes", i);
	for (k = 0; k < a->ncategories; k++)
		SAME(a->categories[k] == b->categories[k], "video %zu: category %zu", i, k);
	for (k = 0; k < a->ntags; k++)
		SAME(a->tags[k] == b->tags[k], "video %zu: tag %zu", i, k);
	SAME(a->series == b->series && (a->series < 0 ||
	    (a->season == b->season && a->episode == b->episode)), "video %zu: series", i);
	for (k = 0; k < a->ncaptions; k++)
		SAME(same_str(a->captions[k].srclang, b->captions[k].srclang) &&
		    same_str(a->captions[k].label, b->captions[k].label), "video %zu: caption %zu",
		    i, k);
	for (k = 0; k < a->nchapters; k++)
		SAME(same_str(a->chapters[k].title, b->chapters[k].title) &&
		    a->chapters[k].start == b->chapters[k].start &&
		    a->chapters[k].end == b->chapters[k].end, "video %zu: chapter %zu", i, k);
	return 1;
}

/* 1 when a and b are the same model; else 0 and the first difference in why. */
static inline int
model_same(const struct model *a, const struct model *b, char *why, size_t n)
{
	size_t i;

	snprintf(why, n, "same");
	if (!site_same(&a->site, &b->site, why, n))
		return 0;
	SAME(strcmp(a->digest, b->digest) == 0, "digest");
	SAME(a->ncategories == b->ncategories && a->ntags == b->ntags &&
	    a->nseries == b->nseries && a->nvideos == b->nvideos,
	    "sizes: %zu/%zu categories, %zu/%zu tags, %zu/%zu series, %zu/%zu videos",
	    a->ncategories, b->ncategories, a->ntags, b->ntags, a->nseries, b->nseries,
	    a->nvideos, b->nvideos);
	for (i = 0; i < a->ncategories; i++)
		SAME(same_str(a->categories[i].slug, b->categories[i].slug) &&
		    same_str(a->categories[i].name, b->categories[i].name) &&
		    same_str(a->categories[i].colour, b->categories[i].colour) &&
		    same_str(a->categories[i].icon, b->categories[i].icon) &&
		    same_str(a->categories[i].description, b->categories[i].description) &&
		    a->categories[i].order == b->categories[i].order, "category %zu", i);
	for (i = 0; i < a->ntags; i++)
		SAME(same_str(a->tags[i].slug, b->tags[i].slug) &&
		    same_str(a->tags[i].name, b->tags[i].name) && a->tags[i].id == b->tags[i].id,
		    "tag %zu", i);
	for (i = 0; i < a->nseries; i++)
		SAME(same_str(a->series[i].slug, b->series[i].slug) &&
		    same_str(a->series[i].title, b->series[i].title) &&
		    same_str(a->series[i].description, b->series[i].description), "series %zu", i);
	for (i = 0; i < a->nvideos; i++)
		if (!video_same(&a->videos[i], &b->videos[i], i, why, n))
			return 0;
	return 1;
}

#undef SAME

#endif
