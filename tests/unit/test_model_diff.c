/*
 * test_model_diff.c — a model is its base with some videos' fields changed
 * exactly when only a title, description or one of model_row_fields()'s
 * fields moved: every such field lists its video (and only it), every
 * structural one (a place, the site config, a category, tag or series)
 * makes the models different, and equal strings at other addresses are
 * the same; and their hashes (model_video_value, model_tables_key) move
 * with the same fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model_diff.h"

#define NV	3

/* One model's storage: every array its own, every string a copy. */
struct fixture {
	struct model	 m;
	struct video	 v[NV];
	struct category	 cat[2];
	struct tag	 tag[2];
	struct series	 ser[1];
	size_t		 vcat[NV][2], vtag[NV][2];
	struct caption	 cap[NV][1];
	struct chapter	 chap[NV][1];
	char		 str[64][32];
	size_t		 nstr;
};

static char *
s(struct fixture *f, const char *text)
{
	char *p = f->str[f->nstr++];

	snprintf(p, sizeof(f->str[0]), "%s", text);
	return p;
}

static void
make(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->m.site = (struct site_config){ s(f, "Site"), s(f, "pitch"), s(f, "https://x.test"),
		s(f, "en"), s(f, "cdn.test"), s(f, "default"), s(f, "me"), s(f, "/buy/"), 0, 48,
		ACCESS_VIP };
	f->cat[0] = (struct category){ s(f, "raw"), s(f, "RAW"), s(f, "#e50914"), s(f, "*"),
		s(f, "raw ones"), 1 };
	f->cat[1] = (struct category){ s(f, "art"), s(f, "ART"), s(f, "#f5a623"), s(f, "+"),
		s(f, ""), 2 };
	f->tag[0] = (struct tag){ s(f, "night"), s(f, "Night"), 11 };
	f->tag[1] = (struct tag){ s(f, "solo"), s(f, "Solo"), 12 };
	f->ser[0] = (struct series){ s(f, "saga"), s(f, "Saga"), s(f, "a long one") };
	for (i = 0; i < NV; i++) {
		struct video *v = &f->v[i];
		char title[16];

		snprintf(v->guid, sizeof(v->guid), "00000000-0000-4000-8000-00000000000%zu", i);
		snprintf(title, sizeof(title), "video %zu", i);
		v->title = s(f, title);
		v->description = s(f, "words");
		v->length = 60 + (int64_t)i;
		v->width = 1920;
		v->height = 1080;
		v->views = 5;
		v->uploaded = 1000 - (int64_t)i;
		v->changed = 2000;
		v->thumbnail = s(f, "thumbnail.jpg");
		v->cdn_host = s(f, "cdn.test");
		v->access = i == 0 ? ACCESS_PUBLIC : ACCESS_VIP;
		v->featured = i == 1;
		f->vcat[i][0] = i % 2;
		v->categories = f->vcat[i];
		v->ncategories = 1;
		f->vtag[i][0] = 0;
		f->vtag[i][1] = 1;
		v->tags = f->vtag[i];
		v->ntags = i == 2 ? 1 : 2;
		v->series = i == 2 ? -1 : 0;
		v->season = 1;
		v->episode = (int)i + 1;
		f->cap[i][0] = (struct caption){ s(f, "en"), s(f, "English") };
		v->captions = f->cap[i];
		v->ncaptions = 1;
		f->chap[i][0] = (struct chapter){ s(f, "intro"), 0, 10 };
		v->chapters = f->chap[i];
		v->nchapters = 1;
	}
	f->m.videos = f->v;
	f->m.nvideos = NV;
	f->m.categories = f->cat;
	f->m.ncategories = 2;
	f->m.tags = f->tag;
	f->m.ntags = 2;
	f->m.series = f->ser;
	f->m.nseries = 1;
}

/* What one case changes in the second model. */
enum edit {
	E_NONE,
	/* a video's own fields: video 1 listed */
	E_TITLE, E_DESCRIPTION, E_LENGTH, E_WIDTH, E_HEIGHT, E_VIEWS, E_UPLOADED, E_CHANGED,
	E_THUMBNAIL, E_CDN_HOST, E_CAPTION_LABEL, E_CAPTION_LANG, E_CAPTIONS, E_CHAPTER_TITLE,
	E_CHAPTER_START, E_CHAPTER_END, E_CHAPTERS,
	E_FIELDS_END,
	/* structure: not so changed */
	E_GUID = E_FIELDS_END, E_ACCESS, E_FEATURED, E_CATEGORY, E_NCATEGORIES, E_TAG, E_NTAGS,
	E_SERIES, E_SEASON, E_EPISODE, E_NVIDEOS, E_SITE_TITLE, E_SITE_BASE_URL,
	E_SITE_PURCHASE, E_SITE_PAGE_SIZE, E_SITE_HTML, E_SITE_ACCESS, E_CAT_NAME,
	E_CAT_COLOUR, E_CAT_ORDER, E_NCATS, E_TAG_NAME, E_TAG_ID, E_SERIES_TITLE,
	E_SERIES_SLUG,
	E_END
};

static const char *const names[E_END] = {
	"nothing", "title", "description", "length", "width", "height", "views", "uploaded",
	"changed", "thumbnail", "CDN host", "caption label", "caption language",
	"caption count", "chapter title", "chapter start", "chapter end", "chapter count",
	"guid", "access", "featured", "a category", "the category count", "a tag",
	"the tag count", "series", "season", "episode", "the video count", "site title",
	"site base_url", "site purchase_url", "site page_size", "site url style",
	"site default access", "a category's name", "a category's colour",
	"a category's order", "the category list", "a tag's name", "a tag's id",
	"a series' title", "a series' slug",
};

static void
apply(struct fixture *f, enum edit e)
{
	struct video *v = &f->v[1];

	switch (e) {
	case E_NONE: break;
	case E_TITLE: v->title = s(f, "video 1, edited"); break;
	case E_DESCRIPTION: v->description = s(f, "other words"); break;
	case E_LENGTH: v->length++; break;
	case E_WIDTH: v->width = 640; break;
	case E_HEIGHT: v->height = 480; break;
	case E_VIEWS: v->views++; break;
	case E_UPLOADED: v->uploaded--; break;	/* still between its neighbours */
	case E_CHANGED: v->changed++; break;
	case E_THUMBNAIL: v->thumbnail = s(f, "thumbnail_2.jpg"); break;
	case E_CDN_HOST: v->cdn_host = s(f, "other.test"); break;
	case E_CAPTION_LABEL: f->cap[1][0].label = s(f, "Anglais"); break;
	case E_CAPTION_LANG: f->cap[1][0].srclang = s(f, "fr"); break;
	case E_CAPTIONS: v->ncaptions = 0; break;
	case E_CHAPTER_TITLE: f->chap[1][0].title = s(f, "outro"); break;
	case E_CHAPTER_START: f->chap[1][0].start = 1; break;
	case E_CHAPTER_END: f->chap[1][0].end = 11; break;
	case E_CHAPTERS: v->nchapters = 0; break;
	case E_GUID: v->guid[35] = '9'; break;
	case E_ACCESS: v->access = ACCESS_PUBLIC; break;
	case E_FEATURED: v->featured = 0; break;
	case E_CATEGORY: f->vcat[1][0] = 0; break;
	case E_NCATEGORIES: v->ncategories = 0; break;
	case E_TAG: f->vtag[1][1] = 0; break;
	case E_NTAGS: v->ntags = 1; break;
	case E_SERIES: v->series = -1; break;
	case E_SEASON: v->season = 2; break;
	case E_EPISODE: v->episode = 9; break;
	case E_NVIDEOS: f->m.nvideos = 2; break;
	case E_SITE_TITLE: f->m.site.title = s(f, "Other"); break;
	case E_SITE_BASE_URL: f->m.site.base_url = s(f, "https://y.test"); break;
	case E_SITE_PURCHASE: f->m.site.purchase_url = s(f, ""); break;
	case E_SITE_PAGE_SIZE: f->m.site.page_size = 12; break;
	case E_SITE_HTML: f->m.site.html_urls = 1; break;
	case E_SITE_ACCESS: f->m.site.default_access = ACCESS_PUBLIC; break;
	case E_CAT_NAME: f->cat[1].name = s(f, "Art"); break;
	case E_CAT_COLOUR: f->cat[1].colour = s(f, "#000000"); break;
	case E_CAT_ORDER: f->cat[1].order = 7; break;
	case E_NCATS: f->m.ncategories = 1; break;
	case E_TAG_NAME: f->tag[0].name = s(f, "night"); break;
	case E_TAG_ID: f->tag[1].id = 13; break;
	case E_SERIES_TITLE: f->ser[0].title = s(f, "Saga II"); break;
	case E_SERIES_SLUG: f->ser[0].slug = s(f, "saga-2"); break;
	default: break;
	}
}

int
main(void)
{
	static struct fixture a, b;
	uint32_t *changed;
	size_t n;
	int e, rc;

	for (e = E_NONE; e < E_END; e++) {
		make(&a);
		make(&b);
		apply(&b, (enum edit)e);
		rc = model_diff(&a.m, &b.m, &changed, &n);
		if (e == E_NONE)
			CHECK(rc == 1 && n == 0 && changed != NULL,
			    "the same model at other addresses: nothing changed");
		else if (e < E_FIELDS_END)
			CHECK(rc == 1 && n == 1 && changed[0] == 1,
			    "%s: the video listed, and only it", names[e]);
		else
			CHECK(rc == 0 && n == 0 && changed == NULL, "%s: not a fields' change",
			    names[e]);
		free(changed);
	}

	/* a season without a series is no place: ignored, as the site ignores it */
	make(&a);
	make(&b);
	b.v[2].season = 5;
	b.v[2].episode = 7;
	rc = model_diff(&a.m, &b.m, &changed, &n);
	CHECK(rc == 1 && n == 0, "the season and episode of a video in no series are not compared");
	free(changed);

	/* several videos: each listed once, in order */
	make(&a);
	make(&b);
	b.v[2].title = s(&b, "two");
	b.v[0].views = 99;
	b.v[0].description = s(&b, "new");
	rc = model_diff(&a.m, &b.m, &changed, &n);
	CHECK(rc == 1 && n == 2 && changed[0] == 0 && changed[1] == 2,
	    "two videos changed: both listed, ascending, each once");
	free(changed);

	/*
	 * The same comparisons as hashes (model_video_value, model_tables_key):
	 * every field of a video moves its value (its guid, which pairs it,
	 * does not), every site, category, tag or series field the tables'
	 * key, and nothing else moves either.
	 */
	for (e = E_NONE; e < E_END; e++) {
		uint64_t va, vb, ta, tb;
		int place = e >= E_ACCESS && e <= E_EPISODE, table = e >= E_SITE_TITLE;

		make(&a);
		make(&b);
		apply(&b, (enum edit)e);
		va = model_video_value(&a.v[1], NULL);
		vb = model_video_value(&b.v[1], NULL);
		ta = model_tables_key(&a.m);
		tb = model_tables_key(&b.m);
		CHECK((va != vb) == (e != E_NONE && (e < E_FIELDS_END || place)) &&
		    (ta != tb) == table, "hashed: %s moves %s", names[e],
		    table ? "the tables' key" : e == E_NONE || e == E_GUID || e == E_NVIDEOS ?
		    "neither" : "the video's value");
	}
	/* the memo: a string seen at the same address is not hashed again,
	 * and gives the same value */
	{
		struct model_value_memo memo;
		uint64_t v1;

		make(&a);
		a.v[1].cdn_host = a.v[0].cdn_host;	/* shared, as an image's videos share it */
		v1 = model_video_value(&a.v[1], NULL);
		memset(&memo, 0, sizeof(memo));
		(void)model_video_value(&a.v[0], &memo);
		CHECK(memo.s[1] == a.v[0].cdn_host && model_video_value(&a.v[1], &memo) == v1,
		    "hashed: a host seen at its address gives the same value");
		a.v[1].cdn_host = s(&a, "other.test");
		CHECK(model_video_value(&a.v[1], &memo) != v1 &&
		    model_video_value(&a.v[1], &memo) == model_video_value(&a.v[1], NULL),
		    "hashed: another host at another address is hashed again");
	}

	/* an empty model against itself */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = model_diff(&a.m, &b.m, &changed, &n);
	CHECK(rc == 1 && n == 0, "two empty models: the same");
	free(changed);
	return check_report();
}
