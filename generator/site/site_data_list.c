/*
 * site_data_list.c — the data of the paged lists: a category, a tag, New
 * and Free (data_list), and a series' episodes by season (data_series),
 * each with its pager; the pages cut as list_pages.h says.
 */
#include <stddef.h>

#include "site_cards.h"
#include "site_data.h"
#include "site_jsonld.h"

#define PAGER_WINDOW	3	/* page links either side of the current one */

static int
pager(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	size_t n = site_list_pages(c, p), k, lo, hi;
	struct pd pg, pages, o;

	if (n <= 1)
		return 0;
	if (put_obj(d, "pager", &pg) == -1 || put_arr(&pg, "pages", &pages) == -1 ||
	    put_num(&pg, "at", p->no) == -1 || put_num(&pg, "total", (double)n) == -1)
		return -1;
	if (p->no > 1 && PUT_FMT(&pg, "prev", b, site_list_url(c, b, p->kind, p->idx,
	    (int)p->no - 1)) == -1)
		return -1;
	if (p->no < n && PUT_FMT(&pg, "next", b, site_list_url(c, b, p->kind, p->idx,
	    (int)p->no + 1)) == -1)
		return -1;
	lo = p->no > PAGER_WINDOW ? p->no - PAGER_WINDOW : 1;
	hi = p->no + PAGER_WINDOW < n ? p->no + PAGER_WINDOW : n;
	for (k = 1; k <= n; k++) {
		if (k != 1 && k != n && (k < lo || k > hi)) {
			if ((k == lo - 1 || k == hi + 1) &&
			    (push_obj(&pages, &o) == -1 || put_bool(&o, "gap", 1) == -1))
				return -1;
			continue;
		}
		if (push_obj(&pages, &o) == -1 ||
		    put_num(&o, "n", (double)k) == -1 ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, p->kind, p->idx, (int)k)) == -1 ||
		    (k == p->no && put_bool(&o, "here", 1) == -1))
			return -1;
	}
	return 0;
}

int
data_list(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct model *m = c->m;
	const size_t *vid;
	size_t lo, hi, from, to, n;
	const char *name, *desc = "", *kind;
	struct pd cards, nav;
	struct buf t, u;

	switch (p->kind) {
	case PK_CATEGORY:
		lo = c->cat_off[p->idx], hi = c->cat_off[p->idx + 1], vid = c->cat_vid;
		name = m->categories[p->idx].name;
		desc = m->categories[p->idx].description;
		kind = "Category";
		break;
	case PK_TAG:
		lo = c->tag_off[p->idx], hi = c->tag_off[p->idx + 1], vid = c->tag_vid;
		name = m->tags[p->idx].name[0] ? m->tags[p->idx].name : m->tags[p->idx].slug;
		kind = "Tag";
		break;
	case PK_NEW:
		lo = 0, hi = m->nvideos, vid = NULL;
		name = "New";
		desc = "Every video, newest first.";
		kind = "Latest";
		break;
	default:	/* PK_FREE */
		lo = 0, hi = c->nfree, vid = c->free_vid;
		name = "Free to watch";
		desc = "Videos anyone can watch, no code needed.";
		kind = "Free";
		break;
	}
	site_list_slice(c, p, &from, &to);
	from += lo;
	to += lo;
	n = hi - lo;
	buf_init(&t, 1 << 16);
	buf_init(&u, 4096);
	if ((p->no > 1 ? buf_printf(&t, "%s (page %u)", name, p->no) : buf_puts(&t, name)) == -1 ||
	    site_list_url(c, &u, p->kind, p->idx, (int)p->no) == -1 ||
	    page_meta(c, d, t.data, u.data, desc, -1, b) == -1) {
		buf_free(&t);
		buf_free(&u);
		return -1;
	}
	buf_free(&t);
	buf_free(&u);
	if (put_str(d, "name", name) == -1 ||
	    put_str(d, "kind", kind) == -1 ||
	    put_str(d, "description", desc) == -1 ||
	    /* on the first page only: the others stay as they were when a
	     * video joins the list (list_pages.h) */
	    (p->no == 1 && put_num(d, "count", (double)n) == -1) ||
	    (p->kind == PK_CATEGORY && colour_ok(m->categories[p->idx].colour) &&
	    put_str(d, "colour", m->categories[p->idx].colour) == -1) ||
	    (p->kind == PK_CATEGORY && (put_arr(d, "nav", &nav) == -1 ||
	    nav_items(c, &nav, (long)p->idx, b) == -1)) ||
	    put_arr(d, "cards", &cards) == -1 ||
	    pager(c, d, p, b) == -1)
		return -1;
	if (put_itemlist(c, d, vid, from, to, b) == -1)
		return -1;
	return add_cards_lazy(c, &cards, vid, from, to, 0);
}

/*
 * A series page: artwork (its first episode's picture), description, a
 * "Play S1E1" link (site.js makes it "Resume SxEy" from the device's
 * progress), then its seasons with their episodes, page_size a page.
 */
int
data_series(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct model *m = c->m;
	const struct series *s = &m->series[p->idx];
	size_t i, from, to, all;
	struct pd seasons, season, eps, o, art;
	int cur = -1, open = 0;
	struct buf u, t;

	all = c->ser_off[p->idx + 1] - c->ser_off[p->idx];
	site_list_slice(c, p, &from, &to);
	from += c->ser_off[p->idx];
	to += c->ser_off[p->idx];
	buf_init(&u, 4096);
	buf_init(&t, 1 << 16);
	if (site_list_url(c, &u, PK_SERIES, p->idx, (int)p->no) == -1 ||
	    (p->no > 1 ? buf_printf(&t, "%s (page %u)", s->title[0] ? s->title : s->slug, p->no) :
	    buf_puts(&t, s->title[0] ? s->title : s->slug)) == -1 ||
	    page_meta(c, d, t.data, u.data, s->description,
	    all > 0 ? (long)c->ser_vid[c->ser_off[p->idx]] : -1, b) == -1) {
		buf_free(&u);
		buf_free(&t);
		return -1;
	}
	buf_free(&u);
	buf_free(&t);
	if (pager(c, d, p, b) == -1)
		return -1;
	if (put_itemlist(c, d, c->ser_vid, from, to, b) == -1)
		return -1;
	if (put_str(d, "name", s->title[0] ? s->title : s->slug) == -1 ||
	    put_str(d, "description", s->description) == -1 ||
	    put_num(d, "count", (double)all) == -1 ||
	    PUT_FMT(d, "count_label", b, buf_printf(b, "%zu episode%s", all,
	    all == 1 ? "" : "s")) == -1)
		return -1;
	if (all > 0) {
		size_t first = c->ser_vid[c->ser_off[p->idx]];
		const struct video *v = page_video(c, d, first);
		const struct card_text *ft = page_text(c, d, first);
		const struct card_img *fi = page_img(c, d, first);

		if (fi == NULL || put_obj(d, "art", &art) == -1 ||
		    put_ref(&art, "poster", fi->poster) == -1 ||
		    put_ref(&art, "srcset", fi->srcset) == -1 ||
		    put_ref(&art, "url", ft->url) == -1 ||
		    PUT_FMT(&art, "code", b, buf_printf(b, "S%dE%d", v->season, v->episode)) == -1)
			return -1;
	}
	if (put_arr(d, "seasons", &seasons) == -1)
		return -1;
	for (i = from; i < to; i++) {
		const struct video *v = page_video(c, d, c->ser_vid[i]);

		if (!open || v->season != cur) {
			cur = v->season;
			open = 1;
			if (push_obj(&seasons, &season) == -1)
				return -1;
			buf_reset(b);
			if (buf_printf(b, "Season %d", cur) == -1 ||
			    put_str(&season, "label", b->data) == -1 ||
			    put_num(&season, "season", cur) == -1 ||
			    put_arr(&season, "cards", &eps) == -1)
				return -1;
		}
		if (push_obj(&eps, &o) == -1 || card(c, c->ser_vid[i], 0, &o) == -1 ||
		    put_num(&o, "episode", v->episode) == -1 ||
		    PUT_FMT(&o, "code", b, buf_printf(b, "S%dE%d", v->season, v->episode)) == -1 ||
		    put_ref(&o, "synopsis", v->description) == -1)
			return -1;
	}
	return 0;
}
