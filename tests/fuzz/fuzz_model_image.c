/*
 * fuzz_model_image.c — fuzz target for the reader of the model image
 * (generator/model/model_image.c): the input is an image from offset 48
 * on (its counts, regions and records); the first 48 bytes (magic,
 * version, key, length, checksum: model_image_sum) are made to match it, so every
 * input reaches the bounds checks, which must refuse what they cannot
 * read whole and leak nothing; what they accept is whole: every string
 * there, every index below its list's length, every video named by one
 * row.  The seed (seeds/model_image.bin) is the unit test's image:
 * MODEL_IMAGE_SEED=PATH build/tests/test_model_image writes it.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_image.h"

#define MAGIC	"onlygen mimage\n"	/* and its NUL: 16 bytes */
#define VERSION	MODEL_IMAGE_VERSION
#define HEAD	48
#define KEY	0x1234abcdULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_video(const struct model *m, const struct video *v)
{
	size_t i;

	if (v->title == NULL || v->description == NULL || v->thumbnail == NULL ||
	    v->cdn_host == NULL || strlen(v->guid) > GUID_LEN ||
	    (v->series != -1 && (v->series < 0 || (size_t)v->series >= m->nseries)))
		abort();
	for (i = 0; i < v->ncategories; i++)
		if (v->categories[i] >= m->ncategories)
			abort();
	for (i = 0; i < v->ntags; i++)
		if (v->tags[i] >= m->ntags)
			abort();
	for (i = 0; i < v->ncaptions; i++)
		if (strlen(v->captions[i].srclang) + strlen(v->captions[i].label) > SIZE_MAX / 2)
			abort();	/* reads both to their NUL */
	for (i = 0; i < v->nchapters; i++)
		if (v->chapters[i].title == NULL)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v[3] = { VERSION, KEY, HEAD + size }, sum;
	struct model_image_meta meta;
	struct model m;
	char err[256], *img;
	size_t i, named;
	int rc;

	if ((img = malloc(HEAD + size)) == NULL)
		return 0;
	memcpy(img, MAGIC, 16);
	memcpy(img + 16, v, sizeof(v));
	if (size > 0)
		memcpy(img + HEAD, data, size);
	sum = model_image_sum(img, HEAD + size);
	memcpy(img + 40, &sum, sizeof(sum));
	rc = model_image_parse(img, HEAD + size, KEY, &m, &meta, err, sizeof(err));
	if (rc == 1) {
		if (m.site.title == NULL || m.site.purchase_url == NULL || m.digest[64] != '\0')
			abort();
		for (i = 0; i < m.ncategories; i++)
			if (m.categories[i].description == NULL)
				abort();
		for (i = 0; i < m.ntags; i++)
			if (m.tags[i].slug == NULL || m.tags[i].name == NULL)
				abort();
		for (i = 0; i < m.nseries; i++)
			if (m.series[i].description == NULL)
				abort();
		for (i = 0; i < m.nvideos; i++)
			check_video(&m, &m.videos[i]);
		for (i = named = 0; i < meta.nrows; i++)
			if (meta.rows[i].video != MODEL_IMAGE_NONE &&
			    (++named, meta.rows[i].video >= m.nvideos))
				abort();
		if (named != m.nvideos || meta.key != KEY)
			abort();
	} else if (rc == 0) {
		if (m.videos != NULL || m.mem.head != NULL || meta.rows != NULL)
			abort();	/* absent: nothing kept */
	}
	model_free(&m);
	model_image_meta_free(&meta);
	free(img);
	return 0;
}

#include "standalone.h"
