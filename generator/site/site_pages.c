/*
 * site_pages.c — which files the site consists of, the indices they are
 * built from (category/tag/series -> videos), and each page's key: the
 * digest the site_data*.c builders give of exactly the data the page is
 * rendered from, so a rebuild re-renders only the pages whose data changed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdn_host.h"
#include "hash64.h"
#include "list_pages.h"
#include "site_int.h"
#include "site_url.h"
#include "site_write.h"
#include "slug.h"

/*
 * The category, tag and series indices (CSR: for each group, the videos
 * naming it, in order) and the public videos are built in two passes over
 * the videos, counting while they are checked, then filling: each pass
 * over 100 000 videos is a walk of their structs and a miss on each list
 * they point to, and there were nine (docs/benchmarks.md, issue 15).
 */
struct csr_fill {
	size_t	*pos;	/* per group: where its next video goes */
	size_t	*vid;
};

/* Counts list[0..n) into off[g + 1]; a group out of range sets *bad. */
static void
csr_count(size_t *off, size_t ngroups, const size_t *list, size_t n, int *bad)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if (list[k] >= ngroups)
			*bad = 1;
		else
			off[list[k] + 1]++;
	}
}

/* off[] counted: made offsets, with f's cursors and storage.  0 or -1. */
static int
csr_start(size_t *off, size_t ngroups, struct csr_fill *f)
{
	size_t g;

	for (g = 0; g < ngroups; g++)
		off[g + 1] += off[g];
	f->pos = malloc((ngroups ? ngroups : 1) * sizeof(*f->pos));
	f->vid = malloc((off[ngroups] ? off[ngroups] : 1) * sizeof(*f->vid));
	if (f->pos == NULL || f->vid == NULL)
		return -1;
	memcpy(f->pos, off, ngroups * sizeof(*f->pos));
	return 0;
}

static int
episode_cmp(const struct video *a, const struct video *b, size_t ia, size_t ib)
{
	if (a->season != b->season)
		return a->season < b->season ? -1 : 1;
	if (a->episode != b->episode)
		return a->episode < b->episode ? -1 : 1;
	/* same numbers: older first, so the order is total */
	return ia < ib ? 1 : (ia > ib ? -1 : 0);
}

/* Insertion sort per series: series are short (tens of episodes). */
static void
ser_sort(const struct model *m, size_t *v, size_t n)
{
	size_t i, j, x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && episode_cmp(&m->videos[v[j - 1]], &m->videos[x],
		    v[j - 1], x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int
site_index(struct site_ctx *c, char *err, size_t errlen)
{
	const struct model *m = c->m;
	struct csr_fill fc = { NULL, NULL }, ft = { NULL, NULL }, fs = { NULL, NULL };
	const char *host_ok = NULL;	/* the last host string found good */
	size_t i, k, s;
	int bad = 0, rc = -1;

	c->cat_off = calloc(m->ncategories + 1, sizeof(*c->cat_off));
	c->tag_off = calloc(m->ntags + 1, sizeof(*c->tag_off));
	c->ser_off = calloc(m->nseries + 1, sizeof(*c->ser_off));
	c->ser_pos = calloc(m->nvideos ? m->nvideos : 1, sizeof(*c->ser_pos));
	c->free_vid = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*c->free_vid));
	if (c->cat_off == NULL || c->tag_off == NULL || c->ser_off == NULL ||
	    c->ser_pos == NULL || c->free_vid == NULL)
		goto oom;
	/* checked, and counted into the indices (a group out of range is
	 * reported after the images, as when the indices were built then) */
	c->hero = -1;
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];

		/* the guid is a cache miss waited on by its check: that of the
		 * video VIDEO_AHEAD on is fetched meanwhile (the host is checked once) */
		if (i + VIDEO_AHEAD < m->nvideos)
			__builtin_prefetch(m->videos[i + VIDEO_AHEAD].guid);
		if (!guid_ok(v->guid, strlen(v->guid))) {
			snprintf(err, errlen, "video '%.40s': not a lowercase UUID", v->guid);
			return -1;
		}
		/* the videos share their host's string (model.h): each string
		 * checked once, not once a video (~275 instructions each) */
		if (v->cdn_host != host_ok && !cdn_host_ok(v->cdn_host)) {
			snprintf(err, errlen, "video %s: CDN host '%.80s' is not a host[:port]; "
			    "set cdn_host in content/site.json or BUNNY_CDN_HOSTNAME",
			    v->guid, v->cdn_host);
			return -1;
		}
		host_ok = v->cdn_host;
		if (v->series >= (long)m->nseries) {
			snprintf(err, errlen, "video %s: series index out of range", v->guid);
			return -1;
		}
		csr_count(c->cat_off, m->ncategories, v->categories, v->ncategories, &bad);
		csr_count(c->tag_off, m->ntags, v->tags, v->ntags, &bad);
		if (v->series >= 0)
			c->ser_off[v->series + 1]++;
		if (v->featured && c->hero == -1)
			c->hero = (long)i;
	}
	for (i = 0; i < m->ncategories; i++)
		if (!slug_ok(m->categories[i].slug)) {
			snprintf(err, errlen, "category slug '%.80s' is not [a-z0-9-]", m->categories[i].slug);
			return -1;
		}
	for (i = 0; i < m->ntags; i++)
		if (!slug_ok(m->tags[i].slug)) {
			snprintf(err, errlen, "tag slug '%.80s' is not [a-z0-9-]", m->tags[i].slug);
			return -1;
		}
	for (i = 0; i < m->nseries; i++)
		if (!slug_ok(m->series[i].slug)) {
			snprintf(err, errlen, "series slug '%.80s' is not [a-z0-9-]", m->series[i].slug);
			return -1;
		}
	/* the images before the hashes: a card shows its image's URLs */
	if (site_images(c, err, errlen) == -1)
		return -1;
	if (bad || csr_start(c->cat_off, m->ncategories, &fc) == -1 ||
	    csr_start(c->tag_off, m->ntags, &ft) == -1 ||
	    csr_start(c->ser_off, m->nseries, &fs) == -1)
		goto oom;
	c->cat_vid = fc.vid;
	c->tag_vid = ft.vid;
	c->ser_vid = fs.vid;
	fc.vid = ft.vid = fs.vid = NULL;
	/* filled in video order; the public videos newest first (videos are
	 * in that order) */
	c->nfree = 0;
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];

		if (i + VIDEO_AHEAD < m->nvideos)
			__builtin_prefetch(&m->videos[i + VIDEO_AHEAD].categories);
		for (k = 0; k < v->ncategories; k++)
			c->cat_vid[fc.pos[v->categories[k]]++] = i;
		for (k = 0; k < v->ntags; k++)
			c->tag_vid[ft.pos[v->tags[k]]++] = i;
		if (v->series >= 0)
			c->ser_vid[fs.pos[v->series]++] = i;
		if (v->access == ACCESS_PUBLIC)
			c->free_vid[c->nfree++] = i;
	}
	/* series in episode order */
	for (s = 0; s < m->nseries; s++) {
		ser_sort(m, c->ser_vid + c->ser_off[s], c->ser_off[s + 1] - c->ser_off[s]);
		for (i = c->ser_off[s]; i < c->ser_off[s + 1]; i++)
			c->ser_pos[c->ser_vid[i]] = i;
	}
	if (c->hero == -1 && m->nvideos)
		c->hero = 0;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "site: out of memory (or a category/tag index out of range)");
out:
	free(fc.pos);
	free(fc.vid);
	free(ft.pos);
	free(ft.vid);
	free(fs.pos);
	free(fs.vid);
	return rc;
}

size_t
site_list_len(const struct site_ctx *c, const struct page *p)
{
	if (p->kind == PK_CATEGORY)
		return c->cat_off[p->idx + 1] - c->cat_off[p->idx];
	if (p->kind == PK_TAG)
		return c->tag_off[p->idx + 1] - c->tag_off[p->idx];
	if (p->kind == PK_SERIES)
		return c->ser_off[p->idx + 1] - c->ser_off[p->idx];
	if (p->kind == PK_NEW)
		return c->m->nvideos;
	if (p->kind == PK_FREE)
		return c->nfree;
	return 0;
}

/* The newest-first lists are cut from their oldest end (list_pages.h);
 * a series, in episode order, from its start. */
static int
anchored(const struct page *p)
{
	return p->kind != PK_SERIES;
}

size_t
site_list_pages(const struct site_ctx *c, const struct page *p)
{
	if (p->kind != PK_CATEGORY && p->kind != PK_TAG && p->kind != PK_SERIES &&
	    p->kind != PK_NEW && p->kind != PK_FREE)
		return 1;
	return list_pages_count(site_list_len(c, p), (size_t)c->page_size, anchored(p));
}

void
site_list_slice(const struct site_ctx *c, const struct page *p, size_t *from, size_t *to)
{
	list_pages_slice(site_list_len(c, p), (size_t)c->page_size, anchored(p), p->no, from, to);
}

/* site_enumerate's state: a buffer for a path. */
struct enum_state {
	struct buf	 path;
	ptrdiff_t	 shift;	/* old manifest's place of page i, less i (manifest_find_near) */
};

/*
 * Room for n more pages (c->pages_cap), grown once to what the list is
 * known to need instead of doubling through it: at 100 000 videos, nine
 * doublings of a 8 MB array were copies and page faults on the main
 * thread.  0 or -1 (out of memory).
 */
static int
reserve_pages(struct site_ctx *c, size_t n)
{
	struct page *p;

	if (n <= c->pages_cap - c->npages)
		return 0;
	if (n > SIZE_MAX / sizeof(*p) - c->npages)
		return -1;
	if ((p = realloc(c->pages, (c->npages + n) * sizeof(*p))) == NULL)
		return -1;
	c->pages = p;
	c->pages_cap = c->npages + n;
	return 0;
}

/*
 * Page (kind, idx, no) at path, or at url's path.  A path the old
 * manifest holds is shared with it (its entry, found in order, noted in
 * p->old: render_item needs no lookup of its own), any other
 * copied into one arena (c->path_mem), not a malloc each.  At 100 000
 * videos with every image mirrored the copies were 700 000 paths, 34 MB
 * of fresh memory whose page faults were most of listing the pages.
 */
static int
add_page(struct site_ctx *c, struct enum_state *es, int kind, size_t idx, size_t no,
    const char *url, const char *path)
{
	const struct mf_entry *e;
	struct page *p;

	/* the counts reserved are exact; should one fall short, grow anyway */
	if (c->npages == c->pages_cap && reserve_pages(c, c->pages_cap ? c->pages_cap : 4096) == -1)
		return -1;
	p = &c->pages[c->npages];
	memset(p, 0, sizeof(*p));
	p->kind = (uint8_t)kind;
	p->idx = (uint32_t)idx;
	p->no = (uint32_t)no;
	if (path == NULL) {
		buf_reset(&es->path);
		if (url_to_path(&es->path, url) == -1)
			return -1;
		path = es->path.data;
	}
	if (c->old_mf != NULL &&
	    (e = manifest_find_near(c->old_mf, path, c->npages, &es->shift)) != NULL) {
		p->path = e->path;
		p->old = (uint32_t)(e - c->old_mf->e) + 1;
	} else if ((p->path = arena_strdup(&c->path_mem, path)) == NULL)
		return -1;
	c->npages++;
	return 0;
}

static int
add_search_page(struct site_ctx *c, void *es, int kind, size_t idx, size_t no, const char *path)
{
	return add_page(c, es, kind, idx, no, NULL, path);
}

struct image_adder {
	struct site_ctx		*c;
	struct enum_state	*es;
};

static int
add_image_page(void *arg, size_t vid, int variant, const char *path)
{
	struct image_adder *ia = arg;

	return add_page(ia->c, ia->es, PK_IMAGE, vid, (size_t)variant, NULL, path);
}

int
site_list_url(const struct site_ctx *c, struct buf *out, int kind, size_t idx, int no)
{
	const struct model *m = c->m;

	switch (kind) {
	case PK_CATEGORY:
		return url_list(out, c->html, 'c', m->categories[idx].slug, no);
	case PK_TAG:
		return url_list(out, c->html, 't', m->tags[idx].slug, no);
	case PK_SERIES:
		return url_list(out, c->html, 's', m->series[idx].slug, no);
	case PK_NEW:
		return url_named_page(out, c->html, "new", no);
	case PK_FREE:
		return url_named_page(out, c->html, "free", no);
	case PK_SERIES_INDEX:
		return url_named(out, c->html, "series");
	case PK_TAG_INDEX:
		return url_named(out, c->html, "tags");
	default:
		return -1;
	}
}

/*
 * The pages site_enumerate() lists (every one up to 404.html), counted
 * the way it lists them: the array is sized once.
 */
static size_t
head_pages(const struct site_ctx *c)
{
	const struct model *m = c->m;
	struct page tmp;
	size_t i, no, n = c->th.nassets + IMG_NSTILLS + 2 * m->nvideos + 3 + 1;
	static const int kinds[] = { PK_NEW, PK_FREE, PK_SERIES_INDEX, PK_TAG_INDEX };

	for (i = 0; !c->img_carry && i < m->nvideos; i++)
		for (no = 0; no < IMG_NVARIANTS; no++)
			n += (size_t)site_image_own(c, i, (int)no);
	memset(&tmp, 0, sizeof(tmp));
	for (i = 0; i < m->ncategories + m->ntags + m->nseries; i++) {
		tmp.kind = i < m->ncategories ? PK_CATEGORY :
		    i < m->ncategories + m->ntags ? PK_TAG : PK_SERIES;
		tmp.idx = (uint32_t)(i < m->ncategories ? i : i < m->ncategories + m->ntags ?
		    i - m->ncategories : i - m->ncategories - m->ntags);
		n += site_list_pages(c, &tmp);
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		tmp.kind = (uint8_t)kinds[i];
		tmp.idx = 0;
		n += site_list_pages(c, &tmp);
	}
	return n;
}

int
site_enumerate(struct site_ctx *c, char *err, size_t errlen)
{
	const struct model *m = c->m;
	struct page tmp;
	struct buf u;
	struct enum_state es;
	size_t i, no, n;
	static const struct { int kind; const char *name; } named[] = {
		{ PK_HOME, "" }, { PK_CODE, "code" }, { PK_SEARCH, "search" },
	};

	buf_init(&u, 4096);
	arena_init(&c->path_mem);
	buf_init(&es.path, 4096);
	es.shift = 0;
	if (reserve_pages(c, head_pages(c)) == -1)
		goto oom;
	for (i = 0; i < c->th.nassets; i++)
		if (add_page(c, &es, PK_ASSET, i, 0, NULL, c->th.assets[i].path) == -1)
			goto oom;
	/* the mirrored images: the shared placeholder, then each video's */
	for (no = 0; no < IMG_NSTILLS; no++) {
		buf_reset(&u);
		if (buf_printf(&u, "img/%s%s", IMG_PLACEHOLDER, img_suffix((int)no)) == -1 ||
		    add_page(c, &es, PK_IMAGE, IMG_PAGE_PLACEHOLDER, no, NULL, u.data) == -1)
			goto oom;
	}
	c->img_from = c->npages;
	if (!c->img_carry) {	/* a set carried over is not listed (site_image_set.c) */
		struct image_adder ia = { c, &es };

		if (site_image_set_pages(c, add_image_page, &ia) == -1)
			goto oom;
	}
	c->img_n = c->npages - c->img_from;
	/* a video's guid is a cache miss waited on by its URL: that of the
	 * video VIDEO_AHEAD on is fetched meanwhile, in both passes */
	for (i = 0; i < m->nvideos; i++) {
		if (i + VIDEO_AHEAD < m->nvideos)
			__builtin_prefetch(m->videos[i + VIDEO_AHEAD].guid);
		buf_reset(&u);
		if (url_video(&u, c->html, m->videos[i].guid) == -1 ||
		    add_page(c, &es, PK_WATCH, i, 0, u.data, NULL) == -1)
			goto oom;
	}
	for (i = 0; i < m->nvideos; i++) {
		if (i + VIDEO_AHEAD < m->nvideos)
			__builtin_prefetch(m->videos[i + VIDEO_AHEAD].guid);
		buf_reset(&u);
		if (url_embed(&u, c->html, m->videos[i].guid) == -1 ||
		    add_page(c, &es, PK_EMBED, i, 0, u.data, NULL) == -1)
			goto oom;
	}
	for (i = 0; i < m->ncategories + m->ntags; i++) {
		int kind = i < m->ncategories ? PK_CATEGORY : PK_TAG;
		size_t idx = i < m->ncategories ? i : i - m->ncategories;

		memset(&tmp, 0, sizeof(tmp));
		tmp.kind = (uint8_t)kind;
		tmp.idx = (uint32_t)idx;
		n = site_list_pages(c, &tmp);
		for (no = 1; no <= n; no++) {
			buf_reset(&u);
			if (site_list_url(c, &u, kind, idx, (int)no) == -1 ||
			    add_page(c, &es, kind, idx, no, u.data, NULL) == -1)
				goto oom;
		}
	}
	for (i = 0; i < m->nseries; i++) {
		memset(&tmp, 0, sizeof(tmp));
		tmp.kind = PK_SERIES;
		tmp.idx = (uint32_t)i;
		n = site_list_pages(c, &tmp);
		for (no = 1; no <= n; no++) {
			buf_reset(&u);
			if (site_list_url(c, &u, PK_SERIES, i, (int)no) == -1 ||
			    add_page(c, &es, PK_SERIES, i, no, u.data, NULL) == -1)
				goto oom;
		}
	}
	/* the site-wide lists: newest, free (paginated), the series and tag indices */
	for (i = 0; i < 4; i++) {
		static const int kinds[] = { PK_NEW, PK_FREE, PK_SERIES_INDEX, PK_TAG_INDEX };

		memset(&tmp, 0, sizeof(tmp));
		tmp.kind = (uint8_t)kinds[i];
		n = site_list_pages(c, &tmp);
		for (no = 1; no <= n; no++) {
			buf_reset(&u);
			if (site_list_url(c, &u, kinds[i], 0, (int)no) == -1 ||
			    add_page(c, &es, kinds[i], 0, no, u.data, NULL) == -1)
				goto oom;
		}
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		buf_reset(&u);
		if (url_named(&u, c->html, named[i].name) == -1 ||
		    add_page(c, &es, named[i].kind, 0, 0, u.data, NULL) == -1)
			goto oom;
	}
	if (add_page(c, &es, PK_404, 0, 0, NULL, "404.html") == -1)
		goto oom;
	buf_free(&u);
	buf_free(&es.path);
	/* the sitemap's files: every page it may list is known (the files
	 * site_enumerate_rest() adds are not listed) */
	return site_sitemap_plan(c, err, errlen);
oom:
	buf_free(&u);
	buf_free(&es.path);
	snprintf(err, errlen, "site: out of memory listing pages");
	return -1;
}

int
site_enumerate_rest(struct site_ctx *c, char *err, size_t errlen)
{
	struct buf u;
	struct enum_state es;
	size_t no;

	buf_init(&u, 4096);
	buf_init(&es.path, 4096);
	es.shift = 0;
	/* the search index's files, once its task is joined: the array grows
	 * once, by what is left to list */
	if (site_search_ready(c) == -1 ||
	    reserve_pages(c, site_search_files(c) + 3 + c->sitemap_parts) == -1 ||
	    site_search_pages(c, add_search_page, &es) == -1 ||
	    add_page(c, &es, PK_FEED, 0, 0, NULL, "feed.xml") == -1 ||
	    add_page(c, &es, PK_ROBOTS, 0, 0, NULL, "robots.txt") == -1 ||
	    add_page(c, &es, PK_SITEMAP, 0, 0, NULL, "sitemap.xml") == -1)
		goto oom;
	for (no = 1; no <= c->sitemap_parts; no++) {
		buf_reset(&u);
		if (buf_printf(&u, "sitemap-%zu.xml", no) == -1 ||
		    add_page(c, &es, PK_SITEMAP, 0, no, NULL, u.data) == -1)
			goto oom;
	}
	buf_free(&u);
	buf_free(&es.path);
	return 0;
oom:
	buf_free(&u);
	buf_free(&es.path);
	snprintf(err, errlen, "site: out of memory listing pages");
	return -1;
}

/*
 * Bumped when the generator renders the same data differently (a new
 * template engine feature, an escaping fix): every key changes with it.
 */
#define PAGE_KEY_VERSION	0x70616765732d7632ULL	/* "pages-v2" */

void
site_keys(struct site_ctx *c)
{
	/* the card keys (c->vcard) were made with the card texts, on the pool;
	 * the templates and partials (their names and sources), then the
	 * data every page shares (site settings, nav, asset URLs) */
	c->skey = site_shared_key(c, h64_int(PAGE_KEY_VERSION, (int64_t)c->th.key));
}

uint64_t
site_kept_key(const struct site_ctx *c, const char *what)
{
	uint64_t h;

	if (c->o->code_key == 0)
		return 0;
	h = h64_int(h64_str(0, what), (int64_t)c->o->code_key);
	return h != 0 ? h : 1;
}

uint64_t
site_page_seed(const struct site_ctx *c, const struct page *p)
{
	return h64_str(h64_int(c->skey, p->kind), p->path);
}

int
site_page_memory(const struct site_ctx *c, const struct page *p, const void **data,
    size_t *len)
{
	const unsigned char *d;

	if (p->kind == PK_ASSET) {
		*data = c->th.assets[p->idx].data;
		*len = c->th.assets[p->idx].len;
		return 1;
	}
	if (p->kind != PK_IMAGE || p->idx != IMG_PAGE_PLACEHOLDER)
		return 0;
	if ((d = site_placeholder_bytes((int)p->no, len)) == NULL)
		return -1;
	*data = d;
	return 1;
}

int
site_page_key(const struct site_ctx *c, const struct page *p, struct buf *scratch,
    uint64_t *key, struct page_reads_rec *reads)
{
	const void *d;
	size_t n;
	int mem;

	/* bytes this program holds (a theme asset, a placeholder still, not
	 * named by the catalog): keyed by those bytes, not copied (rendering
	 * does) */
	if ((mem = site_page_memory(c, p, &d, &n)) != 0) {
		if (mem == -1)
			return 0;	/* rendering reports it */
		*key = h64(h64_str(PAGE_KEY_VERSION, p->path), d, n);
		return 1;
	}
	switch (p->kind) {
	case PK_IMAGE:
		/* a video's image path names its cache key (what the catalog
		 * says of the thumbnail) and size: nothing else changes it
		 * (site_images.c) */
		*key = h64_str(0x696d6167652d7631ULL, p->path);
		return 1;
	case PK_HOME:
	case PK_WATCH:
	case PK_CATEGORY:
	case PK_TAG:
	case PK_SERIES:
	case PK_NEW:
	case PK_FREE:
	case PK_SERIES_INDEX:
	case PK_TAG_INDEX:
	case PK_CODE:
	case PK_SEARCH:
	case PK_404:
	case PK_EMBED:
		/* the template pages: exactly the data they are rendered from */
		*key = site_data_key(c, p, site_page_seed(c, p), scratch, reads);
		return 1;
	case PK_SEARCH_TERMS:
	case PK_SEARCH_DOCS:
	case PK_SEARCH_LONG:
	case PK_SEARCH_FILTER:
		/* the search index's files: from the data their formatters read,
		 * without formatting them (site_search.h) */
		if (site_search_key(c, p, h64_str(PAGE_KEY_VERSION, p->path), key) == 1)
			return 1;
		break;
	case PK_SITEMAP:
		/* a sitemap file: keyed from the plan's entry hashes, without
		 * the file (tens of MB at 100 000 videos); the same key whether
		 * or not the file is then made (incremental == clean) */
		if (site_sitemap_key(c, p, h64_str(PAGE_KEY_VERSION, p->path), key) == 0)
			return 1;
		break;
	default:
		break;
	}
	/*
	 * the rest (the feed, robots.txt, search/meta.json, and those above
	 * when they cannot be keyed so): written in C straight from the model,
	 * without a data tree, so their key is a digest of their bytes
	 * (formatting them is cheap: no template, no allocation).  Too large
	 * to format: render to know.
	 */
	buf_reset(scratch);
	if (site_render_meta(c, p, scratch) < 0) {
		*key = 0;
		return 0;
	}
	*key = h64(h64_str(PAGE_KEY_VERSION, p->path), scratch->data ? scratch->data : "",
	    scratch->len);
	return KEY_FROM_BYTES;
}
