/*
 * site_write.c — atomic per-file publishing and the site manifest.  See
 * site_write.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "buf.h"
#include "file_replace.h"
#include "hash64.h"
#include "hex16.h"
#include "huge_pages.h"
#include "site_write.h"

#define MANIFEST_MAGIC	"onlygen-site-manifest 1"
#define IMAGES_MAGIC	"onlygen-site-images 1"
/* A manifest line's fewest bytes: key, ' ', sum, ' ', a path's one byte, '\n'. */
#define MIN_LINE	(16 + 1 + 16 + 1 + 1 + 1)
#define MANIFEST_MAX	((size_t)1 << 30)	/* 1 GiB: ~10M pages */

/*
 * A slot holds the top 32 bits of its path's hash over 1 + the entry's
 * index: a probe past another path compares the tags, and reads neither
 * that entry nor its path (each a cache miss in a table of 200 000) unless
 * the tags match.
 */
#define SLOT_IDX(v)	((size_t)((v) & 0xffffffffu))
#define SLOT_TAG(h)	((h) >> 32)
#define SLOT_OF(h, i)	(SLOT_TAG(h) << 32 | (uint64_t)(i))

static int
mf_grow_slots(struct manifest *mf)
{
	size_t nslot = mf->nslot ? mf->nslot * 2 : 1024, i, at;
	uint64_t *slot = calloc(nslot, sizeof(*slot)), h;

	if (slot == NULL)
		return -1;
	for (i = 0; i < mf->n; i++) {
		h = h64_str(0, mf->e[i].path);
		at = (size_t)h & (nslot - 1);
		while (slot[at] != 0)
			at = (at + 1) & (nslot - 1);
		slot[at] = SLOT_OF(h, i + 1);
	}
	free(mf->slot);
	mf->slot = slot;
	mf->nslot = nslot;
	return 0;
}

/* path's slot (0: not there, the one to fill), h its hash. */
static uint64_t *
mf_slot_h(const struct manifest *mf, const char *path, uint64_t h)
{
	uint64_t tag = SLOT_TAG(h);
	size_t at;

	if (mf->nslot == 0)
		return NULL;
	at = (size_t)h & (mf->nslot - 1);
	while (mf->slot[at] != 0 && (SLOT_TAG(mf->slot[at]) != tag ||
	    strcmp(mf->e[SLOT_IDX(mf->slot[at]) - 1].path, path) != 0))
		at = (at + 1) & (mf->nslot - 1);
	return &mf->slot[at];
}

/* The same, hashing path, its hash into *hp (may be NULL). */
static uint64_t *
mf_slot(const struct manifest *mf, const char *path, uint64_t *hp)
{
	uint64_t h = h64_str(0, path);

	if (hp != NULL)
		*hp = h;
	return mf_slot_h(mf, path, h);
}

const struct mf_entry *
manifest_find(const struct manifest *mf, const char *path)
{
	uint64_t *s = mf_slot(mf, path, NULL);

	return (s == NULL || *s == 0) ? NULL : &mf->e[SLOT_IDX(*s) - 1];
}

/* 1 when p points into a loaded file's text (not a copy of its own). */
static int
in_text(const struct manifest *mf, const char *p)
{
	uintptr_t a = (uintptr_t)p, t;
	int i;

	for (i = 0; i < MANIFEST_TEXTS; i++) {
		t = (uintptr_t)mf->text[i].data;
		if (mf->text[i].data != NULL && a >= t && a < t + mf->text[i].len)
			return 1;
	}
	return 0;
}

/* Adds path (hash h), which the caller made sure is not in mf, as it is
 * (owned by one of mf->text) or copied.  0 or -1 (out of memory). */
static int
mf_add(struct manifest *mf, uint64_t *s, uint64_t h, const char *path, int copy,
    uint64_t key, uint64_t sum)
{
	struct mf_entry *e;

	if (mf->n >= UINT32_MAX - 1)
		return -1;	/* a slot's index is 32 bits */
	if (mf->n == mf->cap) {
		size_t cap = mf->cap ? mf->cap * 2 : 1024;

		e = realloc(mf->e, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		mf->e = e;
		mf->cap = cap;
	}
	e = &mf->e[mf->n];
	if ((e->path = copy ? strdup(path) : (char *)path) == NULL)
		return -1;
	e->key = key;
	e->sum = sum;
	*s = SLOT_OF(h, ++mf->n);
	return 0;
}

const struct mf_entry *
manifest_find_near(const struct manifest *mf, const char *path, size_t i, ptrdiff_t *shift)
{
	const struct mf_entry *e;
	size_t at = (size_t)((ptrdiff_t)i + *shift);

	if (mf->n == 0)
		return NULL;
	if (at < mf->n && strcmp(mf->e[at].path, path) == 0)
		return &mf->e[at];
	if ((e = manifest_find(mf, path)) != NULL)
		*shift = (e - mf->e) - (ptrdiff_t)i;
	return e;
}

int
manifest_put(struct manifest *mf, const char *path, uint64_t key, uint64_t sum)
{
	uint64_t *s, h;

	if ((mf->n + 1) * 2 > mf->nslot && mf_grow_slots(mf) == -1)
		return -1;
	s = mf_slot(mf, path, &h);
	if (*s != 0) {
		mf->e[SLOT_IDX(*s) - 1].key = key;
		mf->e[SLOT_IDX(*s) - 1].sum = sum;
		return 0;
	}
	return mf_add(mf, s, h, path, 1, key, sum);
}

void
manifest_free(struct manifest *mf)
{
	size_t i;

	for (i = 0; i < mf->n; i++)
		if (!in_text(mf, mf->e[i].path))
			free(mf->e[i].path);
	free(mf->e);
	free(mf->slot);
	for (i = 0; i < MANIFEST_TEXTS; i++)
		file_map_free(&mf->text[i]);
	memset(mf, 0, sizeof(*mf));
}

/*
 * Exactly 16 lower-case hex digits at s (a manifest field): 0 or -1.
 * Without a branch per digit: a manifest's keys and sums are random
 * digits, and a test for '0'-'9' then 'a'-'f' guessed wrong on about every
 * other one.  With SSE2 (every x86-64) the 16 at once: 1 400 000 fields
 * with every image mirrored, a sixth of the manifest's load a digit at a
 * time; elsewhere through a table.
 */
#if defined(__SSE2__)
static int
hex16(const char *s, uint64_t *v)
{
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i d = _mm_sub_epi8(c, _mm_set1_epi8('0'));
	__m128i l = _mm_sub_epi8(c, _mm_set1_epi8('a'));
	/* unsigned x <= max: min(x, max) == x */
	__m128i dig = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	__m128i low = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);
	__m128i x, pair;
	uint64_t be;

	if (_mm_movemask_epi8(_mm_or_si128(dig, low)) != 0xffff)
		return -1;
	/* each byte its digit's value, the first digit the most significant */
	x = _mm_or_si128(_mm_and_si128(dig, d),
	    _mm_and_si128(low, _mm_add_epi8(l, _mm_set1_epi8(10))));
	/* each 16-bit lane (digits 2k, 2k + 1) to the byte 2k << 4 | 2k + 1 */
	pair = _mm_and_si128(_mm_or_si128(_mm_slli_epi16(x, 4), _mm_srli_epi16(x, 8)),
	    _mm_set1_epi16(0xff));
	_mm_storel_epi64((__m128i *)(void *)&be, _mm_packus_epi16(pair, pair));
	*v = __builtin_bswap64(be);
	return 0;
}
#else
/* A lower-case hex digit's value + 1; 0 for any other byte. */
static const unsigned char hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static int
hex16(const char *s, uint64_t *v)
{
	unsigned bad = 0, d;
	uint64_t x = 0;
	int i;

	for (i = 0; i < 16; i++) {
		d = (unsigned)hex_plus1[(unsigned char)s[i]] - 1;	/* > 15: not a digit */
		bad |= d;
		x = x << 4 | (d & 15);
	}
	if (bad > 15)
		return -1;
	*v = x;
	return 0;
}
#endif

/* Slots hashed this many entries ahead of the one inserted: its slot is
 * fetched meanwhile (a table of 512 K slots at 100 000 videos). */
#define MF_AHEAD	8

/*
 * Indexes the n entries just parsed, in order, a path listed twice
 * keeping its first place and its last line's key and sum; the entries
 * are compacted over the repeated ones.  The table is sized for them.
 */
static void
mf_index(struct manifest *mf)
{
	uint64_t ring[MF_AHEAD], h, *s;
	size_t lines = mf->n, j, n = 0;

	for (j = 0; j < lines && j < MF_AHEAD; j++) {
		ring[j] = h64_str(0, mf->e[j].path);
		__builtin_prefetch(&mf->slot[(size_t)ring[j] & (mf->nslot - 1)], 1);
	}
	for (j = 0; j < lines; j++) {
		h = ring[j % MF_AHEAD];
		if (j + MF_AHEAD < lines) {
			/* entry j + MF_AHEAD is not yet overwritten (n <= j) */
			uint64_t ha = h64_str(0, mf->e[j + MF_AHEAD].path);

			ring[j % MF_AHEAD] = ha;
			__builtin_prefetch(&mf->slot[(size_t)ha & (mf->nslot - 1)], 1);
		}
		s = mf_slot_h(mf, mf->e[j].path, h);
		if (*s != 0) {	/* a path listed twice: the last line wins */
			mf->e[SLOT_IDX(*s) - 1].key = mf->e[j].key;
			mf->e[SLOT_IDX(*s) - 1].sum = mf->e[j].sum;
			continue;
		}
		mf->e[n] = mf->e[j];
		*s = SLOT_OF(h, ++n);
	}
	mf->n = n;
}

/* Which file a text is, and so its first line. */
enum { TEXT_SITE, TEXT_IMAGES };

/* The first line of a text t: its fields into heads.  0 or -1. */
static int
read_head(int t, const char *line, uint64_t heads[2])
{
	unsigned long long a = 0, b = 0;
	size_t n = 0;
	int got;

	if (t == TEXT_SITE) {
		/* access.db's checksum, then the image set's key (none before
		 * the images had a manifest of their own: 0) */
		if ((got = sscanf(line, MANIFEST_MAGIC " %llx %llx", &a, &b)) < 1)
			return -1;
		heads[0] = a;
		heads[1] = got == 2 ? b : 0;
		return 0;
	}
	if (sscanf(line, IMAGES_MAGIC " %llx %zu", &a, &n) != 2)
		return -1;
	heads[0] = a;
	heads[1] = n;
	return 0;
}

/*
 * Parses file (text t) into entries after mf's n, its text kept in
 * mf->text[t], then indexes them all.  0 (added: a missing file adds
 * none), 1 (damaged: nothing added, *lineno its bad line), -1 (out of
 * memory, in err; mf as it was).
 */
static int
load_text(struct manifest *mf, int t, const char *file, uint64_t heads[2], size_t *lineno,
    char *err, size_t errlen)
{
	char *text, *line, *nl, *end, *w;
	uint64_t k, sum, *slot;
	size_t len, from = mf->n, cap, nslot;
	struct mf_entry *e;

	*lineno = 1;
	/*
	 * A private copy: the parse writes in place (NULs, the paths moved
	 * down).  Read into huge pages where the kernel gives them, else
	 * mapped privately with every page copied in one call: at 100 000
	 * videos (17 MB) a read() into 4 kB pages cost ~80 ms, the mapping
	 * 52 ms, the read into huge pages 15 ms (700 000 entries, 60 MB: 157
	 * and 77 ms; docs/benchmarks.md).  The entries' paths point into it
	 * from now on: manifest_free() unmaps it.
	 */
	if (file_map_path(file, 0, MANIFEST_MAX, FILE_MAP_COPY, &mf->text[t]) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	text = mf->text[t].data;
	len = mf->text[t].len;
	if (len == 0)
		goto bad;
	line = text;
	end = text + len;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl == NULL)
		goto bad;
	*nl = '\0';
	if (read_head(t, line, heads) == -1)
		goto bad;
	/*
	 * One entry per line, and a line is at least MIN_LINE bytes: the
	 * entries' block is sized from the file's length, not from a pass
	 * counting its lines (its pages past the last entry are never
	 * touched); the table by path is sized once the entries are known.
	 */
	cap = from + (size_t)(end - nl) / MIN_LINE + 1;
	if ((e = realloc(mf->e, cap * sizeof(*e))) == NULL)
		goto oom;
	mf->e = e;
	mf->cap = cap;
	/* The paths are moved down over what was parsed (w never passes the
	 * line being read), so the pages they are on are the first ones.
	 * Every line is an entry here; mf_index() then drops the repeated
	 * paths. */
	w = text;
	for (line = nl + 1; line < end; line = nl + 1) {
		size_t plen;

		++*lineno;
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			goto bad;
		*nl = '\0';
		plen = (size_t)(nl - line) - 34;	/* not read unless nl - line > 34 */
		if (nl - line <= 34 || nl - line >= 34 + SITE_PATH_MAX ||
		    hex16(line, &k) == -1 || line[16] != ' ' ||
		    hex16(line + 17, &sum) == -1 || line[33] != ' ' ||
		    !site_path_okn(line + 34, plen))
			goto bad;
		if (mf->n == mf->cap)
			goto bad;	/* cannot happen: one entry per line */
		memmove(w, line + 34, plen + 1);
		mf->e[mf->n++] = (struct mf_entry){ w, k, sum };
		w += plen + 1;
	}
	if (mf->n >= UINT32_MAX - 1)
		goto oom;	/* a slot's index is 32 bits */
	for (nslot = 1024; nslot < mf->n * 2; nslot *= 2)
		;
	if ((slot = calloc(nslot, sizeof(*slot))) == NULL)
		goto oom;
	free(mf->slot);
	mf->slot = slot;
	mf->nslot = nslot;
	/* 16 MB for 700 000 entries, probed at random: 2 MB pages, not a TLB
	 * miss a probe (huge_pages.h) */
	huge_pages_hint(mf->slot, mf->nslot * sizeof(*mf->slot));
	mf_index(mf);
	/* the rest of the text, past the paths, is not read again: the
	 * whole pages after them are given back */
	file_map_drop_after(&mf->text[t], w);
	return 0;
bad:
	mf->n = from;
	file_map_free(&mf->text[t]);
	return 1;
oom:
	snprintf(err, errlen, "%s: out of memory", file);
	mf->n = from;
	file_map_free(&mf->text[t]);
	return -1;
}

int
manifest_load(struct manifest *mf, const char *file,
    const struct reporter *rep, char *err, size_t errlen)
{
	uint64_t heads[2] = { 0, 0 };
	size_t lineno;
	int rc;

	memset(mf, 0, sizeof(*mf));
	if ((rc = load_text(mf, TEXT_SITE, file, heads, &lineno, err, errlen)) == -1) {
		manifest_free(mf);
		return -1;
	}
	if (rc == 1) {
		/* A damaged manifest only costs a full comparison: start empty. */
		report(rep, REPORT_WARNING, "%s:%zu: unreadable manifest line; comparing every file",
		    file, lineno);
		manifest_free(mf);
		return 0;
	}
	mf->access_sum = heads[0];
	mf->images_key = heads[1];
	return 0;
}

int
manifest_load_images(struct manifest *mf, const char *file,
    const struct reporter *rep, char *err, size_t errlen)
{
	uint64_t heads[2];
	size_t lineno;
	int rc;

	if (mf->text[TEXT_IMAGES].base != NULL) {
		snprintf(err, errlen, "%s: loaded twice", file);
		return -1;
	}
	if ((rc = load_text(mf, TEXT_IMAGES, file, heads, &lineno, err, errlen)) == 1)
		report(rep, REPORT_WARNING, "%s:%zu: unreadable manifest line; comparing every "
		    "image", file, lineno);
	return rc == -1 ? -1 : 0;
}

int
manifest_images_head(const char *file, uint64_t *key, size_t *n)
{
	char line[128];
	uint64_t heads[2];
	ssize_t got;
	char *nl;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	got = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (got <= 0)
		return 0;
	line[got] = '\0';
	if ((nl = strchr(line, '\n')) == NULL)
		return 0;
	*nl = '\0';
	if (read_head(TEXT_IMAGES, line, heads) == -1)
		return 0;
	*key = heads[0];
	*n = (size_t)heads[1];
	return 1;
}

int
manifest_save(const struct manifest *mf, const char *file, char *err, size_t errlen)
{
	return manifest_save_entries(mf->e, mf->n, mf->access_sum, mf->images_key, file, err,
	    errlen);
}

/* Appends one entry's line: key, sum, path.  0 or -1 (full). */
static int
put_line(struct buf *b, const struct mf_entry *e)
{
	size_t n = strlen(e->path);
	char *p;

	if (buf_reserve(b, 34 + n + 1) == -1)
		return -1;
	p = b->data + b->len;
	hex16_put(p, e->key);
	p[16] = ' ';
	hex16_put(p + 17, e->sum);
	p[33] = ' ';
	memcpy(p + 34, e->path, n);
	p[34 + n] = '\n';
	b->len += 34 + n + 1;
	b->data[b->len] = '\0';
	return 0;
}

/* Bytes formatted before each write(2): the manifest is streamed, never
 * held whole in memory (17 MB at 100 000 videos). */
#define MANIFEST_CHUNK	((size_t)1 << 20)

/* The n entries at e to file, after the first line head.  0 or -1 with err. */
static int
save_lines(const char *head, const struct mf_entry *e, size_t n, const char *file, char *err,
    size_t errlen)
{
	struct buf b;
	char tmp[4096];
	size_t i, total = 0;
	int fd, ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", file);
		return -1;
	}
	buf_init(&b, MANIFEST_CHUNK + 64 + SITE_PATH_MAX);
	if (buf_reserve(&b, MANIFEST_CHUNK + 64 + SITE_PATH_MAX - 1) == -1 ||
	    buf_printf(&b, "%s\n", head) == -1) {
		snprintf(err, errlen, "%s: out of memory", file);
		buf_free(&b);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok = fd != -1;
	for (i = 0; ok && i < n; i++) {
		if (strlen(e[i].path) >= SITE_PATH_MAX) {
			errno = ENAMETOOLONG;
			ok = 0;
		} else if (put_line(&b, &e[i]) == -1) {
			ok = 0;
		} else if (b.len >= MANIFEST_CHUNK) {
			total += b.len;
			ok = total <= MANIFEST_MAX && fd_write_all(fd, b.data, b.len) == 0;
			if (total > MANIFEST_MAX)
				errno = EFBIG;
			buf_reset(&b);
		}
	}
	if (ok && b.len > 0)
		ok = fd_write_all(fd, b.data, b.len) == 0;
	if (fd != -1 && close(fd) == -1)
		ok = 0;
	if (!ok || rename(tmp, file) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		if (fd != -1)
			unlink(tmp);
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	return 0;
}

int
manifest_save_entries(const struct mf_entry *e, size_t n, uint64_t access_sum,
    uint64_t images_key, const char *file, char *err, size_t errlen)
{
	char head[128];

	snprintf(head, sizeof(head), MANIFEST_MAGIC " %016" PRIx64 " %016" PRIx64, access_sum,
	    images_key);
	return save_lines(head, e, n, file, err, errlen);
}

int
manifest_save_images(const struct mf_entry *e, size_t n, uint64_t key, const char *file,
    char *err, size_t errlen)
{
	char head[128];

	snprintf(head, sizeof(head), IMAGES_MAGIC " %016" PRIx64 " %zu", key, n);
	return save_lines(head, e, n, file, err, errlen);
}

/*
 * The bytes of a path: 1 a name's character, 2 one that may not start a
 * segment ('.' and '/'), 0 refused.  A table, not a chain of tests: the
 * manifest's 200 000 paths are checked at every build.
 */
#define PC_NAME	1
#define PC_NOT_FIRST 2
static const unsigned char path_class[256] = {
	['-'] = PC_NAME, ['_'] = PC_NAME, ['.'] = PC_NAME | PC_NOT_FIRST,
	['/'] = PC_NAME | PC_NOT_FIRST,
	['0'] = PC_NAME, ['1'] = PC_NAME, ['2'] = PC_NAME, ['3'] = PC_NAME, ['4'] = PC_NAME,
	['5'] = PC_NAME, ['6'] = PC_NAME, ['7'] = PC_NAME, ['8'] = PC_NAME, ['9'] = PC_NAME,
	['A'] = PC_NAME, ['B'] = PC_NAME, ['C'] = PC_NAME, ['D'] = PC_NAME, ['E'] = PC_NAME,
	['F'] = PC_NAME, ['G'] = PC_NAME, ['H'] = PC_NAME, ['I'] = PC_NAME, ['J'] = PC_NAME,
	['K'] = PC_NAME, ['L'] = PC_NAME, ['M'] = PC_NAME, ['N'] = PC_NAME, ['O'] = PC_NAME,
	['P'] = PC_NAME, ['Q'] = PC_NAME, ['R'] = PC_NAME, ['S'] = PC_NAME, ['T'] = PC_NAME,
	['U'] = PC_NAME, ['V'] = PC_NAME, ['W'] = PC_NAME, ['X'] = PC_NAME, ['Y'] = PC_NAME,
	['Z'] = PC_NAME,
	['a'] = PC_NAME, ['b'] = PC_NAME, ['c'] = PC_NAME, ['d'] = PC_NAME, ['e'] = PC_NAME,
	['f'] = PC_NAME, ['g'] = PC_NAME, ['h'] = PC_NAME, ['i'] = PC_NAME, ['j'] = PC_NAME,
	['k'] = PC_NAME, ['l'] = PC_NAME, ['m'] = PC_NAME, ['n'] = PC_NAME, ['o'] = PC_NAME,
	['p'] = PC_NAME, ['q'] = PC_NAME, ['r'] = PC_NAME, ['s'] = PC_NAME, ['t'] = PC_NAME,
	['u'] = PC_NAME, ['v'] = PC_NAME, ['w'] = PC_NAME, ['x'] = PC_NAME, ['y'] = PC_NAME,
	['z'] = PC_NAME,
};

#if defined(__SSE2__)
/*
 * 1 when one of the 16 bytes at s is refused, or is a '.' or '/' after a
 * '/' (s[-1] is read: never called at a path's first byte).  SSE2 (every
 * x86-64): the manifest's 700 000 paths, with every image mirrored, are
 * checked at every build, ~65 bytes each, and a table's byte at a time
 * was a third of the manifest's load.
 */
static inline int
path_bad16(const unsigned char *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i prev = _mm_loadu_si128((const __m128i *)(const void *)(s - 1));
	/* unsigned x <= max: min(x, max) == x */
	__m128i al = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
	__m128i dg = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	__m128i dot_slash = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
	__m128i ok = _mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(_mm_min_epu8(al, _mm_set1_epi8(25)), al),
	    _mm_cmpeq_epi8(_mm_min_epu8(dg, _mm_set1_epi8(9)), dg)),
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))), dot_slash));
	__m128i led = _mm_and_si128(_mm_cmpeq_epi8(prev, _mm_set1_epi8('/')), dot_slash);

	return _mm_movemask_epi8(ok) != 0xffff || _mm_movemask_epi8(led) != 0;
}
#endif

int
site_path_okn(const char *path, size_t n)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t i = 1;

	/* the first byte a name's, not '.' or '/'; the last not '/' */
	if (n == 0 || n >= SITE_PATH_MAX || path_class[s[0]] != PC_NAME || s[n - 1] == '/')
		return 0;
#if defined(__SSE2__)
	/* 16 bytes at a time, then the last 16 again, overlapping */
	if (n > 16) {
		for (; i + 16 <= n; i += 16)
			if (path_bad16(s + i))
				return 0;
		return i == n || !path_bad16(s + n - 16);
	}
#endif
	for (; i < n; i++) {
		unsigned cl = path_class[s[i]];

		if (cl == 0 || ((cl & PC_NOT_FIRST) && s[i - 1] == '/'))
			return 0;
	}
	return 1;
}

int
site_path_ok(const char *path)
{
	return site_path_okn(path, strnlen(path, SITE_PATH_MAX));
}

int
site_mkparents(int dirfd, const char *path)
{
	char p[SITE_PATH_MAX];
	char *s;

	if (strlen(path) >= sizeof(p))
		return -1;
	memcpy(p, path, strlen(path) + 1);
	for (s = strchr(p, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dirfd, p, 0755) == -1 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

/* rmdir of path under dirfd, the directory let go of on rel's thread. */
static void
remove_dir(int dirfd, const char *path, struct file_release *rel)
{
	int held = file_release_hold(rel, dirfd, path);

	(void)unlinkat(dirfd, path, AT_REMOVEDIR);
	file_release_give(rel, held);
}

static void
staging_clear(int dirfd, int keep_paths, struct file_release *rel)
{
	DIR *d;
	struct dirent *de;
	int fd;

	fd = openat(dirfd, SITE_STAGING, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	/* one level of shard directories holding the staged files */
	while ((de = readdir(d)) != NULL) {
		DIR *sd;
		struct dirent *se;
		int sfd;

		if (de->d_name[0] == '.' || (keep_paths && strcmp(de->d_name,
		    SITE_STAGING_LIST) == 0))
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0)
			continue;
		sfd = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sfd == -1)
			continue;
		if ((sd = fdopendir(sfd)) == NULL) {
			close(sfd);
			continue;
		}
		while ((se = readdir(sd)) != NULL)
			if (se->d_name[0] != '.')
				unlinkat(sfd, se->d_name, 0);
		closedir(sd);
		remove_dir(fd, de->d_name, rel);
	}
	closedir(d);
	if (!keep_paths)
		remove_dir(dirfd, SITE_STAGING, rel);
}

void
site_staging_clear(int dirfd, int keep_paths)
{
	staging_clear(dirfd, keep_paths, NULL);
}

void
site_staging_remove(int dirfd, struct file_release *rel)
{
	staging_clear(dirfd, 0, rel);
}

int
site_staging_open(int dirfd, int keep_paths, char *err, size_t errlen)
{
	site_staging_clear(dirfd, keep_paths);
	if (mkdirat(dirfd, SITE_STAGING, 0700) == -1 && !(keep_paths && errno == EEXIST)) {
		snprintf(err, errlen, "creating %s: %s", SITE_STAGING, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Staged file id lives in shard (id / STAGE_RUN) % STAGE_SHARDS: a run of
 * STAGE_RUN consecutive ids (what a render worker claims at a time) shares
 * a directory, and the next run goes to the next one, so two workers never
 * create files in the same directory at once.  Creating a file holds its
 * directory's lock while ext4 allocates the inode: with one shared
 * directory the second worker spun on that lock (a third of a 10 000-video
 * full build's samples on ext4, more than the rendering).
 */
#define STAGE_RUN	SITE_STAGE_RUN
#define STAGE_SHARDS	64

static size_t
stage_shard(size_t id)
{
	return (id / STAGE_RUN) % STAGE_SHARDS;
}

static void
stage_name(char *tmp, size_t len, size_t id)
{
	snprintf(tmp, len, SITE_STAGING "/%zu/%zu", stage_shard(id), id);
}

int
site_stage(int dirfd, size_t id, const void *data, size_t len, char *err, size_t errlen)
{
	char tmp[64];
	int fd;

	stage_name(tmp, sizeof(tmp), id);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1 && errno == ENOENT) {
		char shard[64];

		snprintf(shard, sizeof(shard), SITE_STAGING "/%zu", stage_shard(id));
		if (mkdirat(dirfd, shard, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", shard, strerror(errno));
			return -1;
		}
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fd_write_all(fd, data, len) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes len bytes to path under dirfd, opened with flags and mode.  0, or -1 with err. */
static int
write_file_at(int dirfd, const char *path, const void *data, size_t len, int flags,
    mode_t mode, char *err, size_t errlen)
{
	int fd;

	fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | flags, mode);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fd_write_all(fd, data, len) == -1) {
		int saved = errno;

		(void)close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
site_write_at(int dirfd, const char *path, const void *data, size_t len, char *err,
    size_t errlen)
{
	if (!site_path_ok(path)) {
		snprintf(err, errlen, "refusing to write unsafe path '%s'", path);
		return -1;
	}
	return write_file_at(dirfd, path, data, len, O_TRUNC, 0644, err, errlen);
}

int
site_write_private(int dirfd, const char *path, const void *data, size_t len, int append,
    char *err, size_t errlen)
{
	return write_file_at(dirfd, path, data, len, append ? O_APPEND : O_TRUNC, 0600, err,
	    errlen);
}

/*
 * The staged file tmp put at path in place of the regular file there by
 * exchange (file_replace.h: ext4 writes out a file renamed over another
 * in the rename; an exchange it leaves to the kernel's writeback, as it
 * does the new pages).  A reader sees the old file or the new one; a
 * killed build leaves one or the other at path (an old file left at tmp
 * goes with the staging directory).  held: the file at path, held open
 * (file_release_hold), or -1: the path is then taken as new (none held,
 * or no releaser) and renamed to, without a lookup more.  0; -1 when
 * nothing is held, the file held is no regular file, or the file system
 * has no exchange (the caller then renames).
 */
static int
exchange(int dirfd, const char *tmp, const char *path, int held)
{
	struct stat sb;

	/* the old file's blocks go with held, on the releaser's thread */
	return held == -1 || fstat(held, &sb) == -1 || !S_ISREG(sb.st_mode) ? -1 :
	    file_exchange_at(dirfd, tmp, path);
}

int
site_publish(int dirfd, size_t id, const char *path, struct file_release *rel, char *err,
    size_t errlen)
{
	char tmp[64];
	int held, rc = 0;

	stage_name(tmp, sizeof(tmp), id);
	if (!site_path_ok(path)) {
		snprintf(err, errlen, "refusing to publish unsafe path '%s'", path);
		return -1;
	}
	held = file_release_hold(rel, dirfd, path);	/* the file replaced */
	if (exchange(dirfd, tmp, path, held) == 0) {
		file_release_give(rel, held);
		return 0;
	}
	if (renameat(dirfd, tmp, dirfd, path) == -1) {
		if (errno != ENOENT || site_mkparents(dirfd, path) == -1 ||
		    renameat(dirfd, tmp, dirfd, path) == -1) {
			snprintf(err, errlen, "publishing %s: %s", path, strerror(errno));
			rc = -1;
		}
	}
	file_release_give(rel, held);
	return rc;
}

int
site_remove(int dirfd, const char *path, struct file_release *rel, char *err, size_t errlen)
{
	char p[SITE_PATH_MAX];
	char *s;
	int held, rc;

	if (!site_path_ok(path)) {
		snprintf(err, errlen, "refusing to remove unsafe path '%s'", path);
		return -1;
	}
	held = file_release_hold(rel, dirfd, path);
	rc = unlinkat(dirfd, path, 0) == -1 ? errno : 0;
	file_release_give(rel, held);
	if (rc != 0 && rc != ENOENT) {
		snprintf(err, errlen, "removing %s: %s", path, strerror(rc));
		return -1;
	}
	memcpy(p, path, strlen(path) + 1);
	while ((s = strrchr(p, '/')) != NULL) {
		*s = '\0';
		held = file_release_hold(rel, dirfd, p);
		rc = unlinkat(dirfd, p, AT_REMOVEDIR);
		file_release_give(rel, held);
		if (rc == -1)
			break;	/* not empty (or already gone): stop */
	}
	return 0;
}

int
site_same_bytes(int dirfd, const char *path, const void *data, size_t len)
{
	char chunk[65536];
	const char *p = data;
	struct stat sb;
	ssize_t r;
	size_t off = 0;
	int fd, same = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return 0;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size == len) {
		same = 1;
		while (off < len) {
			r = read(fd, chunk, sizeof(chunk));
			if (r <= 0 || (size_t)r > len - off || memcmp(chunk, p + off, (size_t)r) != 0) {
				same = 0;
				break;
			}
			off += (size_t)r;
		}
	}
	close(fd);
	return same;
}

int
site_exists(int dirfd, const char *path)
{
	struct stat sb;

	return fstatat(dirfd, path, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
}
