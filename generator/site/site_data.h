/*
 * site_data.h — the builders of a template page's data, one per page kind,
 * and the helpers they share.  Internal to generator/site: site_data.c
 * dispatches to them (site_page_data, site_data_key in site_int.h).
 *
 * Each writes page p's own fields into d through the site_pd.h writer,
 * so that one call renders, keys, or both; b is a scratch buffer for
 * formatted values.  All return 0, or -1 out of memory (or a value over
 * its buffer's cap).
 */
#ifndef ONLY_SITE_DATA_H
#define ONLY_SITE_DATA_H

#include "buf.h"
#include "site_int.h"
#include "site_pd.h"

/*
 * site_data.c.  colour_ok(): s is a CSS hex colour (#rgb, #rrggbb,
 * #rrggbbaa), 1 or 0.  nav_items(): the categories of the top navigation,
 * into arr; the one at index cur (a category page's own, or -1) has
 * "current".  page_meta(): the "page" object: document title, canonical
 * URL (rel_url NULL: none), description, image: video image_vid's
 * og:image with the width and height of the file (-1: no image).
 */
int	colour_ok(const char *s);
int	nav_items(const struct site_ctx *c, struct pd *arr, long cur, struct buf *b);
int	page_meta(const struct site_ctx *c, struct pd *d, const char *title, const char *rel_url,
	    const char *description, long image_vid, struct buf *b);

/*
 * Video i, noted as read by the page d keys (page_reads.h): how the page
 * builders reach a video (make lint refuses ->videos[ in site_data_*.c),
 * so that a rebuild can tell which pages read a video that changed.  A
 * card (site_cards.h) and page_meta()'s image video are noted the same
 * way.
 */
static inline const struct video *
page_video(const struct site_ctx *c, const struct pd *d, size_t i)
{
	if (d->h != NULL)
		page_reads_note(d->reads, i);
	return &c->m->videos[i];
}

/* Video i's card texts (its URL, duration, labels), noted the same way. */
static inline const struct card_text *
page_text(const struct site_ctx *c, const struct pd *d, size_t i)
{
	(void)page_video(c, d, i);
	return &c->vtext[i];
}

/* Video i's image URLs, noted the same way; NULL out of memory. */
static inline const struct card_img *
page_img(const struct site_ctx *c, const struct pd *d, size_t i)
{
	(void)page_video(c, d, i);
	return site_card_img(c, i);
}

/* site_data_home.c: the home page, /series/ and /tags/. */
int	data_home(const struct site_ctx *c, struct pd *d, struct buf *b);
int	data_series_index(const struct site_ctx *c, struct pd *d, struct buf *b);
int	data_tag_index(const struct site_ctx *c, struct pd *d, struct buf *b);

/* site_data_list.c: one page of a category, tag, New or Free list, or of
 * a series. */
int	data_list(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b);
int	data_series(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b);

/* site_data_watch.c: a video's watch page. */
int	data_watch(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b);

/* site_data_embed.c: a video's embeddable player page, /e/<guid>/. */
int	data_embed(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b);

#endif
