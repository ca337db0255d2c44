/*
 * access_rows.c — the per-row record of var/access.db.  See access_rows.h.
 *
 * File layout (native byte order: a cache of this machine's build, never
 * copied elsewhere):
 *   16 bytes  ACCESS_ROWS_MAGIC
 *   6 x u64   the table's st_dev, st_ino, st_size, st_mtim (s, ns), rows n
 *   n x 56    rows: u64 guid hash, u64 row hash, 36-byte guid, 4 zero bytes
 *   u64       h64 of everything before it, seeded with the table's
 *             schema version (a record of another version is not used)
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
#include "hash64.h"

#define ACCESS_ROWS_MAGIC	"onlygen-arows-2\n"
#define HEAD_BYTES		(16 + 6 * 8)
#define REC_BYTES		56
#define ROWS_MAX		((size_t)1 << 26)	/* 64M rows: 3.5 GiB of record, far past any library */

static uint64_t
row_hash(const struct video *v)
{
	uint64_t h = h64_str(0x61726f7773000001ULL, v->guid);

	h = h64_int(h, v->access);
	h = h64_str(h, access_level_name(v->access));
	h = h64_str(h, v->cdn_host);
	h = h64_int(h, v->length);
	return h64_str(h, v->title ? v->title : "");
}

static int
cmp_g(const void *a, const void *b)
{
	const struct arow *x = a, *y = b;

	return x->g < y->g ? -1 : x->g > y->g;
}

int
access_plan_make(const struct model *m, struct access_plan *ap)
{
	struct arow *r;
	uint64_t sum = h64_int(0x6163636573730003ULL, (int64_t)m->nvideos);
	size_t i;

	memset(ap, 0, sizeof(*ap));
	if ((r = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*r))) == NULL)
		return -1;
	for (i = 0; i < m->nvideos; i++) {
		r[i].g = h64_str(0x61726f7773000002ULL, m->videos[i].guid);
		r[i].h = row_hash(&m->videos[i]);
		r[i].vid = i;
	}
	qsort(r, m->nvideos, sizeof(*r), cmp_g);
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
	if (sum != h64_sum(ACCESS_SCHEMA_VERSION, d, rec->len - 8))
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

int
access_rows_save(const char *file, const struct stat *db, const struct model *m,
    const struct arow *rows, size_t n, char *err, size_t errlen)
{
	struct buf b;
	uint64_t head[6], sum;
	static const char zero[4];
	size_t i;

	buf_init(&b, HEAD_BYTES + ROWS_MAX * REC_BYTES + 8);
	stamp(head, db, n);
	if (n > ROWS_MAX || buf_reserve(&b, HEAD_BYTES + n * REC_BYTES + 8) == -1 ||
	    buf_put(&b, ACCESS_ROWS_MAGIC, 16) == -1 || buf_put(&b, head, sizeof(head)) == -1)
		goto oom;
	for (i = 0; i < n; i++)
		if (buf_put(&b, &rows[i].g, 8) == -1 || buf_put(&b, &rows[i].h, 8) == -1 ||
		    buf_put(&b, m->videos[rows[i].vid].guid, GUID_LEN) == -1 ||
		    buf_put(&b, zero, 4) == -1)
			goto oom;
	sum = h64_sum(ACCESS_SCHEMA_VERSION, b.data, b.len);
	if (buf_put(&b, &sum, 8) == -1)
		goto oom;
	if (file_write_atomic(file, b.data, b.len, 0600) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", file);
	buf_free(&b);
	return -1;
}
