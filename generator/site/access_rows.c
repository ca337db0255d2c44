/*
 * access_rows.c — the per-row record of var/access.db.  See access_rows.h.
 *
 * File layout (native byte order: a cache of this machine's build, never
 * copied elsewhere):
 *   16 bytes  ACCESS_ROWS_MAGIC
 *   6 x u64   the table's st_dev, st_ino, st_size, st_mtim (s, ns), rows n
 *   n x 56    rows: u64 guid hash, u64 row hash, 36-byte guid, 4 zero bytes
 *   u64       h64_sum of everything before it (seed 0), mixed with the
 *             table's schema version (a record of another version is not used)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access_level.h"
#include "access_schema.h"
#include "access_rows.h"
#include "file_window.h"
#include "hash64.h"
#include "model_texts.h"
#include "radix_sort.h"

#define ACCESS_ROWS_MAGIC	"onlygen-arows-4\n"
#define HEAD_BYTES		(16 + 6 * 8)
#define REC_BYTES		56
#define ROWS_MAX		((size_t)1 << 26)	/* 64M rows: 3.5 GiB of record, far past any library */

/*
 * What the table's row of v holds: its access level, CDN host, length and
 * title.  The title enters through the texts' sum the model keeps
 * (model_texts.h: it changes with the title, and with the description,
 * whose row access_db.c then looks up in the table and finds the same:
 * rows_same): hashing the title read
 * 100 000 strings, a cache miss each, ~25 ms of this task at 100 000
 * videos (docs/benchmarks.md, issue 15).
 */
static uint64_t
row_hash(const struct video *v)
{
	uint64_t h = h64_str(0x61726f7773000001ULL, v->guid);

	h = h64_int(h, v->access);
	h = h64_str(h, access_level_name(v->access));
	h = h64_str(h, v->cdn_host);
	h = h64_int(h, v->length);
	return h64_int(h, (int64_t)model_texts(v));
}

/*
 * The rows in the order of their guid hashes.  Each row is hashed in the
 * videos' order (their strings read in the order they lie in), then the
 * hashes are sorted by radix_sort_u64() with each video's index and the
 * rows gathered in that order: a qsort() of the 24-byte rows was 12 ms of
 * the verifier's table task at 100 000 videos, and hashing the rows in
 * the sorted order, a cache miss per string, 25 ms (docs/benchmarks.md,
 * issue 15).  Equal hashes keep the videos' order.
 */
int
access_plan_make(const struct model *m, struct access_plan *ap)
{
	struct arow *r;
	uint64_t sum = h64_int(0x6163636573730003ULL, (int64_t)m->nvideos), *g, *h;
	size_t i, *vid, n = m->nvideos ? m->nvideos : 1;

	memset(ap, 0, sizeof(*ap));
	r = malloc(n * sizeof(*r));
	g = malloc(n * sizeof(*g));
	h = malloc(n * sizeof(*h));
	vid = malloc(n * sizeof(*vid));
	if (r == NULL || g == NULL || h == NULL || vid == NULL)
		goto oom;
	for (i = 0; i < m->nvideos; i++) {
		g[i] = h64_str(0x61726f7773000002ULL, m->videos[i].guid);
		h[i] = row_hash(&m->videos[i]);
		vid[i] = i;
	}
	if (radix_sort_u64(g, vid, m->nvideos) == -1)
		goto oom;
	for (i = 0; i < m->nvideos; i++) {
		r[i].g = g[i];
		r[i].h = h[vid[i]];
		r[i].vid = vid[i];
	}
	free(g);
	free(h);
	free(vid);
	ap->rows = r;
	ap->n = m->nvideos;
	ap->exact = 1;
	for (i = 0; i < m->nvideos; i++) {
		if (strlen(m->videos[i].guid) != GUID_LEN || (i > 0 && r[i].g == r[i - 1].g))
			ap->exact = 0;
		sum = h64_int(h64_int(sum, (int64_t)r[i].g), (int64_t)r[i].h);
	}
	ap->sum = sum;
	return 0;
oom:
	free(r);
	free(g);
	free(h);
	free(vid);
	return -1;
}

void
access_plan_free(struct access_plan *ap)
{
	free(ap->rows);
	memset(ap, 0, sizeof(*ap));
}

static void
stamp(uint64_t out[6], const struct stat *db, size_t n)
{
	out[0] = (uint64_t)db->st_dev;
	out[1] = (uint64_t)db->st_ino;
	out[2] = (uint64_t)db->st_size;
	out[3] = (uint64_t)db->st_mtim.tv_sec;
	out[4] = (uint64_t)db->st_mtim.tv_nsec;
	out[5] = (uint64_t)n;
}

int
access_rows_load(const char *file, const struct stat *db, struct file_map *rec)
{
	uint64_t want[6], got[6], sum;
	const char *d;
	size_t n;

	/* mapped, not read into a new block: the kernel zeroed that block
	 * before copying into it, ~50 ms of CPU at 100 000 videos (5.6 MB) on
	 * a machine whose fresh pages are slow (docs/benchmarks.md) */
	if (file_map_path(file, HEAD_BYTES + 8, HEAD_BYTES + ROWS_MAX * REC_BYTES + 8,
	    FILE_MAP_POPULATE, rec) == -1)
		return 0;
	d = rec->data;
	if (memcmp(d, ACCESS_ROWS_MAGIC, 16) != 0)
		goto no;
	memcpy(got, d + 16, sizeof(got));
	n = (size_t)got[5];
	stamp(want, db, n);
	if (memcmp(want, got, sizeof(got)) != 0 || n > ROWS_MAX ||
	    rec->len != HEAD_BYTES + n * REC_BYTES + 8)
		goto no;
	memcpy(&sum, d + rec->len - 8, 8);
	if (sum != h64_int(h64_sum(0, d, rec->len - 8), ACCESS_SCHEMA_VERSION))
		goto no;
	return 1;
no:
	file_map_free(rec);
	return 0;
}

size_t
access_rows_count(const struct file_map *rec)
{
	return (rec->len - HEAD_BYTES - 8) / REC_BYTES;
}

void
access_rows_get(const struct file_map *rec, size_t i, struct arow_rec *r)
{
	const char *p = (const char *)rec->data + HEAD_BYTES + i * REC_BYTES;

	memcpy(&r->g, p, 8);
	memcpy(&r->h, p + 8, 8);
	memcpy(r->guid, p + 16, GUID_LEN);
	r->guid[GUID_LEN] = '\0';
}

/*
 * Written through a window (file_window.h: file.tmp renamed in), not built
 * whole first: a new 5.6 MB block at 100 000 videos, faulted in page by
 * page, was most of the 20 ms this took on the verifier's table task.
 */
int
access_rows_save(const char *file, const struct stat *db, const struct model *m,
    const struct arow *rows, size_t n, char *err, size_t errlen)
{
	struct file_out o;
	uint64_t head[6], sum;
	static const char zero[4];
	size_t i;

	if (n > ROWS_MAX) {
		snprintf(err, errlen, "%s: %zu rows, more than a record holds", file, n);
		return -1;
	}
	if (file_out_open(&o, file, 0, err, errlen) == -1)
		return -1;
	stamp(head, db, n);
	file_out_put(&o, ACCESS_ROWS_MAGIC, 16);
	file_out_put(&o, head, sizeof(head));
	for (i = 0; i < n; i++) {
		file_out_put(&o, &rows[i].g, 8);
		file_out_put(&o, &rows[i].h, 8);
		file_out_put(&o, m->videos[rows[i].vid].guid, GUID_LEN);
		file_out_put(&o, zero, 4);
	}
	sum = h64_int(file_out_sum(&o), ACCESS_SCHEMA_VERSION);
	file_out_put(&o, &sum, 8);
	return file_out_close(&o, NULL, 0, HEAD_BYTES + n * REC_BYTES + 8, err, errlen);
}
