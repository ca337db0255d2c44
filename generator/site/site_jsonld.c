/*
 * site_jsonld.c — the JSON-LD of the pages (see site_jsonld.h), moved out
 * of site_meta.c and grown for issue 14: embedUrl (the /e/<guid>/ player
 * page, url_embed), chapters as hasPart Clip items whose url opens the
 * watch page at the chapter (?t=<seconds>, which watch.js honours),
 * Bunny's view count as interactionStatistic, the paywall markup of a
 * locked video, BreadcrumbList and ItemList.  The VideoObject has no "url"
 * (issue 15, watch-page bytes): the page's canonical link names the page.
 *
 * Built in C with esc_json so each string is escaped for a JSON string
 * inside <script>; the template inserts the result raw ({{{jsonld}}}).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "site_cards.h"
#include "site_data.h"
#include "site_jsonld.h"
#include "site_url.h"

#define J(out, s)	esc_json((out), (s), strlen(s))

int
vl_add(struct vlist *l, size_t vid)
{
	size_t i;

	for (i = 0; i < l->n; i++)	/* a home page shows a few hundred cards at most */
		if (l->v[i] == vid)
			return 0;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		size_t *nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = vid;
	return 0;
}

void
vl_free(struct vlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* base_url + the watch page of video v. */
static int
watch_abs(const struct site_ctx *c, const struct video *v, struct buf *o)
{
	return (J(o, c->m->site.base_url) == -1 ||
	    url_video(o, c->html, v->guid) == -1) ? -1 : 0;
}

/* Where chapter k ends: its own end, else the next one's start, else the
 * video's end; 0 when the chapter has no usable span. */
static int32_t
chapter_end(const struct video *v, size_t k)
{
	const struct chapter *ch = &v->chapters[k];
	int64_t end = ch->end;

	if (end <= ch->start && k + 1 < v->nchapters)
		end = v->chapters[k + 1].start;
	if (end <= ch->start || (v->length > 0 && end > v->length))
		end = v->length;
	return end > ch->start && ch->start >= 0 ? (int32_t)end : 0;
}

/* The chapters as Clip items (the caller has opened the hasPart array);
 * *first says whether an item was written yet. */
static int
clips(const struct site_ctx *c, const struct video *v, struct buf *o, int *first)
{
	size_t k;

	for (k = 0; k < v->nchapters; k++) {
		int32_t end = chapter_end(v, k);

		if (end == 0)
			continue;
		if ((!*first && buf_putc(o, ',') == -1) ||
		    BUF_PUTSL(o, "{\"@type\":\"Clip\",\"name\":\"") == -1 ||
		    J(o, v->chapters[k].title[0] ? v->chapters[k].title : v->title) == -1 ||
		    BUF_PUTSL(o, "\",\"startOffset\":") == -1 ||
		    fmt_int(o, v->chapters[k].start) == -1 ||
		    BUF_PUTSL(o, ",\"endOffset\":") == -1 || fmt_int(o, end) == -1 ||
		    BUF_PUTSL(o, ",\"url\":\"") == -1 ||
		    watch_abs(c, v, o) == -1 ||
		    BUF_PUTSL(o, "?t=") == -1 || fmt_int(o, v->chapters[k].start) == -1 ||
		    BUF_PUTSL(o, "\"}") == -1)
			return -1;
		*first = 0;
	}
	return 0;
}

int
jsonld_video(const struct site_ctx *c, const struct pd *d, size_t vid, struct buf *o)
{
	const struct video *v = page_video(c, d, vid);
	const struct card_img *im = page_img(c, d, vid);
	int pub = v->access == ACCESS_PUBLIC, first = 1;

	if (im == NULL ||
	    BUF_PUTSL(o, "{\"@context\":\"https://schema.org\",\"@type\":\"VideoObject\",\"name\":\"") == -1 ||
	    J(o, v->title) == -1 ||
	    BUF_PUTSL(o, "\",\"description\":\"") == -1 ||
	    J(o, v->description[0] ? v->description : v->title) == -1 ||
	    BUF_PUTSL(o, "\",\"thumbnailUrl\":[\"") == -1 ||
	    J(o, im->image) == -1 ||
	    BUF_PUTSL(o, "\"],\"uploadDate\":\"") == -1 || fmt_datetime(o, v->uploaded) == -1 ||
	    BUF_PUTSL(o, "\",\"duration\":\"") == -1 || fmt_duration_iso(o, v->length) == -1 ||
	    BUF_PUTSL(o, "\",\"embedUrl\":\"") == -1 || J(o, c->m->site.base_url) == -1 ||
	    url_embed(o, c->html, v->guid) == -1 || buf_putc(o, '"') == -1)
		return -1;
	if (v->views > 0 &&
	    (BUF_PUTSL(o, ",\"interactionStatistic\":{\"@type\":\"InteractionCounter\","
	    "\"interactionType\":{\"@type\":\"WatchAction\"},\"userInteractionCount\":") == -1 ||
	    fmt_int(o, (long long)v->views) == -1 || buf_putc(o, '}') == -1))
		return -1;
	if (buf_puts(o, pub ? ",\"isAccessibleForFree\":true" :
	    ",\"isAccessibleForFree\":false") == -1)
		return -1;
	if (pub && v->nchapters == 0)
		return buf_putc(o, '}');
	/* the parts: the chapters, and a locked video's paywalled player */
	if (BUF_PUTSL(o, ",\"hasPart\":[") == -1 || clips(c, v, o, &first) == -1)
		return -1;
	if (!pub && ((!first && buf_putc(o, ',') == -1) ||
	    BUF_PUTSL(o, "{\"@type\":\"WebPageElement\",\"isAccessibleForFree\":false,"
	    "\"cssSelector\":\".paywall\"}") == -1))
		return -1;
	return BUF_PUTSL(o, "]}");
}

/*
 * One ListItem of a BreadcrumbList: name, absolute URL of rel; rel NULL
 * for the last item, the page itself, whose URL Google takes from the page
 * when "item" is absent (issue 15, watch-page bytes: it repeated the
 * canonical URL).
 */
static int
crumb(const struct site_ctx *c, struct buf *o, int pos, const char *name, const char *rel)
{
	if ((pos > 1 && buf_putc(o, ',') == -1) ||
	    BUF_PUTSL(o, "{\"@type\":\"ListItem\",\"position\":") == -1 ||
	    fmt_int(o, pos) == -1 || BUF_PUTSL(o, ",\"name\":\"") == -1 || J(o, name) == -1)
		return -1;
	if (rel != NULL && (BUF_PUTSL(o, "\",\"item\":\"") == -1 ||
	    J(o, c->m->site.base_url) == -1 || J(o, rel) == -1))
		return -1;
	return BUF_PUTSL(o, "\"}");
}

int
jsonld_breadcrumbs(const struct site_ctx *c, const struct pd *d, size_t vid, struct buf *o)
{
	const struct model *m = c->m;
	const struct video *v = page_video(c, d, vid);
	struct buf u;
	int pos = 1, rc = -1;

	buf_init(&u, 4096);
	if (BUF_PUTSL(o, "{\"@context\":\"https://schema.org\",\"@type\":\"BreadcrumbList\","
	    "\"itemListElement\":[") == -1 || url_named(&u, c->html, "") == -1 ||
	    crumb(c, o, pos++, "Home", u.data) == -1)
		goto out;
	buf_reset(&u);
	if (v->series >= 0) {
		const struct series *s = &m->series[v->series];

		if (site_list_url(c, &u, PK_SERIES, (size_t)v->series, 1) == -1 ||
		    crumb(c, o, pos++, s->title[0] ? s->title : s->slug, u.data) == -1)
			goto out;
	} else if (v->ncategories > 0) {
		if (site_list_url(c, &u, PK_CATEGORY, v->categories[0], 1) == -1 ||
		    crumb(c, o, pos++, m->categories[v->categories[0]].name, u.data) == -1)
			goto out;
	}
	if (crumb(c, o, pos, v->title, NULL) == -1)
		goto out;
	rc = BUF_PUTSL(o, "]}");
out:
	buf_free(&u);
	return rc;
}

/*
 * An ItemList's items are base_url + each video's watch page: base_url is
 * escaped once for the list, not once an item (a list page shows up to
 * page_size videos, 10 000 in the benchmark's site, and every list page
 * is keyed on every rebuild).  The item's URL is url_video's, from the
 * guid: the card text's copy of it (c->vtext) is slower to reach, one
 * string per ~500 bytes of card text where the guids are packed.
 */
#define ITEM_AHEAD	8
#define ITEM_HEAD	"{\"@type\":\"ListItem\",\"position\":"
#define ITEM_URL	",\"url\":\""

int
jsonld_itemlist(const struct site_ctx *c, const struct pd *d, const size_t *list, size_t from,
    size_t to, struct buf *o)
{
	struct buf base;
	size_t i, vid;
	int rc = -1;

	buf_init(&base, o->max);	/* as the list itself */
	if (J(&base, c->m->site.base_url) == -1 ||
	    BUF_PUTSL(o, "{\"@context\":\"https://schema.org\",\"@type\":\"ItemList\","
	    "\"itemListElement\":[") == -1)
		goto out;
	for (i = from; i < to; i++) {
		vid = list != NULL ? list[i] : i;
		/* the guids of a category's or tag's videos are a video struct
		 * apart or more: ask for the one ITEM_AHEAD items on early
		 * (each was a cache miss, most of a keying pass over the lists) */
		if (i + ITEM_AHEAD < to)
			__builtin_prefetch(c->m->videos[list != NULL ? list[i + ITEM_AHEAD] :
			    i + ITEM_AHEAD].guid);
		/* the pieces appended inline (buf_put_inline): ~2 million
		 * items in a rebuild's keying pass */
		if ((i > from && buf_put_inline(o, ",", 1) == -1) ||
		    buf_put_inline(o, ITEM_HEAD, sizeof(ITEM_HEAD) - 1) == -1 ||
		    fmt_int(o, (long long)(i - from + 1)) == -1 ||
		    buf_put_inline(o, ITEM_URL, sizeof(ITEM_URL) - 1) == -1 ||
		    (base.len > 0 && buf_put_inline(o, base.data, base.len) == -1) ||
		    url_video(o, c->html, page_video(c, d, vid)->guid) == -1 ||
		    buf_put_inline(o, "\"}", 2) == -1)
			goto out;
	}
	rc = BUF_PUTSL(o, "]}");
out:
	buf_free(&base);
	return rc;
}

int
put_itemlist(const struct site_ctx *c, struct pd *d, const size_t *list, size_t from,
    size_t to, struct buf *b)
{
	struct pd tree = *d;

	/* the key from the cards' keys; the tree, if any, gets the bytes */
	if (d->h != NULL && card_keys_mix(c, d, "jsonld", list, from, to) == 1)
		tree.h = NULL;
	if (tree.j == NULL && tree.h == NULL)
		return 0;
	buf_reset(b);
	return jsonld_itemlist(c, &tree, list, from, to, b) == -1 ||
	    put_buf(&tree, "jsonld", b) == -1 ? -1 : 0;
}
