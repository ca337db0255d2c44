/*
 * model_merge.c — the catalog's rows and content/ merged into the struct
 * model the renderer reads (model_merge.h).  One walk over the rows (in
 * GUID order) beside the entries (sorted by GUID too); tags and series
 * are interned through hash tables and sorted once at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "huge_pages.h"
#include "model_image.h"
#include "model_merge.h"
#include "pool.h"
#include "radix_sort.h"
#include "strmap.h"
#include "tag_set.h"

/* Everything model_merge() needs while it works. */
struct merger {
	struct model			*m;
	const struct content		*c;
	const struct catalog_rows	*rows;
	struct tag_set			 tags;
	struct strmap			 sermap;	/* series slug -> index into m->series */
	struct strmap			 refs;	/* entry tag reference -> tag_set_ref() + 2 */
	size_t				 sercap;
	const char			*cdn_host;	/* the override, or NULL */
	char				*thumbnail;	/* "thumbnail.jpg", shared */
	char				*site_cdn;	/* the override, else site.json's host */
};

/* A video's tags while the merge makes them (then copied into m->mem). */
struct tag_list {
	size_t	t[CONTENT_MAX_REFS];
	size_t	n;
};

/* Adds tag t to l unless it is there (or l is full: an entry names at most
 * CONTENT_MAX_REFS, the keywords are cut there). */
static void
tag_list_add(struct tag_list *l, size_t t)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->t[i] == t)
			return;
	if (l->n < CONTENT_MAX_REFS)
		l->t[l->n++] = t;
}

/* Tags from Bunny's metaTags keywords: "a,b, c". */
static int
keyword_tags(struct merger *g, struct tag_list *l, const char *list)
{
	char *copy, *p, *tok, *save = NULL;
	long t;
	int rc = 0;

	if (list[0] == '\0')
		return 0;
	if ((copy = strdup(list)) == NULL)
		return -1;
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL && rc == 0; p = NULL) {
		if ((t = tag_set_ref(&g->tags, tok)) == -1)
			rc = -1;
		else if (t >= 0)
			tag_list_add(l, (size_t)t);
		if (l->n >= CONTENT_MAX_REFS)
			break;
	}
	free(copy);
	return rc;
}

/*
 * tag_set_ref() of an entry's tag reference, remembered by its text: at
 * 100 000 entries the same few thousand references come back hundreds of
 * thousands of times, and asking again for a text already given changes
 * nothing (tag_set.h: a tag's index is fixed when it is added, its name is
 * the smallest free text naming it).  The references are the content's
 * strings, which outlive the merge.
 */
static long
entry_tag_ref(struct merger *g, const char *ref)
{
	long t;

	if ((t = strmap_get(&g->refs, ref)) >= 0)
		return t - 2;
	if ((t = tag_set_ref(&g->tags, ref)) == -1 ||
	    strmap_put(&g->refs, ref, (size_t)(t + 2)) != 0)
		return -1;
	return t;
}

/* The index of the series slug in m->series, added when new; -1 when memory ran out. */
static long
series_ref(struct merger *g, const char *slug)
{
	struct model *m = g->m;
	const struct content *c = g->c;
	struct series *s;
	size_t i;
	long k;

	if ((k = strmap_get(&g->sermap, slug)) >= 0)
		return k;
	if (m->nseries == g->sercap) {
		size_t cap = g->sercap ? g->sercap * 2 : 16;
		if ((s = realloc(m->series, cap * sizeof(*s))) == NULL)
			return -1;
		m->series = s;
		g->sercap = cap;
	}
	s = &m->series[m->nseries];
	memset(s, 0, sizeof(*s));
	for (i = 0; i < c->nseries; i++)
		if (strcmp(c->series[i].slug, slug) == 0)
			break;
	if ((s->slug = strdup(slug)) == NULL ||
	    (s->title = i < c->nseries ? strdup(c->series[i].title) : name_from_slug(slug)) == NULL ||
	    (s->description = strdup(i < c->nseries ? c->series[i].description : "")) == NULL ||
	    strmap_put(&g->sermap, s->slug, m->nseries) != 0) {
		free(s->slug);
		free(s->title);
		free(s->description);
		return -1;
	}
	return (long)m->nseries++;
}

/*
 * The category a collection stands for, or -1: the collection whose GUID
 * is the video's (compared as GUIDs: at most GUID_LEN bytes), by name.
 */
static long
collection_category(const struct merger *g, const char *collection)
{
	const struct catalog_rows *r = g->rows;
	size_t lo = 0, hi = r->ncollections, mid;
	int cmp;

	if (collection[0] == '\0')
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strncmp(collection, r->collections[mid].guid, GUID_LEN);
		if (cmp == 0)
			return content_find_category(g->c, r->collections[mid].name);
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * Warns about content entries whose GUID the catalog does not know: the
 * catalog's GUIDs (any status) walked beside the sorted entries.
 */
static void
warn_unknown_guids(const struct merger *g, const struct reporter *r)
{
	const struct catalog_rows *rows = g->rows;
	const struct content *c = g->c;
	size_t i = 0, k;
	int cmp = 0;

	if (!report_on(r))
		return;
	for (k = 0; k <= rows->nvideos; k++) {
		const char *guid = k < rows->nvideos ? rows->videos[k].guid : NULL;

		while (i < c->nentries && (guid == NULL ||
		    (cmp = strcmp(c->entries[i].guid, guid)) <= 0)) {
			if (guid == NULL || cmp < 0)
				report(r, REPORT_WARNING, "%s: video %s is not in the catalog "
				    "(deleted from Bunny, or a typo?); entry ignored",
				    c->entries[i].file, c->entries[i].guid);
			i++;
		}
	}
}

void
model_row_fields(struct video *v, const struct catalog_video_row *r, char *thumbnail,
    const char *cdn_override, char *site_cdn)
{
	memcpy(v->guid, r->guid, sizeof(v->guid));
	v->length = r->length;
	v->width = r->width;
	v->height = r->height;
	v->uploaded = r->uploaded;
	v->changed = r->changed > r->uploaded ? r->changed : r->uploaded;
	v->views = r->views;
	v->thumbnail = r->thumbnail[0] != '\0' ? r->thumbnail : thumbnail;
	/* The override beats a stored host, which beats site.json's. */
	v->cdn_host = cdn_override == NULL && r->cdn_host[0] != '\0' ? r->cdn_host : site_cdn;
	v->captions = r->captions;
	v->ncaptions = r->ncaptions;
	v->chapters = r->chapters;
	v->nchapters = r->nchapters;
}

uint64_t
model_row_refs(const struct catalog_video_row *r)
{
	return h64_str(h64_str(h64_str(0, "model-row-refs-v1"), r->meta_tags), r->collection);
}

/* A copy of n indices in mem (NULL, n == 0: none), into *out.  0 or -1. */
static int
indices_in(struct arena *mem, const size_t *from, size_t n, size_t **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	if ((*out = arena_alloc(mem, n * sizeof(*from))) == NULL)
		return -1;
	memcpy(*out, from, n * sizeof(*from));
	return 0;
}

/*
 * Fills v from the catalog row r and its content entry e (may be NULL),
 * but its tags and series (video_refs).  v points to r's strings and
 * tracks, in the rows' arena that the model adopts, rather than copying
 * them (100 000 rows: no copy of any title or description); an entry's
 * overrides are copied into mem.  Reads g, writes nothing of it: the
 * half of the rows the merge's second thread does runs it too (rows_task).
 */
static int
make_video(const struct merger *g, struct arena *mem, const struct catalog_video_row *r,
    const struct content_entry *e, struct video *v)
{
	const struct content *c = g->c;
	size_t one;
	long t;

	memset(v, 0, sizeof(*v));
	v->series = -1;
	model_row_fields(v, r, g->thumbnail, g->cdn_host, g->site_cdn);
	v->title = e != NULL && e->title != NULL ? arena_strdup(mem, e->title) : r->title;
	v->description = e != NULL && e->description != NULL ?
	    arena_strdup(mem, e->description) : r->description;
	if (v->title == NULL || v->description == NULL)
		return -1;
	v->access = e != NULL && e->has_access ? e->access : c->site.default_access;
	v->featured = e != NULL ? e->featured : 0;
	if (e != NULL && e->has_categories) {
		if (indices_in(mem, e->categories, e->ncategories, &v->categories) != 0)
			return -1;
		v->ncategories = e->ncategories;
	} else if ((t = collection_category(g, r->collection)) >= 0) {
		one = (size_t)t;
		if (indices_in(mem, &one, 1, &v->categories) != 0)
			return -1;
		v->ncategories = 1;
	}
	return 0;
}

/*
 * v's tags (its entry's, else r's keywords) and series, interned into g's
 * sets: in row order, on the merge's own thread.
 */
static int
video_refs(struct merger *g, const struct catalog_video_row *r,
    const struct content_entry *e, struct video *v)
{
	struct tag_list tl;
	size_t i;
	long t;

	tl.n = 0;
	if (e != NULL && e->has_tags) {
		for (i = 0; i < e->ntags; i++) {
			if ((t = entry_tag_ref(g, e->tags[i])) == -1)
				return -1;
			if (t >= 0)
				tag_list_add(&tl, (size_t)t);
		}
	} else if (keyword_tags(g, &tl, r->meta_tags) != 0)
		return -1;
	if (indices_in(&g->m->mem, tl.t, tl.n, &v->tags) != 0)
		return -1;
	v->ntags = tl.n;
	if (e != NULL && e->series != NULL) {
		if ((t = series_ref(g, e->series)) < 0)
			return -1;
		v->series = t;
		v->season = e->season;
		v->episode = e->episode;
	}
	return 0;
}

/*
 * Row r as the merge saw it, for the model image (model_image.h): which
 * video it became (video, a guid-order index until newest_first()), and
 * what of it came from its entry e.  Only an overlay reads this: the same
 * rows and content/ make the same trace.
 */
static void
trace_row(struct model_image_row *t, const struct catalog_video_row *r,
    const struct content_entry *e, uint32_t video)
{
	memcpy(t->guid, r->guid, sizeof(t->guid));
	t->print = r->print;
	t->refs = model_row_refs(r);
	t->video = video;
	t->flags = 0;
	if (e != NULL && e->hidden)
		t->flags |= MODEL_IMAGE_HIDDEN;
	if (e != NULL && e->title != NULL)
		t->flags |= MODEL_IMAGE_TITLE_ENTRY;
	if (e != NULL && e->description != NULL)
		t->flags |= MODEL_IMAGE_DESC_ENTRY;
}

int
model_newest_cmp(const struct video *x, const struct video *y)
{
	if (x->uploaded != y->uploaded)
		return x->uploaded > y->uploaded ? -1 : 1;
	return strcmp(x->guid, y->guid);
}

static int
newest_cmp(const void *a, const void *b, void *arg)
{
	const struct video *v = arg;

	return model_newest_cmp(&v[*(const size_t *)a], &v[*(const size_t *)b]);
}

/*
 * The newest-first order of videos v[0..n) into order: uploaded
 * descending, then guid ascending (newest_cmp).  Made in guid order, the
 * videos need only a stable sort by upload time: radix_sort_u64() of the
 * times, a byte a pass (the passes whose byte never varies skipped), 5 ms
 * where qsort_r and its comparator's strcmp were ~30 ms at 100 000.
 * Videos not in guid order (no caller makes them so) are sorted by
 * qsort_r.  0, or -1 when memory ran out.
 */
static int
newest_order(const struct video *v, size_t n, size_t *order)
{
	uint64_t *key;
	size_t k;
	int rc;

	for (k = 0; k < n; k++)
		order[k] = k;
	for (k = 1; k < n; k++)
		if (strcmp(v[k - 1].guid, v[k].guid) >= 0) {
			qsort_r(order, n, sizeof(*order), newest_cmp, (void *)v);
			return 0;
		}
	if ((key = malloc((n ? n : 1) * sizeof(*key))) == NULL)
		return -1;
	/* ascending order of ~(time with its sign bit flipped): newest first */
	for (k = 0; k < n; k++)
		key[k] = ~((uint64_t)v[k].uploaded ^ ((uint64_t)1 << 63));
	rc = radix_sort_u64(key, order, n);
	free(key);
	return rc;
}

/* how far along a permutation's cycle newest_first() asks for a video early */
#define CYCLE_AHEAD	8

/* Asks for every cache line of *v (a video spans 4 or 5 of them). */
static inline void
prefetch_video(const struct video *v)
{
	const char *p = (const char *)v;
	size_t off;

	for (off = 0; off < sizeof(*v); off += 64)
		__builtin_prefetch(p + off);
	__builtin_prefetch(p + sizeof(*v) - 1);
}

/*
 * Reorders m->videos (made in guid order) newest first, in place: the
 * sorted order is applied one cycle of the permutation at a time, not
 * copied into a second array (at 100 000 videos, 21 MB less at the peak
 * and as many page faults fewer).  When trace is not NULL, its rows' video
 * indices (positions in guid order) become the newest-first ones.  0, or
 * -1 when memory ran out.
 */
static int
newest_first(struct model *m, struct model_image_meta *trace)
{
	size_t n = m->nvideos, *order, k, j, from;
	struct video *v = m->videos, tmp;

	if (n < 2)
		return 0;
	if ((order = malloc(n * sizeof(*order))) == NULL)
		return -1;
	if (newest_order(v, n, order) == -1) {
		free(order);
		return -1;
	}
	if (trace != NULL) {
		uint32_t *at = malloc(n * sizeof(*at));

		if (at == NULL) {
			free(order);
			return -1;
		}
		for (k = 0; k < n; k++)
			at[order[k]] = (uint32_t)k;
		for (k = 0; k < trace->nrows; k++)
			if (trace->rows[k].video != MODEL_IMAGE_NONE)
				trace->rows[k].video = at[trace->rows[k].video];
		free(at);
	}
	/*
	 * Position k takes the video at order[k]; a done position gets
	 * order[k] = k.  Each video read is a random one of 21 MB (a cache
	 * miss on each of its lines), the next known only from order[]: a
	 * cursor CYCLE_AHEAD steps on along the cycle asks for its video
	 * early (order[] itself, 800 kB, stays in cache).  At the cycle's
	 * end it stops at k, whose order[k] = k.
	 */
	for (k = 0; k < n; k++) {
		size_t ahead, d;

		if (order[k] == k)
			continue;
		tmp = v[k];
		for (ahead = order[k], d = 0; d < CYCLE_AHEAD; d++)
			ahead = order[ahead];
		for (j = k; (from = order[j]) != k; j = from) {
			prefetch_video(&v[ahead]);
			ahead = order[ahead];
			v[j] = v[from];
			order[j] = j;
		}
		v[j] = tmp;
		order[j] = j;
	}
	free(order);
	return 0;
}

/* how far on lists_in_order() asks for a video's lists (its line twice that) */
#define LISTS_AHEAD	32

/*
 * Every video's category and tag lists copied into one block, in video
 * order.  Made in guid order (refs_of, finish_lists), they lie anywhere
 * once the videos are newest first, and every later pass over the videos
 * that reads them (the search index's texts, the states' values, the
 * site's indices, the model's image written) waited on a miss per list:
 * ~0.1 s of CPU in an addition's rebuild at 100 000 videos
 * (docs/benchmarks.md, issue 15).  A model read from its image has them
 * in this order already.  The copies cost ~4 MB there; the first lists
 * stay in m->mem, unused.  0, or -1 when memory ran out.
 */
static int
lists_in_order(struct model *m)
{
	size_t i, n = m->nvideos, total = 0, at = 0, *block;
	struct video *v = m->videos;

	for (i = 0; i < n; i++)
		total += v[i].ncategories + v[i].ntags;
	if (total == 0)
		return 0;
	if ((block = arena_take(&m->mem, total * sizeof(*block))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		/* written as one static function of prefetches, GCC 12 finds it
		 * "const" and drops its calls: in line */
		if (i + 2 * LISTS_AHEAD < n)
			__builtin_prefetch(&v[i + 2 * LISTS_AHEAD].categories);
		if (i + LISTS_AHEAD < n) {
			if (v[i + LISTS_AHEAD].ncategories > 0)
				__builtin_prefetch(v[i + LISTS_AHEAD].categories);
			if (v[i + LISTS_AHEAD].ntags > 0)
				__builtin_prefetch(v[i + LISTS_AHEAD].tags);
		}
		if (v[i].ncategories > 0) {
			memcpy(block + at, v[i].categories, v[i].ncategories * sizeof(*block));
			v[i].categories = block + at;
			at += v[i].ncategories;
		}
		if (v[i].ntags > 0) {
			memcpy(block + at, v[i].tags, v[i].ntags * sizeof(*block));
			v[i].tags = block + at;
			at += v[i].ntags;
		}
	}
	return 0;
}

static int
slug_index_cmp(const void *a, const void *b, void *arg)
{
	const char *const *slugs = arg;

	return strcmp(slugs[*(const size_t *)a], slugs[*(const size_t *)b]);
}

/*
 * Sorts an array of n elements (each with its slug at offset 0, as struct
 * tag and struct series have) by slug, and returns the old -> new index
 * map (NULL when memory ran out; n == 0 returns a valid 1-element map).
 */
static size_t *
sort_by_slug(void *base, size_t n, size_t size)
{
	size_t *order = NULL, *map = NULL, i;
	const char **slugs = NULL;
	unsigned char *copy = NULL;

	if ((order = calloc(n + 1, sizeof(*order))) == NULL ||
	    (map = calloc(n + 1, sizeof(*map))) == NULL ||
	    (slugs = calloc(n + 1, sizeof(*slugs))) == NULL ||
	    (copy = malloc(n * size + 1)) == NULL) {
		free(order);
		free(map);
		free(slugs);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		order[i] = i;
		memcpy(&slugs[i], (unsigned char *)base + i * size, sizeof(char *));
	}
	if (n > 1)
		qsort_r(order, n, sizeof(*order), slug_index_cmp, slugs);
	if (n > 0)
		memcpy(copy, base, n * size);
	for (i = 0; i < n; i++) {
		memcpy((unsigned char *)base + i * size, copy + order[i] * size, size);
		map[order[i]] = i;
	}
	free(order);
	free(slugs);
	free(copy);
	return map;
}

_Static_assert(offsetof(struct tag, slug) == 0, "sort_by_slug: slug first");
_Static_assert(offsetof(struct series, slug) == 0, "sort_by_slug: slug first");

static int
size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * a[0..n) ascending, by insertion: a video's few tags (qsort's call,
 * comparator calls and merge buffer were 42 M instructions for 100 000
 * videos' tags, docs/benchmarks.md, issue 15).
 */
static void
sort_small(size_t *a, size_t n)
{
	size_t i, j, x;

	for (i = 1; i < n; i++) {
		x = a[i];
		for (j = i; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* Tags get their slugs and move into m; tags and series are sorted by slug. */
static int
finish_lists(struct merger *g)
{
	struct model *m = g->m;
	size_t *tmap = NULL, *smap = NULL, i, j;

	if (tag_set_slugs(&g->tags) != 0)
		return -1;
	m->tags = g->tags.tags;
	m->ntags = g->tags.n;
	g->tags.tags = NULL;
	g->tags.n = 0;
	if ((tmap = sort_by_slug(m->tags, m->ntags, sizeof(*m->tags))) == NULL ||
	    (smap = sort_by_slug(m->series, m->nseries, sizeof(*m->series))) == NULL) {
		free(tmap);
		return -1;
	}
	for (i = 0; i < m->nvideos; i++) {
		struct video *v = &m->videos[i];
		for (j = 0; j < v->ntags; j++)
			v->tags[j] = tmap[v->tags[j]];
		if (v->ntags > 16)
			qsort(v->tags, v->ntags, sizeof(*v->tags), size_cmp);
		else
			sort_small(v->tags, v->ntags);
		if (v->series >= 0)
			v->series = (long)smap[v->series];
	}
	free(tmap);
	free(smap);
	return 0;
}

/* Moves the site config and categories out of c into m, with the overrides. */
static int
take_site(struct model *m, struct content *c, const char *cdn_host, const char *base_url)
{
	char *host, *url;
	size_t n;

	if (cdn_host != NULL) {
		if ((host = strdup(cdn_host)) == NULL)
			return -1;
		free(c->site.cdn_host);
		c->site.cdn_host = host;
	}
	if (base_url != NULL) {
		if ((url = strdup(base_url)) == NULL)
			return -1;
		/* as content.c does for site.json's: no trailing slash */
		n = strlen(url);
		while (n > 0 && url[n - 1] == '/')
			url[--n] = '\0';
		free(c->site.base_url);
		c->site.base_url = url;
	}
	m->site = c->site;
	memset(&c->site, 0, sizeof(c->site));
	m->categories = c->categories;
	m->ncategories = c->ncategories;
	c->categories = NULL;
	c->ncategories = 0;
	return 0;
}

int
model_merge(struct model *m, struct content *c, struct catalog_rows *rows,
    const struct model_opts *o, char *err, size_t errlen)
{
	return model_merge_trace(m, c, rows, o, NULL, err, errlen);
}

/*
 * The rows [from, to) of a merge made into videos (make_video), in order:
 * the first part on the merge's thread, the rest on a second one
 * (rows_task) at 100 000 rows, where the merge ran alone for ~0.09 s
 * with the other core idle (docs/benchmarks.md, issue 15).  Each video's
 * row and entry are kept in refs (beside it) for video_refs(), which
 * interns tags and series on the merge's thread, in row order as a merge
 * of every row on one thread would: the same indices.
 */
struct video_ref {
	const struct catalog_video_row	*r;
	const struct content_entry	*e;
};

struct rows_part {
	const struct merger		*g;
	struct model_image_meta		*trace;	/* or NULL */
	size_t				 from, to;
	struct video			*videos;	/* where its videos go, in order */
	struct video_ref		*refs;		/* beside them */
	size_t				 n;		/* videos made */
	struct arena			*mem;		/* the entries' overrides */
	struct arena			 own;		/* the second thread's mem */
};

static int
make_rows(struct rows_part *p)
{
	const struct content *c = p->g->c;
	const struct catalog_video_row *rv = p->g->rows->videos;
	size_t k, ei = 0, hi = c->nentries, mid;

	/* the first entry at or after the first row (both in guid order) */
	while (p->from < p->to && ei < hi) {
		mid = ei + (hi - ei) / 2;
		if (strcmp(c->entries[mid].guid, rv[p->from].guid) < 0)
			ei = mid + 1;
		else
			hi = mid;
	}
	for (k = p->from; k < p->to; k++) {
		const struct catalog_video_row *r = &rv[k];
		const struct content_entry *e = NULL;
		uint32_t video = (uint32_t)((size_t)(p->videos - p->g->m->videos) + p->n);

		/* a later row's short texts (catalog_read.c puts them together),
		 * written by the catalog's thread: a cache miss each, else */
		if (k + 8 < p->to)
			__builtin_prefetch(rv[k + 8].thumbnail);
		if (!r->published) {
			if (p->trace != NULL)
				trace_row(&p->trace->rows[k], r, NULL, MODEL_IMAGE_NONE);
			continue;
		}
		while (ei < c->nentries && strcmp(c->entries[ei].guid, r->guid) < 0)
			ei++;
		if (ei < c->nentries && strcmp(c->entries[ei].guid, r->guid) == 0)
			e = &c->entries[ei];
		if (p->trace != NULL)
			trace_row(&p->trace->rows[k], r, e, e != NULL && e->hidden ?
			    MODEL_IMAGE_NONE : video);
		if (e != NULL && e->hidden)
			continue;
		if (make_video(p->g, p->mem, r, e, &p->videos[p->n]) != 0)
			return -1;
		p->refs[p->n].r = r;
		p->refs[p->n].e = e;
		p->n++;
	}
	return 0;
}

static int
rows_task(void *arg, char *err, size_t errlen)
{
	if (make_rows(arg) == 0)
		return 0;
	snprintf(err, errlen, "out of memory loading the catalog");
	return -1;
}

/* video_refs() of p's videos, in order.  0 or -1. */
static int
refs_of(struct merger *g, const struct rows_part *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (video_refs(g, p->refs[i].r, p->refs[i].e, &p->videos[i]) != 0)
			return -1;
	return 0;
}

/*
 * The second part's videos (made from place first, an index the first
 * part could not pass) moved down behind the first part's, their trace
 * rows told.
 */
static void
close_gap(struct model_image_meta *trace, struct rows_part *a, struct rows_part *b)
{
	size_t gap = (size_t)(b->videos - a->videos) - a->n, k;

	if (gap == 0)
		return;
	memmove(a->videos + a->n, b->videos, b->n * sizeof(*b->videos));
	memmove(a->refs + a->n, b->refs, b->n * sizeof(*b->refs));
	b->videos -= gap;
	b->refs -= gap;
	for (k = b->from; trace != NULL && k < b->to; k++)
		if (trace->rows[k].video != MODEL_IMAGE_NONE)
			trace->rows[k].video -= (uint32_t)gap;
}

int
model_merge_trace(struct model *m, struct content *c, struct catalog_rows *rows,
    const struct model_opts *o, struct model_image_meta *trace, char *err, size_t errlen)
{
	struct merger g;
	struct rows_part part[2];
	struct video_ref *refs = NULL;
	struct pool_bg bg;
	size_t n, split;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(&bg, 0, sizeof(bg));
	if (trace != NULL) {
		memset(trace, 0, sizeof(*trace));
		trace->collections = rows->collections_print;
		trace->at.pos = rows->log;
		if (rows->nvideos > 0 &&
		    (trace->rows = calloc(rows->nvideos, sizeof(*trace->rows))) == NULL) {
			snprintf(err, errlen, "out of memory loading the catalog");
			return -1;
		}
		trace->nrows = rows->nvideos;
	}
	memset(&g, 0, sizeof(g));
	err[0] = '\0';
	g.m = m;
	g.c = c;
	g.rows = rows;
	g.cdn_host = o != NULL && o->cdn_host != NULL && o->cdn_host[0] != '\0' ?
	    o->cdn_host : NULL;
	tag_set_init(&g.tags, c->tags, c->ntags);
	snprintf(m->digest, sizeof(m->digest), "%s", rows->digest);
	if ((g.thumbnail = arena_strdup(&m->mem, MODEL_DEFAULT_THUMBNAIL)) == NULL ||
	    (g.site_cdn = arena_strdup(&m->mem, g.cdn_host != NULL ? g.cdn_host :
	    c->site.cdn_host)) == NULL)
		goto oom;
	if (c->nentries > 0)
		warn_unknown_guids(&g, o != NULL ? o->report : NULL);
	n = rows->nvideos;
	if ((m->videos = malloc((n ? n : 1) * sizeof(*m->videos))) == NULL ||
	    (refs = malloc((n ? n : 1) * sizeof(*refs))) == NULL)
		goto oom;
	huge_pages_hint(m->videos, n * sizeof(*m->videos));
	/* the second part's share: a bit more than half, since the first
	 * part's thread interns every video's tags and series besides */
	split = o != NULL && o->split_min != 0 ? o->split_min : MODEL_MERGE_SPLIT_MIN;
	split = n >= split ? n * 9 / 20 : n;
	part[0] = (struct rows_part){ &g, trace, 0, split, m->videos, refs, 0, &m->mem, { 0 } };
	part[1] = (struct rows_part){ &g, trace, split, n, m->videos + split, refs + split, 0,
	    NULL, { 0 } };
	part[1].mem = &part[1].own;
	if (split < n)
		pool_bg_start(&bg, rows_task, &part[1]);
	rc = make_rows(&part[0]) == 0 && refs_of(&g, &part[0]) == 0 ? 0 : -1;
	if (pool_bg_join(&bg, NULL, 0) != 0)
		rc = -1;
	if (rc == 0) {
		close_gap(trace, &part[0], &part[1]);
		m->nvideos = part[0].n + part[1].n;
		rc = refs_of(&g, &part[1]);
	}
	arena_adopt(&m->mem, &part[1].own);	/* its videos point into it */
	free(refs);
	refs = NULL;
	if (rc != 0)
		goto oom;
	/* the lists first: in guid order each video's tags are next to the
	 * last one's (made in that order), not a cache miss each */
	if (finish_lists(&g) != 0 || newest_first(m, trace) != 0 || lists_in_order(m) != 0 ||
	    take_site(m, c, g.cdn_host, o != NULL && o->base_url != NULL &&
	    o->base_url[0] != '\0' ? o->base_url : NULL) != 0)
		goto oom;
	/* the videos point into the rows' strings: the model keeps them */
	arena_adopt(&m->mem, &rows->mem);
	m->rows_map = rows->map;
	memset(&rows->map, 0, sizeof(rows->map));
	tag_set_free(&g.tags);
	strmap_free(&g.sermap);
	strmap_free(&g.refs);
	return 0;
oom:
	free(refs);
	snprintf(err, errlen, "out of memory loading the catalog");
	if (trace != NULL)
		model_image_meta_free(trace);
	tag_set_free(&g.tags);
	strmap_free(&g.sermap);
	strmap_free(&g.refs);
	model_free(m);
	return -1;
}
