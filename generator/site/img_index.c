/*
 * img_index.c — each video's image cache state kept between builds
 * (img_index.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "bytes.h"
#include "hash64.h"
#include "img_index.h"
#include "word8.h"

#define MAGIC		"onlygen imgidx\n"	/* 16 bytes with its NUL */
#define VERSION		1
#define H_VERSION	16
#define H_N		24
#define H_DIR		32	/* dev, ino, mtime_s, mtime_ns */
#define H_SUM		72
#define N_MAX		((size_t)1 << 28)

_Static_assert(sizeof(struct img_index_rec) == IMG_INDEX_REC, "a record is 64 bytes");
_Static_assert(sizeof(MAGIC) == 16, "the magic is 16 bytes");
_Static_assert(sizeof(((struct img_index_rec *)0)->key) == 16, "a key is two words (rec_ok)");

int
img_index_dir_of(const char *path, struct img_index_dir *d)
{
	struct stat sb;

	memset(d, 0, sizeof(*d));
	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return -1;
	d->dev = (uint64_t)sb.st_dev;
	d->ino = (uint64_t)sb.st_ino;
	d->mtime_s = (int64_t)sb.st_mtim.tv_sec;
	d->mtime_ns = (int64_t)sb.st_mtim.tv_nsec;
	return 0;
}

static void
head_dir(char *h, const struct img_index_dir *d)
{
	memcpy(h + H_DIR, &d->dev, 8);
	memcpy(h + H_DIR + 8, &d->ino, 8);
	memcpy(h + H_DIR + 16, &d->mtime_s, 8);
	memcpy(h + H_DIR + 24, &d->mtime_ns, 8);
}

static uint64_t
checksum(const char *head, const void *rec, size_t n)
{
	return h64_sum(h64(0, head, H_SUM), rec, n * IMG_INDEX_REC);
}

/* A record as the writer makes them: a guid that ends inside its field,
 * NULs after it, 16 hex digits, flags of 0 or 1. */
static int
rec_ok(const struct img_index_rec *r)
{
	size_t len = strnlen(r->guid, sizeof(r->guid)), k;
	uint64_t a, b;

	if (len == 0 || len == sizeof(r->guid) || r->zero != 0 || r->still > 1 ||
	    r->preview > 1 || r->no_preview > 1)
		return 0;
	for (k = len; k < sizeof(r->guid); k++)
		if (r->guid[k] != '\0')
			return 0;
	/*
	 * The key's bytes eight at a time, each a digit or a to f (none at
	 * 0x80 or above first, which word8_in() needs): a byte at a time
	 * this check was most of the index's load, 19-41 ms of every build's
	 * main thread at 100 000 videos with both cores busy
	 * (docs/benchmarks.md, issue 15).
	 */
	a = word8_load(r->key);
	b = word8_load(r->key + 8);
	return ((a | b) & WORD8_HIGHS) == 0 &&
	    (word8_in(a, '0', '9') | word8_in(a, 'a', 'f')) == WORD8_HIGHS &&
	    (word8_in(b, '0', '9') | word8_in(b, 'a', 'f')) == WORD8_HIGHS;
}

int
img_index_parse(struct img_index *ix, const void *data, size_t size,
    const struct img_index_dir *dir)
{
	const char *d = data;
	char want[IMG_INDEX_HEAD];
	uint64_t n;
	size_t i;

	memset(ix, 0, sizeof(*ix));
	if (size < IMG_INDEX_HEAD || memcmp(d, MAGIC, 16) != 0 || get64(d + H_VERSION) != VERSION)
		return 0;
	memset(want, 0, sizeof(want));
	head_dir(want, dir);
	n = get64(d + H_N);
	if (memcmp(d + H_DIR, want + H_DIR, 32) != 0 || n > N_MAX ||
	    size != IMG_INDEX_HEAD + n * IMG_INDEX_REC ||
	    checksum(d, d + IMG_INDEX_HEAD, n) != get64(d + H_SUM))
		return 0;
	for (i = 0; i < n; i++)
		if (!rec_ok((const struct img_index_rec *)(const void *)(d + IMG_INDEX_HEAD +
		    i * IMG_INDEX_REC)))
			return 0;
	ix->rec = (const struct img_index_rec *)(const void *)(d + IMG_INDEX_HEAD);
	ix->n = n;
	return 1;
}

int
img_index_load(struct img_index *ix, const char *path, const struct img_index_dir *dir)
{
	struct file_map map;

	memset(ix, 0, sizeof(*ix));
	if (file_map_path(path, IMG_INDEX_HEAD, IMG_INDEX_HEAD + N_MAX * IMG_INDEX_REC,
	    FILE_MAP_PREFAULT, &map) == -1)
		return 0;
	if (img_index_parse(ix, map.data, map.len, dir) != 1) {
		file_map_free(&map);
		return 0;
	}
	ix->map = map;
	return 1;
}

static size_t
guid_slot(const char *guid, size_t nslot)
{
	return (size_t)h64_str(0x696d672d69647831ULL, guid) & (nslot - 1);
}

/* The table by guid (open addressing, a power of two at least 2n). */
static int
index_by_guid(struct img_index *ix)
{
	size_t i, s, n = 16;

	while (n < 2 * ix->n)
		n *= 2;
	if ((ix->slot = calloc(n, sizeof(*ix->slot))) == NULL)
		return -1;
	ix->nslot = n;
	for (i = 0; i < ix->n; i++) {
		for (s = guid_slot(ix->rec[i].guid, n); ix->slot[s] != 0 &&
		    strcmp(ix->rec[ix->slot[s] - 1].guid, ix->rec[i].guid) != 0; s = (s + 1) & (n - 1))
			;
		if (ix->slot[s] == 0)
			ix->slot[s] = (uint32_t)(i + 1);	/* the first of a guid twice */
	}
	return 0;
}

static int
rec_is(const struct img_index_rec *r, const char *guid, const char *key)
{
	return strcmp(r->guid, guid) == 0 && memcmp(r->key, key, sizeof(r->key)) == 0;
}

const struct img_index_rec *
img_index_find(struct img_index *ix, size_t hint, const char *guid, const char *key,
    size_t *at)
{
	size_t s;

	if (ix->n == 0)
		return NULL;
	if (hint < ix->n && rec_is(&ix->rec[hint], guid, key)) {
		*at = hint;
		return &ix->rec[hint];
	}
	if (ix->slot == NULL && index_by_guid(ix) == -1)
		return NULL;
	for (s = guid_slot(guid, ix->nslot); ix->slot[s] != 0; s = (s + 1) & (ix->nslot - 1))
		if (strcmp(ix->rec[ix->slot[s] - 1].guid, guid) == 0) {
			if (!rec_is(&ix->rec[ix->slot[s] - 1], guid, key))
				return NULL;	/* another key: its files are not these */
			*at = ix->slot[s] - 1;
			return &ix->rec[*at];
		}
	return NULL;
}

void
img_index_free(struct img_index *ix)
{
	free(ix->slot);
	file_map_free(&ix->map);
	memset(ix, 0, sizeof(*ix));
}

int
img_index_save(const char *path, const struct img_index_dir *dir, size_t n,
    void (*get)(void *arg, size_t i, struct img_index_rec *rec), void *arg,
    char *err, size_t errlen)
{
	char *file;
	uint64_t v;
	size_t i, size;
	int rc;

	if (n > N_MAX || (file = calloc(1, IMG_INDEX_HEAD + n * IMG_INDEX_REC)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	size = IMG_INDEX_HEAD + n * IMG_INDEX_REC;
	memcpy(file, MAGIC, 16);
	v = VERSION;
	memcpy(file + H_VERSION, &v, 8);
	v = n;
	memcpy(file + H_N, &v, 8);
	head_dir(file, dir);
	for (i = 0; i < n; i++)
		get(arg, i, (struct img_index_rec *)(void *)(file + IMG_INDEX_HEAD + i * IMG_INDEX_REC));
	v = checksum(file, file + IMG_INDEX_HEAD, n);
	memcpy(file + H_SUM, &v, 8);
	if ((rc = file_write_atomic(path, file, size, 0600)) == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	free(file);
	return rc;
}
