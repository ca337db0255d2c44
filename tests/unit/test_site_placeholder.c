/*
 * test_site_placeholder.c — the placeholder stills compiled into onlygen
 * (generator/site/placeholder_data.h): in the order of enum img_variant,
 * named as the site publishes them, the very bytes committed under
 * generator/site/placeholder/, and still images of the right sizes (the
 * JPEG's frame header read by jpeg_size(), as the og:image size is; the
 * WebP's canvas from its RIFF header).  Run from the repository's root.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "img_size.h"
#include "img_vips.h"
#include "placeholder_data.h"
#include "site_int.h"

/* The canvas of a WebP (lossy VP8, lossless VP8L or extended VP8X): 0 or -1. */
static int
webp_size(const unsigned char *p, size_t n, int *w, int *h)
{
	if (n < 30 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
		return -1;
	if (memcmp(p + 12, "VP8X", 4) == 0) {
		*w = 1 + (p[24] | p[25] << 8 | p[26] << 16);
		*h = 1 + (p[27] | p[28] << 8 | p[29] << 16);
	} else if (memcmp(p + 12, "VP8 ", 4) == 0) {
		if (p[23] != 0x9d || p[24] != 0x01 || p[25] != 0x2a)
			return -1;
		*w = (p[26] | p[27] << 8) & 0x3fff;
		*h = (p[28] | p[29] << 8) & 0x3fff;
	} else if (memcmp(p + 12, "VP8L", 4) == 0 && p[20] == 0x2f) {
		*w = 1 + ((p[21] | p[22] << 8) & 0x3fff);
		*h = 1 + ((p[22] >> 6 | p[23] << 2 | p[24] << 10) & 0x3fff);
	} else
		return -1;
	return 0;
}

int
main(void)
{
	char name[64], path[256];
	struct buf file;
	size_t n;
	int v, w, h;

	buf_init(&file, 1 << 20);
	for (v = 0; v < IMG_NSTILLS; v++) {
		const unsigned char *d = site_placeholder_bytes(v, &n);

		snprintf(name, sizeof(name), "%s%s", IMG_PLACEHOLDER, img_suffix(v));
		CHECK_STR(site_placeholder_files[v].name, name, "variant %d is %s", v, name);
		CHECK(d == site_placeholder_files[v].data && n == site_placeholder_files[v].len &&
		    n > 0, "site_placeholder_bytes(%d) gives its %zu bytes", v, n);
		snprintf(path, sizeof(path), "generator/site/placeholder/%s", name);
		buf_reset(&file);
		CHECK(buf_read_file(&file, path) == 0 && file.len == n && d != NULL &&
		    memcmp(file.data, d, n) == 0, "%s: the committed bytes are the compiled ones",
		    name);
		w = h = 0;
		if (v == IMG_JPG1280)
			CHECK(d != NULL && jpeg_size(d, n, &w, &h) == 0 && w == img_width(v) &&
			    h == img_height(v), "%s: a JPEG of %dx%d (got %dx%d)", name,
			    img_width(v), img_height(v), w, h);
		else
			CHECK(d != NULL && webp_size(d, n, &w, &h) == 0 && w == img_width(v) &&
			    h == img_height(v), "%s: a WebP of %dx%d (got %dx%d)", name,
			    img_width(v), img_height(v), w, h);
	}
	CHECK(site_placeholder_bytes(IMG_PREVIEW, &n) == NULL && n == 0 &&
	    site_placeholder_bytes(-1, &n) == NULL && n == 0,
	    "no placeholder preview, nor any other variant");
	buf_free(&file);
	return check_report();
}
