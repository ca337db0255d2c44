/*
 * test_site_card_img.c — a video's image URLs (generator/site/site_card_img.c):
 * each of the six strings exactly, for a mirrored still with and without
 * its animated preview and for the placeholder, under a base URL long
 * enough that formatting moves its buffer more than once; the same block
 * for every caller, one for all the videos showing the placeholder, from two threads asking for every video at once; none
 * past the videos or without the table.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model.h"
#include "site_int.h"

#define NV	2000

struct asker {
	const struct site_ctx	*c;
	const struct card_img	*got[NV];
	int			 missing;
};

static void *
ask_all(void *arg)
{
	struct asker *a = arg;
	size_t i;

	for (i = 0; i < NV; i++)
		if ((a->got[i] = site_card_img(a->c, i)) == NULL)
			a->missing++;
	return NULL;
}

int
main(void)
{
	static struct video v[NV];
	static struct video_img im[NV];
	static struct asker a1, a2;
	struct model m;
	struct site_ctx c;
	const struct card_img *ci;
	char base[400], want[1200];
	const char *g0 = "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69";
	pthread_t t1, t2;
	size_t i, same = 0;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	/* past the buffer's first sizes: a long base URL (the image's prefix) */
	snprintf(base, sizeof(base), "https://%0300d.example.test", 0);
	for (i = 0; i < NV; i++) {
		snprintf(v[i].guid, sizeof(v[i].guid), "%08zx-9b8d-4c7e-a5f4-1d2e3c4b5a69", i);
		snprintf(im[i].key, sizeof(im[i].key), "%016zx", i * 7919);
		im[i].still = i % 3 != 2;	/* every third: the placeholder */
		im[i].preview = i % 3 == 0;
	}
	im[8].preview = 1;	/* a preview without stills */
	snprintf(v[0].guid, sizeof(v[0].guid), "%s", g0);
	snprintf(im[0].key, sizeof(im[0].key), "%s", "0123456789abcdef");
	m.site.base_url = base;
	m.videos = v;
	m.nvideos = NV;
	c.m = &m;
	c.vimg = im;

	CHECK(site_card_img(&c, 0) == NULL, "no table: no URLs (NULL, not a crash)");
	CHECK(site_card_imgs_init(&c) == 0 && c.vimgs != NULL, "the table is made");

	ci = site_card_img(&c, 0);
	CHECK(ci != NULL, "a mirrored still with its preview: formatted");
	if (ci != NULL) {
		CHECK_STR(ci->thumb, "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-320.webp",
		    "thumb: the 320 WebP");
		CHECK_STR(ci->srcset,
		    "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-320.webp 320w, "
		    "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-640.webp 640w, "
		    "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-1280.webp 1280w",
		    "srcset: the three WebP sizes");
		CHECK_STR(ci->cardset,
		    "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-320.webp 320w,"
		    "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-640.webp 640w",
		    "cardset: 320 and 640");
		CHECK_STR(ci->poster, "/img/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-1280.webp",
		    "poster: the 1280 WebP");
		CHECK(ci->preview != NULL && strstr(ci->preview, "/img/3f6c2a1e-9b8d-4c7e-a5f4-"
		    "1d2e3c4b5a69/0123456789abcdef-") == ci->preview, "preview: its own file (%s)",
		    ci->preview ? ci->preview : "none");
		snprintf(want, sizeof(want), "%s/img/%s/0123456789abcdef-1280.jpg", base, g0);
		CHECK_STR(ci->image, want, "image: the absolute 1280 JPEG, under the long base URL");
	}
	ci = site_card_img(&c, 1);
	CHECK(ci != NULL && ci->preview == NULL, "a still without a preview: no preview");
	ci = site_card_img(&c, 2);
	CHECK(ci != NULL, "the placeholder: formatted");
	if (ci != NULL) {
		CHECK_STR(ci->thumb, "/img/placeholder-v1-320.webp", "placeholder thumb");
		CHECK_STR(ci->srcset, "/img/placeholder-v1-320.webp 320w, /img/placeholder-v1-640.webp "
		    "640w, /img/placeholder-v1-1280.webp 1280w", "placeholder srcset");
		CHECK_STR(ci->cardset, "/img/placeholder-v1-320.webp 320w,/img/placeholder-v1-640.webp 640w",
		    "placeholder cardset");
		CHECK_STR(ci->poster, "/img/placeholder-v1-1280.webp", "placeholder poster");
		CHECK(ci->preview == NULL, "placeholder: no preview");
		snprintf(want, sizeof(want), "%s/img/placeholder-v1-1280.jpg", base);
		CHECK_STR(ci->image, want, "placeholder image: absolute");
	}
	CHECK(site_card_img(&c, 0) == site_card_img(&c, 0), "asked again: the same block");
	CHECK(site_card_img(&c, 2) == site_card_img(&c, 5) && site_card_img(&c, 1) != site_card_img(&c, 4),
	    "the placeholder's URLs: one block for every video without images; a still's: its own");
	ci = site_card_img(&c, 8);
	snprintf(want, sizeof(want), "/img/%s/%016zx-", v[8].guid, (size_t)8 * 7919);
	CHECK(ci != NULL && ci != site_card_img(&c, 2) &&
	    strcmp(ci->thumb, "/img/placeholder-v1-320.webp") == 0 && ci->preview != NULL &&
	    strncmp(ci->preview, want, strlen(want)) == 0,
	    "a preview without stills: its own block, the placeholder's stills and its preview");
	CHECK(site_card_img(&c, NV) == NULL, "past the videos: none");

	/* two threads asking for every video at once see one block per video */
	a1.c = a2.c = &c;
	if (pthread_create(&t1, NULL, ask_all, &a1) == 0) {
		if (pthread_create(&t2, NULL, ask_all, &a2) == 0)
			pthread_join(t2, NULL);
		else
			ask_all(&a2);
		pthread_join(t1, NULL);
	} else {
		ask_all(&a1);
		ask_all(&a2);
	}
	for (i = 0; i < NV; i++)
		same += a1.got[i] != NULL && a1.got[i] == a2.got[i] &&
		    a1.got[i] == site_card_img(&c, i);
	CHECK(a1.missing == 0 && a2.missing == 0 && same == NV,
	    "two threads: every video's URLs, one block each (%zu of %d)", same, NV);
	ci = site_card_img(&c, NV - 1);
	snprintf(want, sizeof(want), "/img/%s/%016zx-320.webp", v[NV - 1].guid,
	    (size_t)(NV - 1) * 7919);
	CHECK(ci != NULL && strcmp(ci->thumb, want) == 0, "the last video's thumb is its own");

	site_card_imgs_free(&c);
	CHECK(c.vimgs == NULL, "freed");
	site_card_imgs_free(&c);
	CHECK(c.vimgs == NULL, "freed twice: nothing");
	return check_report();
}
