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
 * path's hash: so the set of paths is the set of files.  The set's key
 * (site_image_set_key) hashes, in page order, what the paths are made of:
 * each video's guid and image key and the variants it owns, with
 * onlygen's own identity standing for the code that makes paths of them
 * (formatting and hashing the 500 000 paths themselves was ~30 ms of a
 * one-title rebuild's main thread).  When the key is the one
 * STATE/site-images says, and the one the site's manifest names beside
 * it, the images are not listed at all (c->img_carry), and their manifest
 * stays as it is.  Otherwise they are listed as before, their old entries
 * loaded beside the others', and the file written again.
 *
 * Carrying over trusts the manifests as a rebuild always does (the output
 * directory is the last build's: o->trust_manifest), and never follows a
 * build that did not finish: an empty or missing output directory, or a
 * killed build's path list in the staging directory (recover_killed),
 * lists the images; nor a build that does not know which onlygen it is
 * (o->code_key 0: nothing stands for the paths' code).  The two files are
 * written images first: a build killed between them leaves a site
 * manifest that names the old key, so the next build lists the images.
 * The page reads' slots skip the images' pages (site_reads.c), so a table
 * holds whether or not they were listed.
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

/*
 * One video's part of the set's key: what site_image_path() makes its
 * paths of (its guid and image key) and the variants it owns, one bit
 * each; the rest is zero.
 */
struct set_rec {
	char		guid[GUID_LEN];	/* strnlen(guid, GUID_LEN) bytes, as the path has */
	char		key[16];	/* the image key's 16 hex digits */
	uint8_t		own;		/* bit `variant`: site_image_own() */
	uint8_t		glen;
	uint8_t		pad[6];
};

uint64_t
site_image_set_key(const struct site_ctx *c)
{
	struct h64_sum_stream st;
	struct set_rec r;
	size_t i;
	uint64_t h;
	int no;

	_Static_assert(IMG_NVARIANTS <= 8, "one bit a variant");
	_Static_assert(sizeof(struct set_rec) == 60, "no padding the compiler chooses");
	h64_sum_begin(&st, h64_int(IMG_SET_SEED, (int64_t)c->o->code_key));
	for (i = 0; i < c->m->nvideos; i++) {
		const char *guid = c->m->videos[i].guid;

		/* each guid is a cache miss (a video is 216 bytes): asked for early */
		if (i + VIDEO_AHEAD < c->m->nvideos)
			__builtin_prefetch(c->m->videos[i + VIDEO_AHEAD].guid);
		memset(&r, 0, sizeof(r));
		for (no = 0; no < IMG_NVARIANTS; no++)
			if (site_image_own(c, i, no))
				r.own |= (uint8_t)(1u << no);
		if (r.own == 0)
			continue;	/* no path */
		r.glen = (uint8_t)strnlen(guid, GUID_LEN);
		memcpy(r.guid, guid, r.glen);
		memcpy(r.key, c->vimg[i].key, sizeof(r.key));
		h64_sum_update(&st, &r, sizeof(r));
	}
	h = h64_sum_end(&st);
	return h != 0 ? h : 1;	/* 0 says "no set" in a manifest */
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
	size_t n = 0;

	c->img_old_from = old->n;
	c->img_key = site_image_set_key(c);
	if ((size_t)snprintf(path, sizeof(path), "%s/site-images", c->o->state_dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s/site-images: path too long", c->o->state_dir);
		return -1;
	}
	if (!manifest_images_head(path, &c->img_file_key, &n))
		c->img_file_key = 0;
	if (c->o->trust_manifest && c->o->code_key != 0 && c->img_file_key == c->img_key &&
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
