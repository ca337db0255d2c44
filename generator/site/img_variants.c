/*
 * img_variants.c — the sizes and file suffixes of the mirrored images (see
 * img_vips.h): pure data, compiled into bin/onlygen (which names the files
 * without loading libvips) and into bin/onlygen-img.so (which encodes them),
 * one definition for both.
 */
#include "img_vips.h"

static const struct {
	const char	*suffix;
	int		 w, h;
} variants[IMG_NVARIANTS] = {
	[IMG_W320] = { "-320.webp", 320, 180 },
	[IMG_W640] = { "-640.webp", 640, 360 },
	[IMG_W1280] = { "-1280.webp", 1280, 720 },
	[IMG_JPG1280] = { "-1280.jpg", 1280, 720 },
	[IMG_PREVIEW] = { "-preview.webp", 640, 0 },
};

const char *
img_suffix(int variant)
{
	return variants[variant].suffix;
}

int
img_width(int variant)
{
	return variants[variant].w;
}

int
img_height(int variant)
{
	return variants[variant].h;
}
