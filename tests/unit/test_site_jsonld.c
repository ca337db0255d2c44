/*
 * test_site_jsonld.c — the JSON-LD of the pages (site_jsonld.c), parsed
 * back with cJSON: a locked video with chapters and views (embedUrl, Clip
 * parts with ?t= urls, the InteractionCounter, the paywall part), a public
 * one without (no hasPart, no counter), the BreadcrumbList through a
 * series or a category, an ItemList's positions and urls; hostile strings
 * ("</script>", "<!--", U+2028/U+2029) never reach the text raw.  And the
 * JPEG size reader behind og:image:width/height (img_size.c).
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "img_size.h"
#include "site_jsonld.h"
#include "site_pd.h"

/* A page being rendered, not keyed: nothing is noted (page_reads.h). */
static const struct pd nopd;

#define HOSTILE	"</script><!--<script>x\xe2\x80\xa8y\xe2\x80\xa9z"

static cJSON *
parse(struct buf *b, const char *what)
{
	cJSON *j = cJSON_Parse(b->data);

	CHECK(j != NULL, "%s parses as JSON", what);
	CHECK(strstr(b->data, "</") == NULL && strstr(b->data, "<!--") == NULL &&
	    strstr(b->data, "<") == NULL && strstr(b->data, "\xe2\x80\xa8") == NULL &&
	    strstr(b->data, "\xe2\x80\xa9") == NULL,
	    "%s: no '<', U+2028 or U+2029 in the text (cannot leave <script>)", what);
	return j;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void
test_jpeg_size(void)
{
	/* SOI, APP0 (16 bytes), DQT stub (4), SOF0 with 720 x 1280, EOI */
	static const unsigned char jpg[] = {
		0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
		0xff, 0xdb, 0x00, 0x04, 0x00, 0x00,
		0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0xd0, 0x05, 0x00, 0x03, 1, 0x22, 0, 2, 0x11, 1,
		3, 0x11, 1,
		0xff, 0xd9,
	};
	static const unsigned char prog[] = {	/* a progressive frame (SOF2): 1 x 65535 */
		0xff, 0xd8, 0xff, 0xc2, 0x00, 0x0b, 0x08, 0xff, 0xff, 0x00, 0x01, 0x01, 1, 0x11, 0,
	};
	static const unsigned char dht_first[] = {	/* C4 (DHT) is not a frame header */
		0xff, 0xd8, 0xff, 0xc4, 0x00, 0x02, 0xff, 0xc0, 0x00, 0x08, 0x08, 0x00, 0x10, 0x00,
		0x20, 0x00,
	};
	int w = 0, h = 0;

	CHECK(jpeg_size(jpg, sizeof(jpg), &w, &h) == 0 && w == 1280 && h == 720,
	    "jpeg_size: 1280x720 from SOF0 (got %dx%d)", w, h);
	CHECK(jpeg_size(prog, sizeof(prog), &w, &h) == 0 && w == 1 && h == 65535,
	    "jpeg_size: SOF2, 16-bit sizes (got %dx%d)", w, h);
	CHECK(jpeg_size(dht_first, sizeof(dht_first), &w, &h) == 0 && w == 32 && h == 16,
	    "jpeg_size: skips DHT (C4) to the frame header (got %dx%d)", w, h);
	CHECK(jpeg_size(jpg, 30, &w, &h) == -1, "jpeg_size: cut before the frame header: -1");
	CHECK(jpeg_size((const unsigned char *)"\x89PNG\r\n\x1a\n", 8, &w, &h) == -1,
	    "jpeg_size: a PNG is not a JPEG");
	CHECK(jpeg_size(jpg, 1, &w, &h) == -1, "jpeg_size: one byte");
	CHECK(jpeg_file_size("/nonexistent/x.jpg", &w, &h) == -1, "jpeg_file_size: no file: -1");
}

int
main(void)
{
	struct chapter ch[] = {
		{ (char *)"Intro " HOSTILE, 0, 30 },
		{ (char *)"Middle", 30, 0 },	/* no end: the next chapter's start */
		{ (char *)"Last", 90, 0 },	/* no end: the video's */
		{ (char *)"Broken", 500, 400 },	/* past the end: left out */
	};
	size_t cats[] = { 0 };
	struct category cat = { (char *)"raw", (char *)"RAW " HOSTILE, (char *)"", (char *)"",
	    (char *)"", 1 };
	struct series ser = { (char *)"tokyo", (char *)"Tokyo <Nights>", (char *)"" };
	struct video v[2];
	struct model m;
	struct card_text vt[2];
	struct video_img vi[2];
	struct site_ctx c;
	struct buf b;
	cJSON *j, *parts, *it, *stat, *thumbs;
	size_t list[] = { 1, 0 };

	test_jpeg_size();

	memset(v, 0, sizeof(v));
	memset(&m, 0, sizeof(m));
	memset(vt, 0, sizeof(vt));
	memset(&c, 0, sizeof(c));
	snprintf(v[0].guid, sizeof(v[0].guid), "%s", "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69");
	v[0].title = (char *)"Locked " HOSTILE;
	v[0].description = (char *)"";
	v[0].length = 120;
	v[0].views = 4321;
	v[0].uploaded = 1700000000;
	v[0].access = ACCESS_VIP;
	v[0].series = -1;
	v[0].categories = cats;
	v[0].ncategories = 1;
	v[0].chapters = ch;
	v[0].nchapters = 4;
	snprintf(v[1].guid, sizeof(v[1].guid), "%s", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
	v[1].title = (char *)"Free";
	v[1].description = (char *)"About it";
	v[1].length = 60;
	v[1].access = ACCESS_PUBLIC;
	v[1].series = 0;
	m.site.title = (char *)"Site";
	m.site.base_url = (char *)"https://example.test";
	m.videos = v;
	m.nvideos = 2;
	m.categories = &cat;
	m.ncategories = 1;
	m.series = &ser;
	m.nseries = 1;
	memset(vi, 0, sizeof(vi));
	snprintf(vi[0].key, sizeof(vi[0].key), "%s", "0123456789abcdef");
	vi[0].still = 1;	/* video 1: the placeholder's */
	c.m = &m;
	c.vtext = vt;
	c.vimg = vi;
	CHECK(site_card_imgs_init(&c) == 0, "the image URLs' table is made");
	c.page_size = 48;
	buf_init(&b, 1 << 20);

	/* a locked video with chapters and views */
	CHECK(jsonld_video(&c, &nopd, 0, &b) == 0, "VideoObject of a locked video is written");
	if ((j = parse(&b, "locked VideoObject")) != NULL) {
		CHECK_STR(str(j, "@type"), "VideoObject", "@type");
		CHECK_STR(str(j, "name"), "Locked " HOSTILE, "name comes back exactly (escaped, not cut)");
		CHECK_STR(str(j, "embedUrl"), "https://example.test/e/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/",
		    "embedUrl is the /e/<guid>/ page");
		CHECK(cJSON_GetObjectItemCaseSensitive(j, "url") == NULL,
		    "no url: the page's canonical link says it (issue 15: watch-page bytes)");
		thumbs = cJSON_GetObjectItemCaseSensitive(j, "thumbnailUrl");
		CHECK(cJSON_GetArraySize(thumbs) == 1 &&
		    strcmp(cJSON_GetArrayItem(thumbs, 0)->valuestring, "https://example.test/img/"
		    "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/0123456789abcdef-1280.jpg") == 0,
		    "thumbnailUrl: its mirrored 1280 JPEG, absolute (site_card_img)");
		CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "isAccessibleForFree")),
		    "isAccessibleForFree false");
		stat = cJSON_GetObjectItemCaseSensitive(j, "interactionStatistic");
		CHECK(stat != NULL && strcmp(str(stat, "@type"), "InteractionCounter") == 0 &&
		    num(stat, "userInteractionCount") == 4321 &&
		    strcmp(str(cJSON_GetObjectItemCaseSensitive(stat, "interactionType"), "@type"),
		    "WatchAction") == 0, "views: InteractionCounter, WatchAction, 4321");
		parts = cJSON_GetObjectItemCaseSensitive(j, "hasPart");
		CHECK(cJSON_IsArray(parts) && cJSON_GetArraySize(parts) == 4,
		    "hasPart: three chapters (the broken one left out) and the paywall");
		if (cJSON_GetArraySize(parts) == 4) {
			it = cJSON_GetArrayItem(parts, 0);
			CHECK(strcmp(str(it, "@type"), "Clip") == 0 &&
			    strcmp(str(it, "name"), "Intro " HOSTILE) == 0 &&
			    num(it, "startOffset") == 0 && num(it, "endOffset") == 30,
			    "Clip 1: name, 0..30");
			CHECK_STR(str(it, "url"),
			    "https://example.test/v/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/?t=0",
			    "Clip url opens the watch page at the chapter");
			it = cJSON_GetArrayItem(parts, 1);
			CHECK(num(it, "startOffset") == 30 && num(it, "endOffset") == 90,
			    "Clip 2 without an end ends where the next starts");
			it = cJSON_GetArrayItem(parts, 2);
			CHECK(num(it, "startOffset") == 90 && num(it, "endOffset") == 120 &&
			    strstr(str(it, "url"), "?t=90") != NULL, "the last Clip ends with the video");
			it = cJSON_GetArrayItem(parts, 3);
			CHECK(strcmp(str(it, "@type"), "WebPageElement") == 0 &&
			    strcmp(str(it, "cssSelector"), ".paywall") == 0 &&
			    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "isAccessibleForFree")),
			    "the paywall part: WebPageElement .paywall, not free");
		}
		cJSON_Delete(j);
	}

	/* a public video, no chapters, no views */
	buf_reset(&b);
	CHECK(jsonld_video(&c, &nopd, 1, &b) == 0, "VideoObject of a public video is written");
	if ((j = parse(&b, "public VideoObject")) != NULL) {
		CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "isAccessibleForFree")),
		    "public: isAccessibleForFree true");
		thumbs = cJSON_GetObjectItemCaseSensitive(j, "thumbnailUrl");
		CHECK(cJSON_GetArraySize(thumbs) == 1 &&
		    strcmp(cJSON_GetArrayItem(thumbs, 0)->valuestring,
		    "https://example.test/img/placeholder-v1-1280.jpg") == 0,
		    "thumbnailUrl without a mirrored still: the placeholder's");
		CHECK(site_card_img(&c, 1) == site_card_img(&c, 1) && site_card_img(&c, 2) == NULL,
		    "asked again: the same URLs; past the videos: none");
		CHECK(cJSON_GetObjectItemCaseSensitive(j, "hasPart") == NULL,
		    "public without chapters: no hasPart");
		CHECK(cJSON_GetObjectItemCaseSensitive(j, "interactionStatistic") == NULL,
		    "no views: no interactionStatistic");
		CHECK_STR(str(j, "description"), "About it", "description");
		cJSON_Delete(j);
	}

	/* url_style "html" */
	c.html = 1;
	buf_reset(&b);
	j = jsonld_video(&c, &nopd, 1, &b) == 0 ? cJSON_Parse(b.data) : NULL;
	CHECK(j != NULL &&
	    strcmp(str(j, "embedUrl"), "https://example.test/e/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.html") == 0,
	    "html url_style: embedUrl /e/<guid>.html");
	cJSON_Delete(j);
	c.html = 0;

	/* breadcrumbs: through the category, then through the series */
	buf_reset(&b);
	CHECK(jsonld_breadcrumbs(&c, &nopd, 0, &b) == 0, "BreadcrumbList written");
	if ((j = parse(&b, "BreadcrumbList (category)")) != NULL) {
		parts = cJSON_GetObjectItemCaseSensitive(j, "itemListElement");
		CHECK(strcmp(str(j, "@type"), "BreadcrumbList") == 0 && cJSON_GetArraySize(parts) == 3,
		    "Home > category > title: three items");
		if (cJSON_GetArraySize(parts) == 3) {
			CHECK(num(cJSON_GetArrayItem(parts, 0), "position") == 1 &&
			    strcmp(str(cJSON_GetArrayItem(parts, 0), "item"), "https://example.test/") == 0,
			    "1: Home");
			CHECK(strcmp(str(cJSON_GetArrayItem(parts, 1), "name"), "RAW " HOSTILE) == 0 &&
			    strcmp(str(cJSON_GetArrayItem(parts, 1), "item"), "https://example.test/c/raw/") == 0,
			    "2: the category");
			CHECK(num(cJSON_GetArrayItem(parts, 2), "position") == 3 &&
			    strcmp(str(cJSON_GetArrayItem(parts, 2), "name"), "Locked " HOSTILE) == 0 &&
			    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(parts, 2), "item") == NULL,
			    "3: the video, no item (the page itself)");
		}
		cJSON_Delete(j);
	}
	buf_reset(&b);
	j = jsonld_breadcrumbs(&c, &nopd, 1, &b) == 0 ? cJSON_Parse(b.data) : NULL;
	CHECK(j != NULL, "BreadcrumbList (series) parses");
	if (j != NULL) {
		parts = cJSON_GetObjectItemCaseSensitive(j, "itemListElement");
		CHECK(cJSON_GetArraySize(parts) == 3 &&
		    strcmp(str(cJSON_GetArrayItem(parts, 1), "item"), "https://example.test/s/tokyo/") == 0 &&
		    strcmp(str(cJSON_GetArrayItem(parts, 1), "name"), "Tokyo <Nights>") == 0,
		    "a series episode: Home > the series > title");
		cJSON_Delete(j);
	}

	/* ItemList: list order, positions from 1 */
	buf_reset(&b);
	CHECK(jsonld_itemlist(&c, &nopd, list, 0, 2, &b) == 0, "ItemList written");
	if ((j = parse(&b, "ItemList")) != NULL) {
		parts = cJSON_GetObjectItemCaseSensitive(j, "itemListElement");
		CHECK(cJSON_GetArraySize(parts) == 2 &&
		    num(cJSON_GetArrayItem(parts, 0), "position") == 1 &&
		    strcmp(str(cJSON_GetArrayItem(parts, 0), "url"),
		    "https://example.test/v/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/") == 0 &&
		    num(cJSON_GetArrayItem(parts, 1), "position") == 2,
		    "ItemList: ListItem position + url in the page's order");
		cJSON_Delete(j);
	}
	buf_reset(&b);
	j = jsonld_itemlist(&c, &nopd, NULL, 1, 2, &b) == 0 ? cJSON_Parse(b.data) : NULL;
	parts = j != NULL ? cJSON_GetObjectItemCaseSensitive(j, "itemListElement") : NULL;
	CHECK(cJSON_GetArraySize(parts) == 1 && num(cJSON_GetArrayItem(parts, 0), "position") == 1 &&
	    strstr(str(cJSON_GetArrayItem(parts, 0), "url"), v[1].guid) != NULL,
	    "ItemList of a slice (a list's second page): its own items, from position 1");
	cJSON_Delete(j);

	{
		struct vlist vl = { 0 };

		CHECK(vl_add(&vl, 3) == 0 && vl_add(&vl, 1) == 0 && vl_add(&vl, 3) == 0 &&
		    vl.n == 2 && vl.v[0] == 3 && vl.v[1] == 1, "vlist keeps first-seen order, once each");
		vl_free(&vl);
	}
	site_card_imgs_free(&c);
	CHECK(c.vimgs == NULL, "the image URLs freed");
	buf_free(&b);
	return check_report();
}
