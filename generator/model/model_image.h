/*
 * model_image.h — the merged model (model.h) saved as one file after a
 * build, so that the next build whose inputs differ only in a few catalog
 * rows reads it back instead of loading content/, every catalog row and
 * merging them (~0.45 s at 100 000 videos, docs/site.md "Model image").
 *
 * Besides the model the image keeps every catalog row as the merge saw it
 * (struct model_image_row, in guid order), so that a build can overlay the
 * rows that changed; the caller decides what print, refs, key and
 * collections mean: they are opaque here.
 *
 * The file never leaves the machine that wrote it (the key covers the
 * binary): integers are in the machine's order, and its caption and
 * chapter records are laid out as struct caption and struct chapter so
 * that the reader relocates them in place.  Anything unexpected in it
 * (another key or version, a wrong length or checksum, an offset, count or
 * index out of bounds) makes it "no image", never a crash.
 *
 * Ownership: a model read back is owned as model.h says, so model_free()
 * releases it: the site config, category, tag and series strings each
 * malloc'd; m->videos one malloc'd array; everything the videos point to
 * in the file's bytes: m->image, the file mapped (model_image_read), or
 * one block of m->mem (model_image_parse, or a file that cannot be
 * mapped).  meta->rows is malloc'd (the merge's), or the image's own
 * bytes (read back: they live as long as that model, so free the meta
 * first); model_image_meta_free() releases either.
 */
#ifndef ONLY_MODEL_IMAGE_H
#define ONLY_MODEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "model_image_at.h"

/* The file format's version (model_image.c): an image of another is not read. */
#define MODEL_IMAGE_VERSION	4

#define MODEL_IMAGE_NONE	UINT32_MAX

/* flags of a row */
#define MODEL_IMAGE_TITLE_ENTRY	0x01	/* its title is content/'s, not the row's */
#define MODEL_IMAGE_DESC_ENTRY	0x02	/* its description is content/'s */
#define MODEL_IMAGE_HIDDEN	0x04	/* content/ hides it */
#define MODEL_IMAGE_FLAGS	0x07	/* every flag: a row with another is refused */

/*
 * One catalog row (any status) as the merge saw it; the image keeps them
 * in guid order (strictly ascending), and every video of the model is the
 * video of exactly one row, whose guid it has.
 */
struct model_image_row {
	char		guid[GUID_LEN + 1];
	uint64_t	print;	/* the row's print (the catalog's, opaque here) */
	uint64_t	refs;	/* h64 of what decides its tags and category (opaque here) */
	uint32_t	video;	/* its index in model.videos, or MODEL_IMAGE_NONE */
	uint8_t		flags;
};

/* What the image holds besides the model. */
struct model_image_meta {
	uint64_t		 key;		/* the inputs it was made from (opaque here) */
	uint64_t		 collections;	/* opaque */
	struct model_image_at	 at;		/* where the rows were read: not in the
						 * image, kept beside it (model_image_at.h) */
	struct model_image_row	*rows;		/* malloc'd, or in the image (rows_in_image) */
	size_t			 nrows;
	int			 rows_in_image;	/* rows are the image's bytes (read back): they
						 * live as long as the model read with them */
	char			*warnings;	/* the load's, one "W"/"N" + line + '\n' each,
						 * or NULL: said again when the image is used */
};

/*
 * Writes m and meta to path (path.tmp, then renamed, so a reader never sees
 * half a file), keyed by meta->key, through a small window: the file is
 * never whole in memory.  0, or -1 with the reason in err: the
 * rows do not fit the model as struct model_image_row says, the image
 * would pass ARENA_MAX, memory ran out or the write failed.
 */
int	model_image_write(const char *path, const struct model *m,
	    const struct model_image_meta *meta, char *err, size_t errlen);

/*
 * Reads the image at path into m and meta (their contents are ignored and
 * replaced) when it exists, is whole and undamaged and was written with
 * key: 1.  0: no usable image (missing, another key, another format
 * version, damaged, truncated): m and meta zeroed, no message.  -1: out of
 * memory or a read error, with the reason in err; m and meta zeroed.
 */
int	model_image_read(const char *path, uint64_t key, struct model *m,
	    struct model_image_meta *meta, char *err, size_t errlen);

/* The same from the open file fd (path names it in messages). */
int	model_image_read_fd(int fd, const char *path, uint64_t key, struct model *m,
	    struct model_image_meta *meta, char *err, size_t errlen);

/* A look at an image before reading it (model_image_peek). */
struct model_image_peek {
	uint64_t			 key;
	uint64_t			 collections;	/* opaque */
	uint64_t			 sum;		/* the image's checksum */
	const struct model_image_row	*rows;		/* in the mapping, nrows of them */
	size_t				 nrows;
	struct file_map			 map;		/* the rows' part of the file */
};

/*
 * A look at the image open on fd before reading it: its key, collections
 * and rows (into pk, the rows mapped where the file has them, read only),
 * when its header has this format's shape and size and every row's guid
 * is NUL-terminated: 1; 0 not an image (pk zeroed).  Nothing else is
 * checked: it only tells early whether the image is worth reading (a
 * build whose catalog lost or gained a video merges anyway, and reads its
 * catalog while the rest starts); model_image_read_fd() checks
 * everything, and its rows must be these.  model_image_peek_free()
 * releases pk.  The file is replaced only by rename, so the mapped rows
 * stay as they were read.
 */
int	model_image_peek(int fd, struct model_image_peek *pk);
/* Releases what pk holds; accepts a zeroed one, leaves it zeroed. */
void	model_image_peek_free(struct model_image_peek *pk);

/* The same from len bytes already in memory (copied: the fuzzer's entry). */
int	model_image_parse(const void *data, size_t len, uint64_t key, struct model *m,
	    struct model_image_meta *meta, char *err, size_t errlen);

/*
 * The checksum an image of len bytes should carry at offset 40, from its
 * counts (0 when they do not give len bytes): how the fuzzer and the tests
 * reach the checks behind it.
 */
uint64_t	model_image_sum(const void *img, size_t len);

/*
 * The id of the model meta describes: its key (content/, options,
 * onlygen), its collections and every row's guid and print, which decide
 * the model given the key.  Never 0, but 0 for a meta without a key.
 * The rows enter it as the sum (mod 2^64) of each row's term, so that a
 * build that lays a few changed rows over an image takes the image's
 * sum, less the changed rows' old terms, plus their new ones, instead of
 * summing 100 000 rows a second time (docs/site.md, issue 15): the rows
 * are in guid order, a set, so the sum loses nothing an order would say.
 */
uint64_t	model_image_id(const struct model_image_meta *meta);
/* One row's term: h64 of its guid, and its print. */
uint64_t	model_image_row_term(const struct model_image_row *row);
/* The sum of every row's term. */
uint64_t	model_image_rows_sum(const struct model_image_meta *meta);
/* model_image_id() of meta whose rows' sum is rows_sum. */
uint64_t	model_image_id_of(const struct model_image_meta *meta, uint64_t rows_sum);

/* Releases meta->rows; accepts a zeroed meta, leaves one. */
void	model_image_meta_free(struct model_image_meta *meta);

#endif
