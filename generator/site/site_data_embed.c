/*
 * site_data_embed.c — the data of a video's embeddable player page,
 * /e/<guid>/ (url_embed): what a third-party page shows in an <iframe>.
 * No site chrome.  A public video gets the player (watch.js asks the
 * verifier's /api/play as the watch page does); a locked one gets its
 * poster and a "Watch on <site>" link to its watch page, and no player,
 * no play URL and no script at all: nothing on the page can play it,
 * whatever cookie the browser holds.
 */
#include "site_cards.h"
#include "site_data.h"
#include "site_url.h"

int
data_embed(const struct site_ctx *c, struct pd *d, const struct page *p, struct buf *b)
{
	const struct video *v = page_video(c, d, p->idx);
	struct pd vo;

	/* no canonical URL: the page is noindex (docs/site.md, "Embed page") */
	if (page_meta(c, d, v->title, NULL, v->description[0] ? v->description : v->title,
	    -1, b) == -1 ||
	    put_obj(d, "video", &vo) == -1 || card(c, p->idx, 1, &vo) == -1 ||
	    PUT_FMT(&vo, "watch_url", b, (buf_puts(b, c->m->site.base_url) == -1 ||
	    url_video(b, c->html, v->guid) == -1) ? -1 : 0) == -1 ||
	    put_num(&vo, "width", (double)(v->width > 0 ? v->width : 1280)) == -1 ||
	    put_num(&vo, "height", (double)(v->height > 0 ? v->height : 720)) == -1)
		return -1;
	if (level(v) == ACCESS_PUBLIC &&
	    PUT_FMT(&vo, "play_api", b, url_play(b, v->guid)) == -1)
		return -1;
	return 0;
}
