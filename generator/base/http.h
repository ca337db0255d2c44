/*
 * http.h — a reusable libcurl-multi request runner: bounded concurrency over
 * kept-alive connections, connect/total/stall timeouts, a response size
 * cap, retries with exponential backoff and jitter on network errors, 5xx
 * and 429 (Retry-After honoured), and a stop on 401/403.
 *
 * Used by the catalog pull (GET pages) and meant for the deploy (PUT,
 * GET, DELETE on Bunny Storage).  Messages name the method and URL and
 * never headers: callers put secrets (AccessKey) in headers only.
 *
 * Ownership: the caller owns every struct http_req and its url, headers
 * and body; the runner fills status, resp (a buf the caller frees with
 * buf_free) and err.  A struct http_client owns the curl multi handle
 * (and so its connection cache) until http_client_free().
 *
 * libcurl itself is opened by the first client (curl_lib.h): a run that
 * makes no request never loads it.
 */
#ifndef ONLY_HTTP_H
#define ONLY_HTTP_H

#include <stddef.h>
#include <curl/curl.h>

#include "buf.h"

struct http_req;
struct curl_lib;

struct http_opts {
	int	 concurrency;		/* requests in flight (default 4) */
	long	 connect_timeout_ms;	/* default 10 000 */
	long	 timeout_ms;		/* whole request, default 60 000 */
	long	 stall_ms;		/* < 1 byte/s for this long fails (default 15 000) */
	size_t	 max_body;		/* response cap in bytes (default 64 MiB) */
	int	 max_attempts;		/* tries per request, default 5 */
	long	 backoff_ms;		/* first retry delay, doubling (default 500) */
	long	 backoff_max_ms;	/* cap on one delay, Retry-After included (default 30 000) */
	int	 fail_fast;		/* stop everything at the first failed request */
	/* What to check when the server answers 401/403, e.g. "check
	 * BUNNY_API_KEY (...)": the caller knows which key it sent.  NULL:
	 * a generic "check the key". */
	const char *auth_hint;
	/*
	 * Called as each request finishes with a 2xx answer (resp filled);
	 * returning non-zero fails the request with the message the
	 * callback wrote into req->err, and (with fail_fast) the run.
	 */
	int	(*on_done)(struct http_req *req, void *arg);
	/* Called on every retry and completion, for progress display. */
	void	(*on_progress)(const struct http_req *req, int retrying, long delay_ms,
		    void *arg);
	void	*arg;
};

enum http_result {
	HTTP_OK = 0,		/* every request succeeded */
	HTTP_FAILED = 1,	/* at least one request failed (see each err) */
	HTTP_UNAUTHORIZED = 2	/* a 401/403 stopped the run */
};

struct http_req {
	/* in */
	const char		*method;	/* "GET" (default when NULL), "PUT", "DELETE" */
	const char		*url;
	const struct curl_slist	*headers;	/* may hold secrets: never logged */
	const void		*body;		/* PUT body, or NULL */
	size_t			 body_len;
	void			*user;		/* for the caller's callbacks */
	/* out */
	long			 status;	/* HTTP status of the last attempt, 0 if none */
	struct buf		 resp;		/* body of the last attempt */
	int			 attempts;
	int			 ok;		/* 1 when it succeeded */
	char			 err[256];	/* why it failed */
	/* runner state */
	const struct curl_lib	*lib;		/* its client's libcurl */
	CURL			*easy;
	long long		 next_at;	/* monotonic ms when it may (re)start */
	int			 state;
	char			 curl_err[CURL_ERROR_SIZE];
};

struct http_client;

/* Fills o with the defaults above. */
void	http_opts_init(struct http_opts *o);

/*
 * A client for opts (copied).  NULL with err when libcurl could not be
 * loaded or set up.
 */
struct http_client	*http_client_new(const struct http_opts *opts, char *err,
			    size_t errlen);
void			 http_client_free(struct http_client *c);

/*
 * Runs n requests.  Returns HTTP_OK, HTTP_FAILED or HTTP_UNAUTHORIZED;
 * *retries (may be NULL) receives the number of retries made.
 */
enum http_result	http_run(struct http_client *c, struct http_req *reqs, size_t n,
			    unsigned *retries);

/*
 * A request's header lines (struct http_req's headers), as libcurl's
 * curl_slist_append() and curl_slist_free_all() make and free them, but
 * without loading libcurl: it only reads the list.  The append returns
 * the list's head, or NULL out of memory (the list left as it was).  The
 * free zeroes each line first: they hold the API and storage keys.
 */
struct curl_slist	*http_header_append(struct curl_slist *list, const char *line);
void			 http_headers_free(struct curl_slist *list);

/* Monotonic milliseconds. */
long long	http_now_ms(void);

#endif
