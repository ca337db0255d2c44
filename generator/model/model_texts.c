/*
 * model_texts.c — a video's texts summed once (model_texts.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "hash64.h"
#include "model_texts.h"

uint64_t
model_texts_sum(const char *title, const char *description)
{
	uint64_t h = h64_str(h64_str(0x6d6f64656c2d7478ULL, title), description);	/* "model-tx" */

	return h != 0 ? h : 1;
}

uint64_t
model_texts(const struct video *v)
{
	return v->texts != 0 ? v->texts : model_texts_sum(v->title, v->description);
}

void
model_texts_fill(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nvideos; i++)
		if (m->videos[i].texts == 0)
			m->videos[i].texts = model_texts_sum(m->videos[i].title,
			    m->videos[i].description);
}
