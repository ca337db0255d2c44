/*
 * model_texts.h — one sum of a video's own texts (its title and its
 * description), for what must notice an edit of either without reading
 * them: a card's inputs and a search document's sum.  At 100 000 videos
 * those read every title and description of a one-title rebuild twice
 * (hashed on two threads, a cache miss each); the sums are kept with the
 * model's image (model_image.h), so only the videos whose texts changed
 * since are read (docs/site.md "Model image", issue 15).
 *
 * struct video's texts is the sum, or 0 when not known: a video made or
 * changed since the image was read has 0 until model_texts_fill().
 */
#ifndef ONLY_MODEL_TEXTS_H
#define ONLY_MODEL_TEXTS_H

#include <stdint.h>

#include "model.h"

/*
 * How many videos on a pass over every video's texts asks for them early:
 * a merged model's texts lie in guid order (the rows'), its videos newest
 * first, so each is a miss (model_texts_fill, model_image_write).
 */
#define MODEL_TEXTS_AHEAD	16

/* The sum of a title and a description (h64 of both, each with its NUL); never 0. */
uint64_t	model_texts_sum(const char *title, const char *description);

/* v's sum: v->texts when known, else computed from its texts (v unchanged). */
uint64_t	model_texts(const struct video *v);

/* Sets every video's texts that is 0 (a video made or changed since the
 * image was read): the one place a model's sums are computed. */
void		model_texts_fill(struct model *m);

#endif
