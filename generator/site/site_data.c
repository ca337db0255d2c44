/*
 * site_data.c — the data each template page is rendered from, and, from
 * the same code, each page's key.
 *
 * Every builder below writes through the pd_* functions.  Rendering, they
 * build the cJSON tree the template receives; keying, they mix each value,
 * with its path in the tree, into a running hash instead (no allocation).
 * A field therefore cannot reach a page without reaching its key: there is
 * one description of the page, not a hash that copies it by hand.
 *
 * Values are raw catalog strings: the template's {{x}} escapes them for
 * HTML text and attributes.  The only value rendered raw ({{{jsonld}}}) is
 * built in C with esc_json (safe inside <script>).  URLs placed here are
 * built from validated guids/slugs, or pass through esc_url.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code_result.h"
#include "escape.h"
#include "hash64.h"
#include "pool.h"
#include "site_int.h"
#include "site_url.h"

#define PAGER_WINDOW	3	/* page links either side of the current one */

static const char *const access_labels[] = { "Free", "VIP", "Pay-per-view" };
/* What a locked video's player says after its level: "VIP — members only". */
static const char *const access_lock_words[] = { "", "members only", "this video" };
static const char *const access_icons[] = { "\xe2\x96\xb6", "\xe2\x98\x85", "\xe2\x97\x86" };

/*
 * A node of a page's data being written.  Rendering: j is the cJSON object
 * or array.  Keying: h is the page's running hash and id the hash of the
 * node's path (its parent's id and its key or position), so that
 * {a:{b:1},c:2} and {a:{b:1,c:2}} differ.  Either or both: a page that
 * must be rendered anyway (a full build) gets its tree and its key from one
 * pass, the same key a keying-only pass gives.
 */
struct pd {
	cJSON		*j;
	uint64_t	*h;
	uint64_t	 id;
	size_t		 n;	/* items pushed (arrays, keying) */
};

enum pd_type { PD_STR = 1, PD_NUM, PD_BOOL, PD_OBJ, PD_ARR, PD_CARD };

/*
 * Keying: mixes "at o, key k, a value of type t" into the hash (one pass
 * over k: the node's path and the type fold into the seed).
 */
static void
pd_mix(const struct pd *o, const char *k, int t)
{
	*o->h = h64_str(*o->h ^ (o->id + (uint64_t)t * 0x9E3779B97F4A7C15ULL), k);
}

static void
mix_str(struct pd *o, const char *k, const char *v)
{
	if (o->h != NULL) {
		pd_mix(o, k, PD_STR);
		*o->h = h64_str(*o->h, v);
	}
}

static int
put_str(struct pd *o, const char *k, const char *v)
{
	mix_str(o, k, v);
	if (o->j == NULL)
		return 0;
	return cJSON_AddStringToObject(o->j, k, v) == NULL ? -1 : 0;
}

/*
 * k = v without copying either: k must be a literal and v must outlive the
 * page's data (model and card-text strings live for the whole build).
 * Cards are ~1.9 million objects in a 100 000-video build.
 */
static int
put_ref(struct pd *o, const char *k, const char *v)
{
	cJSON *item;

	mix_str(o, k, v);
	if (o->j == NULL)
		return 0;
	if ((item = cJSON_CreateStringReference(v)) == NULL)
		return -1;
	if (!cJSON_AddItemToObjectCS(o->j, k, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

static int
put_num(struct pd *o, const char *k, double v)
{
	if (o->h != NULL) {
		pd_mix(o, k, PD_NUM);
		*o->h = h64(*o->h, &v, sizeof(v));
	}
	if (o->j == NULL)
		return 0;
	return cJSON_AddNumberToObject(o->j, k, v) == NULL ? -1 : 0;
}

static int
put_bool(struct pd *o, const char *k, int v)
{
	if (o->h != NULL) {
		pd_mix(o, k, PD_BOOL);
		*o->h = h64_int(*o->h, v != 0);
	}
	if (o->j == NULL)
		return 0;
	return cJSON_AddBoolToObject(o->j, k, v) == NULL ? -1 : 0;
}

/* Adds the object (or array) k to o, as child; 0 or -1. */
static int
put_node(struct pd *o, const char *k, int array, struct pd *child)
{
	memset(child, 0, sizeof(*child));
	if (o->h != NULL) {
		pd_mix(o, k, array ? PD_ARR : PD_OBJ);
		child->h = o->h;
		child->id = h64_str(o->id, k);
	}
	if (o->j == NULL)
		return 0;
	child->j = array ? cJSON_AddArrayToObject(o->j, k) : cJSON_AddObjectToObject(o->j, k);
	return child->j == NULL ? -1 : 0;
}

#define put_obj(o, k, child)	put_node((o), (k), 0, (child))
#define put_arr(o, k, child)	put_node((o), (k), 1, (child))

/* Appends a new object to array a, as child; 0 or -1. */
static int
push_obj(struct pd *a, struct pd *child)
{
	memset(child, 0, sizeof(*child));
	if (a->h != NULL) {
		child->h = a->h;
		child->id = h64_int(h64_int(a->id, PD_OBJ), (int64_t)a->n++);
		*a->h = h64_int(h64_int(*a->h, (int64_t)a->id), (int64_t)a->n);
	}
	if (a->j == NULL)
		return 0;
	if ((child->j = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(a->j, child->j);
	return 0;
}

/* Adds k = what expr appended to the scratch buffer b. */
#define PUT_FMT(o, k, b, expr) \
	(buf_reset(b), (expr) == -1 ? -1 : put_str((o), (k), (b)->data ? (b)->data : ""))

static int
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

static enum access_level
level(const struct video *v)
{
	return v->access <= ACCESS_PPV ? v->access : ACCESS_VIP;
}

/* Formats the card strings of video i into t (one malloc'd block). */
static int
card_text(const struct site_ctx *c, size_t i, struct card_text *t, struct buf *b)
{
	const struct video *v = &c->m->videos[i];
	enum access_level a = level(v);
	size_t off[12], k = 0, n;
	char *s;

	buf_reset(b);
	off[k++] = b->len;
	if (url_video(b, c->html, v->guid) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (site_image_url(c, i, IMG_W320, b) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (site_image_url(c, i, IMG_W320, b) == -1 || BUF_PUTSL(b, " 320w, ") == -1 ||
	    site_image_url(c, i, IMG_W640, b) == -1 || BUF_PUTSL(b, " 640w, ") == -1 ||
	    site_image_url(c, i, IMG_W1280, b) == -1 || BUF_PUTSL(b, " 1280w") == -1 ||
	    buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (site_image_url(c, i, IMG_W1280, b) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if ((c->vimg[i].preview && site_image_url(c, i, IMG_PREVIEW, b) == -1) ||
	    buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (buf_puts(b, c->m->site.base_url) == -1 ||
	    site_image_url(c, i, IMG_JPG1280, b) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (buf_puts(b, c->m->site.base_url) == -1 ||
	    site_image_url(c, i, IMG_W320, b) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (fmt_duration(b, v->length) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (fmt_duration_words(b, v->length) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (fmt_date(b, v->uploaded) == -1 || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (buf_puts(b, v->title) == -1 || BUF_PUTSL(b, ", ") == -1 ||
	    fmt_duration_words(b, v->length) == -1 ||
	    buf_puts(b, a == ACCESS_PUBLIC ? ", free" : ", locked, ") == -1 ||
	    (a != ACCESS_PUBLIC && buf_puts(b, access_labels[a]) == -1) || buf_putc(b, '\0') == -1)
		return -1;
	off[k++] = b->len;
	if (v->series >= 0 && buf_printf(b, "S%d \xc2\xb7 E%d", v->season, v->episode) == -1)
		return -1;
	if (buf_putc(b, '\0') == -1)
		return -1;
	n = b->len;
	if ((s = malloc(n)) == NULL)
		return -1;
	memcpy(s, b->data, n);
	t->block = s;
	t->url = s + off[0];
	t->thumb = s + off[1];
	t->srcset = s + off[2];
	t->poster = s + off[3];
	t->preview = s[off[4]] ? s + off[4] : NULL;
	t->image = s + off[5];
	t->thumb_abs = s + off[6];
	t->duration = s + off[7];
	t->words = s + off[8];
	t->date = s + off[9];
	t->label = s + off[10];
	t->episode = s[off[11]] ? s + off[11] : NULL;
	return 0;
}

static int
text_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	struct buf *b;

	(void)arg;
	(void)worker;
	if ((b = malloc(sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory formatting cards");
		return -1;
	}
	buf_init(b, 1 << 20);
	*state = b;
	return 0;
}

static void
text_done(void *arg, void *state)
{
	(void)arg;
	if (state != NULL)
		buf_free(state);
	free(state);
}

static int
text_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	struct site_ctx *c = arg;

	if (card_text(c, i, &c->vtext[i], state) == -1) {
		snprintf(err, errlen, "out of memory (or an over-long title) formatting cards");
		return -1;
	}
	return 0;
}

int
site_card_texts(struct site_ctx *c, char *err, size_t errlen)
{
	struct pool_work w;

	c->vtext = calloc(c->m->nvideos ? c->m->nvideos : 1, sizeof(*c->vtext));
	if (c->vtext == NULL) {
		snprintf(err, errlen, "out of memory (or an over-long title) formatting cards");
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.n = c->m->nvideos;
	w.chunk = 64;	/* a card is a few microseconds: claim them in bulk */
	w.arg = c;
	w.init = text_init;
	w.item = text_item;
	w.done = text_done;
	return pool_run(c->o->jobs, &w, err, errlen);
}

/* A card: everything the card partial shows about video i, into o. */
static int
card_fields(const struct site_ctx *c, size_t i, struct pd *o)
{
	const struct video *v = &c->m->videos[i];
	const struct card_text *t = &c->vtext[i];
	enum access_level a = level(v);

	if (put_ref(o, "guid", v->guid) == -1 ||
	    put_ref(o, "title", v->title) == -1 ||
	    put_ref(o, "url", t->url) == -1 ||
	    put_ref(o, "thumb", t->thumb) == -1 ||
	    put_ref(o, "srcset", t->srcset) == -1 ||
	    put_ref(o, "poster", t->poster) == -1 ||
	    (t->preview != NULL && put_ref(o, "preview", t->preview) == -1) ||
	    put_ref(o, "duration", t->duration) == -1 ||
	    put_ref(o, "duration_words", t->words) == -1 ||
	    put_ref(o, "date", t->date) == -1 ||
	    put_ref(o, "label", t->label) == -1 ||
	    put_ref(o, "access", access_level_name(a)) == -1 ||
	    put_ref(o, "access_label", access_labels[a]) == -1 ||
	    put_ref(o, "access_icon", access_icons[a]) == -1 ||
	    put_bool(o, "locked", a != ACCESS_PUBLIC) == -1 ||
	    put_num(o, "length", (double)v->length) == -1 ||
	    (t->episode != NULL && put_ref(o, "episode_label", t->episode) == -1))
		return -1;
	return 0;
}

/*
 * Card i into o, plus "eager".  Keying, a card's fields are mixed as the
 * key card_fields() gave them once per build (c->vcard): a watch page
 * shows a dozen cards, a list page 48.  Rendering too, the fields go into
 * the tree only.
 */
static int
card(const struct site_ctx *c, size_t i, int eager, struct pd *o)
{
	if (o->h != NULL && c->vcard != NULL) {
		struct pd tree_only = *o;

		pd_mix(o, "", PD_CARD);
		*o->h = h64_int(*o->h, (int64_t)c->vcard[i]);
		tree_only.h = NULL;
		if (o->j != NULL && card_fields(c, i, &tree_only) == -1)
			return -1;
	} else if (card_fields(c, i, o) == -1)
		return -1;
	return eager ? put_bool(o, "eager", 1) : 0;
}

void
site_card_keys(const struct site_ctx *c, uint64_t *keys)
{
	struct pd o;
	size_t i;

	for (i = 0; i < c->m->nvideos; i++) {
		memset(&o, 0, sizeof(o));
		keys[i] = 0x636172642d763200ULL;
		o.h = &keys[i];
		(void)card_fields(c, i, &o);	/* keying allocates nothing: cannot fail */
	}
}

static int
add_cards(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from, size_t to,
    int eager)
{
	struct pd o;
	size_t i;

	for (i = from; i < to; i++)
		if (push_obj(arr, &o) == -1 || card(c, list[i], eager, &o) == -1)
			return -1;
	return 0;
}

static int
absolute(const struct site_ctx *c, struct buf *b, const char *rel)
{
	return buf_printf(b, "%s%s", c->m->site.base_url, rel);
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
static int
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
	    put_str(&urls, "search_index", "/search.json") == -1 ||
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
static int
page_meta(const struct site_ctx *c, struct pd *d, const char *title, const char *rel_url,
    const char *description, const char *image, struct buf *b)
{
	const struct model *m = c->m;
	struct pd p;

	if (put_obj(d, "page", &p) == -1)
		return -1;
	buf_reset(b);
	if (title != NULL && title[0] != '\0' && strcmp(title, m->site.title) != 0) {
		if (buf_printf(b, "%s \xc2\xb7 %s", title, m->site.title) == -1)
			return -1;
	} else if (buf_puts(b, m->site.title) == -1)
		return -1;
	if (put_str(&p, "title", b->data) == -1 ||
	    put_str(&p, "heading", title ? title : m->site.title) == -1 ||
	    (rel_url != NULL && PUT_FMT(&p, "canonical", b, absolute(c, b, rel_url)) == -1) ||
	    put_str(&p, "description", description && description[0] ? description :
	    m->site.description) == -1 ||
	    (image != NULL && put_str(&p, "image", image) == -1))
		return -1;
	return 0;
}

static int
pager(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	size_t n = site_list_pages(c, p), k, lo, hi;
	struct pd pg, pages, o;

	if (n <= 1)
		return 0;
	if (put_obj(d, "pager", &pg) == -1 || put_arr(&pg, "pages", &pages) == -1 ||
	    put_num(&pg, "at", p->no) == -1 || put_num(&pg, "total", (double)n) == -1)
		return -1;
	if (p->no > 1 && PUT_FMT(&pg, "prev", b, site_list_url(c, b, p->kind, p->idx,
	    (int)p->no - 1)) == -1)
		return -1;
	if (p->no < n && PUT_FMT(&pg, "next", b, site_list_url(c, b, p->kind, p->idx,
	    (int)p->no + 1)) == -1)
		return -1;
	lo = p->no > PAGER_WINDOW ? p->no - PAGER_WINDOW : 1;
	hi = p->no + PAGER_WINDOW < n ? p->no + PAGER_WINDOW : n;
	for (k = 1; k <= n; k++) {
		if (k != 1 && k != n && (k < lo || k > hi)) {
			if ((k == lo - 1 || k == hi + 1) &&
			    (push_obj(&pages, &o) == -1 || put_bool(&o, "gap", 1) == -1))
				return -1;
			continue;
		}
		if (push_obj(&pages, &o) == -1 ||
		    put_num(&o, "n", (double)k) == -1 ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, p->kind, p->idx, (int)k)) == -1 ||
		    (k == p->no && put_bool(&o, "here", 1) == -1))
			return -1;
	}
	return 0;
}

/*
 * Up to HOME_ROW_MAX cards of list[from, to) (list NULL: the videos
 * themselves, newest first) into arr, leaving out video skip (the hero).
 */
static int
row_cards(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from, size_t to,
    long skip, int eager)
{
	struct pd o;
	size_t i, v, n = 0;

	for (i = from; i < to && n < HOME_ROW_MAX; i++) {
		v = list != NULL ? list[i] : i;
		if ((long)v == skip)
			continue;
		if (push_obj(arr, &o) == -1 || card(c, v, eager, &o) == -1)
			return -1;
		n++;
	}
	return 0;
}

/* A home row's head: id, title, "See all" target (list kind/idx) and count. */
static int
row_head(const struct site_ctx *c, struct pd *row, const char *id, const char *title,
    int kind, size_t idx, size_t count, const char *unit, struct buf *b)
{
	return ((id != NULL && put_str(row, "id", id) == -1) ||
	    put_str(row, "title", title) == -1 ||
	    put_num(row, "count", (double)count) == -1 ||
	    PUT_FMT(row, "count_label", b, buf_printf(b, "%zu %s", count, unit)) == -1 ||
	    PUT_FMT(row, "url", b, site_list_url(c, b, kind, idx, 1)) == -1) ? -1 : 0;
}

/*
 * A series as a card: its first episode's picture, title, description,
 * episode count and URL.  Series without episodes are never shown.
 */
static int
series_card(const struct site_ctx *c, size_t s, struct pd *o, struct buf *b)
{
	const struct series *se = &c->m->series[s];
	size_t n = c->ser_off[s + 1] - c->ser_off[s];
	const struct card_text *t = &c->vtext[c->ser_vid[c->ser_off[s]]];

	return (put_str(o, "title", se->title[0] ? se->title : se->slug) == -1 ||
	    put_str(o, "description", se->description) == -1 ||
	    put_num(o, "count", (double)n) == -1 ||
	    PUT_FMT(o, "count_label", b, buf_printf(b, "%zu episode%s", n, n == 1 ? "" : "s")) == -1 ||
	    PUT_FMT(o, "url", b, site_list_url(c, b, PK_SERIES, s, 1)) == -1 ||
	    put_ref(o, "thumb", t->thumb) == -1 ||
	    put_ref(o, "srcset", t->srcset) == -1 ||
	    put_ref(o, "poster", t->poster) == -1) ? -1 : 0;
}

/* Up to max series with episodes, as cards, into arr. */
static int
series_cards(const struct site_ctx *c, struct pd *arr, size_t max, struct buf *b)
{
	struct pd o;
	size_t s, n = 0;

	for (s = 0; s < c->m->nseries && n < max; s++) {
		if (c->ser_off[s + 1] == c->ser_off[s])
			continue;
		if (push_obj(arr, &o) == -1 || series_card(c, s, &o, b) == -1)
			return -1;
		n++;
	}
	return 0;
}

static size_t
series_with_episodes(const struct site_ctx *c)
{
	size_t s, n = 0;

	for (s = 0; s < c->m->nseries; s++)
		n += c->ser_off[s + 1] != c->ser_off[s];
	return n;
}

/*
 * The home page: the hero, then New, Free to watch, Series and one row per
 * category (the "Continue watching" row is the device's, drawn by site.js).
 * No row repeats the hero.
 */
static int
data_home(const struct site_ctx *c, struct pd *d, struct buf *b)
{
	const struct model *m = c->m;
	struct pd rows, row, cards, hero;
	size_t i, from, to, nser;
	int eager = 1;

	if (page_meta(c, d, NULL, "/", NULL, NULL, b) == -1)
		return -1;
	if (c->hero >= 0) {
		const struct video *v = &m->videos[c->hero];

		if (put_obj(d, "hero", &hero) == -1 || card(c, (size_t)c->hero, 1, &hero) == -1 ||
		    put_str(&hero, "description", v->description) == -1 ||
		    put_str(&hero, "cta", level(v) == ACCESS_PUBLIC ? "Play" : "Unlock") == -1)
			return -1;
	}
	if (put_arr(d, "rows", &rows) == -1)
		return -1;
	if (m->nvideos > (c->hero >= 0 ? 1u : 0u)) {
		if (push_obj(&rows, &row) == -1 ||
		    row_head(c, &row, "home-new", "New", PK_NEW, 0, m->nvideos, "videos", b) == -1 ||
		    put_arr(&row, "cards", &cards) == -1 ||
		    row_cards(c, &cards, NULL, 0, m->nvideos, c->hero, eager) == -1)
			return -1;
		eager = 0;
	}
	if (c->nfree > 0 && !(c->nfree == 1 && c->free_vid[0] == (size_t)c->hero)) {
		if (push_obj(&rows, &row) == -1 ||
		    row_head(c, &row, "home-free", "Free to watch", PK_FREE, 0, c->nfree, "videos",
		    b) == -1 ||
		    put_arr(&row, "cards", &cards) == -1 ||
		    row_cards(c, &cards, c->free_vid, 0, c->nfree, c->hero, eager) == -1)
			return -1;
		eager = 0;
	}
	if ((nser = series_with_episodes(c)) > 0) {
		if (push_obj(&rows, &row) == -1 ||
		    row_head(c, &row, "home-series", "Series", PK_SERIES_INDEX, 0, nser, "series",
		    b) == -1 ||
		    put_arr(&row, "series_cards", &cards) == -1 ||
		    series_cards(c, &cards, HOME_ROW_MAX, b) == -1)
			return -1;
	}
	for (i = 0; i < m->ncategories; i++) {
		from = c->cat_off[i];
		to = c->cat_off[i + 1];
		if (to == from || (to - from == 1 && c->cat_vid[from] == (size_t)c->hero))
			continue;
		if (push_obj(&rows, &row) == -1)
			return -1;
		buf_reset(b);
		if (buf_printf(b, "row-%s", m->categories[i].slug) == -1 ||
		    put_str(&row, "id", b->data) == -1 ||
		    put_str(&row, "icon", m->categories[i].icon) == -1 ||
		    row_head(c, &row, NULL, m->categories[i].name, PK_CATEGORY, i, to - from,
		    "videos", b) == -1 ||
		    put_arr(&row, "cards", &cards) == -1 ||
		    row_cards(c, &cards, c->cat_vid, from, to, c->hero, eager) == -1)
			return -1;
		eager = 0;
	}
	return 0;
}

static int
data_list(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct model *m = c->m;
	const size_t *vid;
	size_t ps = (size_t)c->page_size, lo, hi, from, to, n;
	const char *name, *desc = "", *kind;
	struct pd cards, nav;
	struct buf t, u;

	switch (p->kind) {
	case PK_CATEGORY:
		lo = c->cat_off[p->idx], hi = c->cat_off[p->idx + 1], vid = c->cat_vid;
		name = m->categories[p->idx].name;
		desc = m->categories[p->idx].description;
		kind = "Category";
		break;
	case PK_TAG:
		lo = c->tag_off[p->idx], hi = c->tag_off[p->idx + 1], vid = c->tag_vid;
		name = m->tags[p->idx].name[0] ? m->tags[p->idx].name : m->tags[p->idx].slug;
		kind = "Tag";
		break;
	case PK_NEW:
		lo = 0, hi = m->nvideos, vid = NULL;
		name = "New";
		desc = "Every video, newest first.";
		kind = "Latest";
		break;
	default:	/* PK_FREE */
		lo = 0, hi = c->nfree, vid = c->free_vid;
		name = "Free to watch";
		desc = "Videos anyone can watch, no code needed.";
		kind = "Free";
		break;
	}
	from = lo + (p->no - 1) * ps;
	to = from + ps < hi ? from + ps : hi;
	n = hi - lo;
	buf_init(&t, 1 << 16);
	buf_init(&u, 4096);
	if ((p->no > 1 ? buf_printf(&t, "%s (page %u)", name, p->no) : buf_puts(&t, name)) == -1 ||
	    site_list_url(c, &u, p->kind, p->idx, (int)p->no) == -1 ||
	    page_meta(c, d, t.data, u.data, desc, NULL, b) == -1) {
		buf_free(&t);
		buf_free(&u);
		return -1;
	}
	buf_free(&t);
	buf_free(&u);
	if (put_str(d, "name", name) == -1 ||
	    put_str(d, "kind", kind) == -1 ||
	    put_str(d, "description", desc) == -1 ||
	    put_num(d, "count", (double)n) == -1 ||
	    (p->kind == PK_CATEGORY && colour_ok(m->categories[p->idx].colour) &&
	    put_str(d, "colour", m->categories[p->idx].colour) == -1) ||
	    (p->kind == PK_CATEGORY && (put_arr(d, "nav", &nav) == -1 ||
	    nav_items(c, &nav, (long)p->idx, b) == -1)) ||
	    put_arr(d, "cards", &cards) == -1 ||
	    pager(c, d, p, b) == -1)
		return -1;
	if (vid != NULL)
		return add_cards(c, &cards, vid, from, to, 0);
	for (; from < to; from++) {
		struct pd o;

		if (push_obj(&cards, &o) == -1 || card(c, from, 0, &o) == -1)
			return -1;
	}
	return 0;
}

/*
 * A series page: artwork (its first episode's picture), description, a
 * "Play S1E1" link (site.js makes it "Resume SxEy" from the device's
 * progress), then its seasons with their episodes, page_size a page.
 */
static int
data_series(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct model *m = c->m;
	const struct series *s = &m->series[p->idx];
	size_t ps = (size_t)c->page_size, i, from, to, all;
	struct pd seasons, season, eps, o, art;
	int cur = -1, open = 0;
	struct buf u, t;

	all = c->ser_off[p->idx + 1] - c->ser_off[p->idx];
	from = c->ser_off[p->idx] + (p->no - 1) * ps;
	to = from + ps < c->ser_off[p->idx + 1] ? from + ps : c->ser_off[p->idx + 1];
	buf_init(&u, 4096);
	buf_init(&t, 1 << 16);
	if (site_list_url(c, &u, PK_SERIES, p->idx, (int)p->no) == -1 ||
	    (p->no > 1 ? buf_printf(&t, "%s (page %u)", s->title[0] ? s->title : s->slug, p->no) :
	    buf_puts(&t, s->title[0] ? s->title : s->slug)) == -1 ||
	    page_meta(c, d, t.data, u.data, s->description,
	    all > 0 ? c->vtext[c->ser_vid[c->ser_off[p->idx]]].image : NULL, b) == -1) {
		buf_free(&u);
		buf_free(&t);
		return -1;
	}
	buf_free(&u);
	buf_free(&t);
	if (pager(c, d, p, b) == -1)
		return -1;
	if (put_str(d, "name", s->title[0] ? s->title : s->slug) == -1 ||
	    put_str(d, "description", s->description) == -1 ||
	    put_num(d, "count", (double)all) == -1 ||
	    PUT_FMT(d, "count_label", b, buf_printf(b, "%zu episode%s", all,
	    all == 1 ? "" : "s")) == -1)
		return -1;
	if (all > 0) {
		size_t first = c->ser_vid[c->ser_off[p->idx]];
		const struct video *v = &m->videos[first];
		const struct card_text *ft = &c->vtext[first];

		if (put_obj(d, "art", &art) == -1 ||
		    put_ref(&art, "poster", ft->poster) == -1 ||
		    put_ref(&art, "srcset", ft->srcset) == -1 ||
		    put_ref(&art, "url", ft->url) == -1 ||
		    PUT_FMT(&art, "code", b, buf_printf(b, "S%dE%d", v->season, v->episode)) == -1)
			return -1;
	}
	if (put_arr(d, "seasons", &seasons) == -1)
		return -1;
	for (i = from; i < to; i++) {
		const struct video *v = &m->videos[c->ser_vid[i]];

		if (!open || v->season != cur) {
			cur = v->season;
			open = 1;
			if (push_obj(&seasons, &season) == -1)
				return -1;
			buf_reset(b);
			if (buf_printf(b, "Season %d", cur) == -1 ||
			    put_str(&season, "label", b->data) == -1 ||
			    put_num(&season, "season", cur) == -1 ||
			    put_arr(&season, "cards", &eps) == -1)
				return -1;
		}
		if (push_obj(&eps, &o) == -1 || card(c, c->ser_vid[i], 0, &o) == -1 ||
		    put_num(&o, "episode", v->episode) == -1 ||
		    PUT_FMT(&o, "code", b, buf_printf(b, "S%dE%d", v->season, v->episode)) == -1 ||
		    put_ref(&o, "synopsis", v->description) == -1)
			return -1;
	}
	return 0;
}

/* /series/: every series with episodes, as cards. */
static int
data_series_index(const struct site_ctx *c, struct pd *d, struct buf *b)
{
	struct pd arr;
	struct buf u;
	size_t n = series_with_episodes(c);

	buf_init(&u, 4096);
	if (site_list_url(c, &u, PK_SERIES_INDEX, 0, 1) == -1 ||
	    page_meta(c, d, "Series", u.data, NULL, NULL, b) == -1) {
		buf_free(&u);
		return -1;
	}
	buf_free(&u);
	return (put_num(d, "count", (double)n) == -1 ||
	    put_arr(d, "series", &arr) == -1 ||
	    series_cards(c, &arr, n, b) == -1) ? -1 : 0;
}

/* /tags/: every tag with videos, its name, count and URL. */
static int
data_tag_index(const struct site_ctx *c, struct pd *d, struct buf *b)
{
	const struct model *m = c->m;
	struct pd arr, o;
	struct buf u;
	size_t i, n;

	buf_init(&u, 4096);
	if (site_list_url(c, &u, PK_TAG_INDEX, 0, 1) == -1 ||
	    page_meta(c, d, "Tags", u.data, NULL, NULL, b) == -1) {
		buf_free(&u);
		return -1;
	}
	buf_free(&u);
	if (put_arr(d, "tags", &arr) == -1)
		return -1;
	for (i = 0; i < m->ntags; i++) {
		if ((n = c->tag_off[i + 1] - c->tag_off[i]) == 0)
			continue;
		if (push_obj(&arr, &o) == -1 ||
		    put_str(&o, "name", m->tags[i].name[0] ? m->tags[i].name : m->tags[i].slug) == -1 ||
		    put_num(&o, "count", (double)n) == -1 ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, PK_TAG, i, 1)) == -1)
			return -1;
	}
	return 0;
}

static int
named_links(const struct site_ctx *c, struct pd *arr, int kind, const size_t *idx, size_t n,
    struct buf *b)
{
	const struct model *m = c->m;
	struct pd o;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *name = kind == PK_CATEGORY ? m->categories[idx[i]].name :
		    (m->tags[idx[i]].name[0] ? m->tags[idx[i]].name : m->tags[idx[i]].slug);

		if (push_obj(arr, &o) == -1 ||
		    put_str(&o, "name", name) == -1 ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, kind, idx[i], 1)) == -1)
			return -1;
	}
	return 0;
}

static int
data_watch(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct model *m = c->m;
	const struct video *v = &m->videos[p->idx];
	enum access_level a = level(v);
	struct pd vo, arr, o, rel, more;
	const uint32_t *r;
	size_t i, n;
	struct buf u;

	buf_init(&u, 4096);
	if (url_video(&u, c->html, v->guid) == -1 ||
	    page_meta(c, d, v->title, u.data, v->description[0] ? v->description : v->title,
	    c->vtext[p->idx].image, b) == -1) {
		buf_free(&u);
		return -1;
	}
	buf_free(&u);
	if (put_obj(d, "video", &vo) == -1 || card(c, p->idx, 1, &vo) == -1 ||
	    put_str(&vo, "description", v->description) == -1 ||
	    PUT_FMT(&vo, "duration_iso", b, fmt_duration_iso(b, v->length)) == -1 ||
	    PUT_FMT(&vo, "datetime", b, fmt_datetime(b, v->uploaded)) == -1 ||
	    PUT_FMT(&vo, "play_api", b, buf_printf(b, "/api/play/%s", v->guid)) == -1 ||
	    put_num(&vo, "width", (double)(v->width > 0 ? v->width : 1280)) == -1 ||
	    put_num(&vo, "height", (double)(v->height > 0 ? v->height : 720)) == -1 ||
	    (a == ACCESS_VIP && put_bool(&vo, "vip", 1) == -1) ||
	    (a != ACCESS_PUBLIC && put_str(&vo, "lock_words", access_lock_words[a]) == -1) ||
	    (v->ncategories > 0 && put_bool(&vo, "has_categories", 1) == -1) ||
	    (v->ntags > 0 && put_bool(&vo, "has_tags", 1) == -1) ||
	    (v->nchapters > 0 && put_bool(&vo, "has_chapters", 1) == -1) ||
	    (v->ncaptions > 0 && put_bool(&vo, "has_captions", 1) == -1) ||
	    (a == ACCESS_PPV && put_bool(&vo, "ppv", 1) == -1) ||
	    put_arr(&vo, "categories", &arr) == -1 ||
	    named_links(c, &arr, PK_CATEGORY, v->categories, v->ncategories, b) == -1 ||
	    put_arr(&vo, "tags", &arr) == -1 ||
	    named_links(c, &arr, PK_TAG, v->tags, v->ntags, b) == -1 ||
	    put_arr(&vo, "captions", &arr) == -1)
		return -1;
	/*
	 * Languages and labels only: the caption files are behind the pull
	 * zone's token, and watch.js fetches them with the one /api/play
	 * hands out (a static page must carry no token).
	 */
	for (i = 0; i < v->ncaptions; i++) {
		size_t ln = strlen(v->captions[i].srclang);

		/* a language tag: [A-Za-z0-9-], as Bunny names the .vtt files */
		if (ln == 0 || ln > 35 || strspn(v->captions[i].srclang,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != ln)
			continue;
		if (push_obj(&arr, &o) == -1 ||
		    put_str(&o, "srclang", v->captions[i].srclang) == -1 ||
		    put_str(&o, "label", v->captions[i].label[0] ? v->captions[i].label :
		    v->captions[i].srclang) == -1 ||
		    (i == 0 && put_bool(&o, "first", 1) == -1))
			return -1;
	}
	if (v->nchapters > 0) {
		if (put_arr(&vo, "chapters", &arr) == -1)
			return -1;
		for (i = 0; i < v->nchapters; i++)
			if (push_obj(&arr, &o) == -1 ||
			    put_str(&o, "title", v->chapters[i].title) == -1 ||
			    put_num(&o, "start", v->chapters[i].start) == -1 ||
			    PUT_FMT(&o, "time", b, fmt_duration(b, v->chapters[i].start)) == -1)
				return -1;
	}
	if (v->series >= 0) {
		const struct series *s = &m->series[v->series];
		size_t pos = c->ser_pos[p->idx];

		if (put_obj(d, "series", &o) == -1 ||
		    put_str(&o, "title", s->title[0] ? s->title : s->slug) == -1 ||
		    PUT_FMT(&o, "url", b, site_list_url(c, b, PK_SERIES, (size_t)v->series, 1)) == -1 ||
		    put_num(&o, "season", v->season) == -1 ||
		    put_num(&o, "episode", v->episode) == -1)
			return -1;
		if (pos > c->ser_off[v->series] &&
		    (put_obj(&o, "prev", &rel) == -1 || card(c, c->ser_vid[pos - 1], 0, &rel) == -1))
			return -1;
		if (pos + 1 < c->ser_off[v->series + 1] &&
		    (put_obj(&o, "next", &rel) == -1 || card(c, c->ser_vid[pos + 1], 0, &rel) == -1))
			return -1;
	}
	r = related_of(&c->rel, p->idx, &n);
	if (n > 0) {
		if (put_obj(d, "more", &more) == -1 || put_arr(&more, "cards", &arr) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (push_obj(&arr, &o) == -1 || card(c, r[i], 0, &o) == -1)
				return -1;
	}
	buf_reset(b);
	if (site_jsonld(c, v, b) == -1 || put_str(d, "jsonld", b->data) == -1)
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
	case PK_CODE:
		return page_meta(c, d, "Enter your code", c->html ? "/code.html" : "/code/",
		    NULL, NULL, b);
	case PK_SEARCH:
		return page_meta(c, d, "Search", c->html ? "/search.html" : "/search/",
		    NULL, NULL, b);
	case PK_404:
		return page_meta(c, d, "Not found", NULL, NULL, NULL, b);
	default:
		return -1;
	}
}

/* Writes page p's own data (not the shared part) into d; 0 or -1. */
static int
page_fields(const struct site_ctx *c, const struct page *p, struct pd *d, struct buf *b)
{
	const char *sec = section_of(p->kind);
	struct pd o;

	if (sec != NULL && (put_obj(d, "section", &o) == -1 || put_bool(&o, sec, 1) == -1))
		return -1;
	return page_kind_fields(c, p, d, b);
}

cJSON *
site_page_data(const struct site_ctx *c, const struct page *p, uint64_t *key)
{
	struct pd d = { 0 };
	cJSON *it;
	struct buf b;
	int rc = 0;

	if (key != NULL) {
		*key = site_page_seed(c, p);
		d.h = key;
	}
	if ((d.j = cJSON_CreateObject()) == NULL)
		return NULL;
	buf_init(&b, 1 << 20);
	rc = page_fields(c, p, &d, &b);
	/* then the shared part, but what the page has of its own (a
	 * category page's "nav", which marks its entry) */
	for (it = c->shared->child; rc == 0 && it != NULL; it = it->next)
		if (cJSON_GetObjectItemCaseSensitive(d.j, it->string) == NULL &&
		    !cJSON_AddItemReferenceToObject(d.j, it->string, it))
			rc = -1;
	buf_free(&b);
	if (rc == -1) {
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

uint64_t
site_data_key(const struct site_ctx *c, const struct page *p, uint64_t seed, struct buf *scratch)
{
	struct pd d = { 0 };

	d.h = &seed;
	if (page_fields(c, p, &d, scratch) == -1)
		seed = h64_int(seed, -1);
	return seed;
}
