/*
 * img_size.h — the pixel size of an encoded JPEG, read from its frame
 * header (SOFn) without decoding: the og:image width and height are those
 * of the file the site publishes, read from the image cache, so a build
 * that fetches nothing gives the numbers the fetching build gave.
 */
#ifndef ONLY_IMG_SIZE_H
#define ONLY_IMG_SIZE_H

#include <stddef.h>

#define IMG_SIZE_HEAD	8192	/* bytes read: libvips writes SOF within the first few hundred */

/* The size of the JPEG whose first n bytes are p: 0 with *w, *h > 0, or
 * -1 (not a JPEG, or no frame header within n bytes). */
int	jpeg_size(const unsigned char *p, size_t n, int *w, int *h);
/* The same, of the file path (its first IMG_SIZE_HEAD bytes); 0 or -1. */
int	jpeg_file_size(const char *path, int *w, int *h);

#endif
