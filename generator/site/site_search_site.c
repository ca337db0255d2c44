/*
 * site_search_site.c — the search index as pages of the site: builds it
 * (site_search.c) on a thread while the rest is prepared, from the pairs
 * the last build kept (search_keep.h) where a doc's texts are as they
 * were, and saves the pairs for the next build there; names its files and
 * renders each one, so the build's keys, manifest, staging and deletes
 * cover it like any page.  Each file's key comes from the data it is
 * formatted from (site_search_key; meta.json's from its bytes), so only
 * the files whose data changed are formatted, and those whose bytes
 * changed written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hash64.h"
#include "pool.h"
#include "search_keep.h"
#include "site_int.h"
#include "site_search.h"

struct search_bg {
	struct pool_bg		 task;
	const struct model	*m;
	struct search_ix	*ix;
	char			 path[4096];
	uint64_t		 key;		/* 0: nothing kept, nothing saved */
	int			 unsaved;	/* the file was due and not written: why */
	char			 why[POOL_ERR_MAX];
};

/*
 * The index, from the pairs STATE/search-pairs kept (search_keep.h), then
 * that file written again when it missed many docs (site_cache_rewrite):
 * one a few docs behind costs folding those each build, and writing ~30 MB
 * at 100 000 videos for one title would cost more.  Written here, on the
 * task, so the pairs are freed before the render's memory peaks.
 */
static int
search_task(void *arg, char *err, size_t errlen)
{
	struct search_bg *bg = arg;
	struct search_kept kept;
	struct search_pending *p;
	size_t folded = 0;
	int had = bg->key != 0 && search_kept_load(&kept, bg->path, bg->key) == 1;

	if (!had)
		memset(&kept, 0, sizeof(kept));	/* every doc folded */
	if ((bg->ix = search_build(bg->m, had ? &kept : NULL, &folded)) == NULL) {
		search_kept_free(&kept);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p = search_take_pending(bg->ix);
	if (bg->key != 0 && p != NULL && site_cache_rewrite(had, folded, bg->m->nvideos) &&
	    search_keep_save(p, bg->path, bg->key, bg->why, sizeof(bg->why)) == -1)
		bg->unsaved = 1;
	search_pending_free(p);
	search_kept_free(&kept);
	return 0;
}

void
site_search_start(struct site_ctx *c)
{
	struct search_bg *bg;

	if (c->search_bg != NULL || (bg = calloc(1, sizeof(*bg))) == NULL)
		return;		/* site_search_pages() builds it then */
	bg->m = c->m;
	/* onlygen's digest covers the folding rule, the bounds and the format */
	if ((size_t)snprintf(bg->path, sizeof(bg->path), "%s/search-pairs", c->o->state_dir) <
	    sizeof(bg->path))
		bg->key = site_kept_key(c, "onlygen search pairs v1");
	c->search_bg = bg;
	pool_bg_start(&bg->task, search_task, bg);
}

/* The index the task built (NULL: out of memory), the task joined. */
static struct search_ix *
search_join(struct site_ctx *c)
{
	struct search_bg *bg = c->search_bg;
	struct search_ix *ix;

	(void)pool_bg_join(&bg->task, NULL, 0);
	ix = bg->ix;
	bg->ix = NULL;
	return ix;
}

int
site_search_finish(struct site_ctx *c, char *err, size_t errlen)
{
	struct search_bg *bg = c->search_bg;
	int rc = 0;

	if (bg == NULL)
		return 0;
	search_free(search_join(c));	/* nobody collected it (an error path): NULL else */
	if (bg->unsaved) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", bg->why);
		rc = -1;
	}
	free(bg);
	c->search_bg = NULL;
	return rc;
}

int
site_search_ready(struct site_ctx *c)
{
	if (c->search == NULL)
		c->search = c->search_bg != NULL ? search_join(c) : search_build(c->m, NULL, NULL);
	return c->search != NULL ? 0 : -1;
}

size_t
site_search_files(const struct site_ctx *c)
{
	return 1 + search_nshards(c->search) + search_nfrags(c->search) +
	    search_nlong(c->search) + c->m->ncategories + c->m->ntags + 3;
}

int
site_search_pages(struct site_ctx *c, int (*add)(struct site_ctx *, void *, int, size_t,
    size_t, const char *), void *arg)
{
	const struct model *m = c->m;
	char path[256];
	size_t i, n;

	if (site_search_ready(c) == -1)
		return -1;
	c->search_thumbs = calloc(m->nvideos ? m->nvideos : 1, sizeof(*c->search_thumbs));
	if (c->search_thumbs == NULL)
		return -1;
	if (add(c, arg, PK_SEARCH_META, 0, 0, "search/meta.json") == -1)
		return -1;
	for (i = 0, n = search_nshards(c->search); i < n; i++) {
		snprintf(path, sizeof(path), "search/t/%zu.json", i);
		if (add(c, arg, PK_SEARCH_TERMS, 0, i, path) == -1)
			return -1;
	}
	for (i = 0, n = search_nfrags(c->search); i < n; i++) {
		snprintf(path, sizeof(path), "search/d/%zu.json", i);
		if (add(c, arg, PK_SEARCH_DOCS, 0, i, path) == -1)
			return -1;
	}
	for (i = 0, n = search_nlong(c->search); i < n; i++) {
		snprintf(path, sizeof(path), "search/l/%zu.json", i);
		if (add(c, arg, PK_SEARCH_LONG, 0, i, path) == -1)
			return -1;
	}
	/* slugs are [a-z0-9-] (site_index checked them) and short */
	for (i = 0; i < m->ncategories; i++) {
		if ((size_t)snprintf(path, sizeof(path), "search/f/c-%s.json",
		    m->categories[i].slug) >= sizeof(path) ||
		    add(c, arg, PK_SEARCH_FILTER, i, SFL_CATEGORY, path) == -1)
			return -1;
	}
	for (i = 0; i < m->ntags; i++) {
		if ((size_t)snprintf(path, sizeof(path), "search/f/t-%s.json",
		    m->tags[i].slug) >= sizeof(path) ||
		    add(c, arg, PK_SEARCH_FILTER, i, SFL_TAG, path) == -1)
			return -1;
	}
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "search/f/a-%zu.json", i);
		if (add(c, arg, PK_SEARCH_FILTER, i, SFL_ACCESS, path) == -1)
			return -1;
	}
	return 0;
}

int
site_search_key(const struct site_ctx *c, const struct page *p, uint64_t seed, uint64_t *key)
{
	if (c->search == NULL || c->o->code_key == 0)
		return 0;	/* no onlygen to name: keyed by the bytes */
	seed = h64_int(h64_int(seed, 0x7365617263682d6bLL), (int64_t)c->o->code_key);
	switch (p->kind) {
	case PK_SEARCH_TERMS:
		*key = search_shard_key(c->search, p->no, seed);
		break;
	case PK_SEARCH_DOCS:
		*key = search_frag_key(c->search, c->m, c->search_thumbs,
		    c->vtext != NULL ? c->vcard : NULL, p->no, seed);
		break;
	case PK_SEARCH_LONG:
		*key = search_long_key(c->search, p->no, seed);
		break;
	case PK_SEARCH_FILTER:
		*key = search_filter_key(c->search, (int)p->no, p->idx, seed);
		break;
	default:
		return 0;	/* meta.json: one small file, keyed by its bytes */
	}
	return *key != 0;
}

/*
 * The thumbs of fragment k's videos into c->search_thumbs, from their
 * image URLs (site_card_img): only the fragments rendered ask.  Their
 * videos are theirs alone, so the render workers write disjoint slots.
 * Without card texts (c->vimgs), none: the fragment lists "".
 */
static int
frag_thumbs(const struct site_ctx *c, size_t k)
{
	size_t vids[SEARCH_DOCS_PER_FRAG], i, n;

	if (c->vimgs == NULL)
		return 0;
	n = search_frag_videos(c->search, k, vids);
	for (i = 0; i < n; i++) {
		const struct card_img *im = site_card_img(c, vids[i]);

		if (im == NULL)
			return -1;
		c->search_thumbs[vids[i]] = im->thumb;
	}
	return 0;
}

int
site_search_render(const struct site_ctx *c, const struct page *p, struct buf *out)
{
	if (c->search == NULL)
		return -1;
	switch (p->kind) {
	case PK_SEARCH_META:
		return search_meta(c->search, c->m, out);
	case PK_SEARCH_TERMS:
		return search_shard(c->search, p->no, out);
	case PK_SEARCH_DOCS:
		return frag_thumbs(c, p->no) == -1 ? -1 :
		    search_frag(c->search, c->m, c->search_thumbs, p->no, out);
	case PK_SEARCH_LONG:
		return search_long(c->search, p->no, out);
	case PK_SEARCH_FILTER:
		return search_filter(c->search, c->m, (int)p->no, p->idx, out);
	default:
		return -1;
	}
}
