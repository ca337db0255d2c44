/*
 * model.c — model_load(): var/catalog.db (published Bunny videos) merged
 * with content/ (editorial data) into the struct model the renderer reads.
 * One pass over each table with prepared statements; tags and series are
 * interned through a hash table and sorted once at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "catalog_db.h"
#include "content.h"
#include "model.h"
#include "textutil.h"

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* A set of slugs, each with the index of its entry in a side array. */
struct intern {
	const char	**keys;	/* borrowed from the side array */
	size_t		 *vals;
	size_t		  cap;	/* power of two */
	size_t		  n;
};

static long
intern_get(const struct intern *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return -1;
	for (i = fnv1a(key) & (m->cap - 1); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return (long)m->vals[i];
	return -1;
}

static int
intern_put(struct intern *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct intern g = { 0 };
		g.cap = m->cap ? m->cap * 2 : 64;
		if ((g.keys = calloc(g.cap, sizeof(*g.keys))) == NULL ||
		    (g.vals = calloc(g.cap, sizeof(*g.vals))) == NULL) {
			free(g.keys);
			return -1;
		}
		for (i = 0; i < m->cap; i++)
			if (m->keys[i] != NULL && intern_put(&g, m->keys[i], m->vals[i]) != 0)
				return -1;	/* cannot happen: g is large enough */
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	for (i = fnv1a(key) & (m->cap - 1); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

static void
intern_free(struct intern *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* Everything model_load() needs while it works. */
struct loader {
	struct model		*m;
	const struct content	*c;
	struct intern		 tagmap, sermap;
	size_t			 tagcap, sercap;
	unsigned char		*tagkind;	/* TAG_NAME_*: where each tag's name came from */
	char			*err;
	size_t			 errlen;
};

/* "night-life" -> "night life": a display name made from a slug. */
static char *
name_from_slug(const char *slug)
{
	char *s = strdup(slug), *p;

	if (s != NULL)
		for (p = s; *p != '\0'; p++)
			if (*p == '-')
				*p = ' ';
	return s;
}

/*
 * The identity of a free-text tag: ASCII letters lower-cased, each run of
 * spaces, '-' and '_' one '-', other bytes kept ("Night Life" and
 * "night-life" are one tag; "C++" and "C#" are two).
 */
static void
tag_key(const char *text, char *out, size_t outlen)
{
	size_t o = 0;
	int sep = 0;

	for (; *text != '\0' && o + 2 < outlen; text++) {
		char ch = *text;
		if (ch == ' ' || ch == '-' || ch == '_' || ch == '\t') {
			sep = o > 0;
			continue;
		}
		if (sep)
			out[o++] = '-';
		sep = 0;
		out[o++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 'a' - 'A') : ch;
	}
	out[o] = '\0';
}

enum { TAG_NAME_SLUG = 0, TAG_NAME_TEXT, TAG_NAME_SITE };

/*
 * Resolves a tag reference (a slug, a site.json tag name, or free text) to
 * an index into m->tags, adding the tag when new.  Until assign_tag_slugs()
 * runs, m->tags[i].slug holds the tag's identity key.  -2 for an empty
 * reference, -1 when memory ran out.
 */
static long
tag_ref(struct loader *l, const char *ref)
{
	struct model *m = l->m;
	const struct content *c = l->c;
	char text[SLUG_MAX * 4 + 1], key[SLUG_MAX * 4 + 1], *name = NULL;
	int kind = TAG_NAME_SLUG;
	size_t i, n;
	long k;

	while (*ref == ' ' || *ref == '\t')
		ref++;
	n = strlen(ref);
	while (n > 0 && (ref[n - 1] == ' ' || ref[n - 1] == '\t'))
		n--;
	if (n > SLUG_MAX * 4)
		n = SLUG_MAX * 4;
	memcpy(text, ref, n);
	text[n] = '\0';
	if (slug_ok(text))
		memcpy(key, text, n + 1);	/* n <= SLUG_MAX * 4: fits */
	else {
		for (i = 0; i < c->ntags; i++)
			if (text_casecmp(c->tags[i].name, text) == 0)
				break;
		if (i < c->ntags)
			snprintf(key, sizeof(key), "%s", c->tags[i].slug);
		else {
			tag_key(text, key, sizeof(key));
			kind = TAG_NAME_TEXT;
		}
	}
	if (key[0] == '\0')
		return -2;
	for (i = 0; i < c->ntags; i++)
		if (strcmp(c->tags[i].slug, key) == 0) {
			kind = TAG_NAME_SITE;
			break;
		}
	if ((k = intern_get(&l->tagmap, key)) >= 0) {
		/* A nicer or smaller name for the same tag: the choice is stable. */
		if (kind == TAG_NAME_TEXT && l->tagkind[k] != TAG_NAME_SITE &&
		    (l->tagkind[k] == TAG_NAME_SLUG || strcmp(text, m->tags[k].name) < 0)) {
			if ((name = text_utf8_dup(text, n)) == NULL)
				return -1;
			free(m->tags[k].name);
			m->tags[k].name = name;
			l->tagkind[k] = TAG_NAME_TEXT;
		}
		return k;
	}
	if (kind == TAG_NAME_SITE)
		name = strdup(c->tags[i].name);
	else if (kind == TAG_NAME_TEXT)
		name = text_utf8_dup(text, n);
	else
		name = name_from_slug(key);
	if (name == NULL)
		return -1;
	if (m->ntags == l->tagcap) {
		size_t cap = l->tagcap ? l->tagcap * 2 : 64;
		struct tag *t = realloc(m->tags, cap * sizeof(*t));
		unsigned char *kk;
		if (t == NULL) {
			free(name);
			return -1;
		}
		m->tags = t;
		if ((kk = realloc(l->tagkind, cap)) == NULL) {
			free(name);
			return -1;
		}
		l->tagkind = kk;
		l->tagcap = cap;
	}
	m->tags[m->ntags].name = name;
	if ((m->tags[m->ntags].slug = strdup(key)) == NULL) {
		free(name);
		return -1;
	}
	if (intern_put(&l->tagmap, m->tags[m->ntags].slug, m->ntags) != 0) {
		free(name);
		free(m->tags[m->ntags].slug);
		return -1;
	}
	l->tagkind[m->ntags] = (unsigned char)kind;
	return (long)m->ntags++;
}

static int
key_index_cmp(const void *a, const void *b, void *arg)
{
	const struct tag *t = arg;

	return strcmp(t[*(const size_t *)a].slug, t[*(const size_t *)b].slug);
}

/*
 * Replaces each tag's identity key by its slug.  Keys that are slugs keep
 * themselves; the others, in key order, get their slugified form, or
 * "tag-<hash>" when nothing ASCII is left, and "-2", "-3", ... when that
 * slug is taken.  The result depends only on the set of tags.
 */
static int
assign_tag_slugs(struct loader *l)
{
	struct model *m = l->m;
	struct intern taken = { 0 };
	size_t *order = NULL, i, j, k;
	char base[SLUG_MAX + 1], slug[SLUG_MAX + 16], *s;
	int rc = -1;

	if (m->ntags == 0)
		return 0;
	if ((order = calloc(m->ntags, sizeof(*order))) == NULL)
		return -1;
	for (i = j = 0; i < m->ntags; i++)
		if (slug_ok(m->tags[i].slug)) {
			if (intern_put(&taken, m->tags[i].slug, i) != 0)
				goto out;
		} else
			order[j++] = i;
	if (j > 1)
		qsort_r(order, j, sizeof(*order), key_index_cmp, m->tags);
	for (i = 0; i < j; i++) {
		struct tag *t = &m->tags[order[i]];

		if (text_slugify(t->slug, base, sizeof(base)) == 0)
			snprintf(base, sizeof(base), "tag-%08x", fnv1a(t->slug));
		snprintf(slug, sizeof(slug), "%s", base);
		for (k = 2; intern_get(&taken, slug) >= 0; k++)
			slug_suffixed(base, k, slug);
		if ((s = strdup(slug)) == NULL)
			goto out;
		free(t->slug);
		t->slug = s;
		if (intern_put(&taken, t->slug, order[i]) != 0)
			goto out;
	}
	rc = 0;
out:
	intern_free(&taken);
	free(order);
	return rc;
}

static int
video_add_tag(struct video *v, size_t *cap, size_t t)
{
	size_t i, *p;

	for (i = 0; i < v->ntags; i++)
		if (v->tags[i] == t)
			return 0;
	if (v->ntags == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		if ((p = realloc(v->tags, *cap * sizeof(*p))) == NULL)
			return -1;
		v->tags = p;
	}
	v->tags[v->ntags++] = t;
	return 0;
}

/* Tags from the metaTags keywords: "a,b, c". */
static int
meta_tags(struct loader *l, struct video *v, const char *list)
{
	size_t cap = 0;
	char *copy, *p, *tok, *save = NULL;
	long t;
	int rc = 0;

	if (list[0] == '\0')
		return 0;
	if ((copy = strdup(list)) == NULL)
		return -1;
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL && rc == 0; p = NULL) {
		if ((t = tag_ref(l, tok)) == -1)
			rc = -1;
		else if (t >= 0 && video_add_tag(v, &cap, (size_t)t) != 0)
			rc = -1;
		if (v->ntags >= CONTENT_MAX_REFS)
			break;
	}
	free(copy);
	return rc;
}

static long
series_ref(struct loader *l, const char *slug)
{
	struct model *m = l->m;
	const struct content *c = l->c;
	struct series *s;
	size_t i;
	long k;

	if ((k = intern_get(&l->sermap, slug)) >= 0)
		return k;
	if (m->nseries == l->sercap) {
		size_t cap = l->sercap ? l->sercap * 2 : 16;
		if ((s = realloc(m->series, cap * sizeof(*s))) == NULL)
			return -1;
		m->series = s;
		l->sercap = cap;
	}
	s = &m->series[m->nseries];
	memset(s, 0, sizeof(*s));
	for (i = 0; i < c->nseries; i++)
		if (strcmp(c->series[i].slug, slug) == 0)
			break;
	if ((s->slug = strdup(slug)) == NULL ||
	    (s->title = i < c->nseries ? strdup(c->series[i].title) : name_from_slug(slug)) == NULL ||
	    (s->description = strdup(i < c->nseries ? c->series[i].description : "")) == NULL ||
	    intern_put(&l->sermap, s->slug, m->nseries) != 0) {
		free(s->slug);
		free(s->title);
		free(s->description);
		return -1;
	}
	return (long)m->nseries++;
}

struct collection_row {
	char	guid[GUID_LEN + 1];
	long	category;	/* matched category, or -1 */
};

static int
collection_cmp(const void *a, const void *b)
{
	return strcmp(((const struct collection_row *)a)->guid,
	    ((const struct collection_row *)b)->guid);
}

static int
load_collections(sqlite3 *db, const struct content *c, struct collection_row **out,
    size_t *nout)
{
	sqlite3_stmt *st = NULL;
	struct collection_row *rows = NULL, *t;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(db, "SELECT guid, name FROM collections ORDER BY guid",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((t = realloc(rows, cap * sizeof(*rows))) == NULL)
				break;
			rows = t;
		}
		snprintf(rows[n].guid, sizeof(rows[n].guid), "%s", g);
		rows[n].category = content_find_category(c, name);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(rows);
		return -1;
	}
	*out = rows;
	*nout = n;
	return 0;
}

/* Sorted (guid, index) pairs for finding a video by GUID. */
struct guid_index {
	const char	*guid;
	size_t		 idx;
};

static int
guid_index_cmp(const void *a, const void *b)
{
	return strcmp(((const struct guid_index *)a)->guid, ((const struct guid_index *)b)->guid);
}

static long
find_video(const struct guid_index *ix, size_t n, const char *guid)
{
	struct guid_index key = { guid, 0 }, *r;

	r = bsearch(&key, ix, n, sizeof(*ix), guid_index_cmp);
	return r != NULL ? (long)r->idx : -1;
}

static int
newest_cmp(const void *a, const void *b, void *arg)
{
	const struct video *v = arg, *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];

	if (x->uploaded != y->uploaded)
		return x->uploaded > y->uploaded ? -1 : 1;
	return strcmp(x->guid, y->guid);
}

/*
 * Reorders m->videos (loaded in guid order) newest first, and fills ix
 * (m->nvideos entries) with each video's guid and new index, in guid
 * order, ready for find_video().  0, or -1 when memory ran out.
 */
static int
newest_first(struct model *m, struct guid_index *ix)
{
	size_t n = m->nvideos, *order, k;
	struct video *nv;

	if (n == 0)
		return 0;
	if ((order = malloc(n * sizeof(*order))) == NULL)
		return -1;
	if ((nv = malloc(n * sizeof(*nv))) == NULL) {
		free(order);
		return -1;
	}
	for (k = 0; k < n; k++)
		order[k] = k;
	qsort_r(order, n, sizeof(*order), newest_cmp, m->videos);
	for (k = 0; k < n; k++) {
		nv[k] = m->videos[order[k]];
		ix[order[k]].idx = k;
	}
	for (k = 0; k < n; k++)
		ix[k].guid = nv[ix[k].idx].guid;
	free(m->videos);
	m->videos = nv;
	free(order);
	return 0;
}

static int
load_captions(sqlite3 *db, struct model *m, const struct guid_index *ix)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT guid, srclang, label FROM captions "
	    "ORDER BY guid, idx", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long k = find_video(ix, m->nvideos, (const char *)sqlite3_column_text(st, 0));
		struct video *v;
		struct caption *c;

		if (k < 0)
			continue;
		v = &m->videos[k];
		if ((c = realloc(v->captions, (v->ncaptions + 1) * sizeof(*c))) == NULL)
			break;
		v->captions = c;
		c = &c[v->ncaptions];
		c->srclang = strdup((const char *)sqlite3_column_text(st, 1));
		c->label = strdup((const char *)sqlite3_column_text(st, 2));
		v->ncaptions++;
		if (c->srclang == NULL || c->label == NULL)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
load_chapters(sqlite3 *db, struct model *m, const struct guid_index *ix)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT guid, title, start_s, end_s FROM chapters "
	    "ORDER BY guid, idx", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long k = find_video(ix, m->nvideos, (const char *)sqlite3_column_text(st, 0));
		struct video *v;
		struct chapter *c;

		if (k < 0)
			continue;
		v = &m->videos[k];
		if ((c = realloc(v->chapters, (v->nchapters + 1) * sizeof(*c))) == NULL)
			break;
		v->chapters = c;
		c = &c[v->nchapters];
		c->title = strdup((const char *)sqlite3_column_text(st, 1));
		c->start = sqlite3_column_int(st, 2);
		c->end = sqlite3_column_int(st, 3);
		v->nchapters++;
		if (c->title == NULL)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Warns about content entries whose GUID the catalog does not know: one
 * pass over the catalog's GUIDs, merged with the sorted entries.
 */
static int
check_unknown_guids(sqlite3 *db, const struct content *c, int quiet)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0;
	int rc, cmp;

	if (quiet || c->nentries == 0)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT guid FROM videos ORDER BY guid", -1, &st, NULL)
	    != SQLITE_OK)
		return -1;
	for (;;) {
		const char *g = NULL;

		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			g = (const char *)sqlite3_column_text(st, 0);
		else if (rc != SQLITE_DONE)
			break;
		while (i < c->nentries && (g == NULL ||
		    (cmp = strcmp(c->entries[i].guid, g)) <= 0)) {
			if (g == NULL || cmp < 0)
				fprintf(stderr, "onlygen: warning: %s: video %s is not in the "
				    "catalog (deleted from Bunny, or a typo?); entry ignored\n",
				    c->entries[i].file, c->entries[i].guid);
			i++;
		}
		if (g == NULL)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Fills v from the current row of the videos query and the entry. */
static int
make_video(struct loader *l, sqlite3_stmt *st, const struct content_entry *e,
    const struct collection_row *cols, size_t ncols, struct video *v)
{
	const struct content *c = l->c;
	const char *host = (const char *)sqlite3_column_text(st, 9);
	const char *col = (const char *)sqlite3_column_text(st, 10);
	size_t i, cap = 0;
	long t;

	memset(v, 0, sizeof(*v));
	v->series = -1;
	snprintf(v->guid, sizeof(v->guid), "%s", (const char *)sqlite3_column_text(st, 0));
	v->title = strdup(e != NULL && e->title != NULL ? e->title :
	    (const char *)sqlite3_column_text(st, 1));
	v->description = strdup(e != NULL && e->description != NULL ? e->description :
	    (const char *)sqlite3_column_text(st, 2));
	v->length = sqlite3_column_int64(st, 3);
	v->width = sqlite3_column_int64(st, 4);
	v->height = sqlite3_column_int64(st, 5);
	v->uploaded = sqlite3_column_int64(st, 6);
	v->views = sqlite3_column_int64(st, 7);
	v->thumbnail = strdup(sqlite3_column_bytes(st, 8) > 0 ?
	    (const char *)sqlite3_column_text(st, 8) : "thumbnail.jpg");
	/* BUNNY_CDN_HOSTNAME (already in site.cdn_host) beats a stored host. */
	v->cdn_host = strdup(getenv("BUNNY_CDN_HOSTNAME") != NULL &&
	    getenv("BUNNY_CDN_HOSTNAME")[0] != '\0' ? c->site.cdn_host :
	    host[0] != '\0' ? host : c->site.cdn_host);
	if (v->title == NULL || v->description == NULL || v->thumbnail == NULL ||
	    v->cdn_host == NULL)
		return -1;
	v->access = e != NULL && e->has_access ? e->access : c->site.default_access;
	v->featured = e != NULL ? e->featured : 0;
	if (e != NULL && e->has_categories) {
		if (e->ncategories > 0) {
			if ((v->categories = calloc(e->ncategories, sizeof(size_t))) == NULL)
				return -1;
			memcpy(v->categories, e->categories, e->ncategories * sizeof(size_t));
			v->ncategories = e->ncategories;
		}
	} else if (col[0] != '\0') {
		struct collection_row key, *r;

		snprintf(key.guid, sizeof(key.guid), "%s", col);
		r = bsearch(&key, cols, ncols, sizeof(*cols), collection_cmp);
		if (r != NULL && r->category >= 0) {
			if ((v->categories = calloc(1, sizeof(size_t))) == NULL)
				return -1;
			v->categories[0] = (size_t)r->category;
			v->ncategories = 1;
		}
	}
	if (e != NULL && e->has_tags) {
		for (i = 0; i < e->ntags; i++) {
			if ((t = tag_ref(l, e->tags[i])) == -1)
				return -1;
			if (t >= 0 && video_add_tag(v, &cap, (size_t)t) != 0)
				return -1;
		}
	} else if (meta_tags(l, v, (const char *)sqlite3_column_text(st, 11)) != 0)
		return -1;
	if (e != NULL && e->series != NULL) {
		if ((t = series_ref(l, e->series)) < 0)
			return -1;
		v->series = t;
		v->season = e->season;
		v->episode = e->episode;
	}
	return 0;
}

static void
video_free(struct video *v)
{
	size_t i;

	free(v->title);
	free(v->description);
	free(v->thumbnail);
	free(v->cdn_host);
	free(v->categories);
	free(v->tags);
	for (i = 0; i < v->ncaptions; i++) {
		free(v->captions[i].srclang);
		free(v->captions[i].label);
	}
	free(v->captions);
	for (i = 0; i < v->nchapters; i++)
		free(v->chapters[i].title);
	free(v->chapters);
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

/* Moves the site config and categories out of c into m. */
static void
take_site(struct model *m, struct content *c)
{
	m->site = c->site;
	memset(&c->site, 0, sizeof(c->site));
	m->categories = c->categories;
	m->ncategories = c->ncategories;
	c->categories = NULL;
	c->ncategories = 0;
}

int
model_load(struct model *m, const char *catalog_db, const char *content_dir,
    int quiet, char *err, size_t errlen)
{
	struct content c;
	struct loader l;
	struct collection_row *cols = NULL;
	struct guid_index *ix = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t ncols = 0, cap = 0, i, j, ei = 0, *tmap = NULL, *smap = NULL;
	int rc, exists;
	char digest[65];

	memset(m, 0, sizeof(*m));
	memset(&l, 0, sizeof(l));
	err[0] = '\0';
	if (content_load(&c, content_dir, quiet, err, errlen) != 0)
		return -1;
	if (catalog_meta_get(catalog_db, "digest", digest, sizeof(digest), &exists,
	    err, errlen) != 0)
		goto fail_content;
	if (!exists) {
		snprintf(err, errlen, "%s: no catalog yet; run `onlygen pull` first", catalog_db);
		goto fail_content;
	}
	if (catalog_open(&db, catalog_db, 0, err, errlen) != 0)
		goto fail_content;
	l.m = m;
	l.c = &c;
	l.err = err;
	l.errlen = errlen;
	snprintf(m->digest, sizeof(m->digest), "%s", digest);
	if (check_unknown_guids(db, &c, quiet) != 0 ||
	    load_collections(db, &c, &cols, &ncols) != 0)
		goto fail_db;
	/*
	 * One scan of the table in its own (guid) order, merged with the
	 * entries (sorted by guid too); then one sort into newest first.
	 */
	if (sqlite3_prepare_v2(db, "SELECT guid, title, description, length, width, height, "
	    "uploaded, views, thumbnail, cdn_host, collection, meta_tags FROM videos "
	    "WHERE +status = ? ORDER BY guid", -1, &st, NULL) != SQLITE_OK)
		goto fail_db;
	sqlite3_bind_int(st, 1, BUNNY_STATUS_FINISHED);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		const struct content_entry *e = NULL;

		while (ei < c.nentries && strcmp(c.entries[ei].guid, g) < 0)
			ei++;
		if (ei < c.nentries && strcmp(c.entries[ei].guid, g) == 0)
			e = &c.entries[ei];
		if (e != NULL && e->hidden)
			continue;
		if (m->nvideos == cap) {
			struct video *t;
			cap = cap ? cap * 2 : 256;
			if ((t = realloc(m->videos, cap * sizeof(*t))) == NULL)
				goto oom;
			m->videos = t;
		}
		m->nvideos++;
		if (make_video(&l, st, e, cols, ncols, &m->videos[m->nvideos - 1]) != 0)
			goto oom;
	}
	if (rc != SQLITE_DONE)
		goto fail_db;
	sqlite3_finalize(st);
	st = NULL;
	if ((ix = calloc(m->nvideos + 1, sizeof(*ix))) == NULL ||
	    newest_first(m, ix) != 0)
		goto oom;
	if (load_captions(db, m, ix) != 0 || load_chapters(db, m, ix) != 0)
		goto fail_db;
	/* Tags get their slugs, then tags and series are sorted by slug. */
	if (assign_tag_slugs(&l) != 0)
		goto oom;
	if ((tmap = sort_by_slug(m->tags, m->ntags, sizeof(*m->tags))) == NULL ||
	    (smap = sort_by_slug(m->series, m->nseries, sizeof(*m->series))) == NULL)
		goto oom;
	for (i = 0; i < m->nvideos; i++) {
		struct video *v = &m->videos[i];
		for (j = 0; j < v->ntags; j++)
			v->tags[j] = tmap[v->tags[j]];
		if (v->ntags > 1)
			qsort(v->tags, v->ntags, sizeof(*v->tags), size_cmp);
		if (v->series >= 0)
			v->series = (long)smap[v->series];
	}
	free(tmap);
	free(smap);
	free(ix);
	free(cols);
	intern_free(&l.tagmap);
	intern_free(&l.sermap);
	free(l.tagkind);
	sqlite3_close(db);
	take_site(m, &c);
	content_free(&c);
	return 0;
oom:
	snprintf(err, errlen, "out of memory loading the catalog");
	goto fail;
fail_db:
	snprintf(err, errlen, "%s: %s", catalog_db, sqlite3_errmsg(db));
fail:
	free(tmap);
	free(smap);
	free(ix);
	free(cols);
	intern_free(&l.tagmap);
	intern_free(&l.sermap);
	free(l.tagkind);
	sqlite3_finalize(st);
	sqlite3_close(db);
fail_content:
	content_free(&c);
	model_free(m);
	return -1;
}

void
model_free(struct model *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->site.title);
	free(m->site.description);
	free(m->site.base_url);
	free(m->site.language);
	free(m->site.cdn_host);
	free(m->site.theme);
	free(m->site.author);
	for (i = 0; i < m->ncategories; i++) {
		free(m->categories[i].slug);
		free(m->categories[i].name);
		free(m->categories[i].colour);
		free(m->categories[i].icon);
		free(m->categories[i].description);
	}
	free(m->categories);
	for (i = 0; i < m->ntags; i++) {
		free(m->tags[i].slug);
		free(m->tags[i].name);
	}
	free(m->tags);
	for (i = 0; i < m->nseries; i++) {
		free(m->series[i].slug);
		free(m->series[i].title);
		free(m->series[i].description);
	}
	free(m->series);
	for (i = 0; i < m->nvideos; i++)
		video_free(&m->videos[i]);
	free(m->videos);
	memset(m, 0, sizeof(*m));
}
