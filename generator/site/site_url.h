/*
 * site_url.h — the site's URL and path scheme (docs/architecture.md):
 * /v/<guid>/, /e/<guid>/, /c/<slug>/, /t/<slug>/, /s/<slug>/, /c/<slug>/page/<n>/, or the
 * same with ".html" when url_style is "html"; plus CDN URLs and the small
 * text formats (durations, dates) pages share.  Pure functions.
 *
 * Every function appends to out and returns 0, or -1 when out's cap is
 * reached.  URLs produced here are root-relative and contain only
 * [a-z0-9/.-] (guids and slugs are validated by the core's guid_ok/slug_ok
 * before they reach these functions), so they are safe in any context.
 */
#ifndef ONLY_SITE_URL_H
#define ONLY_SITE_URL_H

#include <stdint.h>

#include "buf.h"

/* /v/<guid>/ or /v/<guid>.html */
int	url_video(struct buf *out, int html, const char *guid);
/* The embeddable player page: /e/<guid>/ or /e/<guid>.html */
int	url_embed(struct buf *out, int html, const char *guid);
/* The verifier's play endpoint of a video: /api/play/<guid> */
int	url_play(struct buf *out, const char *guid);
/* kind 'c', 't' or 's'; page >= 1: /c/<slug>/, /c/<slug>/page/2/ (or .html) */
int	url_list(struct buf *out, int html, char kind, const char *slug, int page);
/* A top-level page: name "" is "/", else /<name>/ or /<name>.html */
int	url_named(struct buf *out, int html, const char *name);
/* A top-level list, page >= 1: /<name>/, /<name>/page/2/ (or .html) */
int	url_named_page(struct buf *out, int html, const char *name, int page);
/* The file under the output directory that serves a root-relative URL:
 * "/" -> "index.html", "/v/x/" -> "v/x/index.html", "/v/x.html" -> itself. */
int	url_to_path(struct buf *out, const char *url);

/* "https://host" or, for a loopback host (127.0.0.1, localhost, [::1],
 * with or without :port), "http://host": the core's one rule
 * (core/cdn_host.h).  -1 as well when host is not a CDN host by it. */
int	cdn_origin(struct buf *out, const char *host);

/* v in decimal, as printf's %lld */
int	fmt_int(struct buf *out, long long v);
/* "12:34", "1:02:03" */
int	fmt_duration(struct buf *out, int64_t secs);
/* "12 minutes", "1 hour 2 minutes", "45 seconds" */
int	fmt_duration_words(struct buf *out, int64_t secs);
/* ISO 8601 duration "PT1H2M3S" */
int	fmt_duration_iso(struct buf *out, int64_t secs);
/* "2024-05-01" (UTC) */
int	fmt_date(struct buf *out, int64_t t);
/* "2024-05-01T12:00:00Z" */
int	fmt_datetime(struct buf *out, int64_t t);

#endif
