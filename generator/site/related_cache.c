/*
 * related_cache.c — "more like this" kept between builds (related.h).
 *
 * The file: a header (magic, the lists' related_inputs_key, the number of
 * videos, of tag references, and the h64 of the rest), then each video's
 * tags as their ids (model.h: a hash of the identity key; with per-video offsets), its row
 * (RELATED_MAX indices and a count) and its guid.  The sections are laid
 * out widest first, so each is aligned where it starts.
 *
 * Why a row can be kept: video i's row ranks the videos sharing a tag with
 * it by how many they share, ties newest first.  If i itself is not new
 * and kept its tags, none of its tags gained or lost a member, and no
 * member changed its tags (its old and new tags are all "dirty"
 * otherwise), then i's candidates and their scores are those of the old
 * model; if the surviving videos also kept their order, so do the ties.
 * The row is the old one, renumbered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_map.h"
#include "file_window.h"
#include "hash64.h"
#include "related.h"
#include "strmap.h"

#define CACHE_MAGIC2	(0x6f6e6c7972656c34ULL + RELATED_MAX)	/* "onlyrel4", the row size */
#define HEAD_WORDS	5
#define CACHE_MAX_BYTES	((size_t)1 << 32)
#define TAGS_MAX	256	/* tags of one video compared as a set; more: changed */
#define GONE		UINT32_MAX

/* A cache file mapped whole; the arrays point into it. */
struct old_rel {
	struct file_map	 fm;
	uint64_t	 key;
	size_t		 n, nrefs;
	const uint64_t	*taghash;	/* nrefs */
	const uint32_t	*ids;		/* n * RELATED_MAX */
	const uint32_t	*tagoff;	/* n + 1 */
	const uint8_t	*count;		/* n */
	const char	*guids;		/* n * GUID_LEN, not terminated */
};

static size_t
file_size(size_t n, size_t nrefs)
{
	return HEAD_WORDS * 8 + nrefs * 8 + n * RELATED_MAX * 4 + (n + 1) * 4 + n + n * GUID_LEN;
}

/* 1 read and whole, 0 missing or not a cache of ours, -1 out of memory. */
static int
cache_read(struct old_rel *o, const char *file)
{
	uint64_t h[HEAD_WORDS];
	const char *p;
	size_t i;

	memset(o, 0, sizeof(*o));
	/* mapped, not read: a read into a new 10 MB block (at 100 000
	 * videos) had a fault and a copy per page */
	if (file_map_path(file, sizeof(h), CACHE_MAX_BYTES, FILE_MAP_PREFAULT, &o->fm) == -1)
		return errno == ENOMEM ? -1 : 0;	/* shorter than the header too */
	memcpy(h, o->fm.data, sizeof(h));
	if (h[0] != CACHE_MAGIC2 || h[2] > UINT32_MAX - 1 || h[3] > (uint64_t)o->fm.len ||
	    file_size((size_t)h[2], (size_t)h[3]) != o->fm.len ||
	    h64_sum(0, (const char *)o->fm.data + sizeof(h), o->fm.len - sizeof(h)) != h[4])
		return 0;
	o->key = h[1];
	o->n = (size_t)h[2];
	o->nrefs = (size_t)h[3];
	p = (const char *)o->fm.data + sizeof(h);
	o->taghash = (const uint64_t *)(const void *)p;
	p += o->nrefs * 8;
	o->ids = (const uint32_t *)(const void *)p;
	p += o->n * RELATED_MAX * 4;
	o->tagoff = (const uint32_t *)(const void *)p;
	p += (o->n + 1) * 4;
	o->count = (const uint8_t *)p;
	p += o->n;
	o->guids = p;
	/* a damaged file must not index outside itself or the model */
	if (o->tagoff[0] != 0 || o->tagoff[o->n] != o->nrefs)
		return 0;
	for (i = 0; i < o->n; i++) {
		size_t k;

		if (o->tagoff[i + 1] < o->tagoff[i] || o->count[i] > RELATED_MAX)
			return 0;
		for (k = 0; k < o->count[i]; k++)
			if (o->ids[i * RELATED_MAX + k] >= o->n)
				return 0;
	}
	return 1;
}

/* Tag t's identity across builds (its slug is not: model.h). */
static uint64_t
tag_hash(const struct model *m, size_t t)
{
	return t < m->ntags && m->tags != NULL ? m->tags[t].id : 0;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A growing array of tag hashes, sorted and deduplicated once complete. */
struct hashes {
	uint64_t	*v;
	size_t		 n, cap;
};

static int
hashes_add(struct hashes *h, uint64_t x)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		uint64_t *t = realloc(h->v, cap * sizeof(*t));

		if (t == NULL)
			return -1;
		h->v = t;
		h->cap = cap;
	}
	h->v[h->n++] = x;
	return 0;
}

static int
hashes_has(const struct hashes *h, uint64_t x)
{
	return h->n > 0 && bsearch(&x, h->v, h->n, sizeof(*h->v), u64_cmp) != NULL;
}

/* Video i's tags, as sorted hashes, into out (TAGS_MAX); its count, or -1 when more. */
static long
new_tags(const struct model *m, size_t i, uint64_t *out)
{
	const struct video *v = &m->videos[i];
	size_t t;

	if (v->ntags > TAGS_MAX)
		return -1;
	for (t = 0; t < v->ntags; t++)
		out[t] = tag_hash(m, v->tags[t]);
	qsort(out, v->ntags, sizeof(*out), u64_cmp);
	return (long)v->ntags;
}

static long
old_tags(const struct old_rel *o, size_t k, uint64_t *out)
{
	size_t n = o->tagoff[k + 1] - o->tagoff[k];

	if (n > TAGS_MAX)
		return -1;
	memcpy(out, o->taghash + o->tagoff[k], n * sizeof(*out));
	qsort(out, n, sizeof(*out), u64_cmp);
	return (long)n;
}

/*
 * Video k of the old file has the tags of video i of m in the same order:
 * the same set, without sorting either (the usual case: a tag list is kept
 * as it was).
 */
static int
same_tags_in_order(const struct old_rel *o, size_t k, const struct model *m, size_t i)
{
	const struct video *v = &m->videos[i];
	size_t t, at = o->tagoff[k];

	if (o->tagoff[k + 1] - at != v->ntags || v->ntags > TAGS_MAX)
		return 0;
	for (t = 0; t < v->ntags; t++)
		if (o->taghash[at + t] != tag_hash(m, v->tags[t]))
			return 0;
	return 1;
}

/* The old file's guid (GUID_LEN bytes, not terminated) is s, compared as
 * strcmp compares the guid terminated. */
static int
same_guid(const char *old, const char *s)
{
	return strncmp(old, s, GUID_LEN) == 0 &&
	    (memchr(old, '\0', GUID_LEN) != NULL || s[GUID_LEN] == '\0');
}

/* Of the n guids at list (stride apart, each at least 8 bytes), the first
 * equal to g, or -1.  The first 8 bytes, compared as a word, rule most out
 * (when g has no NUL among them, an equal guid has the same 8). */
static long
find_guid(const char *list, size_t stride, size_t n, const char *g, int g_is_old)
{
	int word = memchr(g, '\0', sizeof(uint64_t)) == NULL;
	uint64_t w, x;
	size_t i;

	memcpy(&w, g, sizeof(w));
	for (i = 0; i < n; i++) {
		memcpy(&x, list + i * stride, sizeof(x));
		if ((!word || x == w) && (g_is_old ? same_guid(g, list + i * stride) :
		    same_guid(list + i * stride, g)))
			return (long)i;
	}
	return -1;
}

#define WALK_AHEAD	(2 * RELATED_ADD_MERGE)	/* places looked ahead for an old video */
#define WALK_UNPAIRED	RELATED_ADD_MERGE	/* videos added or removed the walk places */

/*
 * new_of_old and old_of_new without a hash table of 100 000 guids: a
 * build whose rows can be kept has the videos that stay in their old
 * order, so walking both lists pairs them one by one, and a mismatch is
 * a video added (the old one is met a few places ahead in the new list)
 * or removed.  Each video left unpaired is then looked for on the other
 * side: found, it moved (or a guid is there twice) and the walk says 0,
 * as it does past WALK_UNPAIRED on either side; the caller then maps by
 * guid.  1: the maps are filled, and are the ones the guid map gives.
 */
static int
walk(const struct old_rel *o, const struct model *m, uint32_t *new_of_old,
    uint32_t *old_of_new)
{
	uint32_t lost[WALK_UNPAIRED], fresh[WALK_UNPAIRED];
	size_t k = 0, i = 0, j, end, nlost = 0, nfresh = 0, x;
	const char *g;

	while (k < o->n || i < m->nvideos) {
		g = o->guids + k * GUID_LEN;
		if (k < o->n && i < m->nvideos && same_guid(g, m->videos[i].guid)) {
			new_of_old[k++] = (uint32_t)i;
			old_of_new[i++] = (uint32_t)(k - 1);
			continue;
		}
		if (k < o->n && i < m->nvideos) {
			end = m->nvideos - i > WALK_AHEAD ? i + WALK_AHEAD : m->nvideos;
			for (j = i + 1; j < end && !same_guid(g, m->videos[j].guid); j++)
				;
			if (j < end) {
				if (j - i > WALK_UNPAIRED - nfresh)
					return 0;
				for (; i < j; i++) {
					old_of_new[i] = GONE;
					fresh[nfresh++] = (uint32_t)i;
				}
				continue;
			}
		}
		if (k < o->n) {
			if (nlost == WALK_UNPAIRED)
				return 0;
			new_of_old[k] = GONE;
			lost[nlost++] = (uint32_t)k++;
		} else {
			if (nfresh == WALK_UNPAIRED)
				return 0;
			old_of_new[i] = GONE;
			fresh[nfresh++] = (uint32_t)i++;
		}
	}
	for (x = 0; x < nlost && m->nvideos > 0; x++)
		if (find_guid(m->videos[0].guid, sizeof(m->videos[0]), m->nvideos,
		    o->guids + (size_t)lost[x] * GUID_LEN, 1) >= 0)
			return 0;
	for (x = 0; x < nfresh; x++)
		if (find_guid(o->guids, GUID_LEN, o->n, m->videos[fresh[x]].guid, 0) >= 0)
			return 0;
	return 1;
}

/*
 * Keeps what o's rows can give r (renumbered into m), and lists in which
 * the videos to rank again.  1 when rows were kept, 0 when none can be
 * (the order of the videos changed), -1 out of memory.
 */
static int
reuse(const struct old_rel *o, const struct model *m, struct related *r, uint32_t *which,
    size_t *nwhich)
{
	struct strmap map = { 0 };
	struct hashes dirty = { 0 };
	uint32_t *new_of_old = NULL, *old_of_new = NULL, last = 0, added[RELATED_ADD_MERGE];
	size_t nadded = 0;
	int tags_kept = 1;	/* no video that stays changed its tags */
	uint64_t a[TAGS_MAX], b[TAGS_MAX];
	char guid[GUID_LEN + 1];
	size_t i, k, t;
	long na, nb;
	int rc = -1, seen = 0;

	new_of_old = malloc((o->n ? o->n : 1) * sizeof(*new_of_old));
	old_of_new = malloc((m->nvideos ? m->nvideos : 1) * sizeof(*old_of_new));
	if (new_of_old == NULL || old_of_new == NULL)
		goto out;
	if (walk(o, m, new_of_old, old_of_new))
		goto mapped;
	for (i = 0; i < m->nvideos; i++) {
		old_of_new[i] = GONE;
		if (strmap_get(&map, m->videos[i].guid) == -1 &&
		    strmap_put(&map, m->videos[i].guid, i) == -1)
			goto out;
	}
	rc = 0;
	for (k = 0; k < o->n; k++) {
		long at;

		memcpy(guid, o->guids + k * GUID_LEN, GUID_LEN);
		guid[GUID_LEN] = '\0';
		at = strmap_get(&map, guid);
		new_of_old[k] = at < 0 ? GONE : (uint32_t)at;
		if (at < 0)
			continue;
		/* the videos that stay keep their order, or no tie can be trusted */
		if ((seen && (uint32_t)at <= last) || old_of_new[at] != GONE)
			goto out;
		last = (uint32_t)at;
		seen = 1;
		old_of_new[at] = (uint32_t)k;
	}
mapped:
	rc = -1;
	/* the tags that gained, lost or changed a member */
	for (k = 0; k < o->n; k++) {
		if (new_of_old[k] != GONE && same_tags_in_order(o, k, m, new_of_old[k]))
			continue;
		na = old_tags(o, k, a);
		nb = new_of_old[k] == GONE ? -1 : new_tags(m, new_of_old[k], b);
		if (na >= 0 && nb >= 0 && na == nb && memcmp(a, b, (size_t)na * sizeof(*a)) == 0)
			continue;
		if (new_of_old[k] != GONE)
			tags_kept = 0;
		for (t = o->tagoff[k]; t < o->tagoff[k + 1]; t++)
			if (hashes_add(&dirty, o->taghash[t]) == -1)
				goto out;
		if (new_of_old[k] != GONE)
			old_of_new[new_of_old[k]] = GONE;	/* its own tags changed: ranked again */
		if (new_of_old[k] != GONE)
			for (t = 0; t < m->videos[new_of_old[k]].ntags; t++)
				if (hashes_add(&dirty, tag_hash(m, m->videos[new_of_old[k]].tags[t])) == -1)
					goto out;
	}
	/* the new videos (and those whose tags changed, again: harmless) */
	for (i = 0; i < m->nvideos; i++)
		if (old_of_new[i] == GONE)
			for (t = 0; t < m->videos[i].ntags; t++)
				if (hashes_add(&dirty, tag_hash(m, m->videos[i].tags[t])) == -1)
					goto out;
	if (dirty.n > 1)
		qsort(dirty.v, dirty.n, sizeof(*dirty.v), u64_cmp);
	/* videos added (a few) or removed, no other's tags changed: the old
	 * videos' rows take the new ones in */
	for (i = 0; i < m->nvideos && tags_kept; i++)
		if (old_of_new[i] == GONE) {
			if (nadded == RELATED_ADD_MERGE)
				tags_kept = 0;
			else
				added[nadded++] = (uint32_t)i;
		}
	/* each video: its old row renumbered (with the new videos considered
	 * when one of its tags gained or lost members), or ranked again */
	*nwhich = 0;
	for (i = 0; i < m->nvideos; i++) {
		int again = old_of_new[i] == GONE, merge = 0;

		for (t = 0; t < m->videos[i].ntags && !again && dirty.n > 0; t++)
			again = hashes_has(&dirty, tag_hash(m, m->videos[i].tags[t]));
		if (again && old_of_new[i] != GONE && tags_kept) {
			/* its candidates: the old ones, scored as before (no tags
			 * changed), less the removed, and the new videos.  A row
			 * that listed a removed video is ranked again (below). */
			again = 0;
			merge = 1;
		}
		if (!again) {
			k = old_of_new[i];
			for (t = 0; t < o->count[k] && !again; t++) {
				uint32_t u = new_of_old[o->ids[k * RELATED_MAX + t]];

				if (u == GONE)
					again = 1;	/* it listed a removed video: its next best
							 * is not in the row */
				r->ids[i * RELATED_MAX + t] = u;
			}
			r->count[i] = o->count[k];
			if (!again && merge)
				related_row_add(r, m, i, added, nadded);
		}
		if (again)
			which[(*nwhich)++] = (uint32_t)i;
	}
	rc = 1;
out:
	strmap_free(&map);
	free(dirty.v);
	free(new_of_old);
	free(old_of_new);
	return rc;
}

/*
 * The file written through file_out's window (file_window.h), each
 * section straight from the model and r: built whole in a growing buffer,
 * it was a copy at each doubling and a fresh page every 4 kB of ~10 MB
 * (at 100 000 videos ~65 ms of a core after each upload, issue 15).
 */
static int
cache_write(const struct related *r, const struct model *m, const char *file, uint64_t key)
{
	struct file_out o;
	uint64_t h[HEAD_WORDS], x;
	uint32_t u;
	size_t i, t, nrefs = 0;
	char err[256];

	for (i = 0; i < m->nvideos; i++)
		nrefs += m->videos[i].ntags;
	if (nrefs >= UINT32_MAX || file_out_open(&o, file, sizeof(h), err, sizeof(err)) == -1)
		return -1;
	for (i = 0; i < m->nvideos; i++)
		for (t = 0; t < m->videos[i].ntags; t++) {
			x = tag_hash(m, m->videos[i].tags[t]);
			file_out_put(&o, &x, sizeof(x));
		}
	file_out_put(&o, r->ids, m->nvideos * RELATED_MAX * sizeof(*r->ids));
	for (i = 0, u = 0; i <= m->nvideos; i++) {
		file_out_put(&o, &u, sizeof(u));
		if (i < m->nvideos)
			u += (uint32_t)m->videos[i].ntags;
	}
	file_out_put(&o, r->count, m->nvideos);
	for (i = 0; i < m->nvideos; i++)
		file_out_put(&o, m->videos[i].guid, GUID_LEN);
	h[0] = CACHE_MAGIC2;
	h[1] = key;
	h[2] = m->nvideos;
	h[3] = nrefs;
	h[4] = file_out_sum(&o);
	return file_out_close(&o, h, sizeof(h), file_size(m->nvideos, nrefs) - sizeof(h), err,
	    sizeof(err));
}

static int
save_task(void *arg, char *err, size_t errlen)
{
	struct related_save *s = arg;

	(void)err;
	(void)errlen;
	return cache_write(s->r, s->m, s->file, s->key);
}

int
related_save_join(struct related_save *save)
{
	int rc = save->started ? pool_bg_join(&save->bg, NULL, 0) : 0;

	save->started = 0;
	return rc;
}

int
related_update(struct related *r, const struct model *m, const char *file, int jobs,
    size_t *ranked, struct related_save *save, char *err, size_t errlen)
{
	uint64_t key = related_inputs_key(m);
	struct old_rel o;
	uint32_t *which = NULL;
	size_t nwhich = m->nvideos;
	int got, rc = -1;

	*ranked = 0;
	memset(save, 0, sizeof(*save));
	memset(r, 0, sizeof(*r));
	if ((got = cache_read(&o, file)) == -1)
		goto oom;
	if (m->nvideos > UINT32_MAX - 1) {
		snprintf(err, errlen, "related: too many videos (%zu)", m->nvideos);
		goto out;
	}
	if (related_alloc(r, m->nvideos) == -1)
		goto oom;
	if (got == 1 && o.key == key && o.n == m->nvideos) {
		/* the lists of this very model */
		memcpy(r->ids, o.ids, m->nvideos * RELATED_MAX * sizeof(*r->ids));
		memcpy(r->count, o.count, m->nvideos);
		rc = 0;
		goto out;
	}
	if (got == 1 && m->nvideos > 0) {
		if ((which = malloc(m->nvideos * sizeof(*which))) == NULL)
			goto oom;
		switch (reuse(&o, m, r, which, &nwhich)) {
		case -1:
			goto oom;
		case 0:
			free(which);
			which = NULL;
			nwhich = m->nvideos;
			break;
		default:
			break;
		}
	}
	file_map_free(&o.fm);
	*ranked = nwhich;
	if (nwhich > 0 && related_rows(r, m, which, nwhich, jobs, err, errlen) == -1)
		goto out;
	if ((size_t)snprintf(save->file, sizeof(save->file), "%s", file) >= sizeof(save->file)) {
		snprintf(err, errlen, "related: path too long: %s", file);
		goto out;
	}
	save->r = r;
	save->m = m;
	save->key = key;
	save->started = 1;
	pool_bg_start(&save->bg, save_task, save);
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "related: out of memory");
out:
	file_map_free(&o.fm);
	free(which);
	if (rc == -1)
		related_free(r);
	return rc;
}
