/*
 * placeholder_data.h — the shared placeholder stills as data in
 * bin/onlygen: the four files of generator/site/placeholder/ (drawn once
 * by tools/make-placeholder.c with libvips, committed), turned into a C
 * array by scripts/embed-bytes at build time (build/gen/placeholder_data.c,
 * never committed).  Nothing draws them at build time any more, and
 * nothing reads them from STATE/img-cache (docs/site.md, "Images").
 *
 * site_placeholder_files[v] is variant v (img_vips.h: IMG_W320 ..
 * IMG_JPG1280), named IMG_PLACEHOLDER plus img_suffix(v); the order is the
 * Makefile's (PH_FILES), checked by tests/unit/test_site_placeholder.c.
 */
#ifndef ONLY_PLACEHOLDER_DATA_H
#define ONLY_PLACEHOLDER_DATA_H

#include <stddef.h>

struct embedded_file {
	const char		*name;	/* the file's name, e.g. "placeholder-v1-320.webp" */
	const unsigned char	*data;
	size_t			 len;
};

/* IMG_NSTILLS entries (4: a header of this layer may not need img_vips.h) */
extern const struct embedded_file site_placeholder_files[4];

#endif
