/*
 * site_reads.c — a build's use of STATE/page-reads (page_reads.h): which
 * template pages keep their last key without being keyed again, and the
 * table the next build uses.
 *
 * A page keeps its key when the last build's table was recorded on the
 * model this build's was laid over (site_opts: base_id, changed), with
 * the same shared key, and none of the videos the page read changed: its
 * fields (the rows laid over) or its state (value, images and place here
 * against the table's).  Over another model with the same structure key
 * (a video added or removed), the videos are paired by their guids'
 * hashes and only watch and embed pages are carried, by their states.
 * Its key is then a function of the same values, so it is the key the
 * manifest holds for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash64.h"
#include "model_diff.h"
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
		h = h64_mix(h, gh[r[k]]);
	h = h64_mix(h, n);
	if (v->series >= 0) {
		size_t pos = c->ser_pos[i];

		h = h64_mix(h, pos > c->ser_off[v->series] ? gh[c->ser_vid[pos - 1]] : 1);
		h = h64_mix(h, pos + 1 < c->ser_off[v->series + 1] ? gh[c->ser_vid[pos + 1]] : 2);
	}
	return h;
}

/* A guid's hash (site_index() checked it: GUID_LEN bytes), its words mixed. */
static uint64_t
guid_hash(const char *guid)
{
	uint64_t w[5] = { 0 }, h = 0x677569642d763100ULL;
	size_t k;

	memcpy(w, guid, GUID_LEN);
	for (k = 0; k < 5; k++)
		h = h64_mix(h, w[k]);
	return h64_mix(h, h >> 29);
}

/*
 * Each video's value (model_video_value) and its guid's hash, into
 * c->vvals and c->vguids: what its state needs of the model alone, worked
 * out from the start of site_build().  It was most of the states' task,
 * which waits for the related lists: after a video added at 100 000
 * videos, ~40 ms with the main thread waiting on it (docs/benchmarks.md,
 * issue 15).
 */
static int
values_task(void *arg, char *err, size_t errlen)
{
	struct site_ctx *c = arg;
	const struct model *m = c->m;
	struct model_value_memo memo;
	size_t n = m->nvideos ? m->nvideos : 1, i;

	if ((c->vguids = malloc(n * sizeof(*c->vguids))) == NULL ||
	    (c->vvals = malloc(n * sizeof(*c->vvals))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(&memo, 0, sizeof(memo));
	for (i = 0; i < m->nvideos; i++)
		c->vguids[i] = guid_hash(m->videos[i].guid);
	for (i = 0; i < m->nvideos; i++) {
		/* its thumbnail's name is hashed unless it is the last one's
		 * string: after a merge each video has its own, a miss */
		if (i + VIDEO_AHEAD < m->nvideos)
			__builtin_prefetch(m->videos[i + VIDEO_AHEAD].thumbnail);
		c->vvals[i] = model_video_value(&m->videos[i], &memo);
	}
	return 0;
}

/*
 * Each video's value and place (page_reads.h: vstate, but its images',
 * which site_reads_start() mixes in once their og:image size is known),
 * into c->vstates: site_build()'s task, started once the related lists
 * and the series are known, and the values.
 */
static int
states_task(void *arg, char *err, size_t errlen)
{
	struct site_ctx *c = arg;
	size_t n = c->m->nvideos ? c->m->nvideos : 1, i;

	if ((c->vstates = malloc(n * sizeof(*c->vstates))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < c->m->nvideos; i++)
		c->vstates[i] = h64_mix(place_state(c, c->vguids, i), c->vvals[i]);
	return 0;
}

void
site_reads_values(struct site_ctx *c)
{
	if (c->o->model_id != 0)
		pool_bg_start(&c->values_task, values_task, c);
}

void
site_reads_prepare(struct site_ctx *c)
{
	/* no values (out of memory): no states, and video_states() says so */
	if (c->o->model_id != 0 && pool_bg_join(&c->values_task, NULL, 0) == 0 &&
	    c->vvals != NULL)
		pool_bg_start(&c->states_task, states_task, c);
}

/*
 * The task's states, taken into t with each video's images' mixed in.  0,
 * or -1 out of memory.
 */
static int
video_states(struct site_ctx *c, struct page_reads *t)
{
	size_t i;

	if (pool_bg_join(&c->states_task, NULL, 0) == -1 || c->vstates == NULL)
		return -1;
	free(t->vstate);
	free(t->vguid);
	t->vstate = c->vstates;
	t->vguid = c->vguids;
	c->vstates = c->vguids = NULL;
	for (i = 0; c->vimg != NULL && i < c->m->nvideos; i++)
		t->vstate[i] = h64_mix(t->vstate[i], vimg_state(&c->vimg[i]));
	return 0;
}

/* What another model must share with this one for its table to be used
 * here (page_reads.h): onlygen and the model's tables; 0 when onlygen's
 * identity is not known. */
static uint64_t
struct_key(const struct site_ctx *c)
{
	uint64_t h;

	if (c->o->code_key == 0)
		return 0;
	h = h64_mix(h64_mix(0x7374727563742d31ULL, c->o->code_key), model_tables_key(c->m));
	return h != 0 ? h : 1;
}

/*
 * The last build's videos paired with this build's by their guids'
 * hashes (old's video i is this build's r->map[i], or UINT32_MAX): an
 * open-addressed table of this build's.  0; 1 when two of this build's
 * share a hash (no pairing); -1 out of memory.
 */
static int
pair_videos(const struct site_ctx *c, struct site_reads *r)
{
	const uint64_t *now = r->now.vguid, *old = r->old.vguid;
	size_t n = c->m->nvideos, cap = 16, i, k;
	uint32_t *slot, *map;

	while (cap < 2 * n)
		cap *= 2;
	if ((slot = malloc(cap * sizeof(*slot))) == NULL)
		return -1;
	memset(slot, 0xff, cap * sizeof(*slot));
	for (i = 0; i < n; i++) {
		for (k = now[i] & (cap - 1); slot[k] != UINT32_MAX; k = (k + 1) & (cap - 1))
			if (now[slot[k]] == now[i]) {
				free(slot);
				return 1;
			}
		slot[k] = (uint32_t)i;
	}
	if ((map = malloc((r->old.nvideos ? r->old.nvideos : 1) * sizeof(*map))) == NULL) {
		free(slot);
		return -1;
	}
	for (i = 0; i < r->old.nvideos; i++) {
		for (k = old[i] & (cap - 1); slot[k] != UINT32_MAX && now[slot[k]] != old[i];
		    k = (k + 1) & (cap - 1))
			;
		map[i] = slot[k];
	}
	free(slot);
	r->map = map;
	return 0;
}

/*
 * Which of the last build's videos count as changed (r->changed, one byte
 * each): its fields changed (o->changed, at this build's indices), its
 * state moved, or, over another model (r->map), it is gone.
 */
static int
mark_changed(struct site_ctx *c, struct site_reads *r)
{
	const struct site_opts *o = c->o;
	const uint32_t *map = r->map;
	size_t n = r->old.nvideos, i;
	uint8_t *now;

	if ((r->changed = calloc(n ? n : 1, 1)) == NULL)
		return -1;
	if (map != NULL) {	/* another model: o->changed names none of old's */
		for (i = 0; i < n; i++)
			r->changed[i] = map[i] >= c->m->nvideos ||
			    r->old.vstate[i] != r->now.vstate[map[i]];
		return 0;
	}
	if ((now = calloc(c->m->nvideos ? c->m->nvideos : 1, 1)) == NULL)
		return -1;
	for (i = 0; i < o->nchanged; i++)
		if (o->changed[i] < c->m->nvideos)
			now[o->changed[i]] = 1;
	for (i = 0; i < n; i++)
		r->changed[i] = i >= c->m->nvideos || now[i] || r->old.vstate[i] != r->now.vstate[i];
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
	if (page_reads_init(&r->now, m->nvideos, c->npages - c->img_n, o->model_id, c->skey,
	    struct_key(c)) == -1 || video_states(c, &r->now) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/page-reads", o->state_dir);
	/* the model the table was recorded on, with some fields changed; else
	 * any model of the same structure, its videos paired by guid */
	if (o->base_id == 0 || page_reads_load(&r->old, path, o->base_id, c->skey,
	    r->now.struct_key, m->nvideos, c->npages - c->img_n) != 1) {
		int paired;

		if (r->now.struct_key == 0 || page_reads_load(&r->old, path, 0, c->skey,
		    r->now.struct_key, 0, 0) != 1)
			return 0;
		if ((paired = pair_videos(c, r)) != 0)
			return paired == -1 ? -1 : 0;	/* out of memory, or no pairing */
	}
	if (mark_changed(c, r) == -1) {
		page_reads_file_free(&r->old);
		return -1;
	}
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
	free(r->map);
	memset(r, 0, sizeof(*r));
}
