/*
 * site_card_img.c — a video's image URLs (struct card_img, site_int.h),
 * formatted the first time a build asks for them and kept for the rest of
 * it.
 *
 * They are a function of the video's guid, its mirrored images' state
 * (c->vimg: cache key, still, preview) and the site's base URL, all known
 * before any page is keyed.  A card shows three of them, a series card
 * three, a watch page, its feed entry and its sitemap entry the absolute
 * JPEG.  Kept in STATE/card-texts they were more than half of it (~280
 * bytes of a card's ~490, ~600 of ~880 with every image mirrored), read
 * and checksummed at every build for the few thousand cards a one-title
 * rebuild shows (docs/benchmarks.md, issue 15).  Formatted on demand, a
 * build pays for those it renders: all of them once in a full build, as
 * before, a few thousand in an incremental one.
 *
 * The render workers ask concurrently.  Each video's slot is an atomic
 * pointer: a miss formats into the caller's own buffer, copies into the
 * shared arena (arena_shared.h: a lock over the bump only) and publishes
 * the block; a caller that finds it published reads it without a lock.
 * Two workers missing the same video at once format it twice and the
 * second takes the first's (the same bytes; its copy stays unused in the
 * arena), so every caller of a build sees one pointer.  The videos with
 * neither a mirrored still nor a preview share one slot: their URLs are
 * the placeholder's.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena_shared.h"
#include "buf.h"
#include "site_int.h"

struct card_imgs {
	struct arena_shared		 *mem;	/* the blocks: a card_img and its strings */
	_Atomic(const struct card_img *) *of;	/* per video: its block, or NULL */
	_Atomic(const struct card_img *)  shared;	/* the placeholder's block: every
						 * video with neither still nor preview */
	size_t				  n;
};

/* One image URL can hold the base URL: the block's bound is the buf's. */
#define CARD_IMG_MAX	((size_t)1 << 20)

int
site_card_imgs_init(struct site_ctx *c)
{
	struct card_imgs *ci;
	size_t i, n = c->m->nvideos;

	if ((ci = calloc(1, sizeof(*ci))) == NULL)
		return -1;
	if ((ci->of = malloc((n ? n : 1) * sizeof(*ci->of))) == NULL ||
	    (ci->mem = arena_shared_new()) == NULL) {
		free(ci->of);
		free(ci);
		return -1;
	}
	for (i = 0; i < n; i++)
		atomic_init(&ci->of[i], NULL);
	atomic_init(&ci->shared, NULL);
	ci->n = n;
	c->vimgs = ci;
	return 0;
}

void
site_card_imgs_free(struct site_ctx *c)
{
	struct card_imgs *ci = c->vimgs;

	if (ci == NULL)
		return;
	arena_shared_delete(ci->mem);
	free(ci->of);
	free(ci);
	c->vimgs = NULL;
}

enum { I_THUMB, I_SRCSET, I_CARDSET, I_POSTER, I_PREVIEW, I_IMAGE, I_N };

/*
 * Video i's six URLs into b, each NUL-terminated, their offsets into off.
 * The three WebP URLs are formatted once each and copied into the
 * srcsets, thumb and poster that repeat them.  0, or -1 past b's bound.
 */
static int
format(const struct site_ctx *c, size_t i, struct buf *b, size_t off[I_N])
{
	size_t u320, u640, u1280, n320, n640, n1280;

	u320 = b->len;
	if (site_image_url(c, i, IMG_W320, b) == -1)
		return -1;
	n320 = b->len - u320;
	u640 = b->len;
	if (site_image_url(c, i, IMG_W640, b) == -1)
		return -1;
	n640 = b->len - u640;
	u1280 = b->len;
	if (site_image_url(c, i, IMG_W1280, b) == -1)
		return -1;
	n1280 = b->len - u1280;
	/*
	 * The strings made of those pieces are copied from b into b: room
	 * for all of them first, so that no append moves b->data under the
	 * copy (thumb, two srcsets, poster: at most three of each piece and
	 * their separators).
	 */
	if (buf_reserve(b, 3 * (n320 + n640 + n1280) + 64) == -1)
		return -1;
	off[I_THUMB] = b->len;
	if (buf_put(b, b->data + u320, n320) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[I_SRCSET] = b->len;
	if (buf_put(b, b->data + u320, n320) == -1 || BUF_PUTSL(b, " 320w, ") == -1 ||
	    buf_put(b, b->data + u640, n640) == -1 || BUF_PUTSL(b, " 640w, ") == -1 ||
	    buf_put(b, b->data + u1280, n1280) == -1 || BUF_PUTSL(b, " 1280w") == -1 ||
	    buf_putc(b, '\0') == -1)
		return -1;
	off[I_CARDSET] = b->len;
	/* a card is at most ~410 CSS px wide (16vw of a 2560 px screen): 640 is enough */
	if (buf_put(b, b->data + u320, n320) == -1 || BUF_PUTSL(b, " 320w,") == -1 ||
	    buf_put(b, b->data + u640, n640) == -1 || BUF_PUTSL(b, " 640w") == -1 ||
	    buf_putc(b, '\0') == -1)
		return -1;
	off[I_POSTER] = b->len;
	if (buf_put(b, b->data + u1280, n1280) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	/* from here on nothing is copied from b */
	off[I_PREVIEW] = b->len;
	if ((site_image_own(c, i, IMG_PREVIEW) && site_image_url(c, i, IMG_PREVIEW, b) == -1) ||
	    buf_putc(b, '\0') == -1)
		return -1;
	off[I_IMAGE] = b->len;
	if (buf_puts(b, c->m->site.base_url) == -1 ||
	    site_image_url(c, i, IMG_JPG1280, b) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	return 0;
}

/* Video i's block, formatted into b and copied into the arena; NULL out of memory. */
static const struct card_img *
make(const struct site_ctx *c, struct card_imgs *ci, size_t i, struct buf *b)
{
	struct card_img *img;
	size_t off[I_N], from;
	char *s;

	if (format(c, i, b, off) == -1)
		return NULL;
	/* only the strings are kept, not the pieces before them */
	from = off[I_THUMB];
	if ((img = arena_shared_take(ci->mem, sizeof(*img) + (b->len - from))) == NULL)
		return NULL;
	s = memcpy((char *)(img + 1), b->data + from, b->len - from);
	img->thumb = s + (off[I_THUMB] - from);
	img->srcset = s + (off[I_SRCSET] - from);
	img->cardset = s + (off[I_CARDSET] - from);
	img->poster = s + (off[I_POSTER] - from);
	img->preview = s[off[I_PREVIEW] - from] ? s + (off[I_PREVIEW] - from) : NULL;
	img->image = s + (off[I_IMAGE] - from);
	return img;
}

/*
 * 1 when video i has a file of its own (site_image_own).  Without one,
 * each of its URLs is the placeholder's, whatever the video: one block
 * serves them all, not 100 000 copies of the same ~300 bytes.
 */
static int
own_any(const struct site_ctx *c, size_t i)
{
	int no;

	for (no = 0; no < IMG_NVARIANTS; no++)
		if (site_image_own(c, i, no))
			return 1;
	return 0;
}

const struct card_img *
site_card_img(const struct site_ctx *c, size_t i)
{
	struct card_imgs *ci = c->vimgs;
	_Atomic(const struct card_img *) *slot;
	const struct card_img *img, *first = NULL;
	struct buf b;

	if (ci == NULL || i >= ci->n)
		return NULL;
	slot = own_any(c, i) ? &ci->of[i] : &ci->shared;
	if ((img = atomic_load_explicit(slot, memory_order_acquire)) != NULL)
		return img;
	buf_init(&b, CARD_IMG_MAX);
	/* one allocation, not the doublings from 64 bytes up: ~2 kB with every image mirrored */
	img = buf_reserve(&b, 2048 + 2 * strlen(c->m->site.base_url)) == -1 ? NULL :
	    make(c, ci, i, &b);
	buf_free(&b);
	if (img == NULL)
		return NULL;
	/* a worker that published first wins: every caller sees one block */
	if (!atomic_compare_exchange_strong_explicit(slot, &first, img,
	    memory_order_acq_rel, memory_order_acquire))
		return first;
	return img;
}
