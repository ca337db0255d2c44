/*
 * image_fold.c — test helper: the model a build left as its image and a
 * delta (STATE/model.image.delta, model_delta.h), written out as one
 * image, so that a test compares it byte for byte with a clean build's.
 * The delta's edited entries are laid over the image (model_overlay_edits),
 * then its rows, read from STATE/catalog.db (model_overlay.h), as the next
 * build does; each row must have the print the delta says, and the result
 * the model id it names (under the delta's key, when it names entries).
 *
 *	image_fold STATE OUT
 *	image_fold --entries STATE
 *
 * BUNNY_CDN_HOSTNAME as the build read it.  Exit 0 written, 1 otherwise.
 * With --entries: how many content/ entries the delta beside STATE's
 * image holds, on stdout (0: no image, or no delta of it), read as a
 * build reads it (model_delta_read), not from the file's layout.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_read.h"
#include "model_delta.h"
#include "model_image.h"
#include "model_overlay.h"

/* STATE's image, under the key it was written with: 1, else 0 (said). */
static int
read_image(const char *state, struct model *m, struct model_image_meta *meta)
{
	struct model_image_peek pk;
	char path[4096], err[1024];
	uint64_t key;
	int fd;

	snprintf(path, sizeof(path), "%s/model.image", state);
	if ((fd = open(path, O_RDONLY)) == -1 || model_image_peek(fd, &pk) != 1) {
		fprintf(stderr, "image_fold: %s: no image\n", path);
		if (fd != -1)
			close(fd);
		return 0;
	}
	key = pk.key;
	model_image_peek_free(&pk);
	close(fd);
	if (model_image_read(path, key, m, meta, err, sizeof(err)) != 1) {
		fprintf(stderr, "image_fold: %s: not read\n", path);
		return 0;
	}
	return 1;
}

/* The entries of the delta beside state's image, printed. */
static int
delta_entries(const char *state)
{
	struct model_image_meta meta;
	struct model_delta d;
	struct model m;
	char path[4096];
	size_t n = 0;

	if (read_image(state, &m, &meta)) {
		snprintf(path, sizeof(path), "%s/model.image.delta", state);
		if (model_delta_read(path, model_image_id(&meta), &d) == 1)
			n = d.nedited;
		model_image_meta_free(&meta);
		model_free(&m);
	}
	printf("%zu\n", n);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct model_image_meta meta;
	struct model_delta d;
	struct catalog_rows rows;
	struct model m;
	struct model_opts mo = { getenv("BUNNY_CDN_HOSTNAME"), NULL, NULL, 0 };
	const char *guids[MODEL_DELTA_MAX];
	char path[4096], db[4096], err[1024];
	size_t k;

	if (argc == 3 && strcmp(argv[1], "--entries") == 0)
		return delta_entries(argv[2]);
	if (argc != 3) {
		fprintf(stderr, "usage: image_fold STATE OUT | image_fold --entries STATE\n");
		return 2;
	}
	snprintf(db, sizeof(db), "%s/catalog.db", argv[1]);
	if (!read_image(argv[1], &m, &meta))
		return 1;
	snprintf(path, sizeof(path), "%s/model.image.delta", argv[1]);
	if (model_delta_read(path, model_image_id(&meta), &d) != 1) {
		fprintf(stderr, "image_fold: %s: no delta of this image\n", path);
		return 1;
	}
	for (k = 0; k < d.n; k++)
		guids[k] = d.rows[k].guid;
	if (catalog_read_guids(db, guids, d.n, &rows, err, sizeof(err)) != 0) {
		fprintf(stderr, "image_fold: %s\n", err);
		return 1;
	}
	if (rows.nvideos != d.n) {
		fprintf(stderr, "image_fold: the catalog has %zu of the delta's %zu rows\n",
		    rows.nvideos, d.n);
		return 1;
	}
	for (k = 0; k < d.n; k++)
		if (rows.videos[k].print != d.rows[k].print) {
			fprintf(stderr, "image_fold: %s: the catalog's print is not the delta's\n",
			    d.rows[k].guid);
			return 1;
		}
	if (d.nedited > 0) {
		if (model_overlay_edits(&m, &meta, &d, err, sizeof(err)) != 1) {
			fprintf(stderr, "image_fold: the delta's entries are not laid over: %s\n", err);
			return 1;
		}
		meta.key = d.key;
	}
	if (d.n > 0 && model_overlay(&m, &meta, &rows, &mo, err, sizeof(err)) != 1) {
		fprintf(stderr, "image_fold: the delta's rows are not laid over: %s\n", err);
		return 1;
	}
	if (d.key != meta.key || model_image_id(&meta) != d.model_id) {
		fprintf(stderr, "image_fold: the model is not the one the delta names\n");
		return 1;
	}
	if (model_image_write(argv[2], &m, &meta, err, sizeof(err)) != 0) {
		fprintf(stderr, "image_fold: %s\n", err);
		return 1;
	}
	catalog_rows_free(&rows);
	model_image_meta_free(&meta);
	model_free(&m);
	return 0;
}
