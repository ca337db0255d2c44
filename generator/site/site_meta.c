/*
 * site_meta.c — the files that are not HTML templates: sitemap.xml (a
 * sitemap index past SITEMAP_MAX URLs), feed.xml (Atom, newest FEED_MAX),
 * robots.txt.  Built in C so each string goes through the escaper of its
 * context (esc_xml), never through HTML escaping.  The JSON-LD:
 * site_jsonld.c; the search index: site_search_site.c.
 */
#include <string.h>

#include "escape.h"
#include "site_int.h"
#include "site_url.h"

#define X(out, s)	esc_xml((out), (s), strlen(s))
#define J(out, s)	esc_json((out), (s), strlen(s))

/* Appends the absolute URL of page p (an HTML page) to out. */
static int
page_abs_url(const struct site_ctx *c, const struct page *p, struct buf *out)
{
	const char *path = p->path;
	size_t n = strlen(path);

	if (buf_puts(out, c->m->site.base_url) == -1 || buf_putc(out, '/') == -1)
		return -1;
	if (n >= 10 && strcmp(path + n - 10, "index.html") == 0)
		return buf_put(out, path, n - 10);
	return buf_put(out, path, n);
}

/* Appends v in decimal: a sitemap has a few numbers per video, printf is slow. */
static int
put_int(struct buf *o, long long v)
{
	char s[24];
	size_t i = sizeof(s);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		s[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		s[--i] = '-';
	return buf_put(o, s + i, sizeof(s) - i);
}

static int
sitemap_video(const struct site_ctx *c, size_t i, struct buf *o)
{
	const struct video *v = &c->m->videos[i];

	return (BUF_PUTSL(o, "<video:video><video:thumbnail_loc>") == -1 ||
		    X(o, c->vtext[i].image) == -1 ||
		    BUF_PUTSL(o, "</video:thumbnail_loc><video:title>") == -1 ||
		    X(o, v->title) == -1 ||
		    BUF_PUTSL(o, "</video:title><video:description>") == -1 ||
		    X(o, v->description[0] ? v->description : v->title) == -1 ||
		    BUF_PUTSL(o, "</video:description><video:player_loc>") == -1 ||
		    buf_puts(o, c->m->site.base_url) == -1 ||
		    url_video(o, c->html, v->guid) == -1 ||
		    BUF_PUTSL(o, "</video:player_loc><video:duration>") == -1 ||
		    put_int(o, (long long)(v->length > 0 ? v->length : 1)) == -1 ||
		    BUF_PUTSL(o, "</video:duration><video:publication_date>") == -1 ||
		    fmt_datetime(o, v->uploaded) == -1 ||
		    BUF_PUTSL(o, "</video:publication_date><video:requires_subscription>") == -1 ||
		    buf_puts(o, v->access == ACCESS_PUBLIC ? "no" : "yes") == -1 ||
		    BUF_PUTSL(o, "</video:requires_subscription></video:video>") == -1) ? -1 : 0;
}

static int
sitemap(const struct site_ctx *c, const struct page *p, struct buf *o)
{
	size_t i, k = 0, first, last;

	if (BUF_PUTSL(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") == -1)
		return -1;
	if (c->sitemap_parts > 0 && p->no == 0) {
		if (BUF_PUTSL(o, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n") == -1)
			return -1;
		for (i = 1; i <= c->sitemap_parts; i++)
			if (BUF_PUTSL(o, "<sitemap><loc>") == -1 ||
			    X(o, c->m->site.base_url) == -1 ||
			    buf_printf(o, "/sitemap-%zu.xml</loc></sitemap>\n", i) == -1)
				return -1;
		return BUF_PUTSL(o, "</sitemapindex>\n");
	}
	first = p->no == 0 ? 0 : (p->no - 1) * (size_t)SITEMAP_MAX;
	last = p->no == 0 ? (size_t)-1 : first + SITEMAP_MAX;
	if (BUF_PUTSL(o, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	    "xmlns:video=\"http://www.google.com/schemas/sitemap-video/1.1\">\n") == -1)
		return -1;
	for (i = 0; i < c->npages; i++) {
		const struct page *q = &c->pages[i];
		struct buf u;
		int rc;

		if (q->kind == PK_ASSET || q->kind >= PK_404)
			continue;
		if (k++ < first || k > last)
			continue;
		buf_init(&u, 8192);
		rc = page_abs_url(c, q, &u);
		if (rc == 0)
			rc = (BUF_PUTSL(o, "<url><loc>") == -1 || X(o, u.data) == -1 ||
			    BUF_PUTSL(o, "</loc>") == -1) ? -1 : 0;
		buf_free(&u);
		if (rc == -1)
			return -1;
		if (q->kind == PK_WATCH) {
			const struct video *v = &c->m->videos[q->idx];

			if (BUF_PUTSL(o, "<lastmod>") == -1 || fmt_datetime(o, v->uploaded) == -1 ||
			    BUF_PUTSL(o, "</lastmod>") == -1 || sitemap_video(c, q->idx, o) == -1)
				return -1;
		}
		if (BUF_PUTSL(o, "</url>\n") == -1)
			return -1;
	}
	return BUF_PUTSL(o, "</urlset>\n");
}

static int
feed(const struct site_ctx *c, struct buf *o)
{
	const struct model *m = c->m;
	size_t i, n = m->nvideos < FEED_MAX ? m->nvideos : FEED_MAX;

	if (BUF_PUTSL(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>") == -1 ||
	    X(o, m->site.title) == -1 ||
	    BUF_PUTSL(o, "</title>\n<subtitle>") == -1 || X(o, m->site.description) == -1 ||
	    BUF_PUTSL(o, "</subtitle>\n<id>") == -1 || X(o, m->site.base_url) == -1 ||
	    BUF_PUTSL(o, "/</id>\n<link rel=\"alternate\" href=\"") == -1 ||
	    X(o, m->site.base_url) == -1 ||
	    BUF_PUTSL(o, "/\"/>\n<link rel=\"self\" href=\"") == -1 ||
	    X(o, m->site.base_url) == -1 ||
	    BUF_PUTSL(o, "/feed.xml\"/>\n<updated>") == -1 ||
	    fmt_datetime(o, n > 0 ? m->videos[0].uploaded : 0) == -1 ||
	    BUF_PUTSL(o, "</updated>\n<author><name>") == -1 ||
	    X(o, m->site.author[0] ? m->site.author : m->site.title) == -1 ||
	    BUF_PUTSL(o, "</name></author>\n") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const struct video *v = &m->videos[i];

		if (buf_printf(o, "<entry>\n<id>urn:uuid:%s</id>\n<title>", v->guid) == -1 ||
		    X(o, v->title) == -1 ||
		    BUF_PUTSL(o, "</title>\n<link rel=\"alternate\" href=\"") == -1 ||
		    X(o, m->site.base_url) == -1 || url_video(o, c->html, v->guid) == -1 ||
		    BUF_PUTSL(o, "\"/>\n<link rel=\"enclosure\" type=\"image/jpeg\" href=\"") == -1 ||
		    X(o, c->vtext[i].image) == -1 ||
		    BUF_PUTSL(o, "\"/>\n<published>") == -1 || fmt_datetime(o, v->uploaded) == -1 ||
		    BUF_PUTSL(o, "</published>\n<updated>") == -1 ||
		    fmt_datetime(o, v->uploaded) == -1 ||
		    BUF_PUTSL(o, "</updated>\n<summary>") == -1 ||
		    X(o, v->description[0] ? v->description : v->title) == -1 ||
		    BUF_PUTSL(o, "</summary>\n</entry>\n") == -1)
			return -1;
	}
	return BUF_PUTSL(o, "</feed>\n");
}

static int
robots(const struct site_ctx *c, struct buf *o)
{
	/* base_url is the creator's own setting; keep it on one line */
	if (strpbrk(c->m->site.base_url, "\r\n") != NULL)
		return -1;
	return buf_printf(o, "User-agent: *\nDisallow: /api/\nAllow: /\n\nSitemap: %s/sitemap.xml\n",
	    c->m->site.base_url);
}

int
site_render_meta(const struct site_ctx *c, const struct page *p, struct buf *out)
{
	switch (p->kind) {
	case PK_SITEMAP:
		return sitemap(c, p, out);
	case PK_FEED:
		return feed(c, out);
	case PK_ROBOTS:
		return robots(c, out);
	case PK_SEARCH_META:
	case PK_SEARCH_TERMS:
	case PK_SEARCH_DOCS:
	case PK_SEARCH_LONG:
	case PK_SEARCH_FILTER:
		return site_search_render(c, p, out);
	default:
		return -1;
	}
}
