/*
 * http.c — the libcurl-multi runner behind http.h.
 *
 * One loop: start waiting requests whose time has come while fewer than
 * `concurrency` are in flight, let curl work, classify what finished
 * (done, retry later, failed, unauthorized), sleep in curl_multi_poll
 * until a socket is ready or the next retry is due.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "curl_lib.h"
#include "http.h"

enum { ST_WAIT = 0, ST_ACTIVE, ST_DONE };

struct http_client {
	struct http_opts	 o;
	struct curl_lib		 lib;	/* libcurl, opened by the first client */
	CURLM			*multi;
	CURLSH			*share;		/* DNS cache shared by the easy handles */
	uint64_t		 rng;		/* xorshift state for jitter */
};

long long
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
http_opts_init(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->concurrency = 4;
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->stall_ms = 15000;
	o->max_body = (size_t)64 << 20;
	o->max_attempts = 5;
	o->backoff_ms = 500;
	o->backoff_max_ms = 30000;
}

struct http_client *
http_client_new(const struct http_opts *opts, char *err, size_t errlen)
{
	struct http_client *c;
	struct timespec ts;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (curl_lib_open(&c->lib, err, errlen) == -1) {
		free(c);
		return NULL;
	}
	if (c->lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot set up libcurl (curl_global_init)");
		free(c);
		return NULL;
	}
	c->o = *opts;
	if (c->o.concurrency < 1)
		c->o.concurrency = 1;
	if (c->o.max_attempts < 1)
		c->o.max_attempts = 1;
	if ((c->multi = c->lib.multi_init()) == NULL || (c->share = c->lib.share_init()) == NULL) {
		snprintf(err, errlen, "cannot set up libcurl: out of memory");
		http_client_free(c);
		return NULL;
	}
	c->lib.share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	c->lib.multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c->o.concurrency);
	c->lib.multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->o.concurrency);
	c->lib.multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->o.concurrency);
	clock_gettime(CLOCK_REALTIME, &ts);
	c->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
	if (c->rng == 0)
		c->rng = 0x9e3779b97f4a7c15ull;
	return c;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	if (c->multi != NULL)
		c->lib.multi_cleanup(c->multi);
	if (c->share != NULL)
		c->lib.share_cleanup(c->share);
	free(c);
}

struct curl_slist *
http_header_append(struct curl_slist *list, const char *line)
{
	struct curl_slist *n, *t;

	if ((n = calloc(1, sizeof(*n))) == NULL || (n->data = strdup(line)) == NULL) {
		free(n);
		return NULL;
	}
	if (list == NULL)
		return n;
	for (t = list; t->next != NULL; t = t->next)
		;
	t->next = n;
	return list;
}

void
http_headers_free(struct curl_slist *list)
{
	struct curl_slist *next;

	for (; list != NULL; list = next) {
		next = list->next;
		/* a line may hold a key (AccessKey): not left in freed memory */
		if (list->data != NULL)
			explicit_bzero(list->data, strlen(list->data));
		free(list->data);
		free(list);
	}
}

static uint64_t
next_random(struct http_client *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

/* Counts bytes as they arrive: the cap holds even without Content-Length. */
static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;
	curl_off_t cl = -1;

	/* The first bytes: room for the announced body at once (a 130 kB List
	 * Videos page grew by doubling, copying 256 kB per page); a body
	 * longer than announced, or compressed, still grows as it comes. */
	if (r->resp.cap == 0 && r->easy != NULL &&
	    r->lib->easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
	    cl > 0 && (uint64_t)cl <= r->resp.max && buf_reserve(&r->resp, (size_t)cl) != 0)
		return 0;
	if (buf_put(&r->resp, data, n) != 0)
		return 0;	/* CURLE_WRITE_ERROR; resp.len shows the cap was hit */
	return n;
}

static int
start(struct http_client *c, struct http_req *r)
{
	const char *method = r->method != NULL ? r->method : "GET";
	CURL *e;

	buf_free(&r->resp);
	buf_init(&r->resp, c->o.max_body);
	r->status = 0;
	r->curl_err[0] = '\0';
	r->lib = &c->lib;
	if ((e = c->lib.easy_init()) == NULL) {
		snprintf(r->err, sizeof(r->err), "%s %s: out of memory", method, r->url);
		return -1;
	}
	c->lib.easy_setopt(e, CURLOPT_URL, r->url);
	c->lib.easy_setopt(e, CURLOPT_PRIVATE, r);
	c->lib.easy_setopt(e, CURLOPT_SHARE, c->share);
	c->lib.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	c->lib.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	c->lib.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	c->lib.easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");	/* gzip, deflate, br... */
	c->lib.easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	c->lib.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	c->lib.easy_setopt(e, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
	c->lib.easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	c->lib.easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (c->o.stall_ms + 999) / 1000);
	c->lib.easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->o.max_body);
	c->lib.easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	c->lib.easy_setopt(e, CURLOPT_WRITEDATA, r);
	c->lib.easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_err);
	c->lib.easy_setopt(e, CURLOPT_USERAGENT, "onlygen/" ONLY_VERSION);
	if (r->headers != NULL)
		c->lib.easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	if (strcmp(method, "PUT") == 0) {
		c->lib.easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
		c->lib.easy_setopt(e, CURLOPT_POSTFIELDS, r->body != NULL ? r->body : "");
		c->lib.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	} else if (strcmp(method, "GET") != 0)
		c->lib.easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (c->lib.multi_add_handle(c->multi, e) != CURLM_OK) {
		c->lib.easy_cleanup(e);
		snprintf(r->err, sizeof(r->err), "%s %s: cannot start the request", method, r->url);
		return -1;
	}
	r->easy = e;
	r->attempts++;
	r->state = ST_ACTIVE;
	return 0;
}

static int
retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/* The delay before attempt r->attempts + 1: exponential, full jitter over its upper half. */
static long
backoff(struct http_client *c, const struct http_req *r, long retry_after_ms)
{
	long d = c->o.backoff_ms;
	int i;

	for (i = 1; i < r->attempts && d < c->o.backoff_max_ms; i++)
		d *= 2;
	if (d > c->o.backoff_max_ms)
		d = c->o.backoff_max_ms;
	d = d / 2 + (long)(next_random(c) % (uint64_t)(d / 2 + 1));
	if (retry_after_ms > d)
		d = retry_after_ms > c->o.backoff_max_ms ? c->o.backoff_max_ms : retry_after_ms;
	return d;
}

/*
 * Classifies a finished transfer.  Returns 0 done (ok or failed), 1 retry
 * (delay in *delay), 2 unauthorized.
 */
static int
finish(struct http_client *c, struct http_req *r, CURLcode rc, long *delay)
{
	const char *method = r->method != NULL ? r->method : "GET";
	curl_off_t ra = -1;
	long retry_after = -1;
	int retry = 0;

	c->lib.easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc == CURLE_WRITE_ERROR && r->resp.len + CURL_MAX_WRITE_SIZE >= r->resp.max) {
		snprintf(r->err, sizeof(r->err), "%s %s: the answer is larger than %zu bytes",
		    method, r->url, c->o.max_body);
	} else if (rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(r->err, sizeof(r->err), "%s %s: the answer is larger than %zu bytes",
		    method, r->url, c->o.max_body);
	} else if (rc != CURLE_OK) {
		snprintf(r->err, sizeof(r->err), "%s %s: %.120s", method, r->url,
		    r->curl_err[0] != '\0' ? r->curl_err : c->lib.easy_strerror(rc));
		retry = retryable_curl(rc);
	} else if (r->status == 401 || r->status == 403) {
		/* The hint first: a long URL must not cut off what to do. */
		snprintf(r->err, sizeof(r->err), "HTTP %ld: the key was refused; %s (%s %.100s)",
		    r->status, c->o.auth_hint != NULL ? c->o.auth_hint : "check the key",
		    method, r->url);
		r->state = ST_DONE;
		return 2;
	} else if (r->status == 429 || r->status >= 500 || r->status == 408) {
		snprintf(r->err, sizeof(r->err), "%s %s: HTTP %ld", method, r->url, r->status);
		if (c->lib.easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			retry_after = ra > 3600 ? 3600000 : (long)ra * 1000;
		retry = 1;
	} else if (r->status < 200 || r->status > 299) {
		snprintf(r->err, sizeof(r->err), "%s %s: HTTP %ld", method, r->url, r->status);
	} else {
		r->ok = 1;
		r->err[0] = '\0';
	}
	if (retry && r->attempts < c->o.max_attempts) {
		*delay = backoff(c, r, retry_after);
		r->next_at = http_now_ms() + *delay;
		r->state = ST_WAIT;
		return 1;
	}
	if (retry) {
		size_t len = strlen(r->err);
		snprintf(r->err + len, sizeof(r->err) - len, " (gave up after %d attempts)",
		    r->attempts);
	}
	r->state = ST_DONE;
	return 0;
}

static void
stop(struct http_client *c, struct http_req *r)
{
	if (r->easy != NULL) {
		c->lib.multi_remove_handle(c->multi, r->easy);
		c->lib.easy_cleanup(r->easy);
		r->easy = NULL;
	}
}

enum http_result
http_run(struct http_client *c, struct http_req *reqs, size_t n, unsigned *retries)
{
	enum http_result res = HTTP_OK;
	size_t i, done = 0, next = 0;
	int active = 0, running, msgs, abort_run = 0, finished;
	unsigned nretries = 0;
	long long now;
	CURLMsg *m;

	for (i = 0; i < n; i++) {
		reqs[i].state = ST_WAIT;
		reqs[i].next_at = 0;
		reqs[i].attempts = 0;
		reqs[i].ok = 0;
		reqs[i].easy = NULL;
		reqs[i].err[0] = '\0';
		buf_init(&reqs[i].resp, c->o.max_body);
	}
	while (done < n && !abort_run) {
		long long wake = -1;

		now = http_now_ms();
		/* Start in order: `next` skips the prefix that is done for good. */
		while (next < n && reqs[next].state == ST_DONE)
			next++;
		for (i = next; i < n && active < c->o.concurrency; i++) {
			struct http_req *r = &reqs[i];
			if (r->state != ST_WAIT)
				continue;
			if (r->next_at > now) {
				if (wake < 0 || r->next_at < wake)
					wake = r->next_at;
				continue;
			}
			if (start(c, r) != 0) {
				r->state = ST_DONE;
				done++;
				res = HTTP_FAILED;
				if (c->o.fail_fast)
					abort_run = 1;
				continue;
			}
			active++;
		}
		if (abort_run)
			break;
		c->lib.multi_perform(c->multi, &running);
		finished = 0;
		while ((m = c->lib.multi_info_read(c->multi, &msgs)) != NULL) {
			struct http_req *r = NULL;
			long delay = 0;
			int k;

			if (m->msg != CURLMSG_DONE)
				continue;
			c->lib.easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			k = finish(c, r, m->data.result, &delay);
			stop(c, r);
			active--;
			finished = 1;
			if (k == 1) {
				nretries++;
				if (c->o.on_progress != NULL)
					c->o.on_progress(r, 1, delay, c->o.arg);
				continue;
			}
			done++;
			if (k == 2) {
				res = HTTP_UNAUTHORIZED;
				abort_run = 1;
				break;
			}
			if (r->ok && c->o.on_done != NULL && c->o.on_done(r, c->o.arg) != 0)
				r->ok = 0;
			if (c->o.on_progress != NULL)
				c->o.on_progress(r, 0, 0, c->o.arg);
			if (!r->ok) {
				res = HTTP_FAILED;
				if (c->o.fail_fast) {
					abort_run = 1;
					break;
				}
			}
		}
		if (done >= n || abort_run)
			break;
		if (finished)
			continue;	/* slots were freed: start the next requests now */
		{
			int timeout = 1000;
			now = http_now_ms();
			if (active == 0 && wake >= 0)
				timeout = wake > now ? (int)(wake - now < 1000 ? wake - now : 1000) : 0;
			else if (wake >= 0 && wake - now < timeout)
				timeout = wake > now ? (int)(wake - now) : 0;
			c->lib.multi_poll(c->multi, NULL, 0, timeout, NULL);
		}
	}
	for (i = 0; i < n; i++)
		stop(c, &reqs[i]);
	if (retries != NULL)
		*retries = nretries;
	return res;
}
