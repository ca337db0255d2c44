/*
 * tools/make-placeholder.c — draws the shared placeholder stills a video
 * without its own image shows, and writes them into DIR as
 * placeholder-v1-320.webp, -640.webp, -1280.webp and -1280.jpg.
 *
 * Not part of the build: `make placeholder` runs it into
 * generator/site/placeholder/, whose committed files bin/onlygen carries as
 * data (generator/site/placeholder_data.h; docs/site.md, "Images").  Run it
 * only to change the drawing, then commit the files, and bump the "-v1" in
 * their names and in IMG_PLACEHOLDER (site_int.h) so that no browser keeps
 * the old ones (the site caches /img/ for a year).
 * tests/integration/img_plugin.sh checks that it still draws the committed
 * bytes (libvips' output is deterministic).
 *
 * The drawing: the theme's card background (#1f1f1f), flat, each size drawn
 * at that size (the same pixels as the 1280x720 one resized), encoded as
 * the mirror encodes a video's stills (img_vips.c, save_still: WebP Q 80,
 * JPEG Q 85 with optimised Huffman tables, metadata stripped).
 */
#include <stdio.h>
#include <string.h>

#include <vips/vips.h>

#include "img_vips.h"

/* One still of variant v into dir: 0, or -1 with a message on stderr. */
static int
draw(const char *dir, int v)
{
	VipsImage *black = NULL, *grey = NULL, *u8 = NULL;
	void *data = NULL;
	size_t len = 0;
	char path[4096];
	FILE *f;
	int rc = -1;

	if (vips_black(&black, img_width(v), img_height(v), "bands", 3, NULL) != 0 ||
	    vips_linear1(black, &grey, 1.0, 31.0, NULL) != 0 ||
	    vips_cast_uchar(grey, &u8, NULL) != 0)
		goto out;
	vips_image_set_int(u8, "interpretation", VIPS_INTERPRETATION_sRGB);
	if (v == IMG_JPG1280 ? vips_jpegsave_buffer(u8, &data, &len, "Q", 85, "strip", TRUE,
	    "optimize_coding", TRUE, NULL) : vips_webpsave_buffer(u8, &data, &len, "Q", 80,
	    "strip", TRUE, NULL))
		goto out;
	if ((size_t)snprintf(path, sizeof(path), "%s/placeholder-v1%s", dir, img_suffix(v)) >=
	    sizeof(path)) {
		fprintf(stderr, "make-placeholder: %s: path too long\n", dir);
		goto out;
	}
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && vips_error_buffer()[0] != '\0')
		fprintf(stderr, "make-placeholder: %s", vips_error_buffer());
	g_free(data);
	if (u8 != NULL)
		g_object_unref(u8);
	if (grey != NULL)
		g_object_unref(grey);
	if (black != NULL)
		g_object_unref(black);
	return rc;
}

int
main(int argc, char **argv)
{
	int v, rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: make-placeholder DIR\n");
		return 2;
	}
	if (VIPS_INIT(argv[0]) != 0) {
		fprintf(stderr, "make-placeholder: cannot start libvips: %s", vips_error_buffer());
		return 1;
	}
	vips_cache_set_max(0);
	for (v = 0; v < IMG_NSTILLS && rc == 0; v++)
		rc = draw(argv[1], v);
	vips_shutdown();
	return rc == 0 ? 0 : 1;
}
