/*
 * content_reuse.c — content/videos/ loaded through the snapshot
 * (content_snap.h): a file whose bytes are the snapshot's gives its
 * entries and warnings from it; in a plain group file whose bytes changed
 * (content_scan.h), a member whose bytes are a member's of the snapshot
 * gives its entry from it (one with warnings only where it was), and only
 * the other members are parsed; any other file is parsed whole.
 *
 * What it gives is what a parse of every file gives: the same entries,
 * the same warnings in the same order with the same FILE:LINE:COL.  Errors
 * are never its business: on any (a malformed file, two entries for one
 * GUID, out of memory), what it did is dropped, unreported, and content/
 * is parsed again by the parser alone, which reports as it always does.
 *
 * The snapshot's entries are needed only once every file is read: they
 * are decoded on a thread of their own meanwhile (content_snap_read_begin,
 * joined by entries_ready), and a snapshot whose entries turn out not
 * whole is such an error.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "content_parse.h"
#include "content_scan.h"
#include "file_sum.h"
#include "hash64.h"
#include "near.h"

/* A record's entry kept in prev's array, not yet moved (take). */
#define DEFERRED	SIZE_MAX
/* The buffer an unchanged file is read through (same_file). */
#define SUM_SCRATCH	((size_t)256 << 10)

/* A reporter that keeps each warning's line. */
struct recorder {
	struct buf	*lines;
	int		 full;
};

static void
record_line(void *arg, enum report_level level, const char *msg)
{
	struct recorder *r = arg;

	(void)level;
	if (!r->full && (buf_puts(r->lines, msg) == -1 || buf_putc(r->lines, '\n') == -1))
		r->full = 1;
}

/* One build's pass: the old snapshot, the new one, the warnings. */
struct pass {
	struct ctx		*x;
	const struct content_snap *snap;
	struct content_snap_set	*prev, *next;
	struct recorder		 rec;
	size_t			 pi;		/* the next of prev's files to look at */
	int			 changed;	/* next differs from prev */
	size_t			 places;	/* prev's entries, before any was taken */
	size_t			 parsed;	/* members and whole files parsed */
	uint64_t		 key;		/* the snapshot's, site.json's bytes mixed in */
	int			 warned;	/* a member or file parsed gave a warning */
	size_t			 fresh[CONTENT_SNAP_EDITS_MAX];	/* the parsed entries'
						 * sorted places, the first ones */
	size_t			 nfresh;	/* entries parsed (more than fresh holds: many) */
	struct content_snap_pending *pending;	/* prev's entries, being decoded */
	int			 prev_bad;	/* they turned out not whole */
};

/*
 * prev's entries decoded (content_snap_read_begin): 0, or -1 when the
 * snapshot turned out not whole after all (prev emptied: what was matched
 * against its records is dropped, and content/ parsed again).
 */
static int
entries_ready(struct pass *p)
{
	struct content_snap_pending *pd = p->pending;

	p->pending = NULL;
	if (content_snap_read_end(pd) != 1)
		p->prev_bad = 1;
	return p->prev_bad ? -1 : 0;
}

/* prev's record of path (files in name order, looked for in order), or NULL. */
static struct content_snap_file *
prev_file(struct pass *p, const char *path)
{
	int d;

	while (p->pi < p->prev->nfiles) {
		if ((d = strcmp(p->prev->files[p->pi].name, path)) == 0)
			return &p->prev->files[p->pi++];
		if (d > 0)
			break;
		p->pi++;
		p->changed = 1;		/* a file gone */
	}
	return NULL;
}

/* A copy of lines[from..] (NULL when empty or out of memory: *oom then). */
static char *
lines_since(const struct pass *p, size_t from, int *oom)
{
	size_t n = p->rec.lines->len - from;
	char *s;

	if (n == 0)
		return NULL;
	if ((s = malloc(n + 1)) == NULL) {
		*oom = 1;
		return NULL;
	}
	memcpy(s, p->rec.lines->data + from, n);
	s[n] = '\0';
	return s;
}

/*
 * rec's entry (if any) kept: it stays in prev's sorted array, at its place
 * rank, until the files are all read (adopt, or take_deferred); its
 * warnings go to the lines now, in the files' order.
 */
static int
take(struct pass *p, struct content_snap_rec *rec)
{
	if (rec->warnings != NULL && buf_puts(p->rec.lines, rec->warnings) == -1)
		return -1;
	if (rec->has_entry) {
		rec->kept = 1;
		rec->idx = DEFERRED;
	}
	return 0;
}

/* The file unchanged: its records moved to nf. */
static int
take_file(struct pass *p, struct content_snap_file *pf, struct content_snap_file *nf)
{
	size_t i;

	if (pf->warnings != NULL && buf_puts(p->rec.lines, pf->warnings) == -1)
		return -1;
	for (i = 0; i < pf->nrecs; i++)
		if (take(p, &pf->recs[i]) == -1)
			return -1;
	nf->per_member = pf->per_member;
	nf->warnings = pf->warnings;
	nf->recs = pf->recs;
	nf->nrecs = pf->nrecs;
	nf->cap = pf->cap;
	pf->warnings = NULL;
	pf->recs = NULL;
	pf->nrecs = pf->cap = 0;
	return 0;
}

/*
 * pf's records by their bytes: looked for first where the last one found
 * says (an edit in place, an entry added or removed leave the members in
 * the order the snapshot has them), then through a table by their h64
 * (open addressing: an index, or SLOT_EMPTY), built on the first miss there.
 * At 100 000 members the table's build and a random probe per member were
 * ~25 ms of a one-entry edit (docs/benchmarks.md, issue 15).
 */
#define SLOT_EMPTY	SIZE_MAX

struct index {
	size_t	*slot;
	size_t	 mask;
	size_t	 next;		/* the record after the last one looked for */
	int	 built;
};


static int
index_build(struct index *ix, const struct content_snap_file *pf)
{
	size_t n = 16, i, h;

	ix->built = 1;
	while (n < pf->nrecs * 2)
		n *= 2;
	/*
	 * Written before it is read, and not with zeroes (which the compiler
	 * makes a calloc()): calloc()'s fresh pages, read first by the
	 * probes, were each mapped to the zero page and copied on the write
	 * after, a TLB flush of every core each time: ~15 ms of a one-entry
	 * edit at 100 000 members (docs/benchmarks.md, issue 15).
	 */
	if ((ix->slot = malloc(n * sizeof(*ix->slot))) == NULL)
		return -1;
	memset(ix->slot, 0xff, n * sizeof(*ix->slot));	/* SLOT_EMPTY */
	ix->mask = n - 1;
	for (i = 0; i < pf->nrecs; i++) {
		for (h = (size_t)pf->recs[i].sum & ix->mask; ix->slot[h] != SLOT_EMPTY;
		    h = (h + 1) & ix->mask)
			;
		ix->slot[h] = i;
	}
	return 0;
}

/* Whether r has these bytes, is not taken, and may be used at line:col. */
static int
usable(const struct content_snap_rec *r, uint64_t sum, unsigned line, unsigned col)
{
	/* one whose warnings name its place is reused only in that place */
	return r->sum == sum && !r->taken &&
	    (r->warnings == NULL || (r->line == line && r->col == col));
}

/*
 * A record of pf with these bytes, not taken, usable at line:col; or NULL
 * (*oom set when the table could not be made).  Called for the members in
 * the file's order.
 */
static struct content_snap_rec *
index_find(struct index *ix, struct content_snap_file *pf, uint64_t sum,
    unsigned line, unsigned col, int *oom)
{
	size_t at = ix->next, i, h, lo, hi;

	if (pf == NULL || !pf->per_member || pf->nrecs == 0)
		return NULL;
	ix->next++;	/* a member not found took the place of the record there */
	if (at < pf->nrecs && usable(&pf->recs[at], sum, line, col))
		return &pf->recs[at];
	if (near_window(at, pf->nrecs, &lo, &hi))
		for (i = lo; i < hi; i++)
			if (i != at && usable(&pf->recs[i], sum, line, col)) {
				ix->next = i + 1;
				return &pf->recs[i];
			}
	if (!ix->built && index_build(ix, pf) == -1) {
		*oom = 1;
		return NULL;
	}
	for (h = (size_t)sum & ix->mask; ix->slot[h] != SLOT_EMPTY; h = (h + 1) & ix->mask)
		if (usable(&pf->recs[ix->slot[h]], sum, line, col)) {
			ix->next = ix->slot[h] + 1;
			return &pf->recs[ix->slot[h]];
		}
	return NULL;
}

/*
 * The record the next member is looked for as first (index_find), when
 * the bytes at s's place are its own: passed over (content_scan_pass) and
 * found as index_find() finds it, without a scan.  Only a record without
 * warnings, whose place is not needed (usable).  At 100 000 members the
 * scan was ~20 ms of a one-entry edit's main thread (docs/benchmarks.md,
 * issue 15); its h64 is taken in either case.
 */
static struct content_snap_rec *
passed(struct index *ix, struct content_snap_file *pf, struct content_scan *s)
{
	struct content_snap_rec *r;

	if (pf == NULL || !pf->per_member || ix->next >= pf->nrecs)
		return NULL;
	r = &pf->recs[ix->next];
	if (r->len == 0 || r->taken || r->warnings != NULL ||
	    r->len > (size_t)(s->end - s->p) || h64(0, s->p, r->len) != r->sum)
		return NULL;
	content_scan_pass(s, r->len);
	ix->next++;
	return r;
}

/*
 * The members of a plain group file, each from pf when its bytes are
 * there, else parsed: 0; 1 not plain (nothing kept: parse it whole); -1.
 */
static int
members(struct pass *p, struct content_snap_file *pf, struct content_snap_file *nf,
    const char *path, const char *text, size_t len)
{
	struct content *c = p->x->c;
	struct content_scan s;
	struct content_member m;
	struct content_snap_rec *old, *nr;
	struct index ix;
	char key[CONTENT_SCAN_KEY_MAX + 1];
	size_t n0 = c->nentries, w0 = p->rec.lines->len, i;
	int rc = -1, r, oom = 0;

	if (content_scan_begin(&s, text, len) != 0)
		return 1;
	memset(&ix, 0, sizeof(ix));
	if (pf != NULL && pf->nrecs > nf->cap) {
		/* about as many members as last time: one allocation */
		if ((nf->recs = malloc((pf->nrecs + 16) * sizeof(*nf->recs))) == NULL)
			goto out;
		nf->cap = pf->nrecs + 16;
	}
	while ((r = content_scan_to_member(&s)) == 1) {
		size_t wn = p->rec.lines->len, en = c->nentries;

		if ((nr = content_snap_add_rec(nf)) == NULL)
			goto out;
		if ((old = passed(&ix, pf, &s)) != NULL) {
			nr->sum = old->sum;
			nr->len = old->len;
		} else if ((r = content_scan_member(&s, &m)) != 1) {
			break;
		} else {
			size_t mlen = (size_t)(m.end - m.start);

			nr->sum = h64(0, m.start, mlen);
			nr->len = mlen <= UINT32_MAX ? (uint32_t)mlen : 0;	/* 0: never passed over */
			nr->line = m.line;
			nr->col = m.col;
			old = index_find(&ix, pf, nr->sum, m.line, m.col, &oom);
		}
		if (old != NULL) {
			old->taken = 1;
			if (take(p, old) == -1)
				goto out;
			nr->warnings = old->warnings;
			old->warnings = NULL;
			nr->has_entry = old->has_entry;
			nr->idx = old->idx;
			nr->rank = old->rank;
			nr->kept = old->kept;
			continue;
		}
		if (oom)
			goto out;
		p->changed = 1;
		p->parsed++;
		memcpy(key, m.key, m.keylen);
		key[m.keylen] = '\0';
		if (content_parse_member(p->x, path, key, m.value, (size_t)(m.end - m.value),
		    m.line, m.col) != 0)
			goto out;
		nr->warnings = lines_since(p, wn, &oom);
		if (oom)
			goto out;
		p->warned |= nr->warnings != NULL;
		nr->has_entry = c->nentries > en;
		nr->idx = en;
	}
	if (r == 0) {
		nf->per_member = 1;
		rc = 0;
		goto out;
	}
	/* not plain after all: drop what this file gave */
	for (i = n0; i < c->nentries; i++)
		content_entry_free(&c->entries[i]);
	c->nentries = n0;
	p->rec.lines->len = w0;
	for (i = 0; i < nf->nrecs; i++)
		free(nf->recs[i].warnings);
	nf->nrecs = 0;
	rc = 1;
out:
	free(ix.slot);
	return rc;
}

/* A file parsed whole: its warnings and entries as one record each. */
static int
whole_file(struct pass *p, struct content_snap_file *nf, const char *path, const char *name,
    const char *text, size_t len)
{
	struct content *c = p->x->c;
	struct content_snap_rec *nr;
	size_t n0 = c->nentries, w0 = p->rec.lines->len, i;
	int oom = 0;

	p->changed = 1;
	p->parsed++;
	if (content_parse_file(p->x, path, name, text, len) != 0)
		return -1;
	nf->warnings = lines_since(p, w0, &oom);
	if (oom)
		return -1;
	p->warned |= nf->warnings != NULL;
	for (i = n0; i < c->nentries; i++) {
		if ((nr = content_snap_add_rec(nf)) == NULL)
			return -1;
		nr->has_entry = 1;
		nr->idx = i;
	}
	return 0;
}

/*
 * content/ as the snapshot recorded it (its digest, build_inputs.h): every
 * file's records taken without reading it, each entry straight to its
 * sorted place.  0; 1 not so (nothing taken); -1.
 */
static int
take_all(struct pass *p)
{
	struct content *c = p->x->c;
	struct content_snap_set *prev = p->prev;
	size_t i, j;

	if (p->snap->tree == 0 || prev->tree != p->snap->tree || prev->nfiles != c->nfiles)
		return 1;
	for (i = 0; i < c->nfiles; i++)
		if (strcmp(prev->files[i].name, c->files[i]) != 0)
			return 1;
	if (entries_ready(p) == -1)
		return -1;
	/* the entries, sorted, with content_entry_new()'s capacity: c's now */
	c->entries = prev->entries;
	c->nentries = prev->nentries;
	prev->entries = NULL;
	prev->nentries = 0;
	for (i = 0; i < c->nfiles; i++) {
		const struct content_snap_file *f = &prev->files[i];

		if (f->warnings != NULL && buf_puts(p->rec.lines, f->warnings) == -1)
			return -1;
		for (j = 0; j < f->nrecs; j++) {
			if (f->recs[j].has_entry)
				c->entries[f->recs[j].rank].file = c->files[i];
			if (f->recs[j].warnings != NULL &&
			    buf_puts(p->rec.lines, f->recs[j].warnings) == -1)
				return -1;
		}
	}
	return 0;
}

/* The kept entries moved to the end of c's, each from its file (c->files[i]). */
static int
take_deferred(struct pass *p)
{
	struct content *c = p->x->c;
	struct content_entry *e;
	size_t i, k;

	for (i = 0; i < p->next->nfiles; i++)
		for (k = 0; k < p->next->files[i].nrecs; k++) {
			struct content_snap_rec *nr = &p->next->files[i].recs[k];

			if (!nr->has_entry || nr->idx != DEFERRED)
				continue;
			if ((e = content_entry_new(c)) == NULL)
				return -1;
			*e = p->prev->entries[nr->rank];
			e->file = c->files[i];
			nr->idx = c->nentries - 1;
			memset(&p->prev->entries[nr->rank], 0, sizeof(*e));	/* now c's */
		}
	return 0;
}

static int
guid_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct content_entry *)e)->guid);
}

static int
index_guid_cmp(const void *a, const void *b, void *arg)
{
	const struct content_entry *e = arg;

	return strcmp(e[*(const size_t *)a].guid, e[*(const size_t *)b].guid);
}

/*
 * The entries kept where they are (content/ edited, an entry added or
 * removed): prev's sorted array becomes c's.  Each parsed entry takes the
 * place of its GUID, or is inserted at its GUID's place; an entry neither
 * kept nor parsed again is removed (the whole stretches between moved by
 * one memmove each); the entries replaced or removed go to prev, in GUID
 * order (collect_edits pairs them).  The array needs no sort: at 100 000
 * entries, moving each kept one to c and sorting them again was ~70 ms of
 * a one-entry edit, and of an upload with its content/ entry
 * (docs/benchmarks.md, issue 15).  A parsed GUID that a kept entry has,
 * or two parsed entries of one GUID, are not adopted: the sort then finds
 * the pair and says so as the parser would.  1 adopted; 0 not so
 * (take_deferred); -1 out of memory.
 */
static int
adopt(struct pass *p)
{
	struct content *c = p->x->c;
	struct content_snap_set *prev = p->prev;
	struct content_entry *olds = NULL, *e, *grown;
	unsigned char *held = NULL;
	size_t nparsed = c->nentries, nprev = prev->nentries, nrep = 0, nins = 0, nold, nkeep;
	size_t *at = NULL, *place = NULL, *ins = NULL, *newpos = NULL, i, k, w, j;
	int rc = -1;

	if (nprev == 0)
		return 0;
	if ((held = calloc(nprev, 1)) == NULL ||
	    (at = malloc((nparsed ? nparsed : 1) * sizeof(*at))) == NULL ||
	    (place = malloc((nparsed ? nparsed : 1) * sizeof(*place))) == NULL ||
	    (ins = malloc((nparsed ? nparsed : 1) * sizeof(*ins))) == NULL ||
	    (newpos = malloc(nprev * sizeof(*newpos))) == NULL)
		goto out;
	rc = 0;
	for (i = 0; i < p->next->nfiles; i++)
		for (k = 0; k < p->next->files[i].nrecs; k++) {
			const struct content_snap_rec *nr = &p->next->files[i].recs[k];

			if (!nr->has_entry || nr->idx != DEFERRED)
				continue;
			if (nr->rank >= nprev || held[nr->rank])
				goto out;
			held[nr->rank] = 1;
		}
	/* each parsed entry: the place of its GUID (replaced), or inserted */
	for (i = 0; i < nparsed; i++) {
		e = bsearch(c->entries[i].guid, prev->entries, nprev, sizeof(*prev->entries),
		    guid_cmp);
		if (e == NULL) {
			place[i] = SIZE_MAX;
			ins[nins++] = i;
			continue;
		}
		if (held[e - prev->entries])
			goto out;	/* the GUID of an entry kept, or parsed twice */
		held[e - prev->entries] = 2;
		place[i] = (size_t)(e - prev->entries);
		nrep++;
	}
	if (nins > 1) {
		qsort_r(ins, nins, sizeof(*ins), index_guid_cmp, c->entries);
		for (i = 1; i < nins; i++)
			if (strcmp(c->entries[ins[i - 1]].guid, c->entries[ins[i]].guid) == 0)
				goto out;	/* a new GUID twice */
	}
	for (i = 0, nkeep = 0; i < nprev; i++)
		nkeep += held[i] != 0;
	nold = nrep + (nprev - nkeep);
	if ((olds = malloc((nold ? nold : 1) * sizeof(*olds))) == NULL) {
		rc = -1;
		goto out;
	}
	if (content_entries_cap(nkeep + nins) > content_entries_cap(nprev)) {
		if ((grown = realloc(prev->entries, content_entries_cap(nkeep + nins) *
		    sizeof(*grown))) == NULL) {
			rc = -1;
			goto out;
		}
		prev->entries = grown;
	}
	/*
	 * Nothing can fail from here.  Replaced and removed entries out, in
	 * GUID order; the parsed ones in their places; then the places that
	 * stay closed up (stretches moved left), and the inserted ones merged
	 * in from the end (stretches moved right).
	 */
	for (i = 0, k = 0; i < nprev; i++) {
		if (held[i] == 1)
			continue;
		olds[k++] = prev->entries[i];
		if (held[i] == 0)
			memset(&prev->entries[i], 0, sizeof(prev->entries[i]));
	}
	for (i = 0; i < nparsed; i++)
		if (place[i] != SIZE_MAX)
			prev->entries[place[i]] = c->entries[i];
	for (i = 0, w = 0; i < nprev; ) {
		size_t run;

		if (held[i] == 0) {
			newpos[i++] = SIZE_MAX;
			continue;
		}
		for (run = 1; i + run < nprev && held[i + run] != 0; run++)
			;
		if (w != i)
			memmove(&prev->entries[w], &prev->entries[i], run * sizeof(*prev->entries));
		for (k = 0; k < run; k++)
			newpos[i + k] = w + k;
		w += run;
		i += run;
	}
	/* where each place that stays ends: moved by the inserts before it */
	for (i = 0, j = 0; i < nprev; i++) {
		if (newpos[i] == SIZE_MAX)
			continue;
		while (j < nins &&
		    strcmp(c->entries[ins[j]].guid, prev->entries[newpos[i]].guid) < 0)
			j++;
		newpos[i] += j;
	}
	/* from the end: the last insert and everything after it moved right */
	for (j = nins, k = nkeep; j > 0; j--) {
		const struct content_entry *ne = &c->entries[ins[j - 1]];
		size_t lo = 0, hi = k, mid;

		while (lo < hi) {	/* the first of [0, k) after ne's GUID */
			mid = lo + (hi - lo) / 2;
			if (strcmp(prev->entries[mid].guid, ne->guid) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (k > lo)
			memmove(&prev->entries[lo + j], &prev->entries[lo],
			    (k - lo) * sizeof(*prev->entries));
		prev->entries[lo + j - 1] = *ne;
		at[ins[j - 1]] = lo + j - 1;
		k = lo;
	}
	for (i = 0; i < nparsed; i++)
		if (place[i] != SIZE_MAX)
			at[i] = newpos[place[i]];
	for (i = 0; i < p->next->nfiles; i++)
		for (k = 0; k < p->next->files[i].nrecs; k++) {
			struct content_snap_rec *nr = &p->next->files[i].recs[k];

			if (!nr->has_entry)
				continue;
			nr->idx = nr->idx == DEFERRED ? newpos[nr->rank] : at[nr->idx];
			prev->entries[nr->idx].file = c->files[i];
		}
	free(c->entries);
	c->entries = prev->entries;	/* with content_entry_new()'s capacity */
	c->nentries = nkeep + nins;
	prev->entries = olds;
	prev->nentries = nold;
	olds = NULL;
	rc = 1;
out:
	free(held);
	free(at);
	free(place);
	free(ins);
	free(newpos);
	free(olds);
	return rc;
}

/* The sorted places of the entries parsed (not taken), into p->fresh. */
static void
note_fresh(struct pass *p, const size_t *rank)
{
	size_t i, k;

	for (i = 0; i < p->next->nfiles; i++)
		for (k = 0; k < p->next->files[i].nrecs; k++) {
			const struct content_snap_rec *nr = &p->next->files[i].recs[k];

			if (!nr->has_entry || nr->kept)
				continue;
			if (p->nfresh < CONTENT_SNAP_EDITS_MAX)
				p->fresh[p->nfresh] = rank != NULL ? rank[nr->idx] : nr->idx;
			p->nfresh++;
		}
}

/*
 * What the load changed against the snapshot, when that was only entries
 * edited in place, none with a warning before or after (struct
 * content_snap_edits): each entry of prev not taken pairs with the parsed
 * entry of its GUID, and is moved out of prev into ed.  ed->ok 0 otherwise.
 */
static void
collect_edits(struct pass *p, struct content_snap_edits *ed)
{
	const struct content *c = p->x->c;
	struct content_snap_set *prev = p->prev;
	size_t i, j, k, old = 0, pair[CONTENT_SNAP_EDITS_MAX];

	ed->ok = 0;
	ed->n = 0;
	if (!p->changed || p->warned || p->nfresh > CONTENT_SNAP_EDITS_MAX)
		return;
	/* a warning of the snapshot's this load did not replay: taking a
	 * record or a whole file moves its warnings out of prev */
	for (i = 0; i < prev->nfiles; i++) {
		if (prev->files[i].warnings != NULL)
			return;
		for (j = 0; j < prev->files[i].nrecs; j++)
			if (prev->files[i].recs[j].warnings != NULL)
				return;
	}
	/* the entries not taken (taking zeroes them), each with its new one */
	for (k = 0; k < prev->nentries; k++) {
		if (prev->entries[k].guid[0] == '\0')
			continue;
		for (j = 0; j < p->nfresh; j++)
			if (strcmp(c->entries[p->fresh[j]].guid, prev->entries[k].guid) == 0)
				break;
		if (j == p->nfresh || old == p->nfresh)
			return;		/* removed, or more gone than came */
		pair[old++] = j;
	}
	if (old != p->nfresh)
		return;			/* added */
	for (k = 0, i = 0; k < prev->nentries; k++) {
		if (prev->entries[k].guid[0] == '\0')
			continue;
		ed->old[i] = prev->entries[k];
		ed->now[i] = p->fresh[pair[i]];
		memset(&prev->entries[k], 0, sizeof(prev->entries[k]));	/* now ed's */
		i++;
	}
	ed->n = i;
	ed->ok = 1;
}

/*
 * The file at path is the one pf recorded, by its length and h64_sum read
 * through scratch (file_sum.h), not into a block of its size: 1, else 0
 * (changed, or unreadable: the whole read that follows says why).  A
 * file unchanged is not parsed, so its bytes are not needed (at 100 000
 * entries in one file, ~15 MB of fresh pages a build, issue 15).
 */
static int
same_file(const char *path, const struct content_snap_file *pf, char *scratch,
    uint64_t *len, uint64_t *sum)
{
	struct stat st;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == pf->size &&
	    file_sum_fd(fd, scratch, SUM_SCRATCH, pf->size, len, sum) == 1)
		rc = *len == pf->size && *sum == pf->sum;
	close(fd);
	return rc;
}

/* Every entry file, in name order, through prev into next.  0 or -1. */
static int
load(struct pass *p, const char *dir)
{
	struct content *c = p->x->c;
	struct content_snap_file *pf, *nf;
	struct buf b;
	char **names;
	size_t n, i, k, *rank = NULL, *hint = NULL;
	char *scratch = NULL;
	int rc = -1, r;

	if (content_list_files(p->x, dir, &names, &n) != 0)
		return -1;
	buf_init(&b, JSONFILE_MAX_BYTES);
	if ((r = take_all(p)) != 1) {
		rc = r == 0 && !p->rec.full ? content_finish(p->x, NULL, NULL, 0) : -1;
		goto out;
	}
	if ((scratch = malloc(SUM_SCRATCH)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const char *path = c->files[i];
		uint64_t len, sum;

		pf = prev_file(p, path);
		if (pf != NULL && same_file(path, pf, scratch, &len, &sum)) {
			if ((nf = content_snap_add_file(p->next)) == NULL ||
			    (nf->name = strdup(path)) == NULL)
				goto out;
			nf->size = len;
			nf->sum = sum;
			if (take_file(p, pf, nf) == -1)
				goto out;
			continue;
		}
		buf_reset(&b);
		if (content_read_text(path, &b, p->x->err, p->x->errlen) != 0 ||
		    (nf = content_snap_add_file(p->next)) == NULL ||
		    (nf->name = strdup(path)) == NULL)
			goto out;
		nf->size = b.len;
		nf->sum = h64_sum(0, b.data, b.len);
		if (pf != NULL && pf->size == nf->size && pf->sum == nf->sum) {
			if (take_file(p, pf, nf) == -1)
				goto out;
			continue;
		}
		if ((r = members(p, pf, nf, path, b.data ? b.data : "", b.len)) == -1)
			goto out;
		if (r == 1 && whole_file(p, nf, path, names[i], b.data ? b.data : "", b.len) != 0)
			goto out;
		if (pf == NULL)
			p->changed = 1;
	}
	if (p->pi < p->prev->nfiles)
		p->changed = 1;		/* files gone */
	/* prev's entries from here on */
	if (entries_ready(p) == -1 || p->rec.full || (r = adopt(p)) == -1 ||
	    (r == 0 && take_deferred(p) == -1) ||
	    (c->nentries > 0 && ((rank = malloc(c->nentries * sizeof(*rank))) == NULL ||
	    (r == 0 && (hint = malloc(c->nentries * sizeof(*hint))) == NULL))))
		goto out;
	/* else the entries kept are in the last load's order: merge the new
	 * ones in (adopted: in order already, which content_finish checks) */
	for (i = 0; hint != NULL && i < c->nentries; i++)
		hint[i] = SIZE_MAX;
	for (i = 0; hint != NULL && i < p->next->nfiles; i++)
		for (k = 0; k < p->next->files[i].nrecs; k++) {
			const struct content_snap_rec *nr = &p->next->files[i].recs[k];

			if (nr->has_entry && nr->kept && nr->idx < c->nentries)
				hint[nr->idx] = nr->rank;
		}
	if ((rc = content_finish(p->x, rank, hint, p->places)) == 0)
		note_fresh(p, rank);
	if (rc == 0 && (p->changed || p->prev->tree != p->snap->tree)) {
		struct content_snap_later *later = p->snap->later;

		/* the snapshot for the next build, now or by the caller */
		buf_free(&b);
		if (later == NULL) {
			(void)content_snap_save(p->snap, p->key, p->next, c, rank);
		} else {
			later->snap = *p->snap;
			later->snap.later = NULL;
			later->snap.edits = NULL;
			later->key = p->key;
			later->set = *p->next;
			memset(p->next, 0, sizeof(*p->next));
			later->rank = rank;
			rank = NULL;
			later->ready = 1;
		}
	}
out:
	free(scratch);
	free(rank);
	free(hint);
	buf_free(&b);
	json_map_free(&p->x->map);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Replays lines (each '\n'-terminated) to report. */
static void
replay(const struct reporter *to, struct buf *lines)
{
	char *line, *nl;

	for (line = lines->data; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		report(to, REPORT_WARNING, "%s", line);
	}
}

int
content_reuse_entries(struct ctx *x, const char *dir, const struct content_snap *snap)
{
	const struct reporter *out = x->report;
	struct content_snap_set prev = { 0 }, next = { 0 };
	struct reporter keep;
	struct buf lines;
	struct pass p;
	uint64_t key = h64_int(snap->key, (int64_t)x->site_sum);
	int rc, had_snap;

	buf_init(&lines, CONTENT_SNAP_WARNINGS_MAX);
	memset(&p, 0, sizeof(p));
	p.x = x;
	p.snap = snap;
	p.key = key;
	p.prev = &prev;
	p.next = &next;
	p.rec.lines = &lines;
	if (snap->edits != NULL)
		snap->edits->ok = 0;
	/* the entries decoded on a thread while content/ is read (entries_ready) */
	if ((rc = content_snap_read_begin(snap, key, x->c->ncategories, &prev, &p.pending)) == -1)
		goto parse;
	had_snap = rc == 1;
	if (rc == 1 && snap->prev_tree != NULL)
		*snap->prev_tree = prev.tree;
	p.changed = rc == 0;
	p.places = prev.nentries;
	keep.fn = record_line;
	keep.arg = &p.rec;
	x->report = &keep;
	rc = load(&p, dir);
	x->report = out;
	if (entries_ready(&p) == -1)
		rc = -1;	/* a load that failed before it joined: joined here */
	if (rc == 0) {
		replay(out, &lines);
		if (snap->parsed != NULL)
			*snap->parsed = p.parsed;
		if (snap->edits != NULL && had_snap)
			collect_edits(&p, snap->edits);
		/* the entries taken from the snapshot, and the edits' old ones,
		 * are in its arena: the content keeps it (content.h) */
		arena_adopt(&x->c->entry_mem, &prev.mem);
		goto done;
	}
parse:
	/* anything unexpected: the parser alone decides, and reports */
	content_entries_free(x->c);
	if (snap->parsed != NULL)
		*snap->parsed = SIZE_MAX;
	rc = content_parse_all(x, dir);
done:
	content_snap_set_free(&prev);
	content_snap_set_free(&next);
	buf_free(&lines);
	return rc;
}
