/*
 * build_model.c — the build's model, from its image or merged (build_model.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "buf.h"
#include "build_model.h"
#include "catalog_read.h"
#include "commands.h"
#include "content.h"
#include "content_snap.h"
#include "hash64.h"
#include "model_diff.h"
#include "model_merge.h"
#include "model_overlay.h"

/* More changed rows than this: merged whole (each is read on its own). */
#define OVERLAY_MAX	64
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

/* Forgets what peek() kept. */
static void
peek_drop(struct build_model *b)
{
	if (b->peeked)
		close(b->image_fd);
	b->peeked = 0;
	model_image_peek_free(&b->peek);
	catalog_rows_free(&b->changed);
}

static int
read_task(void *arg, char *err, size_t errlen)
{
	struct build_model *b = arg;

	return catalog_read(b->catalog_db, &b->rows, &b->stop, err, errlen) != 0 ? -1 : 0;
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
		int rc = catalog_read_changes(b->catalog_db, b->peek.rows, b->peek.nrows,
		    b->peek.collections, OVERLAY_MAX, &b->changed, &b->catalog_fp, err,
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
	/* the read overlaps the inputs' digest and content/'s load, unless the
	 * image spares it */
	if (b->image_path[0] == '\0' || !peek(b))
		reader_start(b);
}

/* The load's warnings: each said (unless quiet) and kept, a level letter and its line. */
struct said {
	struct buf	 lines;
	int		 quiet;
	int		 lost;	/* one did not fit: no image, which could not say them all */
};

static void
say(void *arg, enum report_level level, const char *msg)
{
	struct said *s = arg;

	if (!s->quiet)
		cli_report((void *)"onlygen", level, msg);
	if (!s->lost && (buf_putc(&s->lines, level == REPORT_WARNING ? 'W' : 'N') == -1 ||
	    buf_puts(&s->lines, msg) == -1 || buf_putc(&s->lines, '\n') == -1))
		s->lost = 1;
}

/* The warnings an image kept, said again. */
static void
say_again(const char *lines)
{
	const char *p = lines, *nl;
	char msg[REPORT_MAX];

	for (; p != NULL && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		snprintf(msg, sizeof(msg), "%.*s", (int)(nl - p - 1), p + 1);
		cli_report((void *)"onlygen", p[0] == 'W' ? REPORT_WARNING : REPORT_NOTE, msg);
	}
}

/* content/ and every catalog row, merged; the image's rows traced. */
static int
merge_all(struct build_model *b, struct model *m, char *err, size_t errlen)
{
	struct said s;
	struct reporter warn = { say, &s };
	struct model_opts mo = { b->cdn_host, &warn, b->base_url };
	struct content_snap snap;
	struct content c;
	int rc, printed;

	memset(&s, 0, sizeof(s));
	buf_init(&s.lines, WARNINGS_MAX);
	s.quiet = b->quiet;
	reader_start(b);
	b->snap_tree = 0;
	if (b->snap != NULL) {
		snap = *b->snap;
		snap.prev_tree = &b->snap_tree;
	}
	if (content_load_snap(&c, b->content_dir, &warn, b->snap != NULL ? &snap : NULL, err,
	    errlen) != 0) {
		buf_free(&s.lines);
		return -1;
	}
	b->reading = 0;
	if (pool_bg_join(&b->reader, err, errlen) != 0) {
		content_free(&c);
		buf_free(&s.lines);
		return -1;
	}
	/* rows without prints (an old catalog) make no image: it could not be
	 * brought up to date; nor does a build without a key */
	printed = b->rows.printed && b->image_key != 0;
	rc = model_merge_trace(m, &c, &b->rows, &mo, printed ? &b->meta : NULL, err, errlen);
	catalog_rows_free(&b->rows);
	content_free(&c);
	if (rc == 0 && printed && !s.lost && buf_putc(&s.lines, '\0') == 0) {
		b->meta.key = b->image_key;
		b->meta.warnings = s.lines.data;	/* the meta owns them now */
		s.lines.data = NULL;
		b->dirty = 1;
		b->model_id = model_image_id(&b->meta);
	}
	buf_free(&s.lines);
	return rc;
}

static int
row_guid_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct model_image_row *)row)->guid);
}

/* The videos the changed rows are (those shown), into b->changed_videos: 0 or -1. */
static int
changed_videos(struct build_model *b)
{
	size_t k;

	if ((b->changed_videos = malloc((b->changed.nvideos + 1) * sizeof(uint32_t))) == NULL)
		return -1;
	for (k = 0; k < b->changed.nvideos; k++) {
		const struct model_image_row *t = bsearch(b->changed.videos[k].guid, b->meta.rows,
		    b->meta.nrows, sizeof(*b->meta.rows), row_guid_cmp);

		if (t != NULL && t->video != MODEL_IMAGE_NONE)
			b->changed_videos[b->nchanged_videos++] = t->video;
	}
	return 0;
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
	struct model_opts mo = { b->cdn_host, NULL, b->base_url };
	char err[POOL_ERR_MAX];
	int rc = 0;

	if (b->peek.key == b->image_key &&
	    model_image_read_fd(b->image_fd, b->image_path, b->image_key, m, &b->meta, err,
	    sizeof(err)) == 1) {
		/* the rows the changes were found against are the image's */
		rc = b->meta.nrows == b->peek.nrows && (b->peek.nrows == 0 ||
		    memcmp(b->meta.rows, b->peek.rows, b->peek.nrows * sizeof(*b->peek.rows)) == 0);
		b->base_id = model_image_id(&b->meta);
		if (rc && b->changed.nvideos > 0) {
			int orc = model_overlay(m, &b->meta, &b->changed, &mo, err, sizeof(err));

			rc = orc > 0;
			b->overlaid = b->changed.nvideos;
			b->dirty = rc;
			/* moved videos: the image's indices are not the model's */
			if (orc != 1 || changed_videos(b) == -1)
				b->base_id = 0;
		}
		b->model_id = rc ? model_image_id(&b->meta) : 0;
	}
	if (rc != 1) {
		model_free(m);
		model_image_meta_free(&b->meta);
		b->overlaid = 0;
		b->dirty = 0;
		b->model_id = b->base_id = 0;
		free(b->changed_videos);
		b->changed_videos = NULL;
		b->nchanged_videos = 0;
		return 0;	/* the peek stays: base_from_image() */
	}
	if (!b->quiet)
		say_again(b->meta.warnings);
	peek_drop(b);
	return 1;
}

/*
 * A merged model that is the image's with only some videos' fields
 * changed (model_diff.h) takes the image's id as its base and those
 * videos as the changed ones: the pages that read none of them keep their
 * keys (page_reads.h), as after an overlay.  A content/ edit of a title
 * or a description comes here (the image's key covers content/).  The
 * image's rows, mapped by the peek, tell first whether the same videos
 * are at the same places; the image is read only then.  Anything else
 * leaves base_id 0: every page is keyed.
 */
static void
base_from_image(struct build_model *b, const struct model *m)
{
	struct model old;
	struct model_image_meta meta;
	char err[POOL_ERR_MAX];
	size_t k;

	/*
	 * The image was made by this onlygen, with these options and content/'s
	 * path, from the content/ the snapshot recorded: its key says so.  Only
	 * content/'s bytes differ, and the model says how.  An image of this
	 * very key was read already (from_image) and refused by the overlay,
	 * whose refusals are structure (test_model_overlay): not read again.
	 */
	if (!b->peeked || b->content_key == 0 || b->snap_tree == 0 || b->peek.key == 0 ||
	    b->peek.key == b->image_key ||
	    b->peek.key != build_model_key(b->content_key, b->snap_tree, b->cdn_host,
	    b->base_url) || b->peek.nrows != b->meta.nrows)
		return;
	for (k = 0; k < b->meta.nrows; k++)
		if (b->peek.rows[k].video != b->meta.rows[k].video ||
		    strcmp(b->peek.rows[k].guid, b->meta.rows[k].guid) != 0)
			return;
	if (model_image_read_fd(b->image_fd, b->image_path, b->peek.key, &old, &meta, err,
	    sizeof(err)) == 1 &&
	    model_diff(&old, m, &b->changed_videos, &b->nchanged_videos) == 1)
		b->base_id = model_image_id(&meta);
	model_image_meta_free(&meta);	/* before the model: its rows are the image's */
	model_free(&old);
}

int
build_model_load(struct build_model *b, struct model *m, char *err, size_t errlen)
{
	int rc;

	memset(m, 0, sizeof(*m));
	if (b->image_key != 0 && b->peeked && from_image(b, m) == 1) {
		snprintf(b->how, sizeof(b->how), b->overlaid == 0 ? "from its image" :
		    "from its image + %zu changed row%s", b->overlaid, b->overlaid == 1 ? "" : "s");
		return 0;
	}
	snprintf(b->how, sizeof(b->how), "merged");
	rc = merge_all(b, m, err, errlen);
	if (rc == 0 && b->model_id != 0)
		base_from_image(b, m);
	peek_drop(b);
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
	if (!b->dirty || b->image_path[0] == '\0')
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
	atomic_store(&b->stop, 1);
	if (b->reading && pool_bg_join(&b->reader, NULL, 0) == 0)
		catalog_rows_free(&b->rows);
	b->reading = 0;
	peek_drop(b);
	model_image_meta_free(&b->meta);
	free(b->changed_videos);
	b->changed_videos = NULL;
}
