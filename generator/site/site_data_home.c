/*
 * site_data_home.c — the data of the home page (the hero, then its rows)
 * and of the two index pages, /series/ and /tags/; series cards are shared
 * by the home page's Series row and /series/.
 */
#include <stddef.h>

#include "site_cards.h"
#include "site_data.h"
#include "site_jsonld.h"

/*
 * Up to HOME_ROW_MAX cards of list[from, to) (list NULL: the videos
 * themselves, newest first) into arr, leaving out video skip (the hero);
 * each shown video is added to shown (the page's ItemList).
 */
static int
row_cards(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from, size_t to,
    long skip, int eager, struct vlist *shown)
{
	struct pd o;
	size_t i, v, n = 0;

	for (i = from; i < to && n < HOME_ROW_MAX; i++) {
		v = list != NULL ? list[i] : i;
		if ((long)v == skip)
			continue;
		if (push_obj(arr, &o) == -1 || card(c, v, eager, &o) == -1 ||
		    vl_add(shown, v) == -1)
			return -1;
		n++;
	}
	return 0;
}

/* A home row's head: id, title, "See all" target (list kind/idx) and count. */
static int
row_head(const struct site_ctx *c, struct pd *row, const char *id, const char *title,
    int kind, size_t idx, size_t count, const char *unit, struct buf *b)
{
	return ((id != NULL && put_str(row, "id", id) == -1) ||
	    put_str(row, "title", title) == -1 ||
	    put_num(row, "count", (double)count) == -1 ||
	    PUT_FMT(row, "count_label", b, buf_printf(b, "%zu %s", count, unit)) == -1 ||
	    PUT_FMT(row, "url", b, site_list_url(c, b, kind, idx, 1)) == -1) ? -1 : 0;
}

/*
 * A series as a card: its first episode's picture, title, description,
 * episode count and URL.  Series without episodes are never shown.
 */
static int
series_card(const struct site_ctx *c, size_t s, struct pd *o, struct buf *b)
{
	const struct series *se = &c->m->series[s];
	size_t n = c->ser_off[s + 1] - c->ser_off[s];
	const struct card_img *t = page_img(c, o, c->ser_vid[c->ser_off[s]]);

	return (t == NULL ||
	    put_str(o, "title", se->title[0] ? se->title : se->slug) == -1 ||
	    put_str(o, "description", se->description) == -1 ||
	    put_num(o, "count", (double)n) == -1 ||
	    PUT_FMT(o, "count_label", b, buf_printf(b, "%zu episode%s", n, n == 1 ? "" : "s")) == -1 ||
	    PUT_FMT(o, "url", b, site_list_url(c, b, PK_SERIES, s, 1)) == -1 ||
	    put_ref(o, "thumb", t->thumb) == -1 ||
	    put_ref(o, "srcset", t->srcset) == -1 ||
	    put_ref(o, "poster", t->poster) == -1) ? -1 : 0;
}

/* Up to max series with episodes, as cards, into arr. */
static int
series_cards(const struct site_ctx *c, struct pd *arr, size_t max, struct buf *b)
{
	struct pd o;
	size_t s, n = 0;

	for (s = 0; s < c->m->nseries && n < max; s++) {
		if (c->ser_off[s + 1] == c->ser_off[s])
			continue;
		if (push_obj(arr, &o) == -1 || series_card(c, s, &o, b) == -1)
			return -1;
		n++;
	}
	return 0;
}

static size_t
series_with_episodes(const struct site_ctx *c)
{
	size_t s, n = 0;

	for (s = 0; s < c->m->nseries; s++)
		n += c->ser_off[s + 1] != c->ser_off[s];
	return n;
}

/*
 * The home page: the hero, then New, Free to watch, Series and one row per
 * category (the "Continue watching" row is the device's, drawn by site.js).
 * No row repeats the hero.  shown: the videos, hero first, each once.
 */
static int
home_fields(const struct site_ctx *c, struct pd *d, struct buf *b, struct vlist *shown)
{
	const struct model *m = c->m;
	struct pd rows, row, cards, hero;
	size_t i, from, to, nser;
	int eager = 1;

	if (page_meta(c, d, NULL, "/", NULL, -1, b) == -1)
		return -1;
	if (c->hero >= 0) {
		const struct video *v = page_video(c, d, (size_t)c->hero);

		if (put_obj(d, "hero", &hero) == -1 || card(c, (size_t)c->hero, 1, &hero) == -1 ||
		    put_str(&hero, "description", v->description) == -1 ||
		    put_str(&hero, "cta", level(v) == ACCESS_PUBLIC ? "Play" : "Unlock") == -1 ||
		    vl_add(shown, (size_t)c->hero) == -1)
			return -1;
	}
	if (put_arr(d, "rows", &rows) == -1)
		return -1;
	if (m->nvideos > (c->hero >= 0 ? 1u : 0u)) {
		if (push_obj(&rows, &row) == -1 ||
		    row_head(c, &row, "home-new", "New", PK_NEW, 0, m->nvideos, "videos", b) == -1 ||
		    put_arr(&row, "cards", &cards) == -1 ||
		    row_cards(c, &cards, NULL, 0, m->nvideos, c->hero, eager, shown) == -1)
			return -1;
		eager = 0;
	}
	if (c->nfree > 0 && !(c->nfree == 1 && c->free_vid[0] == (size_t)c->hero)) {
		if (push_obj(&rows, &row) == -1 ||
		    row_head(c, &row, "home-free", "Free to watch", PK_FREE, 0, c->nfree, "videos",
		    b) == -1 ||
		    put_arr(&row, "cards", &cards) == -1 ||
		    row_cards(c, &cards, c->free_vid, 0, c->nfree, c->hero, eager, shown) == -1)
			return -1;
		eager = 0;
	}
	if ((nser = series_with_episodes(c)) > 0) {
		if (push_obj(&rows, &row) == -1 ||
		    row_head(c, &row, "home-series", "Series", PK_SERIES_INDEX, 0, nser, "series",
		    b) == -1 ||
		    put_arr(&row, "series_cards", &cards) == -1 ||
		    series_cards(c, &cards, HOME_ROW_MAX, b) == -1)
			return -1;
	}
	for (i = 0; i < m->ncategories; i++) {
		from = c->cat_off[i];
		to = c->cat_off[i + 1];
		if (to == from || (to - from == 1 && c->cat_vid[from] == (size_t)c->hero))
			continue;
		if (push_obj(&rows, &row) == -1)
			return -1;
		buf_reset(b);
		if (buf_printf(b, "row-%s", m->categories[i].slug) == -1 ||
		    put_str(&row, "id", b->data) == -1 ||
		    put_str(&row, "icon", m->categories[i].icon) == -1 ||
		    row_head(c, &row, NULL, m->categories[i].name, PK_CATEGORY, i, to - from,
		    "videos", b) == -1 ||
		    put_arr(&row, "cards", &cards) == -1 ||
		    row_cards(c, &cards, c->cat_vid, from, to, c->hero, eager, shown) == -1)
			return -1;
		eager = 0;
	}
	return 0;
}

/* The home page, and the ItemList of the videos it shows. */
int
data_home(const struct site_ctx *c, struct pd *d, struct buf *b)
{
	struct vlist shown = { 0 };
	int rc;

	rc = home_fields(c, d, b, &shown);
	if (rc == 0) {
		buf_reset(b);
		rc = (jsonld_itemlist(c, d, shown.v, 0, shown.n, b) == -1 ||
		    put_str(d, "jsonld", b->data) == -1) ? -1 : 0;
	}
	vl_free(&shown);
	return rc;
}

/* /series/: every series with episodes, as cards. */
int
data_series_index(const struct site_ctx *c, struct pd *d, struct buf *b)
{
	struct pd arr;
	struct buf u;
	size_t n = series_with_episodes(c);

	buf_init(&u, 4096);
	if (site_list_url(c, &u, PK_SERIES_INDEX, 0, 1) == -1 ||
	    page_meta(c, d, "Series", u.data, NULL, -1, b) == -1) {
		buf_free(&u);
		return -1;
	}
	buf_free(&u);
	return (put_num(d, "count", (double)n) == -1 ||
	    put_arr(d, "series", &arr) == -1 ||
	    series_cards(c, &arr, n, b) == -1) ? -1 : 0;
}

/* /tags/: every tag with videos, its name, count and URL. */
int
data_tag_index(const struct site_ctx *c, struct pd *d, struct buf *b)
{
	const struct model *m = c->m;
	struct pd arr, o;
	struct buf u;
	size_t i, n;

	buf_init(&u, 4096);
	if (site_list_url(c, &u, PK_TAG_INDEX, 0, 1) == -1 ||
	    page_meta(c, d, "Tags", u.data, NULL, -1, b) == -1) {
		buf_free(&u);
		return -1;
	}
	buf_free(&u);
	if (put_arr(d, "tags", &arr) == -1)
		return -1;
	for (i = 0; i < m->ntags; i++) {
		if ((n = c->tag_off[i + 1] - c->tag_off[i]) == 0)
			continue;
		if (push_obj(&arr, &o) == -1 ||
		    put_str(&o, "name", m->tags[i].name[0] ? m->tags[i].name : m->tags[i].slug) == -1 ||
		    put_num(&o, "count", (double)n) == -1 ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, PK_TAG, i, 1)) == -1)
			return -1;
	}
	return 0;
}
