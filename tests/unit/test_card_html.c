/*
 * test_card_html.c — STATE/card-html (generator/site/card_html.h): the
 * cards' bytes a build kept come back byte for byte, with whether they end
 * a line, to the next build under the same key (not to the build that
 * rendered them); a build that made few new cards leaves the file as it
 * was and no temporary file, one that made many writes it again with the
 * cards it took and those it made, and no others; another key, a
 * missing file, every truncation and an altered byte of the header or the
 * table are no store; an altered byte of a card is that card not taken; a
 * slot pointing outside the bytes is no card.  CARD_HTML_SEED=PATH writes
 * the fuzz seed (tests/fuzz/seeds/card_html.bin; fuzz_card_html.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card_html.h"
#include "catalog_fixture.h"
#include "check.h"
#include "hash64.h"

#define KEY	0x6368746d6c6b6579ULL

/* Card k's bytes: "<li>card k</li>", a newline after the odd ones. */
static size_t
card_bytes(uint64_t k, char *out, size_t size)
{
	return (size_t)snprintf(out, size, "<li>card %llu</li>%s", (unsigned long long)k,
	    k % 2 ? "\n" : "");
}

static void
put_cards(const struct tmpl_memo *m, uint64_t from, uint64_t to)
{
	char b[64];
	uint64_t k;

	for (k = from; k <= to; k++)
		m->put(m->arg, k, b, card_bytes(k, b, sizeof(b)), (int)(k % 2));
}

/* How many of from..to come back as kept, byte for byte. */
static size_t
found(const struct tmpl_memo *m, uint64_t from, uint64_t to)
{
	char b[64];
	const char *s;
	size_t n, len, got = 0;
	uint64_t k;
	int ends;

	CHECK(m->ahead != NULL, "the store takes hints of the cards asked for next");
	for (k = from; k <= to; k++) {
		/* hinted as a render hints (tmpl.h: ahead): changes nothing */
		if (m->ahead != NULL) {
			m->ahead(m->arg, k + 16, 0);
			m->ahead(m->arg, k + 8, 1);
			m->ahead(m->arg, k, 1);
		}
		len = card_bytes(k, b, sizeof(b));
		if ((s = m->get(m->arg, k, &n, &ends)) != NULL && n == len &&
		    memcmp(s, b, n) == 0 && ends == (int)(k % 2))
			got++;
	}
	return got;
}

static int
same_file(const struct stat *a, const char *path)
{
	struct stat b;

	return stat(path, &b) == 0 && a->st_ino == b.st_ino &&
	    a->st_mtim.tv_sec == b.st_mtim.tv_sec && a->st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

static struct card_html *
build(const char *dir, uint64_t key)
{
	struct card_html *h = card_html_open(dir, key);

	CHECK(h != NULL, "opened");
	return h;
}

static int
done(struct card_html *h)
{
	char err[256] = "";
	int rc;

	card_html_keep(h);
	rc = card_html_close(h, err, sizeof(err));
	CHECK(rc == 0, "closed (%s)", err);
	return rc;
}

static int
no_tmp(const char *path)
{
	char tmp[700];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	return access(tmp, F_OK) != 0;
}

static void
test_builds(const char *dir, const char *path)
{
	struct card_html *h;
	const struct tmpl_memo *m;
	struct stat before;
	size_t taken, made, n;
	int ends;

	/* a first build: nothing kept, 100 cards made, the file written */
	h = build(dir, KEY);
	m = card_html_memo(h);
	CHECK(found(m, 1, 100) == 0, "no file: no card");
	put_cards(m, 1, 100);
	put_cards(m, 7, 7);
	m->put(m->arg, 5000, "", 0, 0);
	CHECK(found(m, 1, 100) == 0, "a card rendered is not taken in the build that rendered it");
	card_html_counts(h, &taken, &made);
	CHECK(taken == 0 && made == 101, "101 made, the second of card 7 not one of them (%zu)", made);
	done(h);
	CHECK(stat(path, &before) == 0 && no_tmp(path), "the file written, its temporary file renamed");

	/* the next build takes them all, makes none: the file left as it is */
	h = build(dir, KEY);
	m = card_html_memo(h);
	CHECK(found(m, 1, 100) == 100, "every card kept, byte for byte, with its line state");
	CHECK(m->get(m->arg, 5000, &n, &ends) != NULL && n == 0, "an empty card kept");
	card_html_counts(h, &taken, &made);
	CHECK(taken == 101 && made == 0, "101 taken (%zu), none made (%zu)", taken, made);
	done(h);
	CHECK(same_file(&before, path) && no_tmp(path), "nothing made: the file not written again");

	/* half taken, one made: not worth a write */
	h = build(dir, KEY);
	m = card_html_memo(h);
	CHECK(found(m, 1, 50) == 50, "half taken");
	put_cards(m, 1000, 1000);
	done(h);
	CHECK(same_file(&before, path) && no_tmp(path),
	    "one card made: the file not written again, the temporary file removed");

	/* half taken, 200 made: written with those 250 only */
	h = build(dir, KEY);
	m = card_html_memo(h);
	CHECK(found(m, 1, 50) == 50, "half taken again");
	put_cards(m, 1001, 1200);
	done(h);
	CHECK(!same_file(&before, path) && no_tmp(path), "200 cards made: the file written again");
	h = build(dir, KEY);
	m = card_html_memo(h);
	CHECK(found(m, 1, 50) == 50 && found(m, 1001, 1200) == 200,
	    "the cards taken and those made are in it");
	CHECK(found(m, 51, 100) == 0 && found(m, 1000, 1000) == 0 &&
	    m->get(m->arg, 5000, &n, &ends) == NULL,
	    "the cards not taken are gone, and so is the one made by a build that wrote nothing");
	CHECK(m->get(m->arg, 0, &n, &ends) == NULL, "the key 0: never a card");
	card_html_close(h, NULL, 0);

	/* other keys */
	h = build(dir, KEY + 1);
	m = card_html_memo(h);
	CHECK(found(m, 1, 50) == 0, "another key (onlygen): no store");
	card_html_close(h, NULL, 0);
	h = build(dir, 0);
	m = card_html_memo(h);
	put_cards(m, 1, 300);
	card_html_counts(h, &taken, &made);
	CHECK(found(m, 1, 50) == 0 && made == 0, "key 0: nothing taken, nothing kept");
	stat(path, &before);
	done(h);
	CHECK(same_file(&before, path) && no_tmp(path), "key 0: nothing written");
}

/* Every card of f whose bytes are as kept. */
static size_t
cards_ok(const struct card_html_file *f)
{
	const char *s;
	size_t i, n, ok = 0;
	uint64_t k;
	long slot;
	int ends;

	for (i = 0; i < f->nslot; i++) {
		memcpy(&k, f->slot + i * CARD_HTML_SLOT, 8);
		if (k != 0 && (slot = card_html_find(f, k, &s, &n, &ends)) >= 0)
			ok += card_html_card_ok(f, slot, s, n);
	}
	return ok;
}

static void
test_bytes(const char *dir, const char *path)
{
	struct card_html_file f;
	size_t len, i, bad, n, cards_at;
	char *data = fixture_slurp(path, &len), *sl = NULL;
	const char *s;
	uint64_t k = 0, sum;
	int ends;

	CHECK(data != NULL && card_html_parse(&f, data, len, KEY) == 1 && f.n == 250 &&
	    cards_ok(&f) == 250, "the file as written parses, in place, every card as kept "
	    "(%zu bytes)", len);
	if (data == NULL)
		return;
	cards_at = CARD_HTML_HEAD + f.nbytes;
	for (i = bad = 0; i < len; i += (i < 4096 ? 1 : 331))
		bad += card_html_parse(&f, data, i, KEY) != 0;
	CHECK(bad == 0, "truncations (each of the first 4096, then every 331st): no store (%zu were)",
	    bad);
	/* the header and the table: checked whole when mapped */
	for (i = bad = 0; i < len; i += (i < CARD_HTML_HEAD || i >= cards_at ? 1 : 331)) {
		if (i >= CARD_HTML_HEAD && i < cards_at)
			continue;
		data[i] ^= 0x20;
		bad += card_html_parse(&f, data, len, KEY) != 0;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "an altered byte of the header or the table: no store (%zu were)", bad);
	/* a card's bytes: checked when taken */
	for (i = CARD_HTML_HEAD, bad = 0; i < cards_at; i += 7) {
		data[i] ^= 0x20;
		bad += card_html_parse(&f, data, len, KEY) != 1 || cards_ok(&f) != 249;
		data[i] ^= 0x20;
	}
	CHECK(bad == 0, "an altered byte of a card (every 7th): the file parses, that card alone "
	    "is not as kept (%zu wrong)", bad);
	/* and through a build: that card is rendered, the others taken */
	{
		struct card_html *h;
		const struct tmpl_memo *m;
		FILE *w;

		data[CARD_HTML_HEAD + 2] ^= 0x20;
		if ((w = fopen(path, "wb")) != NULL) {
			fwrite(data, 1, len, w);
			fclose(w);
		}
		data[CARD_HTML_HEAD + 2] ^= 0x20;
		h = build(dir, KEY);
		m = card_html_memo(h);
		CHECK(found(m, 1, 50) + found(m, 1001, 1200) == 249,
		    "a card altered in the file: not taken, the 249 others are");
		card_html_close(h, NULL, 0);
	}
	/* a slot pointing past the bytes, the sum made to match: no card */
	if (card_html_parse(&f, data, len, KEY) == 1) {
		sl = data + cards_at;
		for (i = 0; i < f.nslot; i++) {
			memcpy(&k, sl + i * CARD_HTML_SLOT, 8);
			if (k != 0)
				break;
		}
		memcpy(sl + i * CARD_HTML_SLOT + 8, &(uint32_t){ (uint32_t)f.nbytes }, 4);
		memcpy(sl + i * CARD_HTML_SLOT + 12, &(uint32_t){ 4 }, 4);
		sum = h64_sum(0, sl, f.nslot * CARD_HTML_SLOT);
		memcpy(data + 48, &sum, 8);
		CHECK(card_html_parse(&f, data, len, KEY) == 1 &&
		    card_html_find(&f, k, &s, &n, &ends) == -1,
		    "a slot whose bytes lie past the region: parsed, but no card");
		memcpy(sl + i * CARD_HTML_SLOT + 8, &(uint32_t){ 0 }, 4);
		memcpy(sl + i * CARD_HTML_SLOT + 12, &(uint32_t){ 0xffffffffu }, 4);
		sum = h64_sum(0, sl, f.nslot * CARD_HTML_SLOT);
		memcpy(data + 48, &sum, 8);
		CHECK(card_html_parse(&f, data, len, KEY) == 1 &&
		    card_html_find(&f, k, &s, &n, &ends) == -1,
		    "a slot longer than the region: no card");
		CHECK(card_html_card_ok(&f, -1, s, 0) == 0 &&
		    card_html_card_ok(&f, (long)f.nslot, s, 0) == 0, "a slot outside the table: no card");
	}
	free(data);
}

int
main(void)
{
	char dir[512], path[600];

	fixture_tmpdir(dir, sizeof(dir), "test_card_html");
	snprintf(path, sizeof(path), "%s/card-html", dir);
	test_builds(dir, path);
	test_bytes(dir, path);
	/* the seed: a store of three cards */
	if (getenv("CARD_HTML_SEED") != NULL) {
		struct card_html *h;
		char cmd[1400];

		unlink(path);
		h = build(dir, KEY);
		put_cards(card_html_memo(h), 1, 3);
		done(h);
		snprintf(cmd, sizeof(cmd), "cp %s %s", path, getenv("CARD_HTML_SEED"));
		CHECK(system(cmd) == 0, "seed written to %s", getenv("CARD_HTML_SEED"));
	}
	unlink(path);
	rmdir(dir);
	return check_report();
}
