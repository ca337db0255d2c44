/*
 * deploy_plan.c — what to upload and delete, in which order, from the local
 * tree, the zone's listing and the manifest; and the purge rate budget.
 * Pure: no I/O.  See deploy.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "deploy.h"

int
deploy_is_document(const char *path)
{
	static const char *const ext[] = {
		".html", ".htm", ".xml", ".json", ".txt", ".webmanifest",
		".rss", ".atom",
	};
	size_t i, n = strlen(path), m;

	if (strncmp(path, "assets/", 7) == 0)
		return 0;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		m = strlen(ext[i]);
		if (n >= m && strcasecmp(path + n - m, ext[i]) == 0)
			return 1;
	}
	return 0;
}

const char *
deploy_phase_name(enum dphase ph)
{
	switch (ph) {
	case PHASE_CONFLICTS:		return "conflicts";
	case PHASE_ASSETS:		return "assets";
	case PHASE_NEW_PAGES:		return "new pages";
	case PHASE_CHANGED_PAGES:	return "changed pages";
	case PHASE_DELETIONS:		return "deletions";
	case PHASE_COUNT:		break;
	}
	return "?";
}

void
deploy_plan_free(struct dplan *plan)
{
	if (plan == NULL)
		return;
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

static int
push(struct dplan *p, size_t *cap, enum dop op, enum dphase ph, int is_new,
    const struct dfile *f)
{
	struct daction *nv;

	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((nv = realloc(p->v, *cap * sizeof(*nv))) == NULL)
			return -1;
		p->v = nv;
	}
	p->v[p->n++] = (struct daction){ op, ph, is_new, f->path, f->size,
	    f->sha256 };
	return 0;
}

/* 1 when some path in the sorted list l lies under directory dir. */
static int
has_under(const struct dlist *l, const char *dir)
{
	size_t lo = 0, hi = l->n, mid, n = strlen(dir);

	/* First path >= "dir/": every path under dir sorts right there. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strncmp(l->v[mid].path, dir, n) < 0 ||
		    (strncmp(l->v[mid].path, dir, n) == 0 &&
		    strcmp(l->v[mid].path + n, "/") < 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && strncmp(l->v[lo].path, dir, n) == 0 &&
	    l->v[lo].path[n] == '/';
}

/* 1 when path is under a directory already planned for deletion. */
static int
under_deleted(const struct dplan *p, const char *path)
{
	size_t i, n;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].op != DOP_DELETE_DIR)
			continue;
		n = strlen(p->v[i].path);
		if (strncmp(path, p->v[i].path, n) == 0 && path[n] == '/')
			return 1;
	}
	return 0;
}

static int
cmp_action(const void *a, const void *b)
{
	const struct daction *x = a, *y = b;

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	return strcmp(x->path, y->path);
}

int
deploy_plan_build(const struct dlist *local, const struct dlist *rfiles,
    const struct dlist *rdirs, const struct dlist *manifest, struct dplan *p)
{
	const struct dfile *l, *r, *m;
	const char *known;
	size_t i, cap = 0;
	enum dphase ph;

	memset(p, 0, sizeof(*p));
	/* A remote directory where a local file must go, or a remote file
	 * where a local directory must go, is removed first: there is no
	 * rename in Bunny Storage and the upload would fail otherwise. */
	for (i = 0; i < rdirs->n; i++)
		if (dlist_find(local, rdirs->v[i].path) != NULL &&
		    push(p, &cap, DOP_DELETE_DIR, PHASE_CONFLICTS, 0,
		    &rdirs->v[i]) != 0)
			goto oom;
	for (i = 0; i < rfiles->n; i++)
		if (has_under(local, rfiles->v[i].path) &&
		    push(p, &cap, DOP_DELETE_FILE, PHASE_CONFLICTS, 0,
		    &rfiles->v[i]) != 0)
			goto oom;

	for (i = 0; i < local->n; i++) {
		l = &local->v[i];
		r = dlist_find(rfiles, l->path);
		if (r != NULL && has_under(local, r->path))
			r = NULL;	/* removed in the conflicts phase */
		if (r != NULL && r->size == l->size) {
			known = r->sha256[0] ? r->sha256 : NULL;
			if (known == NULL && (m = dlist_find(manifest,
			    l->path)) != NULL && m->size == r->size)
				known = m->sha256;
			if (known != NULL && strcmp(known, l->sha256) == 0) {
				p->unchanged++;
				continue;
			}
		}
		if (!deploy_is_document(l->path))
			ph = PHASE_ASSETS;
		else
			ph = r == NULL ? PHASE_NEW_PAGES : PHASE_CHANGED_PAGES;
		if (push(p, &cap, DOP_UPLOAD, ph, r == NULL, l) != 0)
			goto oom;
		p->uploads++;
		p->upload_bytes += l->size;
	}

	/* Deletions: a remote directory with nothing local under it goes in
	 * one recursive DELETE; rdirs is sorted, so a parent comes before its
	 * children and the children are skipped. */
	for (i = 0; i < rdirs->n; i++) {
		const char *d = rdirs->v[i].path;

		if (dlist_find(local, d) != NULL || has_under(local, d) ||
		    under_deleted(p, d))
			continue;
		if (push(p, &cap, DOP_DELETE_DIR, PHASE_DELETIONS, 0,
		    &rdirs->v[i]) != 0)
			goto oom;
		p->deletes++;
	}
	for (i = 0; i < rfiles->n; i++) {
		const char *f = rfiles->v[i].path;

		if (dlist_find(local, f) != NULL || has_under(local, f) ||
		    under_deleted(p, f))
			continue;
		if (push(p, &cap, DOP_DELETE_FILE, PHASE_DELETIONS, 0,
		    &rfiles->v[i]) != 0)
			goto oom;
		p->deletes++;
	}
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), cmp_action);
	return 0;
oom:
	deploy_plan_free(p);
	return -1;
}

void
deploy_bucket_init(struct dbucket *b, double burst, double rate, double now)
{
	b->tokens = b->burst = burst;
	b->rate = rate;
	b->last = now;
}

double
deploy_bucket_take(struct dbucket *b, double now)
{
	double wait;

	if (now > b->last) {
		b->tokens += (now - b->last) * b->rate;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last = now;
	}
	b->tokens -= 1;
	if (b->tokens >= 0)
		return 0;
	/* In debt: the caller sleeps until the bucket is back at zero. */
	wait = -b->tokens / b->rate;
	return wait;
}

int
deploy_put_enc(struct buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' || (keep_slash && c == '/')) {
			if (buf_putc(b, (char)c) != 0)
				return -1;
		} else if (buf_putc(b, '%') != 0 ||
		    buf_putc(b, hex[c >> 4]) != 0 ||
		    buf_putc(b, hex[c & 15]) != 0)
			return -1;
	}
	return 0;
}

/* Appends base (without a trailing '/') + '/' + enc(path, n bytes). */
static int
url_of(struct buf *b, const char *base, const char *path, size_t n)
{
	size_t bl = strlen(base);
	char *p;
	int rc;

	buf_reset(b);
	if (buf_put(b, base, bl && base[bl - 1] == '/' ? bl - 1 : bl) != 0 ||
	    buf_putc(b, '/') != 0 || (p = strndup(path, n)) == NULL)
		return -1;
	rc = deploy_put_enc(b, p, 1);
	free(p);
	return rc;
}

int
deploy_purge_targets(const char *base, const struct dlist *paths,
    struct dlist *urls, int *whole)
{
	struct buf b;
	size_t i, n, exact = 0, prefix = 0;
	const char *p;
	int rc = -1;

	*whole = 0;
	buf_init(&b, DEPLOY_MAX_PATH * 3 + 2048);
	for (i = 0; i < paths->n; i++) {
		p = paths->v[i].path;
		n = strlen(p);
		if (strcmp(p, "index.html") == 0) {
			*whole = 1;	/* the root's directory URL is "/": everything */
			rc = 0;
			goto out;
		}
		if (url_of(&b, base, p, n) != 0 || dlist_add(urls, b.data, 0, NULL) != 0)
			goto out;
		exact++;
		if (n > 11 && strcmp(p + n - 11, "/index.html") == 0) {
			if (url_of(&b, base, p, n - 10) != 0 ||
			    dlist_add(urls, b.data, 1, NULL) != 0)
				goto out;
			prefix++;
		}
		if (exact > DEPLOY_PURGE_URLS_MAX || prefix > DEPLOY_PURGE_PREFIX_MAX) {
			*whole = 1;
			rc = 0;
			goto out;
		}
	}
	rc = 0;
out:
	if (rc != 0 || *whole)
		dlist_free(urls);
	buf_free(&b);
	return rc;
}
