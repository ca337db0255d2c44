/*
 * bunny_api.c — List Videos / List Collections paging (API or files) and
 * the listing's consistency checks.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "bunny_api.h"
#include "jsonfile.h"

static const char *
kind_name(int kind)
{
	return kind == 'v' ? "videos" : "collections";
}

static int
push_video(struct bunny_listing *l, struct bunny_video *v)
{
	if (l->nvideos == l->capvideos) {
		size_t cap = l->capvideos ? l->capvideos * 2 : 256;
		struct bunny_video *t = realloc(l->videos, cap * sizeof(*t));
		if (t == NULL)
			return -1;
		l->videos = t;
		l->capvideos = cap;
	}
	l->videos[l->nvideos++] = *v;
	return 0;
}

/* Grows l->videos to hold n videos (the listing's totalItems); a failure
 * leaves it as it was, for push_video to grow it as they come. */
static void
reserve_videos(struct bunny_listing *l, size_t n)
{
	struct bunny_video *t;

	if (n <= l->capvideos)
		return;
	if ((t = realloc(l->videos, n * sizeof(*t))) == NULL)
		return;
	l->videos = t;
	l->capvideos = n;
}

static int
push_col(struct bunny_listing *l, struct bunny_collection *c)
{
	if (l->ncols == l->capcols) {
		size_t cap = l->capcols ? l->capcols * 2 : 16;
		struct bunny_collection *t = realloc(l->cols, cap * sizeof(*t));
		if (t == NULL)
			return -1;
		l->cols = t;
		l->capcols = cap;
	}
	l->cols[l->ncols++] = *c;
	return 0;
}

int
bunny_add_page(struct bunny_listing *l, int kind, size_t page, const char *name,
    const char *text, size_t len, char *err, size_t errlen)
{
	struct bunny_list_state *s = kind == 'v' ? &l->vstate : &l->cstate;
	struct bunny_page p;
	const cJSON *it, *root;
	char msg[384];
	size_t expect, got;
	int rc = -1;

	/* The page's tree lives until the next page: its videos are copied out. */
	arena_reset(&l->tree);
	if ((root = json_parse_arena(name, text, len, &l->tree, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "invalid JSON%s: %s", l->from_files ? "" : " from the API",
		    msg);
		return -1;
	}
	if (page_parse(root, &p, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "%s: %s", name, msg);
		goto out;
	}
	if (p.current != 0 && (size_t)p.current != page) {
		snprintf(err, errlen, "%s: currentPage is %lld, expected %zu", name,
		    (long long)p.current, page);
		goto out;
	}
	if (s->total < 0 || s->pages == 0) {
		if (page != 1) {
			snprintf(err, errlen, "%s: page 1 must come first", name);
			goto out;
		}
		s->total = p.total;
		s->per_page = p.per_page;
		if (p.total > 0 && p.per_page <= 0) {
			snprintf(err, errlen, "%s: itemsPerPage is %lld with %lld items",
			    name, (long long)p.per_page, (long long)p.total);
			goto out;
		}
		s->pages = p.total == 0 ? 1 :
		    (size_t)((p.total + p.per_page - 1) / p.per_page);
		if (s->pages > BUNNY_MAX_PAGES || (kind == 'v' && (size_t)p.total > BUNNY_MAX_VIDEOS)) {
			snprintf(err, errlen, "%s: %lld %s in %zu pages is more than this "
			    "tool accepts", name, (long long)p.total, kind_name(kind), s->pages);
			goto out;
		}
		/* Room for every video at once (the doubling copied 17 MB and
		 * faulted it in again at 100 000); failing here is no error. */
		if (kind == 'v')
			reserve_videos(l, (size_t)p.total);
	} else if (p.total != s->total) {
		snprintf(err, errlen, "%s: totalItems changed from %lld to %lld during the "
		    "pull (the library changed); run the pull again", name,
		    (long long)s->total, (long long)p.total);
		goto out;
	} else if (p.per_page != s->per_page) {
		snprintf(err, errlen, "%s: itemsPerPage changed from %lld to %lld", name,
		    (long long)s->per_page, (long long)p.per_page);
		goto out;
	}
	if (page > s->pages) {
		snprintf(err, errlen, "%s: page %zu is past the last page (%zu) that "
		    "totalItems %lld implies", name, page, s->pages, (long long)s->total);
		goto out;
	}
	expect = s->total == 0 ? 0 : page < s->pages ? (size_t)s->per_page :
	    (size_t)(s->total - (int64_t)(s->pages - 1) * s->per_page);
	got = (size_t)cJSON_GetArraySize(p.items);
	if (got != expect) {
		snprintf(err, errlen, "%s: %zu items where totalItems %lld and "
		    "itemsPerPage %lld imply %zu (the library changed during the pull, "
		    "or the answer is incomplete); nothing was written", name, got,
		    (long long)s->total, (long long)s->per_page, expect);
		goto out;
	}
	cJSON_ArrayForEach(it, p.items) {
		if (kind == 'v') {
			struct bunny_video v;
			if (video_parse(it, &v, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "%s: %s", name, msg);
				goto out;
			}
			if (push_video(l, &v) != 0) {
				bunny_video_free(&v);
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		} else {
			struct bunny_collection c;
			if (collection_parse(it, &c, msg, sizeof(msg)) != 0) {
				free(c.name);
				snprintf(err, errlen, "%s: %s", name, msg);
				goto out;
			}
			if (push_col(l, &c) != 0) {
				free(c.name);
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		}
	}
	s->pages_done++;
	rc = 0;
out:
	return rc;
}

static int
video_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bunny_video *)a)->guid,
	    ((const struct bunny_video *)b)->guid);
}

static int
col_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bunny_collection *)a)->guid,
	    ((const struct bunny_collection *)b)->guid);
}

int
bunny_listing_finish(struct bunny_listing *l, char *err, size_t errlen)
{
	size_t i;

	if (l->vstate.pages == 0 || l->vstate.pages_done != l->vstate.pages) {
		snprintf(err, errlen, "only %zu of %zu video pages arrived", l->vstate.pages_done,
		    l->vstate.pages);
		return -1;
	}
	if (l->cstate.pages != 0 && l->cstate.pages_done != l->cstate.pages) {
		snprintf(err, errlen, "only %zu of %zu collection pages arrived",
		    l->cstate.pages_done, l->cstate.pages);
		return -1;
	}
	arena_free(&l->tree);	/* every page is in: the last one's tree goes */
	if (l->nvideos > 1)
		qsort(l->videos, l->nvideos, sizeof(*l->videos), video_cmp);
	for (i = 1; i < l->nvideos; i++)
		if (strcmp(l->videos[i - 1].guid, l->videos[i].guid) == 0) {
			snprintf(err, errlen, "video %s appears twice in the listing (the "
			    "library changed during the pull, or the API repeated it); run "
			    "the pull again", l->videos[i].guid);
			return -1;
		}
	if (l->ncols > 1)
		qsort(l->cols, l->ncols, sizeof(*l->cols), col_cmp);
	for (i = 1; i < l->ncols; i++)
		if (strcmp(l->cols[i - 1].guid, l->cols[i].guid) == 0) {
			snprintf(err, errlen, "collection %s appears twice in the listing",
			    l->cols[i].guid);
			return -1;
		}
	return 0;
}

void
bunny_listing_free(struct bunny_listing *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nvideos; i++)
		bunny_video_free(&l->videos[i]);
	free(l->videos);
	for (i = 0; i < l->ncols; i++)
		free(l->cols[i].name);
	free(l->cols);
	arena_free(&l->tree);
	memset(l, 0, sizeof(*l));
	l->vstate.total = l->cstate.total = -1;
}

static int
path_cmp(const void *a, const void *b)
{
	/* Natural order: videos-page-2.json before videos-page-10.json. */
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the files matching pattern, in natural name order, as pages 1..N of kind. */
static int
read_pages(struct bunny_listing *l, int kind, const char *pattern, int optional,
    char *err, size_t errlen)
{
	glob_t g;
	struct buf b;
	size_t i;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		globfree(&g);
		if (optional)
			return 0;
		snprintf(err, errlen, "%s: no files; expected List Videos pages named "
		    "videos-0001.json, videos-0002.json, ...", pattern);
		return -1;
	}
	if (rc != 0) {
		globfree(&g);
		snprintf(err, errlen, "%s: cannot list the files", pattern);
		return -1;
	}
	if (g.gl_pathc > 1)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(*g.gl_pathv), path_cmp);
	/* One buffer for every page: a page's 100+ kB freed and allocated
	 * again was an munmap and a round of page faults each time. */
	buf_init(&b, JSONFILE_MAX_BYTES);
	for (i = 0, rc = 0; rc == 0 && i < g.gl_pathc; i++) {
		buf_reset(&b);
		if (buf_read_file(&b, g.gl_pathv[i]) != 0) {
			snprintf(err, errlen, "%s: cannot read", g.gl_pathv[i]);
			rc = -1;
			break;
		}
		rc = bunny_add_page(l, kind, i + 1, g.gl_pathv[i], b.data != NULL ? b.data : "",
		    b.len, err, errlen);
	}
	buf_free(&b);
	globfree(&g);
	return rc;
}

int
bunny_read_dir(const char *dir, struct bunny_listing *l, char *err, size_t errlen)
{
	char *pattern = NULL;
	int rc;

	memset(l, 0, sizeof(*l));
	l->vstate.total = l->cstate.total = -1;
	l->from_files = 1;
	if (asprintf(&pattern, "%s/videos-*.json", dir) < 0)
		goto oom;
	rc = read_pages(l, 'v', pattern, 0, err, errlen);
	free(pattern);
	if (rc != 0)
		return -1;
	if (asprintf(&pattern, "%s/collections-*.json", dir) < 0)
		goto oom;
	rc = read_pages(l, 'c', pattern, 1, err, errlen);
	free(pattern);
	if (rc != 0)
		return -1;
	return bunny_listing_finish(l, err, errlen);
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* What the fetch callbacks share. */
struct fetch {
	const struct bunny_source	*src;
	struct bunny_listing		*l;
	size_t				 pages_done;
	size_t				 pages_total;
	unsigned			 retries;
};

/* Each request's user pointer encodes kind and page: page * 2 + (kind == 'c'). */
static int
on_done(struct http_req *r, void *arg)
{
	struct fetch *f = arg;
	uintptr_t tag = (uintptr_t)r->user;
	int kind = (tag & 1) ? 'c' : 'v';
	size_t page = (size_t)(tag >> 1);
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "%s page %zu", kind_name(kind), page);
	rc = bunny_add_page(f->l, kind, page, name, r->resp.data != NULL ? r->resp.data : "",
	    r->resp.len, r->err, sizeof(r->err));
	buf_free(&r->resp);
	return rc;
}

static void
on_progress(const struct http_req *r, int retrying, long delay_ms, void *arg)
{
	struct fetch *f = arg;
	char msg[400];

	if (retrying) {
		f->retries++;
		snprintf(msg, sizeof(msg), "%s; retry %d in %.1fs", r->err, r->attempts,
		    (double)delay_ms / 1000.0);
	} else if (!r->ok)
		return;	/* a failed page is reported by the caller, not counted */
	else
		f->pages_done++;
	if (f->src->progress != NULL)
		f->src->progress(f->src->progress_arg, f->pages_done, f->pages_total,
		    f->l->nvideos, f->retries, retrying ? msg : NULL);
}

int
bunny_source_valid(const struct bunny_source *s, char *err, size_t errlen)
{
	size_t i;

	if (s->library_id == NULL || s->library_id[0] == '\0' ||
	    strspn(s->library_id, "0123456789") != strlen(s->library_id) ||
	    strlen(s->library_id) > 18) {
		snprintf(err, errlen, "BUNNY_LIBRARY_ID must be the library's number "
		    "(Stream > library > API)");
		return -1;
	}
	if (s->api_key == NULL || s->api_key[0] == '\0') {
		snprintf(err, errlen, "BUNNY_API_KEY is not set; export the library's API key "
		    "(Stream > library > API), or use --from DIR");
		return -1;
	}
	for (i = 0; s->api_key[i] != '\0'; i++)
		if ((unsigned char)s->api_key[i] < 0x21 || (unsigned char)s->api_key[i] > 0x7e) {
			snprintf(err, errlen, "BUNNY_API_KEY holds a space or control "
			    "character; copy the key again");
			return -1;
		}
	if (strncmp(s->api_base, "https://", 8) != 0 && strncmp(s->api_base, "http://", 7) != 0) {
		snprintf(err, errlen, "BUNNY_API_BASE must start with https:// (or http://)");
		return -1;
	}
	if (s->per_page < 1 || s->per_page > 1000) {
		snprintf(err, errlen, "items per page must be from 1 to 1000");
		return -1;
	}
	return 0;
}

/* Builds the requests for pages [from, to] of kind into reqs (urls malloc'd). */
static int
make_reqs(const struct bunny_source *s, const char *base, int kind, size_t from, size_t to,
    const struct curl_slist *hdr, struct http_req *reqs, size_t *n)
{
	size_t p;
	char *url;

	for (p = from; p <= to; p++) {
		if (asprintf(&url, "%s/library/%s/%s?page=%zu&itemsPerPage=%d%s", base,
		    s->library_id, kind_name(kind), p, s->per_page,
		    kind == 'v' ? "&orderBy=date" : "") < 0)
			return -1;
		memset(&reqs[*n], 0, sizeof(reqs[*n]));
		reqs[*n].url = url;
		reqs[*n].headers = hdr;
		reqs[*n].user = (void *)(uintptr_t)(p * 2 + (kind == 'c'));
		(*n)++;
	}
	return 0;
}

static void
free_reqs(struct http_req *reqs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)reqs[i].url);
		buf_free(&reqs[i].resp);
	}
}

/* Copies the first failed request's message. */
static void
first_error(const struct http_req *reqs, size_t n, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!reqs[i].ok && reqs[i].err[0] != '\0') {
			snprintf(err, errlen, "%s", reqs[i].err);
			return;
		}
	snprintf(err, errlen, "the pull was interrupted");
}

int
bunny_request_setup(const struct bunny_source *src, char **base, struct curl_slist **hdr)
{
	struct curl_slist *t;
	char *h = NULL;
	size_t blen;
	int rc = -1;

	if ((*base = strdup(src->api_base)) == NULL)
		return -1;
	blen = strlen(*base);
	while (blen > 0 && (*base)[blen - 1] == '/')
		(*base)[--blen] = '\0';
	/* The key lives only in the header list (curl copies h, wiped here). */
	if (asprintf(&h, "AccessKey: %s", src->api_key) < 0)
		return -1;
	if ((t = http_header_append(*hdr, h)) != NULL) {
		*hdr = t;
		if ((t = http_header_append(*hdr, "Accept: application/json")) != NULL) {
			*hdr = t;
			rc = 0;
		}
	}
	explicit_bzero(h, strlen(h));
	free(h);
	return rc;
}

enum bunny_result
bunny_fetch(const struct bunny_source *src, struct bunny_listing *l, char *err, size_t errlen)
{
	struct fetch f = { src, l, 0, 2, 0 };
	struct http_opts o = src->http;
	struct http_client *c = NULL;
	struct curl_slist *hdr = NULL;
	struct http_req first[2], *rest = NULL;
	size_t nfirst = 0, nrest = 0, vpages, cpages;
	enum http_result hr;
	enum bunny_result res = BUNNY_FAILED;
	char *base = NULL;
	unsigned retries = 0;

	memset(l, 0, sizeof(*l));
	l->vstate.total = l->cstate.total = -1;
	if (bunny_source_valid(src, err, errlen) != 0)
		return BUNNY_FAILED;
	if (bunny_request_setup(src, &base, &hdr) != 0)
		goto oom;
	o.on_done = on_done;
	o.on_progress = on_progress;
	o.arg = &f;
	o.fail_fast = 1;
	o.auth_hint = "check BUNNY_API_KEY (the library's API key, under Stream > API)";
	if ((c = http_client_new(&o, err, errlen)) == NULL)
		goto out;
	if (make_reqs(src, base, 'v', 1, 1, hdr, first, &nfirst) != 0 ||
	    make_reqs(src, base, 'c', 1, 1, hdr, first, &nfirst) != 0)
		goto oom;
	hr = http_run(c, first, nfirst, &retries);
	l->retries += retries;
	if (hr != HTTP_OK) {
		first_error(first, nfirst, err, errlen);
		res = hr == HTTP_UNAUTHORIZED ? BUNNY_UNAUTHORIZED : BUNNY_FAILED;
		goto out;
	}
	vpages = l->vstate.pages;
	cpages = l->cstate.pages;
	f.pages_total = vpages + cpages;
	if (vpages + cpages > 2) {
		if ((rest = calloc(vpages + cpages - 2, sizeof(*rest))) == NULL)
			goto oom;
		if (make_reqs(src, base, 'v', 2, vpages, hdr, rest, &nrest) != 0 ||
		    make_reqs(src, base, 'c', 2, cpages, hdr, rest, &nrest) != 0)
			goto oom;
		hr = http_run(c, rest, nrest, &retries);
		l->retries += retries;
		if (hr != HTTP_OK) {
			first_error(rest, nrest, err, errlen);
			res = hr == HTTP_UNAUTHORIZED ? BUNNY_UNAUTHORIZED : BUNNY_FAILED;
			goto out;
		}
	}
	if (bunny_listing_finish(l, err, errlen) != 0)
		goto out;
	res = BUNNY_OK;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	free_reqs(first, nfirst);
	free_reqs(rest, nrest);
	free(rest);
	http_client_free(c);
	http_headers_free(hdr);
	free(base);
	return res;
}
