/*
 * model_image_at.c — STATE/model.image.at (model_image_at.h).
 *
 * The file, 56 bytes: the magic (16), the h64 of the 32 bytes after it
 * (8), then the image's checksum, seq, nonce and sum (8 each).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "bytes.h"
#include "hash64.h"
#include "model_image_at.h"

#define MAGIC		"onlygen imgat 1\n"	/* 16 bytes, no NUL kept */
#define H_SUM		16
#define H_IMAGE		24
#define H_SEQ		32
#define H_NONCE		40
#define H_POS_SUM	48
#define FILE_LEN	56

_Static_assert(sizeof(MAGIC) - 1 == 16, "the magic is 16 bytes");

int
model_image_at_parse(const void *data, size_t size, uint64_t image_sum,
    struct model_image_at *a)
{
	const char *p = data;

	memset(a, 0, sizeof(*a));
	if (size != FILE_LEN || memcmp(p, MAGIC, 16) != 0 ||
	    h64(0, p + H_IMAGE, FILE_LEN - H_IMAGE) != get64(p + H_SUM) ||
	    get64(p + H_IMAGE) != image_sum || get64(p + H_SEQ) == 0)
		return 0;
	a->image_sum = image_sum;
	a->pos.seq = get64(p + H_SEQ);
	a->pos.nonce = get64(p + H_NONCE);
	a->pos.sum = get64(p + H_POS_SUM);
	return 1;
}

int
model_image_at_read(const char *path, uint64_t image_sum, struct model_image_at *a)
{
	char file[FILE_LEN + 1];
	ssize_t len = file_read_small(path, file, sizeof(file));

	memset(a, 0, sizeof(*a));
	return len >= 0 ? model_image_at_parse(file, (size_t)len, image_sum, a) : 0;
}

int
model_image_at_write(const char *path, const struct model_image_at *a, char *err,
    size_t errlen)
{
	char file[FILE_LEN];
	uint64_t v;

	if (a->pos.seq == 0) {
		snprintf(err, errlen, "%s: no position", path);
		return -1;
	}
	memcpy(file, MAGIC, 16);
	memcpy(file + H_IMAGE, &a->image_sum, 8);
	memcpy(file + H_SEQ, &a->pos.seq, 8);
	memcpy(file + H_NONCE, &a->pos.nonce, 8);
	memcpy(file + H_POS_SUM, &a->pos.sum, 8);
	v = h64(0, file + H_IMAGE, FILE_LEN - H_IMAGE);
	memcpy(file + H_SUM, &v, 8);
	if (file_write_atomic(path, file, FILE_LEN, 0600) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
