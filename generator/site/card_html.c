/*
 * card_html.c — the cards' rendered bytes kept between builds
 * (card_html.h): the file's parser and lookup, and the memo the render
 * workers share for one build.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "card_html.h"
#include "file_map.h"
#include "file_window.h"
#include "hash64.h"
#include "keyed_file.h"
#include "pool.h"
#include "site_int.h"

#define H_KEY		16
#define H_NSLOT		24
#define H_N		32
#define H_NBYTES	40
#define H_SUM		48
#define H_ZERO		56
/* Bytes of new cards one build writes at most (a 100 000-video full build
 * renders ~55 MB of them). */
#define MADE_MAX	((size_t)512 << 20)
/* at most this much of a card asked for ahead (a card is ~500 bytes) */
#define AHEAD_BYTES	1024
/* A slot of the old file this build took a card from, or found not as kept. */
#define SLOT_TAKEN	1
#define SLOT_BAD	2

_Static_assert(sizeof(CARD_HTML_MAGIC) - 1 == 16, "the magic is 16 bytes");

int
card_html_parse(struct card_html_file *f, const void *data, size_t size, uint64_t key)
{
	const char *d = data;
	uint64_t nslot, n, nbytes, used = 0, i;

	memset(f, 0, sizeof(*f));
	if (key == 0 || size < CARD_HTML_HEAD || memcmp(d, CARD_HTML_MAGIC, 16) != 0 ||
	    get64(d + H_KEY) != key || get64(d + H_ZERO) != 0)
		return 0;
	nslot = get64(d + H_NSLOT);
	n = get64(d + H_N);
	nbytes = get64(d + H_NBYTES);
	if (nslot < 16 || nslot > CARD_HTML_SLOTS_MAX || (nslot & (nslot - 1)) != 0 ||
	    n > nslot / 2 || nbytes > CARD_HTML_BYTES_MAX ||
	    size != CARD_HTML_HEAD + nslot * CARD_HTML_SLOT + nbytes ||
	    h64_sum(0, d + CARD_HTML_HEAD + nbytes, nslot * CARD_HTML_SLOT) != get64(d + H_SUM))
		return 0;
	/* as many keys as it says: a probe always ends at an empty slot */
	for (i = 0; i < nslot; i++)
		used += get64(d + CARD_HTML_HEAD + nbytes + i * CARD_HTML_SLOT) != 0;
	if (used != n)
		return 0;
	f->slot = (const unsigned char *)d + CARD_HTML_HEAD + nbytes;
	f->nslot = nslot;
	f->n = n;
	f->bytes = d + CARD_HTML_HEAD;
	f->nbytes = nbytes;
	return 1;
}

/* Slot i's card, when its bytes lie inside the region: 1 and *s, *n, *ends_line, else 0. */
static int
slot_card(const struct card_html_file *f, size_t i, const char **s, size_t *n, int *ends_line)
{
	const char *sl = (const char *)f->slot + i * CARD_HTML_SLOT;
	uint32_t at = get32(sl + 8), len = get32(sl + 12);

	if (at > f->nbytes || len > f->nbytes - at)
		return 0;
	*s = f->bytes + at;
	*n = len;
	*ends_line = (int)(get64(sl + 16) & 1);
	return 1;
}

long
card_html_find(const struct card_html_file *f, uint64_t key, const char **s, size_t *n,
    int *ends_line)
{
	size_t i, k;
	uint64_t sk;

	if (key == 0 || f->nslot == 0)
		return -1;
	for (i = (size_t)key & (f->nslot - 1), k = 0; k < f->nslot; i = (i + 1) & (f->nslot - 1), k++) {
		if ((sk = get64((const char *)f->slot + i * CARD_HTML_SLOT)) == 0)
			return -1;
		if (sk == key)
			return slot_card(f, i, s, n, ends_line) ? (long)i : -1;
	}
	return -1;
}

/* A card's check: its bytes' h64, the low bit whether they end a line. */
static uint64_t
card_check(const char *s, size_t n, int ends_line)
{
	return (h64(0, s, n) & ~(uint64_t)1) | (ends_line != 0);
}

int
card_html_card_ok(const struct card_html_file *f, long slot, const char *s, size_t n)
{
	uint64_t c;

	if (slot < 0 || (size_t)slot >= f->nslot)
		return 0;
	c = get64((const char *)f->slot + (size_t)slot * CARD_HTML_SLOT + 16);
	return card_check(s, n, (int)(c & 1)) == c;
}

struct card_html {
	struct tmpl_memo		 memo;
	struct file_map			 map;
	struct card_html_file		 f;	/* none: zeroed */
	atomic_uchar			*used;	/* per slot of f: SLOT_TAKEN, SLOT_BAD or 0 */
	atomic_size_t			 taken;
	atomic_int			 warm;	/* its pages asked for */
	uint64_t			 key;
	struct keyed_file		*made;	/* the cards rendered, to path.tmp */
	struct pool_bg			 saver;
	int				 saving;
	char				 path[4096];
};

static const char *
memo_get(void *arg, uint64_t key, size_t *n, int *ends_line)
{
	struct card_html *h = arg;
	const char *s;
	long slot;

	if ((slot = card_html_find(&h->f, key, &s, n, ends_line)) < 0)
		return NULL;
	/* the first card this build takes: the file's pages mapped in one
	 * call, not faulted in one by one (~25 ms of a video added at 100 000) */
	if (!atomic_exchange_explicit(&h->warm, 1, memory_order_relaxed))
		file_map_populate(&h->map);
	/* its bytes checked the first time this build takes it (either
	 * worker, with the same result); a card not as kept is rendered */
	switch (atomic_load_explicit(&h->used[slot], memory_order_relaxed)) {
	case SLOT_BAD:
		return NULL;
	case 0:
		if (!card_html_card_ok(&h->f, slot, s, *n)) {
			atomic_store_explicit(&h->used[slot], SLOT_BAD, memory_order_relaxed);
			return NULL;
		}
		atomic_store_explicit(&h->used[slot], SLOT_TAKEN, memory_order_relaxed);
		break;
	}
	atomic_fetch_add_explicit(&h->taken, 1, memory_order_relaxed);
	return s;
}

/*
 * A card likely asked for soon: far (near 0), its slot's line asked for;
 * near, the slot read (in cache by now) and its bytes' lines asked for,
 * when the slot's first probe holds the key (at most half the slots are
 * used: it mostly does).  Each is otherwise a cache miss waited on in
 * memo_get(), ~100 000 of them for a video added at 100 000 videos.
 */
static void
memo_ahead(void *arg, uint64_t key, int near)
{
	const struct card_html_file *f = &((const struct card_html *)arg)->f;
	const char *sl, *s;
	size_t off;
	uint32_t at, len;

	if (f->nslot == 0)
		return;
	sl = (const char *)f->slot + ((size_t)key & (f->nslot - 1)) * CARD_HTML_SLOT;
	if (!near) {
		__builtin_prefetch(sl);
		return;
	}
	if (get64(sl) != key)
		return;
	at = get32(sl + 8);
	len = get32(sl + 12);
	if (at > f->nbytes || len > f->nbytes - at)
		return;
	s = f->bytes + at;
	for (off = 0; off < len && off < AHEAD_BYTES; off += 64)
		__builtin_prefetch(s + off);
}

static void
memo_put(void *arg, uint64_t key, const char *s, size_t n, int ends_line)
{
	struct card_html *h = arg;

	/* a card that cannot be kept is rendered again at the next build */
	if (h->key != 0 && n <= CARD_HTML_CARD_MAX)
		(void)keyed_file_put(h->made, key, s, n, card_check(s, n, ends_line));
}

struct card_html *
card_html_open(const char *state_dir, uint64_t key)
{
	struct card_html *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->key = key;
	h->memo.get = memo_get;
	h->memo.put = memo_put;
	h->memo.arg = h;
	h->memo.ahead = memo_ahead;
	if ((size_t)snprintf(h->path, sizeof(h->path), "%s/card-html", state_dir) >=
	    sizeof(h->path))
		h->key = 0;
	if ((h->made = keyed_file_new(h->path, CARD_HTML_HEAD, MADE_MAX)) == NULL) {
		free(h);
		return NULL;
	}
	/* mapped where the page cache has it, not faulted in ahead: a build
	 * that renders no list page reads the table only */
	if (h->key != 0 && file_map_path(h->path, CARD_HTML_HEAD, CARD_HTML_HEAD +
	    CARD_HTML_SLOTS_MAX * CARD_HTML_SLOT + CARD_HTML_BYTES_MAX, 0,
	    &h->map) == 0) {
		if (card_html_parse(&h->f, h->map.data, h->map.len, h->key) != 1 ||
		    (h->used = calloc(h->f.nslot, 1)) == NULL) {
			memset(&h->f, 0, sizeof(h->f));
			file_map_free(&h->map);
		}
	}
	return h;
}

const struct tmpl_memo *
card_html_memo(struct card_html *h)
{
	return h != NULL ? &h->memo : NULL;
}

/* Slot i of the old file when this build took its card: 1 and the card, else 0. */
static int
taken_at(const struct card_html *h, size_t i, uint64_t *key, const char **s, size_t *n,
    int *ends)
{
	*key = get64((const char *)h->f.slot + i * CARD_HTML_SLOT);
	return atomic_load_explicit(&h->used[i], memory_order_relaxed) == SLOT_TAKEN &&
	    slot_card(&h->f, i, s, n, ends);
}

/* One card for the file: its slot in t (nslot, a power of two), its bytes' place and check. */
static void
place(unsigned char *t, size_t nslot, uint64_t key, uint64_t at, size_t len, uint64_t check)
{
	size_t i;
	char *sl;

	for (i = (size_t)key & (nslot - 1); get64((char *)t + i * CARD_HTML_SLOT) != 0;
	    i = (i + 1) & (nslot - 1))
		;
	sl = (char *)t + i * CARD_HTML_SLOT;
	memcpy(sl, &key, 8);
	memcpy(sl + 8, &(uint32_t){ (uint32_t)at }, 4);
	memcpy(sl + 12, &(uint32_t){ (uint32_t)len }, 4);
	memcpy(sl + 16, &check, 8);
}

/*
 * The file closed: after the cards this build rendered (already in
 * path.tmp), those it took from the old file, then the table by key.
 */
static int
save_task(void *arg, char *err, size_t errlen)
{
	struct card_html *h = arg;
	struct file_out *o;
	unsigned char *t;
	size_t n = keyed_file_count(h->made), nslot = 16, i, len;
	uint64_t nbytes = keyed_file_bytes(h->made), key, at, check, sum;
	const char *s;
	int ends;
	char head[CARD_HTML_HEAD];

	for (i = 0; i < h->f.nslot; i++)
		if (taken_at(h, i, &key, &s, &len, &ends)) {
			n++;
			nbytes += len;
		}
	while (nslot < 2 * n)
		nslot *= 2;
	if (nslot > CARD_HTML_SLOTS_MAX || nbytes > CARD_HTML_BYTES_MAX) {
		snprintf(err, errlen, "%s: too many cards to keep", h->path);
		return -1;
	}
	if ((t = calloc(nslot, CARD_HTML_SLOT)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", h->path);
		return -1;
	}
	if ((o = keyed_file_out(h->made, err, errlen)) == NULL) {
		free(t);
		return -1;
	}
	for (i = 0; i < keyed_file_count(h->made); i++) {
		keyed_file_entry(h->made, i, &key, &at, &len, &check);
		place(t, nslot, key, at, len, check);
	}
	at = keyed_file_bytes(h->made);
	for (i = 0; i < h->f.nslot; i++)
		if (taken_at(h, i, &key, &s, &len, &ends)) {
			file_out_put(o, s, len);
			place(t, nslot, key, at, len,
			    get64((const char *)h->f.slot + i * CARD_HTML_SLOT + 16));
			at += len;
		}
	file_out_put(o, t, nslot * CARD_HTML_SLOT);
	sum = h64_sum(0, t, nslot * CARD_HTML_SLOT);
	free(t);
	memset(head, 0, sizeof(head));
	memcpy(head, CARD_HTML_MAGIC, 16);
	memcpy(head + H_KEY, &h->key, 8);
	memcpy(head + H_NSLOT, &(uint64_t){ nslot }, 8);
	memcpy(head + H_N, &(uint64_t){ n }, 8);
	memcpy(head + H_NBYTES, &nbytes, 8);
	memcpy(head + H_SUM, &sum, 8);
	return file_out_close(o, head, sizeof(head), nbytes + nslot * CARD_HTML_SLOT, err,
	    errlen);
}

void
card_html_keep(struct card_html *h)
{
	/*
	 * Written again when it missed many cards, by the rule of the other
	 * caches kept between builds (site_cache_rewrite): a list's cards all
	 * made (the first build, another theme), not the few of a video added
	 * or a title changed, which the next build makes again for less than
	 * rewriting ~60 MB.
	 */
	size_t made = h != NULL ? keyed_file_count(h->made) : 0;

	if (h == NULL || h->key == 0 || made == 0 ||
	    !site_cache_rewrite(h->f.nslot != 0, made, h->f.n))
		return;
	h->saving = 1;
	pool_bg_start(&h->saver, save_task, h);
}

int
card_html_close(struct card_html *h, char *err, size_t errlen)
{
	int rc = 0;

	if (h == NULL)
		return 0;
	if (h->saving && pool_bg_join(&h->saver, err, errlen) == -1)
		rc = -1;
	keyed_file_delete(h->made);	/* path.tmp removed unless renamed in */
	free(h->used);
	file_map_free(&h->map);
	free(h);
	return rc;
}

void
card_html_counts(struct card_html *h, size_t *taken, size_t *made)
{
	*taken = h != NULL ? atomic_load_explicit(&h->taken, memory_order_relaxed) : 0;
	*made = h != NULL ? keyed_file_count(h->made) : 0;
}
