/*
 * card_store_tamper.c — test helper: rewrites STATE/card-texts with the
 * first card's sitemap entry size off by 7 and a checksum that matches,
 * as only a deliberate edit (or a card input left out of card_input())
 * could: the build must stop with a clear error before it publishes, and
 * --recheck must make the store again (tests/integration/site_build.sh).
 *
 *	card_store_tamper STATE/card-texts
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_store.h"

#define HEAD	CARD_STORE_HEAD	/* card_store.h's layout */
#define REC	CARD_STORE_REC

static struct card_store cs;
static uint64_t *ins;

static void
get(void *arg, size_t i, struct card_store_card *c)
{
	(void)arg;
	if (card_store_find(&cs, i, ins[i], c) != 1)
		exit(1);
	if (i == 0)
		c->entry_size += 7;
}

int
main(int argc, char *argv[])
{
	char err[512], head[HEAD];
	uint64_t key;
	size_t i;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL || fread(head, 1, HEAD, f) != HEAD) {
		fprintf(stderr, "usage: card_store_tamper STATE/card-texts\n");
		return 2;
	}
	memcpy(&key, head + 16, sizeof(key));
	if (card_store_load(&cs, argv[1], key) != 1 || cs.n == 0 ||
	    (ins = malloc(cs.n * sizeof(*ins))) == NULL)
		return 1;
	for (i = 0; i < cs.n; i++)
		if (fseek(f, HEAD + (long)(i * REC), SEEK_SET) != 0 || fread(&ins[i], 8, 1, f) != 1)
			return 1;
	fclose(f);
	if (card_store_save(argv[1], key, cs.n, get, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "card_store_tamper: %s\n", err);
		return 1;
	}
	return 0;
}
