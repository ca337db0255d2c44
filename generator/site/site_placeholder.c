/*
 * site_placeholder.c — the shared placeholder stills a video without its
 * own image shows, published at /img/placeholder-v1-<size>.  Their bytes
 * are data compiled into bin/onlygen (placeholder_data.h: the committed
 * files of generator/site/placeholder/, drawn once by
 * tools/make-placeholder.c): nothing draws them at build time (libvips'
 * start and four encodes were 0.06-0.08 s of CPU and 26 MB in every first
 * build) and nothing reads them from STATE/img-cache.  See docs/site.md,
 * "Images".
 */
#include <stdio.h>

#include "img_size.h"
#include "placeholder_data.h"
#include "site_int.h"

const unsigned char *
site_placeholder_bytes(int variant, size_t *len)
{
	if (variant < 0 || variant >= IMG_NSTILLS) {
		*len = 0;
		return NULL;
	}
	*len = site_placeholder_files[variant].len;
	return site_placeholder_files[variant].data;
}

int
site_placeholder_size(struct site_ctx *c, char *err, size_t errlen)
{
	const unsigned char *p;
	size_t n, i;
	int w, h;

	p = site_placeholder_bytes(IMG_JPG1280, &n);
	if (p == NULL || jpeg_size(p, n, &w, &h) == -1) {
		/* tests/unit/test_site_placeholder.c makes sure it never is */
		snprintf(err, errlen, "the placeholder JPEG compiled into onlygen is not one "
		    "(generator/site/placeholder/)");
		return -1;
	}
	for (i = 0; i < c->m->nvideos; i++)
		if (!site_image_own(c, i, IMG_JPG1280)) {
			c->vimg[i].og_w = (uint16_t)w;
			c->vimg[i].og_h = (uint16_t)h;
		}
	return 0;
}
