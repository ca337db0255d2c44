/*
 * site_write.h — publishing files into the served directory atomically and
 * incrementally, and the manifest that remembers what was published.
 *
 * Scheme (docs/site.md): each changed file is first written in full into
 * the staging directory OUT/.onlygen-staging/ (same file system, never
 * linked from any page); once every file of the build is rendered, the
 * staged files are renamed into place (rename(2) is atomic: a reader sees
 * the old or the new file, never a mix), new files before changed ones,
 * and stale files are removed last.  Before the first rename the list of
 * paths being published is written to the staging directory, so the next
 * build knows whether a killed build had started publishing.  A first
 * build into an empty directory writes most files in place instead
 * (site_write_at), after writing that list.
 *
 * The manifest (state_dir/site-manifest) maps each published path to a
 * key (a hash of everything the page was rendered from) and a checksum of
 * its bytes.  Ownership: manifest_free() releases a manifest and accepts a
 * zeroed one; entries' paths are owned by the manifest.
 */
#ifndef ONLY_SITE_WRITE_H
#define ONLY_SITE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "file_map.h"
#include "file_release.h"
#include "report.h"

#define SITE_STAGING	".onlygen-staging"
#define SITE_STAGING_LIST	"paths"	/* in SITE_STAGING: the paths being published */
#define SITE_STAGING_PATHS	SITE_STAGING "/" SITE_STAGING_LIST
#define SITE_PATH_MAX	512	/* bytes of one path under the output directory */

struct mf_entry {
	char		*path;	/* relative to the output directory */
	uint64_t	 key;	/* hash of the page's inputs */
	uint64_t	 sum;	/* hash of the page's bytes */
};

/* The files a manifest is loaded from: STATE/site-manifest, then the
 * mirrored images' STATE/site-images (manifest_load_images). */
#define MANIFEST_TEXTS	2

struct manifest {
	struct mf_entry	*e;
	size_t		 n, cap;
	uint64_t	*slot;	/* open addressing: the path's hash >> 32 << 32
				 * | index + 1, or 0 (site_write.c) */
	size_t		 nslot;
	uint64_t	 access_sum;	/* checksum of access.db's rows */
	uint64_t	 images_key;	/* the image set STATE/site-images lists
					 * beside this manifest; 0: none (the
					 * images, if any, are among its entries) */
	struct file_map	 text[MANIFEST_TEXTS];	/* the loaded files, copied
				 * privately: the loaded entries' paths point
				 * into them (no copy per path); manifest_put
				 * copies */
};

/*
 * Loads file; a missing file gives an empty manifest, and so does a damaged
 * one, reported as a warning through rep (may be NULL): it only costs a
 * full comparison.  0 or -1 with err.
 */
int	manifest_load(struct manifest *mf, const char *file, const struct reporter *rep,
	    char *err, size_t errlen);
/*
 * The mirrored images' manifest (STATE/site-images): a build whose image
 * set is the last one's neither reads nor writes it (site_image_set.c).
 * manifest_load_images() adds its entries to mf's (after them); a missing
 * file adds none, and so does a damaged one, reported as a warning.  0 or
 * -1 with err (out of memory: mf as it was).
 */
int	manifest_load_images(struct manifest *mf, const char *file,
	    const struct reporter *rep, char *err, size_t errlen);
/* The image set's key and entries' count its first line gives: 1, or 0
 * when the file is missing or its first line does not read. */
int	manifest_images_head(const char *file, uint64_t *key, size_t *n);
/* Writes n entries as the images' manifest of set key. */
int	manifest_save_images(const struct mf_entry *e, size_t n, uint64_t key,
	    const char *file, char *err, size_t errlen);
/* The entry for path, or NULL. */
const struct mf_entry *manifest_find(const struct manifest *mf, const char *path);
/*
 * The same for the page listed i-th: a manifest is saved in page order,
 * so its entry is usually at i, shifted by the pages added or removed
 * before it (*shift, as the last one found says): one string comparison
 * in order instead of a hash and a random probe into a table of 700 000
 * entries; by hash otherwise, which moves *shift.
 */
const struct mf_entry *manifest_find_near(const struct manifest *mf, const char *path,
	    size_t i, ptrdiff_t *shift);
/* Adds (or replaces) path.  0, or -1 when out of memory. */
int	manifest_put(struct manifest *mf, const char *path, uint64_t key, uint64_t sum);
/* Writes the manifest to file through a temporary and a rename. */
int	manifest_save(const struct manifest *mf, const char *file, char *err, size_t errlen);
/* The same for n entries given as they are (a build's pages: no manifest
 * built to hold them), access.db's checksum and the image set's key. */
int	manifest_save_entries(const struct mf_entry *e, size_t n, uint64_t access_sum,
	    uint64_t images_key, const char *file, char *err, size_t errlen);
void	manifest_free(struct manifest *mf);

/* 1 when path is a safe relative path: no "..", no leading '/', no empty or
 * dot-leading segments, [A-Za-z0-9._/-] only, < SITE_PATH_MAX bytes. */
int	site_path_ok(const char *path);
/* The same for the n bytes at path (no NUL among them). */
int	site_path_okn(const char *path, size_t n);

/*
 * Creates the staging directory under dirfd, emptying a stale one; with
 * keep_paths, a path list left there (SITE_STAGING_PATHS) stays: a killed
 * build's, which the next build must see until its own manifest is saved.
 */
int	site_staging_open(int dirfd, int keep_paths, char *err, size_t errlen);
/* Removes the staging directory and what is left in it (rel: the
 * directories let go of there, file_release.h; NULL: here). */
void	site_staging_remove(int dirfd, struct file_release *rel);
/* Removes the staged files; with keep_paths the path list (and so the
 * directory) stays, for a build that failed after writing served files. */
void	site_staging_clear(int dirfd, int keep_paths);
/*
 * Staged files SITE_STAGE_RUN consecutive ids apart are in different
 * directories: a writer that claims runs of that many ids (site_build.c's
 * render workers) never creates files in another writer's directory.  A
 * rebuild that stages a few hundred files uses one or two directories:
 * each is made and removed again, and on ext4 each of those is a
 * journalled change that may wait for a commit (docs/benchmarks.md,
 * issue 15).
 */
#define SITE_STAGE_RUN	256
/* Writes len bytes to staged file number id.  0, or -1 with err. */
int	site_stage(int dirfd, size_t id, const void *data, size_t len, char *err,
	    size_t errlen);
/* Creates the parent directories of path under dirfd (so publishing is a
 * bare rename); an empty directory is never served as a page.  0 or -1. */
int	site_mkparents(int dirfd, const char *path);
/*
 * Writes len bytes straight to path, whose directories exist: a first
 * build into an empty directory, where nothing is served yet (site_build.c,
 * docs/site.md "Atomic publishing").  0, or -1 with err.
 */
int	site_write_at(int dirfd, const char *path, const void *data, size_t len,
	    char *err, size_t errlen);
/*
 * As site_write_at(), for the build's own files in the staging directory
 * (SITE_STAGING_PATHS: no served path, no path check): mode 0600,
 * replaced, or with append added to at its end.  0, or -1 with err.
 */
int	site_write_private(int dirfd, const char *path, const void *data, size_t len,
	    int append, char *err, size_t errlen);
/*
 * Puts staged file id at path, creating parent directories: exchanged
 * with the regular file there (its old name then removed: site_write.c,
 * exchange()), else renamed.  rel: the file it replaces is let go of
 * there (file_release.h); NULL: here, as for a path that is new.  0 or -1.
 */
int	site_publish(int dirfd, size_t id, const char *path, struct file_release *rel,
	    char *err, size_t errlen);
/* Removes path, then its parent directories while they are empty (rel as
 * for site_publish).  0 or -1. */
int	site_remove(int dirfd, const char *path, struct file_release *rel, char *err,
	    size_t errlen);
/* 1 when path exists under dirfd with exactly these bytes, else 0. */
int	site_same_bytes(int dirfd, const char *path, const void *data, size_t len);
/* 1 when path exists under dirfd. */
int	site_exists(int dirfd, const char *path);

#endif
