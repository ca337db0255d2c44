/*
 * site_int.h — what the site_*.c files share: the build context (model,
 * options, theme, indices, per-video hashes) and the list of files the
 * site consists of.  Internal to the site half of the generator.
 *
 * Ownership: site_build.c creates and frees the context; every other
 * function only reads it (several threads render from it at once).
 */
#ifndef ONLY_SITE_INT_H
#define ONLY_SITE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "access_rows.h"
#include "buf.h"
#include "file_release.h"
#include "img_vips.h"
#include "model.h"
#include "page_reads.h"
#include "pool.h"
#include "related.h"
#include "site.h"
#include "arena.h"
#include "site_theme.h"

struct arena;
struct site_ctx;
struct card_keep;
/* Formats one warning for c->o->report (dropped when there is none). */
void	site_warn(const struct site_ctx *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define HOME_ROW_MAX	16	/* cards per home-page row: 8 rows stay near 100 kB of HTML */
#define FEED_MAX	50	/* entries in feed.xml */
#define PAGE_MAX_BYTES	((size_t)64 << 20)	/* one rendered file */
/* how many videos on a pass over them asks for early (each a cache miss) */
#define VIDEO_AHEAD	16

enum page_kind {
	PK_ASSET,	/* idx: asset */
	PK_WATCH,	/* idx: video */
	PK_CATEGORY,	/* idx: category, no: page number from 1 */
	PK_TAG,		/* idx: tag, no: page number */
	PK_SERIES,	/* idx: series */
	PK_NEW,		/* every video, newest first; no: page number */
	PK_FREE,	/* the public videos, newest first; no: page number */
	PK_SERIES_INDEX,	/* /series/: every series with episodes */
	PK_TAG_INDEX,	/* /tags/: every tag */
	PK_HOME,
	PK_CODE,
	PK_SEARCH,
	PK_404,
	PK_EMBED,	/* idx: video; the /e/<guid>/ player page (not in the sitemap) */
	PK_SEARCH_META,		/* search/meta.json (site_search_site.c) */
	PK_SEARCH_TERMS,	/* no: term shard */
	PK_SEARCH_DOCS,		/* no: doc fragment */
	PK_SEARCH_LONG,		/* no: chunk of the length order */
	PK_SEARCH_FILTER,	/* no: enum search_filter, idx: category/tag/access level */
	PK_FEED,
	PK_SITEMAP,	/* no: 0 the sitemap (or index), n >= 1: part n */
	PK_ROBOTS,
	PK_IMAGE	/* idx: video (IMG_PAGE_PLACEHOLDER: the placeholder),
			 * no: enum img_variant */
};

#define IMG_PAGE_PLACEHOLDER	UINT32_MAX
#define IMG_PLACEHOLDER		"placeholder-v1"	/* its files' name before the suffix */
#define IMG_CACHE_DIR		"img-cache"	/* under the state directory */
#define IMG_NO_PREVIEW		"-preview.none"	/* cache marker: the CDN has no preview */

/* A video's mirrored images (site_images.c). */
struct video_img {
	char	key[17];	/* 16 hex digits: names its files in the cache and the site */
	uint8_t	still;		/* the four stills are cached (else: the placeholder) */
	uint8_t	preview;	/* the animated preview is cached */
	uint8_t	no_preview;	/* the CDN said it has none (or it was broken) */
	uint16_t og_w, og_h;	/* pixel size of the 1280 JPEG it publishes (og:image):
				 * its own, read from the cached file, or the placeholder's */
};

/* Where a file stands after rendering. */
enum page_state {
	PS_UNCHANGED = 0,
	PS_NEW,		/* staged; no such file was published before */
	PS_CHANGED,	/* staged; replaces a published file */
	PS_PLACED	/* written at its path by a first build (nothing to publish) */
};

struct page {
	char		*path;	/* under the output directory */
	uint64_t	 key;	/* hash of the inputs */
	uint64_t	 sum;	/* hash of the bytes */
	uint32_t	 idx;
	uint32_t	 no;
	uint32_t	 old;	/* 1 + index of its entry in the old manifest, or 0 */
	uint8_t		 kind;	/* enum page_kind */
	uint8_t		 state;	/* enum page_state */
	uint8_t		 rendered;
	uint8_t		 kept;	/* its key is the last build's, not keyed again (site_reads.c) */
	uint32_t	 stage;	/* its staged file's id (site_stage), when staged */
};

/* A watch page's <url> entry in the sitemap: its size and the h64 of its bytes. */
struct watch_entry {
	uint64_t	hash;
	uint32_t	size;	/* 0: not known yet */
};

/* The strings of a video's card, made once per build (not per page), or
 * kept from an earlier one (card_store.h). */
struct card_text {
	char	*url;		/* /v/<guid>/ */
	char	*duration;	/* 12:34 */
	char	*words;		/* 12 minutes */
	char	*date;		/* 2025-11-03 */
	char	*label;		/* accessible name */
	char	*episode;	/* "S1 · E2" or NULL */
};

/*
 * A video's image URLs, as its card and its pages show them: formatted
 * from its mirrored images' state (site_image_url) the first time a
 * build asks, by site_card_img() (site_card_img.c), and kept for the
 * rest of the build.  They are never in STATE/card-texts: a build that
 * renders a few hundred pages formats a few thousand, not 100 000.
 */
struct card_img {
	const char	*thumb;		/* /img/<guid>/<key>-320.webp (or the placeholder's) */
	const char	*srcset;	/* the three WebP sizes, for <img srcset> */
	const char	*cardset;	/* the 320 and 640 WebP: a card's srcset (never wider than 640) */
	const char	*poster;	/* the 1280 WebP */
	const char	*preview;	/* the animated preview, or NULL */
	const char	*image;		/* absolute URL of the 1280 JPEG: og:image, feeds, sitemap */
};
struct card_imgs;

struct site_ctx {
	const struct model	*m;
	const struct site_opts	*o;
	int			 html;		/* url_style "html" */
	int			 page_size;
	struct theme		 th;
	const struct tmpl	*t_home, *t_list, *t_series, *t_watch, *t_code,
				*t_search, *t_404, *t_series_index, *t_tags, *t_embed;
	struct related		 rel;		/* the task's until joined (site_build.c) */
	struct related_save	 rel_save;	/* its cache's write, joined by the end */
	struct pool_bg		 rel_task;	/* works rel out beside the preparation */
	struct pool_bg		 values_task;	/* the videos' values and guids' hashes,
						 * from the start (site_reads_values) */
	struct pool_bg		 states_task;	/* their states, once rel is there
						 * (site_reads_prepare) */
	uint64_t		*vvals;		/* the values' task's, until the states' */
	uint64_t		*vstates, *vguids;	/* the tasks', until site_reads_start */
	char			 rel_path[4096];	/* STATE/related.cache, for the task */
	uint64_t		*vcard;		/* per video: its card's data key */
	struct card_text	*vtext;		/* per video: a card's strings, made once */
	struct card_imgs	*vimgs;		/* per video: its image URLs, once asked (site_card_img.c) */
	struct arena	*vtext_mem;	/* per worker: the storage of vtext's strings */
	struct card_keep	*cards_keep;	/* site_cards.c: the kept cards (card_store.h) */
	struct card_html	*card_html;	/* site_cards.c: their bytes kept (card_html.h) */
	struct watch_entry	*ventry;	/* per video: its watch page's sitemap entry, once
						 * kept or planned (site_sitemap.c) */
	uint64_t		 skey;		/* templates + the data every page shares */
	/* category / tag / series -> video indices (CSR, newest first;
	 * series in season/episode order) */
	size_t			*cat_off, *cat_vid;
	size_t			*tag_off, *tag_vid;
	size_t			*ser_off, *ser_vid;
	size_t			*ser_pos;	/* per video: position in its series list */
	size_t			*free_vid;	/* the public videos, newest first */
	size_t			 nfree;
	long			 hero;		/* video index or -1 */
	size_t			 sitemap_parts;	/* 0: one sitemap.xml, else its index's files */
	uint32_t		*sitemap_order;	/* the listed pages (indices), in the files' order */
	size_t			*sitemap_ends;	/* per file: one past its last sitemap_order position */
	size_t			*sitemap_bytes;	/* per file: its size, as planned */
	uint64_t		*sitemap_hash;	/* per sitemap_order position: h64 of its entry's bytes */
	struct video_img	*vimg;		/* per video: its mirrored images */
	size_t			 img_fetched;	/* files requested from the CDN */
	/* the videos' mirrored image files as a set (site_image_set.c) */
	uint64_t		 img_key;	/* the set's key (site_image_set_key) */
	uint64_t		 img_file_key;	/* STATE/site-images' key; 0: none read */
	int			 img_carry;	/* the last build's set: not listed, its
						 * manifest kept as it is */
	size_t			 img_carried;	/* the files that manifest lists, carried */
	size_t			 img_from, img_n;	/* the set's pages, when listed */
	size_t			 img_old_from;	/* old manifest entries from here on
						 * are STATE/site-images' */
	cJSON			*shared;	/* site/nav/urls/assets, read-only */
	struct search_ix	*search;	/* the search index (site_search.h) */
	struct search_bg	*search_bg;	/* its build on a thread, until joined */
	const char		**search_thumbs;	/* per video: its card_img's thumb, set for
							 * the search fragments rendered */
	struct page		*pages;
	size_t			 npages, pages_cap;
	struct arena	 path_mem;	/* the pages' paths the old manifest does not hold */
	const struct manifest *old_mf;	/* the last build's, whose paths the pages share
					 * (site_enumerate): freed after the pages */
};

/*
 * site_pages.c.  site_index() validates guids, slugs and hosts, builds the
 * category/tag/series indices and the hero (0, or -1 with err).
 * site_enumerate() lists the files of the site in publishing order up to
 * 404.html and plans the sitemap (0, or -1 with err);
 * site_enumerate_rest() then joins the search index and lists the rest
 * (its files, the feed, robots.txt, the sitemap's files): the preparation
 * between the two overlaps the index's task.  site_keys() computes c->skey once the card texts (and their keys),
 * related lists and theme are ready.
 * site_page_key() sets *key to the key of page p and returns 1, or
 * KEY_FROM_BYTES when it formatted the whole file into scratch to hash it
 * (scratch then holds the page), or 0 when it cannot know the key without
 * rendering (its key is then the sum of its bytes); scratch is the
 * caller's buffer, up to PAGE_MAX_BYTES; reads, when not NULL, gets the
 * videos a template page read (page_reads.h).  site_list_pages() is the
 * number of pages of a category/tag/series/new/free list (>= 1), cut as
 * list_pages.h says.
 */
int	site_index(struct site_ctx *c, char *err, size_t errlen);
/*
 * site_image_set.c.  site_image_set_plan(), once the images' state is
 * known (site_index) and before the pages are listed: the set's key, and
 * whether it is carried over (c->img_carry); when it is not, old gains
 * the entries of STATE/site-images.  0, or -1 with err (out of memory).
 * site_image_set_save() writes STATE/site-images when the set was listed
 * and its file is not already this build's (changed: a listed image's
 * entry or an old one's differs).  site_image_set_pages() are the image
 * pages whose paths site_enumerate() lists, each path handed to add.
 * site_image_set_key() is the set's key (never 0): equal for two builds
 * of one onlygen whose site_image_set_pages() give the same paths in the
 * same order, and different (but for a 64-bit collision) otherwise.
 */
int	site_image_set_plan(struct site_ctx *c, struct manifest *old, char *err, size_t errlen);
int	site_image_set_save(const struct site_ctx *c, int changed, char *err, size_t errlen);
int	site_image_set_pages(const struct site_ctx *c,
	    int (*add)(void *arg, size_t vid, int variant, const char *path), void *arg);
uint64_t site_image_set_key(const struct site_ctx *c);
int	site_enumerate(struct site_ctx *c, char *err, size_t errlen);
int	site_enumerate_rest(struct site_ctx *c, char *err, size_t errlen);
void	site_keys(struct site_ctx *c);
#define KEY_FROM_BYTES	2
int	site_page_key(const struct site_ctx *c, const struct page *p, struct buf *scratch,
	    uint64_t *key, struct page_reads_rec *reads);
/* The bytes of a page this program holds in memory (a theme asset, a
 * placeholder still): 1 with data/len, 0 any other page, -1 a placeholder
 * variant that does not exist. */
int	site_page_memory(const struct site_ctx *c, const struct page *p, const void **data,
	    size_t *len);
size_t	site_list_pages(const struct site_ctx *c, const struct page *p);
/* The videos of p's list (0 for a page that is no list), and the ones page
 * p->no shows: offsets [*from, *to) into it (list_pages.h). */
size_t	site_list_len(const struct site_ctx *c, const struct page *p);
void	site_list_slice(const struct site_ctx *c, const struct page *p, size_t *from,
	    size_t *to);

/*
 * site_cards.c: site_card_texts() puts every video's card strings into
 * c->vtext, and each card's key (from card_fields(), as card() keys it) into c->vcard:
 * those STATE/card-texts kept under the same inputs (card_store.h), the
 * others formatted on c->o->jobs threads (0, or -1 with err); their strings
 * live in one arena per worker (c->vtext_mem), not a malloc each, and
 * site_card_texts_free() releases them all (ctx_free), once the store's
 * write, when a build makes one, has ended.  The kept cards bring their
 * watch pages' sitemap entries into c->ventry.  site_cards_keep(), once
 * the sitemap is planned (every entry known), starts writing the store
 * when the build formatted many cards.
 *
 * site_data.c (its per-kind builders: site_data.h).  site_shared_data()
 * is the read-only site/nav/urls/assets object every page references;
 * site_page_data() the data of one template page (the shared part is
 * referenced, not copied), and, key non-NULL, its key from the same pass
 * (equal to site_page_key()'s).  With an arena a, the tree lives in a until
 * its reset; without, the caller frees it with cJSON_Delete.  scratch, when
 * not NULL, is the caller's buffer (up to PAGE_MAX_BYTES) for formatted
 * values; reads, with key, gets the videos the page read (page_reads.h).
 * Both NULL when out of memory.
 */
int	site_card_texts(struct site_ctx *c, char *err, size_t errlen);
/*
 * site_card_img.c: site_card_imgs_init() makes c->vimgs for the model's
 * videos (0, or -1 out of memory); site_card_img() gives video i's image
 * URLs, formatted on the first call and the same pointer after it, from
 * any thread (NULL: out of memory, or no c->vimgs); site_card_imgs_free()
 * releases them (accepts none).
 */
int	site_card_imgs_init(struct site_ctx *c);
const struct card_img *site_card_img(const struct site_ctx *c, size_t i);
void	site_card_imgs_free(struct site_ctx *c);
void	site_cards_keep(struct site_ctx *c);
void	site_card_texts_free(struct site_ctx *c);
cJSON	*site_shared_data(const struct site_ctx *c);
cJSON	*site_page_data(const struct site_ctx *c, const struct page *p, uint64_t *key,
	    struct arena *a, struct buf *scratch, struct page_reads_rec *reads);
/* Where a template page's key starts: the shared data's key, its kind and path. */
uint64_t site_page_seed(const struct site_ctx *c, const struct page *p);
/*
 * The keys, from the same builders as the data (a card's: with its
 * texts, site_card_texts()); site_shared_key() (site_data.c, as site_data_key()) mixes the
 * shared data into seed; site_data_key() mixes page p's own data into
 * seed (scratch: a buffer for formatted values).  They allocate no data
 * tree and cannot fail (a value that would fail to render mixes -1).
 */
uint64_t site_shared_key(const struct site_ctx *c, uint64_t seed);
uint64_t site_data_key(const struct site_ctx *c, const struct page *p, uint64_t seed,
	    struct buf *scratch, struct page_reads_rec *reads);
/*
 * A hint, nothing more: asks the memory system for what keying page p
 * first reads that is not near anything else (a video's title,
 * description, category and tag lists, its related cards' keys).  Called
 * one page ahead, it hides most of the cache misses a keying pass over
 * 200 000 pages spends its time in.
 */
void	site_data_prefetch(const struct site_ctx *c, const struct page *p);
/* Appends the root-relative URL of page no of list kind/idx (a category,
 * tag or series; PK_NEW, PK_FREE; the index pages, no ignored); 0 or -1. */
int	site_list_url(const struct site_ctx *c, struct buf *out, int kind, size_t idx, int no);

/* site_fresh.c: 1 when the directory holds no entry at all (then none of
 * the site's files exists), else 0 (also when it cannot be read). */
int	site_dir_empty(int dirfd);
/* As site_mkparents(): the directories of path, but not those of the
 * directory last (the same worker's previous one, "" at first), which
 * exist; last becomes path's directory.  0 or -1 with errno. */
int	site_mkparents_after(int dirfd, const char *path, char *last, size_t lastsize);

/* site_cdn.c: appends the (unsigned) CDN URL of file under /{guid}/; 0, or
 * -1 when out is full.  Only the image fetch uses it: no page links the CDN. */
int	site_cdn_url(const struct video *v, const char *file, struct buf *out);

/*
 * site_images.c.  site_images() fills c->vimg: the cache key of every
 * video's images, fetching (unless c->o->fetch_images is 0) and encoding
 * those not cached yet; a failure is a warning and the placeholder, never
 * an error (-1 with err only for out of memory or an unwritable cache).
 * site_image_own() says whether a video has its own file of a variant
 * (a cached still's four sizes, its cached preview): the one rule of
 * which image files a site publishes and which URLs name the video.
 * site_image_url() appends the root-relative URL of a video's variant
 * (the placeholder's when it has none of its own; -1 for a missing preview).
 * site_image_source() writes the cache file of a video's image page p into
 * out (the placeholder's pages have none: site_placeholder_bytes()).
 */
int	site_images(struct site_ctx *c, char *err, size_t errlen);
/* A video's image key: 16 hex digits of the hash of its guid, thumbnail
 * file name and CDN host (and the encoding settings' version). */
void	site_img_key(const struct video *v, char key[17]);
/* The image cache's file STATE/img-cache/<guid>/<key><suffix>: 0, or -1
 * when it does not fit cap. */
int	site_img_cache_path(const struct site_opts *o, char *out, size_t cap, const char *guid,
	    const char *key, const char *suffix);
int	site_image_own(const struct site_ctx *c, size_t vid, int variant);
int	site_image_url(const struct site_ctx *c, size_t vid, int variant, struct buf *out);
/*
 * The page path of a variant the video has of its own (site_image_own):
 * "img/<guid>/<key><suffix>", site_image_url() without its leading '/',
 * into out (SITE_IMAGE_PATH_MAX bytes, NUL-terminated); its length.
 */
#define SITE_IMAGE_PATH_MAX	(sizeof("img/") + GUID_LEN + 1 + 16 + 32)
size_t	site_image_path(const struct site_ctx *c, size_t vid, int variant, char *out);
int	site_image_source(const struct site_ctx *c, const struct page *p, char *out, size_t cap);
/*
 * site_placeholder.c: the placeholder stills, compiled into onlygen
 * (placeholder_data.h).  site_placeholder_bytes() gives variant's bytes
 * (IMG_W320 .. IMG_JPG1280; NULL with *len 0 for another); the page
 * key of their pages is a digest of these bytes (site_page_key).
 * site_placeholder_size(), after site_images(), gives the videos showing
 * the placeholder its JPEG's size for og:image (0, or -1 with err).
 */
const unsigned char	*site_placeholder_bytes(int variant, size_t *len);
int	site_placeholder_size(struct site_ctx *c, char *err, size_t errlen);
/* The width and height of video vid's og:image, as published. */
int	site_og_width(const struct site_ctx *c, size_t vid);
int	site_og_height(const struct site_ctx *c, size_t vid);

/* site_meta.c: files built in C with the escaper of their context;
 * site_render_meta() appends sitemap/feed/robots/search index p; 0, -1
 * (out full) or SITEMAP_UNPLANNED (site_sitemap()).  The JSON-LD of the pages: site_jsonld.h. */
int	site_render_meta(const struct site_ctx *c, const struct page *p, struct buf *out);

/* site_search_site.c: site_search_pages() builds c->search and lists its
 * files through add (0, or -1 out of memory); site_search_render()
 * appends search file p (0 or -1, out full). */
int	site_search_pages(struct site_ctx *c, int (*add)(struct site_ctx *, void *, int, size_t,
	    size_t, const char *), void *arg);
int	site_search_render(const struct site_ctx *c, const struct page *p, struct buf *out);
/* site_search_key(): 1 and *key set to search file p's key from its data
 * (site_search.h; seed names the file), or 0 when it is keyed by its bytes. */
int	site_search_key(const struct site_ctx *c, const struct page *p, uint64_t seed,
	    uint64_t *key);

/*
 * site_sitemap.c: site_sitemap_listed() says whether pages of a kind are
 * in the sitemap (1 or 0); site_sitemap_plan(), once every other page is
 * listed, splits them into files (c->sitemap_*; 0, or -1 with err);
 * site_sitemap() appends sitemap file p (0, or -1 out of room).
 */
/*
 * site_search_site.c: site_search_start() starts building the search index
 * (a function of the model alone) as a background task (pool.h), so it
 * overlaps the rest of the preparation; site_search_pages() joins it (or
 * builds the index itself when the task could not be allocated); the
 * task also writes STATE/search-pairs for the next build when due
 * (search_keep.h).  site_search_finish() says whether that file was due
 * and not written (-1, why in err; else 0) and drops a build nobody
 * collected (error paths; ctx_free).
 */
void	site_search_start(struct site_ctx *c);
/*
 * A cache kept between builds under the hashes of its inputs
 * (STATE/card-texts, STATE/search-pairs, STATE/card-html) is written
 * again only when there was none or it missed more than 1/64 of the n
 * entries (+ 64): one a few entries behind costs making those each
 * build, and rewriting tens of MB for one title would cost more.
 */
/* site_pages.c: the key of a state file kept between builds (what names
 * it, e.g. "onlygen card texts v1"), from onlygen itself (the content key,
 * which mixes in the binary's digest); 0 when that is unknown: none kept. */
uint64_t site_kept_key(const struct site_ctx *c, const char *what);
static inline int
site_cache_rewrite(int had, size_t missed, size_t n)
{
	return !had || missed > n / 64 + 64;
}
/* site_search_ready() joins (or builds) c->search: 0, or -1 out of memory;
 * site_search_files() is then the number of files site_search_pages() lists. */
int	site_search_ready(struct site_ctx *c);
size_t	site_search_files(const struct site_ctx *c);
int	site_search_finish(struct site_ctx *c, char *err, size_t errlen);
int	site_sitemap_listed(int kind);
int	site_sitemap_plan(struct site_ctx *c, char *err, size_t errlen);
/* site_sitemap() appends sitemap file p: 0, -1 (out full), or
 * SITEMAP_UNPLANNED when its bytes are not the size the plan gave it. */
#define SITEMAP_UNPLANNED	(-2)
int	site_sitemap(const struct site_ctx *c, const struct page *p, struct buf *out);
/*
 * site_sitemap_plan() formats every entry once, on the workers: its size
 * plans the files, the h64 of its bytes goes into c->sitemap_hash.
 * site_sitemap_key() sets *key from those (seed, the file's planned size,
 * the hashes of its entries in order: a function of the file's bytes,
 * which are its head, those entries and its tail) without formatting
 * anything: 0, or -1 when it cannot (the index file), and the caller
 * formats it.
 */
int	site_sitemap_key(const struct site_ctx *c, const struct page *p, uint64_t seed,
	    uint64_t *key);

/*
 * access_db.c: access_db_stage() writes the rows of ap (access_rows.h:
 * access_plan_make() over m) for the table at path into path.tmp and syncs
 * it (only the changed rows, on a copy, when the table in place has its
 * record), or finds that the table in place already holds them: 0 (st
 * says which), -1 with err (nothing left staged); the record of the rows
 * is written beside it then too (path.rows.staged).  access_db_commit()
 * renames a staged table in, then its record (the files they replace let
 * go of on rel's thread, file_release.h; NULL: here): 0 written, 1 the
 * table in place held the rows (nothing to do), -1 with err.  access_db_unstage()
 * removes a staged table that will not be committed.
 */
struct access_staged {
	struct stat	sb;		/* the staged file's identity (the record's) */
	int		staged;		/* path.tmp holds the table */
	int		rec_staged;	/* and path.rows.staged its record (access_rows.h) */
	int		in_place;	/* the table at path holds the rows already */
};
int	access_db_stage(const struct model *m, const struct access_plan *ap, const char *path,
	    struct access_staged *st, char *err, size_t errlen);
int	access_db_commit(const char *path, const struct access_staged *st,
	    struct file_release *rel, char *err, size_t errlen);
void	access_db_unstage(const char *path, struct access_staged *st);

/*
 * site_access.c: STATE/access.db made on a thread of its own from the
 * start of a build.  site_access_start() plans the table from m and, when
 * its rows' checksum differs from old_sum or it is missing, stages it
 * (NULL: out of memory); site_access_finish() joins, renames a staged
 * table in (access_db_commit(), rel) and frees a: 0 (*sum the rows' checksum, *written 1 when a
 * table was written), or -1 with err.  site_access_abandon() joins and
 * removes what was staged (a failed build keeps the old table); accepts
 * NULL.
 */
struct site_access;
struct site_access *site_access_start(const struct model *m, const char *state_dir,
	    uint64_t old_sum);
int	site_access_finish(struct site_access *a, struct file_release *rel, uint64_t *sum,
	    int *written, char *err, size_t errlen);
void	site_access_abandon(struct site_access *a);

/*
 * site_reads.c: the template pages' reads (page_reads.h) in a build.
 * site_reads_values() (with the model alone) starts working out each
 * video's value and its guid's hash on a task of their own, and
 * site_reads_prepare() (once the related lists and series are known)
 * their states (their place mixed in) on another, after the first;
 * site_reads_start() (after site_keys, with c->vimg and the page list)
 * makes this build's table and loads the last one when it applies
 * (site_opts' base_id); 0, or -1 out of memory.  Without a model id
 * (site_opts) it makes none: render without it (no reads noted, no key
 * kept).  site_reads_keyed(): p's reads are kept (a template page);
 * site_reads_self(): its own video (watch, embed) or PAGE_READS_NO_SELF.
 * site_reads_keep_key(): 1 when p keeps published_key (the old
 * manifest's entry old_entry) without being keyed again: none of what it
 * read changed; -1 out of memory (worker's arena: videos added or removed).
 * site_reads_note() keeps what p read when it was keyed (its key in
 * p->key); 0, or -1 out of memory.  site_reads_save() writes the table
 * (or removes it: no model id); 0, or -1 with err.  site_reads_save_start()
 * does it on a thread of its own beside the manifest's save, and
 * site_reads_save_join() gives its result (site_reads_free() joins a save
 * not joined).  The order of the two files does not matter: a page's
 * reads are carried only with the key the manifest holds for it, so a
 * table saved without its manifest (a killed build) carries nothing the
 * manifest does not agree with.
 */
struct site_reads {
	struct page_reads	 now;	/* this build's, saved for the next */
	struct page_reads_file	 old;	/* the last build's, when it applies */
	int			 have_old;
	uint8_t			*changed;	/* per video of old: changed, moved or gone */
	uint32_t		*map;		/* old's videos here, over another model
						 * (UINT32_MAX: gone); NULL: in place */
	struct pool_bg		 saver;
	const struct site_ctx	*c;	/* the build the save is of */
	int			 saving;
};
void	site_reads_values(struct site_ctx *c);
void	site_reads_prepare(struct site_ctx *c);
int	site_reads_start(struct site_ctx *c, struct site_reads *r);
int	site_reads_keyed(const struct site_ctx *c, const struct page *p);
uint32_t site_reads_self(const struct page *p);
int	site_reads_keep_key(struct site_reads *r, const struct site_ctx *c, int worker,
	    const struct page *p, size_t old_entry, uint64_t published_key);
int	site_reads_note(struct site_reads *r, const struct site_ctx *c, int worker,
	    const struct page *p, const struct page_reads_rec *rec);
int	site_reads_save(const struct site_ctx *c, struct site_reads *r, char *err, size_t errlen);
void	site_reads_save_start(const struct site_ctx *c, struct site_reads *r);
int	site_reads_save_join(struct site_reads *r, char *err, size_t errlen);
void	site_reads_free(struct site_reads *r);
/* site_build.c: the template page kind renders through, or NULL (not a template page). */
const struct tmpl *site_page_template(const struct site_ctx *c, int kind);

#endif
