/*
 * site_data.c — the data each template page is rendered from, and, from
 * the same code, each page's key.
 *
 * Shared here: the data every page references (site, nav, urls, assets,
 * code_results), the "page" object, the dispatch to the builder of each
 * page kind (site_data.h: site_data_home.c, site_data_list.c,
 * site_data_watch.c, their cards in site_cards.c) and the keys.
 *
 * Every builder writes through the site_pd.h functions.  Rendering, they
 * build the cJSON tree the template receives; keying, they mix each value,
 * with its path in the tree, into a running hash instead (no allocation).
 * A field therefore cannot reach a page without reaching its key: there is
 * one description of the page, not a hash that copies it by hand.
 *
 * Values are raw catalog strings: the template's {{x}} escapes them for
 * HTML text and attributes.  The only value rendered raw ({{{jsonld}}}) is
 * built in C with esc_json (safe inside <script>).  URLs placed in any
 * page's data are built from validated guids/slugs, or pass through esc_url.
 */
#include <string.h>

#include "code_result.h"
#include "escape.h"
#include "hash64.h"
#include "site_data.h"
#include "site_int.h"
#include "site_pd.h"
#include "site_url.h"

int
colour_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n != 4 && n != 7 && n != 9)
		return 0;
	if (s[0] != '#')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/* base_url + rel, without printf: every watch and embed page's canonical URL */
static int
absolute(const struct site_ctx *c, struct buf *b, const char *rel)
{
	return (buf_puts(b, c->m->site.base_url) == -1 || buf_puts(b, rel) == -1) ? -1 : 0;
}

/*
 * "code_results": every outcome of a no-JavaScript code form, its fragment
 * id and its message (core/code_result.h, the verifier's 303 targets).
 * The form's page renders them all; CSS shows the one the URL names.
 */
static int
code_results(struct pd *root)
{
	struct pd arr, o;
	int r;

	if (put_arr(root, "code_results", &arr) == -1)
		return -1;
	for (r = 0; r < CODE_RESULT__COUNT; r++)
		if (push_obj(&arr, &o) == -1 ||
		    put_str(&o, "id", code_result_id((enum code_result)r)) == -1 ||
		    put_str(&o, "text", code_result_text((enum code_result)r)) == -1 ||
		    put_str(&o, "kind", code_result_ok((enum code_result)r) ? "ok" : "err") == -1)
			return -1;
	return 0;
}

/*
 * The categories of the top navigation, into arr; the one at index cur
 * (a category page's own, or -1) has "current" (aria-current="page").
 */
int
nav_items(const struct site_ctx *c, struct pd *arr, long cur, struct buf *b)
{
	const struct model *m = c->m;
	struct pd o;
	size_t i;

	for (i = 0; i < m->ncategories; i++)
		if (push_obj(arr, &o) == -1 ||
		    put_str(&o, "name", m->categories[i].name) == -1 ||
		    put_str(&o, "slug", m->categories[i].slug) == -1 ||
		    put_str(&o, "icon", m->categories[i].icon) == -1 ||
		    (colour_ok(m->categories[i].colour) &&
		    put_str(&o, "colour", m->categories[i].colour) == -1) ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, PK_CATEGORY, i, 1)) == -1 ||
		    ((long)i == cur && put_bool(&o, "current", 1) == -1))
			return -1;
	return 0;
}

/* The data every page shares: site, nav, urls, assets, code_results. */
static int
shared_fields(const struct site_ctx *c, struct pd *root, struct buf *b)
{
	const struct model *m = c->m;
	struct pd site, nav, urls, assets;
	size_t i;

	if (put_obj(root, "site", &site) == -1 || put_arr(root, "nav", &nav) == -1 ||
	    put_obj(root, "urls", &urls) == -1 || put_obj(root, "assets", &assets) == -1 ||
	    put_str(&site, "title", m->site.title) == -1 ||
	    put_str(&site, "description", m->site.description) == -1 ||
	    put_str(&site, "language", m->site.language[0] ? m->site.language : "en") == -1 ||
	    put_str(&site, "base_url", m->site.base_url) == -1 ||
	    put_str(&site, "author", m->site.author) == -1 ||
	    (m->site.purchase_url[0] != '\0' &&
	    put_str(&site, "purchase_url", m->site.purchase_url) == -1) ||
	    code_results(root) == -1 ||
	    PUT_FMT(&urls, "home", b, url_named(b, c->html, "")) == -1 ||
	    PUT_FMT(&urls, "search", b, url_named(b, c->html, "search")) == -1 ||
	    PUT_FMT(&urls, "code", b, url_named(b, c->html, "code")) == -1 ||
	    PUT_FMT(&urls, "new", b, url_named(b, c->html, "new")) == -1 ||
	    PUT_FMT(&urls, "free", b, url_named(b, c->html, "free")) == -1 ||
	    PUT_FMT(&urls, "series", b, url_named(b, c->html, "series")) == -1 ||
	    PUT_FMT(&urls, "tags", b, url_named(b, c->html, "tags")) == -1 ||
	    put_str(&urls, "feed", "/feed.xml") == -1 ||
	    put_str(&urls, "search_index", "/search/meta.json") == -1 ||
	    PUT_FMT(&urls, "video_prefix", b, buf_puts(b, "/v/")) == -1 ||
	    put_str(&urls, "video_suffix", c->html ? ".html" : "/") == -1)
		return -1;
	if (nav_items(c, &nav, -1, b) == -1)
		return -1;
	for (i = 0; i < c->th.nassets; i++)
		if (put_str(&assets, c->th.assets[i].key, c->th.assets[i].url) == -1)
			return -1;
	return 0;
}

cJSON *
site_shared_data(const struct site_ctx *c)
{
	struct pd root = { 0 };
	struct buf b;
	int rc;

	if ((root.j = cJSON_CreateObject()) == NULL)
		return NULL;
	buf_init(&b, 1 << 20);
	rc = shared_fields(c, &root, &b);
	buf_free(&b);
	if (rc == -1) {
		cJSON_Delete(root.j);
		return NULL;
	}
	return root.j;
}

/* The "page" object: document title, canonical URL, description, image. */
int
page_meta(const struct site_ctx *c, struct pd *d, const char *title, const char *rel_url,
    const char *description, long image_vid, struct buf *b)
{
	const struct model *m = c->m;
	const struct card_img *im = NULL;
	struct pd p;
	size_t tn;

	if (put_obj(d, "page", &p) == -1)
		return -1;
	if (image_vid >= 0 && (im = page_img(c, d, (size_t)image_vid)) == NULL)
		return -1;
	buf_reset(b);
	/* "title · site" without printf: every watch and embed page's; the
	 * title measured once for it and for the heading */
	if (title == NULL)
		title = m->site.title;
	tn = strlen(title);
	if (tn > 0 && strcmp(title, m->site.title) != 0) {
		if (buf_put(b, title, tn) == -1 || BUF_PUTSL(b, " \xc2\xb7 ") == -1 ||
		    buf_puts(b, m->site.title) == -1)
			return -1;
	} else if (buf_puts(b, m->site.title) == -1)
		return -1;
	if (put_buf(&p, "title", b) == -1 ||
	    put_strn(&p, "heading", title, tn) == -1 ||
	    (rel_url != NULL && PUT_FMT(&p, "canonical", b, absolute(c, b, rel_url)) == -1) ||
	    put_str(&p, "description", description && description[0] ? description :
	    m->site.description) == -1 ||
	    (im != NULL && (put_str(&p, "image", im->image) == -1 ||
	    put_num(&p, "image_width", site_og_width(c, (size_t)image_vid)) == -1 ||
	    put_num(&p, "image_height", site_og_height(c, (size_t)image_vid)) == -1)))
		return -1;
	return 0;
}

/* The top navigation's section of page kind (aria-current), or NULL. */
static const char *
section_of(int kind)
{
	switch (kind) {
	case PK_HOME:		return "home";
	case PK_NEW:		return "new";
	case PK_FREE:		return "free";
	case PK_SERIES:
	case PK_SERIES_INDEX:	return "series";
	case PK_TAG:
	case PK_TAG_INDEX:	return "tags";
	case PK_SEARCH:		return "search";
	case PK_CODE:		return "code";
	default:		return NULL;	/* a category marks its nav entry */
	}
}

static int
page_kind_fields(const struct site_ctx *c, const struct page *p, struct pd *d, struct buf *b)
{
	switch (p->kind) {
	case PK_HOME:
		return data_home(c, d, b);
	case PK_CATEGORY:
	case PK_TAG:
	case PK_NEW:
	case PK_FREE:
		return data_list(c, d, p, b);
	case PK_SERIES:
		return data_series(c, d, p, b);
	case PK_SERIES_INDEX:
		return data_series_index(c, d, b);
	case PK_TAG_INDEX:
		return data_tag_index(c, d, b);
	case PK_WATCH:
		return data_watch(c, d, p, b);
	case PK_EMBED:
		return data_embed(c, d, p, b);
	case PK_CODE:
		return page_meta(c, d, "Enter your code", c->html ? "/code.html" : "/code/",
		    NULL, -1, b);
	case PK_SEARCH:
		return page_meta(c, d, "Search", c->html ? "/search.html" : "/search/",
		    NULL, -1, b);
	case PK_404:
		return page_meta(c, d, "Not found", NULL, NULL, -1, b);
	default:
		return -1;
	}
}

/* Pages search engines must not index (utility pages: no content of their own). */
static int
noindex_of(int kind)
{
	return kind == PK_SEARCH || kind == PK_CODE || kind == PK_404;
}

/* Writes page p's own data (not the shared part) into d; 0 or -1. */
static int
page_fields(const struct site_ctx *c, const struct page *p, struct pd *d, struct buf *b)
{
	const char *sec = section_of(p->kind);
	struct pd o;

	if (sec != NULL && (put_obj(d, "section", &o) == -1 || put_bool(&o, sec, 1) == -1))
		return -1;
	if (noindex_of(p->kind) && put_bool(d, "noindex", 1) == -1)
		return -1;
	return page_kind_fields(c, p, d, b);
}

cJSON *
site_page_data(const struct site_ctx *c, const struct page *p, uint64_t *key,
    struct arena *a, struct buf *scratch, struct page_reads_rec *reads)
{
	struct pd d = { 0 };
	cJSON *it;
	struct buf own, *b = scratch;
	int rc = 0;

	if (key != NULL) {
		*key = site_page_seed(c, p);
		d.h = key;
		d.reads = reads;
	}
	d.a = a;
	if ((d.j = a != NULL ? arena_alloc(a, sizeof(*d.j)) : cJSON_CreateObject()) == NULL)
		return NULL;
	d.j->type = cJSON_Object;
	if (b == NULL) {
		/* as the keying pass's scratch: a 10 000-card page's ItemList passes 1 MB */
		b = &own;
		buf_init(b, PAGE_MAX_BYTES);
	}
	rc = page_fields(c, p, &d, b);
	/* then the shared part, but what the page has of its own (a
	 * category page's "nav", which marks its entry) */
	for (it = c->shared->child; rc == 0 && it != NULL; it = it->next)
		if (cJSON_GetObjectItemCaseSensitive(d.j, it->string) == NULL &&
		    put_shared(&d, it) == -1)
			rc = -1;
	if (b == &own)
		buf_free(b);
	if (rc == -1) {
		if (a == NULL)
			cJSON_Delete(d.j);
		return NULL;
	}
	return d.j;
}

uint64_t
site_shared_key(const struct site_ctx *c, uint64_t seed)
{
	struct pd root = { 0 };
	struct buf b;

	root.h = &seed;
	buf_init(&b, 1 << 20);
	if (shared_fields(c, &root, &b) == -1)
		seed = h64_int(seed, -1);	/* a scratch string too long: rendering fails too */
	buf_free(&b);
	return seed;
}

void
site_data_prefetch(const struct site_ctx *c, const struct page *p)
{
	const struct video *v;
	const uint32_t *r;
	size_t i, n;

	if (p->kind != PK_WATCH && p->kind != PK_EMBED)
		return;
	v = &c->m->videos[p->idx];
	__builtin_prefetch(v->title);
	__builtin_prefetch(v->description);
	if (p->kind == PK_EMBED)
		return;
	__builtin_prefetch(v->categories);
	__builtin_prefetch(v->tags);
	r = related_of(&c->rel, p->idx, &n);
	for (i = 0; i < n; i++) {
		__builtin_prefetch(&c->vcard[r[i]]);
		/* a card reads the video and its card text (card() then
		 * fetches the strings these point to) */
		__builtin_prefetch(&c->m->videos[r[i]]);
		__builtin_prefetch(&c->vtext[r[i]]);
	}
}

uint64_t
site_data_key(const struct site_ctx *c, const struct page *p, uint64_t seed, struct buf *scratch,
    struct page_reads_rec *reads)
{
	struct pd d = { 0 };

	d.h = &seed;
	d.reads = reads;
	if (page_fields(c, p, &d, scratch) == -1)
		seed = h64_int(seed, -1);
	return seed;
}
