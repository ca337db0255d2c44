/*
 * model_delta.h — the few catalog rows (model_overlay.h) and content/
 * entries (model_overlay_entries) a build laid over its model image, kept
 * beside the image (STATE/model.image.delta) instead of the image written
 * again: ~50 MB at 100 000 videos for one changed title or description
 * (docs/site.md, "The model image").
 *
 * The image stays the model it was made as; the delta names the rows the
 * last build's model had with other prints than the image's (guid order),
 * the ids (model_image_id) of both, and that model's key (the image key of
 * content/ as that build loaded it: build_model.h).  The next build peeks
 * the catalog against the image as ever and lays every row that moved
 * over it; the delta tells which of those moved since the last build, and
 * that build's model id, which its page reads were noted with
 * (page_reads.h).
 *
 * The entries edited in content/ since the image (its snapshot is kept
 * with it, not written again: content_snap.h) are in the delta as what
 * they gave the model: each video's title and description, and its row's
 * flags saying which of them content/ gave.  A build of the same content/
 * (the delta's key) lays them over the image without reading content/; a
 * build after another edit reads content/ against the snapshot and lays
 * every entry edited since it over the image again.
 *
 * A delta of another image (its base id), damaged (its checksum), or of
 * any other shape is no delta: the build then keys the pages whose reads
 * it cannot carry, never reads a wrong one.  Like the image, the file
 * never leaves the machine that wrote it (integers in its order).
 *
 * Returns: 1 read, 0 no delta (model_delta_read); 0 or -1 with err
 * (model_delta_write: path.tmp, then a rename).
 */
#ifndef ONLY_MODEL_DELTA_H
#define ONLY_MODEL_DELTA_H

#include <stddef.h>
#include <stdint.h>

#include "guid.h"

/* More rows or edited entries than this, or more bytes of their texts, away
 * from the image: the image is written again. */
#define MODEL_DELTA_MAX		16
#define MODEL_DELTA_TEXT_MAX	((size_t)64 << 10)

struct model_delta_row {
	char		guid[GUID_LEN + 1];
	uint64_t	print;	/* the row's print in the model the delta describes */
};

struct model_delta_edit {
	char		guid[GUID_LEN + 1];
	uint8_t		flags;	/* the row's MODEL_IMAGE_TITLE_ENTRY and _DESC_ENTRY */
	uint32_t	title, description;	/* the video's texts: offsets into text */
};

struct model_delta {
	uint64_t		base_id;	/* the image's id: what the rows lie over */
	uint64_t		model_id;	/* the id of the image's rows with these prints */
	uint64_t		key;		/* the model's image key */
	size_t			n;
	struct model_delta_row	rows[MODEL_DELTA_MAX];	/* strictly ascending guids */
	size_t			nedited;
	struct model_delta_edit	edited[MODEL_DELTA_MAX];	/* strictly ascending guids */
	size_t			ntext;
	char			text[MODEL_DELTA_TEXT_MAX];	/* NUL-terminated texts */
};

int	model_delta_read(const char *path, uint64_t base_id, struct model_delta *d);
/* The same from a file's bytes (the fuzz target's entry). */
int	model_delta_parse(const void *data, size_t size, uint64_t base_id, struct model_delta *d);
int	model_delta_write(const char *path, const struct model_delta *d, char *err,
	    size_t errlen);
/* The row of d for guid, or NULL. */
const struct model_delta_row *model_delta_find(const struct model_delta *d, const char *guid);
/*
 * An edited entry added to d, after those it has (a guid after theirs):
 * 0, or -1 when it does not fit (MODEL_DELTA_MAX, MODEL_DELTA_TEXT_MAX) or
 * is out of order.
 */
int	model_delta_add_edit(struct model_delta *d, const char *guid, uint8_t flags,
	    const char *title, const char *description);

#endif
