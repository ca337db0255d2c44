/*
 * site_jsonld.h — the schema.org structured data of the pages (JSON-LD):
 * a watch page's VideoObject (embedUrl, chapters as Clip parts, views,
 * the paywall) and BreadcrumbList, and the ItemList of a page of cards
 * (home, category, tag, New, Free, series).  Internal to generator/site.
 *
 * Every string goes through esc_json, which also escapes < > & U+2028 and
 * U+2029: the text is safe raw inside <script type="application/ld+json">
 * (no "</script>", no "<!--").  Each function appends to out and returns
 * 0, or -1 when out is full.
 */
#ifndef ONLY_SITE_JSONLD_H
#define ONLY_SITE_JSONLD_H

#include <stddef.h>

#include "buf.h"
#include "site_int.h"

/* A page's videos in the order it shows them, each once (the home page's
 * rows repeat videos).  vl_add() returns 0, or -1 out of memory. */
struct vlist {
	size_t	*v;
	size_t	 n, cap;
};
int	vl_add(struct vlist *l, size_t vid);
void	vl_free(struct vlist *l);

/*
 * Each reads its videos through page_video()/page_text() for the page d
 * (site_data.h: noted while the page is keyed, page_reads.h).
 */
struct pd;
/* Video vid's VideoObject. */
int	jsonld_video(const struct site_ctx *c, const struct pd *d, size_t vid, struct buf *out);
/* Home > its series (or else its first category) > the video. */
int	jsonld_breadcrumbs(const struct site_ctx *c, const struct pd *d, size_t vid,
	    struct buf *out);
/* An ItemList of the videos list[from..to) (list NULL: the videos
 * themselves): ListItem position (from 1, in that order) + url. */
int	jsonld_itemlist(const struct site_ctx *c, const struct pd *d, const size_t *list,
	    size_t from, size_t to, struct buf *out);
/*
 * The same put into d as "jsonld" (b: scratch), keyed by its items' card
 * keys (card_keys_mix), not its bytes: a list page of 10 000 cards was
 * keyed by formatting its ~1 MB ItemList (0.4 G instructions in the
 * keying of a rebuild that adds a video at 100 000; issue 15).  0 or -1.
 */
int	put_itemlist(const struct site_ctx *c, struct pd *d, const size_t *list, size_t from,
	    size_t to, struct buf *b);

#endif
