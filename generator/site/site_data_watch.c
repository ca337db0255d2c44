/*
 * site_data_watch.c — the data of a video's watch page: the video (its
 * card, player size, lock, categories, tags, captions, chapters), its
 * series neighbours, the related videos ("More like this") and its
 * JSON-LD.
 */
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "site_cards.h"
#include "site_data.h"
#include "site_jsonld.h"
#include "site_url.h"

/* What a locked video's player says after its level: "VIP — members only". */
static const char *const access_lock_words[] = { "", "members only", "this video" };

/*
 * The <iframe> snippet of the video's embed page (url_embed), as text: the
 * template escapes it again for the read-only field that shows it.  The
 * page carries the shortest <iframe> that works on another site
 * (allowfullscreen; picture-in-picture is allowed by default), which is
 * what a viewer without JavaScript copies; watch.js rewrites it from this
 * src and the page's <h1> into the full snippet (title, allow, lazy
 * loading), rather than every watch page carrying it (issue 15 point 4:
 * ~330 bytes, the title escaped twice).  No style attribute: a host page
 * whose CSP forbids inline style would drop it.
 */
static int
embed_snippet(const struct site_ctx *c, const struct video *v, struct buf *b)
{
	return (BUF_PUTSL(b, "<iframe src=\"") == -1 ||
	    esc_html(b, c->m->site.base_url, strlen(c->m->site.base_url)) == -1 ||
	    url_embed(b, c->html, v->guid) == -1 ||
	    BUF_PUTSL(b, "\" width=\"640\" height=\"360\" allowfullscreen></iframe>") == -1) ? -1 : 0;
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

int
data_watch(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct model *m = c->m;
	const struct video *v = page_video(c, d, p->idx);
	enum access_level a = level(v);
	struct pd vo, arr, o, rel, more;
	const uint32_t *r;
	size_t i, n;
	struct buf u;

	buf_init(&u, 4096);
	if (url_video(&u, c->html, v->guid) == -1 ||
	    page_meta(c, d, v->title, u.data, v->description[0] ? v->description : v->title,
	    (long)p->idx, b) == -1) {
		buf_free(&u);
		return -1;
	}
	buf_free(&u);
	if (put_obj(d, "video", &vo) == -1 || card(c, p->idx, 1, &vo) == -1 ||
	    put_str(&vo, "description", v->description) == -1 ||
	    PUT_FMT(&vo, "duration_iso", b, fmt_duration_iso(b, v->length)) == -1 ||
	    PUT_FMT(&vo, "datetime", b, fmt_datetime(b, v->uploaded)) == -1 ||
	    PUT_FMT(&vo, "play_api", b, url_play(b, v->guid)) == -1 ||
	    PUT_FMT(&vo, "embed_url", b, (buf_puts(b, m->site.base_url) == -1 ||
	    url_embed(b, c->html, v->guid) == -1) ? -1 : 0) == -1 ||
	    PUT_FMT(&vo, "embed_code", b, embed_snippet(c, v, b)) == -1 ||
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
	if (jsonld_video(c, d, p->idx, b) == -1 || put_buf(d, "jsonld", b) == -1)
		return -1;
	buf_reset(b);
	if (jsonld_breadcrumbs(c, d, p->idx, b) == -1 || put_buf(d, "jsonld_crumbs", b) == -1)
		return -1;
	return 0;
}
