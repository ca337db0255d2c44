/*
 * model_delta.c — STATE/model.image.delta (model_delta.h).
 *
 * The file: a 64-byte header (the magic, the h64 of everything after the
 * checksum, the base and model ids, the model's key, the counts of rows and
 * of edited entries), then per row 40 bytes of guid (NUL-padded) and its
 * print, per edited entry 40 bytes of guid and its flags (8 bytes), then
 * the edited entries' texts: each one's title and description, each
 * NUL-terminated, in the entries' order, and nothing after.  At most
 * MODEL_DELTA_MAX rows and entries and MODEL_DELTA_TEXT_MAX bytes of texts:
 * the whole file is read in one read().
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bytes.h"
#include "hash64.h"
#include "model_delta.h"
#include "model_image.h"

#define MAGIC		"onlygen delta 2\n"	/* 16 bytes, no NUL kept */
#define HEAD		64
#define H_SUM		16
#define H_BASE		24
#define H_MODEL		32
#define H_KEY		40
#define H_N		48
#define H_EDITED	56
#define GUID_FIELD	40
#define REC		(GUID_FIELD + 8)
#define FILE_MAX	(HEAD + 2 * MODEL_DELTA_MAX * REC + MODEL_DELTA_TEXT_MAX)
#define EDIT_FLAGS	(MODEL_IMAGE_TITLE_ENTRY | MODEL_IMAGE_DESC_ENTRY)

_Static_assert(sizeof(MAGIC) - 1 == 16, "the magic is 16 bytes");
_Static_assert(GUID_LEN + 1 <= GUID_FIELD, "a guid fits its field");

/*
 * The guid of the field at r into out (GUID_LEN + 1 bytes): 1, or 0 when
 * it is empty, too long, not NUL-padded to the field's end, or not after
 * prev (NULL: the first).
 */
static int
guid_field(const char *r, const char *prev, char *out)
{
	size_t len = strnlen(r, GUID_FIELD), k;

	if (len == 0 || len > GUID_LEN)
		return 0;
	for (k = len; k < GUID_FIELD; k++)
		if (r[k] != '\0')
			return 0;
	memcpy(out, r, len + 1);
	return prev == NULL || strcmp(prev, out) < 0;
}

/* The next NUL-terminated text of text[*at..len): its offset, *at past it; -1 none. */
static int64_t
next_text(const char *text, size_t len, size_t *at)
{
	const char *nul = *at < len ? memchr(text + *at, '\0', len - *at) : NULL;
	size_t was = *at;

	if (nul == NULL)
		return -1;
	*at = (size_t)(nul - text) + 1;
	return (int64_t)was;
}

int
model_delta_parse(const void *data, size_t size, uint64_t base_id, struct model_delta *d)
{
	const char *p = data, *e, *text;
	uint64_t n, ne, flags;
	size_t i, at = 0, ntext;
	int64_t title, description;

	memset(d, 0, offsetof(struct model_delta, text));
	if (base_id == 0 || size < HEAD || size > FILE_MAX || memcmp(p, MAGIC, 16) != 0 ||
	    get64(p + H_BASE) != base_id || get64(p + H_MODEL) == 0 || get64(p + H_KEY) == 0)
		return 0;
	n = get64(p + H_N);
	ne = get64(p + H_EDITED);
	if (n > MODEL_DELTA_MAX || ne > MODEL_DELTA_MAX || size < HEAD + (n + ne) * REC ||
	    size - HEAD - (n + ne) * REC > MODEL_DELTA_TEXT_MAX ||
	    h64(0, p + H_BASE, size - H_BASE) != get64(p + H_SUM))
		return 0;
	for (i = 0; i < n; i++) {
		const char *r = p + HEAD + i * REC;

		if (!guid_field(r, i > 0 ? d->rows[i - 1].guid : NULL, d->rows[i].guid))
			goto no;
		d->rows[i].print = get64(r + GUID_FIELD);
	}
	text = p + HEAD + (n + ne) * REC;
	ntext = size - HEAD - (size_t)(n + ne) * REC;
	for (i = 0; i < ne; i++) {
		struct model_delta_edit *ed = &d->edited[i];

		e = p + HEAD + (n + i) * REC;
		if (!guid_field(e, i > 0 ? d->edited[i - 1].guid : NULL, ed->guid) ||
		    ((flags = get64(e + GUID_FIELD)) & ~(uint64_t)EDIT_FLAGS) != 0 ||
		    (title = next_text(text, ntext, &at)) < 0 ||
		    (description = next_text(text, ntext, &at)) < 0)
			goto no;
		ed->flags = (uint8_t)flags;
		ed->title = (uint32_t)title;
		ed->description = (uint32_t)description;
	}
	if (at != ntext)
		goto no;	/* bytes after the last text */
	memcpy(d->text, text, ntext);
	d->ntext = ntext;
	d->base_id = base_id;
	d->model_id = get64(p + H_MODEL);
	d->key = get64(p + H_KEY);
	d->n = (size_t)n;
	d->nedited = (size_t)ne;
	return 1;
no:
	memset(d, 0, offsetof(struct model_delta, text));
	return 0;
}

int
model_delta_read(const char *path, uint64_t base_id, struct model_delta *d)
{
	char file[FILE_MAX + 1];
	ssize_t len;

	memset(d, 0, offsetof(struct model_delta, text));
	/* one byte more than the largest delta: a longer file is none */
	if (base_id == 0 || (len = file_read_small(path, file, sizeof(file))) < 0)
		return 0;
	return model_delta_parse(file, (size_t)len, base_id, d);
}

/* Whether d's texts are laid out as a file holds them: each title, then description, in turn. */
static int
texts_in_order(const struct model_delta *d)
{
	size_t i, at = 0;

	for (i = 0; i < d->nedited; i++)
		if ((int64_t)d->edited[i].title != next_text(d->text, d->ntext, &at) ||
		    (int64_t)d->edited[i].description != next_text(d->text, d->ntext, &at))
			return 0;
	return at == d->ntext;
}

/* n bytes of src at file + *at, *at moved past them. */
static void
put(char *file, size_t *at, const void *src, size_t n)
{
	memcpy(file + *at, src, n);
	*at += n;
}

int
model_delta_write(const char *path, const struct model_delta *d, char *err, size_t errlen)
{
	char *file;
	uint64_t v;
	size_t i, at = HEAD, len;
	int rc = 0;

	if (d->n > MODEL_DELTA_MAX || d->nedited > MODEL_DELTA_MAX ||
	    d->ntext > MODEL_DELTA_TEXT_MAX || d->base_id == 0 || d->model_id == 0 || d->key == 0 ||
	    !texts_in_order(d)) {
		snprintf(err, errlen, "%s: not a delta", path);
		return -1;
	}
	len = HEAD + (d->n + d->nedited) * REC + d->ntext;
	if ((file = calloc(1, len)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	memcpy(file, MAGIC, 16);
	memcpy(file + H_BASE, &d->base_id, 8);
	memcpy(file + H_MODEL, &d->model_id, 8);
	memcpy(file + H_KEY, &d->key, 8);
	v = d->n;
	memcpy(file + H_N, &v, 8);
	v = d->nedited;
	memcpy(file + H_EDITED, &v, 8);
	for (i = 0; i < d->n; i++) {
		memcpy(file + at, d->rows[i].guid, strnlen(d->rows[i].guid, GUID_LEN));
		at += GUID_FIELD;
		put(file, &at, &d->rows[i].print, 8);
	}
	for (i = 0; i < d->nedited; i++) {
		memcpy(file + at, d->edited[i].guid, strnlen(d->edited[i].guid, GUID_LEN));
		at += GUID_FIELD;
		v = d->edited[i].flags;
		put(file, &at, &v, 8);
	}
	put(file, &at, d->text, d->ntext);
	v = h64(0, file + H_BASE, len - H_BASE);
	memcpy(file + H_SUM, &v, 8);
	if (file_write_atomic(path, file, len, 0600) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(file);
	return rc;
}

int
model_delta_add_edit(struct model_delta *d, const char *guid, uint8_t flags, const char *title,
    const char *description)
{
	size_t tl = strlen(title) + 1, dl = strlen(description) + 1;

	if (d->nedited == MODEL_DELTA_MAX || strlen(guid) > GUID_LEN || guid[0] == '\0' ||
	    (flags & ~EDIT_FLAGS) != 0 || tl + dl > MODEL_DELTA_TEXT_MAX - d->ntext ||
	    (d->nedited > 0 && strcmp(d->edited[d->nedited - 1].guid, guid) >= 0))
		return -1;
	memcpy(d->edited[d->nedited].guid, guid, strlen(guid) + 1);
	d->edited[d->nedited].flags = flags;
	d->edited[d->nedited].title = (uint32_t)d->ntext;
	memcpy(d->text + d->ntext, title, tl);
	d->ntext += tl;
	d->edited[d->nedited].description = (uint32_t)d->ntext;
	memcpy(d->text + d->ntext, description, dl);
	d->ntext += dl;
	d->nedited++;
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
