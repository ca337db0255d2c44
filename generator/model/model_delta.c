/*
 * model_delta.c — STATE/model.image.delta (model_delta.h).
 *
 * The file: a 48-byte header (the magic, the h64 of everything after the
 * checksum, the base and model ids, the row count), then per row 40 bytes
 * of guid (NUL-padded) and its print.  At most MODEL_DELTA_MAX rows: the
 * whole file is under a kilobyte, read in one read().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "bytes.h"
#include "hash64.h"
#include "model_delta.h"

#define MAGIC		"onlygen delta 1\n"	/* 16 bytes, no NUL kept */
#define HEAD		48
#define H_SUM		16
#define H_BASE		24
#define H_MODEL		32
#define H_N		40
#define GUID_FIELD	40
#define REC		(GUID_FIELD + 8)
#define FILE_MAX	(HEAD + MODEL_DELTA_MAX * REC)

_Static_assert(sizeof(MAGIC) - 1 == 16, "the magic is 16 bytes");
_Static_assert(GUID_LEN + 1 <= GUID_FIELD, "a guid fits its field");

int
model_delta_parse(const void *data, size_t size, uint64_t base_id, struct model_delta *d)
{
	const char *p = data;
	uint64_t n;
	size_t i, k;

	memset(d, 0, sizeof(*d));
	if (base_id == 0 || size < HEAD || size > FILE_MAX || memcmp(p, MAGIC, 16) != 0 ||
	    get64(p + H_BASE) != base_id || get64(p + H_MODEL) == 0)
		return 0;
	n = get64(p + H_N);
	if (n > MODEL_DELTA_MAX || size != HEAD + n * REC ||
	    h64(0, p + H_BASE, size - H_BASE) != get64(p + H_SUM))
		return 0;
	for (i = 0; i < n; i++) {
		const char *r = p + HEAD + i * REC;
		size_t len = strnlen(r, GUID_FIELD);

		/* a guid and its padding: NULs up to the field's end */
		if (len == 0 || len > GUID_LEN)
			return 0;
		for (k = len; k < GUID_FIELD; k++)
			if (r[k] != '\0')
				return 0;
		memcpy(d->rows[i].guid, r, len + 1);
		d->rows[i].print = get64(r + GUID_FIELD);
		if (i > 0 && strcmp(d->rows[i - 1].guid, d->rows[i].guid) >= 0) {
			memset(d, 0, sizeof(*d));
			return 0;
		}
	}
	d->base_id = base_id;
	d->model_id = get64(p + H_MODEL);
	d->n = (size_t)n;
	return 1;
}

int
model_delta_read(const char *path, uint64_t base_id, struct model_delta *d)
{
	char file[FILE_MAX + 1];
	ssize_t len;

	memset(d, 0, sizeof(*d));
	/* one byte more than the largest delta: a longer file is none */
	if (base_id == 0 || (len = file_read_small(path, file, sizeof(file))) < 0)
		return 0;
	return model_delta_parse(file, (size_t)len, base_id, d);
}

int
model_delta_write(const char *path, const struct model_delta *d, char *err, size_t errlen)
{
	char file[FILE_MAX];
	uint64_t v;
	size_t i, len;

	if (d->n > MODEL_DELTA_MAX || d->base_id == 0 || d->model_id == 0) {
		snprintf(err, errlen, "%s: not a delta", path);
		return -1;
	}
	len = HEAD + d->n * REC;
	memset(file, 0, len);
	memcpy(file, MAGIC, 16);
	memcpy(file + H_BASE, &d->base_id, 8);
	memcpy(file + H_MODEL, &d->model_id, 8);
	v = d->n;
	memcpy(file + H_N, &v, 8);
	for (i = 0; i < d->n; i++) {
		char *r = file + HEAD + i * REC;

		memcpy(r, d->rows[i].guid, strnlen(d->rows[i].guid, GUID_LEN));
		memcpy(r + GUID_FIELD, &d->rows[i].print, 8);
	}
	v = h64(0, file + H_BASE, len - H_BASE);
	memcpy(file + H_SUM, &v, 8);
	if (file_write_atomic(path, file, len, 0600) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

const struct model_delta_row *
model_delta_find(const struct model_delta *d, const char *guid)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(guid, d->rows[mid].guid);

		if (c == 0)
			return &d->rows[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
