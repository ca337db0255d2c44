/*
 * site_meta.c — the files that are not HTML templates: feed.xml (Atom,
 * newest FEED_MAX) and robots.txt.  Built in C so each string goes through
 * the escaper of its context (esc_xml), never through HTML escaping.
 * Elsewhere: the sitemap (site_sitemap.c), the JSON-LD (site_jsonld.c),
 * the search index (site_search_site.c).
 */
#include <string.h>

#include "escape.h"
#include "site_int.h"
#include "site_url.h"

#define X(out, s)	esc_xml((out), (s), strlen(s))
#define J(out, s)	esc_json((out), (s), strlen(s))

static int
feed(const struct site_ctx *c, struct buf *o)
{
	const struct model *m = c->m;
	size_t i, n = m->nvideos < FEED_MAX ? m->nvideos : FEED_MAX;
	int64_t updated = 0;

	/* the feed changed when the latest of its entries did */
	for (i = 0; i < n; i++)
		if (m->videos[i].changed > updated)
			updated = m->videos[i].changed;
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
	    fmt_datetime(o, updated) == -1 ||
	    BUF_PUTSL(o, "</updated>\n<author><name>") == -1 ||
	    X(o, m->site.author[0] ? m->site.author : m->site.title) == -1 ||
	    BUF_PUTSL(o, "</name></author>\n") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const struct video *v = &m->videos[i];
		const struct card_img *im = site_card_img(c, i);

		if (im == NULL ||
		    buf_printf(o, "<entry>\n<id>urn:uuid:%s</id>\n<title>", v->guid) == -1 ||
		    X(o, v->title) == -1 ||
		    BUF_PUTSL(o, "</title>\n<link rel=\"alternate\" href=\"") == -1 ||
		    X(o, m->site.base_url) == -1 || url_video(o, c->html, v->guid) == -1 ||
		    BUF_PUTSL(o, "\"/>\n<link rel=\"enclosure\" type=\"image/jpeg\" href=\"") == -1 ||
		    X(o, im->image) == -1 ||
		    BUF_PUTSL(o, "\"/>\n<published>") == -1 || fmt_datetime(o, v->uploaded) == -1 ||
		    BUF_PUTSL(o, "</published>\n<updated>") == -1 ||
		    fmt_datetime(o, v->changed) == -1 ||
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
		return site_sitemap(c, p, out);
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
