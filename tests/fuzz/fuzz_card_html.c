/*
 * fuzz_card_html.c — fuzz target for the reader of STATE/card-html
 * (generator/site/card_html.c).  The input is the file; its magic, key
 * and zero bytes are made to match, its table's size is taken from one of
 * its bytes (a power of two that fits; the table ends the file), its count
 * of cards from its table and its checksum from its table, so most inputs reach the
 * lookups: every card the file hands out must lie inside its bytes region
 * (each byte is read here, which a sanitizer build checks).  The seed
 * (seeds/card_html.bin) is a store of three cards:
 * CARD_HTML_SEED=PATH build/tests/test_card_html.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card_html.h"
#include "hash64.h"

#define KEY	0x6368746d6c6b6579ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct card_html_file f;
	const char *s;
	uint64_t v, nslot = 16, n = 0, k, i;
	size_t len, j;
	long slot;
	unsigned sum = 0;
	int ends;
	char *file;

	if (size < CARD_HTML_HEAD + 16 * CARD_HTML_SLOT || (file = malloc(size)) == NULL)
		return 0;
	memcpy(file, data, size);
	memcpy(file, CARD_HTML_MAGIC, 16);
	v = KEY;
	memcpy(file + 16, &v, 8);
	memset(file + 56, 0, 8);
	/* the table: 16 slots doubled as often as its byte says and the input allows */
	for (k = (uint8_t)file[24] % 8; k > 0 && CARD_HTML_HEAD + nslot * 2 * CARD_HTML_SLOT <= size;
	    k--)
		nslot *= 2;
	/* the table is the input's end, the bytes what is between */
	for (i = 0; i < nslot; i++) {
		memcpy(&v, file + size - (nslot - i) * CARD_HTML_SLOT, 8);
		n += v != 0;
	}
	memcpy(file + 24, &nslot, 8);
	memcpy(file + 32, &n, 8);
	v = size - CARD_HTML_HEAD - nslot * CARD_HTML_SLOT;
	memcpy(file + 40, &v, 8);
	v = h64_sum(0, file + size - nslot * CARD_HTML_SLOT, nslot * CARD_HTML_SLOT);
	memcpy(file + 48, &v, 8);
	if (card_html_parse(&f, file, size, KEY) == 1)
		for (i = 0; i < f.nslot; i++) {
			memcpy(&k, f.slot + i * CARD_HTML_SLOT, 8);
			if ((slot = card_html_find(&f, k, &s, &len, &ends)) < 0)
				continue;
			sum += (unsigned)card_html_card_ok(&f, slot, s, len);
			for (j = 0; j < len; j++)
				sum += (unsigned char)s[j];
			if (ends != 0 && ends != 1)
				abort();
		}
	free(file);
	return sum == 0xFFFFFFFFu;	/* keeps the reads */
}

#include "standalone.h"
