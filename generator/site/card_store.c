/*
 * card_store.c — every video's card strings and key kept between builds
 * (card_store.h).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "card_store.h"
#include "near.h"
#include "file_replace.h"
#include "file_window.h"
#include "hash64.h"

#define HEAD			CARD_STORE_HEAD
#define REC			CARD_STORE_REC
#define H_KEY			16
#define H_N			24
#define H_NSTR			32
#define H_SUM			40
/* More records or bytes than this is no store (offsets are 64-bit, the
 * lookup's slots 32-bit). */
#define N_MAX			((size_t)1 << 28)
#define NSTR_MAX		((size_t)1 << 40)

struct card_store_rec {
	uint64_t	in;
	uint64_t	key;
	uint64_t	at;
	uint32_t	len;
	uint16_t	off[CARD_STORE_STRINGS];
	uint32_t	entry_size;
	uint32_t	pad;	/* zero */
	uint64_t	entry_hash;
	uint64_t	zero;
};

_Static_assert(sizeof(struct card_store_rec) == REC, "a record is 64 bytes");
_Static_assert(offsetof(struct card_store_rec, entry_hash) == 48, "no padding the compiler chose");
_Static_assert(sizeof(CARD_STORE_MAGIC) - 1 == 16, "the magic is 16 bytes");

static uint64_t
regions_sum(const char *rec, size_t nrec, const char *str, size_t nstr)
{
	uint64_t s[2];

	s[0] = h64_sum(0, rec, nrec);
	s[1] = h64_sum(0, str, nstr);
	return h64(0, s, sizeof(s));
}

int
card_store_parse(struct card_store *cs, const void *data, size_t size, uint64_t key)
{
	const char *d = data;
	uint64_t n, nstr;
	static const char zero[16];

	memset(cs, 0, sizeof(*cs));
	if (size < HEAD || memcmp(d, CARD_STORE_MAGIC, 16) != 0 || get64(d + H_KEY) != key ||
	    memcmp(d + HEAD - 16, zero, 16) != 0)
		return 0;
	n = get64(d + H_N);
	nstr = get64(d + H_NSTR);
	if (n > N_MAX || nstr > NSTR_MAX || size != HEAD + n * REC + nstr ||
	    (nstr == 0) != (n == 0) || (nstr > 0 && d[size - 1] != '\0') ||
	    regions_sum(d + HEAD, n * REC, d + HEAD + n * REC, nstr) != get64(d + H_SUM))
		return 0;
	cs->rec = (const struct card_store_rec *)(const void *)(d + HEAD);
	cs->n = n;
	cs->str = d + HEAD + n * REC;
	cs->nstr = nstr;
	return 1;
}

int
card_store_load(struct card_store *cs, const char *path, uint64_t key)
{
	struct file_map map;

	memset(cs, 0, sizeof(*cs));
	/*
	 * Mapped where the page cache has it: the strings a build takes are
	 * read in place, never copied into fresh memory.  Private and
	 * writable, as the model image: the card texts' pointers are not
	 * const, and a page written would be copied, the file never changed.
	 */
	if (key == 0 || file_map_path(path, HEAD, HEAD + N_MAX * REC + NSTR_MAX,
	    FILE_MAP_WRITE | FILE_MAP_PREFAULT, &map) == -1)
		return 0;
	if (card_store_parse(cs, map.data, map.len, key) != 1) {
		file_map_free(&map);
		return 0;
	}
	cs->map = map;
	return 1;
}

/* The record's strings into out when they lie inside the region: 1, else 0. */
static int
take(const struct card_store *cs, const struct card_store_rec *r, struct card_store_card *out)
{
	size_t k;

	if (r->in == 0 || r->at > cs->nstr || r->len > cs->nstr - r->at || r->len == 0)
		return 0;
	out->empty = 0;
	for (k = 0; k < CARD_STORE_STRINGS; k++) {
		size_t next = k + 1 < CARD_STORE_STRINGS ? r->off[k + 1] : r->len;

		if (r->off[k] >= r->len)
			return 0;
		/* the region ends with a NUL: each string ends inside it */
		out->s[k] = cs->str + r->at + r->off[k];
		if (next == (size_t)r->off[k] + 1)
			out->empty |= 1u << k;
	}
	out->in = r->in;
	out->key = r->key;
	out->entry_size = r->entry_size;
	out->entry_hash = r->entry_hash;
	out->rec = (size_t)(r - cs->rec);
	return 1;
}

/* The table by inputs hash (open addressing, a power of two at least 2n). */
static int
index_by_hash(struct card_store *cs)
{
	size_t i, n = 16;

	while (n < 2 * cs->n)
		n *= 2;
	if ((cs->slot = calloc(n, sizeof(*cs->slot))) == NULL)
		return -1;
	cs->nslot = n;
	for (i = 0; i < cs->n; i++) {
		size_t s = (size_t)cs->rec[i].in & (n - 1);

		if (cs->rec[i].in == 0)
			continue;
		while (cs->slot[s] != 0 && cs->rec[cs->slot[s] - 1].in != cs->rec[i].in)
			s = (s + 1) & (n - 1);
		if (cs->slot[s] == 0)
			cs->slot[s] = (uint32_t)(i + 1);	/* the first of equal hashes */
	}
	return 0;
}

int
card_store_find(const struct card_store *cs, size_t hint, uint64_t in,
    struct card_store_card *out)
{
	size_t lo, hi, i;

	if (in == 0 || cs->n == 0)
		return 0;
	if (hint < cs->n && cs->rec[hint].in == in)
		return take(cs, &cs->rec[hint], out);
	if (!near_window(hint, cs->n, &lo, &hi))
		return 0;
	for (i = lo; i < hi; i++)
		if (i != hint && cs->rec[i].in == in)
			return take(cs, &cs->rec[i], out);
	return 0;
}

int
card_store_find_any(struct card_store *cs, uint64_t in, struct card_store_card *out)
{
	size_t s;

	if (in == 0 || cs->n == 0)
		return 0;
	if (cs->slot == NULL && index_by_hash(cs) == -1)
		return 0;
	for (s = (size_t)in & (cs->nslot - 1); cs->slot[s] != 0; s = (s + 1) & (cs->nslot - 1))
		if (cs->rec[cs->slot[s] - 1].in == in)
			return take(cs, &cs->rec[cs->slot[s] - 1], out);
	return 0;
}

void
card_store_free(struct card_store *cs)
{
	free(cs->slot);
	file_map_free(&cs->map);
	memset(cs, 0, sizeof(*cs));
}

int
card_store_save(const char *path, uint64_t key, size_t n,
    void (*get)(void *arg, size_t i, struct card_store_card *card), void *arg,
    char *err, size_t errlen)
{
	struct file_window rw, sw;
	struct card_store_card c;
	char tmp[4200], head[HEAD], *bufs = NULL;
	size_t i, k, at = 0, nstr = 0, len[CARD_STORE_STRINGS];
	uint64_t s[2];
	int fd = -1, werr = 0;

	if (n > N_MAX) {
		snprintf(err, errlen, "%s: too many cards to keep", path);
		return -1;
	}
	/* the strings region's length first: the records' end is where it starts */
	for (i = 0; i < n; i++) {
		size_t b = 0;

		get(arg, i, &c);
		for (k = 0; k < CARD_STORE_STRINGS; k++)
			b += strlen(c.s[k]) + 1;
		nstr += b;
	}
	if (nstr > NSTR_MAX) {
		snprintf(err, errlen, "%s: too many bytes to keep", path);
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	if ((bufs = calloc(2, FILE_WINDOW_CAP)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* as file_write_atomic (buf.h): no symlink followed at path.tmp */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(bufs);
		return -1;
	}
	file_window_begin(&rw, fd, &werr, bufs, HEAD);
	file_window_begin(&sw, fd, &werr, bufs + FILE_WINDOW_CAP, HEAD + n * REC);
	for (i = 0; i < n; i++) {
		struct card_store_rec r;
		size_t b = 0;

		get(arg, i, &c);
		memset(&r, 0, sizeof(r));
		for (k = 0; k < CARD_STORE_STRINGS; k++) {
			len[k] = strlen(c.s[k]) + 1;
			r.off[k] = (uint16_t)(b <= CARD_STORE_BLOCK_MAX ? b : 0);
			b += len[k];
		}
		r.in = b <= CARD_STORE_BLOCK_MAX ? c.in : 0;
		r.key = c.key;
		r.entry_size = c.entry_size;
		r.entry_hash = c.entry_hash;
		r.at = at;
		r.len = (uint32_t)(b <= CARD_STORE_BLOCK_MAX ? b : 0);
		file_window_put(&rw, HEAD + i * REC, &r, sizeof(r));
		for (k = 0; k < CARD_STORE_STRINGS; k++) {
			file_window_put(&sw, HEAD + n * REC + at, c.s[k], len[k]);
			at += len[k];
		}
	}
	file_window_flush(&rw, HEAD + n * REC);
	file_window_flush(&sw, HEAD + n * REC + nstr);
	memset(head, 0, sizeof(head));
	memcpy(head, CARD_STORE_MAGIC, 16);
	memcpy(head + H_KEY, &key, 8);
	memcpy(head + H_N, &(uint64_t){ n }, 8);
	memcpy(head + H_NSTR, &(uint64_t){ nstr }, 8);
	s[0] = h64_sum_end(&rw.h);
	s[1] = h64_sum_end(&sw.h);
	memcpy(head + H_SUM, &(uint64_t){ h64(0, s, sizeof(s)) }, 8);
	file_write_at(fd, &werr, head, HEAD, 0);
	free(bufs);
	if (close(fd) == -1 && werr == 0)
		werr = errno;
	if (werr == 0 && at != nstr)
		werr = EIO;	/* a card changed between the two passes: a bug */
	if (werr == 0 && file_replace(tmp, path) == -1)
		werr = errno;
	if (werr != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(werr));
		unlink(tmp);
		return -1;
	}
	return 0;
}
