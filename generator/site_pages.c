/*
 * site_pages.c — which files the site consists of, the indices they are
 * built from (category/tag/series -> videos), and each page's key: a hash
 * of exactly the inputs the page shows, so a rebuild re-renders only the
 * pages whose inputs changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdn_host.h"
#include "hash64.h"
#include "site_int.h"
#include "site_url.h"
#include "site_write.h"
#include "slug.h"

/* Builds a CSR index: for each of ngroups, the videos naming it. */
static int
csr_build(const struct model *m, size_t ngroups, int which, size_t **offp, size_t **vidp)
{
	size_t *off, *vid, *fill, i, k, n, g, total = 0;
	const size_t *list;

	off = calloc(ngroups + 1, sizeof(*off));
	fill = calloc(ngroups + 1, sizeof(*fill));
	if (off == NULL || fill == NULL)
		goto fail;
	for (i = 0; i < m->nvideos; i++) {
		n = which ? m->videos[i].ntags : m->videos[i].ncategories;
		list = which ? m->videos[i].tags : m->videos[i].categories;
		for (k = 0; k < n; k++) {
			if (list[k] >= ngroups)
				goto fail;
			off[list[k] + 1]++;
			total++;
		}
	}
	for (g = 0; g < ngroups; g++)
		off[g + 1] += off[g];
	if ((vid = malloc((total ? total : 1) * sizeof(*vid))) == NULL)
		goto fail;
	for (i = 0; i < m->nvideos; i++) {
		n = which ? m->videos[i].ntags : m->videos[i].ncategories;
		list = which ? m->videos[i].tags : m->videos[i].categories;
		for (k = 0; k < n; k++)
			vid[off[list[k]] + fill[list[k]]++] = i;
	}
	free(fill);
	*offp = off;
	*vidp = vid;
	return 0;
fail:
	free(off);
	free(fill);
	return -1;
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

static uint64_t
video_card_hash(const struct video *v, const struct video_img *im)
{
	uint64_t h = h64_str(0x636172642d763100ULL, v->guid);

	/* the image URLs: key, and whether the stills and preview are there */
	h = h64_str(h, im->key);
	h = h64_int(h, im->still | im->preview << 1);

	h = h64_str(h, v->title);
	h = h64_int(h, v->length);
	h = h64_int(h, v->uploaded);
	h = h64_str(h, v->thumbnail);
	h = h64_str(h, v->cdn_host);
	h = h64_int(h, v->access);
	h = h64_int(h, v->series >= 0);	/* the "S1 · E2" label */
	if (v->series >= 0) {
		h = h64_int(h, v->season);
		h = h64_int(h, v->episode);
	}
	return h;
}

/*
 * Everything a video's watch page shows about the video itself.  Tags and
 * the series are hashed by name, not by index: adding a tag or a series
 * shifts the indices of the others, and must not change every page.
 */
static uint64_t
video_full_hash(const struct model *m, const struct video *v, uint64_t card)
{
	uint64_t h = h64_str(card, v->description);
	size_t i;

	h = h64_int(h, v->width);
	h = h64_int(h, v->height);
	h = h64_int(h, v->featured);
	h = h64_int(h, (int64_t)v->ncategories);
	for (i = 0; i < v->ncategories; i++)
		h = h64_int(h, (int64_t)v->categories[i]);
	h = h64_int(h, (int64_t)v->ntags);
	for (i = 0; i < v->ntags; i++) {
		h = h64_str(h, m->tags[v->tags[i]].slug);
		h = h64_str(h, m->tags[v->tags[i]].name);
	}
	h = h64_int(h, v->series >= 0);
	if (v->series >= 0) {
		h = h64_str(h, m->series[v->series].slug);
		h = h64_str(h, m->series[v->series].title);
	}
	h = h64_int(h, v->season);
	h = h64_int(h, v->episode);
	for (i = 0; i < v->ncaptions; i++) {
		h = h64_str(h, v->captions[i].srclang);
		h = h64_str(h, v->captions[i].label);
	}
	for (i = 0; i < v->nchapters; i++) {
		h = h64_str(h, v->chapters[i].title);
		h = h64_int(h, v->chapters[i].start);
		h = h64_int(h, v->chapters[i].end);
	}
	return h;
}

int
site_index(struct site_ctx *c, char *err, size_t errlen)
{
	const struct model *m = c->m;
	uint64_t g;
	size_t i, s;

	for (i = 0; i < m->nvideos; i++) {
		if (!guid_ok(m->videos[i].guid, strlen(m->videos[i].guid))) {
			snprintf(err, errlen, "video '%.40s': not a lowercase UUID", m->videos[i].guid);
			return -1;
		}
		if (!cdn_host_ok(m->videos[i].cdn_host)) {
			snprintf(err, errlen, "video %s: CDN host '%.80s' is not a host[:port]; "
			    "set cdn_host in content/site.json or BUNNY_CDN_HOSTNAME",
			    m->videos[i].guid, m->videos[i].cdn_host);
			return -1;
		}
		if (m->videos[i].series >= (long)m->nseries) {
			snprintf(err, errlen, "video %s: series index out of range", m->videos[i].guid);
			return -1;
		}
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
	if (csr_build(m, m->ncategories, 0, &c->cat_off, &c->cat_vid) == -1 ||
	    csr_build(m, m->ntags, 1, &c->tag_off, &c->tag_vid) == -1)
		goto oom;

	/* series: CSR by hand, then episode order */
	c->ser_off = calloc(m->nseries + 1, sizeof(*c->ser_off));
	c->ser_pos = calloc(m->nvideos ? m->nvideos : 1, sizeof(*c->ser_pos));
	if (c->ser_off == NULL || c->ser_pos == NULL)
		goto oom;
	for (i = 0; i < m->nvideos; i++)
		if (m->videos[i].series >= 0)
			c->ser_off[m->videos[i].series + 1]++;
	for (s = 0; s < m->nseries; s++)
		c->ser_off[s + 1] += c->ser_off[s];
	c->ser_vid = malloc((c->ser_off[m->nseries] ? c->ser_off[m->nseries] : 1) *
	    sizeof(*c->ser_vid));
	if (c->ser_vid == NULL)
		goto oom;
	{
		size_t *fill = calloc(m->nseries + 1, sizeof(*fill));

		if (fill == NULL)
			goto oom;
		for (i = 0; i < m->nvideos; i++) {
			long sv = m->videos[i].series;

			if (sv >= 0)
				c->ser_vid[c->ser_off[sv] + fill[sv]++] = i;
		}
		free(fill);
	}
	for (s = 0; s < m->nseries; s++) {
		ser_sort(m, c->ser_vid + c->ser_off[s], c->ser_off[s + 1] - c->ser_off[s]);
		for (i = c->ser_off[s]; i < c->ser_off[s + 1]; i++)
			c->ser_pos[c->ser_vid[i]] = i;
	}

	c->hero = m->nvideos ? 0 : -1;
	for (i = 0; i < m->nvideos; i++)
		if (m->videos[i].featured) {
			c->hero = (long)i;
			break;
		}

	c->vcard = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*c->vcard));
	c->vfull = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*c->vfull));
	if (c->vcard == NULL || c->vfull == NULL)
		goto oom;
	c->allkey = h64_int(0, (int64_t)m->nvideos);
	for (i = 0; i < m->nvideos; i++) {
		c->vcard[i] = video_card_hash(&m->videos[i], &c->vimg[i]);
		c->vfull[i] = video_full_hash(m, &m->videos[i], c->vcard[i]);
		c->allkey = h64_int(c->allkey, (int64_t)c->vfull[i]);
	}

	/* Everything every page may show: theme, site settings, names. */
	g = h64_int(c->th.key, c->html);
	g = h64_str(g, m->site.title);
	g = h64_str(g, m->site.description);
	g = h64_str(g, m->site.base_url);
	g = h64_str(g, m->site.language);
	g = h64_str(g, m->site.author);
	g = h64_int(g, c->page_size);
	for (i = 0; i < m->ncategories; i++) {
		g = h64_str(g, m->categories[i].slug);
		g = h64_str(g, m->categories[i].name);
		g = h64_str(g, m->categories[i].colour);
		g = h64_str(g, m->categories[i].icon);
		g = h64_str(g, m->categories[i].description);
	}
	/*
	 * Tag and series names are not here: only their own list pages, the
	 * watch pages of their videos and search.json (which lists them all)
	 * show them (see site_page_key).
	 */
	for (i = 0; i < m->ntags; i++) {
		c->allkey = h64_str(c->allkey, m->tags[i].slug);
		c->allkey = h64_str(c->allkey, m->tags[i].name);
	}
	for (i = 0; i < m->nseries; i++) {
		c->allkey = h64_str(c->allkey, m->series[i].slug);
		c->allkey = h64_str(c->allkey, m->series[i].title);
	}
	c->gkey = g;
	return 0;
oom:
	snprintf(err, errlen, "site: out of memory (or a category/tag index out of range)");
	return -1;
}

size_t
site_list_pages(const struct site_ctx *c, const struct page *p)
{
	size_t n;

	if (p->kind == PK_CATEGORY)
		n = c->cat_off[p->idx + 1] - c->cat_off[p->idx];
	else if (p->kind == PK_TAG)
		n = c->tag_off[p->idx + 1] - c->tag_off[p->idx];
	else if (p->kind == PK_SERIES)
		n = c->ser_off[p->idx + 1] - c->ser_off[p->idx];
	else
		return 1;
	return n == 0 ? 1 : (n + (size_t)c->page_size - 1) / (size_t)c->page_size;
}

static int
add_page(struct site_ctx *c, size_t *cap, int kind, size_t idx, size_t no, const char *url,
    const char *path)
{
	struct page *p;
	struct buf b;

	if (c->npages == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4096;

		p = realloc(c->pages, ncap * sizeof(*p));
		if (p == NULL)
			return -1;
		c->pages = p;
		*cap = ncap;
	}
	p = &c->pages[c->npages];
	memset(p, 0, sizeof(*p));
	p->kind = (uint8_t)kind;
	p->idx = (uint32_t)idx;
	p->no = (uint32_t)no;
	if (path != NULL)
		p->path = strdup(path);
	else {
		buf_init(&b, 1024);
		if (url_to_path(&b, url) == -1) {
			buf_free(&b);
			return -1;
		}
		p->path = buf_take(&b);
	}
	if (p->path == NULL)
		return -1;
	c->npages++;
	return 0;
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
	default:
		return -1;
	}
}

int
site_enumerate(struct site_ctx *c, char *err, size_t errlen)
{
	const struct model *m = c->m;
	struct page tmp;
	struct buf u;
	size_t cap = 0, i, no, n, nurls;
	static const struct { int kind; const char *name; } named[] = {
		{ PK_HOME, "" }, { PK_CODE, "code" }, { PK_SEARCH, "search" },
	};

	buf_init(&u, 4096);
	for (i = 0; i < c->th.nassets; i++)
		if (add_page(c, &cap, PK_ASSET, i, 0, NULL, c->th.assets[i].path) == -1)
			goto oom;
	/* the mirrored images: the shared placeholder, then each video's */
	for (no = 0; no < IMG_NSTILLS; no++) {
		buf_reset(&u);
		if (buf_printf(&u, "img/%s%s", IMG_PLACEHOLDER, img_suffix((int)no)) == -1 ||
		    add_page(c, &cap, PK_IMAGE, IMG_PAGE_PLACEHOLDER, no, NULL, u.data) == -1)
			goto oom;
	}
	for (i = 0; i < m->nvideos; i++)
		for (no = 0; no < IMG_NVARIANTS; no++) {
			if (no == IMG_PREVIEW ? !c->vimg[i].preview : !c->vimg[i].still)
				continue;
			buf_reset(&u);
			if (site_image_url(c, i, (int)no, &u) == -1 ||
			    add_page(c, &cap, PK_IMAGE, i, no, NULL, u.data + 1) == -1)
				goto oom;
		}
	for (i = 0; i < m->nvideos; i++) {
		buf_reset(&u);
		if (url_video(&u, c->html, m->videos[i].guid) == -1 ||
		    add_page(c, &cap, PK_WATCH, i, 0, u.data, NULL) == -1)
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
			    add_page(c, &cap, kind, idx, no, u.data, NULL) == -1)
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
			    add_page(c, &cap, PK_SERIES, i, no, u.data, NULL) == -1)
				goto oom;
		}
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		buf_reset(&u);
		if (url_named(&u, c->html, named[i].name) == -1 ||
		    add_page(c, &cap, named[i].kind, 0, 0, u.data, NULL) == -1)
			goto oom;
	}
	if (add_page(c, &cap, PK_404, 0, 0, NULL, "404.html") == -1 ||
	    add_page(c, &cap, PK_SEARCH_INDEX, 0, 0, NULL, "search.json") == -1 ||
	    add_page(c, &cap, PK_FEED, 0, 0, NULL, "feed.xml") == -1 ||
	    add_page(c, &cap, PK_ROBOTS, 0, 0, NULL, "robots.txt") == -1)
		goto oom;
	/* every HTML page but 404 is listed in the sitemap */
	nurls = 0;
	for (i = 0; i < c->npages; i++)
		if (c->pages[i].kind != PK_ASSET && c->pages[i].kind < PK_404)
			nurls++;
	c->sitemap_parts = nurls > SITEMAP_MAX ? (nurls + SITEMAP_MAX - 1) / SITEMAP_MAX : 0;
	if (add_page(c, &cap, PK_SITEMAP, 0, 0, NULL, "sitemap.xml") == -1)
		goto oom;
	for (no = 1; no <= c->sitemap_parts; no++) {
		buf_reset(&u);
		if (buf_printf(&u, "sitemap-%zu.xml", no) == -1 ||
		    add_page(c, &cap, PK_SITEMAP, 0, no, NULL, u.data) == -1)
			goto oom;
	}
	buf_free(&u);
	return 0;
oom:
	buf_free(&u);
	snprintf(err, errlen, "site: out of memory listing pages");
	return -1;
}

/* Mixes the card hashes of list[from..to) into h. */
static uint64_t
mix_cards(const struct site_ctx *c, uint64_t h, const size_t *list, size_t from, size_t to)
{
	size_t i;

	h = h64_int(h, (int64_t)(to - from));
	for (i = from; i < to; i++)
		h = h64_int(h, (int64_t)c->vcard[list[i]]);
	return h;
}

uint64_t
site_page_key(const struct site_ctx *c, const struct page *p)
{
	const struct model *m = c->m;
	uint64_t h = h64_int(c->gkey, p->kind);
	size_t i, n, from, to, ps = (size_t)c->page_size;
	const uint32_t *rel;

	/* an image's path names its key and size: nothing else changes it */
	if (p->kind == PK_IMAGE)
		return h64_str(0x696d6167652d7631ULL, p->path);

	/*
	 * The path, not the index: adding a video shifts every index after
	 * it, and must not change the key of every watch page.
	 */
	h = h64_str(h, p->path);
	switch (p->kind) {
	case PK_ASSET:
		return h64(h, c->th.assets[p->idx].data, c->th.assets[p->idx].len);
	case PK_WATCH: {
		const struct video *v = &m->videos[p->idx];

		h = h64_int(h, (int64_t)c->vfull[p->idx]);
		rel = related_of(&c->rel, p->idx, &n);
		h = h64_int(h, (int64_t)n);
		for (i = 0; i < n; i++)
			h = h64_int(h, (int64_t)c->vcard[rel[i]]);
		if (v->series >= 0) {
			size_t pos = c->ser_pos[p->idx];

			if (pos > c->ser_off[v->series])
				h = h64_int(h, (int64_t)c->vcard[c->ser_vid[pos - 1]]);
			if (pos + 1 < c->ser_off[v->series + 1])
				h = h64_int(h, (int64_t)c->vcard[c->ser_vid[pos + 1]]);
		}
		return h;
	}
	case PK_CATEGORY:
	case PK_TAG: {
		const size_t *off = p->kind == PK_CATEGORY ? c->cat_off : c->tag_off;
		const size_t *vid = p->kind == PK_CATEGORY ? c->cat_vid : c->tag_vid;

		from = off[p->idx] + (p->no - 1) * ps;
		to = from + ps < off[p->idx + 1] ? from + ps : off[p->idx + 1];
		h = h64_int(h, (int64_t)(off[p->idx + 1] - off[p->idx]));	/* "N videos" */
		if (p->kind == PK_TAG) {
			h = h64_str(h, m->tags[p->idx].slug);
			h = h64_str(h, m->tags[p->idx].name);
		}
		return mix_cards(c, h, vid, from, to);
	}
	case PK_SERIES:
		from = c->ser_off[p->idx] + (p->no - 1) * ps;
		to = from + ps < c->ser_off[p->idx + 1] ? from + ps : c->ser_off[p->idx + 1];
		h = h64_int(h, (int64_t)(c->ser_off[p->idx + 1] - c->ser_off[p->idx]));
		h = h64_str(h, m->series[p->idx].slug);
		h = h64_str(h, m->series[p->idx].title);
		h = h64_str(h, m->series[p->idx].description);
		h = mix_cards(c, h, c->ser_vid, from, to);
		for (i = from; i < to; i++) {
			h = h64_int(h, m->videos[c->ser_vid[i]].season);
			h = h64_int(h, m->videos[c->ser_vid[i]].episode);
		}
		return h;
	case PK_HOME:
		if (c->hero >= 0)
			h = h64_int(h, (int64_t)c->vfull[c->hero]);
		for (i = 0; i < m->ncategories; i++) {
			from = c->cat_off[i];
			to = c->cat_off[i + 1];
			h = h64_int(h, (int64_t)(to - from));	/* "See all, N videos" */
			if (to - from > HOME_ROW_MAX)
				to = from + HOME_ROW_MAX;
			h = mix_cards(c, h, c->cat_vid, from, to);
		}
		return h;
	case PK_SITEMAP: {
		/* a part depends only on the pages it lists (same walk as site_meta.c) */
		size_t k = 0, first, last;

		if (c->sitemap_parts > 0 && p->no == 0)
			return h64_int(h, (int64_t)c->sitemap_parts);
		first = p->no == 0 ? 0 : (p->no - 1) * (size_t)SITEMAP_MAX;
		last = p->no == 0 ? (size_t)-1 : first + SITEMAP_MAX;
		for (i = 0; i < c->npages; i++) {
			const struct page *q = &c->pages[i];

			if (q->kind == PK_ASSET || q->kind >= PK_404)
				continue;
			if (k++ < first || k > last)
				continue;
			h = q->kind == PK_WATCH ? h64_int(h, (int64_t)c->vfull[q->idx]) :
			    h64_str(h, q->path);
		}
		return h;
	}
	case PK_FEED:
		/* the newest FEED_MAX videos */
		n = m->nvideos < FEED_MAX ? m->nvideos : FEED_MAX;
		for (i = 0; i < n; i++)
			h = h64_int(h, (int64_t)c->vfull[i]);
		return h;
	case PK_SEARCH_INDEX:
		return h64_int(h, (int64_t)c->allkey);
	default:	/* code, search, 404, robots: site settings only */
		return h;
	}
}
