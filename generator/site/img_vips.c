/*
 * img_vips.c — decoding and encoding the mirrored images with libvips
 * (see img_vips.h): the whole of bin/onlygen-img.so, with img_variants.c.
 * bin/onlygen opens it only when an image is to be encoded (img_load.c,
 * img_plugin.h); this is the one file that includes <vips/vips.h>
 * (scripts/check-layers).  Every libvips object is unreffed on every path;
 * the encoded bytes are libvips' g_malloc'd buffers, freed with g_free.
 */
#include <stdio.h>
#include <string.h>

#include <vips/vips.h>

#include "img_plugin.h"
#include "img_vips.h"

static void	vips_fail(char *err, size_t errlen, const char *what);

static int
vips_start(const char *argv0, char *err, size_t errlen)
{
	if (VIPS_INIT(argv0) != 0) {
		vips_fail(err, errlen, "cannot start libvips");
		return -1;
	}
	/* the operation cache would keep the buffers we free at once */
	vips_cache_set_max(0);
	return 0;
}

static void
vips_stop(void)
{
	vips_shutdown();
}

static void
set_free(struct img_set *s)
{
	int i;

	for (i = 0; i < IMG_NVARIANTS; i++) {
		g_free(s->data[i]);
		s->data[i] = NULL;
		s->len[i] = 0;
	}
}

static void
thread_done(void)
{
	vips_thread_shutdown();
}

static void
vips_fail(char *err, size_t errlen, const char *what)
{
	const char *e = vips_error_buffer();
	size_t n = strcspn(e, "\n");

	snprintf(err, errlen, "%s%s%.*s", what, n ? ": " : "", (int)(n > 200 ? 200 : n), e);
	vips_error_clear();
}

/*
 * The loader libvips picks for src must be one of the formats a CDN image
 * can be (animated: WebP or GIF only), and its header must stay under
 * IMG_MAX_PIXELS.  0 or -1 with err.
 */
static int
check_source(const void *src, size_t n, int animated, char *err, size_t errlen)
{
	/* loader class names: VipsForeignLoadJpegBuffer, ...PngBuffer, ... */
	static const char *const still_ok[] = { "Jpeg", "Png", "Webp", "Nsgif", "Gif", NULL };
	static const char *const anim_ok[] = { "Webp", "Nsgif", "Gif", NULL };
	const char *const *ok = animated ? anim_ok : still_ok;
	const char *loader;
	VipsImage *h;
	double px;
	int i, found = 0;

	if (n == 0 || (loader = vips_foreign_find_load_buffer(src, n)) == NULL) {
		vips_error_clear();
		snprintf(err, errlen, "not an image libvips recognises");
		return -1;
	}
	if (strncmp(loader, "VipsForeignLoad", 15) == 0)
		for (i = 0; ok[i] != NULL && !found; i++)
			found = strncmp(loader + 15, ok[i], strlen(ok[i])) == 0;
	if (!found) {
		snprintf(err, errlen, "a %s image; expected %s", loader,
		    animated ? "an animated WebP or GIF" : "a JPEG, PNG, WebP or GIF");
		return -1;
	}
	h = animated ? vips_image_new_from_buffer(src, n, "n=-1", NULL) :
	    vips_image_new_from_buffer(src, n, "", NULL);
	if (h == NULL) {
		vips_fail(err, errlen, "unreadable header");
		return -1;
	}
	px = (double)vips_image_get_width(h) * (double)vips_image_get_height(h);
	g_object_unref(h);
	if (px > IMG_MAX_PIXELS) {
		snprintf(err, errlen, "%.0f pixels, more than the %.0f allowed", px,
		    IMG_MAX_PIXELS);
		return -1;
	}
	return 0;
}

/* Encodes one still variant from an image already at its size. */
static int
save_still(VipsImage *in, int variant, struct img_set *out, char *err, size_t errlen)
{
	VipsImage *flat = NULL;
	int rc;

	/* a transparent thumbnail gets the page's background, not black */
	if (vips_image_hasalpha(in)) {
		VipsArrayDouble *bg = vips_array_double_newv(3, 20.0, 20.0, 20.0);

		rc = vips_flatten(in, &flat, "background", bg, NULL);
		vips_area_unref(VIPS_AREA(bg));
		if (rc != 0) {
			vips_fail(err, errlen, "flatten");
			return -1;
		}
		in = flat;
	}
	if (variant == IMG_JPG1280)
		rc = vips_jpegsave_buffer(in, &out->data[variant], &out->len[variant],
		    "Q", 85, "strip", TRUE, "optimize_coding", TRUE, NULL);
	else
		rc = vips_webpsave_buffer(in, &out->data[variant], &out->len[variant],
		    "Q", 80, "strip", TRUE, NULL);
	if (flat != NULL)
		g_object_unref(flat);
	if (rc != 0) {
		vips_fail(err, errlen, "encode");
		return -1;
	}
	return 0;
}

static int
encode_stills(const void *src, size_t n, struct img_set *out, char *err, size_t errlen)
{
	VipsImage *t;
	int v, rc;

	memset(out, 0, sizeof(*out));
	if (check_source(src, n, 0, err, errlen) == -1)
		return -1;
	for (v = 0; v < IMG_NSTILLS; v++) {
		/* the JPEG has the 1280 WebP's pixels: resize once for both */
		if (vips_thumbnail_buffer((void *)src, n, &t, img_width(v),
		    "height", img_height(v), "crop", VIPS_INTERESTING_CENTRE,
		    "size", VIPS_SIZE_BOTH, NULL) != 0) {
			vips_fail(err, errlen, "cannot decode");
			set_free(out);
			return -1;
		}
		rc = save_still(t, v, out, err, errlen);
		g_object_unref(t);
		if (rc == -1) {
			set_free(out);
			return -1;
		}
	}
	return 0;
}

static int
encode_preview(const void *src, size_t n, struct img_set *out, char *err, size_t errlen)
{
	VipsImage *t;
	int rc;

	memset(out, 0, sizeof(*out));
	if (check_source(src, n, 1, err, errlen) == -1)
		return -1;
	if (vips_thumbnail_buffer((void *)src, n, &t, img_width(IMG_PREVIEW),
	    "option_string", "n=-1", "size", VIPS_SIZE_DOWN, NULL) != 0) {
		vips_fail(err, errlen, "cannot decode");
		return -1;
	}
	rc = vips_webpsave_buffer(t, &out->data[IMG_PREVIEW], &out->len[IMG_PREVIEW],
	    "Q", 70, "strip", TRUE, NULL);
	g_object_unref(t);
	if (rc != 0) {
		vips_fail(err, errlen, "encode");
		set_free(out);
		return -1;
	}
	return 0;
}

static const struct img_plugin plugin = {
	.abi = IMG_PLUGIN_ABI,
	.set_size = sizeof(struct img_set),
	.start = vips_start,
	.stop = vips_stop,
	.encode_stills = encode_stills,
	.encode_preview = encode_preview,
	.set_free = set_free,
	.thread_done = thread_done,
};

/* The plugin's one export (img_plugin.map says so to the linker too). */
__attribute__((visibility("default"))) img_plugin_fn onlygen_img_plugin;

const struct img_plugin *
onlygen_img_plugin(void)
{
	return &plugin;
}
