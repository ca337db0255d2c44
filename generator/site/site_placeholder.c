/*
 * site_placeholder.c — the shared placeholder stills a video without its
 * own image shows: drawn by libvips (img_vips.c) once into
 * STATE/img-cache/placeholder-v1-*, then published like any cached image.
 *
 * A build whose cache lacks them (a creator's first build, or the bench's,
 * which copies a state holding only catalog.db) starts their encoding at
 * its very beginning on a thread of its own: starting libvips and the four
 * encodes are about 0.12 s of one core at no catalog size, and the rest of
 * the preparation runs meanwhile.  The build joins the task where its
 * result is needed: before any other use of libvips (VIPS_INIT may not run
 * on two threads at once: site_images.c's fetch path) and before the pages
 * are rendered (they read the files, and the og:image size of the videos
 * showing the placeholder is read from its JPEG).  A task that cannot start
 * runs at once on the caller's thread.  See docs/site.md, "Images".
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
		    file_write_atomic(path, s.data[v], s.len[v], 0644) == -1) {
			snprintf(err, errlen, "%.900s: cannot write the placeholder: %s", path,
			    strerror(errno));
			img_set_free(o->img, &s);
			return -1;
		}
	}
	img_set_free(o->img, &s);
	return 0;
}

/* The task: the cache directory, then the stills (ph->rc, ph->err). */
static void
placeholder_run(struct site_placeholder *ph)
{
	char path[4096];

	/* site_images() makes it too, and reports its failure first */
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", ph->o->state_dir, IMG_CACHE_DIR) <
	    sizeof(path))
		(void)mkdir(path, 0755);
	ph->rc = placeholder_encode(ph->o, ph->err, sizeof(ph->err));
}

static void
placeholder_task(void *arg)
{
	struct site_placeholder *ph = arg;

	placeholder_run(ph);
	/* libvips keeps buffers per thread: this one ends here */
	if (ph->o->img != NULL && ph->o->img->started)
		img_thread_done(ph->o->img);
}

void
site_placeholder_start(struct site_ctx *c)
{
	struct site_placeholder *ph = &c->ph;
	int missing;

	memset(ph, 0, sizeof(*ph));
	ph->o = c->o;
	if ((missing = placeholder_missing(c->o)) == 0)
		return;
	ph->pending = 1;
	if (missing == -1) {
		ph->rc = -1;
		snprintf(ph->err, sizeof(ph->err), "%s: path too long", c->o->state_dir);
		return;
	}
	if ((ph->task = pool_task_start(placeholder_task, ph)) == NULL)
		placeholder_run(ph);
}

int
site_placeholder_join(struct site_ctx *c, char *err, size_t errlen)
{
	struct site_placeholder *ph = &c->ph;

	if (!ph->pending)
		return 0;
	if (ph->task != NULL)
		pool_task_join(ph->task);
	ph->task = NULL;
	ph->pending = 0;
	if (ph->rc == -1) {
		snprintf(err, errlen, "%s", ph->err);
		return -1;
	}
	return 0;
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
