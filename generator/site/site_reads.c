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

/*
 * Video i's place among the others as its watch page shows it: its
 * series neighbours and its "more like this", each by its guid's hash
 * (gh), not its index, which a video added or removed moves.
 */
static uint64_t
place_state(const struct site_ctx *c, const uint64_t *gh, size_t i)
{
	const struct video *v = &c->m->videos[i];
	uint64_t h = 0x706c6163652d7631ULL;
	size_t k, n;
	const uint32_t *r = related_of(&c->rel, i, &n);

	for (k = 0; k < n; k++)
		h = h64_int(h, (int64_t)gh[r[k]]);
	h = h64_int(h, (int64_t)n);
	if (v->series >= 0) {
		size_t pos = c->ser_pos[i];

		h = h64_int(h, pos > c->ser_off[v->series] ? (int64_t)gh[c->ser_vid[pos - 1]] : 1);
		h = h64_int(h, pos + 1 < c->ser_off[v->series + 1] ?
		    (int64_t)gh[c->ser_vid[pos + 1]] : 2);
	}
	return h;
}

/*
 * Each video's state (page_reads.h: vstate): its images' and its place
 * among the others.  0, or -1 out of memory.
 */
static int
video_states(const struct site_ctx *c, uint64_t *state)
{
	const struct model *m = c->m;
	uint64_t *gh;
	size_t i;

	if ((gh = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*gh))) == NULL)
		return -1;
	for (i = 0; i < m->nvideos; i++)
		gh[i] = h64(0x677569642d763100ULL, m->videos[i].guid, GUID_LEN);
	for (i = 0; i < m->nvideos; i++)
		state[i] = h64_int(c->vimg != NULL ? vimg_state(&c->vimg[i]) : 0,
		    (int64_t)place_state(c, gh, i));
	free(gh);
	return 0;
}

/*
 * Which of the last build's videos count as changed (r->changed, one byte
 * each): its fields changed (o->changed, at this build's indices), its
 * state moved, or, with videos added or removed, it is gone.
 */
static int
mark_changed(struct site_ctx *c, struct site_reads *r)
{
	const struct site_opts *o = c->o;
	const uint32_t *map = o->base_map;
	size_t n = r->old.nvideos, i;
	uint8_t *now;

	if ((r->changed = calloc(n ? n : 1, 1)) == NULL ||
	    (now = calloc(c->m->nvideos ? c->m->nvideos : 1, 1)) == NULL)
		return -1;
	for (i = 0; i < o->nchanged; i++)
		if (o->changed[i] < c->m->nvideos)
			now[o->changed[i]] = 1;
	for (i = 0; i < n; i++) {
		size_t to = map != NULL ? map[i] : i;

		r->changed[i] = to >= c->m->nvideos || now[to] ||
		    r->old.vstate[i] != r->now.vstate[to];
	}
	free(now);
	return 0;
}

int
site_reads_start(struct site_ctx *c, struct site_reads *r)
{
	const struct model *m = c->m;
	const struct site_opts *o = c->o;
	char path[4096];

	memset(r, 0, sizeof(*r));
	if (o->model_id == 0)
		return 0;	/* nothing to pin reads on: none noted, none kept */
	if (page_reads_init(&r->now, m->nvideos, c->npages - c->img_n, o->model_id, c->skey) == -1 ||
	    video_states(c, r->now.vstate) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/page-reads", o->state_dir);
	if (o->base_id == 0 ||
	    page_reads_load(&r->old, path, o->base_id, c->skey,
	    o->base_map != NULL ? o->base_nvideos : m->nvideos,
	    o->base_map != NULL ? PAGE_READS_ANY_PAGES : c->npages - c->img_n) != 1)
		return 0;
	if (mark_changed(c, r) == -1) {
		page_reads_file_free(&r->old);
		return -1;
	}
	r->map = o->base_map;
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

/* The hash of p's path its slot keeps (page_reads_rec_disk). */
static uint32_t
path_hash(const struct page *p)
{
	return (uint32_t)h64_str(0x70617468, p->path);
}

int
site_reads_keep_key(struct site_reads *r, const struct site_ctx *c, int worker,
    const struct page *p, size_t old_entry, uint64_t published_key)
{
	if (!r->have_old)
		return 0;
	if (r->map == NULL)
		return page_reads_carry(&r->now, &r->old, slot_of(c, p), published_key,
		    site_reads_self(p), r->changed);
	/* the rest read the lists, whose order and members moved */
	if (p->kind != PK_WATCH && p->kind != PK_EMBED)
		return 0;
	/* its old entry in the site's manifest, whose pages are the table's
	 * but the images' (after them): its slot, if the path's hash agrees */
	return page_reads_carry_moved(&r->now, worker, &r->old, slot_of(c, p), old_entry,
	    published_key, path_hash(p), site_reads_self(p), r->changed, r->map);
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

/* page_reads_save()'s path_of: slot s's page's path hash. */
static uint32_t
slot_path(const void *arg, size_t s)
{
	const struct site_ctx *c = arg;

	return path_hash(&c->pages[s < c->img_from ? s : s + c->img_n]);
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
	return page_reads_save(&r->now, path, slot_path, c, err, errlen);
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
