/*
 * fuzz_card_store.c — fuzz target for the reader of STATE/card-texts
 * (generator/site/card_store.c).  The input is the file; its magic, key
 * and checksum are made to match, and its counts too when the input is
 * long enough to hold what they say, so most inputs reach the record
 * checks: every card a store hands out, found by its index or by its
 * hash, must have each of its strings inside the file (each is read to
 * its NUL here, which a sanitizer build checks).  The seed
 * (seeds/card_store.bin) is the unit test's file:
 * CARD_STORE_SEED=PATH build/tests/test_card_store.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card_store.h"
#include "hash64.h"

#define HEAD	CARD_STORE_HEAD
#define REC	CARD_STORE_REC
#define KEY	0x63617264736b6579ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_card(const struct card_store_card *c)
{
	size_t k, total = 0;

	for (k = 0; k < CARD_STORE_STRINGS; k++)
		total += strlen(c->s[k]);
	if (total > ((size_t)1 << 40))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct card_store cs;
	struct card_store_card c;
	uint64_t v, n, nstr, s[2];
	size_t i;
	char *file;

	if (size < HEAD || (file = malloc(size)) == NULL)
		return 0;
	memcpy(file, data, size);
	memcpy(file, CARD_STORE_MAGIC, 16);
	v = KEY;
	memcpy(file + 16, &v, 8);
	memset(file + HEAD - 16, 0, 16);
	/* counts that fit the input: n from its byte, the strings the rest */
	n = (size - HEAD) / REC;
	if (n > 0)
		n = (uint64_t)(uint8_t)file[24] % (n + 1);
	nstr = size - HEAD - n * REC;
	memcpy(file + 24, &n, 8);
	memcpy(file + 32, &nstr, 8);
	s[0] = h64_sum(0, file + HEAD, n * REC);
	s[1] = h64_sum(0, file + HEAD + n * REC, nstr);
	v = h64(0, s, sizeof(s));
	memcpy(file + 40, &v, 8);
	if (card_store_parse(&cs, file, size, KEY) == 1) {
		for (i = 0; i < cs.n; i++) {
			uint64_t in;

			memcpy(&in, file + HEAD + i * REC, 8);
			if (card_store_find(&cs, i, in, &c) == 1)
				read_card(&c);
			/* the same hash from near and far, and by the table */
			if (card_store_find(&cs, i + 1, in, &c) == 1)
				read_card(&c);
			if (card_store_find(&cs, i + CARD_STORE_NEAR + 7, in, &c) == 1)
				read_card(&c);
			if (card_store_find_any(&cs, in, &c) == 1)
				read_card(&c);
		}
		card_store_free(&cs);
	}
	free(file);
	return 0;
}

#include "standalone.h"
