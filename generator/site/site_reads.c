/*
 * site_reads.c — a build's use of STATE/page-reads (page_reads.h): which
 * template pages keep their last key without being keyed again, and the
 * table the next build uses.
 *
 * A page keeps its key when the last build's table was recorded on the
 * model this build's was laid over (site_opts: base_id, changed), with
 * the same shared key, and none of the videos the page read changed: its
 * fields (the rows laid over) or its mirrored images (their state here
 * against the table's).  Its key is then a function of the same values,
 * so it is the key the manifest holds for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash64.h"
#include "site_int.h"

/* What of video i's mirrored images a page can show (site_images.c). */
static uint64_t
vimg_state(const struct video_img *im)
{
	uint64_t h = h64(0x70726561642d7631ULL, im->key, sizeof(im->key));

	h = h64_int(h, im->still | im->preview << 1 | im->no_preview << 2);
	return h64_int(h, (int64_t)im->og_w << 16 | im->og_h);
}

int
site_reads_start(struct site_ctx *c, struct site_reads *r)
{
	const struct model *m = c->m;
	const struct site_opts *o = c->o;
	char path[4096];
	size_t i;

	memset(r, 0, sizeof(*r));
	if (o->model_id == 0)
		return 0;	/* nothing to pin reads on: none noted, none kept */
	if (page_reads_init(&r->now, m->nvideos, c->npages - c->img_n, o->model_id, c->skey) == -1)
		return -1;
	for (i = 0; i < m->nvideos; i++)
		r->now.vimg[i] = c->vimg != NULL ? vimg_state(&c->vimg[i]) : 0;
	snprintf(path, sizeof(path), "%s/page-reads", o->state_dir);
	if (o->base_id == 0 ||
	    page_reads_load(&r->old, path, o->base_id, c->skey, m->nvideos,
	    c->npages - c->img_n) != 1)
		return 0;
	if ((r->changed = calloc(m->nvideos ? m->nvideos : 1, 1)) == NULL) {
		page_reads_file_free(&r->old);
		return -1;
	}
	for (i = 0; i < o->nchanged; i++)
		if (o->changed[i] < m->nvideos)
			r->changed[o->changed[i]] = 1;
	for (i = 0; i < m->nvideos; i++)
		if (r->old.vimg[i] != r->now.vimg[i])
			r->changed[i] = 1;
	r->have_old = 1;
	return 0;
}

/*
 * Page p's slot in the table: its index among the pages but the mirrored
 * images' (site_image_set.c), which read nothing, and which a build whose
 * image set is the last one's does not list: a table then holds for both.
 */
static size_t
slot_of(const struct site_ctx *c, const struct page *p)
{
	size_t i = (size_t)(p - c->pages);

	return i < c->img_from ? i : i - c->img_n;
}

int
site_reads_keyed(const struct site_ctx *c, const struct page *p)
{
	return site_page_template(c, p->kind) != NULL;
}

uint32_t
site_reads_self(const struct page *p)
{
	return p->kind == PK_WATCH || p->kind == PK_EMBED ? p->idx : PAGE_READS_NO_SELF;
}

int
site_reads_keep_key(struct site_reads *r, const struct site_ctx *c, const struct page *p,
    uint64_t published_key)
{
	if (!r->have_old)
		return 0;
	return page_reads_carry(&r->now, &r->old, slot_of(c, p), published_key,
	    site_reads_self(p), r->changed);
}

int
site_reads_note(struct site_reads *r, const struct site_ctx *c, int worker,
    const struct page *p, const struct page_reads_rec *rec)
{
	return page_reads_keep(&r->now, worker, slot_of(c, p), p->key, rec);
}

static int
save_task(void *arg, char *err, size_t errlen)
{
	struct site_reads *r = arg;

	return site_reads_save(r->c, r, err, errlen);
}

void
site_reads_save_start(const struct site_ctx *c, struct site_reads *r)
{
	r->c = c;
	r->saving = 1;
	pool_bg_start(&r->saver, save_task, r);
}

int
site_reads_save_join(struct site_reads *r, char *err, size_t errlen)
{
	int rc = r->saving ? pool_bg_join(&r->saver, err, errlen) : 0;

	r->saving = 0;
	return rc;
}

int
site_reads_save(const struct site_ctx *c, struct site_reads *r, char *err, size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/page-reads", c->o->state_dir);
	if (c->o->model_id == 0) {
		/* no model id to pin the reads on: none kept */
		if (unlink(path) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	return page_reads_save(&r->now, path, err, errlen);
}

void
site_reads_free(struct site_reads *r)
{
	(void)site_reads_save_join(r, NULL, 0);	/* the save reads the table */
	page_reads_free(&r->now);
	page_reads_file_free(&r->old);
	free(r->changed);
	memset(r, 0, sizeof(*r));
}
