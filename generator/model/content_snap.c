/*
 * content_snap.c — see content_snap.h.  The file: a magic line, the key,
 * the payload's length and its h64, then the payload: the files' names,
 * the warnings, the entries, each field as the struct holds it (integers
 * in the machine's order: the file never leaves the machine that wrote
 * it, and the key covers the binary that reads it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content_snap.h"
#include "hash64.h"
#include "strmap.h"

#define SNAP_MAGIC	"onlygen content-snap 1\n"
#define SNAP_HEAD	(sizeof(SNAP_MAGIC) - 1 + 3 * sizeof(uint64_t))
#define SNAP_STR_MAX	((uint32_t)1 << 24)	/* a title or description is far smaller */
#define SNAP_NO_STR	UINT32_MAX		/* a NULL string */

/* Reading: a cursor that refuses to pass the end. */
struct cur {
	const char	*p, *end;
	int		 bad;
};

static void
get(struct cur *r, void *out, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static uint32_t
get_u32(struct cur *r)
{
	uint32_t v;

	get(r, &v, sizeof(v));
	return v;
}

/* A string, NULL for SNAP_NO_STR; *oom set when it cannot be copied. */
static char *
get_str(struct cur *r, int *oom)
{
	uint32_t n = get_u32(r);
	char *s;

	if (r->bad || n == SNAP_NO_STR)
		return NULL;
	if (n > SNAP_STR_MAX || (size_t)(r->end - r->p) < n || memchr(r->p, '\0', n) != NULL) {
		r->bad = 1;
		return NULL;
	}
	if ((s = malloc((size_t)n + 1)) == NULL) {
		*oom = 1;
		r->bad = 1;
		return NULL;
	}
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	return s;
}

/* One entry; its file index checked against nfiles, its categories against ncat. */
static int
get_entry(struct cur *r, struct content_entry *e, char **files, size_t nfiles, size_t ncat,
    int *oom)
{
	uint32_t i, n;
	unsigned char f[6];

	memset(e, 0, sizeof(*e));
	get(r, e->guid, sizeof(e->guid));
	if ((i = get_u32(r)) >= nfiles || e->guid[GUID_LEN] != '\0' ||
	    strlen(e->guid) != GUID_LEN)
		r->bad = 1;
	else
		e->file = files[i];
	if ((n = get_u32(r)) > CONTENT_MAX_REFS)
		r->bad = 1;
	else if (!r->bad && n > 0 && (e->categories = malloc(n * sizeof(*e->categories))) == NULL)
		*oom = r->bad = 1;
	for (i = 0; i < n && !r->bad; i++)
		if ((e->categories[e->ncategories++] = get_u32(r)) >= ncat)
			r->bad = 1;
	if ((n = get_u32(r)) > CONTENT_MAX_REFS)
		r->bad = 1;
	else if (!r->bad && n > 0 && (e->tags = calloc(n, sizeof(*e->tags))) == NULL)
		*oom = r->bad = 1;
	for (i = 0; i < n && !r->bad; i++)
		if ((e->tags[e->ntags++] = get_str(r, oom)) == NULL)
			r->bad = 1;
	e->series = get_str(r, oom);
	e->title = get_str(r, oom);
	e->description = get_str(r, oom);
	get(r, &e->season, sizeof(e->season));
	get(r, &e->episode, sizeof(e->episode));
	get(r, f, sizeof(f));
	e->has_categories = f[0];
	e->has_tags = f[1];
	e->has_access = f[2];
	e->featured = f[3];
	e->hidden = f[4];
	if (f[5] > ACCESS_PPV)
		r->bad = 1;
	e->access = (enum access_level)f[5];
	if (r->bad) {
		content_entry_free(e);
		memset(e, 0, sizeof(*e));
		return -1;
	}
	return 0;
}

int
content_snap_parse(const char *data, size_t len, uint64_t key, struct content *c,
    struct buf *warnings)
{
	struct cur r = { data, data + len, 0 };
	uint64_t k, plen, sum, nfiles, nentries, cap;
	size_t wstart = warnings->len, i;
	char *w;
	int oom = 0;

	if (len < SNAP_HEAD || memcmp(data, SNAP_MAGIC, sizeof(SNAP_MAGIC) - 1) != 0)
		return 0;
	r.p += sizeof(SNAP_MAGIC) - 1;
	get(&r, &k, sizeof(k));
	get(&r, &plen, sizeof(plen));
	get(&r, &sum, sizeof(sum));
	if (k != key || plen != (uint64_t)(r.end - r.p) || h64(0, r.p, (size_t)plen) != sum)
		return 0;
	get(&r, &nfiles, sizeof(nfiles));
	get(&r, &nentries, sizeof(nentries));
	/* each file name and entry takes bytes of the payload: a bound on both */
	if (r.bad || nfiles > (uint64_t)(r.end - r.p) || nentries > (uint64_t)(r.end - r.p))
		return 0;
	if (nfiles > 0 && (c->files = calloc((size_t)nfiles, sizeof(*c->files))) == NULL)
		return -1;
	for (i = 0; i < nfiles && !r.bad; i++)
		if ((c->files[c->nfiles++] = get_str(&r, &oom)) == NULL)
			r.bad = 1;
	if (!r.bad && (w = get_str(&r, &oom)) != NULL) {
		if (buf_puts(warnings, w) == -1)
			oom = r.bad = 1;
		free(w);
	} else
		r.bad = 1;
	/* the capacity content.c's add_entry() would have: 16, then powers of two */
	for (cap = 16; cap < nentries; cap *= 2)
		;
	if (!r.bad && nentries > 0 &&
	    (c->entries = malloc((size_t)cap * sizeof(*c->entries))) == NULL)
		oom = r.bad = 1;
	for (i = 0; i < nentries && !r.bad; i++) {
		if (get_entry(&r, &c->entries[i], c->files, c->nfiles, c->ncategories, &oom) == -1)
			break;
		c->nentries++;
		if (i > 0 && strcmp(c->entries[i - 1].guid, c->entries[i].guid) >= 0)
			r.bad = 1;	/* sorted and unique, as content.c leaves them */
	}
	if (!r.bad && r.p == r.end)
		return 1;
	content_entries_free(c);
	warnings->len = wstart;
	if (warnings->data != NULL)
		warnings->data[wstart] = '\0';
	return oom ? -1 : 0;
}

int
content_snap_read(const struct content_snap *s, struct content *c, struct buf *warnings)
{
	struct buf b;
	int rc;

	buf_init(&b, CONTENT_SNAP_MAX_BYTES);
	if (buf_read_file(&b, s->path) == -1) {
		buf_free(&b);
		return errno == ENOMEM ? -1 : 0;
	}
	rc = content_snap_parse(b.data ? b.data : "", b.len, s->key, c, warnings);
	buf_free(&b);
	return rc;
}

static int
put_u32(struct buf *b, uint32_t v)
{
	return buf_put(b, &v, sizeof(v));
}

static int
put_str(struct buf *b, const char *s)
{
	size_t n;

	if (s == NULL)
		return put_u32(b, SNAP_NO_STR);
	if ((n = strlen(s)) > SNAP_STR_MAX)
		return -1;
	return put_u32(b, (uint32_t)n) == -1 || buf_put(b, s, n) == -1 ? -1 : 0;
}

/* Entry e; files maps each of the content's file names to its index. */
static int
put_entry(struct buf *b, const struct strmap *files, const struct content_entry *e)
{
	unsigned char f[6] = { (unsigned char)e->has_categories, (unsigned char)e->has_tags,
		(unsigned char)e->has_access, (unsigned char)e->featured,
		(unsigned char)e->hidden, (unsigned char)e->access };
	long file = e->file != NULL ? strmap_get(files, e->file) : -1;
	size_t i;

	if (file < 0 || e->ncategories > CONTENT_MAX_REFS || e->ntags > CONTENT_MAX_REFS ||
	    buf_put(b, e->guid, sizeof(e->guid)) == -1 || put_u32(b, (uint32_t)file) == -1 ||
	    put_u32(b, (uint32_t)e->ncategories) == -1)
		return -1;
	for (i = 0; i < e->ncategories; i++)
		if (put_u32(b, (uint32_t)e->categories[i]) == -1)
			return -1;
	if (put_u32(b, (uint32_t)e->ntags) == -1)
		return -1;
	for (i = 0; i < e->ntags; i++)
		if (put_str(b, e->tags[i]) == -1)
			return -1;
	return (put_str(b, e->series) == -1 || put_str(b, e->title) == -1 ||
	    put_str(b, e->description) == -1 ||
	    buf_put(b, &e->season, sizeof(e->season)) == -1 ||
	    buf_put(b, &e->episode, sizeof(e->episode)) == -1 ||
	    buf_put(b, f, sizeof(f)) == -1) ? -1 : 0;
}

int
content_snap_write(const struct content_snap *s, const struct content *c,
    const struct buf *warnings)
{
	struct strmap files = { 0 };
	struct buf b;
	uint64_t v, n;
	size_t i, head;
	int rc, saved;

	buf_init(&b, CONTENT_SNAP_MAX_BYTES);
	v = 0;
	if (buf_put(&b, SNAP_MAGIC, sizeof(SNAP_MAGIC) - 1) == -1 ||
	    buf_put(&b, &s->key, sizeof(s->key)) == -1 || buf_put(&b, &v, sizeof(v)) == -1 ||
	    buf_put(&b, &v, sizeof(v)) == -1)
		goto nomem;
	head = b.len;
	n = c->nfiles;
	v = c->nentries;
	if (buf_put(&b, &n, sizeof(n)) == -1 || buf_put(&b, &v, sizeof(v)) == -1)
		goto nomem;
	for (i = 0; i < c->nfiles; i++)
		if (put_str(&b, c->files[i]) == -1 ||
		    (strmap_get(&files, c->files[i]) == -1 && strmap_put(&files, c->files[i], i) == -1))
			goto nomem;
	if (put_str(&b, warnings->data ? warnings->data : "") == -1)
		goto nomem;
	for (i = 0; i < c->nentries; i++)
		if (put_entry(&b, &files, &c->entries[i]) == -1)
			goto nomem;
	strmap_free(&files);
	v = b.len - head;
	memcpy(b.data + sizeof(SNAP_MAGIC) - 1 + sizeof(uint64_t), &v, sizeof(v));
	v = h64(0, b.data + head, b.len - head);
	memcpy(b.data + sizeof(SNAP_MAGIC) - 1 + 2 * sizeof(uint64_t), &v, sizeof(v));
	rc = file_write_atomic(s->path, b.data, b.len, 0600);
	saved = errno;
	buf_free(&b);
	errno = saved;
	return rc;
nomem:
	strmap_free(&files);
	buf_free(&b);
	errno = ENOMEM;
	return -1;
}
