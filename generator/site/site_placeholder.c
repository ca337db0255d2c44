/*
 * site_placeholder.c — the shared placeholder stills a video without its
 * own image shows: drawn by libvips (img_vips.c) once into
 * STATE/img-cache/placeholder-v1-*, then published like any cached image.
 *
 * A build whose cache lacks them (a creator's first build, or the bench's,
 * which copies a state holding only catalog.db) starts their encoding at
 * the very start of the command (cmd_build.c, before the pull and the
 * load) as a background task (pool.h): starting libvips and the four
 * encodes are about 0.12 s of one core at no catalog size, and the load
 * and the preparation run meanwhile.  The build joins the task where its
 * result is needed: before any other use of libvips (VIPS_INIT may not run
 * on two threads at once: site_images.c's fetch path) and before the pages
 * are rendered (they read the files, and the og:image size of the videos
 * showing the placeholder is read from its JPEG).  It runs before the
 * build takes STATE/site.lock, so each file goes through a temporary name
 * of this process (file_write_atomic_own) and a rename: two commands on
 * one state write whole files, the same bytes.  See docs/site.md, "Images".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "img_size.h"
#include "pool.h"
#include "site_int.h"

/* STATE/img-cache/placeholder-v1<suffix of variant>; 0 or -1 (too long). */
static int
placeholder_path(const struct site_opts *o, int variant, char *out, size_t cap)
{
	return site_img_cache_path(o, out, cap, NULL, IMG_PLACEHOLDER, img_suffix(variant));
}

/* 1 when one of the stills is not a regular file in the cache (or -1: too long). */
static int
placeholder_missing(const struct site_opts *o)
{
	struct stat sb;
	char path[4096];
	int v;

	for (v = 0; v < IMG_NSTILLS; v++) {
		if (placeholder_path(o, v, path, sizeof(path)) == -1)
			return -1;
		if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
			return 1;
	}
	return 0;
}

/* Draws the stills and writes them into the cache: 0, or -1 with err. */
static int
placeholder_encode(const struct site_opts *o, char *err, size_t errlen)
{
	struct img_set s;
	char path[4096];
	int v;

	if (img_start(o->img, err, errlen) == -1 ||
	    img_encode_placeholder(o->img, &s, err, errlen) == -1)
		return -1;
	for (v = 0; v < IMG_NSTILLS; v++) {
		if (placeholder_path(o, v, path, sizeof(path)) == -1 ||
		    file_write_atomic_own(path, s.data[v], s.len[v], 0644) == -1) {
			snprintf(err, errlen, "%.900s: cannot write the placeholder: %s", path,
			    strerror(errno));
			img_set_free(o->img, &s);
			return -1;
		}
	}
	img_set_free(o->img, &s);
	return 0;
}

/* The task (pool.h): the cache directory, then the stills. */
static int
placeholder_task(void *arg, char *err, size_t errlen)
{
	const struct site_placeholder *ph = arg;
	const struct site_opts *o = ph->o;
	char path[4096];
	int rc;

	if (placeholder_missing(o) == -1) {
		snprintf(err, errlen, "%.900s: path too long", o->state_dir);
		return -1;
	}
	/* site_images() makes it too, and reports its failure first */
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", o->state_dir, IMG_CACHE_DIR) <
	    sizeof(path))
		(void)mkdir(path, 0755);
	rc = placeholder_encode(o, err, errlen);
	/* libvips keeps buffers per thread: this one is done with them */
	if (o->img != NULL && o->img->started)
		img_thread_done(o->img);
	return rc;
}

void
site_placeholder_start(struct site_placeholder *ph, const struct site_opts *o)
{
	int missing;

	memset(ph, 0, sizeof(*ph));
	ph->o = o;
	if ((missing = placeholder_missing(o)) == 0)
		return;
	/* a path too long: the task says so at once, on this thread */
	pool_bg_start_on(&ph->task, placeholder_task, ph, missing == 1);
}

int
site_placeholder_join(struct site_placeholder *ph, char *err, size_t errlen)
{
	return pool_bg_join(&ph->task, err, errlen);
}

int
site_placeholder_size(struct site_ctx *c, char *err, size_t errlen)
{
	char path[4096];
	size_t i;
	int w, h;

	if (placeholder_path(c->o, IMG_JPG1280, path, sizeof(path)) == -1 ||
	    jpeg_file_size(path, &w, &h) == -1) {
		snprintf(err, errlen, "%.300s: not a readable JPEG (remove it: the next build "
		    "draws it again)", path);
		return -1;
	}
	for (i = 0; i < c->m->nvideos; i++)
		if (!c->vimg[i].still) {
			c->vimg[i].og_w = (uint16_t)w;
			c->vimg[i].og_h = (uint16_t)h;
		}
	return 0;
}
