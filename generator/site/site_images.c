/*
 * site_images.c — the image mirror: each video's thumbnail (in four sizes)
 * and animated preview are fetched once from the pull zone, encoded with
 * libvips (img_vips.c), cached under STATE/img-cache/ and published in the
 * site under token-free URLs, /img/<guid>/<key>-320.webp and so on.  No
 * page links the CDN for an image, so no page carries a CDN token.
 *
 * The key is a hash of what the catalog says about the thumbnail (guid,
 * thumbnail file name, CDN host) and of IMG_KEY_SEED: a new thumbnail file
 * name is a new key, so it is fetched again, and its URLs change, so no
 * browser keeps showing the old one.  See docs/site.md, "Images".
 *
 * A fetch uses a short (FETCH_TOKEN_SECS) query-form token for that one
 * file: no token_path, so it opens nothing else.  A video whose image is
 * missing, broken or refused shows the shared placeholder (compiled into
 * onlygen: site_placeholder.c), with a warning; the build goes on.  With
 * opts->fetch_images off (--offline) nothing is fetched: the cache is all
 * there is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bunny_sign.h"
#include "dir_names.h"
#include "hash64.h"
#include "hex16.h"
#include "http.h"
#include "img_index.h"
#include "img_size.h"
#include "img_vips.h"
#include "pool.h"
#include "site_int.h"
#include "site_url.h"

#define IMG_KEY_SEED		0x696d672d76310000ULL	/* "img-v1": bump when sizes change */
#define FETCH_BATCH		16	/* videos fetched, then encoded, at a time */
#define FETCH_TOKEN_SECS	600
#define FETCH_MAX_BYTES		((size_t)16 << 20)
#define OFFLINE_NAMED		5	/* videos named in the --offline warning */
#define IMG_CACHE_NAMES_MAX	((size_t)1 << 24)	/* entries of img-cache/ read at once */

enum { F_STILL, F_PREVIEW };

struct fetch_item {
	size_t		 vid;
	int		 what;		/* F_STILL or F_PREVIEW */
	char		 url[BUNNY_URL_MAX];
};

struct encode_job {
	struct site_ctx		*c;
	struct fetch_item	*items;
	struct http_req		*reqs;
};

/* A catalog string, cut and with control bytes replaced, for a warning line. */
static const char *
safe_title(const char *t, char *out, size_t cap)
{
	size_t i;

	for (i = 0; i + 1 < cap && t[i] != '\0'; i++)
		out[i] = ((unsigned char)t[i] < 0x20 || t[i] == 0x7f) ? '?' : t[i];
	out[i] = '\0';
	return out;
}

/* what and why may come from the catalog or libvips: both are cleaned. */
static void
warn_video(const struct site_ctx *c, const struct video *v, const char *what, const char *why)
{
	char t[81], w[81], y[257];

	site_warn(c, "video %s (\"%s\"): %s: %s; "
	    "the page shows the placeholder", v->guid, safe_title(v->title, t, sizeof(t)),
	    safe_title(what, w, sizeof(w)), safe_title(why, y, sizeof(y)));
}

int
site_img_cache_path(const struct site_opts *o, char *out, size_t cap, const char *guid,
    const char *key, const char *suffix)
{
	int n;

	n = snprintf(out, cap, "%s/%s/%s/%s%s", o->state_dir, IMG_CACHE_DIR, guid, key, suffix);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Writes len bytes to path through path.tmp and a rename.  0 or -1. */
static int
write_atomic(const char *path, const void *data, size_t len)
{
	return file_write_atomic(path, data, len, 0644);
}

void
site_img_key(const struct video *v, char key[17])
{
	uint64_t h = h64_str(IMG_KEY_SEED, v->guid);

	h = h64_str(h, v->thumbnail[0] ? v->thumbnail : "thumbnail.jpg");
	h = h64_str(h, v->cdn_host);
	hex16_put(key, h);	/* "%016llx" (once per video per build) */
	key[16] = '\0';
}

/* Removes the other keys' files from a video's cache directory. */
static void
prune(const struct site_ctx *c, const struct video *v, const char *key)
{
	char dir[4096], path[4400];
	struct dirent *de;
	DIR *d;

	if (site_img_cache_path(c->o, dir, sizeof(dir), v->guid, "", "") == -1 ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, key, 16) == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, de->d_name) < sizeof(path))
			unlink(path);
	}
	closedir(d);
}

/* Encodes one fetched file into the cache; updates the video's state. */
static void
encode_one(struct site_ctx *c, const struct fetch_item *it, const struct http_req *r)
{
	const struct video *v = &c->m->videos[it->vid];
	struct video_img *im = &c->vimg[it->vid];
	struct img_set s;
	char path[4096], why[256];
	int k, w, h, ok = 1;

	if (it->what == F_PREVIEW) {
		if (img_encode_preview(c->o->img, r->resp.data, r->resp.len, &s, why, sizeof(why)) == -1) {
			char y[257];

			site_warn(c, "video %s: preview.webp: %s; "
			    "the card has no animated preview", v->guid, safe_title(why, y, sizeof(y)));
			if (site_img_cache_path(c->o, path, sizeof(path), v->guid, im->key, IMG_NO_PREVIEW) == 0)
				(void)write_atomic(path, "", 0);
			return;
		}
		if (site_img_cache_path(c->o, path, sizeof(path), v->guid, im->key,
		    img_suffix(IMG_PREVIEW)) == 0 &&
		    write_atomic(path, s.data[IMG_PREVIEW], s.len[IMG_PREVIEW]) == 0)
			im->preview = 1;
		img_set_free(c->o->img, &s);
		return;
	}
	if (img_encode_stills(c->o->img, r->resp.data, r->resp.len, &s, why, sizeof(why)) == -1) {
		warn_video(c, v, v->thumbnail[0] ? v->thumbnail : "thumbnail.jpg", why);
		return;
	}
	/* the JPEG last: its presence says the set is complete */
	for (k = IMG_W320; k <= IMG_JPG1280 && ok; k++)
		ok = site_img_cache_path(c->o, path, sizeof(path), v->guid, im->key, img_suffix(k)) == 0 &&
		    write_atomic(path, s.data[k], s.len[k]) == 0;
	if (!ok) {
		img_set_free(c->o->img, &s);
		warn_video(c, v, "image cache", strerror(errno));
		return;
	}
	im->still = 1;
	if (jpeg_size(s.data[IMG_JPG1280], s.len[IMG_JPG1280], &w, &h) == -1) {
		w = img_width(IMG_JPG1280);
		h = img_height(IMG_JPG1280);
	}
	im->og_w = (uint16_t)w;
	im->og_h = (uint16_t)h;
	img_set_free(c->o->img, &s);
	prune(c, v, im->key);
}

static int
encode_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	struct encode_job *j = arg;

	(void)state;
	(void)err;
	(void)errlen;
	if (j->reqs[i].ok)
		encode_one(j->c, &j->items[i], &j->reqs[i]);
	return 0;
}

/* libvips keeps buffers per thread: each worker frees its own when done. */
static void
encode_done(void *arg, void *state)
{
	const struct encode_job *j = arg;

	(void)state;
	img_thread_done(j->c->o->img);
}

/* Encodes the fetched files (a failure is a warning: the placeholder shows). */
static void
encode_all(struct site_ctx *c, struct fetch_item *items, struct http_req *reqs, size_t n)
{
	struct encode_job j = { c, items, reqs };
	struct pool_work w;
	char err[POOL_ERR_MAX];

	memset(&w, 0, sizeof(w));
	w.n = n;
	w.chunk = 1;
	w.arg = &j;
	w.item = encode_item;
	w.done = encode_done;
	(void)pool_run(c->o->jobs, &w, err, sizeof(err));	/* encode_item never fails */
}

/* The file's URL on the pull zone, signed for that file only when keyed. */
static int
fetch_url(const struct site_ctx *c, const struct video *v, const char *file, char *out,
    size_t cap)
{
	struct bunny_sign_req req;
	struct buf b;
	int rc = -1;

	buf_init(&b, BUNNY_URL_MAX);
	if (site_cdn_url(v, file, &b) == -1)
		goto out;
	if (c->o->token_key == NULL || c->o->token_key[0] == '\0') {
		if (b.len < cap) {
			memcpy(out, b.data, b.len + 1);
			rc = 0;
		}
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.url = b.data;
	req.key = c->o->token_key;
	req.key_len = strlen(c->o->token_key);
	req.expires = (int64_t)c->o->now + FETCH_TOKEN_SECS;
	rc = bunny_sign_url(&req, out, cap) < 0 ? -1 : 0;	/* query form, no token_path */
out:
	buf_free(&b);
	return rc;
}

/* Warns about a request that failed (the URL, which holds a token, is not shown). */
static void
warn_failed(const struct site_ctx *c, const struct fetch_item *it, const struct http_req *r)
{
	const struct video *v = &c->m->videos[it->vid];
	char why[128];

	if (r->status == 404 && it->what == F_PREVIEW) {
		char path[4096];

		/* not every library makes previews: remember, do not ask again */
		if (site_img_cache_path(c->o, path, sizeof(path), v->guid, c->vimg[it->vid].key,
		    IMG_NO_PREVIEW) == 0)
			(void)write_atomic(path, "", 0);
		return;
	}
	if (r->status == 0)
		snprintf(why, sizeof(why), "no answer from the CDN (network error or timeout)");
	else
		snprintf(why, sizeof(why), "the CDN answered HTTP %ld", r->status);
	if (it->what == F_PREVIEW)
		site_warn(c, "video %s: preview.webp: %s; "
		    "the card has no animated preview", v->guid, why);
	else
		warn_video(c, v, v->thumbnail[0] ? v->thumbnail : "thumbnail.jpg", why);
}

/*
 * Fetches and encodes the images of the videos in todo[0..n), FETCH_BATCH
 * at a time.  Returns 0, 1 when the CDN refused a token (the rest is then
 * not fetched), -1 with err out of memory or without libcurl.
 */
static int
fetch_all(struct site_ctx *c, const size_t *todo, size_t n, char *err, size_t errlen)
{
	struct http_opts ho;
	struct http_client *hc;
	struct fetch_item *items;
	struct http_req *reqs;
	size_t at, k, ni;
	int refused = 0;

	http_opts_init(&ho);
	ho.concurrency = 8;
	ho.connect_timeout_ms = 10000;
	ho.timeout_ms = 60000;
	ho.max_body = FETCH_MAX_BYTES;
	ho.max_attempts = 3;
	ho.backoff_ms = 250;
	ho.backoff_max_ms = 4000;
	items = calloc(FETCH_BATCH * 2, sizeof(*items));
	reqs = calloc(FETCH_BATCH * 2, sizeof(*reqs));
	if (items == NULL || reqs == NULL) {
		snprintf(err, errlen, "out of memory fetching images");
		free(items);
		free(reqs);
		return -1;
	}
	if ((hc = http_client_new(&ho, err, errlen)) == NULL) {
		free(items);
		free(reqs);
		return -1;
	}
	for (at = 0; at < n && !refused; at += FETCH_BATCH) {
		ni = 0;
		for (k = at; k < n && k < at + FETCH_BATCH; k++) {
			const struct video *v = &c->m->videos[todo[k]];
			const struct video_img *im = &c->vimg[todo[k]];
			int what;

			for (what = F_STILL; what <= F_PREVIEW; what++) {
				if (what == F_STILL ? im->still : (im->preview || im->no_preview))
					continue;
				items[ni].vid = todo[k];
				items[ni].what = what;
				if (fetch_url(c, v, what == F_STILL ? (v->thumbnail[0] ?
				    v->thumbnail : "thumbnail.jpg") : "preview.webp",
				    items[ni].url, sizeof(items[ni].url)) == -1) {
					warn_video(c, v, "image URL", "cannot be built or signed");
					continue;
				}
				memset(&reqs[ni], 0, sizeof(reqs[ni]));
				reqs[ni].url = items[ni].url;
				ni++;
			}
		}
		if (ni == 0)
			continue;
		refused = http_run(hc, reqs, ni, NULL) == HTTP_UNAUTHORIZED;
		c->img_fetched += ni;
		encode_all(c, items, reqs, ni);
		for (k = 0; k < ni; k++) {
			if (!reqs[k].ok) {
				if (reqs[k].status == 401 || reqs[k].status == 403) {
					char t[81];
					const struct video *v = &c->m->videos[items[k].vid];

					site_warn(c, "video %s (\"%s\"): the "
					    "CDN refused the image with HTTP %ld: the token key is probably "
					    "wrong: BUNNY_TOKEN_KEY (environment or --keys file) must be the "
					    "pull zone's URL Token Authentication Key%s", v->guid,
					    safe_title(v->title, t, sizeof(t)), reqs[k].status,
					    c->o->token_key == NULL || c->o->token_key[0] == '\0' ?
					    " (this build has none)" : "");
				} else if (reqs[k].status != 0 || !refused)
					warn_failed(c, &items[k], &reqs[k]);
			}
			buf_free(&reqs[k].resp);
		}
	}
	http_client_free(hc);
	free(items);
	free(reqs);
	return refused;
}

/* A video's state as the cache's files say: its directory, the JPEG's
 * header, the preview or its marker (a few system calls). */
static void
look_in_cache(const struct site_ctx *c, const struct video *v, struct video_img *im,
    const struct dir_names *cached)
{
	char path[4096];
	int w, h;

	if (!dir_names_has(cached, v->guid) ||
	    site_img_cache_path(c->o, path, sizeof(path), v->guid, "", "") != 0 || !is_dir(path))
		return;
	/* the JPEG's header, not just its presence: og:image's size */
	site_img_cache_path(c->o, path, sizeof(path), v->guid, im->key, img_suffix(IMG_JPG1280));
	im->still = jpeg_file_size(path, &w, &h) == 0;
	im->og_w = im->still ? (uint16_t)w : 0;
	im->og_h = im->still ? (uint16_t)h : 0;
	site_img_cache_path(c->o, path, sizeof(path), v->guid, im->key, img_suffix(IMG_PREVIEW));
	im->preview = exists(path);
	site_img_cache_path(c->o, path, sizeof(path), v->guid, im->key, IMG_NO_PREVIEW);
	im->no_preview = !im->preview && exists(path);
}

static void
index_rec(void *arg, size_t i, struct img_index_rec *r)
{
	const struct site_ctx *c = arg;
	const struct video_img *im = &c->vimg[i];

	snprintf(r->guid, sizeof(r->guid), "%s", c->m->videos[i].guid);
	memcpy(r->key, im->key, sizeof(r->key));
	r->still = im->still != 0;
	r->preview = im->preview != 0;
	r->no_preview = im->no_preview != 0;
	r->og_w = im->og_w;
	r->og_h = im->og_h;
}

/*
 * Each video's state: from STATE/img-index where it has the video under
 * its image key (img_index.h), else from the cache's files; then what is
 * missing fetched (unless --offline).  The index is written again when
 * the cache may have changed (a fetch, a directory made) or it missed
 * more than 1/64 of the videos (+ 64): an added video costs its few
 * system calls until then.
 */
int
site_images(struct site_ctx *c, char *err, size_t errlen)
{
	const struct model *m = c->m;
	struct dir_names cached;
	struct img_index ix;
	struct img_index_dir dir;
	char path[4096], ipath[4096];
	size_t i, at, ntodo = 0, misses = 0, *todo;
	ptrdiff_t shift = 0;
	int rc, listed = 0, indexed, changed = 0, have_ipath;

	c->vimg = calloc(m->nvideos ? m->nvideos : 1, sizeof(*c->vimg));
	todo = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*todo));
	if (c->vimg == NULL || todo == NULL) {
		free(todo);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", c->o->state_dir, IMG_CACHE_DIR);
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(todo);
		return -1;
	}
	have_ipath = (size_t)snprintf(ipath, sizeof(ipath), "%s/img-index", c->o->state_dir) <
	    sizeof(ipath);
	indexed = have_ipath && img_index_dir_of(path, &dir) == 0 &&
	    img_index_load(&ix, ipath, &dir) == 1;
	if (!indexed)
		memset(&ix, 0, sizeof(ix));
	for (i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];
		struct video_img *im = &c->vimg[i];
		const struct img_index_rec *r;

		/* its thumbnail's name is a cache miss waited on by the key's
		 * hash: the one of a video a few on is fetched meanwhile */
		if (i + 4 < m->nvideos)
			__builtin_prefetch(m->videos[i + 4].thumbnail);
		site_img_key(v, im->key);
		if (indexed && (r = img_index_find(&ix, (size_t)((ptrdiff_t)i + shift), v->guid,
		    im->key, &at)) != NULL) {
			shift = (ptrdiff_t)at - (ptrdiff_t)i;
			im->still = r->still;
			im->preview = r->preview;
			im->no_preview = r->no_preview;
			im->og_w = r->og_w;
			im->og_h = r->og_h;
		} else {
			misses++;
			/* the cache's video directories in one readdir pass, not
			 * one failing stat per video without one (100 000 in the
			 * bench) */
			if (!listed && dir_names_load(&cached, path, IMG_CACHE_NAMES_MAX) == -1) {
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
				img_index_free(&ix);
				free(todo);
				return -1;
			}
			listed = 1;
			look_in_cache(c, v, im, &cached);
		}
		if (!im->still || !(im->preview || im->no_preview))
			todo[ntodo++] = i;
	}
	if (listed)
		dir_names_free(&cached);
	img_index_free(&ix);
	if (ntodo > 0 && !c->o->fetch_images) {
		size_t named = 0;

		/* by guid only: one line per video would be 100 000 in the bench */
		for (i = 0; i < ntodo; i++)
			if (!c->vimg[todo[i]].still && named++ < OFFLINE_NAMED && !c->o->quiet)
				site_warn(c, "video %s: no image in %s/%s "
				    "and --offline fetches none; the page shows the placeholder",
				    m->videos[todo[i]].guid, c->o->state_dir, IMG_CACHE_DIR);
		if (named > OFFLINE_NAMED && !c->o->quiet)
			site_warn(c, "%zu more videos show the placeholder "
			    "(--offline)", named - OFFLINE_NAMED);
		ntodo = 0;
	}
	for (i = 0; i < ntodo; i++) {
		if (site_img_cache_path(c->o, path, sizeof(path), m->videos[todo[i]].guid, "", "") == 0 &&
		    mkdir(path, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			free(todo);
			return -1;
		}
	}
	if (ntodo > 0 && img_start(c->o->img, err, errlen) == -1) {
		free(todo);
		return -1;
	}
	rc = ntodo > 0 ? fetch_all(c, todo, ntodo, err, errlen) : 0;
	changed = ntodo > 0;	/* directories made, files fetched, others pruned */
	free(todo);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		size_t left = 0;

		for (i = 0; i < m->nvideos; i++)
			left += !c->vimg[i].still;
		site_warn(c, "image fetching stopped after the CDN "
		    "refused a token; %zu videos show the placeholder", left);
	}
	/* the cache as this build leaves it: the next one's index */
	if (have_ipath && (!indexed || changed || misses > m->nvideos / 64 + 64)) {
		char why[4200];

		snprintf(path, sizeof(path), "%s/%s", c->o->state_dir, IMG_CACHE_DIR);
		if (img_index_dir_of(path, &dir) == -1 ||
		    img_index_save(ipath, &dir, m->nvideos, index_rec, c, why, sizeof(why)) == -1) {
			(void)unlink(ipath);
			if (!c->o->quiet)
				site_warn(c, "%s/img-index: cannot write it; the next build looks "
				    "into every video's image cache directory", c->o->state_dir);
		}
	}
	return 0;
}

int
site_image_own(const struct site_ctx *c, size_t vid, int variant)
{
	const struct video_img *im = &c->vimg[vid];

	return variant == IMG_PREVIEW ? im->preview != 0 : im->still != 0;
}

int
site_image_url(const struct site_ctx *c, size_t vid, int variant, struct buf *out)
{
	char path[SITE_IMAGE_PATH_MAX];
	size_t n;

	/* puts, not printf: a build formats a few per video and page */
	if (!site_image_own(c, vid, variant))
		return variant == IMG_PREVIEW ? -1 :
		    (BUF_PUTSL(out, "/img/" IMG_PLACEHOLDER) == -1 ||
		    buf_puts(out, img_suffix(variant)) == -1) ? -1 : 0;
	n = site_image_path(c, vid, variant, path);
	return buf_putc(out, '/') == -1 || buf_put(out, path, n) == -1 ? -1 : 0;
}

/*
 * Copies of known lengths, not a buffer's appends: the image set puts
 * together the paths of all of a site's image pages at every rebuild
 * (site_image_set.c: 500 000 with every image mirrored at 100 000 videos,
 * ~40 ms of perf samples of the main thread through a buffer,
 * docs/benchmarks.md, issue 15).
 */
size_t
site_image_path(const struct site_ctx *c, size_t vid, int variant, char *out)
{
	const char *guid = c->m->videos[vid].guid, *suffix = img_suffix(variant);
	size_t glen = strnlen(guid, GUID_LEN), slen = strnlen(suffix, 32), at;

	memcpy(out, "img/", 4);
	memcpy(out + 4, guid, glen);
	out[4 + glen] = '/';
	memcpy(out + 5 + glen, c->vimg[vid].key, 16);	/* site_img_key: 16 hex digits */
	at = 5 + glen + 16;
	memcpy(out + at, suffix, slen);
	out[at + slen] = '\0';
	return at + slen;
}

int
site_image_source(const struct site_ctx *c, const struct page *p, char *out, size_t cap)
{
	return site_img_cache_path(c->o, out, cap, c->m->videos[p->idx].guid, c->vimg[p->idx].key,
	    img_suffix((int)p->no));
}

int
site_og_width(const struct site_ctx *c, size_t vid)
{
	return c->vimg[vid].og_w;
}

int
site_og_height(const struct site_ctx *c, size_t vid)
{
	return c->vimg[vid].og_h;
}
