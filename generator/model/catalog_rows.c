/*
 * catalog_rows.c — releasing the catalog's rows (catalog_rows.h).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog_rows.h"

void
catalog_video_row_free(struct catalog_video_row *v)
{
	free(v->title);
	free(v->description);
	free(v->thumbnail);
	free(v->cdn_host);
	free(v->collection);
	free(v->meta_tags);
	captions_free(v->captions, v->ncaptions);
	chapters_free(v->chapters, v->nchapters);
	memset(v, 0, sizeof(*v));
}

void
catalog_rows_free(struct catalog_rows *rows)
{
	size_t i;

	if (rows == NULL)
		return;
	for (i = 0; i < rows->nvideos; i++)
		catalog_video_row_free(&rows->videos[i]);
	free(rows->videos);
	for (i = 0; i < rows->ncollections; i++)
		free(rows->collections[i].name);
	free(rows->collections);
	memset(rows, 0, sizeof(*rows));
}
