/*
 * site_image_set.c — the videos' mirrored image files as one set, with a
 * manifest of their own (STATE/site-images), carried over whole when the
 * set is the last build's.
 *
 * With every image mirrored, a site of 100 000 videos has 500 000 image
 * files beside its 200 000 pages.  A rebuild for one title listed all of
 * them, found each in the old manifest, and read and wrote them back in
 * it: ~0.2 s of CPU and ~130 MB of the peak for files that did not change
 * (docs/benchmarks.md, issue 15).  An image file's path names all that
 * decides its bytes (the image key, site_images.c), and a page key is its
 * path's hash: so the set of paths is the set of files.  A build hashes
 * the paths in page order (the set's key); when the key is the one
 * STATE/site-images says, and the one the site's manifest names beside
 * it, the images are not listed at all (c->img_carry), and their manifest
 * stays as it is.  Otherwise they are listed as before, their old entries
 * loaded beside the others', and the file written again.
 *
 * Carrying over trusts the manifests as a rebuild always does (the output
 * directory is the last build's: o->trust_manifest), and never follows a
 * build that did not finish: an empty or missing output directory, or a
 * killed build's path list in the staging directory (recover_killed),
 * lists the images.  The two files are written images first: a build
 * killed between them leaves a site manifest that names the old key, so
 * the next build lists the images.  The page reads' slots skip the
 * images' pages (site_reads.c), so a table holds whether or not they were
 * listed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash64.h"
#include "site_int.h"
#include "site_write.h"

#define IMG_SET_SEED	0x696d672d7365742dULL	/* "img-set-" */

/* Each path made by site_image_path() into one array, not a buffer. */
int
site_image_set_pages(const struct site_ctx *c,
    int (*add)(void *arg, size_t vid, int variant, const char *path), void *arg)
{
	char path[SITE_IMAGE_PATH_MAX];
	size_t i;
	int no, rc = 0;

	for (i = 0; i < c->m->nvideos && rc == 0; i++)
		for (no = 0; no < IMG_NVARIANTS && rc == 0; no++)
			if (site_image_own(c, i, no)) {
				(void)site_image_path(c, i, no, path);
				rc = add(arg, i, no, path);
			}
	return rc;
}

static int
hash_path(void *arg, size_t vid, int variant, const char *path)
{
	uint64_t *h = arg;

	(void)vid;
	(void)variant;
	*h = h64_str(*h, path);
	return 0;
}

/* 1 when the output directory is missing or empty (a first build, or one
 * into a directory emptied by hand), or holds a killed build's path list. */
static int
out_unsettled(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 1;
	rc = site_dir_empty(fd) || faccessat(fd, SITE_STAGING_PATHS, F_OK, 0) == 0 ||
	    errno != ENOENT;
	close(fd);
	return rc;
}

int
site_image_set_plan(struct site_ctx *c, struct manifest *old, char *err, size_t errlen)
{
	char path[4096];
	uint64_t key = IMG_SET_SEED;
	size_t n = 0;

	c->img_old_from = old->n;
	if (site_image_set_pages(c, hash_path, &key) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->img_key = key != 0 ? key : 1;	/* 0 says "no set" in a manifest */
	if ((size_t)snprintf(path, sizeof(path), "%s/site-images", c->o->state_dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s/site-images: path too long", c->o->state_dir);
		return -1;
	}
	if (!manifest_images_head(path, &c->img_file_key, &n))
		c->img_file_key = 0;
	if (c->o->trust_manifest && c->img_file_key == c->img_key &&
	    old->images_key == c->img_key && !out_unsettled(c->o->out_dir)) {
		c->img_carry = 1;
		c->img_carried = n;
		return 0;
	}
	/* listed: their old entries beside the others (none when the file is
	 * missing: a manifest from before it held them itself) */
	return manifest_load_images(old, path, c->o->report, err, errlen);
}

int
site_image_set_save(const struct site_ctx *c, int changed, char *err, size_t errlen)
{
	char path[4096];
	struct mf_entry *e;
	size_t i;
	int rc;

	if (c->img_carry || (!changed && c->img_file_key == c->img_key))
		return 0;
	if ((e = malloc((c->img_n ? c->img_n : 1) * sizeof(*e))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < c->img_n; i++) {
		const struct page *p = &c->pages[c->img_from + i];

		e[i] = (struct mf_entry){ p->path, p->key, p->sum };
	}
	snprintf(path, sizeof(path), "%s/site-images", c->o->state_dir);
	rc = manifest_save_images(e, c->img_n, c->img_key, path, err, errlen);
	free(e);
	return rc;
}
