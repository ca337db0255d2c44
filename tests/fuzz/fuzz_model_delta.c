/*
 * fuzz_model_delta.c — fuzz target for the readers of the two records kept
 * beside the model image: STATE/model.image.delta (generator/model/
 * model_delta.c) and STATE/model.image.at (model_image_at.c), whose 56
 * bytes are the input's first, as they are and sealed (magic and checksum
 * made to match): a record read has a position and the image's checksum
 * it was asked for; none is zeroed.
 *
 * The delta:  The input is the file; its magic, base
 * id and checksum are made to match, and its counts of rows and edited
 * entries (each taken modulo MODEL_DELTA_MAX + 1) too when the input is
 * long enough to hold what they say, so most inputs reach the rows',
 * entries' and texts' checks: every delta read has a key and at most
 * MODEL_DELTA_MAX rows and entries, each guid NUL-terminated within
 * GUID_LEN and strictly ascending, each row found by model_delta_find(),
 * each entry's flags the texts' and its title and description
 * NUL-terminated within the texts, which are at most MODEL_DELTA_TEXT_MAX.  The seed (seeds/model_delta.bin) is the unit test's
 * file: MODEL_DELTA_SEED=PATH build/tests/test_model_delta.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "model_delta.h"
#include "model_image.h"
#include "model_image_at.h"

#define HEAD	64
#define REC	48
#define BASE	0x62617365ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AT_LEN	56

/* The input's first AT_LEN bytes as a position record, unsealed then sealed. */
static void
image_at(const uint8_t *data, size_t size)
{
	struct model_image_at a;
	char rec[AT_LEN];
	uint64_t image, v;
	int pass;

	if (size < AT_LEN)
		return;
	memcpy(rec, data, AT_LEN);
	memcpy(&image, rec + 24, 8);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			memcpy(rec, "onlygen imgat 1\n", 16);
			v = h64(0, rec + 24, AT_LEN - 24);
			memcpy(rec + 16, &v, 8);
		}
		if (model_image_at_parse(rec, AT_LEN, image, &a) == 1) {
			if (a.pos.seq == 0 || a.image_sum != image ||
			    model_image_at_parse(rec, AT_LEN, image + 1, &a) != 0)
				abort();
		} else if (a.pos.seq != 0 || a.image_sum != 0 || a.pos.nonce != 0 || a.pos.sum != 0)
			abort();	/* none is a zeroed record */
		if (model_image_at_parse(rec, AT_LEN - 1, image, &a) != 0)
			abort();	/* shorter: none */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model_delta d;
	uint64_t v, n, ne;
	size_t k;
	char *file;

	image_at(data, size);
	if (size < HEAD || size > HEAD + 2 * MODEL_DELTA_MAX * REC + MODEL_DELTA_TEXT_MAX + 1)
		return 0;
	if ((file = malloc(size)) == NULL)
		return 0;
	memcpy(file, data, size);
	memcpy(file, "onlygen delta 2\n", 16);
	v = BASE;
	memcpy(file + 24, &v, 8);
	memcpy(&n, file + 48, 8);
	memcpy(&ne, file + 56, 8);
	n %= MODEL_DELTA_MAX + 1;
	ne %= MODEL_DELTA_MAX + 1;
	if (HEAD + (n + ne) * REC <= size) {
		memcpy(file + 48, &n, 8);
		memcpy(file + 56, &ne, 8);
	}
	v = h64(0, file + 24, size - 24);
	memcpy(file + 16, &v, 8);
	if (model_delta_parse(file, size, BASE, &d) == 1) {
		if (d.n > MODEL_DELTA_MAX || d.nedited > MODEL_DELTA_MAX || d.base_id != BASE ||
		    d.model_id == 0 || d.key == 0 || d.ntext > MODEL_DELTA_TEXT_MAX)
			abort();
		for (k = 0; k < d.n; k++) {
			size_t len = strnlen(d.rows[k].guid, sizeof(d.rows[k].guid));

			if (len == 0 || len > GUID_LEN ||
			    (k > 0 && strcmp(d.rows[k - 1].guid, d.rows[k].guid) >= 0) ||
			    model_delta_find(&d, d.rows[k].guid) != &d.rows[k])
				abort();
		}
		for (k = 0; k < d.nedited; k++) {
			const struct model_delta_edit *e = &d.edited[k];
			size_t len = strnlen(e->guid, sizeof(e->guid));

			if (len == 0 || len > GUID_LEN ||
			    (k > 0 && strcmp(d.edited[k - 1].guid, e->guid) >= 0) ||
			    (e->flags & ~(MODEL_IMAGE_TITLE_ENTRY | MODEL_IMAGE_DESC_ENTRY)) != 0 ||
			    e->title >= d.ntext || e->description >= d.ntext ||
			    memchr(d.text + e->title, '\0', d.ntext - e->title) == NULL ||
			    memchr(d.text + e->description, '\0', d.ntext - e->description) == NULL)
				abort();
		}
	} else if (d.n != 0 || d.nedited != 0 || d.base_id != 0 || d.key != 0)
		abort();	/* no delta is a zeroed one */
	free(file);
	return 0;
}

#include "standalone.h"
