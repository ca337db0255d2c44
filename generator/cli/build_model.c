/*
 * build_model.c — the build's model, from its image or merged (build_model.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "buf.h"
#include "build_model.h"
#include "catalog_read.h"
#include "catalog_rows_file.h"
#include "commands.h"
#include "content.h"
#include "content_snap.h"
#include "hash64.h"
#include "model_delta.h"
#include "model_diff.h"
#include "model_merge.h"
#include "model_overlay.h"
#include "model_texts.h"

/* More changed rows than this: merged whole (each is read on its own). */
#define OVERLAY_MAX	64
/*
 * The kept rows (catalog_rows_file.h) are brought up to date while the
 * catalog's log names at most this many writes since them (each video
 * named is read on its own: past a thousand, about what reading every row
 * costs), and written again once they name more than ROWS_REWRITE videos.
 */
#define ROWS_SINCE_MAX	1024
#define ROWS_REWRITE	64
/* The warnings kept with an image, at most (a content/ full of mistakes). */
#define WARNINGS_MAX	((size_t)4 << 20)

uint64_t
build_model_key(uint64_t content_key, uint64_t content_tree, const char *cdn_host,
    const char *base_url)
{
	uint64_t h = h64_str(0, "onlygen model image key v1");

	h = h64_int(h, (int64_t)content_key);
	h = h64_int(h, (int64_t)content_tree);
	h = h64_str(h, cdn_host != NULL && cdn_host[0] != '\0' ? cdn_host : "(none)");
	h = h64_str(h, base_url != NULL && base_url[0] != '\0' ? base_url : "(none)");
	return h != 0 ? h : 1;	/* 0 means no image */
}

/*
 * The image read early (base_start) waited for: the task has started the
 * catalog's read by then.  Whatever reads the image, the peek or the
 * reader comes after this.
 */
static void
base_wait(struct build_model *b)
{
	if (!b->basing)
		return;
	(void)pool_bg_join(&b->baser, NULL, 0);
	b->basing = 0;
}

/* Forgets what peek() kept. */
static void
peek_drop(struct build_model *b)
{
	base_wait(b);	/* the task reads the image through the peek */
	if (b->peeked)
		close(b->image_fd);
	b->peeked = 0;
	b->peek_known = 0;
	model_image_peek_free(&b->peek);
	catalog_rows_free(&b->changed);
}

/* The build has said it needs no rows (build_model.h: stop). */
static int
stopped(struct build_model *b)
{
	return atomic_load_explicit(&b->stop, memory_order_relaxed) != 0;
}

/*
 * The catalog's rows: those kept by an earlier build, brought up to date
 * by the catalog's log (catalog_read_since), else read whole; kept for the
 * next build after a whole read, or when the log named many videos.  At
 * 100 000 videos the merge of a video added waited ~0.07 s for the whole
 * read (~0.16 s); the file and the rows written since take ~0.045 s
 * (docs/benchmarks.md, issue 15).  The file is a cache: one that cannot
 * be read or written costs only the whole read.
 */
static int
read_task(void *arg, char *err, size_t errlen)
{
	struct build_model *b = arg;
	char werr[POOL_ERR_MAX];
	size_t named = 0;

	/*
	 * An error on the way (-1) is the whole read's to say, if it meets
	 * it.  A build that no longer wants the rows (stop: the overlay took,
	 * or nothing changed) is not kept waiting by the file's read or
	 * write: the whole read then gives up at once, as it always did.
	 */
	if (b->rows_path[0] != '\0' && catalog_rows_file_read(b->rows_path, &b->rows) == 1 &&
	    !stopped(b) && catalog_read_since(b->catalog_db, &b->rows, ROWS_SINCE_MAX, &named,
	    err, errlen) == 1) {
		if (named > ROWS_REWRITE && !stopped(b))
			(void)catalog_rows_file_write(b->rows_path, &b->rows, werr, sizeof(werr));
		return 0;
	}
	catalog_rows_free(&b->rows);	/* none kept, or not of this catalog */
	if (catalog_read(b->catalog_db, &b->rows, &b->stop, err, errlen) != 0)
		return -1;
	if (b->rows_path[0] != '\0' && b->rows.printed && b->rows.log.seq != 0 && !stopped(b))
		(void)catalog_rows_file_write(b->rows_path, &b->rows, werr, sizeof(werr));
	return 0;
}

static void
reader_start(struct build_model *b)
{
	if (b->reading)
		return;
	atomic_store(&b->stop, 0);
	pool_bg_start(&b->reader, read_task, b);
	b->reading = 1;
}

static int	base_maybe(const struct build_model *);
static int	base_load(struct build_model *);
static void	base_drop(struct build_model *);

/*
 * The image, on a thread beside content/'s load (base_start).  The task
 * writes base_old, base_meta and base_read, which the build reads only
 * after base_wait().
 */
static int
base_task(void *arg, char *err, size_t errlen)
{
	struct build_model *b = arg;

	(void)err;
	(void)errlen;
	b->base_read = base_load(b);
	return 0;
}

/*
 * When content/ changed and the catalog did not since the image (no row
 * moved), the build needs the image: to lay content/'s edits over, or,
 * after a merge of larger edits, to compare with (base_from_image).  It
 * is read beside content/'s load instead of after it (at 100 000 videos
 * the image is ~0.07 s on the main thread of a one-entry edit,
 * docs/benchmarks.md).  The catalog's rows, which only a merge needs, are
 * read once the overlay has not taken (merge_all): read beside the load
 * in case, they were ~20 ms of the other core's time in a one-entry edit,
 * and a merge after a removed entry was no slower without them (issue 15).
 * Else the rows are read as before.
 */
static void
base_start(struct build_model *b)
{
	if (b->reading || b->basing)
		return;
	if (b->changed.nvideos > 0 || !base_maybe(b) || b->base_read) {
		reader_start(b);
		return;
	}
	b->basing = 1;
	pool_bg_start(&b->baser, base_task, b);
}

/*
 * Whether the image is worth reading: its rows against the catalog's
 * prints (catalog_read_changes), before the build's digest and content/'s
 * load, so that a build that must merge starts reading the catalog as
 * early as ever.  1: the image's fd, rows and the changed rows are kept.
 */
static int
peek(struct build_model *b)
{
	char err[POOL_ERR_MAX];

	if ((b->image_fd = open(b->image_path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	b->peeked = 1;
	if (model_image_peek(b->image_fd, &b->peek) == 1) {
		struct model_image_at at;
		int rc;

		/* where in the catalog's change log the image's rows were read */
		(void)model_image_at_read(b->at_path, b->peek.sum, &at);
		rc = catalog_read_changes(b->catalog_db, b->peek.rows, b->peek.nrows,
		    b->peek.collections, &at.pos, OVERLAY_MAX, &b->changed, &b->catalog_fp, err,
		    sizeof(err));

		b->have_fp = rc != -1;
		if (rc == 1)
			return 1;
	}
	peek_drop(b);
	return 0;
}

void
build_model_start(struct build_model *b)
{
	atomic_init(&b->stop, 0);
	if ((size_t)snprintf(b->image_path, sizeof(b->image_path), "%s/model.image",
	    b->state_dir) >= sizeof(b->image_path))
		b->image_path[0] = '\0';
	if ((size_t)snprintf(b->delta_path, sizeof(b->delta_path), "%s/model.image.delta",
	    b->state_dir) >= sizeof(b->delta_path))
		b->delta_path[0] = '\0';
	if ((size_t)snprintf(b->at_path, sizeof(b->at_path), "%s" MODEL_IMAGE_AT_SUFFIX,
	    b->image_path) >= sizeof(b->at_path))
		b->at_path[0] = '\0';
	if ((size_t)snprintf(b->rows_path, sizeof(b->rows_path), "%s/catalog.rows",
	    b->state_dir) >= sizeof(b->rows_path))
		b->rows_path[0] = '\0';
	/* the read overlaps the inputs' digest and content/'s load, unless the
	 * image spares it */
	if (b->image_path[0] == '\0' || !peek(b))
		reader_start(b);
}

/* The warnings an image kept (or the load so far), said again. */
static void
say_again(const char *lines, size_t len)
{
	const char *p, *end, *nl;
	char msg[REPORT_MAX];

	if (lines == NULL)
		return;
	end = lines + len;
	for (p = lines; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		snprintf(msg, sizeof(msg), "%.*s", (int)(nl - p - 1), p + 1);
		cli_report((void *)"onlygen", p[0] == 'W' ? REPORT_WARNING : REPORT_NOTE, msg);
	}
}

/*
 * The load's warnings: each kept, a level letter and its line, and said
 * (unless quiet); while held, said only by say_held(), once it is known
 * that the image does not say them (overlay_entries).
 */
struct said {
	struct buf	 lines;
	int		 quiet;
	int		 hold;
	int		 lost;	/* one did not fit: no image, which could not say them all */
};

/* What was held, said (unless quiet); from now on each is said at once. */
static void
say_held(struct said *s)
{
	if (s->hold && !s->quiet)
		say_again(s->lines.data, s->lines.len);
	s->hold = 0;
}

static void
say(void *arg, enum report_level level, const char *msg)
{
	struct said *s = arg;
	size_t at = s->lines.len;

	if (!s->lost && (buf_putc(&s->lines, level == REPORT_WARNING ? 'W' : 'N') == -1 ||
	    buf_puts(&s->lines, msg) == -1 || buf_putc(&s->lines, '\n') == -1)) {
		s->lines.len = at;
		s->lost = 1;
		say_held(s);	/* no image then: nothing held any longer */
	}
	if (!s->quiet && !s->hold)
		cli_report((void *)"onlygen", level, msg);
}

/*
 * content/ as loaded let go by the load or by the snapshot's task: the
 * last of the two frees it, so that the build goes on while the snapshot
 * is written (~0.03 s at 100 000 videos) and content/ is freed as soon as
 * neither needs it.
 */
static void
snap_release(struct build_model *b)
{
	if (atomic_fetch_sub(&b->snap_refs, 1) != 1)
		return;
	content_snap_later_free(&b->snap_later);
	content_free(b->snap_of);
	free(b->snap_of);
}

static int
snap_task(void *arg, char *err, size_t errlen)
{
	struct build_model *b = arg;
	int rc = content_snap_save_later(&b->snap_later, b->snap_of);

	if (rc == -1)
		snprintf(err, errlen, "%s: cannot write the snapshot", b->snap_later.snap.path);
	snap_release(b);
	return rc == -1 ? -1 : 0;
}

/* content/ as loaded let go, no snapshot written (a delta keeps the image's). */
static int
release_task(void *arg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	snap_release(arg);
	return 0;
}

/*
 * The id of the last build's model, when it was made over the image whose
 * id is image_id: the image's own, or the one the image's delta names
 * (model_delta.h), whose rows are then in b->delta.
 */
static uint64_t
last_model(struct build_model *b, uint64_t image_id)
{
	if (image_id == 0 || b->delta.base_id != image_id)
		(void)model_delta_read(b->delta_path, image_id, &b->delta);	/* zeroed if none */
	return b->delta.base_id != 0 ? b->delta.model_id : image_id;
}

static int
row_guid_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct model_image_row *)row)->guid);
}

/* The row of meta whose guid is guid, or NULL. */
static const struct model_image_row *
row_of(const struct model_image_meta *meta, const char *guid)
{
	return meta->nrows == 0 ? NULL :
	    bsearch(guid, meta->rows, meta->nrows, sizeof(*meta->rows), row_guid_cmp);
}

/* The video of the row of meta whose guid is guid, or MODEL_IMAGE_NONE. */
static uint32_t
video_of(const struct model_image_meta *meta, const char *guid)
{
	const struct model_image_row *t = row_of(meta, guid);

	return t != NULL ? t->video : MODEL_IMAGE_NONE;
}

/*
 * model_image_rows_sum() of the peeked image's rows, summed once a build
 * (~2 ms at 100 000 rows): the image's id is asked for before it is read
 * (a delta of its own?) and again once read, by the overlay of rows or of
 * content/'s entries, whose rows are the peek's (checked).
 */
static uint64_t
peek_rows_sum(struct build_model *b)
{
	struct model_image_meta meta;

	if (!b->peek_known) {
		memset(&meta, 0, sizeof(meta));
		meta.rows = (struct model_image_row *)(uintptr_t)b->peek.rows;	/* only read */
		meta.nrows = b->peek.nrows;
		b->peek_sum = model_image_rows_sum(&meta);
		b->peek_known = 1;
	}
	return b->peek_sum;
}

/* The id of the image peek() looked at (model_image_id), from its rows. */
static uint64_t
peek_id(struct build_model *b)
{
	struct model_image_meta meta;

	memset(&meta, 0, sizeof(meta));
	meta.key = b->peek.key;
	meta.collections = b->peek.collections;
	meta.nrows = b->peek.nrows;
	return model_image_id_of(&meta, peek_rows_sum(b));
}

/* Room for n more changed videos.  0, or -1 out of memory. */
static int
changed_room(struct build_model *b, size_t n)
{
	uint32_t *v = realloc(b->changed_videos, (b->nchanged_videos + n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	b->changed_videos = v;
	return 0;
}

/* The video of guid's row in meta, when shown, added to the changed ones (room made). */
static void
changed_add(struct build_model *b, const struct model_image_meta *meta, const char *guid)
{
	uint32_t video = video_of(meta, guid);

	if (video != MODEL_IMAGE_NONE)
		b->changed_videos[b->nchanged_videos++] = video;
}

/*
 * The videos of the delta's edited entries added to the changed ones: the
 * last build's model had content/'s texts for them, which the image has
 * not, and this one may have others, or the image's.  0, or -1 out of
 * memory.
 */
static int
add_delta_edited(struct build_model *b, const struct model_image_meta *meta)
{
	size_t k;

	if (changed_room(b, b->delta.nedited) == -1)
		return -1;
	for (k = 0; k < b->delta.nedited; k++)
		changed_add(b, meta, b->delta.edited[k].guid);
	return 0;
}

/*
 * The videos of the delta's rows and edited entries added to the changed
 * ones, when the model was compared with the image, not with the last
 * build's model: those may differ from it in these too.  0, or -1 out of
 * memory.
 */
static int
add_delta_videos(struct build_model *b, const struct model_image_meta *meta)
{
	size_t k;

	if (changed_room(b, b->delta.n) == -1)
		return -1;
	for (k = 0; k < b->delta.n; k++)
		changed_add(b, meta, b->delta.rows[k].guid);
	return add_delta_edited(b, meta);
}

/*
 * The rows that changed since the last build, counted into b->overlaid,
 * and the videos they are in meta (those shown) added to b->changed_videos:
 * the rows laid over the image (b->changed), but those the last build's
 * delta gave the same print, and the delta's rows not among them (back to
 * the image's).  Both lists are in guid order.  The delta's edited entries'
 * videos too (add_delta_edited).  0, or -1 out of memory.
 */
static int
changed_since_last(struct build_model *b, const struct model_image_meta *meta)
{
	const struct catalog_rows *c = &b->changed;
	const struct model_delta *d = &b->delta;
	size_t i = 0, j = 0;

	b->overlaid = 0;
	if (changed_room(b, c->nvideos + d->n) == -1)
		return -1;
	while (i < c->nvideos || j < d->n) {
		int cmp = i == c->nvideos ? 1 : j == d->n ? -1 :
		    strcmp(c->videos[i].guid, d->rows[j].guid);
		const char *guid = cmp <= 0 ? c->videos[i].guid : d->rows[j].guid;

		if (cmp == 0 && c->videos[i].print == d->rows[j].print) {
			i++;
			j++;
			continue;	/* as the last build had it */
		}
		i += cmp <= 0;
		j += cmp >= 0;
		b->overlaid++;
		changed_add(b, meta, guid);
	}
	return add_delta_edited(b, meta);
}

/*
 * The delta of this build's model, to be written instead of the image
 * (model_delta.h): the rows laid over it (b->changed), their prints the
 * model's, and the entries of the videos edited names (ascending guids)
 * as the model has them, under the model's key.  1 planned; 0 when it
 * holds more than a delta does (the image is written then).
 */
static int
plan_delta(struct build_model *b, uint64_t image_id, const struct model *m,
    const char *const *edited, size_t nedited)
{
	const uint8_t texts = MODEL_IMAGE_TITLE_ENTRY | MODEL_IMAGE_DESC_ENTRY;
	size_t k;

	memset(&b->next, 0, offsetof(struct model_delta, text));
	b->delta_save = 0;
	if (b->changed.nvideos > MODEL_DELTA_MAX || nedited > MODEL_DELTA_MAX)
		return 0;
	b->next.base_id = image_id;
	b->next.model_id = b->model_id;
	b->next.key = b->meta.key;
	b->next.n = b->changed.nvideos;
	for (k = 0; k < b->next.n; k++) {
		memcpy(b->next.rows[k].guid, b->changed.videos[k].guid, sizeof(b->next.rows[k].guid));
		b->next.rows[k].print = b->changed.videos[k].print;
	}
	for (k = 0; k < nedited; k++) {
		const struct model_image_row *t = row_of(&b->meta, edited[k]);
		const struct video *v = t != NULL && t->video < m->nvideos ? &m->videos[t->video] :
		    NULL;

		if (t == NULL || (v != NULL && (v->title == NULL || v->description == NULL)) ||
		    model_delta_add_edit(&b->next, edited[k], t->flags & texts,
		    v != NULL ? v->title : "", v != NULL ? v->description : "") == -1)
			return 0;
	}
	b->delta_save = 1;
	return 1;
}

static int
str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The image a content/ edit may leave the model close to, read into
 * base_old and base_meta (base_read): when it was made by this onlygen,
 * with these options and content/'s path, from the content/ the snapshot
 * recorded, as its key says; only content/'s bytes differ then.  An image
 * of this very key was read already (from_image) and refused by the
 * overlay, whose refusals are structure (test_model_overlay): not read
 * again.  base_maybe() is what is known before content/'s snapshot is
 * read (its tree is the rest of the key).
 */
static int
base_maybe(const struct build_model *b)
{
	return b->peeked && b->content_key != 0 && b->peek.key != 0 &&
	    b->peek.key != b->image_key;
}

static int
base_key_ok(const struct build_model *b)
{
	return base_maybe(b) && b->snap_tree != 0 &&
	    b->peek.key == build_model_key(b->content_key, b->snap_tree, b->cdn_host,
	    b->base_url);
}

/* The image read into base_old and base_meta, whatever its key says: 1, or 0. */
static int
base_load(struct build_model *b)
{
	char err[POOL_ERR_MAX];

	return model_image_read_fd(b->image_fd, b->image_path, b->peek.key, &b->base_old,
	    &b->base_meta, err, sizeof(err)) == 1;
}

/* Whether the image is read (by base_start's task, or now). */
static int
base_read(struct build_model *b)
{
	base_wait(b);
	if (!base_key_ok(b)) {
		base_drop(b);	/* read early, but of another content/ */
		return 0;
	}
	if (!b->base_read)
		b->base_read = base_load(b);
	return b->base_read;
}

/* The image base_read() read, released. */
static void
base_drop(struct build_model *b)
{
	base_wait(b);
	if (!b->base_read)
		return;
	model_image_meta_free(&b->base_meta);	/* before the model: its rows are the image's */
	model_free(&b->base_old);
	b->base_read = 0;
}

/*
 * content/'s edits laid over the image base_read() reads (model_overlay.h:
 * model_overlay_entries), instead of the merge: when content/ is the
 * snapshot's but for entries edited in place (content_snap.h), after the
 * catalog rows whose print moved since the image (peek), if any, are laid
 * over it as from_image() lays them (a title pulled since the image, which
 * its delta names: model_delta.h).  The warnings are then the image's: the
 * load's, s, come first in them, the merge's after.  1: m is the image's
 * model brought up to date, with the last build's model id as its base
 * and the edited videos and the rows changed since as the changed ones
 * (page_reads.h), as after a catalog overlay; 0: merge.
 */
static int
overlay_entries(struct build_model *b, struct model *m, const struct content *c,
    const struct content_snap_edits *ed, const struct said *s)
{
	char err[POOL_ERR_MAX];
	const char *guids[CONTENT_SNAP_EDITS_MAX], *said;
	struct model_opts mo = { b->cdn_host, NULL, b->base_url, 0 };
	struct catalog_rows rows;
	uint32_t *changed;
	size_t nchanged, k, nguids = 0;
	uint64_t base_id, image_id;
	int rc;

	if (!ed->ok || b->image_key == 0 || s->lost)
		return 0;
	if (!base_read(b) || b->base_meta.nrows != b->peek.nrows || (b->peek.nrows > 0 &&
	    memcmp(b->base_meta.rows, b->peek.rows, b->peek.nrows * sizeof(*b->peek.rows)) != 0))
		return 0;
	/* the load's warnings, the first of the image's */
	said = b->base_meta.warnings != NULL ? b->base_meta.warnings : "";
	if (strlen(said) < s->lines.len ||
	    (s->lines.len > 0 && memcmp(said, s->lines.data, s->lines.len) != 0))
		return 0;
	image_id = peek_id(b);	/* the image's rows are the peek's, its header the same */
	base_id = last_model(b, image_id);
	/* the rows pulled since the image first: then its rows are the catalog's */
	if (b->changed.nvideos > 0 &&
	    (rc = model_overlay(&b->base_old, &b->base_meta, &b->changed, &mo, err,
	    sizeof(err))) != 1) {
		if (rc != 0)
			base_drop(b);	/* moved or out of memory: not the image's now */
		return 0;
	}
	/* an entry that drops a text gives the catalog row's back: those rows */
	for (k = 0; k < ed->n; k++) {
		const struct content_entry *now = &c->entries[ed->now[k]];

		if ((ed->old[k].title != NULL && now->title == NULL) ||
		    (ed->old[k].description != NULL && now->description == NULL))
			guids[nguids++] = now->guid;	/* in guid order, as ed is */
	}
	memset(&rows, 0, sizeof(rows));
	rc = nguids > 0 ? catalog_read_guids(b->catalog_db, guids, nguids, &rows, err,
	    sizeof(err)) == 0 : 1;
	if (rc == 1)
		rc = model_overlay_entries(&b->base_old, &b->base_meta, c, ed, &rows, &changed,
		    &nchanged, err, sizeof(err));
	catalog_rows_free(&rows);
	if (rc != 1) {
		/* released when the rows changed it, or out of memory: the merge
		 * says it if it runs out too */
		if (rc == -1 || b->changed.nvideos > 0)
			base_drop(b);
		return 0;
	}
	*m = b->base_old;
	b->meta = b->base_meta;
	b->meta.at.pos = b->changed.log;	/* the rows the peek found are the catalog's now */
	memset(&b->base_old, 0, sizeof(b->base_old));
	memset(&b->base_meta, 0, sizeof(b->base_meta));
	b->base_read = 0;
	b->meta.key = b->image_key;
	b->model_id = model_image_id(&b->meta);
	b->base_id = base_id;
	b->changed_videos = changed;
	b->nchanged_videos = nchanged;
	if (changed_since_last(b, &b->meta) == -1)
		b->base_id = 0;
	/* a few entries edited, a few rows moved: a delta, not ~50 MB of
	 * image and ~16 MB of content/'s snapshot written again at 100 000
	 * videos (an edit that edited no entry, a file of none added or
	 * removed, writes both: the delta would say nothing) */
	for (k = 0; k < ed->n; k++)
		guids[k] = c->entries[ed->now[k]].guid;
	qsort(guids, ed->n, sizeof(guids[0]), str_ptr_cmp);
	b->dirty = ed->n == 0 || !plan_delta(b, image_id, m, guids, ed->n);
	b->content_overlaid = 1;
	b->content_entries = ed->n;
	if (!b->quiet && b->meta.warnings != NULL)
		say_again(b->meta.warnings, strlen(b->meta.warnings));
	return 1;
}

/* content/ and every catalog row, merged; the image's rows traced. */
static int
merge_all(struct build_model *b, struct model *m, char *err, size_t errlen)
{
	struct said s;
	struct reporter warn = { say, &s };
	struct model_opts mo = { b->cdn_host, &warn, b->base_url, 0 };
	struct content_snap snap;
	struct content_snap_edits edits;
	struct content *c;
	int rc, printed;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory loading content/");
		return -1;
	}
	memset(&s, 0, sizeof(s));
	buf_init(&s.lines, WARNINGS_MAX);
	s.quiet = b->quiet;
	/* content/'s warnings held, and said once it is known whether the
	 * image says them (overlay_entries) or the merge goes on */
	s.hold = 1;
	base_start(b);
	b->snap_tree = 0;
	memset(&b->snap_later, 0, sizeof(b->snap_later));
	edits.ok = 0;
	edits.n = 0;
	if (b->snap != NULL) {
		snap = *b->snap;
		snap.prev_tree = &b->snap_tree;
		snap.later = &b->snap_later;
		snap.edits = &edits;
	}
	rc = content_load_snap(c, b->content_dir, &warn, b->snap != NULL ? &snap : NULL, err,
	    errlen);
	if (rc == 0) {
		b->snap_of = c;
		atomic_init(&b->snap_refs, 1);
	}
	if (rc != 0 || !overlay_entries(b, m, c, &edits, &s))
		say_held(&s);
	if (rc == 0) {
		/*
		 * The snapshot for the next build, on a thread beside the rest,
		 * which only reads the entries it is encoded from (~0.03 s at
		 * 100 000 videos, docs/benchmarks.md), and joined only when the
		 * build is done (build_model_finish).  Not when the edits went
		 * to a delta: the snapshot kept is the image's content/.  Either
		 * way the last of the task and the load frees content/ (~0.03 s
		 * at 100 000 entries: not on the build's way).
		 */
		atomic_fetch_add(&b->snap_refs, 1);
		pool_bg_start(&b->snapper, b->delta_save ? release_task : snap_task, b);
	}
	content_snap_edits_free(&edits);
	if (rc != 0) {
		free(c);
		buf_free(&s.lines);
		return -1;
	}
	base_wait(b);
	if (b->content_overlaid) {
		/* the rows that moved since the image came with the peek: these
		 * are not needed */
		atomic_store(&b->stop, 1);
		if (b->reading && pool_bg_join(&b->reader, NULL, 0) == 0)
			catalog_rows_free(&b->rows);
		b->reading = 0;
		rc = 0;
	} else {
		reader_start(b);	/* the merge's rows, unless being read already */
		b->reading = 0;
		rc = pool_bg_join(&b->reader, err, errlen);
	}
	if (rc == 0 && !b->content_overlaid) {
		/* rows without prints (an old catalog) make no image: it could
		 * not be brought up to date; nor does a build without a key */
		printed = b->rows.printed && b->image_key != 0;
		rc = model_merge_trace(m, c, &b->rows, &mo, printed ? &b->meta : NULL, err,
		    errlen);
		catalog_rows_free(&b->rows);
		if (rc == 0 && printed && !s.lost && buf_putc(&s.lines, '\0') == 0) {
			b->meta.key = b->image_key;
			b->meta.warnings = s.lines.data;	/* the meta owns them now */
			s.lines.data = NULL;
			b->dirty = 1;
			b->model_id = model_image_id(&b->meta);
		}
	}
	snap_release(b);	/* content/ no longer read here */
	buf_free(&s.lines);
	return rc;
}

/*
 * The image peek() found worth it, read and brought up to date: 1, or 0
 * when it cannot be (another key, damaged, rows other than peeked, a
 * change the overlay refuses: m and the meta then released, the peek
 * kept for base_from_image()).  Out of
 * memory on the way counts as 0 too: the merge then says it, if it runs
 * out as well.
 */
static int
from_image(struct build_model *b, struct model *m)
{
	struct model_opts mo = { b->cdn_host, NULL, b->base_url, 0 };
	char err[POOL_ERR_MAX];
	const char *edited[MODEL_DELTA_MAX];
	uint64_t image_id = 0, sum, key = b->image_key;
	size_t nedited = 0, k;
	int rc = 0, keep = 0;

	/*
	 * content/ other than the image's: as the last build loaded it, that
	 * build's delta names the entries it laid over the image, under the
	 * key of content/ now (model_delta.h).  A pull then needs no load
	 * of content/.
	 */
	if (b->peek.key != b->image_key) {
		if (last_model(b, peek_id(b)) == 0 || b->delta.nedited == 0 ||
		    b->delta.key != b->image_key)
			return 0;	/* the peek stays: base_from_image() */
		key = b->peek.key;
		nedited = b->delta.nedited;
	}
	if (model_image_read_fd(b->image_fd, b->image_path, key, m, &b->meta, err,
	    sizeof(err)) == 1) {
		/* the rows the changes were found against are the image's */
		rc = b->meta.nrows == b->peek.nrows && (b->peek.nrows == 0 ||
		    memcmp(b->meta.rows, b->peek.rows, b->peek.nrows * sizeof(*b->peek.rows)) == 0);
		b->meta.at.pos = b->changed.log;	/* as the model_overlay() below does */
		sum = rc ? peek_rows_sum(b) : model_image_rows_sum(&b->meta);
		image_id = model_image_id_of(&b->meta, sum);
		b->base_id = last_model(b, image_id);
		if (rc && nedited > 0) {
			/* the entries first: the rows laid over keep the texts
			 * content/ gives (model_overlay.h) */
			rc = b->delta.base_id == image_id && b->delta.nedited == nedited &&
			    model_overlay_edits(m, &b->meta, &b->delta, err, sizeof(err)) == 1;
			for (k = 0; k < nedited; k++)
				edited[k] = b->delta.edited[k].guid;
			b->meta.key = b->image_key;
		}
		if (rc && (b->changed.nvideos > 0 || b->delta.n > 0 || b->delta.nedited > 0)) {
			int orc;

			/* the rows' sum as the overlay leaves them: its changed
			 * rows' terms taken out, then put back at their new prints */
			sum -= model_overlay_terms(&b->meta, &b->changed);
			orc = b->changed.nvideos == 0 ? 1 :
			    model_overlay(m, &b->meta, &b->changed, &mo, err, sizeof(err));
			sum += model_overlay_terms(&b->meta, &b->changed);

			rc = orc > 0;
			b->overlaid = b->changed.nvideos;
			b->dirty = rc && b->changed.nvideos > 0;
			/* moved videos: the image's indices are not the model's */
			if (orc != 1 || changed_since_last(b, &b->meta) == -1)
				b->base_id = 0;
			else	/* the image stays, its delta says the rest (plan_delta) */
				keep = 1;
		}
		b->model_id = rc ? model_image_id_of(&b->meta, sum) : 0;
		if (rc && keep && plan_delta(b, image_id, m, edited, nedited))
			b->dirty = 0;
		else if (nedited > 0)
			rc = 0;	/* an image of content/ now goes with its snapshot: merged */
	}
	if (rc != 1) {
		model_free(m);
		model_image_meta_free(&b->meta);
		b->overlaid = 0;
		b->dirty = 0;
		b->delta_save = 0;
		b->model_id = b->base_id = 0;
		free(b->changed_videos);
		b->changed_videos = NULL;
		b->nchanged_videos = 0;
		/* the peek stays for base_from_image(), its changed rows
		 * whole: an overlay copies what it lays over (model_overlay.h) */
		return 0;
	}
	if (!b->quiet && b->meta.warnings != NULL)
		say_again(b->meta.warnings, strlen(b->meta.warnings));
	peek_drop(b);
	return 1;
}

/*
 * A merged model that is the image's with only some videos' fields
 * changed (model_diff.h) takes the last build's model id as its base (the
 * image's, or its delta's, whose videos then join them) and those videos
 * as the changed ones: the pages that read none of them keep their keys
 * (page_reads.h), as after an overlay.  A content/ edit of a title
 * or a description comes here (the image's key covers content/).  The
 * image's rows, mapped by the peek, tell first whether the same videos
 * are at the same places; the image is read only then (base_read).
 * Anything else leaves base_id 0: every page is keyed.
 */
static void
base_from_image(struct build_model *b, const struct model *m)
{
	size_t k;

	if (b->peek.nrows != b->meta.nrows)
		return;
	for (k = 0; k < b->meta.nrows; k++)
		if (b->peek.rows[k].video != b->meta.rows[k].video ||
		    strcmp(b->peek.rows[k].guid, b->meta.rows[k].guid) != 0)
			return;
	if (!base_read(b) ||
	    model_diff(&b->base_old, m, &b->changed_videos, &b->nchanged_videos) != 1)
		return;
	b->base_id = last_model(b, model_image_id(&b->base_meta));
	if (add_delta_videos(b, &b->meta) == -1)
		b->base_id = 0;
}

int
build_model_load(struct build_model *b, struct model *m, char *err, size_t errlen)
{
	int rc;

	memset(m, 0, sizeof(*m));
	if (b->image_key != 0 && b->peeked && from_image(b, m) == 1) {
		snprintf(b->how, sizeof(b->how), b->overlaid == 0 ? "from its image" :
		    "from its image + %zu changed row%s", b->overlaid, b->overlaid == 1 ? "" : "s");
		model_texts_fill(m);	/* the changed rows' videos */
		return 0;
	}
	snprintf(b->how, sizeof(b->how), "merged");
	b->content_overlaid = 0;
	b->content_entries = 0;
	rc = merge_all(b, m, err, errlen);
	if (rc == 0 && b->content_overlaid)
		snprintf(b->how, sizeof(b->how), "from its image + %zu content/ entr%s",
		    b->content_entries, b->content_entries == 1 ? "y" : "ies");
	else if (rc == 0 && b->model_id != 0)
		base_from_image(b, m);
	base_drop(b);
	peek_drop(b);
	/* before the image is written beside the build (build_model_save) */
	if (rc == 0)
		model_texts_fill(m);
	return rc;
}

static int
write_task(void *arg, char *err, size_t errlen)
{
	struct build_model *b = arg;

	return model_image_write(b->image_path, b->saving, &b->meta, err, errlen);
}

void
build_model_save(struct build_model *b, const struct model *m)
{
	char err[POOL_ERR_MAX];

	if (b->image_path[0] == '\0')
		return;
	if (b->delta_save && (b->next.n > 0 || b->next.nedited > 0)) {
		if (model_delta_write(b->delta_path, &b->next, err, sizeof(err)) == 0)
			return;
		/* the image then, which describes the model without one */
		if (!b->quiet)
			fprintf(stderr, "onlygen build: note: %s (the model image is written "
			    "instead)\n", err);
		b->dirty = 1;
	}
	/* the model is the image's (no delta), or a new image is written: a
	 * delta left would be of the last build's, or of an image gone */
	if (b->delta_path[0] != '\0')
		(void)unlink(b->delta_path);
	if (!b->dirty)
		return;
	b->saving = m;
	pool_bg_start(&b->writer, write_task, b);
}

void
build_model_finish(struct build_model *b)
{
	char err[POOL_ERR_MAX];

	if (b->saving != NULL && pool_bg_join(&b->writer, err, sizeof(err)) != 0 && !b->quiet)
		fprintf(stderr, "onlygen build: note: %s (the next build merges the model again)\n",
		    err);
	b->saving = NULL;
	/* a snapshot not written is a cache missed: the next build parses more */
	(void)pool_bg_join(&b->snapper, NULL, 0);	/* content/ freed by the last of it */
	b->snap_of = NULL;
	atomic_store(&b->stop, 1);
	base_wait(b);
	if (b->reading && pool_bg_join(&b->reader, NULL, 0) == 0)
		catalog_rows_free(&b->rows);
	b->reading = 0;
	peek_drop(b);
	model_image_meta_free(&b->meta);
	free(b->changed_videos);
	b->changed_videos = NULL;
}
