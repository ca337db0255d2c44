/*
 * fuzz_model_delta.c — fuzz target for the reader of STATE/model.image.delta
 * (generator/model/model_delta.c).  The input is the file; its magic, base
 * id and checksum are made to match, and its row count too when the input
 * is long enough to hold the rows it says, so most inputs reach the row
 * checks: every delta read has at most MODEL_DELTA_MAX rows, each guid
 * NUL-terminated within GUID_LEN and strictly ascending, each found by
 * model_delta_find().  The seed (seeds/model_delta.bin) is the unit test's
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

#define HEAD	48
#define REC	48
#define BASE	0x62617365ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_delta d;
	uint64_t v;
	size_t k;
	char *file;

	if (size < HEAD || size > HEAD + (MODEL_DELTA_MAX + 1) * REC)
		return 0;
	if ((file = malloc(size)) == NULL)
		return 0;
	memcpy(file, data, size);
	memcpy(file, "onlygen delta 1\n", 16);
	v = BASE;
	memcpy(file + 24, &v, 8);
	if ((size - HEAD) % REC == 0) {
		v = (size - HEAD) / REC;
		memcpy(file + 40, &v, 8);
	}
	v = h64(0, file + 24, size - 24);
	memcpy(file + 16, &v, 8);
	if (model_delta_parse(file, size, BASE, &d) == 1) {
		if (d.n > MODEL_DELTA_MAX || d.base_id != BASE || d.model_id == 0)
			abort();
		for (k = 0; k < d.n; k++) {
			size_t len = strnlen(d.rows[k].guid, sizeof(d.rows[k].guid));

			if (len == 0 || len > GUID_LEN ||
			    (k > 0 && strcmp(d.rows[k - 1].guid, d.rows[k].guid) >= 0) ||
			    model_delta_find(&d, d.rows[k].guid) != &d.rows[k])
				abort();
		}
	} else if (d.n != 0 || d.base_id != 0)
		abort();	/* no delta is a zeroed one */
	free(file);
	return 0;
}

#include "standalone.h"
