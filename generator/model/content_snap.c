/*
 * content_snap.c — see content_snap.h.  The file: a magic line, the key,
 * content/'s digest, the payload's length and its h64_sum, then the
 * payload: the number of files and of entries; per file its name, length,
 * h64_sum, kind, warnings and records; per record its h64, length,
 * position, warnings and, when it gave an entry, that entry's sorted
 * place; then the entries in sorted order, each field as the struct holds
 * it (integers in the machine's order: the file never leaves the machine
 * that wrote it, and the key covers the binary that reads it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content_snap.h"
#include "file_window.h"
#include "file_map.h"
#include "hash64.h"
#include "huge_pages.h"
#include "pool.h"

#define SNAP_MAGIC	"onlygen content-snap 4\n"
#define SNAP_HEAD	(sizeof(SNAP_MAGIC) - 1 + 4 * sizeof(uint64_t))
#define SNAP_STR_MAX	((uint32_t)1 << 24)	/* a title or description is far smaller */
#define SNAP_NO_STR	UINT32_MAX		/* a NULL string */
#define SNAP_REC_MIN	(8 + 4 + 4 + 4 + 4 + 1)	/* the fewest bytes a record takes */
#define SNAP_ENTRIES_MAX ((uint64_t)1 << 24)	/* content.c takes 100 000 files */

/* Reading: a cursor that refuses to pass the end. */
struct cur {
	const char	*p, *end;
	int		 bad, oom;
};

static void
get(struct cur *r, void *out, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static uint32_t
get_u32(struct cur *r)
{
	uint32_t v;

	get(r, &v, sizeof(v));
	return v;
}

static uint64_t
get_u64(struct cur *r)
{
	uint64_t v;

	get(r, &v, sizeof(v));
	return v;
}

static unsigned char
get_u8(struct cur *r)
{
	unsigned char v;

	get(r, &v, sizeof(v));
	return v;
}

/* A string, NULL for SNAP_NO_STR (or when bad). */
static char *
get_str(struct cur *r)
{
	uint32_t n = get_u32(r);
	char *s;

	if (r->bad || n == SNAP_NO_STR)
		return NULL;
	if (n > SNAP_STR_MAX || (size_t)(r->end - r->p) < n || memchr(r->p, '\0', n) != NULL) {
		r->bad = 1;
		return NULL;
	}
	if ((s = malloc((size_t)n + 1)) == NULL) {
		r->oom = r->bad = 1;
		return NULL;
	}
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	return s;
}

/* A string's bytes where the cursor is, not copied: *s (NULL for SNAP_NO_STR or when bad), *n. */
static void
get_span(struct cur *r, const char **s, uint32_t *n)
{
	*s = NULL;
	*n = get_u32(r);
	if (r->bad || *n == SNAP_NO_STR)
		return;
	if (*n > SNAP_STR_MAX || (size_t)(r->end - r->p) < *n || memchr(r->p, '\0', *n) != NULL) {
		r->bad = 1;
		return;
	}
	*s = r->p;
	r->p += *n;
}

/* Copies s[0..n) and a NUL to *at, moving it on. */
static char *
copy_str(char **at, const char *s, uint32_t n)
{
	char *d = *at;

	memcpy(d, s, n);
	d[n] = '\0';
	*at += (size_t)n + 1;
	return d;
}

/*
 * One entry; its categories checked against ncat.  Its categories, tags
 * and strings are one slice of the set's arena, mem (content.h:
 * in_arena): a malloc each was ~700 000 at 100 000 entries, then one
 * (~25 ms with their frees, the frees on the main thread after a merge).
 * 0 or -1 (e left empty).
 */
static int
get_entry(struct cur *r, struct content_entry *e, size_t ncat, struct arena *mem)
{
	const char *tag[CONTENT_MAX_REFS], *str[3];
	uint32_t tlen[CONTENT_MAX_REFS], slen[3], cat[CONTENT_MAX_REFS], i, nc, nt;
	unsigned char f[6];
	size_t size;
	char *at;

	memset(e, 0, sizeof(*e));
	get(r, e->guid, sizeof(e->guid));
	if (e->guid[GUID_LEN] != '\0' || strlen(e->guid) != GUID_LEN)
		r->bad = 1;
	if ((nc = get_u32(r)) > CONTENT_MAX_REFS)
		r->bad = 1;
	for (i = 0; i < nc && !r->bad; i++)
		if ((cat[i] = get_u32(r)) >= ncat)
			r->bad = 1;
	if ((nt = get_u32(r)) > CONTENT_MAX_REFS)
		r->bad = 1;
	for (i = 0; i < nt && !r->bad; i++) {
		get_span(r, &tag[i], &tlen[i]);
		if (tag[i] == NULL)
			r->bad = 1;
	}
	for (i = 0; i < 3; i++)
		get_span(r, &str[i], &slen[i]);	/* series, title, description */
	get(r, &e->season, sizeof(e->season));
	get(r, &e->episode, sizeof(e->episode));
	get(r, f, sizeof(f));
	if (f[5] > ACCESS_PPV)
		r->bad = 1;
	if (r->bad) {
		memset(e, 0, sizeof(*e));
		return -1;
	}
	e->has_categories = f[0];
	e->has_tags = f[1];
	e->has_access = f[2];
	e->featured = f[3];
	e->hidden = f[4];
	e->access = (enum access_level)f[5];
	/* the arrays first (size_t and char * alignment), then the strings */
	size = (size_t)nc * sizeof(*e->categories) + (size_t)nt * sizeof(*e->tags);
	for (i = 0; i < nt; i++)
		size += (size_t)tlen[i] + 1;
	for (i = 0; i < 3; i++)
		size += str[i] != NULL ? (size_t)slen[i] + 1 : 0;
	if (size == 0)
		return 0;
	/* in the set's arena, not a malloc each (content.h: entry_mem) */
	if ((at = arena_take(mem, size)) == NULL) {
		r->oom = r->bad = 1;
		memset(e, 0, sizeof(*e));
		return -1;
	}
	e->in_arena = 1;
	if (nc > 0) {
		e->categories = (size_t *)(void *)at;
		for (i = 0; i < nc; i++)
			e->categories[i] = cat[i];
		e->ncategories = nc;
		at += (size_t)nc * sizeof(*e->categories);
	}
	if (nt > 0) {
		e->tags = (char **)(void *)at;
		at += (size_t)nt * sizeof(*e->tags);
		for (i = 0; i < nt; i++)
			e->tags[i] = copy_str(&at, tag[i], tlen[i]);
		e->ntags = nt;
	}
	e->series = str[0] != NULL ? copy_str(&at, str[0], slen[0]) : NULL;
	e->title = str[1] != NULL ? copy_str(&at, str[1], slen[1]) : NULL;
	e->description = str[2] != NULL ? copy_str(&at, str[2], slen[2]) : NULL;
	return 0;
}

static int
get_file(struct cur *r, struct content_snap_set *set, unsigned char *filled,
    struct content_snap_file *f)
{
	struct content_snap_rec *rec;
	uint64_t n, i;

	f->name = get_str(r);
	f->size = get_u64(r);
	f->sum = get_u64(r);
	f->per_member = get_u8(r);
	f->warnings = get_str(r);
	n = get_u64(r);
	if (r->bad || f->name == NULL || f->per_member > 1 ||
	    n > (uint64_t)(r->end - r->p) / SNAP_REC_MIN)
		return r->bad = 1, -1;
	if (n > 0 && (f->recs = calloc((size_t)n, sizeof(*f->recs))) == NULL)
		return r->oom = r->bad = 1, -1;
	f->cap = (size_t)n;
	for (i = 0; i < n && !r->bad; i++) {
		rec = &f->recs[f->nrecs++];
		rec->sum = get_u64(r);
		rec->len = get_u32(r);
		rec->line = get_u32(r);
		rec->col = get_u32(r);
		rec->warnings = get_str(r);
		if ((rec->has_entry = get_u8(r)) > 1)
			r->bad = 1;
		else if (rec->has_entry) {
			/* each entry once, in its sorted place */
			rec->rank = get_u32(r);
			if (r->bad || rec->rank >= set->nentries || filled[rec->rank])
				r->bad = 1;
			else
				filled[rec->rank] = 1;
		}
	}
	return r->bad ? -1 : 0;
}

/*
 * The header and the files of a snapshot: 1, *r then at the first entry
 * and *filled set->nentries bytes (each entry's place named by a record);
 * 0 not a snapshot of this key, or not whole (set empty); -1 out of memory
 * (set empty).
 */
static int
parse_files(struct cur *r, uint64_t key, struct content_snap_set *set,
    unsigned char **filled)
{
	uint64_t k, tree, plen, sum, nfiles, nentries, i, cap;

	*filled = NULL;
	if ((size_t)(r->end - r->p) < SNAP_HEAD ||
	    memcmp(r->p, SNAP_MAGIC, sizeof(SNAP_MAGIC) - 1) != 0)
		return 0;
	r->p += sizeof(SNAP_MAGIC) - 1;
	k = get_u64(r);
	tree = get_u64(r);
	plen = get_u64(r);
	sum = get_u64(r);
	if (k != key || plen != (uint64_t)(r->end - r->p) || h64_sum(0, r->p, (size_t)plen) != sum)
		return 0;
	nfiles = get_u64(r);
	nentries = get_u64(r);
	/* each file and entry takes bytes of the payload: a bound on their number */
	if (r->bad || nfiles > (uint64_t)(r->end - r->p) || nentries > (uint64_t)(r->end - r->p) ||
	    nentries > SNAP_ENTRIES_MAX)
		return 0;
	if (nfiles > 0 && (set->files = calloc((size_t)nfiles, sizeof(*set->files))) == NULL)
		return -1;
	cap = content_entries_cap((size_t)nentries);
	/* not calloc(): zeroing 100 000 entries costs more than filling them */
	if (nentries > 0 && ((set->entries = malloc((size_t)cap * sizeof(*set->entries))) == NULL ||
	    (*filled = calloc((size_t)nentries, 1)) == NULL)) {
		free(set->entries);
		set->entries = NULL;
		content_snap_set_free(set);
		return -1;
	}
	/* ~16 MB at 100 000 entries: faulted in 2 MB at a time, not 4 kB */
	huge_pages_hint(set->entries, (size_t)nentries * sizeof(*set->entries));
	set->nentries = (size_t)nentries;
	set->cap = (size_t)nfiles;
	set->tree = tree;
	for (i = 0; i < nfiles && !r->bad; i++) {
		get_file(r, set, *filled, &set->files[set->nfiles++]);
		if (!r->bad && i > 0 && strcmp(set->files[i - 1].name, set->files[i].name) >= 0)
			r->bad = 1;	/* in name order, as content.c reads them */
	}
	for (i = 0; i < nentries && !r->bad; i++)
		if (!(*filled)[i])
			r->bad = 1;	/* a place no record named */
	if (!r->bad)
		return 1;
	if (set->entries != NULL)	/* nothing decoded: nothing to free */
		memset(set->entries, 0, set->nentries * sizeof(*set->entries));
	free(*filled);
	*filled = NULL;
	content_snap_set_free(set);
	return r->oom ? -1 : 0;
}

/*
 * The entries, at r after parse_files(), in their sorted order (read in
 * order: no cache miss per entry): 1 whole; 0 not, -1 out of memory,
 * either way with every entry freed or zeroed but set's files untouched
 * (the caller frees set: its files may be read meanwhile).  filled freed.
 */
static int
parse_entries(struct cur *r, size_t ncat, struct content_snap_set *set, unsigned char *filled)
{
	size_t i;

	for (i = 0; i < set->nentries; i++)
		filled[i] = !r->bad && get_entry(r, &set->entries[i], ncat, &set->mem) == 0;
	if (!r->bad && r->p == r->end) {
		free(filled);
		return 1;
	}
	for (i = 0; i < set->nentries; i++)
		if (!filled[i])
			memset(&set->entries[i], 0, sizeof(set->entries[i]));	/* nothing to free */
	free(filled);
	return r->oom ? -1 : 0;
}

int
content_snap_parse(const char *data, size_t len, uint64_t key, size_t ncat,
    struct content_snap_set *set)
{
	struct cur r = { data, data + len, 0, 0 };
	unsigned char *filled;	/* which sorted places a record filled */
	int rc = parse_files(&r, key, set, &filled);

	if (rc == 1 && (rc = parse_entries(&r, ncat, set, filled)) != 1)
		content_snap_set_free(set);
	return rc;
}

int
content_snap_read(const struct content_snap *s, uint64_t key, size_t ncat,
    struct content_snap_set *set)
{
	struct file_map map;
	int rc;

	/* mapped, not read into a fresh block (file_map.h): the entries'
	 * strings are copied out of it, and ~17 MB at 100 000 entries were
	 * zeroed, faulted and copied for nothing */
	if (file_map_path(s->path, 0, CONTENT_SNAP_MAX_BYTES, FILE_MAP_POPULATE, &map) == -1)
		return errno == ENOMEM ? -1 : 0;
	rc = content_snap_parse(map.data != NULL ? map.data : "", map.len, key, ncat, set);
	file_map_free(&map);
	return rc;
}

/* The entries being decoded on a thread (content_snap_read_begin). */
struct content_snap_pending {
	struct file_map		 map;		/* what r reads, mapped until the end */
	struct cur		 r;
	size_t			 ncat;
	struct content_snap_set	*set;
	unsigned char		*filled;
	int			 rc;		/* parse_entries()'s */
	struct pool_bg		 task;
};

static int
entries_task(void *arg, char *err, size_t errlen)
{
	struct content_snap_pending *pd = arg;

	(void)err;
	(void)errlen;
	pd->rc = parse_entries(&pd->r, pd->ncat, pd->set, pd->filled);
	pd->filled = NULL;
	return 0;
}

int
content_snap_read_begin(const struct content_snap *s, uint64_t key, size_t ncat,
    struct content_snap_set *set, struct content_snap_pending **pending)
{
	struct content_snap_pending *pd;
	int rc;

	*pending = NULL;
	if ((pd = calloc(1, sizeof(*pd))) == NULL)
		return -1;
	if (file_map_path(s->path, 0, CONTENT_SNAP_MAX_BYTES, FILE_MAP_POPULATE, &pd->map) == -1) {
		free(pd);
		return errno == ENOMEM ? -1 : 0;
	}
	pd->r.p = pd->map.data != NULL ? pd->map.data : "";
	pd->r.end = pd->r.p + pd->map.len;
	pd->ncat = ncat;
	pd->set = set;
	if ((rc = parse_files(&pd->r, key, set, &pd->filled)) != 1) {
		file_map_free(&pd->map);
		free(pd);
		return rc;
	}
	pool_bg_start(&pd->task, entries_task, pd);
	*pending = pd;
	return 1;
}

int
content_snap_read_end(struct content_snap_pending *pending)
{
	int rc;

	if (pending == NULL)
		return 1;
	(void)pool_bg_join(&pending->task, NULL, 0);
	rc = pending->rc;
	if (rc != 1)
		content_snap_set_free(pending->set);
	file_map_free(&pending->map);
	free(pending);
	return rc;
}

/*
 * The encoding's appends are buf_put_inline(): ~2 million of a few bytes
 * each at 100 000 entries, a call each (docs/benchmarks.md, issue 15).
 */
static int
put_u32(struct buf *b, uint32_t v)
{
	return buf_put_inline(b, &v, sizeof(v));
}

static int
put_u64(struct buf *b, uint64_t v)
{
	return buf_put_inline(b, &v, sizeof(v));
}

static int
put_str(struct buf *b, const char *s)
{
	size_t n;

	if (s == NULL)
		return put_u32(b, SNAP_NO_STR);
	if ((n = strlen(s)) > SNAP_STR_MAX)
		return -1;
	return put_u32(b, (uint32_t)n) == -1 || buf_put_inline(b, s, n) == -1 ? -1 : 0;
}

static int
put_entry(struct buf *b, const struct content_entry *e)
{
	unsigned char f[6] = { (unsigned char)e->has_categories, (unsigned char)e->has_tags,
		(unsigned char)e->has_access, (unsigned char)e->featured,
		(unsigned char)e->hidden, (unsigned char)e->access };
	size_t i;

	if (e->ncategories > CONTENT_MAX_REFS || e->ntags > CONTENT_MAX_REFS ||
	    buf_put_inline(b, e->guid, sizeof(e->guid)) == -1 ||
	    put_u32(b, (uint32_t)e->ncategories) == -1)
		return -1;
	for (i = 0; i < e->ncategories; i++)
		if (put_u32(b, (uint32_t)e->categories[i]) == -1)
			return -1;
	if (put_u32(b, (uint32_t)e->ntags) == -1)
		return -1;
	for (i = 0; i < e->ntags; i++)
		if (put_str(b, e->tags[i]) == -1)
			return -1;
	return (put_str(b, e->series) == -1 || put_str(b, e->title) == -1 ||
	    put_str(b, e->description) == -1 ||
	    buf_put_inline(b, &e->season, sizeof(e->season)) == -1 ||
	    buf_put_inline(b, &e->episode, sizeof(e->episode)) == -1 ||
	    buf_put_inline(b, f, sizeof(f)) == -1) ? -1 : 0;
}

/* Bytes of encoding held before they go out (snap_drain). */
#define SNAP_DRAIN	((size_t)64 << 10)

/*
 * What is encoded so far (b) handed to the file (o) once it holds
 * SNAP_DRAIN bytes, so that the encoding is never whole in memory: a
 * 16 MB block at 100 000 entries, faulted in page by page, on a thread
 * beside the build (docs/benchmarks.md, issue 15).  all: whatever b holds.
 * -1 when the snapshot would pass CONTENT_SNAP_MAX_BYTES.
 */
static int
snap_drain(struct buf *b, struct file_out *o, int all)
{
	if (b->len < SNAP_DRAIN && !all)
		return 0;
	if (o->at + b->len > CONTENT_SNAP_MAX_BYTES)
		return -1;
	file_out_put(o, b->data, b->len);
	buf_reset(b);
	return 0;
}

static int
put_file(struct buf *b, struct file_out *o, const struct content_snap_file *f,
    const struct content *c, const size_t *rank)
{
	const struct content_snap_rec *rec;
	unsigned char kind = (unsigned char)(f->per_member != 0), has;
	size_t i, at;

	if (put_str(b, f->name) == -1 || put_u64(b, f->size) == -1 || put_u64(b, f->sum) == -1 ||
	    buf_put_inline(b, &kind, 1) == -1 || put_str(b, f->warnings) == -1 ||
	    put_u64(b, f->nrecs) == -1)
		return -1;
	for (i = 0; i < f->nrecs; i++) {
		rec = &f->recs[i];
		has = (unsigned char)(rec->has_entry != 0);
		if (put_u64(b, rec->sum) == -1 || put_u32(b, rec->len) == -1 ||
		    put_u32(b, rec->line) == -1 ||
		    put_u32(b, rec->col) == -1 || put_str(b, rec->warnings) == -1 ||
		    buf_put_inline(b, &has, 1) == -1)
			return -1;
		if (has && (rec->idx >= c->nentries || (at = rank[rec->idx]) >= c->nentries ||
		    at > UINT32_MAX || put_u32(b, (uint32_t)at) == -1))
			return -1;
		if (snap_drain(b, o, 0) == -1)
			return -1;
	}
	return 0;
}

int
content_snap_save(const struct content_snap *s, uint64_t key, const struct content_snap_set *set,
    const struct content *c, const size_t *rank)
{
	struct file_out o;
	struct buf b;
	char head[SNAP_HEAD], err[256];
	uint64_t v[4];
	size_t i, body;
	int rc = 0;

	/* the head last, once the payload's length and h64_sum are known */
	if (file_out_open(&o, s->path, SNAP_HEAD, err, sizeof(err)) == -1)
		return -1;
	buf_init(&b, CONTENT_SNAP_MAX_BYTES);	/* grows to about one drain and an entry */
	if (put_u64(&b, set->nfiles) == -1 || put_u64(&b, c->nentries) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < set->nfiles; i++)
		rc = put_file(&b, &o, &set->files[i], c, rank);
	for (i = 0; rc == 0 && i < c->nentries; i++)
		if (put_entry(&b, &c->entries[i]) == -1 || snap_drain(&b, &o, 0) == -1)
			rc = -1;
	if (rc == 0 && snap_drain(&b, &o, 1) == -1)
		rc = -1;
	buf_free(&b);
	body = o.at - SNAP_HEAD;
	v[0] = key;
	v[1] = s->tree;
	v[2] = body;
	v[3] = file_out_sum(&o);
	memcpy(head, SNAP_MAGIC, sizeof(SNAP_MAGIC) - 1);
	memcpy(head + sizeof(SNAP_MAGIC) - 1, v, sizeof(v));
	/* a failed encoding announces another length: no file (file_window.h) */
	if (file_out_close(&o, head, SNAP_HEAD, rc == 0 ? body : body + 1, err, sizeof(err)) == -1)
		return -1;
	return rc;
}

int
content_snap_save_later(const struct content_snap_later *later, const struct content *c)
{
	if (!later->ready)
		return 0;
	return content_snap_save(&later->snap, later->key, &later->set, c, later->rank);
}

void
content_snap_edits_free(struct content_snap_edits *edits)
{
	size_t i;

	for (i = 0; i < edits->n; i++)
		content_entry_free(&edits->old[i]);
	edits->n = 0;
	edits->ok = 0;
}

void
content_snap_later_free(struct content_snap_later *later)
{
	content_snap_set_free(&later->set);
	free(later->rank);
	memset(later, 0, sizeof(*later));
}

void
content_snap_set_free(struct content_snap_set *set)
{
	size_t i, j;

	for (i = 0; i < set->nfiles; i++) {
		struct content_snap_file *f = &set->files[i];

		for (j = 0; j < f->nrecs; j++)
			free(f->recs[j].warnings);
		free(f->recs);
		free(f->name);
		free(f->warnings);
	}
	free(set->files);
	for (i = 0; i < set->nentries; i++)
		content_entry_free(&set->entries[i]);
	free(set->entries);
	arena_free(&set->mem);
	memset(set, 0, sizeof(*set));
}

struct content_snap_file *
content_snap_add_file(struct content_snap_set *set)
{
	struct content_snap_file *t;

	if (set->nfiles == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;

		if ((t = realloc(set->files, cap * sizeof(*t))) == NULL)
			return NULL;
		set->files = t;
		set->cap = cap;
	}
	t = &set->files[set->nfiles++];
	memset(t, 0, sizeof(*t));
	return t;
}

struct content_snap_rec *
content_snap_add_rec(struct content_snap_file *f)
{
	struct content_snap_rec *t;

	if (f->nrecs == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;

		if ((t = realloc(f->recs, cap * sizeof(*t))) == NULL)
			return NULL;
		f->recs = t;
		f->cap = cap;
	}
	t = &f->recs[f->nrecs++];
	memset(t, 0, sizeof(*t));
	return t;
}
