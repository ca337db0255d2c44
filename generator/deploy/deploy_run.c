/*
 * deploy_run.c — listing, uploads, deletions and purges against Bunny
 * Storage and the core API, on top of http.c.  See deploy_run.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "deploy_run.h"
#include "http.h"

/* Uploads are read into memory a batch at a time. */
#define BATCH_FILES	64
#define BATCH_BYTES	((size_t)64 << 20)

/* Formats one warning for c->report (dropped when there is none). */
static void warn(const struct deploy_conf *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(const struct deploy_conf *c, const char *fmt, ...)
{
	char msg[DEPLOY_MAX_PATH * 2 + 512];
	va_list ap;

	if (!report_on(c->report))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(c->report, REPORT_WARNING, "%s", msg);
}

void
deploy_result_free(struct deploy_result *r)
{
	if (r == NULL)
		return;
	dlist_free(&r->done);
	dlist_free(&r->purge);
}

/* endpoint/zone/path[/]: the URL of a file or (dir=1) a directory. */
static char *
storage_url(const struct deploy_conf *c, const char *path, int dir)
{
	struct buf b;

	buf_init(&b, DEPLOY_MAX_PATH * 3 + 1024);
	if (buf_puts(&b, c->endpoint) != 0 || buf_putc(&b, '/') != 0 ||
	    deploy_put_enc(&b, c->zone, 0) != 0 || buf_putc(&b, '/') != 0 ||
	    deploy_put_enc(&b, path, 1) != 0 ||
	    (dir && *path && buf_putc(&b, '/') != 0)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static struct curl_slist *
auth_headers(const char *key)
{
	struct curl_slist *h = NULL, *t;
	struct buf b;

	buf_init(&b, 4096);
	if (buf_printf(&b, "AccessKey: %s", key) != 0 ||
	    (t = http_header_append(h, b.data)) == NULL) {
		buf_free(&b);
		return NULL;
	}
	h = t;
	/* Keep the key out of freed memory. */
	memset(b.data, 0, b.len);
	buf_free(&b);
	if ((t = http_header_append(h, "Accept: application/json")) == NULL) {
		http_headers_free(h);
		return NULL;
	}
	return t;
}

struct progress;
static void on_progress(const struct http_req *, int, long, void *);

/*
 * A client for c's timeouts and retries; pg (may be NULL) gets progress.
 * NULL with err.
 */
static struct http_client *
client(const struct deploy_conf *c, int concurrency, size_t max_body,
    struct progress *pg, char *err, size_t errlen)
{
	struct http_opts o;

	http_opts_init(&o);
	if (pg != NULL) {
		o.on_progress = on_progress;
		o.arg = pg;
	}
	o.concurrency = concurrency;
	o.timeout_ms = c->timeout_ms;
	if (o.stall_ms > c->timeout_ms)
		o.stall_ms = c->timeout_ms;
	o.max_attempts = c->attempts;
	o.backoff_ms = c->backoff_ms;
	o.max_body = max_body;
	/* The purge prints its own message (BUNNY_ACCOUNT_KEY): see purge_one. */
	o.auth_hint = "check BUNNY_STORAGE_ZONE, BUNNY_STORAGE_KEY (the zone's password, "
	    "under FTP & API Access) and BUNNY_STORAGE_REGION";
	return http_client_new(&o, err, errlen);
}

/* Tells c->report why request r (about what) failed. */
static void
report_fail(const struct deploy_conf *c, const struct http_req *r, const char *what)
{
	if (r->status == 401)
		warn(c, "%s: HTTP 401: the storage zone refused "
		    "the key; check BUNNY_STORAGE_ZONE, BUNNY_STORAGE_KEY (the "
		    "zone's password, under FTP & API Access) and "
		    "BUNNY_STORAGE_REGION", what);
	else
		warn(c, "%s", r->err[0] ? r->err :
		    "not attempted (an earlier request was refused)");
}

int
deploy_list_zone(const struct deploy_conf *c, struct dlist *files,
    struct dlist *dirs, char *err, size_t errlen)
{
	struct http_client *hc;
	struct http_req *reqs = NULL;
	struct curl_slist *h;
	struct dlist level = { 0 }, next = { 0 }, tmp;
	size_t i, depth = 0;
	int rc = -1;

	if ((h = auth_headers(c->key)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((hc = client(c, DEPLOY_LIST_JOBS, DEPLOY_MAX_LISTING, NULL, err, errlen)) == NULL) {
		http_headers_free(h);
		return -1;
	}
	if (dlist_add(&level, "", 0, NULL) != 0)
		goto oom;
	while (level.n > 0) {
		if (++depth > DEPLOY_MAX_DEPTH) {
			snprintf(err, errlen, "the zone is nested deeper than %d "
			    "directories", DEPLOY_MAX_DEPTH);
			goto out;
		}
		if ((reqs = calloc(level.n, sizeof(*reqs))) == NULL)
			goto oom;
		for (i = 0; i < level.n; i++) {
			reqs[i].headers = h;
			if ((reqs[i].url = storage_url(c, level.v[i].path, 1)) == NULL)
				goto oom;
		}
		(void)http_run(hc, reqs, level.n, NULL);	/* each request says how it went */
		for (i = 0; i < level.n; i++) {
			struct http_req *r = &reqs[i];
			size_t before = dirs->n;

			if (r->ok) {
				if (deploy_listing_parse(r->resp.data ? r->resp.data :
				    "[]", r->resp.len, level.v[i].path, files, dirs,
				    err, errlen) != 0)
					goto out;
				for (; before < dirs->n; before++)
					if (dlist_add(&next, dirs->v[before].path,
					    0, NULL) != 0)
						goto oom;
			} else if (r->status == 404 && level.v[i].path[0] == '\0') {
				continue;	/* an empty zone */
			} else {
				report_fail(c, r, "listing the zone");
				snprintf(err, errlen, "cannot list /%s in zone %s",
				    level.v[i].path, c->zone);
				goto out;
			}
		}
		for (i = 0; i < level.n; i++) {
			free((char *)(uintptr_t)reqs[i].url);
			buf_free(&reqs[i].resp);
		}
		free(reqs);
		reqs = NULL;
		dlist_free(&level);
		tmp = level;
		level = next;
		next = tmp;
	}
	dlist_sort(files);
	dlist_sort(dirs);
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory (or more than %d files) while "
	    "listing the zone", DEPLOY_MAX_FILES);
out:
	if (reqs != NULL) {
		for (i = 0; i < level.n; i++) {
			free((char *)(uintptr_t)reqs[i].url);
			buf_free(&reqs[i].resp);
		}
		free(reqs);
	}
	dlist_free(&level);
	dlist_free(&next);
	http_client_free(hc);
	http_headers_free(h);
	return rc;
}

static const char *
content_type(const char *path)
{
	static const struct { const char *ext, *type; } t[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".webmanifest", "application/manifest+json" },
		{ ".xml", "application/xml" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".webp", "image/webp" },
		{ ".avif", "image/avif" },
		{ ".gif", "image/gif" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".woff", "font/woff" },
		{ ".vtt", "text/vtt" },
		{ ".m3u8", "application/vnd.apple.mpegurl" },
	};
	size_t i, n = strlen(path), m;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		m = strlen(t[i].ext);
		if (n > m && strcasecmp(path + n - m, t[i].ext) == 0)
			return t[i].type;
	}
	return "application/octet-stream";
}

struct progress {
	const struct deploy_conf	*c;
	const char			*phase;
	size_t				 done, total;
};

static void
on_progress(const struct http_req *r, int retrying, long delay_ms, void *arg)
{
	struct progress *p = arg;

	if (!retrying)
		p->done++;
	else if (p->c->retry != NULL)
		p->c->retry(p->c->report_arg, p->phase, delay_ms, r->err);
	if (p->c->progress != NULL)
		p->c->progress(p->c->report_arg, p->phase, p->done, p->total);
}

/* One request's private data: headers and the file's bytes. */
struct job {
	const struct daction	*a;
	struct curl_slist	*h;
	struct buf		 body;
	char			 sha[65];
};

static void
job_free(struct job *j, struct http_req *r)
{
	http_headers_free(j->h);
	buf_free(&j->body);
	free((char *)(uintptr_t)r->url);
	buf_free(&r->resp);
}

/*
 * Reads a regular file into b without following a symbolic link in its
 * last component: a file swapped for a link since the walk is refused
 * (ELOOP), so nothing outside the site can be read.  -1 with errno set.
 */
static int
read_regular(const char *path, struct buf *b)
{
	struct stat st;
	int fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	rc = buf_read_fd(b, fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Prepares the request for action a.  0, or -1 with err. */
static int
job_init(const struct deploy_conf *c, const char *root, const struct daction *a,
    struct job *j, struct http_req *r, char *err, size_t errlen)
{
	char line[128], path[DEPLOY_MAX_PATH * 2];
	struct curl_slist *t;

	j->a = a;
	buf_init(&j->body, (size_t)DEPLOY_MAX_FILE);
	if ((j->h = auth_headers(c->key)) == NULL ||
	    (r->url = storage_url(c, a->path, a->op == DOP_DELETE_DIR)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->headers = j->h;
	if (a->op != DOP_UPLOAD) {
		r->method = "DELETE";
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", root, a->path);
	if (read_regular(path, &j->body) != 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	/* Only the bytes checked against the build's manifest may leave: a
	 * file changed (or a parent directory swapped for a link) since the
	 * walk is not what the build published. */
	deploy_sha256_hex(j->body.data, j->body.len, j->sha);
	if (strcmp(j->sha, a->sha256) != 0) {
		snprintf(err, errlen, "%s: changed since it was checked against "
		    "the build's manifest; not uploaded (build, then deploy again)",
		    path);
		return -1;
	}
	snprintf(line, sizeof(line), "Checksum: %s", j->sha);
	if ((t = http_header_append(j->h, line)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->h = t;
	snprintf(line, sizeof(line), "Content-Type: %s", content_type(a->path));
	if ((t = http_header_append(j->h, line)) == NULL ||
	    (t = http_header_append(t, "Expect:")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->h = t;
	r->headers = j->h;
	r->method = "PUT";
	r->body = j->body.data ? j->body.data : "";
	r->body_len = j->body.len;
	return 0;
}

/*
 * Records the outcome of one finished request in res (a failed request is
 * counted and reported, not an error).  0, or -1 with err.
 */
static int
account(const struct deploy_conf *c, struct deploy_result *res, const struct job *j,
    const struct http_req *r, char *err, size_t errlen)
{
	const struct daction *a = j->a;

	if (a->op == DOP_UPLOAD) {
		if (!r->ok) {
			res->failed++;
			report_fail(c, r, a->path);
			return 0;
		}
		res->uploaded++;
		res->bytes += j->body.len;
		if (dlist_add(&res->done, a->path, j->body.len, j->sha) != 0 ||
		    (!a->is_new && dlist_add(&res->purge, a->path, 0, NULL) != 0))
			goto oom;
		return 0;
	}
	/* Already gone is as good as deleted: a re-run after a lost answer. */
	if (!r->ok && r->status != 404) {
		res->failed++;
		report_fail(c, r, a->path);
		return 0;
	}
	if (a->phase == PHASE_DELETIONS)
		res->deleted++;
	if (a->op == DOP_DELETE_DIR)
		res->purge_all = 1;
	if (dlist_add(&res->purge, a->path, 0, NULL) != 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory (or more than %d files)", DEPLOY_MAX_FILES);
	return -1;
}

/*
 * Runs the actions v[0..n) (one phase) in batches, reporting each failure
 * through c->report.  0, or -1 with "<phase> failed" in err when anything
 * failed (the batches after a failed one still run, unless the key was
 * refused or a file could not be prepared).
 */
static int
run_phase(const struct deploy_conf *c, const char *root, struct http_client *hc,
    const struct daction *v, size_t n, struct deploy_result *res,
    struct progress *pg, char *err, size_t errlen)
{
	struct http_req reqs[BATCH_FILES];
	struct job jobs[BATCH_FILES];
	char why[DEPLOY_MAX_PATH * 2 + 256];
	size_t i = 0, k, m, bytes;
	unsigned retries;
	enum http_result hr;
	int failed = 0, oom = 0;

	snprintf(err, errlen, "%s failed", pg->phase);
	while (i < n) {
		memset(reqs, 0, sizeof(reqs));
		memset(jobs, 0, sizeof(jobs));
		for (m = 0, bytes = 0; i + m < n && m < BATCH_FILES &&
		    bytes < BATCH_BYTES; m++) {
			bytes += (size_t)v[i + m].size;
			if (job_init(c, root, &v[i + m], &jobs[m], &reqs[m], why,
			    sizeof(why)) != 0) {
				warn(c, "%s", why);
				for (k = 0; k <= m; k++)
					job_free(&jobs[k], &reqs[k]);
				res->failed++;
				return -1;
			}
			reqs[m].user = &jobs[m];
		}
		hr = http_run(hc, reqs, m, &retries);
		res->retries += retries;
		for (k = 0; k < m; k++) {
			if (reqs[k].attempts == 0)
				pg->done++;	/* never started: still counted */
			if (!oom && account(c, res, &jobs[k], &reqs[k], why, sizeof(why)) != 0) {
				warn(c, "%s", why);
				oom = 1;
			}
			job_free(&jobs[k], &reqs[k]);
		}
		if (oom || hr == HTTP_UNAUTHORIZED)
			return -1;
		if (hr != HTTP_OK)
			failed = 1;
		i += m;
	}
	return failed ? -1 : 0;
}

int
deploy_execute(const struct deploy_conf *c, const char *root,
    const struct dplan *plan, struct deploy_result *res, char *err, size_t errlen)
{
	struct http_client *up = NULL, *del = NULL;
	struct progress pg = { c, NULL, 0, 0 };
	char why[256];
	size_t i = 0, j;
	int failed = 0;

	memset(res, 0, sizeof(*res));
	while (i < plan->n && !failed) {
		enum dphase ph = plan->v[i].phase;
		int is_del = ph == PHASE_DELETIONS || ph == PHASE_CONFLICTS;
		struct http_client **hc = is_del ? &del : &up;

		for (j = i; j < plan->n && plan->v[j].phase == ph; j++)
			;
		if (*hc == NULL && (*hc = client(c, is_del ?
		    (c->jobs < DEPLOY_DELETE_JOBS ? c->jobs : DEPLOY_DELETE_JOBS) :
		    c->jobs, 64 << 10, &pg, why, sizeof(why))) == NULL) {
			warn(c, "%s", why);
			failed = 1;
			break;
		}
		pg.phase = deploy_phase_name(ph);
		pg.done = 0;
		pg.total = j - i;
		if (run_phase(c, root, *hc, &plan->v[i], j - i, res, &pg, why,
		    sizeof(why)) != 0) {
			failed = 1;
			if (j < plan->n) {
				res->stopped = 1;
				warn(c, "%s: stopped before %s so no page links to a "
				    "missing file; run `onlygen deploy` again to finish",
				    why, deploy_phase_name(plan->v[j].phase));
			}
		}
		i = j;
	}
	http_client_free(up);
	http_client_free(del);
	dlist_sort(&res->done);		/* merged into the manifest by lookup */
	if (failed) {
		snprintf(err, errlen, "not everything was published");
		return -1;
	}
	return 0;
}

/* Sleeps for secs seconds (fractions allowed). */
static void
nap(double secs)
{
	struct timespec ts;

	if (secs <= 0)
		return;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One purge request.  0, or -1 with err. */
static int
purge_one(struct http_client *hc, const struct curl_slist *h, const char *url,
    char *err, size_t errlen)
{
	struct http_req r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.url = url;
	r.headers = h;
	http_run(hc, &r, 1, NULL);
	if (!r.ok) {
		if (r.status == 401 || r.status == 403)
			snprintf(err, errlen, "purge: HTTP %ld: the API refused the "
			    "key; check BUNNY_ACCOUNT_KEY (the account API key, not "
			    "a zone password)", r.status);
		else
			snprintf(err, errlen, "purge: %s", r.err);
		rc = -1;
	}
	buf_free(&r.resp);
	return rc;
}

int
deploy_purge(const struct deploy_conf *c, const struct deploy_result *res,
    enum deploy_purged *what, size_t *nurls, char *err, size_t errlen)
{
	struct http_client *hc = NULL;
	struct curl_slist *h = NULL, *t;
	struct dlist urls = { 0 };
	struct dbucket exact, prefix;
	struct buf url;
	size_t i;
	int rc = 0, per_url = 0, whole = 0;
	double now;
	char why[256];

	*what = PURGED_NOTHING;
	*nurls = 0;
	if (res->purge.n == 0 && !res->purge_all)
		return 0;
	if (c->pullzone_url != NULL && !res->purge_all) {
		if (deploy_purge_targets(c->pullzone_url, &res->purge, &urls, &whole) != 0) {
			snprintf(err, errlen, "purge: out of memory");
			dlist_free(&urls);
			return -1;
		}
		per_url = !whole;
	}
	if (c->account_key == NULL || (!per_url && c->pullzone_id == NULL)) {
		*what = PURGE_SKIPPED;
		dlist_free(&urls);
		return 0;
	}
	buf_init(&url, DEPLOY_MAX_PATH * 9 + 2048);
	if ((h = auth_headers(c->account_key)) == NULL ||
	    (t = http_header_append(h, "Content-Length: 0")) == NULL) {
		snprintf(err, errlen, "purge: out of memory");
		rc = -1;
		goto out;
	}
	h = t;
	if ((hc = client(c, 1, 64 << 10, NULL, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "purge: %s", why);
		rc = -1;
		goto out;
	}
	now = (double)http_now_ms() / 1000;
	deploy_bucket_init(&exact, 100, 4, now);
	deploy_bucket_init(&prefix, 15, 0.4, now);
	if (!per_url) {
		if (buf_printf(&url, "%s/pullzone/", c->core) != 0 ||
		    deploy_put_enc(&url, c->pullzone_id, 0) != 0 ||
		    BUF_PUTSL(&url, "/purgeCache") != 0) {
			snprintf(err, errlen, "purge: URL too long");
			rc = -1;
		} else
			rc = purge_one(hc, h, url.data, err, errlen);
		if (rc == 0)
			*what = PURGED_ZONE;
		goto out;
	}
	for (i = 0; i < urls.n && rc == 0; i++) {
		buf_reset(&url);
		if (buf_printf(&url, "%s/purge?url=", c->core) != 0 ||
		    deploy_put_enc(&url, urls.v[i].path, 0) != 0 ||
		    BUF_PUTSL(&url, "&async=false") != 0) {
			snprintf(err, errlen, "purge: URL too long");
			rc = -1;
			break;
		}
		nap(deploy_bucket_take(urls.v[i].size ? &prefix : &exact,
		    (double)http_now_ms() / 1000));
		rc = purge_one(hc, h, url.data, err, errlen);
	}
	if (rc == 0) {
		*what = PURGED_URLS;
		*nurls = urls.n;
	}
out:
	dlist_free(&urls);
	buf_free(&url);
	http_client_free(hc);
	http_headers_free(h);
	return rc;
}
