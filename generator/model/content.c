/*
 * content.c — load and validate content/site.json and content/videos/.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "content.h"
#include "content_parse.h"
#include "content_snap.h"
#include "hash64.h"
#include "huge_pages.h"
#include "jsonfile.h"
#include "textutil.h"

#define CONTENT_MAX_FILES	100000

/* "FILE:LINE:COL" of node in the file being read, or "FILE" alone. */
static void
where_of(const struct ctx *x, const cJSON *node, char *out, size_t outlen)
{
	struct json_pos pos;

	if (node != NULL && json_map_find(&x->map, x->root, node, &pos) == 0)
		snprintf(out, outlen, "%s:%u:%u", x->file, pos.line, pos.col);
	else
		snprintf(out, outlen, "%s", x->file);
}

/* A warning about node (NULL: the file as a whole). */
static void
warn(const struct ctx *x, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warn(const struct ctx *x, const cJSON *node, const char *fmt, ...)
{
	char msg[REPORT_MAX], at[PATH_MAX + 32];
	va_list ap;

	if (!report_on(x->report))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where_of(x, node, at, sizeof(at));
	report(x->report, REPORT_WARNING, "%s: %s", at, msg);
}

/* The error about node (NULL: the file as a whole), always -1. */
static int
error(const struct ctx *x, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
error(const struct ctx *x, const cJSON *node, const char *fmt, ...)
{
	char at[PATH_MAX + 32];
	va_list ap;
	int n;

	where_of(x, node, at, sizeof(at));
	n = snprintf(x->err, x->errlen, "%s: ", at);
	if (n < 0 || (size_t)n >= x->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
oom(const struct ctx *x)
{
	return error(x, NULL, "out of memory");
}

static char *
dupstr(const char *s)
{
	return text_utf8_dup(s, strlen(s));
}

/* A string member: *out is a copy, or a copy of def when absent; -1 on a wrong type. */
static int
opt_str(const struct ctx *x, const cJSON *obj, const char *name, const char *def,
    char **out, const char *where)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (it != NULL && !cJSON_IsString(it))
		return error(x, it, "%s\"%s\" must be a string", where, name);
	if ((*out = dupstr(it != NULL ? it->valuestring : def)) == NULL)
		return oom(x);
	return 0;
}

static int
opt_int(const struct ctx *x, const cJSON *obj, const char *name, int min, int max,
    int *out, const char *where)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (it == NULL)
		return 0;
	if (!cJSON_IsNumber(it) || it->valuedouble != (double)(int)it->valuedouble ||
	    it->valuedouble < min || it->valuedouble > max)
		return error(x, it, "%s\"%s\" must be an integer from %d to %d", where, name,
		    min, max);
	*out = (int)it->valuedouble;
	return 0;
}

static int
opt_bool(const struct ctx *x, const cJSON *obj, const char *name, int *out,
    const char *where)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (it == NULL)
		return 0;
	if (!cJSON_IsBool(it))
		return error(x, it, "%s\"%s\" must be true or false", where, name);
	*out = cJSON_IsTrue(it);
	return 0;
}

/* Warns about members of obj not in the NULL-terminated list known. */
static void
check_fields(const struct ctx *x, const cJSON *obj, const char *const *known,
    const char *where)
{
	const cJSON *it;
	size_t i;

	cJSON_ArrayForEach(it, obj) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(it->string, known[i]) == 0)
				break;
		if (known[i] == NULL)
			warn(x, it, "%sunknown field \"%s\" ignored", where, it->string);
	}
}

static const struct {
	const char *slug, *name, *colour, *icon, *description;
} default_categories[] = {
	{ "raw", "RAW", "#e50914", "◉", "Raw and authentic" },
	{ "art", "ART", "#8e44ad", "✦", "Artistic" },
	{ "vip", "VIP", "#d4af37", "★", "Premium exclusives" },
	{ "duo", "DUO", "#e67e22", "⚭", "With a partner" },
	{ "solo", "SOLO", "#3498db", "●", "Solo" },
};

static int
category_cmp(const void *a, const void *b)
{
	const struct category *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

static int
load_categories(struct ctx *x, const cJSON *arr)
{
	static const char *const known[] = { "slug", "name", "colour", "color", "icon",
	    "order", "description", NULL };
	struct content *c = x->c;
	const cJSON *it;
	char slug[SLUG_MAX + 1];
	size_t i, j, n;

	if (arr == NULL) {
		n = sizeof(default_categories) / sizeof(default_categories[0]);
		if ((c->categories = calloc(n, sizeof(*c->categories))) == NULL)
			return oom(x);
		for (i = 0; i < n; i++, c->ncategories++) {
			struct category *k = &c->categories[i];
			k->order = (int)i + 1;
			if ((k->slug = dupstr(default_categories[i].slug)) == NULL ||
			    (k->name = dupstr(default_categories[i].name)) == NULL ||
			    (k->colour = dupstr(default_categories[i].colour)) == NULL ||
			    (k->icon = dupstr(default_categories[i].icon)) == NULL ||
			    (k->description = dupstr(default_categories[i].description)) == NULL)
				return oom(x);
		}
		return 0;
	}
	if (!cJSON_IsArray(arr))
		return error(x, arr, "\"categories\" must be an array of objects");
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > CONTENT_MAX_CATEGORIES)
		return error(x, arr, "more than %d categories", CONTENT_MAX_CATEGORIES);
	if (n > 0 && (c->categories = calloc(n, sizeof(*c->categories))) == NULL)
		return oom(x);
	i = 0;
	cJSON_ArrayForEach(it, arr) {
		struct category *k = &c->categories[i];
		const cJSON *col;
		char where[64];

		snprintf(where, sizeof(where), "category %zu: ", i + 1);
		if (!cJSON_IsObject(it))
			return error(x, it, "%smust be an object", where);
		c->ncategories++;
		k->order = (int)i + 1;
		col = cJSON_GetObjectItemCaseSensitive(it, "colour");
		if (col == NULL)
			col = cJSON_GetObjectItemCaseSensitive(it, "color");
		if (col != NULL && !cJSON_IsString(col))
			return error(x, col, "%s\"colour\" must be a string", where);
		if (opt_str(x, it, "name", "", &k->name, where) ||
		    opt_str(x, it, "slug", "", &k->slug, where) ||
		    opt_str(x, it, "icon", "", &k->icon, where) ||
		    opt_str(x, it, "description", "", &k->description, where) ||
		    opt_int(x, it, "order", -1000000, 1000000, &k->order, where))
			return -1;
		if ((k->colour = dupstr(col != NULL ? col->valuestring : "")) == NULL)
			return oom(x);
		if (k->name[0] == '\0' && k->slug[0] == '\0')
			return error(x, it, "%sneeds a \"name\" or a \"slug\"", where);
		if (k->slug[0] != '\0' && !slug_ok(k->slug))
			return error(x, cJSON_GetObjectItemCaseSensitive(it, "slug"),
			    "%s\"slug\" \"%s\" must be lower-case ASCII letters, "
			    "digits and single '-'", where, k->slug);
		check_fields(x, it, known, where);
		i++;
	}
	/* Categories without a slug get one from their name, after the explicit
	 * ones are known: "-2", "-3", ... in file order when it is taken. */
	for (i = 0; i < c->ncategories; i++) {
		struct category *k = &c->categories[i];
		char base[SLUG_MAX + 1];
		size_t n2 = 2;

		if (k->slug[0] != '\0')
			continue;
		if (text_slugify(k->name, base, sizeof(base)) == 0)
			snprintf(base, sizeof(base), "category-%zu", i + 1);
		snprintf(slug, sizeof(slug), "%s", base);
		for (j = 0; j < c->ncategories; j++)
			if (strcmp(c->categories[j].slug, slug) == 0) {
				slug_suffixed(base, n2++, slug);
				j = (size_t)-1;	/* check the new candidate from the start */
			}
		free(k->slug);
		if ((k->slug = dupstr(slug)) == NULL)
			return oom(x);
		if (k->name[0] == '\0') {
			free(k->name);
			if ((k->name = dupstr(k->slug)) == NULL)
				return oom(x);
		}
	}
	if (c->ncategories > 1)
		qsort(c->categories, c->ncategories, sizeof(*c->categories), category_cmp);
	for (i = 0; i < c->ncategories; i++)
		for (j = i + 1; j < c->ncategories; j++)
			if (strcmp(c->categories[i].slug, c->categories[j].slug) == 0)
				return error(x, NULL, "two categories have the slug \"%s\"",
				    c->categories[i].slug);
	return 0;
}

/*
 * One member of a slug-keyed object ("series", "tags"): formats the
 * "KIND \"slug\": " prefix of its messages into where and checks that the
 * key is a slug and the value an object.  0, or -1 with the error reported.
 */
static int
slug_entry(struct ctx *x, const cJSON *it, const char *kind, char *where, size_t wlen)
{
	snprintf(where, wlen, "%s \"%.*s\": ", kind, SLUG_MAX, it->string);
	if (!slug_ok(it->string))
		return error(x, it, "%sthe key must be a slug (lower-case ASCII letters, "
		    "digits and single '-')", where);
	if (!cJSON_IsObject(it))
		return error(x, it, "%smust be an object", where);
	return 0;
}

static int
load_series(struct ctx *x, const cJSON *obj)
{
	static const char *const known[] = { "title", "description", NULL };
	struct content *c = x->c;
	const cJSON *it;
	size_t n;

	if (obj == NULL)
		return 0;
	if (!cJSON_IsObject(obj))
		return error(x, obj, "\"series\" must be an object {\"<slug>\": {\"title\": ...}}");
	n = (size_t)cJSON_GetArraySize(obj);
	if (n > 0 && (c->series = calloc(n, sizeof(*c->series))) == NULL)
		return oom(x);
	cJSON_ArrayForEach(it, obj) {
		struct content_series *s = &c->series[c->nseries];
		char where[SLUG_MAX + 32];

		if (slug_entry(x, it, "series", where, sizeof(where)) != 0)
			return -1;
		c->nseries++;
		if ((s->slug = dupstr(it->string)) == NULL)
			return oom(x);
		if (opt_str(x, it, "title", it->string, &s->title, where) ||
		    opt_str(x, it, "description", "", &s->description, where))
			return -1;
		check_fields(x, it, known, where);
	}
	return 0;
}

static int
load_tags(struct ctx *x, const cJSON *obj)
{
	static const char *const known[] = { "name", NULL };
	struct content *c = x->c;
	const cJSON *it;
	size_t n;

	if (obj == NULL)
		return 0;
	if (!cJSON_IsObject(obj))
		return error(x, obj, "\"tags\" must be an object {\"<slug>\": {\"name\": ...}}");
	n = (size_t)cJSON_GetArraySize(obj);
	if (n > 0 && (c->tags = calloc(n, sizeof(*c->tags))) == NULL)
		return oom(x);
	cJSON_ArrayForEach(it, obj) {
		struct content_tag *t = &c->tags[c->ntags];
		char where[SLUG_MAX + 32];

		if (slug_entry(x, it, "tag", where, sizeof(where)) != 0)
			return -1;
		c->ntags++;
		if ((t->slug = dupstr(it->string)) == NULL)
			return oom(x);
		if (opt_str(x, it, "name", it->string, &t->name, where))
			return -1;
		check_fields(x, it, known, where);
	}
	return 0;
}

static int
load_site(struct ctx *x, const char *path)
{
	static const char *const known[] = { "title", "description", "base_url",
	    "language", "author", "cdn_host", "theme", "url_style", "page_size",
	    "purchase_url", "defaults", "categories", "series", "tags", NULL };
	static const char *const known_defaults[] = { "access", NULL };
	struct site_config *s = &x->c->site;
	const cJSON *it, *defaults;
	char *style = NULL;
	cJSON *root;
	struct buf b;
	size_t n;
	int rc = -1;

	x->file = path;
	buf_init(&b, JSONFILE_MAX_BYTES);
	if (content_read_text(path, &b, x->err, x->errlen) == -1) {
		buf_free(&b);
		return -1;
	}
	x->site_sum = h64(0, b.data, b.len);
	root = json_parse_text_map(path, b.data, b.len, &x->map, x->err, x->errlen);
	buf_free(&b);
	if (root == NULL) {
		json_map_free(&x->map);
		return -1;
	}
	x->root = root;
	if (!cJSON_IsObject(root)) {
		error(x, root, "must hold a JSON object (see docs/architecture.md, content/)");
		goto out;
	}
	s->page_size = 48;
	s->default_access = ACCESS_VIP;
	if (opt_str(x, root, "title", "", &s->title, "") ||
	    opt_str(x, root, "description", "", &s->description, "") ||
	    opt_str(x, root, "base_url", "", &s->base_url, "") ||
	    opt_str(x, root, "language", "en", &s->language, "") ||
	    opt_str(x, root, "author", "", &s->author, "") ||
	    opt_str(x, root, "cdn_host", "", &s->cdn_host, "") ||
	    opt_str(x, root, "theme", "default", &s->theme, "") ||
	    opt_str(x, root, "url_style", "directory", &style, "") ||
	    opt_str(x, root, "purchase_url", "", &s->purchase_url, "") ||
	    opt_int(x, root, "page_size", 1, 10000, &s->page_size, ""))
		goto out;
	if (strcmp(style, "html") == 0)
		s->html_urls = 1;
	else if (strcmp(style, "directory") != 0) {
		error(x, cJSON_GetObjectItemCaseSensitive(root, "url_style"),
		    "\"url_style\" must be \"directory\" or \"html\", not \"%s\"", style);
		goto out;
	}
	if (s->purchase_url[0] != '\0' &&
	    !text_link_ok(s->purchase_url, PURCHASE_URL_MAX, 1)) {
		error(x, cJSON_GetObjectItemCaseSensitive(root, "purchase_url"),
		    "\"purchase_url\" must be an http:// or https:// URL or a path of "
		    "this site starting with \"/\", without spaces or quotes (at most %d bytes)",
		    PURCHASE_URL_MAX);
		goto out;
	}
	/* base_url is written raw into robots.txt and escaped elsewhere, but a
	 * space, quote or query in it would still break every link: the same
	 * rule as --base-url (the renderer appends paths, so no ? or #). */
	if (s->base_url[0] != '\0' && !text_base_url_ok(s->base_url, BASE_URL_MAX)) {
		error(x, cJSON_GetObjectItemCaseSensitive(root, "base_url"),
		    "\"base_url\" must be an absolute URL, http://HOST[:PORT][/PATH] or "
		    "https://..., without spaces, quotes, '?' or '#' (at most %d bytes)",
		    BASE_URL_MAX);
		goto out;
	}
	/* base_url has no trailing slash (the renderer appends paths). */
	n = strlen(s->base_url);
	while (n > 0 && s->base_url[n - 1] == '/')
		s->base_url[--n] = '\0';
	defaults = cJSON_GetObjectItemCaseSensitive(root, "defaults");
	if (defaults != NULL) {
		if (!cJSON_IsObject(defaults)) {
			error(x, defaults, "\"defaults\" must be an object");
			goto out;
		}
		it = cJSON_GetObjectItemCaseSensitive(defaults, "access");
		if (it != NULL && (!cJSON_IsString(it) ||
		    access_level_parse(it->valuestring, &s->default_access) != 0)) {
			error(x, it, "defaults: \"access\" must be \"public\", \"vip\" or \"ppv\"");
			goto out;
		}
		check_fields(x, defaults, known_defaults, "defaults: ");
	}
	if (load_categories(x, cJSON_GetObjectItemCaseSensitive(root, "categories")) ||
	    load_series(x, cJSON_GetObjectItemCaseSensitive(root, "series")) ||
	    load_tags(x, cJSON_GetObjectItemCaseSensitive(root, "tags")))
		goto out;
	check_fields(x, root, known, "");
	rc = 0;
out:
	free(style);
	cJSON_Delete(root);
	json_map_free(&x->map);
	x->root = NULL;
	return rc;
}

long
content_find_category(const struct content *c, const char *ref)
{
	size_t i;

	for (i = 0; i < c->ncategories; i++)
		if (text_casecmp(c->categories[i].slug, ref) == 0 ||
		    text_casecmp(c->categories[i].name, ref) == 0)
			return (long)i;
	return -1;
}

static int
string_list(struct ctx *x, const cJSON *arr, const char *name, const char *where)
{
	const cJSON *it;

	if (!cJSON_IsArray(arr))
		return error(x, arr, "%s\"%s\" must be an array of strings", where, name);
	if (cJSON_GetArraySize(arr) > CONTENT_MAX_REFS)
		return error(x, arr, "%smore than %d %s", where, CONTENT_MAX_REFS, name);
	cJSON_ArrayForEach(it, arr)
		if (!cJSON_IsString(it))
			return error(x, it, "%s\"%s\" must be an array of strings", where, name);
	return 0;
}

static int
load_entry(struct ctx *x, const char *guid, const cJSON *obj, struct content_entry *e)
{
	static const char *const known[] = { "categories", "tags", "series", "access",
	    "featured", "hidden", "title", "description", NULL };
	static const char *const known_series[] = { "slug", "season", "episode", NULL };
	const cJSON *it, *r;
	char where[64];
	size_t n;

	snprintf(where, sizeof(where), "video %s: ", guid);
	memcpy(e->guid, guid, sizeof(e->guid));
	e->file = x->file;
	if (!cJSON_IsObject(obj))
		return error(x, obj, "%smust be an object", where);
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "categories")) != NULL) {
		if (string_list(x, it, "categories", where))
			return -1;
		e->has_categories = 1;
		n = (size_t)cJSON_GetArraySize(it);
		if (n > 0 && (e->categories = calloc(n, sizeof(*e->categories))) == NULL)
			return oom(x);
		cJSON_ArrayForEach(r, it) {
			long k = content_find_category(x->c, r->valuestring);
			size_t j;

			if (k < 0)
				return error(x, r, "%sunknown category \"%s\" (site.json's "
				    "categories are matched by slug or name)", where, r->valuestring);
			for (j = 0; j < e->ncategories; j++)
				if (e->categories[j] == (size_t)k)
					break;
			if (j == e->ncategories)
				e->categories[e->ncategories++] = (size_t)k;
		}
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "tags")) != NULL) {
		if (string_list(x, it, "tags", where))
			return -1;
		e->has_tags = 1;
		n = (size_t)cJSON_GetArraySize(it);
		if (n > 0 && (e->tags = calloc(n, sizeof(*e->tags))) == NULL)
			return oom(x);
		cJSON_ArrayForEach(r, it)
			if ((e->tags[e->ntags++] = dupstr(r->valuestring)) == NULL)
				return oom(x);
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "series")) != NULL && !cJSON_IsNull(it)) {
		const cJSON *slug;

		if (cJSON_IsString(it))
			slug = it;
		else if (cJSON_IsObject(it)) {
			slug = cJSON_GetObjectItemCaseSensitive(it, "slug");
			e->season = 1;
			if (opt_int(x, it, "season", 0, 100000, &e->season, where) ||
			    opt_int(x, it, "episode", 0, 1000000, &e->episode, where))
				return -1;
			check_fields(x, it, known_series, where);
		} else
			return error(x, it, "%s\"series\" must be {\"slug\": ..., \"season\": N, "
			    "\"episode\": N}", where);
		if (!cJSON_IsString(slug) || !slug_ok(slug->valuestring))
			return error(x, slug != NULL ? slug : it, "%sthe series \"slug\" must be a slug (lower-case "
			    "ASCII letters, digits and single '-')", where);
		if ((e->series = dupstr(slug->valuestring)) == NULL)
			return oom(x);
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "access")) != NULL) {
		if (!cJSON_IsString(it) || access_level_parse(it->valuestring, &e->access) != 0)
			return error(x, it, "%s\"access\" must be \"public\", \"vip\" or \"ppv\"", where);
		e->has_access = 1;
	}
	if (opt_bool(x, obj, "featured", &e->featured, where) ||
	    opt_bool(x, obj, "hidden", &e->hidden, where))
		return -1;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "title")) != NULL &&
	    opt_str(x, obj, "title", "", &e->title, where))
		return -1;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "description")) != NULL &&
	    opt_str(x, obj, "description", "", &e->description, where))
		return -1;
	check_fields(x, obj, known, where);
	return 0;
}

void
content_entry_free(struct content_entry *e)
{
	size_t i;

	if (e->in_arena)
		return;		/* its arena's owner frees it */
	free(e->categories);
	for (i = 0; i < e->ntags; i++)
		free(e->tags[i]);
	free(e->tags);
	free(e->series);
	free(e->title);
	free(e->description);
}

int
content_entry_same_but_texts(const struct content_entry *a, const struct content_entry *b)
{
	size_t i;

	if (strcmp(a->guid, b->guid) != 0 || a->has_categories != b->has_categories ||
	    a->ncategories != b->ncategories || a->has_tags != b->has_tags ||
	    a->ntags != b->ntags || !text_same(a->series, b->series) ||
	    a->season != b->season || a->episode != b->episode ||
	    a->has_access != b->has_access || a->access != b->access ||
	    a->featured != b->featured || a->hidden != b->hidden)
		return 0;
	for (i = 0; i < a->ncategories; i++)
		if (a->categories[i] != b->categories[i])
			return 0;
	for (i = 0; i < a->ntags; i++)
		if (!text_same(a->tags[i], b->tags[i]))
			return 0;
	return 1;
}

size_t
content_entries_cap(size_t n)
{
	size_t cap = 16;

	while (cap < n)
		cap *= 2;
	return cap;
}

struct content_entry *
content_entry_new(struct content *c)
{
	struct content_entry *e;

	/* none yet, or as many as the capacity (content_entries_cap) */
	if (c->nentries == 0 || c->nentries == content_entries_cap(c->nentries)) {
		size_t cap = content_entries_cap(c->nentries + 1);

		if ((e = realloc(c->entries, cap * sizeof(*e))) == NULL)
			return NULL;
		/* the part still to be written (huge_pages.h) */
		huge_pages_hint(e + c->nentries, (cap - c->nentries) * sizeof(*e));
		c->entries = e;
	}
	e = &c->entries[c->nentries];
	memset(e, 0, sizeof(*e));
	c->nentries++;
	return e;
}

static int
add_entry(struct ctx *x, const char *guid_text, const cJSON *obj)
{
	struct content_entry *e;
	char guid[GUID_LEN + 1];

	if (!guid_norm(guid_text, strlen(guid_text), guid)) {
		warn(x, obj, "\"%.40s\" is not a video GUID; entry ignored", guid_text);
		return 0;
	}
	if ((e = content_entry_new(x->c)) == NULL)
		return oom(x);
	return load_entry(x, guid, obj, e);
}

int
content_read_text(const char *path, struct buf *b, char *err, size_t errlen)
{
	/* the same message as json_load_file()'s */
	if (buf_read_file(b, path) != 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    errno == EFBIG ? "file too large" : strerror(errno));
		return -1;
	}
	return 0;
}

int
content_parse_member(struct ctx *x, const char *path, const char *guid, const char *text,
    size_t len, unsigned line, unsigned col)
{
	cJSON *obj;
	size_t i;
	int rc;

	x->file = path;
	x->map.n = 0;
	if ((obj = json_parse_text_map(path, text, len, &x->map, x->err, x->errlen)) == NULL)
		return -1;
	/* positions in the file: the value's first line starts at col */
	for (i = 0; i < x->map.n; i++) {
		if (x->map.at[i].line == 1)
			x->map.at[i].col += col - 1;
		x->map.at[i].line += line - 1;
	}
	x->root = obj;
	rc = add_entry(x, guid, obj);
	x->root = NULL;
	cJSON_Delete(obj);
	return rc;
}

static int
load_entry_file(struct ctx *x, const char *path, const char *name, const char *text,
    size_t tlen)
{
	const cJSON *videos, *it;
	cJSON *root;
	size_t len = strlen(name);
	char stem[64];
	int rc = -1;

	x->file = path;
	if ((root = json_parse_text_map(path, text, tlen, &x->map, x->err, x->errlen)) == NULL) {
		json_map_free(&x->map);
		return -1;
	}
	x->root = root;
	if (!cJSON_IsObject(root)) {
		error(x, root, "must hold a JSON object");
		goto out;
	}
	videos = cJSON_GetObjectItemCaseSensitive(root, "videos");
	if (videos != NULL) {
		if (!cJSON_IsObject(videos)) {
			error(x, videos, "\"videos\" must be an object {\"<guid>\": {...}}");
			goto out;
		}
		cJSON_ArrayForEach(it, root)
			if (strcmp(it->string, "videos") != 0)
				warn(x, it, "unknown field \"%s\" ignored (a group file holds only "
				    "\"videos\")", it->string);
		cJSON_ArrayForEach(it, videos)
			if (add_entry(x, it->string, it) != 0)
				goto out;
	} else {
		snprintf(stem, sizeof(stem), "%.*s", (int)(len - 5 < 63 ? len - 5 : 63), name);
		if (!guid_norm(stem, strlen(stem), stem)) {
			warn(x, NULL, "neither <guid>.json nor a {\"videos\": {...}} group; ignored");
			rc = 0;
			goto out;
		}
		if (add_entry(x, stem, root) != 0)
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	json_map_free(&x->map);
	x->root = NULL;
	return rc;
}

int
content_parse_file(struct ctx *x, const char *path, const char *name, const char *text,
    size_t len)
{
	x->map.n = 0;	/* a map content_parse_member() used */
	return load_entry_file(x, path, name, text, len);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct content_entry *)a)->guid,
	    ((const struct content_entry *)b)->guid);
}

static int
entry_ptr_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct content_entry *const *)a)->guid,
	    (*(const struct content_entry *const *)b)->guid);
}

/*
 * p[] in GUID order from hint (each entry's place among the last load's
 * sorted entries, below places, or SIZE_MAX for one parsed now): the
 * entries kept keep their order, the others are sorted and merged in.  0,
 * or -1 when hint does not give an order (the caller sorts).
 */
static int
order_by_hint(const struct content *c, const size_t *hint, size_t places,
    struct content_entry **p)
{
	struct content_entry **kept, **fresh;
	size_t i, n = c->nentries, nkept = 0, nfresh = 0, a, b;
	int rc = -1;

	kept = calloc(places > 0 ? places : 1, sizeof(*kept));
	fresh = malloc(n * sizeof(*fresh));
	if (kept == NULL || fresh == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (hint[i] == SIZE_MAX)
			fresh[nfresh++] = &c->entries[i];
		else if (hint[i] >= places || kept[hint[i]] != NULL)
			goto out;
		else
			kept[hint[i]] = &c->entries[i];
	for (i = 0; i < places; i++)
		if (kept[i] != NULL)
			kept[nkept++] = kept[i];
	if (nkept + nfresh != n)
		goto out;
	qsort(fresh, nfresh, sizeof(*fresh), entry_ptr_cmp);
	for (a = b = i = 0; i < n; i++) {
		p[i] = b == nfresh || (a < nkept && strcmp(kept[a]->guid, fresh[b]->guid) < 0) ?
		    kept[a++] : fresh[b++];
		if (i > 0 && strcmp(p[i - 1]->guid, p[i]->guid) > 0)
			goto out;	/* not an order after all */
	}
	rc = 0;
out:
	free(kept);
	free(fresh);
	return rc;
}

/*
 * Sorts c->entries by GUID through an array of pointers: qsort() of the
 * entries themselves copies each large struct many times.  0 or -1 (OOM).
 */
static int
sort_entries(struct content *c, size_t *rank, const size_t *hint, size_t places)
{
	struct content_entry **p, *e;
	size_t i, n = c->nentries, cap = content_entries_cap(n);

	if ((p = malloc(n * sizeof(*p))) == NULL)
		return -1;
	if ((e = malloc(cap * sizeof(*e))) == NULL) {
		free(p);
		return -1;
	}
	huge_pages_hint(e, n * sizeof(*e));
	if (hint == NULL || order_by_hint(c, hint, places, p) != 0) {
		for (i = 0; i < n; i++)
			p[i] = &c->entries[i];
		qsort(p, n, sizeof(*p), entry_ptr_cmp);
	}
	for (i = 0; i < n; i++) {
		e[i] = *p[i];
		if (rank != NULL)
			rank[p[i] - c->entries] = i;
	}
	free(p);
	free(c->entries);
	c->entries = e;
	return 0;
}

int
content_list_files(struct ctx *x, const char *dir, char ***namesp, size_t *np)
{
	struct content *c = x->c;
	struct dirent *de;
	char *path = NULL, **names = NULL, **t;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int rc = -1;

	*namesp = NULL;
	*np = 0;
	if (asprintf(&path, "%s/videos", dir) < 0)
		return error(x, NULL, "out of memory");
	if ((d = opendir(path)) == NULL) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc != 0)
			snprintf(x->err, x->errlen, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (n == CONTENT_MAX_FILES) {
			snprintf(x->err, x->errlen, "%s: more than %d files", path, CONTENT_MAX_FILES);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((t = realloc(names, cap * sizeof(*names))) == NULL)
				goto oom;
			names = t;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto oom;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	if (n > 0 && (c->files = calloc(n, sizeof(*c->files))) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		if (asprintf(&c->files[i], "%s/%s", path, names[i]) < 0) {
			c->files[i] = NULL;
			goto oom;
		}
		c->nfiles++;
	}
	*namesp = names;
	*np = n;
	names = NULL;
	n = 0;
	rc = 0;
	goto out;
oom:
	snprintf(x->err, x->errlen, "out of memory");
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(path);
	closedir(d);
	return rc;
}

int
content_finish(struct ctx *x, size_t *rank, const size_t *hint, size_t places)
{
	struct content *c = x->c;
	size_t i;

	/* Group files usually list GUIDs in order: skip the (copying) sort then. */
	for (i = 1; i < c->nentries; i++)
		if (strcmp(c->entries[i - 1].guid, c->entries[i].guid) > 0)
			break;
	if (i < c->nentries && sort_entries(c, rank, hint, places) != 0)
		return oom(x);
	if (i == c->nentries && rank != NULL)
		for (i = 0; i < c->nentries; i++)
			rank[i] = i;
	for (i = 1; i < c->nentries; i++)
		if (strcmp(c->entries[i - 1].guid, c->entries[i].guid) == 0) {
			x->file = c->entries[i].file;
			return error(x, NULL, "video %s has another entry in %s; keep one",
			    c->entries[i].guid, c->entries[i - 1].file);
		}
	return 0;
}

int
content_parse_all(struct ctx *x, const char *dir)
{
	struct content *c = x->c;
	struct buf b;
	char **names;
	size_t n, i;
	int rc = -1;

	if (content_list_files(x, dir, &names, &n) != 0)
		return -1;
	buf_init(&b, JSONFILE_MAX_BYTES);
	for (i = 0; i < n; i++) {
		buf_reset(&b);
		if (content_read_text(c->files[i], &b, x->err, x->errlen) != 0 ||
		    load_entry_file(x, c->files[i], names[i], b.data ? b.data : "", b.len) != 0)
			goto out;
	}
	rc = content_finish(x, NULL, NULL, 0);
out:
	buf_free(&b);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
content_load(struct content *c, const char *dir, const struct reporter *report,
    char *err, size_t errlen)
{
	return content_load_snap(c, dir, report, NULL, err, errlen);
}

int
content_load_snap(struct content *c, const char *dir, const struct reporter *report,
    const struct content_snap *snap, char *err, size_t errlen)
{
	struct ctx x = { .c = c, .file = dir, .report = report, .err = err, .errlen = errlen };
	char *path = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	if (asprintf(&path, "%s/site.json", dir) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = load_site(&x, path);
	free(path);
	if (rc == 0)
		rc = snap != NULL ? content_reuse_entries(&x, dir, snap) : content_parse_all(&x, dir);
	if (rc != 0)
		content_free(c);
	return rc;
}

const struct content_entry *
content_find(const struct content *c, const char *guid)
{
	struct content_entry key;

	if (c->nentries == 0)
		return NULL;
	memcpy(key.guid, guid, sizeof(key.guid));
	key.guid[GUID_LEN] = '\0';
	return bsearch(&key, c->entries, c->nentries, sizeof(*c->entries), entry_cmp);
}

void
content_free(struct content *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->site.title);
	free(c->site.description);
	free(c->site.base_url);
	free(c->site.language);
	free(c->site.cdn_host);
	free(c->site.theme);
	free(c->site.author);
	free(c->site.purchase_url);
	for (i = 0; i < c->ncategories; i++) {
		free(c->categories[i].slug);
		free(c->categories[i].name);
		free(c->categories[i].colour);
		free(c->categories[i].icon);
		free(c->categories[i].description);
	}
	free(c->categories);
	for (i = 0; i < c->nseries; i++) {
		free(c->series[i].slug);
		free(c->series[i].title);
		free(c->series[i].description);
	}
	free(c->series);
	for (i = 0; i < c->ntags; i++) {
		free(c->tags[i].slug);
		free(c->tags[i].name);
	}
	free(c->tags);
	content_entries_free(c);
	memset(c, 0, sizeof(*c));
}

void
content_entries_free(struct content *c)
{
	size_t i;

	for (i = 0; i < c->nentries; i++)
		content_entry_free(&c->entries[i]);
	free(c->entries);
	arena_free(&c->entry_mem);	/* the snapshot's entries' blocks */
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	c->entries = NULL;
	c->files = NULL;
	c->nentries = c->nfiles = 0;
}
