/*
 * page_reads.c — the watch and embed pages' reads, kept in STATE/page-reads
 * (page_reads.h).
 *
 * The file never leaves the machine that wrote it (its model id covers
 * the onlygen binary): integers in the machine's order.
 *
 *   header   64 bytes: magic, version, model id, shared key, videos, reads,
 *            checksum (h64 of every byte after the header)
 *   videos   40 bytes each: images' state, watch key, embed key, then the
 *            watch page's reads (offset, count) and the embed page's
 *   reads    4 bytes each: video indices
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash64.h"
#include "page_reads.h"
#include "pool.h"

#define MAGIC		"onlygen preads\n"	/* 16 bytes with its NUL */
#define VERSION		1u
#define HEADER		64
#define RECORD		40
#define WINDOW		((size_t)256 << 10)

struct header {
	char		magic[16];
	uint32_t	version;
	uint32_t	zero;
	uint64_t	model_id;
	uint64_t	skey;
	uint64_t	nvideos;
	uint64_t	nreads;
	uint64_t	sum;
};
_Static_assert(sizeof(struct header) == HEADER, "page-reads header layout");

_Static_assert(sizeof(struct page_reads_rec_disk) == RECORD, "page-reads record layout");

int
page_reads_init(struct page_reads *t, size_t nvideos, uint64_t model_id, uint64_t skey)
{
	size_t i, n = nvideos ? nvideos : 1;

	memset(t, 0, sizeof(*t));
	t->model_id = model_id;
	t->skey = skey;
	t->nvideos = nvideos;
	t->vimg = calloc(n, sizeof(*t->vimg));
	t->slot = calloc(2 * n, sizeof(*t->slot));
	t->mem = calloc(POOL_MAX_WORKERS, sizeof(*t->mem));
	if (t->vimg == NULL || t->slot == NULL || t->mem == NULL) {
		page_reads_free(t);
		return -1;
	}
	for (i = 0; i < 2 * nvideos; i++)
		t->slot[i].n = PAGE_READS_NONE;
	for (i = 0; i < POOL_MAX_WORKERS; i++)
		arena_init(&t->mem[i]);
	return 0;
}

void
page_reads_free(struct page_reads *t)
{
	size_t i;

	for (i = 0; t->mem != NULL && i < POOL_MAX_WORKERS; i++)
		arena_free(&t->mem[i]);
	free(t->mem);
	free(t->vimg);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Every slot's range and reads within the file: 0, or -1. */
static int
check_slots(const struct page_reads_file *f, uint64_t nreads)
{
	size_t i;
	uint32_t k;
	int h;

	for (i = 0; i < f->nvideos; i++)
		for (h = 0; h < 2; h++) {
			const struct page_reads_rec_disk *r = &f->rec[i];

			if (r->n[h] == PAGE_READS_NONE)
				continue;
			if (r->n[h] > PAGE_READS_MAX || r->off[h] > nreads ||
			    r->n[h] > nreads - r->off[h])
				return -1;
			for (k = 0; k < r->n[h]; k++)
				if (f->reads[r->off[h] + k] >= f->nvideos)
					return -1;
		}
	return 0;
}

int
page_reads_parse(struct page_reads_file *f, const void *data, size_t size, uint64_t model_id,
    uint64_t skey, size_t nvideos)
{
	const char *d = data;
	struct header h;

	memset(f, 0, sizeof(*f));
	if (model_id == 0 || size < HEADER || nvideos > ((size_t)1 << 32) / RECORD ||
	    size - HEADER < nvideos * RECORD ||
	    (size - HEADER - nvideos * RECORD) % sizeof(uint32_t) != 0)
		return 0;
	memcpy(&h, d, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0 || h.version != VERSION || h.zero != 0 ||
	    h.model_id != model_id || h.skey != skey || h.nvideos != nvideos ||
	    h.nreads != (size - HEADER - nvideos * RECORD) / sizeof(uint32_t) ||
	    h64(0, d + HEADER, size - HEADER) != h.sum)
		return 0;
	f->nvideos = nvideos;
	f->rec = (const struct page_reads_rec_disk *)(d + HEADER);
	f->reads = (const uint32_t *)(d + HEADER + nvideos * RECORD);
	if (check_slots(f, h.nreads) == -1) {
		memset(f, 0, sizeof(*f));
		return 0;
	}
	return 1;
}

int
page_reads_load(struct page_reads_file *f, const char *path, uint64_t model_id,
    uint64_t skey, size_t nvideos)
{
	struct stat st;
	void *data = MAP_FAILED;
	int fd;

	memset(f, 0, sizeof(*f));
	if (model_id == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/*
	 * No larger than nvideos' records and the most reads they can have.
	 * Mapped, its pages in one call: the file is read once, in place (a
	 * read() into a new block was a copy and a page fault per 4 kB, most
	 * of the load at 100 000 videos on a machine whose faults are slow).
	 */
	if (fstat(fd, &st) == 0 && st.st_size >= HEADER &&
	    nvideos <= ((size_t)1 << 32) / RECORD &&
	    (uint64_t)st.st_size <= HEADER + (uint64_t)nvideos * (RECORD +
	    2 * PAGE_READS_MAX * sizeof(uint32_t)))
		data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return 0;
	if (page_reads_parse(f, data, (size_t)st.st_size, model_id, skey, nvideos) != 1) {
		munmap(data, (size_t)st.st_size);
		return 0;
	}
	f->data = data;
	f->size = (size_t)st.st_size;
	return 1;
}

void
page_reads_file_free(struct page_reads_file *f)
{
	if (f->data != NULL)
		munmap(f->data, f->size);
	memset(f, 0, sizeof(*f));
}

int
page_reads_carry(struct page_reads *t, const struct page_reads_file *f, size_t s,
    uint64_t key, const uint8_t *changed)
{
	const struct page_reads_rec_disk *r = &f->rec[s / 2];
	int h = (int)(s % 2);
	const uint32_t *v = f->reads + r->off[h];
	uint32_t k;

	if (r->n[h] == PAGE_READS_NONE || r->key[h] != key || changed[s / 2])
		return 0;
	for (k = 0; k < r->n[h]; k++)
		if (changed[v[k]])
			return 0;
	t->slot[s].key = key;
	t->slot[s].v = v;
	t->slot[s].n = r->n[h];
	return 1;
}

int
page_reads_keep(struct page_reads *t, int worker, size_t s, uint64_t key,
    const struct page_reads_rec *rec)
{
	uint32_t *v;

	t->slot[s].key = key;
	t->slot[s].n = PAGE_READS_NONE;
	if (rec->over)
		return 0;
	if ((v = arena_take(&t->mem[worker], (rec->n ? rec->n : 1) * sizeof(*v))) == NULL)
		return -1;
	memcpy(v, rec->v, rec->n * sizeof(*v));
	t->slot[s].v = v;
	t->slot[s].n = (uint32_t)rec->n;
	return 0;
}

/* A window of the file being written: hashed, then pwrite()n at its offset. */
struct sink {
	int			fd;
	char			*buf;
	size_t			len;
	uint64_t		at;	/* the file offset of buf[0] */
	struct h64_stream	h;
	int			failed;
};

static void
sink_flush(struct sink *k)
{
	size_t done = 0;

	h64_update(&k->h, k->buf, k->len);
	while (!k->failed && done < k->len) {
		ssize_t w = pwrite(k->fd, k->buf + done, k->len - done, (off_t)(k->at + done));

		if (w > 0)
			done += (size_t)w;
		else if (w == 0 || errno != EINTR)
			k->failed = 1;
	}
	k->at += k->len;
	k->len = 0;
}

static void
sink_put(struct sink *k, const void *p, size_t n)
{
	if (k->len + n > WINDOW)
		sink_flush(k);
	memcpy(k->buf + k->len, p, n);
	k->len += n;
}

int
page_reads_save(const struct page_reads *t, const char *path, char *err, size_t errlen)
{
	struct header h;
	struct sink k;
	char tmp[4096];
	uint64_t nreads = 0;
	size_t i;
	int j, bad;

	for (i = 0; i < 2 * t->nvideos; i++)
		if (t->slot[i].n != PAGE_READS_NONE)
			nreads += t->slot[i].n;
	if (nreads > UINT32_MAX) {
		snprintf(err, errlen, "%s: too many reads to keep", path);
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	memset(&k, 0, sizeof(k));
	if ((k.buf = malloc(WINDOW)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((k.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(k.buf);
		return -1;
	}
	k.at = HEADER;
	h64_begin(&k.h, 0, (uint64_t)t->nvideos * RECORD + nreads * sizeof(uint32_t));
	nreads = 0;
	for (i = 0; i < t->nvideos; i++) {
		struct page_reads_rec_disk r;

		memset(&r, 0, sizeof(r));
		r.vimg = t->vimg[i];
		for (j = 0; j < 2; j++) {
			const struct page_reads_slot *sl = &t->slot[2 * i + (size_t)j];

			r.key[j] = sl->key;
			r.n[j] = sl->n;
			r.off[j] = sl->n == PAGE_READS_NONE ? 0 : (uint32_t)nreads;
			if (sl->n != PAGE_READS_NONE)
				nreads += sl->n;
		}
		sink_put(&k, &r, sizeof(r));
	}
	for (i = 0; i < 2 * t->nvideos; i++)
		if (t->slot[i].n != PAGE_READS_NONE && t->slot[i].n > 0)
			sink_put(&k, t->slot[i].v, t->slot[i].n * sizeof(uint32_t));
	sink_flush(&k);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	h.version = VERSION;
	h.model_id = t->model_id;
	h.skey = t->skey;
	h.nvideos = t->nvideos;
	h.nreads = nreads;
	h.sum = h64_end(&k.h);
	errno = 0;
	bad = k.failed || pwrite(k.fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h);
	if (close(k.fd) == -1)
		bad = 1;
	if (bad || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		free(k.buf);
		return -1;
	}
	free(k.buf);
	return 0;
}
