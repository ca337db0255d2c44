/*
 * video_parse.c — Bunny Stream VideoModel / CollectionModel / list
 * envelope JSON to structs, with type and range checks and UTF-8 repair.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textutil.h"
#include "utf8.h"
#include "video_parse.h"

/*
 * The string value of member it (named name, for messages): *s and *n,
 * "" when absent (NULL) or null.  -1 with err when it has another type or
 * is too long.
 */
static int
node_str(const cJSON *it, const char *name, const char **s, size_t *n, char *err,
    size_t errlen)
{
	*s = "";
	if (it != NULL && !cJSON_IsNull(it)) {
		if (!cJSON_IsString(it) || it->valuestring == NULL) {
			snprintf(err, errlen, "field \"%s\" is not a string", name);
			return -1;
		}
		*s = it->valuestring;
	}
	if ((*n = strlen(*s)) > BUNNY_MAX_TEXT) {
		snprintf(err, errlen, "field \"%s\" is longer than %d bytes", name,
		    BUNNY_MAX_TEXT);
		return -1;
	}
	return 0;
}

/*
 * Copies the string member name of obj into *out ("" when absent or null).
 * -1 with err when it has another type or is too long.
 */
static int
get_str(const cJSON *obj, const char *name, char **out, char *err, size_t errlen)
{
	const char *s;
	size_t n;

	*out = NULL;
	if (node_str(cJSON_GetObjectItemCaseSensitive(obj, name), name, &s, &n, err,
	    errlen) != 0)
		return -1;
	if ((*out = text_utf8_dup(s, n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Member it (named name) as an integer in [min, max]; 0 when absent or null. */
static int
node_int(const cJSON *it, const char *name, int64_t min, int64_t max, int64_t *out,
    char *err, size_t errlen)
{
	double d;

	*out = 0;
	if (it == NULL || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsNumber(it)) {
		snprintf(err, errlen, "field \"%s\" is not a number", name);
		return -1;
	}
	d = it->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max) {
		snprintf(err, errlen, "field \"%s\" is not an integer in [%lld, %lld]",
		    name, (long long)min, (long long)max);
		return -1;
	}
	*out = (int64_t)d;
	return 0;
}

/* An integer member in [min, max]; 0 when absent or null. */
static int
get_int(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out,
    char *err, size_t errlen)
{
	return node_int(cJSON_GetObjectItemCaseSensitive(obj, name), name, min, max, out,
	    err, errlen);
}

/* Member it (named name) as an array (NULL when absent or null); -1 when
 * another type. */
static int
node_array(const cJSON *it, const char *name, const cJSON **out, char *err, size_t errlen)
{
	*out = NULL;
	if (it == NULL || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsArray(it)) {
		snprintf(err, errlen, "field \"%s\" is not an array", name);
		return -1;
	}
	*out = it;
	return 0;
}

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int
bunny_parse_date(const char *s, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0, n;
	const char *p = s;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != ' ') || !*p++ ||
	    digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &se))
		return -1;
	if (*p == '.') {
		p++;
		for (n = 0; *p >= '0' && *p <= '9'; n++, p++)
			;
		if (n < 1 || n > 7)
			return -1;
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || se > 60)
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

/* The comma-separated keywords of metaTags: *tags (malloc'd, not yet
 * repaired; NULL when none) and *tlen. */
static int
parse_meta_tags(const cJSON *arr, char **tags, size_t *tlen, char *err, size_t errlen)
{
	const cJSON *it;
	size_t len = 0, n;
	char *s = NULL, *t;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *prop = cJSON_GetObjectItemCaseSensitive(it, "property");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(it, "value");

		if (!cJSON_IsObject(it)) {
			snprintf(err, errlen, "metaTags entry is not an object");
			goto fail;
		}
		if (!cJSON_IsString(prop) || !cJSON_IsString(val))
			continue;
		if (text_casecmp(prop->valuestring, "tags") != 0 &&
		    text_casecmp(prop->valuestring, "keywords") != 0)
			continue;
		n = strlen(val->valuestring);
		if (n > BUNNY_MAX_TEXT || len + n + 2 > BUNNY_MAX_TEXT) {
			snprintf(err, errlen, "metaTags are longer than %d bytes", BUNNY_MAX_TEXT);
			goto fail;
		}
		if ((t = realloc(s, len + n + 2)) == NULL)
			goto oom;
		s = t;
		if (len > 0)
			s[len++] = ',';
		memcpy(s + len, val->valuestring, n);
		len += n;
		s[len] = '\0';
	}
	*tags = s;
	*tlen = len;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(s);
	return -1;
}

static int
parse_captions(const cJSON *arr, struct bunny_video *v, char *err, size_t errlen)
{
	const cJSON *it;
	int n = cJSON_GetArraySize(arr);

	if (n > BUNNY_MAX_CAPTIONS) {
		snprintf(err, errlen, "more than %d captions", BUNNY_MAX_CAPTIONS);
		return -1;
	}
	if (n == 0)
		return 0;
	if ((v->captions = calloc((size_t)n, sizeof(*v->captions))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(it, arr) {
		struct bunny_caption *c = &v->captions[v->ncaptions];
		size_t i;

		if (!cJSON_IsObject(it)) {
			snprintf(err, errlen, "captions entry is not an object");
			return -1;
		}
		v->ncaptions++;
		if (get_str(it, "srclang", &c->srclang, err, errlen) ||
		    get_str(it, "label", &c->label, err, errlen))
			return -1;
		/* srclang becomes part of a URL path: keep it a language tag. */
		for (i = 0; c->srclang[i] != '\0'; i++)
			if (!((c->srclang[i] >= 'a' && c->srclang[i] <= 'z') ||
			    (c->srclang[i] >= 'A' && c->srclang[i] <= 'Z') ||
			    (c->srclang[i] >= '0' && c->srclang[i] <= '9') ||
			    c->srclang[i] == '-' || c->srclang[i] == '_') || i >= 35) {
				snprintf(err, errlen, "caption srclang is not a language tag");
				return -1;
			}
		if (i == 0) {
			snprintf(err, errlen, "caption srclang is empty");
			return -1;
		}
	}
	return 0;
}

static int
parse_chapters(const cJSON *arr, struct bunny_video *v, char *err, size_t errlen)
{
	const cJSON *it;
	int n = cJSON_GetArraySize(arr);

	if (n > BUNNY_MAX_CHAPTERS) {
		snprintf(err, errlen, "more than %d chapters", BUNNY_MAX_CHAPTERS);
		return -1;
	}
	if (n == 0)
		return 0;
	if ((v->chapters = calloc((size_t)n, sizeof(*v->chapters))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(it, arr) {
		struct bunny_chapter *c = &v->chapters[v->nchapters];
		int64_t start, end;

		if (!cJSON_IsObject(it)) {
			snprintf(err, errlen, "chapters entry is not an object");
			return -1;
		}
		v->nchapters++;
		if (get_str(it, "title", &c->title, err, errlen) ||
		    get_int(it, "start", 0, INT32_MAX, &start, err, errlen) ||
		    get_int(it, "end", 0, INT32_MAX, &end, err, errlen))
			return -1;
		c->start = (int32_t)start;
		c->end = (int32_t)end;
	}
	return 0;
}

/* The members video_parse() reads, found in one walk over the object. */
enum vkey {
	K_GUID, K_DATE, K_TITLE, K_DESC, K_THUMB, K_COLL, K_LENGTH, K_WIDTH, K_HEIGHT,
	K_VIEWS, K_STATUS, K_META, K_CAPTIONS, K_CHAPTERS, K_COUNT
};

/* The slot of member name k, or -1 (a VideoModel has some 30 members). */
static int
vkey(const char *k)
{
#define IS(s, key)	(strcmp(k, s) == 0 ? (key) : -1)
	switch (k[0]) {
	case 'g': return IS("guid", K_GUID);
	case 'd': return k[1] == 'a' ? IS("dateUploaded", K_DATE) : IS("description", K_DESC);
	case 't': return k[1] == 'i' ? IS("title", K_TITLE) : IS("thumbnailFileName", K_THUMB);
	case 'c': return k[1] == 'o' ? IS("collectionId", K_COLL) : k[1] == 'a' ?
	    IS("captions", K_CAPTIONS) : IS("chapters", K_CHAPTERS);
	case 'l': return IS("length", K_LENGTH);
	case 'w': return IS("width", K_WIDTH);
	case 'h': return IS("height", K_HEIGHT);
	case 'v': return IS("views", K_VIEWS);
	case 's': return IS("status", K_STATUS);
	case 'm': return IS("metaTags", K_META);
	default: return -1;
	}
#undef IS
}

/* 1 when s[0..n) is UTF-8 that text_utf8_dup() copies as it is. */
static int
utf8_clean(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, len;
	uint32_t cp;

	for (i = 0; i < n; i += len) {
		if (p[i] != 0 && p[i] < 0x80)
			len = 1;
		else if (p[i] == 0 || (len = utf8_decode(p + i, n - i, &cp)) == 0)
			return 0;
	}
	return 1;
}

/*
 * The five strings of v (title, description, thumbnail, collection,
 * meta_tags: src[i], n[i] bytes) repaired into one allocation, v->block.
 * 0 or -1 out of memory.
 */
#define NSTR	5
static int
pack_strings(struct bunny_video *v, const char *const src[NSTR], const size_t n[NSTR])
{
	char *fixed[NSTR] = { NULL }, *p;
	const char *from[NSTR];
	size_t len[NSTR], total = 0;
	char **dst[NSTR] = { &v->title, &v->description, &v->thumbnail, &v->collection,
	    &v->meta_tags };
	int i, rc = -1;

	for (i = 0; i < NSTR; i++) {
		from[i] = src[i];
		len[i] = n[i];
		if (!utf8_clean(src[i], n[i])) {
			if ((fixed[i] = text_utf8_dup(src[i], n[i])) == NULL)
				goto out;
			from[i] = fixed[i];
			len[i] = strlen(fixed[i]);
		}
		total += len[i] + 1;
	}
	if ((v->block = malloc(total)) == NULL)
		goto out;
	for (p = v->block, i = 0; i < NSTR; i++) {
		memcpy(p, from[i], len[i]);
		p[len[i]] = '\0';
		*dst[i] = p;
		p += len[i] + 1;
	}
	rc = 0;
out:
	for (i = 0; i < NSTR; i++)
		free(fixed[i]);
	return rc;
}

int
video_parse(const cJSON *item, struct bunny_video *v, char *err, size_t errlen)
{
	const cJSON *m[K_COUNT] = { NULL }, *it, *arr;
	const char *src[NSTR];
	size_t n[NSTR], mlen = 0;
	char *meta = NULL;
	int64_t status;
	char msg[200];
	int k;

	memset(v, 0, sizeof(*v));
	if (!cJSON_IsObject(item)) {
		snprintf(err, errlen, "video is not a JSON object");
		return -1;
	}
	/* The first member of each name, as cJSON_GetObjectItemCaseSensitive finds. */
	for (it = item->child; it != NULL; it = it->next)
		if (it->string != NULL && (k = vkey(it->string)) >= 0 && m[k] == NULL)
			m[k] = it;
	if (!cJSON_IsString(m[K_GUID]) ||
	    !guid_norm(m[K_GUID]->valuestring, strlen(m[K_GUID]->valuestring), v->guid)) {
		snprintf(err, errlen, "video without a valid \"guid\"");
		return -1;
	}
	if (m[K_DATE] != NULL && !cJSON_IsNull(m[K_DATE]) && (!cJSON_IsString(m[K_DATE]) ||
	    bunny_parse_date(m[K_DATE]->valuestring, &v->uploaded) != 0)) {
		snprintf(msg, sizeof(msg), "field \"dateUploaded\" is not a date-time");
		goto fail;
	}
	if (node_str(m[K_TITLE], "title", &src[0], &n[0], msg, sizeof(msg)) ||
	    node_str(m[K_DESC], "description", &src[1], &n[1], msg, sizeof(msg)) ||
	    node_str(m[K_THUMB], "thumbnailFileName", &src[2], &n[2], msg, sizeof(msg)) ||
	    node_str(m[K_COLL], "collectionId", &src[3], &n[3], msg, sizeof(msg)) ||
	    node_int(m[K_LENGTH], "length", 0, INT32_MAX, &v->length, msg, sizeof(msg)) ||
	    node_int(m[K_WIDTH], "width", 0, INT32_MAX, &v->width, msg, sizeof(msg)) ||
	    node_int(m[K_HEIGHT], "height", 0, INT32_MAX, &v->height, msg, sizeof(msg)) ||
	    node_int(m[K_VIEWS], "views", 0, INT64_C(1) << 53, &v->views, msg, sizeof(msg)) ||
	    node_int(m[K_STATUS], "status", 0, 255, &status, msg, sizeof(msg)))
		goto fail;
	v->status = (int)status;
	/*
	 * The thumbnail name becomes a URL path segment: no separators.  Checked
	 * before the repair, which changes neither '/', '\\' nor "." and "..".
	 */
	if (memchr(src[2], '/', n[2]) != NULL || memchr(src[2], '\\', n[2]) != NULL ||
	    strcmp(src[2], "..") == 0 || strcmp(src[2], ".") == 0) {
		snprintf(msg, sizeof(msg), "field \"thumbnailFileName\" is not a file name");
		goto fail;
	}
	if (node_array(m[K_META], "metaTags", &arr, msg, sizeof(msg)) ||
	    (arr != NULL && parse_meta_tags(arr, &meta, &mlen, msg, sizeof(msg))))
		goto fail;
	src[4] = meta != NULL ? meta : "";
	n[4] = mlen;
	k = pack_strings(v, src, n);
	free(meta);
	if (k != 0) {
		snprintf(msg, sizeof(msg), "out of memory");
		goto fail;
	}
	if (node_array(m[K_CAPTIONS], "captions", &arr, msg, sizeof(msg)) ||
	    (arr != NULL && parse_captions(arr, v, msg, sizeof(msg))))
		goto fail;
	if (node_array(m[K_CHAPTERS], "chapters", &arr, msg, sizeof(msg)) ||
	    (arr != NULL && parse_chapters(arr, v, msg, sizeof(msg))))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "video %s: %s", v->guid, msg);
	bunny_video_free(v);
	return -1;
}

void
bunny_video_free(struct bunny_video *v)
{
	size_t i;

	if (v == NULL)
		return;
	if (v->block != NULL)
		free(v->block);	/* the five strings: video_parse's one allocation */
	else {
		free(v->title);
		free(v->description);
		free(v->thumbnail);
		free(v->collection);
		free(v->meta_tags);
	}
	for (i = 0; i < v->ncaptions; i++) {
		free(v->captions[i].srclang);
		free(v->captions[i].label);
	}
	free(v->captions);
	for (i = 0; i < v->nchapters; i++)
		free(v->chapters[i].title);
	free(v->chapters);
	memset(v, 0, sizeof(*v));
}

int
collection_parse(const cJSON *item, struct bunny_collection *c, char *err, size_t errlen)
{
	const cJSON *guid;

	memset(c, 0, sizeof(*c));
	if (!cJSON_IsObject(item)) {
		snprintf(err, errlen, "collection is not a JSON object");
		return -1;
	}
	guid = cJSON_GetObjectItemCaseSensitive(item, "guid");
	if (!cJSON_IsString(guid) ||
	    !guid_norm(guid->valuestring, strlen(guid->valuestring), c->guid)) {
		snprintf(err, errlen, "collection without a valid \"guid\"");
		return -1;
	}
	if (get_str(item, "name", &c->name, err, errlen))
		return -1;
	return 0;
}

int
page_parse(const cJSON *root, struct bunny_page *p, char *err, size_t errlen)
{
	const cJSON *items;

	memset(p, 0, sizeof(*p));
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "the answer is not a JSON object");
		return -1;
	}
	if (get_int(root, "totalItems", 0, INT64_C(1) << 40, &p->total, err, errlen) ||
	    get_int(root, "currentPage", 0, INT64_C(1) << 40, &p->current, err, errlen) ||
	    get_int(root, "itemsPerPage", 0, INT64_C(1) << 20, &p->per_page, err, errlen))
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(root, "totalItems") == NULL) {
		snprintf(err, errlen, "the answer has no \"totalItems\"");
		return -1;
	}
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	if (items != NULL && !cJSON_IsNull(items) && !cJSON_IsArray(items)) {
		snprintf(err, errlen, "field \"items\" is not an array");
		return -1;
	}
	if (items == NULL || cJSON_IsNull(items)) {
		static const cJSON empty = { .type = cJSON_Array };
		items = &empty;
	}
	p->items = items;
	return 0;
}
