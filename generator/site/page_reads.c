/*
 * page_reads.c — the template pages' reads, kept in STATE/page-reads
 * (page_reads.h).
 *
 * The file never leaves the machine that wrote it (its model id covers
 * the onlygen binary): integers in the machine's order.
 *
 *   header   80 bytes: magic, version, model id, shared key, structure
 *            key, videos, pages, reads, checksum (h64 of every byte after
 *            the header)
 *   videos   16 bytes each: its state (value, images, place among the
 *            others), its guid's hash
 *   pages    24 bytes each: key, reads' offset and count, own video, and
 *            its path's hash (page_reads_save's path_of) to find it again among
 *            pages added or removed
 *   reads    4 bytes each: video indices
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file_window.h"
#include "hash64.h"
#include "page_reads.h"
#include "pool.h"

#define MAGIC		"onlygen preads\n"	/* 16 bytes with its NUL */
#define VERSION		5u
#define HEADER		80
#define RECORD		24
/* The most pages and videos a file may describe (its offsets are 32-bit). */
#define COUNT_MAX	((size_t)1 << 28)

struct header {
	char		magic[16];
	uint32_t	version;
	uint32_t	zero;
	uint64_t	model_id;
	uint64_t	skey;
	uint64_t	struct_key;
	uint64_t	nvideos;
	uint64_t	npages;
	uint64_t	nreads;
	uint64_t	sum;
};
_Static_assert(sizeof(struct header) == HEADER, "page-reads header layout");
_Static_assert(sizeof(struct page_reads_rec_disk) == RECORD, "page-reads record layout");

int
page_reads_rec_init(struct page_reads_rec *r, size_t nvideos)
{
	memset(r, 0, sizeof(*r));
	r->nvideos = nvideos;
	r->self = PAGE_READS_NO_SELF;
	r->cap = 64;
	r->v = malloc(r->cap * sizeof(*r->v));
	r->seen = calloc(nvideos / 64 + 1, sizeof(*r->seen));
	if (r->v == NULL || r->seen == NULL) {
		page_reads_rec_free(r);
		return -1;
	}
	return 0;
}

void
page_reads_rec_reset(struct page_reads_rec *r, uint32_t self)
{
	size_t k;

	for (k = 0; k < r->n; k++)
		r->seen[r->v[k] / 64] = 0;
	r->n = 0;
	r->over = 0;
	r->self = self;
}

void
page_reads_rec_free(struct page_reads_rec *r)
{
	free(r->v);
	free(r->seen);
	memset(r, 0, sizeof(*r));
}

void
page_reads_note(struct page_reads_rec *r, size_t video)
{
	uint64_t bit;

	if (r == NULL || video == r->self || r->over)
		return;
	if (video >= r->nvideos) {
		r->over = 1;	/* not a video: nothing sure to keep */
		return;
	}
	bit = (uint64_t)1 << (video % 64);
	if (r->seen[video / 64] & bit)
		return;
	if (r->n == r->cap) {
		uint32_t *v;

		if (r->cap >= PAGE_READS_MAX ||
		    (v = realloc(r->v, 2 * r->cap * sizeof(*v))) == NULL) {
			r->over = 1;
			return;
		}
		r->v = v;
		r->cap *= 2;
	}
	r->seen[video / 64] |= bit;
	r->v[r->n++] = (uint32_t)video;
}

int
page_reads_init(struct page_reads *t, size_t nvideos, size_t npages, uint64_t model_id,
    uint64_t skey, uint64_t struct_key)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->model_id = model_id;
	t->skey = skey;
	t->struct_key = struct_key;
	t->nvideos = nvideos;
	t->npages = npages;
	t->vstate = calloc(nvideos ? nvideos : 1, sizeof(*t->vstate));
	t->vguid = calloc(nvideos ? nvideos : 1, sizeof(*t->vguid));
	t->slot = malloc((npages ? npages : 1) * sizeof(*t->slot));
	t->mem = calloc(POOL_MAX_WORKERS, sizeof(*t->mem));
	if (t->vstate == NULL || t->vguid == NULL || t->slot == NULL || t->mem == NULL) {
		page_reads_free(t);
		return -1;
	}
	for (i = 0; i < npages; i++) {
		t->slot[i].key = 0;
		t->slot[i].v = NULL;
		t->slot[i].n = PAGE_READS_NONE;
		t->slot[i].self = PAGE_READS_NO_SELF;
	}
	for (i = 0; i < POOL_MAX_WORKERS; i++)
		arena_init(&t->mem[i]);
	return 0;
}

void
page_reads_free(struct page_reads *t)
{
	size_t i;

	for (i = 0; t->mem != NULL && i < POOL_MAX_WORKERS; i++)
		arena_free(&t->mem[i]);
	free(t->mem);
	free(t->vstate);
	free(t->vguid);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Every slot's range and reads within the file: 0, or -1. */
static int
check_slots(const struct page_reads_file *f, uint64_t nreads)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < f->npages; i++) {
		const struct page_reads_rec_disk *r = &f->rec[i];

		if (r->self != PAGE_READS_NO_SELF && r->self >= f->nvideos)
			return -1;
		if (r->n == PAGE_READS_NONE)
			continue;
		if (r->n > PAGE_READS_MAX || r->off > nreads || r->n > nreads - r->off)
			return -1;
		for (k = 0; k < r->n; k++)
			if (f->reads[r->off + k] >= f->nvideos)
				return -1;
	}
	return 0;
}

/* The bytes a file for nvideos and npages holds before its reads. */
static size_t
fixed_part(size_t nvideos, size_t npages)
{
	return HEADER + nvideos * 2 * sizeof(uint64_t) + npages * RECORD;
}

int
page_reads_parse(struct page_reads_file *f, const void *data, size_t size, uint64_t model_id,
    uint64_t skey, uint64_t struct_key, size_t nvideos, size_t npages)
{
	const char *d = data;
	struct header h;
	size_t fixed;

	memset(f, 0, sizeof(*f));
	if (size < HEADER)
		return 0;
	memcpy(&h, d, sizeof(h));
	/* another model's (model_id 0): its own counts, the structure pinned */
	if (model_id == 0) {
		if (struct_key == 0 || h.nvideos > COUNT_MAX || h.npages > COUNT_MAX)
			return 0;
		nvideos = (size_t)h.nvideos;
		npages = (size_t)h.npages;
	}
	if (nvideos > COUNT_MAX || npages > COUNT_MAX ||
	    size < (fixed = fixed_part(nvideos, npages)) || (size - fixed) % sizeof(uint32_t) != 0)
		return 0;
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0 || h.version != VERSION || h.zero != 0 ||
	    (model_id != 0 && h.model_id != model_id) || h.skey != skey ||
	    h.struct_key != struct_key || h.nvideos != nvideos ||
	    h.npages != npages || h.nreads != (size - fixed) / sizeof(uint32_t) ||
	    h.nreads > UINT32_MAX || h64_sum(0, d + HEADER, size - HEADER) != h.sum)
		return 0;
	f->nvideos = nvideos;
	f->npages = npages;
	f->vstate = (const uint64_t *)(d + HEADER);
	f->vguid = f->vstate + nvideos;
	f->rec = (const struct page_reads_rec_disk *)(d + HEADER + nvideos * 2 * sizeof(uint64_t));
	f->reads = (const uint32_t *)(d + fixed);
	if (check_slots(f, h.nreads) == -1) {
		memset(f, 0, sizeof(*f));
		return 0;
	}
	return 1;
}

int
page_reads_load(struct page_reads_file *f, const char *path, uint64_t model_id,
    uint64_t skey, uint64_t struct_key, size_t nvideos, size_t npages)
{
	struct file_map map;
	/* another model's: any counts, up to the most there can be */
	uint64_t least = model_id != 0 ? fixed_part(nvideos, npages) : HEADER,
	    most = model_id != 0 ? fixed_part(nvideos, npages) +
	    (uint64_t)npages * PAGE_READS_MAX * sizeof(uint32_t) :
	    fixed_part(COUNT_MAX, COUNT_MAX) + (uint64_t)COUNT_MAX * PAGE_READS_MAX * sizeof(uint32_t);

	memset(f, 0, sizeof(*f));
	/*
	 * No larger than the records and the most reads they can have.
	 * Mapped, its pages in one call: the file is read once, in place (a
	 * read() into a new block was a copy and a page fault per 4 kB, most
	 * of the load at 100 000 videos on a machine whose faults are slow).
	 */
	if ((model_id == 0 && struct_key == 0) || nvideos > COUNT_MAX || npages > COUNT_MAX ||
	    file_map_path(path, least, most, FILE_MAP_POPULATE, &map) == -1)
		return 0;
	if (page_reads_parse(f, map.data, map.len, model_id, skey, struct_key, nvideos,
	    npages) != 1) {
		file_map_free(&map);
		return 0;
	}
	f->map = map;
	return 1;
}

void
page_reads_file_free(struct page_reads_file *f)
{
	file_map_free(&f->map);
	memset(f, 0, sizeof(*f));
}

int
page_reads_carry(struct page_reads *t, const struct page_reads_file *f, size_t s,
    uint64_t key, uint32_t self, const uint8_t *changed)
{
	const struct page_reads_rec_disk *r = &f->rec[s];
	const uint32_t *v = f->reads + r->off;
	uint32_t k;

	if (r->n == PAGE_READS_NONE || r->key != key || r->self != self ||
	    (self != PAGE_READS_NO_SELF && changed[self]))
		return 0;
	for (k = 0; k < r->n; k++)
		if (changed[v[k]])
			return 0;
	t->slot[s].key = key;
	t->slot[s].v = v;
	t->slot[s].n = r->n;
	t->slot[s].self = self;
	return 1;
}

int
page_reads_carry_moved(struct page_reads *t, int worker, const struct page_reads_file *f,
    size_t s, size_t from, uint64_t key, uint32_t path, uint32_t self, const uint8_t *changed,
    const uint32_t *map)
{
	const struct page_reads_rec_disk *r;
	const uint32_t *v;
	uint32_t k, *w;

	if (from >= f->npages)
		return 0;
	r = &f->rec[from];
	v = f->reads + r->off;
	if (r->n == PAGE_READS_NONE || r->key != key || r->path != path)
		return 0;
	/* its own video: the same one, at its index now */
	if (r->self == PAGE_READS_NO_SELF ? self != PAGE_READS_NO_SELF :
	    changed[r->self] || map[r->self] != self)
		return 0;
	for (k = 0; k < r->n; k++)
		if (changed[v[k]])
			return 0;
	/* the reads at their indices now, for the next build (the map is
	 * one to one: still each once, never the page's own) */
	if ((w = arena_take(&t->mem[worker], (r->n ? r->n : 1) * sizeof(*w))) == NULL)
		return -1;
	for (k = 0; k < r->n; k++)
		w[k] = map[v[k]];
	t->slot[s].key = key;
	t->slot[s].v = w;
	t->slot[s].n = r->n;
	t->slot[s].self = self;
	return 1;
}

int
page_reads_keep(struct page_reads *t, int worker, size_t s, uint64_t key,
    const struct page_reads_rec *rec)
{
	uint32_t *v;

	t->slot[s].key = key;
	t->slot[s].n = PAGE_READS_NONE;
	t->slot[s].self = rec->self;
	if (rec->over)
		return 0;
	if ((v = arena_take(&t->mem[worker], (rec->n ? rec->n : 1) * sizeof(*v))) == NULL)
		return -1;
	memcpy(v, rec->v, rec->n * sizeof(*v));
	t->slot[s].v = v;
	t->slot[s].n = (uint32_t)rec->n;
	return 0;
}

int
page_reads_save(const struct page_reads *t, const char *path,
    uint32_t (*path_of)(const void *arg, size_t slot), const void *arg, char *err,
    size_t errlen)
{
	struct header h;
	struct file_out o;
	uint64_t nreads = 0, body;
	size_t i;

	for (i = 0; i < t->npages; i++)
		if (t->slot[i].n != PAGE_READS_NONE)
			nreads += t->slot[i].n;
	if (nreads > UINT32_MAX || t->nvideos > COUNT_MAX || t->npages > COUNT_MAX) {
		snprintf(err, errlen, "%s: too many reads to keep", path);
		return -1;
	}
	body = fixed_part(t->nvideos, t->npages) - HEADER + nreads * sizeof(uint32_t);
	if (file_out_open(&o, path, HEADER, err, errlen) == -1)
		return -1;
	for (i = 0; i < t->nvideos; i++)
		file_out_put(&o, &t->vstate[i], sizeof(t->vstate[i]));
	for (i = 0; i < t->nvideos; i++)
		file_out_put(&o, &t->vguid[i], sizeof(t->vguid[i]));
	nreads = 0;
	for (i = 0; i < t->npages; i++) {
		const struct page_reads_slot *sl = &t->slot[i];
		struct page_reads_rec_disk r;

		r.key = sl->key;
		r.n = sl->n;
		r.off = sl->n == PAGE_READS_NONE ? 0 : (uint32_t)nreads;
		r.self = sl->self;
		r.path = sl->n == PAGE_READS_NONE ? 0 : path_of(arg, i);
		if (sl->n != PAGE_READS_NONE)
			nreads += sl->n;
		file_out_put(&o, &r, sizeof(r));
	}
	for (i = 0; i < t->npages; i++)
		if (t->slot[i].n != PAGE_READS_NONE && t->slot[i].n > 0)
			file_out_put(&o, t->slot[i].v, t->slot[i].n * sizeof(uint32_t));
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	h.version = VERSION;
	h.model_id = t->model_id;
	h.skey = t->skey;
	h.struct_key = t->struct_key;
	h.nvideos = t->nvideos;
	h.npages = t->npages;
	h.nreads = nreads;
	h.sum = file_out_sum(&o);
	return file_out_close(&o, &h, sizeof(h), body, err, errlen);
}
