/*
 * model.c — releasing a struct model (model.h); model_merge.c fills one.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

void
captions_free(struct caption *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].srclang);
		free(c[i].label);
	}
	free(c);
}

void
chapters_free(struct chapter *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(c[i].title);
	free(c);
}

static void
video_free(struct video *v)
{
	free(v->title);
	free(v->description);
	free(v->thumbnail);
	free(v->cdn_host);
	free(v->categories);
	free(v->tags);
	captions_free(v->captions, v->ncaptions);
	chapters_free(v->chapters, v->nchapters);
}

void
model_free(struct model *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->site.title);
	free(m->site.description);
	free(m->site.base_url);
	free(m->site.language);
	free(m->site.cdn_host);
	free(m->site.theme);
	free(m->site.author);
	free(m->site.purchase_url);
	for (i = 0; i < m->ncategories; i++) {
		free(m->categories[i].slug);
		free(m->categories[i].name);
		free(m->categories[i].colour);
		free(m->categories[i].icon);
		free(m->categories[i].description);
	}
	free(m->categories);
	for (i = 0; i < m->ntags; i++) {
		free(m->tags[i].slug);
		free(m->tags[i].name);
	}
	free(m->tags);
	for (i = 0; i < m->nseries; i++) {
		free(m->series[i].slug);
		free(m->series[i].title);
		free(m->series[i].description);
	}
	free(m->series);
	for (i = 0; i < m->nvideos; i++)
		video_free(&m->videos[i]);
	free(m->videos);
	memset(m, 0, sizeof(*m));
}
