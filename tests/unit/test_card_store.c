/*
 * test_card_store.c — STATE/card-texts (generator/site/card_store.h): cards
 * saved and loaded again come back string for string with their keys and
 * their sitemap entries' sizes and hashes,
 * found at their index or, when the model's order moved, by their inputs'
 * hash; a card past the block limit is written but never found; another
 * key, a missing file, every truncation and every altered byte are no
 * store; the save follows no symlink at path.tmp.  CARD_STORE_SEED=PATH
 * writes the fuzz seed (tests/fuzz/seeds/card_store.bin: a store of the
 * first three cards; fuzz_card_store.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card_store.h"
#include "catalog_fixture.h"
#include "check.h"

#define KEY	0x63617264736b6579ULL
#define NCARDS	5

struct cards {
	struct card_store_card	c[NCARDS];
	char			*big;	/* card 3's title: past the block limit */
};

static void
get(void *arg, size_t i, struct card_store_card *out)
{
	const struct cards *cs = arg;

	*out = cs->c[i];
}

static void
fill(struct cards *cs)
{
	static const char *const base[CARD_STORE_STRINGS] = {
		"/v/a/", "1:02", "1 minute", "2025-11-03", "Title, 1 minute, free", "",
	};
	size_t i, k;

	memset(cs, 0, sizeof(*cs));
	cs->big = malloc(70000);
	memset(cs->big, 'x', 69999);
	cs->big[69999] = '\0';
	for (i = 0; i < NCARDS; i++) {
		for (k = 0; k < CARD_STORE_STRINGS; k++)
			cs->c[i].s[k] = base[k];
		cs->c[i].in = 1000 + i;
		cs->c[i].key = 2000 + i;
		cs->c[i].entry_size = (uint32_t)(300 + i);
		cs->c[i].entry_hash = 4000 + i;
	}
	cs->c[1].s[3] = "2026-01-02";			/* another date */
	cs->c[2].s[5] = "S1 \xc2\xb7 E2";		/* an episode */
	cs->c[2].s[0] = "/v/c/";
	cs->c[3].s[4] = cs->big;
	cs->c[4].s[1] = "";				/* an empty string mid-block */
}

static int
same(const struct card_store_card *a, const struct card_store_card *b)
{
	size_t k;

	if (a->in != b->in || a->key != b->key || a->entry_size != b->entry_size ||
	    a->entry_hash != b->entry_hash)
		return 0;
	for (k = 0; k < CARD_STORE_STRINGS; k++)
		if (strcmp(a->s[k], b->s[k]) != 0 ||
		    ((b->empty >> k & 1) != (a->s[k][0] == '\0')))
			return 0;
	return 1;
}

int
main(void)
{
	struct cards cs;
	struct card_store st;
	struct card_store_card got;
	char dir[512], path[600], err[256], *data = NULL;
	size_t i, len = 0, bad;
	FILE *f;

	fixture_tmpdir(dir, sizeof(dir), "test_card_store");
	snprintf(path, sizeof(path), "%s/card-texts", dir);
	fill(&cs);

	CHECK(card_store_save(path, KEY, NCARDS, get, &cs, err, sizeof(err)) == 0,
	    "%d cards saved (%s)", NCARDS, err);
	CHECK(card_store_load(&st, path, KEY) == 1 && st.n == NCARDS, "loaded under its key");
	for (i = bad = 0; i < NCARDS; i++)
		if (i != 3 && (card_store_find(&st, i, cs.c[i].in, &got) != 1 ||
		    !same(&cs.c[i], &got) || got.rec != (size_t)i))
			bad++;
	CHECK(bad == 0, "each card found at its index, string for string, with its key and "
	    "its sitemap entry's size and hash");
	CHECK(card_store_find(&st, 3, cs.c[3].in, &got) == 0,
	    "a card past %zu bytes is not kept", CARD_STORE_BLOCK_MAX);
	for (i = bad = 0; i < NCARDS; i++)
		if (i != 3 && (card_store_find(&st, i + CARD_STORE_NEAR, cs.c[i].in, &got) != 1 ||
		    !same(&cs.c[i], &got) || got.rec != (size_t)i))
			bad++;
	CHECK(bad == 0, "each card found %d records from where it is looked for, its record's "
	    "place said (the next video is looked for there)", CARD_STORE_NEAR);
	CHECK(card_store_find(&st, 0, cs.c[4].in, &got) == 0 &&
	    card_store_find(&st, 4 + CARD_STORE_NEAR + 1, cs.c[4].in, &got) == 0 &&
	    card_store_find(&st, 4 + CARD_STORE_NEAR + 1, cs.c[0].in, &got) == 0 &&
	    card_store_find(&st, SIZE_MAX - 1, cs.c[0].in, &got) == 0 && st.slot == NULL,
	    "farther than that: not found near, and no table by hash built");
	for (i = bad = 0; i < NCARDS; i++)
		if (i != 3 && (card_store_find_any(&st, cs.c[i].in, &got) != 1 ||
		    !same(&cs.c[i], &got) || got.rec != (size_t)i))
			bad++;
	CHECK(bad == 0 && st.slot != NULL, "each card found anywhere by its hash, through the table");
	CHECK(card_store_find_any(&st, cs.c[3].in, &got) == 0,
	    "the card past %zu bytes is not found by its hash either", CARD_STORE_BLOCK_MAX);
	CHECK(card_store_find(&st, 0, 999, &got) == 0 && card_store_find(&st, 99, 999, &got) == 0 &&
	    card_store_find_any(&st, 999, &got) == 0, "unknown inputs: none, wherever looked for");
	CHECK(card_store_find(&st, 0, 0, &got) == 0 && card_store_find_any(&st, 0, &got) == 0,
	    "the hash 0: never a card");
	card_store_free(&st);
	CHECK(st.rec == NULL && st.slot == NULL && st.map.base == NULL, "freed: zeroed");

	CHECK(card_store_load(&st, path, KEY + 1) == 0 && st.rec == NULL,
	    "another key (settings, onlygen): no store");
	CHECK(card_store_load(&st, path, 0) == 0, "key 0: no store");
	{
		char missing[700];

		snprintf(missing, sizeof(missing), "%s/none", dir);
		CHECK(card_store_load(&st, missing, KEY) == 0, "a missing file: no store");
	}

	/* the file's bytes: every truncation and every altered byte is no store */
	if ((f = fopen(path, "rb")) != NULL) {
		fseek(f, 0, SEEK_END);
		len = (size_t)ftell(f);
		fseek(f, 0, SEEK_SET);
		if ((data = malloc(len)) != NULL && fread(data, 1, len, f) != len) {
			free(data);
			data = NULL;
		}
		fclose(f);
	}
	CHECK(data != NULL, "the file read back (%zu bytes)", len);
	/* the seed: the first three cards (the fourth's 70 kB would slow every mutant) */
	if (getenv("CARD_STORE_SEED") != NULL)
		CHECK(card_store_save(getenv("CARD_STORE_SEED"), KEY, 3, get, &cs, err,
		    sizeof(err)) == 0, "seed written to %s", getenv("CARD_STORE_SEED"));
	for (i = bad = 0; data != NULL && i < len; i++) {
		bad += card_store_parse(&st, data, i, KEY) != 0;
		card_store_free(&st);
	}
	CHECK(bad == 0, "every one of the %zu truncations: no store (%zu were)", len, bad);
	for (i = bad = 0; data != NULL && i < len; i += (i < 4096 ? 1 : 997)) {
		data[i] ^= 0x20;
		bad += card_store_parse(&st, data, len, KEY) != 0;
		card_store_free(&st);
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "altered bytes (each of the first 4096, then every 997th): no store "
	    "(%zu were)", bad);
	CHECK(data != NULL && card_store_parse(&st, data, len, KEY) == 1 && st.map.base == NULL,
	    "the bytes as written parse, in place");
	card_store_free(&st);
	free(data);

	/* a symlink where the temporary file goes is not followed */
	{
		char tmp[700], target[700];
		FILE *tf = NULL;

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		snprintf(target, sizeof(target), "%s/elsewhere", dir);
		CHECK(symlink(target, tmp) == 0, "a symlink at card-texts.tmp");
		CHECK(card_store_save(path, KEY, NCARDS, get, &cs, err, sizeof(err)) == -1 &&
		    (tf = fopen(target, "r")) == NULL, "the save refuses it and writes nothing "
		    "through it");
		if (tf != NULL)
			fclose(tf);
		unlink(tmp);
	}

	/* no cards: an empty store round-trips and finds nothing */
	CHECK(card_store_save(path, KEY, 0, get, &cs, err, sizeof(err)) == 0 &&
	    card_store_load(&st, path, KEY) == 1 && st.n == 0 &&
	    card_store_find(&st, 0, 1000, &got) == 0, "no cards: an empty store");
	card_store_free(&st);
	unlink(path);
	rmdir(dir);
	free(cs.big);
	return check_report();
}
