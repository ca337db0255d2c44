/*
 * site_build.c — orchestration of a site build: load the theme, index the
 * model, list the files, render the changed ones in parallel into the
 * staging directory, write access.db, publish (renames: new files first,
 * then changed ones, in page order: assets, watch pages, lists, home and
 * the rest), remove stale files last, record the manifest.  A first build,
 * into an empty directory, writes access.db first and most pages in place
 * (first_staged).  See site.h and docs/site.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash64.h"
#include "card_html.h"
#include "pool.h"
#include "arena.h"
#include "site_int.h"
#include "site_search.h"
#include "site_write.h"

#define RENDER_CHUNK	16	/* pages a worker claims at a time */

struct render_job {
	struct site_ctx		*c;
	const struct manifest	*old;
	int			 outfd;
	int			 fresh;	/* the output directory was empty: no page exists */
	size_t			 in_place_end;	/* pages [0, this) are written at their
						 * paths, not staged (a first build) */
	struct site_reads	*reads;	/* the template pages' reads */
	int			 relook;	/* the old manifest gained entries since the
						 * pages were listed (recover_killed) */
	atomic_uint		*staged;	/* staging ids handed out, a run at a time */
};

/* A worker's page buffers and data arena, reused for every page it renders. */
struct render_bufs {
	struct buf		out, scratch, fmt;
	struct arena		arena;
	char			made[SITE_PATH_MAX];	/* the last page's directory */
	ptrdiff_t		shift;	/* old manifest index - page index, last found */
	uint32_t		stage_next, stage_end;	/* the worker's run of staging ids */
	int			worker;
	int			carrying;	/* the last page kept its key */
	struct page_reads_rec	rec;	/* what the page being keyed read */
};

void
site_warn(const struct site_ctx *c, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!report_on(c->o->report))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(c->o->report, REPORT_WARNING, "%s", msg);
}

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const struct tmpl *
site_page_template(const struct site_ctx *c, int kind)
{
	switch (kind) {
	case PK_WATCH:		return c->t_watch;
	case PK_CATEGORY:
	case PK_TAG:
	case PK_NEW:
	case PK_FREE:		return c->t_list;
	case PK_SERIES_INDEX:	return c->t_series_index;
	case PK_TAG_INDEX:	return c->t_tags;
	case PK_SERIES:		return c->t_series;
	case PK_HOME:		return c->t_home;
	case PK_CODE:		return c->t_code;
	case PK_SEARCH:		return c->t_search;
	case PK_404:		return c->t_404;
	case PK_EMBED:		return c->t_embed;
	default:		return NULL;
	}
}

/*
 * Renders page p into out.  0 or -1 with err.  key non-NULL: a template
 * page's key is computed from the same data pass (site_page_data).
 */
static int
render_page(const struct site_ctx *c, const struct page *p, struct render_bufs *wb,
    struct buf *out, uint64_t *key, struct page_reads_rec *rec, char *err, size_t errlen)
{
	const struct tmpl *t;
	cJSON *data;
	const void *d;
	size_t n;
	int rc, mem;

	if ((mem = site_page_memory(c, p, &d, &n)) != 0) {
		if (mem == -1 || buf_put(out, d, n) == -1) {
			snprintf(err, errlen, "%s", mem == -1 ? "no such placeholder variant" :
			    "out of memory");
			return -1;
		}
		return 0;
	}
	if (p->kind == PK_IMAGE) {
		char src[4096];

		if (site_image_source(c, p, src, sizeof(src)) == -1 ||
		    buf_read_file(out, src) == -1) {
			snprintf(err, errlen, "cannot read its cached image %.300s: %s (removed "
			    "by hand? `onlygen build --recheck` looks into the image cache again)",
			    src, strerror(errno));
			return -1;
		}
		return 0;
	}
	if ((t = site_page_template(c, p->kind)) == NULL) {
		if ((rc = site_render_meta(c, p, out)) < 0) {
			snprintf(err, errlen, "%s", rc == SITEMAP_UNPLANNED ?
			    "its entries are not the size the sitemap's plan gave them (a "
			    "damaged STATE/card-texts? `onlygen build --recheck` makes them "
			    "again)" : "too large or out of memory");
			return -1;
		}
		return 0;
	}
	arena_reset(&wb->arena);
	if ((data = site_page_data(c, p, key, &wb->arena, &wb->fmt, rec)) == NULL) {
		snprintf(err, errlen, "out of memory building the page data");
		return -1;
	}
	rc = tmpl_render(t, data, out, err, errlen);
	return rc;
}

static int
render_init(void *arg, int worker, void **state, char *err, size_t errlen)
{
	const struct render_job *j = arg;
	struct render_bufs *b;

	if ((b = malloc(sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (page_reads_rec_init(&b->rec, j->c->m->nvideos) == -1) {
		free(b);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	buf_init(&b->out, PAGE_MAX_BYTES);
	buf_init(&b->scratch, PAGE_MAX_BYTES);
	buf_init(&b->fmt, PAGE_MAX_BYTES);
	arena_init(&b->arena);
	b->made[0] = '\0';
	b->shift = 0;
	b->stage_next = b->stage_end = 0;
	b->worker = worker;
	b->carrying = 0;
	*state = b;
	return 0;
}

static void
render_done(void *arg, void *state)
{
	struct render_bufs *b = state;

	(void)arg;
	if (b != NULL) {
		buf_free(&b->out);
		buf_free(&b->scratch);
		buf_free(&b->fmt);
		arena_free(&b->arena);
		page_reads_rec_free(&b->rec);
		free(b);
	}
}

/*
 * Page i: unchanged when its key matches the old manifest's, else rendered
 * and, when its bytes differ from the published file's, staged.  0, or -1
 * with "path: why" in err.
 */
static int
render_item(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	const struct render_job *j = arg;
	struct render_bufs *b = state;
	struct site_ctx *c = j->c;
	struct page *p = &c->pages[i];
	/* found when the pages were listed (site_pages.c: add_page); looked
	 * for again only when recover_killed added paths since */
	const struct mf_entry *e = p->old ? &j->old->e[p->old - 1] : !j->relook ? NULL :
	    manifest_find_near(j->old, p->path, i, &b->shift);
	/* a path the trusted manifest lists exists (one fstatat per page was
	 * a sixth of a rebuild at 100 000); otherwise each is looked for */
	int exists = !j->fresh && ((c->o->trust_manifest && e != NULL && e->sum != 0) ||
	    site_exists(j->outfd, p->path)), keyed;
	/* no old bytes to keep (a full build): the page is rendered whatever
	 * its key, so a template page gets its key from the rendering pass */
	int key_in_render = !(e != NULL && exists && e->sum != 0) &&
	    site_page_template(c, p->kind) != NULL;
	/* a template page notes what it reads while keyed, unless
	 * none of it changed since: it then keeps its key (site_reads.c) */
	struct page_reads_rec *rec = j->reads != NULL && site_reads_keyed(c, p) ? &b->rec : NULL;
	char why[512];

	if (rec != NULL)
		page_reads_rec_reset(rec, site_reads_self(p));
	if (rec != NULL && !key_in_render && e != NULL && exists && e->sum != 0 &&
	    (keyed = site_reads_keep_key(j->reads, c, b->worker, p, (size_t)(e - j->old->e),
	    e->key)) != 0) {
		if (keyed == -1) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
		p->key = e->key;
		p->kept = 1;
	} else {
		keyed = key_in_render ? 1 : site_page_key(c, p, &b->scratch, &p->key, rec);
		if (rec != NULL && !key_in_render &&
		    site_reads_note(j->reads, c, b->worker, p, rec) == -1) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
	}
	p->old = e != NULL ? (uint32_t)(e - j->old->e) + 1 : 0;
	if (keyed && e != NULL && exists && e->sum != 0 && e->key == p->key) {
		p->sum = e->sum;
		p->state = PS_UNCHANGED;
		return 0;
	}
	if (keyed == KEY_FROM_BYTES) {
		/* keying formatted the file into scratch already */
		struct buf t = b->out;

		b->out = b->scratch;
		b->scratch = t;
	} else {
		buf_reset(&b->out);
		if (render_page(c, p, b, &b->out, key_in_render ? &p->key : NULL,
		    key_in_render ? rec : NULL, why, sizeof(why)) == -1)
			goto fail;
		if (key_in_render && rec != NULL &&
		    site_reads_note(j->reads, c, b->worker, p, rec) == -1) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
	}
	p->rendered = 1;
	p->sum = h64(0, b->out.data ? b->out.data : "", b->out.len);
	if (!keyed)
		p->key = p->sum;
	if (exists && ((e != NULL && e->sum != 0) ? e->sum == p->sum :
	    site_same_bytes(j->outfd, p->path, b->out.data ? b->out.data : "", b->out.len))) {
		p->state = PS_UNCHANGED;
		return 0;
	}
	if (i < j->in_place_end) {
		/* a first build: nothing is served, nothing links here yet */
		if (site_mkparents_after(j->outfd, p->path, b->made, sizeof(b->made)) == -1) {
			snprintf(why, sizeof(why), "cannot create its directory");
			goto fail;
		}
		if (site_write_at(j->outfd, p->path, b->out.data ? b->out.data : "", b->out.len,
		    why, sizeof(why)) == -1)
			goto fail;
		p->state = PS_PLACED;
		return 0;
	}
	/*
	 * Staging ids are handed out densely, SITE_STAGE_RUN at a time per
	 * worker, not taken from the page's index: the 168 pages of a
	 * one-title rebuild at 100 000 videos, spread over the page list,
	 * made and then removed all 64 staging directories, 15-18 ms on
	 * ext4 (docs/benchmarks.md, issue 15); now one per worker.
	 */
	if (b->stage_next == b->stage_end) {
		b->stage_next = atomic_fetch_add(j->staged, SITE_STAGE_RUN);
		b->stage_end = b->stage_next + SITE_STAGE_RUN;
	}
	p->stage = b->stage_next++;
	if (site_stage(j->outfd, p->stage, b->out.data ? b->out.data : "", b->out.len, why,
	    sizeof(why)) == -1)
		goto fail;
	if (!exists && site_mkparents_after(j->outfd, p->path, b->made, sizeof(b->made)) == -1) {
		snprintf(why, sizeof(why), "cannot create its directory");
		goto fail;
	}
	p->state = exists ? PS_CHANGED : PS_NEW;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", p->path, why);
	return -1;
}

/*
 * A worker keeps its buffers and its data tree's arena from page to page,
 * but not grown past RENDER_KEEP_BYTES (ARENA_KEEP) by a large file (a
 * 36 MB sitemap part, a long list page) once it renders small ones again:
 * two workers holding two such buffers each were the build's peak of
 * memory.  While the files stay large they are kept: the list pages of an
 * addition come one after another (34 of 10 000 cards at 100 000 videos),
 * and growing each one's buffers and tree again from nothing was ~0.08 s
 * of that rebuild (docs/benchmarks.md, issue 15).
 */
#define RENDER_KEEP_BYTES	((size_t)4 << 20)

/*
 * The workers claim chunks of pages from both ends of the list (pool.h,
 * both_ends).  The list (site_enumerate) begins with the assets, images
 * and watch pages, goes on with the embed pages and the lists, and ends
 * with the heaviest files (the search index, the feed, the sitemap's
 * parts): one worker takes those first, backwards, and the other the cheap
 * watch pages, so neither is left alone with a heavy file at the end (at
 * 100 000 videos, one title changed, that was 0.52 s of render CPU on one
 * worker, 0.33 s on the other).  And a first build writes its pages where
 * they are served: creating an entry holds its directory's lock, so two
 * workers side by side in v/ waited on each other; from both ends they
 * share a directory only where they meet (docs/benchmarks.md, issue 15).
 * The files a worker stages go under its own runs of SITE_STAGE_RUN
 * staging ids (render_item), whichever end its chunk came from.
 */
static int
render_item_trim(void *arg, void *state, size_t i, char *err, size_t errlen)
{
	const struct render_job *j = arg;
	struct render_bufs *b = state;
	int rc;

	/*
	 * The next page of the chunk, one page ahead of its keying; not
	 * while pages keep their keys (site_reads.c), which read none of it:
	 * the prefetches of a rebuild's 200 000 pages kept were ~15 ms of a
	 * one-title rebuild at 100 000 videos (docs/benchmarks.md, issue 15).
	 */
	if (!b->carrying && i % RENDER_CHUNK + 1 < RENDER_CHUNK && i + 1 < j->c->npages)
		site_data_prefetch(j->c, &j->c->pages[i + 1]);
	rc = render_item(arg, state, i, err, errlen);
	b->carrying = j->c->pages[i].kept;

	if (!j->c->pages[i].rendered || b->out.len <= RENDER_KEEP_BYTES) {
		if (b->out.cap > RENDER_KEEP_BYTES)
			buf_free(&b->out);
		if (b->scratch.cap > RENDER_KEEP_BYTES)
			buf_free(&b->scratch);
		arena_trim(&b->arena);
	}
	return rc;
}

static int
render_all(struct site_ctx *c, const struct manifest *old, int outfd, int fresh,
    size_t in_place_end, struct site_reads *reads, int relook, char *err, size_t errlen)
{
	atomic_uint staged = 0;
	struct render_job j = { c, old, outfd, fresh, in_place_end, reads, relook, &staged };
	struct pool_work w;

	memset(&w, 0, sizeof(w));
	w.n = c->npages;
	w.chunk = RENDER_CHUNK;
	w.arg = &j;
	w.init = render_init;
	w.item = render_item_trim;
	w.done = render_done;
	w.both_ends = 1;
	return pool_run(c->o->jobs, &w, err, errlen);
}

/*
 * A killed build that had started publishing left its path list in the
 * staging directory: some published files may be its, not what the old
 * manifest says.  Then trust no checksum (compare bytes instead) and add
 * its paths, so files it published that this build does not make are
 * removed as stale.  Returns 1 when recovering, 0 when not, -1 on OOM.
 */
static int
recover_killed(const char *out_dir, struct manifest *old)
{
	struct buf b, p;
	char *line, *nl;
	size_t i;

	buf_init(&p, 8192);
	if (buf_printf(&p, "%s/%s", out_dir, SITE_STAGING_PATHS) == -1) {
		buf_free(&p);
		return -1;
	}
	buf_init(&b, (size_t)1 << 30);
	if (buf_read_file(&b, p.data) == -1) {
		buf_free(&p);
		buf_free(&b);
		return 0;	/* no publish had started: the manifest holds */
	}
	buf_free(&p);
	for (i = 0; i < old->n; i++)
		old->e[i].key = old->e[i].sum = 0;
	for (line = b.data; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (site_path_ok(line) && manifest_find(old, line) == NULL &&
		    manifest_put(old, line, 0, 0) == -1) {
			buf_free(&b);
			return -1;
		}
	}
	buf_free(&b);
	return 1;
}

/*
 * Writes the list of paths about to be published (every page with all,
 * else the pages not unchanged) to the staging directory; appended to a
 * killed build's list when recovering from one, so that a build killed
 * while recovering still leaves the next one every path to distrust.
 */
static int
write_paths_journal(const struct site_ctx *c, int outfd, int all, int append, char *err,
    size_t errlen)
{
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b, (size_t)1 << 30);
	for (i = 0; i < c->npages && rc == 0; i++)
		if (all || c->pages[i].state != PS_UNCHANGED)
			rc = buf_printf(&b, "%s\n", c->pages[i].path);
	if (rc == -1) {
		snprintf(err, errlen, "out of memory");
		buf_free(&b);
		return -1;
	}
	rc = site_write_private(outfd, SITE_STAGING_PATHS, b.data ? b.data : "", b.len, append,
	    err, errlen);
	buf_free(&b);
	return rc;
}

/*
 * A first build, into an empty output directory, writes the pages listed
 * before the home page (assets, images, watch and embed pages, lists)
 * straight at their paths: nothing is served there yet, and nothing links
 * to them before the home page exists.  The home page and the files after
 * it (code, search, 404, the search index, the feed, robots.txt, the
 * sitemaps: the entry points) are staged and published after them, home
 * last.  Returns the index of the first staged page, 0 when the directory
 * was not empty (every changed page is staged).
 */
static size_t
first_staged(const struct site_ctx *c, int empty_out)
{
	size_t i;

	for (i = 0; empty_out && i < c->npages; i++)
		if (c->pages[i].kind == PK_HOME)
			return i;
	return 0;
}

/* Changed pages published by two threads from this many on. */
#define PUBLISH_SPLIT_MIN	32

/* The changed pages of [from, to) renamed into place. */
struct publish_range {
	const struct site_ctx	*c;
	int			 outfd;
	struct file_release	*rel;	/* the replaced files let go of there */
	size_t			 from, to;
};

static int
publish_changed(void *arg, char *err, size_t errlen)
{
	const struct publish_range *r = arg;
	size_t i;

	for (i = r->from; i < r->to; i++)
		if (r->c->pages[i].state == PS_CHANGED &&
		    site_publish(r->outfd, r->c->pages[i].stage, r->c->pages[i].path, r->rel,
		    err, errlen) == -1)
			return -1;
	return 0;
}

/*
 * The changed pages put into place, in any order (each replaces its own
 * file; every new one is in place already): by two threads when there are
 * many.  Each is exchanged with the file it replaces (site_write.c), and
 * that system call and the unlink of the old name take their time on the
 * calling thread (half of a one-title rebuild's renames on disk, before
 * the exchange), so the two halves overlap.
 */
static int
publish_changed_pages(const struct site_ctx *c, int outfd, struct file_release *rel, char *err,
    size_t errlen)
{
	struct publish_range lo = { c, outfd, rel, 0, c->npages }, hi = lo;
	struct pool_bg bg;
	size_t i, n = 0, half;
	int rc;

	for (i = 0; i < c->npages; i++)
		n += c->pages[i].state == PS_CHANGED;
	if (n < PUBLISH_SPLIT_MIN)
		return publish_changed(&lo, err, errlen);
	for (i = half = 0; half < n / 2; i++)
		half += c->pages[i].state == PS_CHANGED;
	lo.to = hi.from = i;
	memset(&bg, 0, sizeof(bg));
	pool_bg_start(&bg, publish_changed, &hi);
	rc = publish_changed(&lo, err, errlen);
	if (pool_bg_join(&bg, rc == 0 ? err : NULL, errlen) == -1)
		rc = -1;
	return rc;
}

/*
 * Renames the staged pages in state pass into place, in page order, but a
 * new home page after every other new file: on a first build "/" appears
 * once everything it links to exists.  0 or -1 with err.
 */
static int
publish_pass(const struct site_ctx *c, int outfd, int pass, struct file_release *rel, char *err,
    size_t errlen)
{
	size_t i, home = c->npages;

	if (pass == PS_CHANGED)
		return publish_changed_pages(c, outfd, rel, err, errlen);
	for (i = 0; i < c->npages; i++) {
		if (c->pages[i].state != pass)
			continue;
		if (pass == PS_NEW && c->pages[i].kind == PK_HOME && home == c->npages) {
			home = i;
			continue;
		}
		if (site_publish(outfd, c->pages[i].stage, c->pages[i].path, NULL, err,
		    errlen) == -1)
			return -1;
	}
	return home < c->npages ? site_publish(outfd, c->pages[home].stage, c->pages[home].path,
	    NULL, err, errlen) : 0;
}

/* The related lists and their cache's write (related.h): site_build()'s task. */
static int
related_task(void *arg, char *err, size_t errlen)
{
	struct site_ctx *c = arg;
	size_t ranked;

	return related_update(&c->rel, c->m, c->rel_path, c->o->jobs, &ranked, &c->rel_save,
	    err, errlen);
}

/*
 * The videos' states (site_reads_prepare) are worked out on a thread once
 * the related lists (their task) and the series (site_index) are known.
 * Started as soon as the related task is done, not once the cards and the
 * pages are listed: at 100 000 videos that listing was ~30 ms of the main
 * thread with the other core idle, and the states came after it, waited
 * for (docs/benchmarks.md, issue 15).  wait 0: only if the related
 * task and the values' (site_reads_values) are done already
 * (pool_bg_done), the main thread having work of its own; 1: joined.
 * *started says it was.  0, or -1 with the related task's err.
 */
static int
states_when_related(struct site_ctx *c, int *started, int wait, char *err, size_t errlen)
{
	if (*started || (!wait && (!pool_bg_done(&c->rel_task) ||
	    !pool_bg_done(&c->values_task))))
		return 0;
	if (pool_bg_join(&c->rel_task, err, errlen) == -1)
		return -1;
	site_reads_prepare(c);
	*started = 1;
	return 0;
}

static void
ctx_free(struct site_ctx *c)
{
	free(c->pages);
	arena_free(&c->path_mem);
	cJSON_Delete(c->shared);
	(void)pool_bg_join(&c->rel_task, NULL, 0);	/* a build stopped before its join */
	(void)pool_bg_join(&c->values_task, NULL, 0);	/* the same */
	(void)pool_bg_join(&c->states_task, NULL, 0);
	free(c->vvals);
	free(c->vstates);
	free(c->vguids);
	(void)related_save_join(&c->rel_save);	/* the write reads the lists */
	related_free(&c->rel);
	(void)site_search_finish(c, NULL, 0);
	search_free(c->search);
	free(c->search_thumbs);
	site_card_texts_free(c);
	free(c->vimg);
	free(c->cat_off);
	free(c->cat_vid);
	free(c->tag_off);
	free(c->tag_vid);
	free(c->ser_off);
	free(c->ser_vid);
	free(c->ser_pos);
	free(c->free_vid);
	free(c->sitemap_order);
	free(c->sitemap_ends);
	free(c->sitemap_bytes);
	free(c->sitemap_hash);
	theme_free(&c->th);
}

static int
open_out(const char *dir, char *err, size_t errlen)
{
	int fd;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	return fd;
}

/* A reference of rel's to STATE/name (file_release_hold), or -1. */
static int
hold_state(const struct file_release *rel, const struct site_opts *o, const char *name)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", o->state_dir, name) >= sizeof(path))
		return -1;
	return file_release_hold(rel, AT_FDCWD, path);
}

int
site_build(const struct model *m, const struct site_opts *o, struct site_stats *st,
    char *err, size_t errlen)
{
	struct site_ctx c;
	struct manifest old, fresh;
	char path[4096];
	size_t i, in_place_end = 0;
	int outfd = -1, lockfd = -1, rc = -1, pass, dirty = 0, empty_out = 0, recovering;
	int img_dirty = 0;	/* an entry of STATE/site-images differs */
	int states = 0;		/* the videos' states' task started (states_when_related) */
	int keep_paths;	/* on failure, the staged path list stays (files were written) */
	unsigned char *seen = NULL;	/* old manifest entries this build has */
	struct site_access *acc = NULL;	/* STATE/access.db, until renamed in */
	struct site_reads reads;
	struct file_release *rel = NULL;	/* replaced and removed files let go of */
	int held[2] = { -1, -1 };	/* the mapped state files replaced below */
	double t0 = now_secs(), t1 = t0, t2 = t0;
	static const struct { const char *name; size_t off; } tpls[] = {
		{ "home", offsetof(struct site_ctx, t_home) },
		{ "list", offsetof(struct site_ctx, t_list) },
		{ "series", offsetof(struct site_ctx, t_series) },
		{ "watch", offsetof(struct site_ctx, t_watch) },
		{ "code", offsetof(struct site_ctx, t_code) },
		{ "search", offsetof(struct site_ctx, t_search) },
		{ "404", offsetof(struct site_ctx, t_404) },
		{ "series-index", offsetof(struct site_ctx, t_series_index) },
		{ "tags", offsetof(struct site_ctx, t_tags) },
		{ "embed", offsetof(struct site_ctx, t_embed) },
	};

	memset(&c, 0, sizeof(c));
	memset(&old, 0, sizeof(old));
	memset(&fresh, 0, sizeof(fresh));
	memset(&reads, 0, sizeof(reads));
	memset(st, 0, sizeof(*st));
	c.m = m;
	c.o = o;
	c.html = m->site.html_urls;
	c.page_size = m->site.page_size > 0 ? m->site.page_size : 48;
	c.hero = -1;

	if (mkdir(o->state_dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", o->state_dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/site.lock", o->state_dir);
	if (o->preload != NULL) {
		/* the lock held since the preload began; its manifest taken below */
	} else if ((lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1 ||
	    flock(lockfd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "%s: %s", path, lockfd == -1 ? strerror(errno) :
		    "another build is running on this state directory");
		goto out;
	}
	if (theme_load(&c.th, o->default_theme, o->user_theme, o->hlsjs_path, err, errlen) == -1)
		goto out;
	for (i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++) {
		const struct tmpl *t = theme_template(&c.th, tpls[i].name, err, errlen);

		if (t == NULL)
			goto out;
		*(const struct tmpl **)((char *)&c + tpls[i].off) = t;
	}
	/* the search index needs the model only: built while the rest is prepared */
	site_search_start(&c);
	/* the old manifest is read meanwhile too (or was, beside the model's
	 * load: site_preload_start): the pages are listed only once the index
	 * is there, and at 100 000 the index took longer than what came
	 * before that (docs/benchmarks.md, issue 15) */
	snprintf(path, sizeof(path), "%s/site-manifest", o->state_dir);
	if (o->preload != NULL ? site_preload_take(o->preload, &lockfd, &old, o->report, err,
	    errlen) == -1 : manifest_load(&old, path, o->report, err, errlen) == -1)
		goto out;
	c.old_mf = &old;	/* the pages share its paths: freed after them */
	/* the verifier's table, planned and written meanwhile, renamed in below */
	if ((acc = site_access_start(m, o->state_dir, old.access_sum)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/*
	 * The related lists need the model only: worked out on a thread of
	 * their own while the cards and the pages are listed, joined before
	 * the shared data (at 100 000 videos ~40 M instructions the main
	 * thread spent with the other core idle, the search index built by
	 * then; docs/benchmarks.md, issue 15).
	 */
	if ((size_t)snprintf(c.rel_path, sizeof(c.rel_path), "%s/related.cache", o->state_dir) >=
	    sizeof(c.rel_path)) {
		snprintf(err, errlen, "%.900s: path too long", o->state_dir);
		goto out;
	}
	pool_bg_start(&c.rel_task, related_task, &c);
	site_reads_values(&c);	/* what the videos' states need of the model alone */
	/* the images' state is known: is their set the last build's? */
	if (site_index(&c, err, errlen) == -1 || site_image_set_plan(&c, &old, err, errlen) == -1)
		goto out;
	/*
	 * What needs no search index comes before its join (in
	 * site_enumerate_rest): the pages up to 404.html and the sitemap's
	 * plan, the related lists, the shared data and keys.  At 100 000
	 * videos the index's task is the longest of the preparation: the
	 * main thread waited on it, idle, once the cards were done
	 * (docs/benchmarks.md, issue 15).
	 */
	if (states_when_related(&c, &states, 0, err, errlen) == -1 ||
	    site_card_texts(&c, err, errlen) == -1 ||
	    states_when_related(&c, &states, 0, err, errlen) == -1 ||
	    site_enumerate(&c, err, errlen) == -1)
		goto out;
	site_cards_keep(&c);	/* after the sitemap's plan: every entry known */
	if (states_when_related(&c, &states, 1, err, errlen) == -1)
		goto out;
	if ((c.shared = site_shared_data(&c)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	site_keys(&c);
	if (site_enumerate_rest(&c, err, errlen) == -1)
		goto out;
	if ((outfd = open_out(o->out_dir, err, errlen)) == -1)
		goto out;
	empty_out = site_dir_empty(outfd);
	if ((recovering = recover_killed(o->out_dir, &old)) == -1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (site_staging_open(outfd, recovering, err, errlen) == -1)
		goto out;
	keep_paths = recovering;
	/*
	 * The verifier's table first: a page never offers a video it denies.
	 * A first build writes pages where they are served while rendering,
	 * so the table comes before, and the list of every path before the
	 * first of them: a killed first build is then a recovery like any
	 * killed publish (compare bytes, remove what is not made again).
	 */
	if ((in_place_end = first_staged(&c, empty_out)) > 0) {
		int arc = site_access_finish(acc, NULL, &fresh.access_sum, &st->access_written,
		    err, errlen);

		acc = NULL;
		if (arc == -1 || write_paths_journal(&c, outfd, 1, 0, err, errlen) == -1) {
			site_staging_remove(outfd, NULL);
			goto out;
		}
		keep_paths = 1;
	}

	/* the og:image size of the videos showing the placeholder */
	if (site_placeholder_size(&c, err, errlen) == -1) {
		site_staging_clear(outfd, keep_paths);
		goto out;
	}
	/* after the placeholder's size: a video's og:image size is its images' state */
	if (site_reads_start(&c, &reads) == -1) {
		snprintf(err, errlen, "out of memory");
		site_staging_clear(outfd, keep_paths);
		goto out;
	}
	t1 = now_secs();
	if (render_all(&c, &old, outfd, empty_out, in_place_end, o->model_id != 0 ? &reads : NULL,
	    recovering, err, errlen) == -1) {
		site_staging_clear(outfd, keep_paths);
		goto out;
	}

	t2 = now_secs();
	card_html_keep(c.card_html);	/* beside the publish; joined with the cards */
	/*
	 * The files this build replaces or removes from here on (the
	 * verifier's table, the pages, stale files, the staging directory)
	 * are let go of on a thread of their own (file_release.h: on a disk
	 * mounted with discard each waits for the device), joined last.
	 */
	rel = file_release_start();
	if (in_place_end == 0) {
		int arc = site_access_finish(acc, rel, &fresh.access_sum, &st->access_written,
		    err, errlen);

		acc = NULL;
		if (arc == -1 || write_paths_journal(&c, outfd, 0, recovering, err, errlen) == -1) {
			site_staging_clear(outfd, keep_paths);
			goto out;
		}
	}
	/* Publish: new files (nothing links to them yet), then changed ones. */
	for (pass = PS_NEW; pass <= PS_CHANGED; pass++)
		if (publish_pass(&c, outfd, pass, rel, err, errlen) == -1)
			goto out;
	/*
	 * The pages found their old entries while rendering (p->old): no
	 * second lookup, and the new manifest is built only when it differs.
	 */
	if ((seen = calloc(old.n + 1, 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < c.npages; i++) {
		struct page *p = &c.pages[i];
		const struct mf_entry *e = p->old ? &old.e[p->old - 1] : NULL;

		int in_img = i >= c.img_from && i < c.img_from + c.img_n;

		/* changed, or its old entry in the other file */
		if (e == NULL || e->key != p->key || e->sum != p->sum ||
		    ((size_t)(e - old.e) >= c.img_old_from) != in_img) {
			if (in_img)
				img_dirty = 1;
			else
				dirty = 1;
		}
		if (p->old)
			seen[p->old - 1] = 1;
		st->pages++;
		st->rendered += p->rendered;
		st->kept += p->kept;
		if (p->state == PS_UNCHANGED)
			st->unchanged++;
		else
			st->written++;
	}
	/* Stale files last: every page linking to them is already replaced. */
	for (i = 0; i < old.n; i++)
		if (!seen[i]) {
			if (site_remove(outfd, old.e[i].path, rel, err, errlen) == -1)
				goto out;
			st->removed++;
			if (i >= c.img_old_from)
				img_dirty = 1;
			else
				dirty = 1;
		}
	/* a set carried over: its files, unchanged, are the site's too */
	if (c.img_carry) {
		st->pages += c.img_carried;
		st->unchanged += c.img_carried;
	}
	/*
	 * The old manifest and page reads stay mapped until the end, after
	 * their files are replaced: a reference of the releaser's to each, so
	 * that their unmaps are not what frees their blocks.  On the disk the
	 * two unmaps waited ~30 ms for the device at the end of a one-title
	 * rebuild at 100 000 videos (docs/benchmarks.md, issue 15).
	 */
	held[0] = hold_state(rel, o, "site-manifest");
	held[1] = hold_state(rel, o, "page-reads");
	/* the pages' reads saved meanwhile (site_int.h: either order is safe) */
	site_reads_save_start(&c, &reads);
	/* the images' manifest before the site's, which names its set */
	if (site_image_set_save(&c, img_dirty, err, errlen) == -1)
		goto out;
	if (dirty || fresh.access_sum != old.access_sum || old.images_key != c.img_key) {
		size_t n = 0;

		/* written from the pages as they are, but the images': no
		 * second manifest */
		if ((fresh.e = malloc((c.npages ? c.npages : 1) * sizeof(*fresh.e))) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (i = 0; i < c.npages; i++) {
			if (i >= c.img_from && i < c.img_from + c.img_n)
				continue;
			fresh.e[n].path = c.pages[i].path;
			fresh.e[n].key = c.pages[i].key;
			fresh.e[n].sum = c.pages[i].sum;
			n++;
		}
		snprintf(path, sizeof(path), "%s/site-manifest", o->state_dir);
		rc = manifest_save_entries(fresh.e, n, fresh.access_sum, c.img_key, path, err,
		    errlen);
		free(fresh.e);
		fresh.e = NULL;
		if (rc == -1)
			goto out;
		rc = -1;
	}
	if (site_reads_save_join(&reads, path, sizeof(path)) == -1 && !o->quiet)
		site_warn(&c, "%s (the next build keys every page)", path);
	if (site_search_finish(&c, path, sizeof(path)) == -1 && !o->quiet)
		site_warn(&c, "%s (the next build folds every video's texts for search)", path);
	if (related_save_join(&c.rel_save) == -1 && !o->quiet)
		site_warn(&c, "%s/related.cache: cannot write the cache; the next build "
		    "recomputes \"more like this\"", o->state_dir);
	site_staging_remove(outfd, rel);
	st->img_fetched = c.img_fetched;
	for (i = 0; c.vimg != NULL && i < m->nvideos; i++)
		if (!c.vimg[i].still || !(c.vimg[i].preview || c.vimg[i].no_preview))
			st->img_missing++;
	st->secs_prepare = t1 - t0;
	st->secs_render = t2 - t1;
	st->secs_publish = now_secs() - t2;
	rc = 0;
out:
	/* an error path's task ends under the lock, and a table staged for a
	 * build that failed is removed */
	site_access_abandon(acc);
	if (outfd != -1)
		close(outfd);
	if (lockfd != -1)
		close(lockfd);
	free(seen);
	manifest_free(&fresh);
	site_reads_free(&reads);
	ctx_free(&c);
	manifest_free(&old);	/* after the pages, which share its paths */
	/* what it still holds, now, and the two files whose mappings are gone */
	file_release_finish(rel, held, 2);
	return rc;
}
