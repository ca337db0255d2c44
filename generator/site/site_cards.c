/*
 * site_cards.c — cards: the strings of every video's card, taken from the
 * last builds' store (card_store.h) when the card's inputs are as they
 * were, else formatted on the worker pool (site_card_texts); the card's
 * fields (card_fields), its key (card_key), and a card put into a page's
 * data (card, add_cards).
 *
 * Values are raw catalog strings: the template's {{x}} escapes them.  The
 * URLs are built from validated guids and image cache keys.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "model_texts.h"
#include "pool.h"
#include "arena.h"
#include "card_html.h"
#include "card_store.h"
#include "site_cards.h"
#include "site_url.h"
#include "tmpl.h"

static const char *const access_labels[] = { "Free", "VIP", "Pay-per-view" };
static const char *const access_icons[] = { "\xe2\x96\xb6", "\xe2\x98\x85", "\xe2\x97\x86" };

static int	card_key(const struct site_ctx *c, size_t i, uint64_t *key);

/* The store and what a build made of it (site_ctx's cards_keep). */
struct card_keep {
	struct card_store	 store;		/* STATE/card-texts, mapped */
	uint64_t		 key;		/* its key: settings and onlygen; 0: none kept */
	uint64_t		*in;		/* per video: its card's inputs hash */
	size_t			*todo;		/* the videos whose cards are formatted */
	size_t			 ntodo;
	const struct site_ctx	*c;
	struct pool_bg		 saver;		/* writes the store when many were formatted */
	int			 kept;		/* the store was loaded */
	int			 saving;
	char			 path[4096];
};

/*
 * Everything video i's card and its watch page's sitemap entry are made
 * of, hashed: what card_text(), card_fields() and site_sitemap.c's
 * entry() read of the video and of its mirrored images (the rest, the
 * site's settings and onlygen itself, is the store's key).  They are
 * taken from the store only under the same hash, so a field those read
 * must be mixed in here: the incremental == clean property test
 * (tests/integration/site_incremental_property.py) edits each one and
 * fails on a card or an entry kept stale.  Never 0.
 */
static uint64_t
card_input(const struct site_ctx *c, size_t i)
{
	const struct video *v = &c->m->videos[i];
	const struct video_img *im = &c->vimg[i];
	uint64_t h = h64_str(0x636172642d696e31ULL, v->guid);	/* "card-in1" */

	h = h64_int(h, (int64_t)model_texts(v));	/* title, and description: the entry's */
	h = h64_int(h, v->changed);		/* the entry's <lastmod> */
	h = h64_int(h, v->length);
	h = h64_int(h, v->uploaded);
	h = h64_int(h, level(v));
	h = h64_int(h, v->series >= 0);
	h = h64_int(h, v->season);
	h = h64_int(h, v->episode);
	h = h64_str(h, im->key);
	h = h64_int(h, im->still);
	h = h64_int(h, im->preview);
	return h != 0 ? h : 1;
}

/* The store's key: the settings card_text() and the card's key read (its
 * image URLs hold the base URL), and onlygen itself. */
static uint64_t
store_key(const struct site_ctx *c)
{
	uint64_t h = site_kept_key(c, "onlygen card texts v1");

	if (h == 0)
		return 0;
	h = h64_int(h, c->html);
	h = h64_str(h, c->m->site.base_url);
	return h != 0 ? h : 1;
}

/* A worker's formatting buffer and the storage its cards' strings go to. */
struct text_worker {
	struct buf		 b;	/* one card's strings, then copied out */
	struct arena	*mem;	/* c->vtext_mem[worker] */
};

/*
 * Formats the card strings of video i into t, in one block from w->mem.
 * Its image URLs are not among them: site_card_img() formats those
 * when a page shows them.
 */
static int
card_text(const struct site_ctx *c, size_t i, struct card_text *t, struct text_worker *w)
{
	const struct video *v = &c->m->videos[i];
	enum access_level a = level(v);
	struct buf *b = &w->b;
	size_t off[CARD_STORE_STRINGS], k = 0, n;
	char *s;

	buf_reset(b);
	off[k++] = b->len;
	if (url_video(b, c->html, v->guid) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (fmt_duration(b, v->length) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (fmt_duration_words(b, v->length) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (fmt_date(b, v->uploaded) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (buf_puts(b, v->title) == -1 || BUF_PUTSL(b, ", ") == -1 ||
	    fmt_duration_words(b, v->length) == -1 ||
	    buf_puts(b, a == ACCESS_PUBLIC ? ", free" : ", locked, ") == -1 ||
	    (a != ACCESS_PUBLIC && buf_puts(b, access_labels[a]) == -1) || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (v->series >= 0 && buf_printf(b, "S%d \xc2\xb7 E%d", v->season, v->episode) == -1)
		return -1;
	if (buf_putc(b, '\0') == -1)
		return -1;
	n = b->len;
	if ((s = arena_take(w->mem, n)) == NULL)
		return -1;
	memcpy(s, b->data, n);
	t->url = s + off[0];
	t->duration = s + off[1];
	t->words = s + off[2];
	t->date = s + off[3];
	t->label = s + off[4];
	t->episode = s[off[5]] ? s + off[5] : NULL;
	return 0;
}

static int
text_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	struct site_ctx *c = arg;
	struct text_worker *w;

	if ((w = malloc(sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory formatting cards");
		return -1;
	}
	buf_init(&w->b, 1 << 20);
	w->mem = &c->vtext_mem[worker];
	*state = w;
	return 0;
}

static void
text_done(void *arg, void *state)
{
	struct text_worker *w = state;

	(void)arg;
	if (w != NULL) {
		buf_free(&w->b);
	}
	free(w);
}

#define TEXT_AHEAD	4

static int
text_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	struct site_ctx *c = arg;

	/* a title is a cache miss (strings scattered over the heap), waited on
	 * by its strlen: the one of a video a few on is fetched meanwhile */
	if (i + TEXT_AHEAD < c->m->nvideos)
		__builtin_prefetch(c->m->videos[i + TEXT_AHEAD].title);
	if (card_text(c, i, &c->vtext[i], state) == -1 || card_key(c, i, &c->vcard[i]) == -1) {
		snprintf(err, errlen, "out of memory (or an over-long title) formatting cards");
		return -1;
	}
	return 0;
}

/*
 * The card strings in the store's order (card_store.h: CARD_STORE_STRINGS),
 * and which may be NULL (kept as ""): one table for both directions.
 */
static const struct { size_t off; int may_be_null; } card_strings[CARD_STORE_STRINGS] = {
	{ offsetof(struct card_text, url), 0 },
	{ offsetof(struct card_text, duration), 0 },
	{ offsetof(struct card_text, words), 0 },
	{ offsetof(struct card_text, date), 0 },
	{ offsetof(struct card_text, label), 0 },
	{ offsetof(struct card_text, episode), 1 },
};

#define CARD_STRING(t, k)	(*(char **)(void *)((char *)(t) + card_strings[k].off))

/* A kept card's strings as card_text() would have made them. */
static void
from_store(struct card_text *t, const struct card_store_card *kc)
{
	size_t k;

	for (k = 0; k < CARD_STORE_STRINGS; k++)
		CARD_STRING(t, k) = card_strings[k].may_be_null && (kc->empty >> k & 1) ? NULL :
		    (char *)(uintptr_t)kc->s[k];
}

/* Card i for the store: card_store_save()'s get. */
static void
store_get(void *arg, size_t i, struct card_store_card *kc)
{
	const struct card_keep *ck = arg;
	struct card_text *t = &ck->c->vtext[i];
	size_t k;

	kc->in = ck->in[i];
	kc->key = ck->c->vcard[i];
	kc->entry_size = ck->c->ventry[i].size;
	kc->entry_hash = ck->c->ventry[i].hash;
	for (k = 0; k < CARD_STORE_STRINGS; k++)
		kc->s[k] = CARD_STRING(t, k) != NULL ? CARD_STRING(t, k) : "";
}

static int
save_task(void *arg, char *err, size_t errlen)
{
	struct card_keep *ck = arg;

	return card_store_save(ck->path, ck->key, ck->c->m->nvideos, store_get, ck, err, errlen);
}

/* Cards not found near their place, formatted rather than looked for by hash. */
#define CARD_FORMAT_NEAR_MAX	64

/* Card i from the store's card k. */
static void
take_card(struct site_ctx *c, size_t i, const struct card_store_card *k)
{
	from_store(&c->vtext[i], k);
	c->vcard[i] = k->key;
	c->ventry[i].size = k->entry_size;	/* 0: planned again */
	c->ventry[i].hash = k->entry_hash;
}

static int
todo_item(void *arg, void *state, size_t k, char *err, size_t errlen)
{
	struct site_ctx *c = arg;

	return text_item(arg, state, c->cards_keep->todo[k], err, errlen);
}

int
site_card_texts(struct site_ctx *c, char *err, size_t errlen)
{
	struct card_keep *ck;
	struct card_store_card k;
	struct pool_work w;
	size_t i, j, n = c->m->nvideos;
	ptrdiff_t shift = 0;
	int kept;

	c->vtext = calloc(n ? n : 1, sizeof(*c->vtext));
	c->vtext_mem = calloc(POOL_MAX_WORKERS, sizeof(*c->vtext_mem));
	c->vcard = malloc((n ? n : 1) * sizeof(*c->vcard));
	c->cards_keep = ck = calloc(1, sizeof(*ck));
	c->ventry = calloc(n ? n : 1, sizeof(*c->ventry));
	if (c->vtext == NULL || c->vtext_mem == NULL || c->vcard == NULL || ck == NULL ||
	    c->ventry == NULL || site_card_imgs_init(c) == -1 ||
	    (ck->in = malloc((n ? n : 1) * sizeof(*ck->in))) == NULL ||
	    (ck->todo = malloc((n ? n : 1) * sizeof(*ck->todo))) == NULL) {
		snprintf(err, errlen, "out of memory (or an over-long title) formatting cards");
		return -1;
	}
	for (i = 0; i < POOL_MAX_WORKERS; i++)
		arena_init(&c->vtext_mem[i]);
	ck->c = c;
	ck->key = store_key(c);
	if ((size_t)snprintf(ck->path, sizeof(ck->path), "%s/card-texts", c->o->state_dir) >=
	    sizeof(ck->path))
		ck->key = 0;
	kept = card_store_load(&ck->store, ck->path, ck->key) == 1;
	/* NULL (out of memory): every card rendered */
	c->card_html = card_html_open(c->o->state_dir, site_kept_key(c, "onlygen card html v1"));
	/*
	 * The kept cards, in the model's order: a video at its index in the
	 * store, shifted by those added or removed before it, as the last
	 * card found says, or a record or two on.  The cards not there (a
	 * changed card is nowhere) are looked for by hash only when they are
	 * many (videos reordered): the table by hash reads every record, and
	 * formatting a few cards costs less than that (~20 ms at 100 000
	 * videos, for the one card of a title change; docs/benchmarks.md,
	 * issue 15).  The others are formatted on the pool.
	 */
	for (i = 0; i < n; i++) {
		size_t hint = (size_t)((ptrdiff_t)i + shift);

		ck->in[i] = card_input(c, i);
		if (kept && card_store_find(&ck->store, hint, ck->in[i], &k) == 1) {
			shift = (ptrdiff_t)k.rec - (ptrdiff_t)i;
			take_card(c, i, &k);
		} else
			ck->todo[ck->ntodo++] = i;
	}
	if (kept && ck->ntodo > CARD_FORMAT_NEAR_MAX) {
		size_t left = 0;

		for (j = 0; j < ck->ntodo; j++) {
			i = ck->todo[j];
			if (card_store_find_any(&ck->store, ck->in[i], &k) == 1)
				take_card(c, i, &k);
			else
				ck->todo[left++] = i;
		}
		ck->ntodo = left;
	}
	memset(&w, 0, sizeof(w));
	w.n = ck->ntodo;
	w.chunk = 64;	/* a card is a few microseconds: claim them in bulk */
	w.arg = c;
	w.init = text_init;
	w.item = todo_item;
	w.done = text_done;
	ck->kept = kept;
	return pool_run(c->o->jobs, &w, err, errlen);
}

void
site_cards_keep(struct site_ctx *c)
{
	struct card_keep *ck = c->cards_keep;
	size_t n = c->m->nvideos;

	/*
	 * The store written again, beside the build, when it missed many
	 * cards (site_cache_rewrite: ~20 MB at 100 000 videos).  It is only
	 * ever a cache: what a build shows does not depend on whether, or
	 * when, it was written.
	 */
	if (ck != NULL && ck->key != 0 && ck->ntodo > 0 &&
	    site_cache_rewrite(ck->kept, ck->ntodo, n)) {
		ck->saving = 1;
		pool_bg_start(&ck->saver, save_task, ck);
	}
}

void
site_card_texts_free(struct site_ctx *c)
{
	struct card_keep *ck = c->cards_keep;
	size_t i;

	if (ck != NULL) {
		char err[POOL_ERR_MAX];

		/* the save reads the texts: it ends first */
		if (ck->saving && pool_bg_join(&ck->saver, err, sizeof(err)) == -1 &&
		    !c->o->quiet)
			site_warn(c, "%s (the next build formats every card)", err);
		card_store_free(&ck->store);
		/* after the pages: they read its bytes, and its write reads theirs */
		if (card_html_close(c->card_html, err, sizeof(err)) == -1 && !c->o->quiet)
			site_warn(c, "%s (STATE/card-html left as it was: the next build "
			    "renders the cards it lacks)", err);
		c->card_html = NULL;
		free(ck->in);
		free(ck->todo);
		free(ck);
		c->cards_keep = NULL;
	}
	/* after the save's join: it reads the keys and the entries */
	free(c->ventry);
	free(c->vcard);
	c->ventry = NULL;
	c->vcard = NULL;
	if (c->vtext_mem != NULL)
		for (i = 0; i < POOL_MAX_WORKERS; i++)
			arena_free(&c->vtext_mem[i]);
	free(c->vtext_mem);
	free(c->vtext);
	c->vtext_mem = NULL;
	c->vtext = NULL;
	site_card_imgs_free(c);
}

/*
 * The names every card holds, in card_fields()' order, then card()'s
 * "eager": the one list of them, which the lazy card lists also give the
 * templates as the names every item has (tmpl.h: always).
 */
static const char *const card_names[] = {
	"guid", "title", "url", "thumb", "srcset", "cardset", "poster", "preview", "duration",
	"duration_words", "date", "label", "access", "access_label", "access_icon", "locked",
	"length", "episode_label", "eager"
};
#define CARD_FIELDS	(sizeof(card_names) / sizeof(card_names[0]) - 1)
#define CARD_EAGER	card_names[CARD_FIELDS]

/* A card: everything the card partial shows about video i, into o. */
static int
card_fields(const struct site_ctx *c, size_t i, struct pd *o)
{
	const struct video *v = &c->m->videos[i];
	const struct card_text *t = &c->vtext[i];
	const struct card_img *im = site_card_img(c, i);
	enum access_level a = level(v);
	struct pd_kv kv[CARD_FIELDS];
	size_t n = 0;

	if (im == NULL)
		return -1;
	/* each field named by its place in card_names */
#define PUT(type, s, num)	(kv[n] = (struct pd_kv){ card_names[n], (type), (s), (num) }, n++)
#define STR(val)	PUT(PD_STR, (val), 0)
	STR(v->guid);
	STR(v->title);
	STR(t->url);
	STR(im->thumb);
	STR(im->srcset);
	STR(im->cardset);
	STR(im->poster);
	/* every card holds every name the card partial reads ("" or false
	 * for none), so that a name the page's data also has is still the
	 * card's, and its bytes can be kept (card_html.h) */
	STR(im->preview != NULL ? im->preview : "");
	STR(t->duration);
	STR(t->words);
	STR(t->date);
	STR(t->label);
	STR(access_level_name(a));
	STR(access_labels[a]);
	STR(access_icons[a]);
	PUT(PD_BOOL, NULL, a != ACCESS_PUBLIC);		/* locked */
	PUT(PD_NUM, NULL, (double)v->length);		/* length */
	STR(t->episode != NULL ? t->episode : "");	/* episode_label */
#undef STR
#undef PUT
	return n == CARD_FIELDS ? put_fields(o, kv, n) : -1;
}

/*
 * Card i into o, plus "eager".  Keying, a card's fields are mixed as the
 * key card_fields() gave them once per build (c->vcard): a watch page
 * shows a dozen cards, a list page 48.  Rendering too, the fields go into
 * the tree only.
 */
int
card(const struct site_ctx *c, size_t i, int eager, struct pd *o)
{
	if (o->h != NULL)
		page_reads_note(o->reads, i);	/* page_reads.h */
	if (o->j != NULL && c->vtext != NULL) {
		/*
		 * The card partial reads these strings a few microseconds from
		 * now, and they are the related videos', random in the model:
		 * their first lines are fetched meanwhile, not when the render
		 * stalls on them (at 10 000 videos the first byte of a card's
		 * {{title}} and {{url}} was 3 % of a first build's samples).
		 */
		const struct card_text *t = &c->vtext[i];

		__builtin_prefetch(c->m->videos[i].title);
		__builtin_prefetch(t->url);
		__builtin_prefetch(t->duration);
	}
	if (o->h != NULL && c->vcard != NULL) {
		struct pd tree_only = *o;

		pd_mix(o, "", PD_CARD);
		*o->h = h64_int(*o->h, (int64_t)c->vcard[i]);
		tree_only.h = NULL;
		if (o->j != NULL && card_fields(c, i, &tree_only) == -1)
			return -1;
	} else if (card_fields(c, i, o) == -1)
		return -1;
	return put_bool(o, CARD_EAGER, eager);
}

int
card_keys_mix(const struct site_ctx *c, const struct pd *o, const char *k, const size_t *list,
    size_t from, size_t to)
{
	size_t i, vid;
	uint64_t h;

	if (c->vcard == NULL)
		return 0;
	pd_mix(o, k, PD_CARDS);
	h = h64_str(h64_int(*o->h, c->html), c->m->site.base_url);
	for (i = from; i < to; i++) {
		vid = list != NULL ? list[i] : i;
		page_reads_note(o->reads, vid);
		h = h64_int(h, (int64_t)c->vcard[vid]);
	}
	*o->h = h64_int(h, (int64_t)(to - from));
	return 1;
}

/* Card i's key, as card() mixes it: 0, or -1 when its image URLs could not be made. */
static int
card_key(const struct site_ctx *c, size_t i, uint64_t *key)
{
	struct pd o;

	memset(&o, 0, sizeof(o));
	*key = 0x636172642d763200ULL;
	o.h = key;
	/* keying allocates no tree: only site_card_img() can fail */
	return card_fields(c, i, &o);
}

int
add_cards(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from, size_t to,
    int eager)
{
	struct pd o;
	size_t i;

	for (i = from; i < to; i++)
		if (push_obj(arr, &o) == -1 || card(c, list != NULL ? list[i] : i, eager, &o) == -1)
			return -1;
	return 0;
}

/*
 * A list page's cards, made while it renders (tmpl.h: struct tmpl_lazy),
 * each in the page arena's memory of the one before: a page of 10 000
 * cards was 190 000 nodes (~12 MB) made before its first byte, then
 * walked once (docs/benchmarks.md, issue 15).
 */
struct lazy_cards {
	struct tmpl_lazy	 lz;
	const struct site_ctx	*c;
	struct arena		*a;
	const size_t		*list;	/* NULL: the videos from.. themselves */
	size_t			 from;
	int			 eager;
	int			 marked;
	struct arena_mark	 mark;	/* where the first card was made */
};

/* Card i's tree named by its card key and whether it is eager (tmpl.h: key). */
static uint64_t
lazy_key(void *arg, size_t i)
{
	const struct lazy_cards *l = arg;
	uint64_t k = h64_int(l->c->vcard[l->list != NULL ? l->list[l->from + i] : l->from + i],
	    l->eager);

	return k != 0 ? k : 1;
}

static const cJSON *
lazy_card(void *arg, size_t i, int reuse)
{
	struct lazy_cards *l = arg;
	struct pd o;

	if (reuse && l->marked)
		arena_rewind(l->a, &l->mark);
	else if (reuse) {
		arena_mark(l->a, &l->mark);
		l->marked = 1;
	}
	if (pd_obj_new(&o, l->a) == -1 ||
	    card(l->c, l->list != NULL ? l->list[l->from + i] : l->from + i, l->eager, &o) == -1)
		return NULL;
	return o.j;
}

int
add_cards_lazy(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from,
    size_t to, int eager)
{
	struct lazy_cards *l;
	struct pd keyed = *arr;
	int run;

	/*
	 * Keyed as their run of card keys (card_keys_mix), as the list's
	 * JSON-LD is, whether or not the page renders: pushing each card to
	 * key it was ~50 ms of CPU for the 260 000 cards of a video added at
	 * 100 000 videos (docs/benchmarks.md, issue 15).  Without the keys
	 * (no card texts): keyed as pushed.
	 */
	run = arr->h != NULL && card_keys_mix(c, arr, "", list, from, to) == 1;
	if (run)
		*arr->h = h64_int(*arr->h, eager);
	if (arr->j == NULL)	/* keying only */
		return run ? 0 : add_cards(c, arr, list, from, to, eager);
	if (!run && arr->h != NULL) {
		keyed.j = NULL;
		keyed.a = NULL;
		if (add_cards(c, &keyed, list, from, to, eager) == -1)
			return -1;
	}
	if (arr->a == NULL) {
		/* a tree of cJSON's own: the cards pushed, keyed above */
		struct pd tree = *arr;
		int rc;

		tree.h = NULL;
		tree.reads = NULL;
		rc = add_cards(c, &tree, list, from, to, eager);
		arr->n = tree.n;
		return rc;
	}
	if ((l = arena_alloc(arr->a, sizeof(*l))) == NULL)
		return -1;
	l->lz.n = to - from;
	l->lz.item = lazy_card;
	l->lz.arg = l;
	l->c = c;
	l->a = arr->a;
	l->list = list;
	l->from = from;
	l->eager = eager;
	/* arena_alloc() zeroed the rest: no memo unless set here */
	if (c->vcard != NULL && c->card_html != NULL) {
		l->lz.key = lazy_key;
		l->lz.always = card_names;
		l->lz.nalways = sizeof(card_names) / sizeof(card_names[0]);
		l->lz.memo = card_html_memo(c->card_html);
	}
	return pd_arr_lazy(arr, &l->lz) == 1 ? 0 : -1;
}
