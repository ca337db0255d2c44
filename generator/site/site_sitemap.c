/*
 * site_sitemap.c — sitemap.xml: one <urlset>, or, past one file's limits
 * (sitemap_plan.h), a <sitemapindex> naming sitemap-1.xml ... sitemap-N.xml.
 *
 * Only content pages are listed (site_sitemap_listed(): an allow-list of
 * page kinds, so a utility page added later is left out until someone
 * decides otherwise).  A watch page's entry carries its <lastmod> (the
 * video's last change, docs/catalog.md) and a <video:video> block within
 * Google's limits: title and description cut on a character boundary
 * before escaping, duration clamped, player_loc the embeddable page.
 *
 * The entries are in a fixed order, so that a change moves as few files
 * as it can: the watch pages oldest first (an upload is a new last entry,
 * and the files of older videos stay as they were), then the other
 * listed pages in the site's order.  Each file holds at most
 * SITEMAP_PART_URLS entries: a changed title rewrites one small file.
 *
 * The files must be known when the pages are listed, so each entry is
 * written by one function, entry(), through a sink that either appends
 * to a buffer or hashes and counts the bytes it would append.
 * site_sitemap_plan() makes every entry once that way, splits the files
 * and records each file's size and each entry's hash (a file's key is
 * made from them); writing a file checks it got exactly that size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "hash64.h"
#include "pool.h"
#include "site_int.h"
#include "site_url.h"
#include "sitemap_plan.h"

/*
 * Where the bytes go: out; or (out NULL) their count into n and the bytes
 * into the running hash hs (an entry's hash without the entry: tmp holds
 * one escaped or formatted piece at a time).
 */
struct sink {
	struct buf		*out;
	size_t			 n;
	struct h64_stream	*hs;
	struct buf		*tmp;
};

static int
sk_put(struct sink *k, const char *s, size_t n)
{
	if (k->out == NULL) {
		k->n += n;
		h64_update(k->hs, s, n);
		return 0;
	}
	return buf_put(k->out, s, n);
}

/* A piece formatted into k->tmp by f, then put: hashing needs its bytes. */
static int
sk_tmp(struct sink *k, int rc)
{
	return rc == -1 ? -1 : sk_put(k, k->tmp->data ? k->tmp->data : "", k->tmp->len);
}

#define SK_LIT(k, s)	sk_put((k), (s), sizeof(s) - 1)

static int
sk_xml(struct sink *k, const char *s, size_t n)
{
	if (k->out == NULL) {
		buf_reset(k->tmp);
		return sk_tmp(k, esc_xml(k->tmp, s, n));
	}
	return esc_xml(k->out, s, n);
}

static int
sk_int(struct sink *k, long long v)
{
	char s[24];
	int n = snprintf(s, sizeof(s), "%lld", v);

	return sk_put(k, s, (size_t)n);
}

/* The latest time a date-time can be written as YYYY-MM-DDThh:mm:ssZ. */
#define DATETIME_MAX	253402300799LL	/* 9999-12-31T23:59:59Z */

/* A W3C date-time, always 20 bytes: t clamped to 1970..9999. */
static int
sk_datetime(struct sink *k, int64_t t)
{
	t = clamp_ll(t, 0, DATETIME_MAX);
	if (k->out == NULL) {
		buf_reset(k->tmp);
		return sk_tmp(k, fmt_datetime(k->tmp, t));
	}
	return fmt_datetime(k->out, t);
}

/* s cut to max characters (TEXT_CUT_MARK ends a cut text), escaped. */
static int
sk_text(struct sink *k, const char *s, size_t max)
{
	int cut;
	size_t keep = text_cut(s, strlen(s), max, &cut);

	if (sk_xml(k, s, keep) == -1 || (cut && SK_LIT(k, TEXT_CUT_MARK) == -1))
		return -1;
	return 0;
}

/* Whether s shows anything once escaped (an all-control string does not). */
static int
has_text(const char *s)
{
	int cut;

	if ((unsigned char)s[0] >= 0x20 && (unsigned char)s[0] < 0x80)
		return 1;	/* printable ASCII: written as it is or as an entity */
	return esc_xml_len(s, text_cut(s, strlen(s), VIDEO_TITLE_MAX, &cut)) > 0;
}

int
site_sitemap_listed(int kind)
{
	switch (kind) {
	case PK_WATCH:
	case PK_HOME:
	case PK_CATEGORY:
	case PK_TAG:
	case PK_SERIES:
	case PK_NEW:
	case PK_FREE:
	case PK_SERIES_INDEX:
	case PK_TAG_INDEX:
		return 1;
	default:
		return 0;	/* assets, images, code, search, 404, embeds, files */
	}
}

/* base_url and a root-relative URL or an output path ("index.html" dropped). */
static int
sk_abs(struct sink *k, const struct site_ctx *c, const char *path)
{
	size_t n = strlen(path);

	if (sk_xml(k, c->m->site.base_url, strlen(c->m->site.base_url)) == -1 ||
	    (path[0] != '/' && SK_LIT(k, "/") == -1))
		return -1;
	if (n >= 10 && strcmp(path + n - 10, "index.html") == 0)
		n -= 10;
	return sk_xml(k, path, n);
}

static int
video_block(struct sink *k, const struct site_ctx *c, size_t i)
{
	const struct video *v = &c->m->videos[i];
	const char *title = has_text(v->title) ? v->title : v->guid;
	const char *desc = has_text(v->description) ? v->description : title;
	const struct card_img *im = site_card_img(c, i);
	char u[128];
	struct buf b;
	int rc;

	if (im == NULL)
		return -1;
	/* the embed page's root-relative URL: [a-z0-9/.-] only */
	buf_init(&b, sizeof(u));
	rc = url_embed(&b, c->html, v->guid);
	if (rc == 0)
		snprintf(u, sizeof(u), "%s", b.data);
	buf_free(&b);
	if (rc == -1)
		return -1;
	return (SK_LIT(k, "<video:video><video:thumbnail_loc>") == -1 ||
	    sk_xml(k, im->image, strlen(im->image)) == -1 ||
	    SK_LIT(k, "</video:thumbnail_loc><video:title>") == -1 ||
	    sk_text(k, title, VIDEO_TITLE_MAX) == -1 ||
	    SK_LIT(k, "</video:title><video:description>") == -1 ||
	    sk_text(k, desc, VIDEO_DESC_MAX) == -1 ||
	    SK_LIT(k, "</video:description><video:player_loc>") == -1 ||
	    sk_abs(k, c, u) == -1 ||
	    SK_LIT(k, "</video:player_loc><video:duration>") == -1 ||
	    sk_int(k, clamp_ll(v->length, VIDEO_DURATION_MIN, VIDEO_DURATION_MAX)) == -1 ||
	    SK_LIT(k, "</video:duration><video:publication_date>") == -1 ||
	    sk_datetime(k, v->uploaded) == -1 ||
	    SK_LIT(k, "</video:publication_date><video:requires_subscription>") == -1 ||
	    (v->access == ACCESS_PUBLIC ? SK_LIT(k, "no") : SK_LIT(k, "yes")) == -1 ||
	    SK_LIT(k, "</video:requires_subscription></video:video>") == -1) ? -1 : 0;
}

/* One <url> entry: page q, listed. */
static int
entry(struct sink *k, const struct site_ctx *c, const struct page *q)
{
	if (SK_LIT(k, "<url><loc>") == -1 || sk_abs(k, c, q->path) == -1 ||
	    SK_LIT(k, "</loc>") == -1)
		return -1;
	if (q->kind == PK_WATCH &&
	    (SK_LIT(k, "<lastmod>") == -1 || sk_datetime(k, c->m->videos[q->idx].changed) == -1 ||
	    SK_LIT(k, "</lastmod>") == -1 || video_block(k, c, q->idx) == -1))
		return -1;
	return SK_LIT(k, "</url>\n");
}

#define XML_DECL	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define URLSET_HEAD	XML_DECL "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" " \
			"xmlns:video=\"http://www.google.com/schemas/sitemap-video/1.1\">\n"
#define URLSET_TAIL	"</urlset>\n"

/*
 * The listed pages in the files' order (site_sitemap.c's header): the
 * watch pages, which the site lists newest first, backwards, then the
 * others as listed.  Their number into *n; NULL when out of memory.
 */
static uint32_t *
sitemap_order(const struct site_ctx *c, size_t *n)
{
	uint32_t *order;
	size_t i, k = 0;

	for (i = 0; i < c->npages; i++)
		k += site_sitemap_listed(c->pages[i].kind);
	if ((order = malloc((k ? k : 1) * sizeof(*order))) == NULL)
		return NULL;
	*n = k;
	k = 0;
	for (i = c->npages; i-- > 0;)
		if (c->pages[i].kind == PK_WATCH)
			order[k++] = (uint32_t)i;
	for (i = 0; i < c->npages; i++)
		if (c->pages[i].kind != PK_WATCH && site_sitemap_listed(c->pages[i].kind))
			order[k++] = (uint32_t)i;
	return order;
}

/*
 * The plan: entry i of the order formatted once, on the pool (a walk over
 * every title and description, ~70 ms at 100 000 videos, as the cards
 * are): its size into sizes[i], the h64 of its bytes into hash[i].  Each
 * worker formats one escaped piece at a time into its own buffer.
 */
struct plan_job {
	const struct site_ctx	*c;
	size_t			*sizes;
	uint64_t		*hash;
};

static int
plan_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	struct buf *tmp = malloc(sizeof(*tmp));

	(void)arg;
	(void)worker;
	if (tmp == NULL) {
		snprintf(err, errlen, "sitemap: out of memory");
		return -1;
	}
	buf_init(tmp, PAGE_MAX_BYTES);
	*state = tmp;
	return 0;
}

static void
plan_done(void *arg, void *state)
{
	(void)arg;
	buf_free(state);
	free(state);
}

static int
plan_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	const struct plan_job *j = arg;
	const struct page *q = &j->c->pages[j->c->sitemap_order[i]];
	struct watch_entry *we = q->kind == PK_WATCH && j->c->ventry != NULL ?
	    &j->c->ventry[q->idx] : NULL;
	struct h64_stream hs;
	struct sink s = { NULL, 0, &hs, state };

	/* a watch page's entry as the card store kept it (site_cards.c: under
	 * the hash of everything entry() reads of its video) */
	if (we != NULL && we->size != 0) {
		j->sizes[i] = we->size;
		j->hash[i] = we->hash;
		return 0;
	}
	/* the entry's length is known only once it is made: the stream starts
	 * as for an empty one, and the length is mixed in after its bytes */
	h64_begin(&hs, 0, 0);
	if (entry(&s, j->c, q) == -1) {
		snprintf(err, errlen, "sitemap: out of memory");
		return -1;
	}
	j->sizes[i] = s.n;
	j->hash[i] = h64_int(h64_end(&hs), (int64_t)s.n);
	/* each video has one watch page: no other worker writes this one */
	if (we != NULL && s.n <= UINT32_MAX) {
		we->hash = j->hash[i];
		we->size = (uint32_t)s.n;
	}
	return 0;
}

int
site_sitemap_plan(struct site_ctx *c, char *err, size_t errlen)
{
	size_t i, n = 0, parts, k;
	size_t *sizes = NULL, *ends = NULL;

	if ((c->sitemap_order = sitemap_order(c, &n)) == NULL)
		goto oom;
	sizes = malloc((n ? n : 1) * sizeof(*sizes));
	ends = malloc((n ? n : 1) * sizeof(*ends));
	c->sitemap_hash = malloc((n ? n : 1) * sizeof(*c->sitemap_hash));
	if (sizes == NULL || ends == NULL || c->sitemap_hash == NULL)
		goto oom;
	{
		struct plan_job j = { c, sizes, c->sitemap_hash };
		struct pool_work w;

		memset(&w, 0, sizeof(w));
		w.n = n;
		w.chunk = 1024;
		w.arg = &j;
		w.init = plan_init;
		w.item = plan_item;
		w.done = plan_done;
		if (pool_run(c->o->jobs, &w, err, errlen) == -1)
			goto fail;
	}
	parts = sitemap_split(sizes, n, sizeof(URLSET_HEAD) - 1, sizeof(URLSET_TAIL) - 1,
	    SITEMAP_PART_URLS, SITEMAP_BYTES_MAX, ends, SITEMAP_PARTS_MAX);
	if (parts == 0) {
		snprintf(err, errlen, "sitemap: %zu URLs do not fit %d files", n, SITEMAP_PARTS_MAX);
		goto fail;
	}
	c->sitemap_bytes = calloc(parts, sizeof(*c->sitemap_bytes));
	c->sitemap_ends = calloc(parts, sizeof(*c->sitemap_ends));
	if (c->sitemap_bytes == NULL || c->sitemap_ends == NULL)
		goto oom;
	for (k = 0, i = 0; k < parts; k++) {
		c->sitemap_bytes[k] = sizeof(URLSET_HEAD) - 1 + sizeof(URLSET_TAIL) - 1;
		for (; i < ends[k]; i++)
			c->sitemap_bytes[k] += sizes[i];
		c->sitemap_ends[k] = ends[k];
	}
	c->sitemap_parts = parts > 1 ? parts : 0;
	free(sizes);
	free(ends);
	return 0;
oom:
	snprintf(err, errlen, "sitemap: out of memory");
fail:
	free(sizes);
	free(ends);
	return -1;
}

/* The <sitemapindex>: each file with the latest <lastmod> of its entries. */
static int
sitemap_index(const struct site_ctx *c, struct buf *o)
{
	struct sink k = { o, 0, NULL, NULL };
	size_t part, i = 0;

	if (SK_LIT(&k, XML_DECL "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")
	    == -1)
		return -1;
	for (part = 0; part < c->sitemap_parts; part++) {
		int64_t last = -1;

		for (; i < c->sitemap_ends[part]; i++) {
			const struct page *q = &c->pages[c->sitemap_order[i]];

			if (q->kind == PK_WATCH && c->m->videos[q->idx].changed > last)
				last = c->m->videos[q->idx].changed;
		}
		if (SK_LIT(&k, "<sitemap><loc>") == -1 ||
		    sk_xml(&k, c->m->site.base_url, strlen(c->m->site.base_url)) == -1 ||
		    buf_printf(o, "/sitemap-%zu.xml</loc>", part + 1) == -1 ||
		    (last >= 0 && (SK_LIT(&k, "<lastmod>") == -1 || sk_datetime(&k, last) == -1 ||
		    SK_LIT(&k, "</lastmod>") == -1)) ||
		    SK_LIT(&k, "</sitemap>\n") == -1)
			return -1;
	}
	return SK_LIT(&k, "</sitemapindex>\n");
}

/* The <urlset> file's bytes into k; the part it is, or -1. */
static long
urlset(struct sink *k, const struct site_ctx *c, const struct page *p)
{
	size_t part, i;

	part = p->no == 0 ? 0 : p->no - 1;
	if (c->sitemap_ends == NULL || part >= (c->sitemap_parts ? c->sitemap_parts : 1))
		return -1;
	if (SK_LIT(k, URLSET_HEAD) == -1)
		return -1;
	for (i = part == 0 ? 0 : c->sitemap_ends[part - 1]; i < c->sitemap_ends[part]; i++) {
		const struct page *q = &c->pages[c->sitemap_order[i]];

		/* a watch page's entry reads its video's strings, each a cache
		 * miss: asked for one entry ahead */
		if (i + 1 < c->sitemap_ends[part] && c->pages[c->sitemap_order[i + 1]].kind == PK_WATCH) {
			size_t next = c->pages[c->sitemap_order[i + 1]].idx;
			const struct video *v = &c->m->videos[next];

			__builtin_prefetch(v->title);
			__builtin_prefetch(v->description);
		}
		if (entry(k, c, q) == -1)
			return -1;
	}
	return SK_LIT(k, URLSET_TAIL) == -1 ? -1 : (long)part;
}

int
site_sitemap(const struct site_ctx *c, const struct page *p, struct buf *o)
{
	struct sink k = { o, 0, NULL, NULL };
	size_t start = o->len;
	long part;

	if (c->sitemap_parts > 0 && p->no == 0)
		return sitemap_index(c, o);
	if ((part = urlset(&k, c, p)) == -1)
		return -1;
	/* the plan split the files by these sizes: a difference is a bug (or
	 * a kept entry that is not its video's: card_store.h), and a file past
	 * the limits must not be published */
	return o->len - start == c->sitemap_bytes[part] ? 0 : SITEMAP_UNPLANNED;
}

int
site_sitemap_key(const struct site_ctx *c, const struct page *p, uint64_t seed,
    uint64_t *key)
{
	size_t part, i;
	uint64_t h;

	if (c->sitemap_parts > 0 && p->no == 0)
		return -1;	/* the index: small, formatted to be hashed */
	part = p->no == 0 ? 0 : p->no - 1;
	if (c->sitemap_bytes == NULL || c->sitemap_hash == NULL ||
	    part >= (c->sitemap_parts ? c->sitemap_parts : 1))
		return -1;
	/* the head and tail are constants: the size and the entries decide */
	h = h64_int(seed, (int64_t)c->sitemap_bytes[part]);
	for (i = part == 0 ? 0 : c->sitemap_ends[part - 1]; i < c->sitemap_ends[part]; i++)
		h = h64_int(h, (int64_t)c->sitemap_hash[i]);
	*key = h;
	return 0;
}
