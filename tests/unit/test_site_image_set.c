/*
 * test_site_image_set.c — the mirrored images' pages as the image set
 * lists them (generator/site/site_image_set.c: site_image_set_pages):
 * every variant a video owns and no other, in video then variant order,
 * each path "img/<guid>/<key><suffix>" (site_image_path(), which
 * site_image_url() puts its '/' before: test_site_card_img holds those
 * URLs), and a callback's failure stops the walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "img_vips.h"
#include "model.h"
#include "site_int.h"

#define NV	600

struct seen {
	const struct site_ctx	*c;
	size_t			 n, wrong, order, stop_at;
	size_t			 last;	/* vid * IMG_NVARIANTS + variant of the last one */
	struct buf		 u;
};

static int
look(void *arg, size_t vid, int variant, const char *path)
{
	struct seen *s = arg;
	size_t at = vid * IMG_NVARIANTS + (size_t)variant;

	buf_reset(&s->u);
	if (!site_image_own(s->c, vid, variant) ||
	    buf_printf(&s->u, "img/%s/%s%s", s->c->m->videos[vid].guid, s->c->vimg[vid].key,
	    img_suffix(variant)) == -1 || strcmp(s->u.data, path) != 0)
		s->wrong++;
	if (s->n > 0 && at <= s->last)
		s->order++;
	s->last = at;
	return ++s->n == s->stop_at ? -1 : 0;
}

int
main(void)
{
	static struct video v[NV];
	static struct video_img im[NV];
	struct model m;
	struct site_ctx c;
	struct seen s;
	size_t i, owned = 0;
	int no;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	for (i = 0; i < NV; i++) {
		snprintf(v[i].guid, sizeof(v[i].guid), "%08zx-9b8d-4c7e-a5f4-1d2e3c4b5a69", i);
		snprintf(im[i].key, sizeof(im[i].key), "%016zx", i * 104729);
		im[i].still = i % 3 != 2;	/* every third: the placeholder */
		im[i].preview = i % 4 == 0;	/* some with a preview, one without stills */
	}
	m.videos = v;
	m.nvideos = NV;
	c.m = &m;
	c.vimg = im;
	for (i = 0; i < NV; i++)
		for (no = 0; no < IMG_NVARIANTS; no++)
			owned += site_image_own(&c, i, no) != 0;

	memset(&s, 0, sizeof(s));
	s.c = &c;
	buf_init(&s.u, 4096);
	CHECK(site_image_set_pages(&c, look, &s) == 0, "the walk ends well");
	CHECK(s.n == owned && owned > 0 && owned < (size_t)NV * IMG_NVARIANTS,
	    "every variant a video owns, and none other (%zu of %zu)", s.n, owned);
	CHECK(s.wrong == 0, "each path img/<guid>/<key><suffix> (%zu differ)", s.wrong);
	CHECK(s.order == 0, "in video, then variant order");
	buf_free(&s.u);

	memset(&s, 0, sizeof(s));
	s.c = &c;
	s.stop_at = 7;
	buf_init(&s.u, 4096);
	CHECK(site_image_set_pages(&c, look, &s) == -1 && s.n == 7,
	    "a callback's failure stops the walk there (%zu called)", s.n);
	buf_free(&s.u);
	return check_report();
}
