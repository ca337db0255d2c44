/*
 * img_index.h — what the image cache holds for each video, kept between
 * builds in STATE/img-index, so that a build does not look into every
 * video's cache directory again.
 *
 * A video's state (site_int.h, struct video_img: its stills cached, its
 * preview cached or known to be missing, the og:image size read from the
 * cached JPEG's header) took a stat of the directory, an open and read of
 * the JPEG and one or two stats more: at 100 000 videos with every image
 * mirrored, 1.2-1.5 s of a one-title rebuild (docs/benchmarks.md, issue
 * 15).  The index keeps each video's state under its guid and image key.
 *
 * Only onlygen changes the cache, and only in site_images(), which
 * writes the index again whenever it changed anything.  The index is
 * valid for one cache directory as it was when the index was written:
 * its device, inode and modification time (a video's directory added or
 * removed, the cache removed and made again: another directory).  A file
 * removed inside a video's directory by hand is not seen; the build that
 * then has to publish it says so, and `onlygen build --recheck`, which
 * removes the index, looks at every directory again.
 *
 * The file (0600, path.tmp renamed; machine-local, like every state file):
 * an 80-byte header (magic, version, count, the directory's identity, the
 * checksum: h64_sum of the records seeded with the h64 of the header's
 * first 64 bytes) and a 64-byte record per video, in the order of the
 * model that wrote it, so that the next build finds video i at record i,
 * or a few records on after an addition (the hint).  Anything unexpected
 * is no index: every directory is looked at, as before.
 */
#ifndef ONLY_IMG_INDEX_H
#define ONLY_IMG_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "file_map.h"

#define IMG_INDEX_HEAD	80
#define IMG_INDEX_REC	64

struct img_index_rec {
	char		guid[40];	/* NUL-terminated, NUL-padded */
	char		key[16];	/* the image key's 16 hex digits */
	uint8_t		still, preview, no_preview, zero;	/* each 0 or 1 */
	uint16_t	og_w, og_h;
};

/* The cache directory as it is: the index is valid for this one only. */
struct img_index_dir {
	uint64_t	dev, ino;
	int64_t		mtime_s, mtime_ns;
};

struct img_index {
	struct file_map			 map;
	const struct img_index_rec	*rec;
	size_t				 n;
	uint32_t			*slot;	/* by guid: record + 1, built on the first miss */
	size_t				 nslot;
};

/* The identity of the directory at path: 0, or -1 (not a directory). */
int	img_index_dir_of(const char *path, struct img_index_dir *d);
/* Maps the index at path into ix when it is one of dir: 1.  0 when it is
 * missing, damaged or of another directory (ix zeroed). */
int	img_index_load(struct img_index *ix, const char *path, const struct img_index_dir *dir);
/* The same over size bytes already in memory, not copied (the fuzzer's entry). */
int	img_index_parse(struct img_index *ix, const void *data, size_t size,
	    const struct img_index_dir *dir);
/*
 * The record of guid under key (16 hex digits), looked for at record hint
 * first, and *at its place; NULL when there is none (or out of memory for
 * the table by guid).  Not thread safe (the table is built on the first
 * miss).
 */
const struct img_index_rec *img_index_find(struct img_index *ix, size_t hint, const char *guid,
	    const char *key, size_t *at);
/* Unmaps; accepts a zeroed ix, leaves it zeroed. */
void	img_index_free(struct img_index *ix);
/*
 * Writes n records, get(arg, i, rec) filling record i (zeroed first), as
 * the index of dir at path.  0, or -1 with err.
 */
int	img_index_save(const char *path, const struct img_index_dir *dir, size_t n,
	    void (*get)(void *arg, size_t i, struct img_index_rec *rec), void *arg,
	    char *err, size_t errlen);

#endif
