/*
 * trace_same.h — whether two model image traces (model_image.h: what the
 * merge keeps of each row) are the same, row by row: the overlay and the
 * merge tests compare a trace made one way with one made another.
 * Header-only (each test is one program).
 */
#ifndef TRACE_SAME_H
#define TRACE_SAME_H

#include <string.h>

#include "model_image.h"

static inline int
trace_same(const struct model_image_meta *a, const struct model_image_meta *b)
{
	size_t k;

	if (a->nrows != b->nrows || a->collections != b->collections)
		return 0;
	for (k = 0; k < a->nrows; k++)
		if (strcmp(a->rows[k].guid, b->rows[k].guid) != 0 ||
		    a->rows[k].print != b->rows[k].print || a->rows[k].refs != b->rows[k].refs ||
		    a->rows[k].video != b->rows[k].video || a->rows[k].flags != b->rows[k].flags)
			return 0;
	return 1;
}

#endif
