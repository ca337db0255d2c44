/*
 * model_image_at.h — where in the catalog's change log the model image's
 * rows were read (struct catalog_log_pos), kept beside
 * the image (STATE/model.image.at) rather than in it: the image is the
 * model, byte for byte the one a clean build of the same inputs writes,
 * while a position belongs to one catalog file's history.
 *
 * The record names the image it is of by the image's checksum (its
 * header's); a record of another image, damaged (its own checksum), or
 * of any other shape is none, and the build then compares every catalog
 * row with the image, as before the log.  Written after the image, so a
 * build killed between the two leaves a record of the image before: none.
 * Integers in the machine's order: the file never leaves the machine.
 *
 * Returns: 1 read, 0 none (model_image_at_read, _parse: a zeroed record);
 * 0, or -1 with err (model_image_at_write: path.tmp, then a rename).
 */
#ifndef ONLY_MODEL_IMAGE_AT_H
#define ONLY_MODEL_IMAGE_AT_H

#include <stddef.h>
#include <stdint.h>

#include "catalog_rows.h"	/* struct catalog_log_pos */

/* Its path: the image's, with this after it. */
#define MODEL_IMAGE_AT_SUFFIX	".at"

struct model_image_at {
	uint64_t		image_sum;	/* the checksum of the image it is of */
	struct catalog_log_pos	pos;		/* opaque here */
};

int	model_image_at_read(const char *path, uint64_t image_sum, struct model_image_at *a);
/* The same from a file's bytes (the fuzz target's entry). */
int	model_image_at_parse(const void *data, size_t size, uint64_t image_sum,
	    struct model_image_at *a);
int	model_image_at_write(const char *path, const struct model_image_at *a, char *err,
	    size_t errlen);

#endif
