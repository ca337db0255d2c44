/*
 * model.c — releasing a struct model (model.h); model_merge.c fills one.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

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
	free(m->videos);
	arena_free(&m->mem);	/* what every video pointed to */
	file_map_free(&m->image);
	file_map_free(&m->rows_map);
	memset(m, 0, sizeof(*m));
}
