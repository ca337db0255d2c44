/*
 * site_url.c — URL, path and text-format helpers of the site.  See
 * site_url.h.
 */
#include <string.h>
#include <time.h>

#include "cdn_host.h"
#include "site_url.h"

/* Appends v (>= 0) in decimal, at least width digits: no printf per card. */
static int
put_dec(struct buf *out, long long v, int width)
{
	char s[24];
	size_t i = sizeof(s);
	unsigned long long u = v < 0 ? 0 : (unsigned long long)v;

	do
		s[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0 && i > 0);
	while ((int)(sizeof(s) - i) < width && i > 0)
		s[--i] = '0';
	return buf_put(out, s + i, sizeof(s) - i);
}

/* Appends "N unit" or "N units". */
static int
put_count(struct buf *out, long long n, const char *unit)
{
	return (put_dec(out, n, 1) == -1 || buf_putc(out, ' ') == -1 ||
	    buf_puts(out, unit) == -1 || (n != 1 && buf_putc(out, 's') == -1)) ? -1 : 0;
}

int
url_video(struct buf *out, int html, const char *guid)
{
	return (BUF_PUTSL(out, "/v/") == -1 || buf_puts(out, guid) == -1 ||
	    buf_puts(out, html ? ".html" : "/") == -1) ? -1 : 0;
}

int
url_embed(struct buf *out, int html, const char *guid)
{
	return (BUF_PUTSL(out, "/e/") == -1 || buf_puts(out, guid) == -1 ||
	    buf_puts(out, html ? ".html" : "/") == -1) ? -1 : 0;
}

int
url_list(struct buf *out, int html, char kind, const char *slug, int page)
{
	if (page <= 1)
		return buf_printf(out, html ? "/%c/%s.html" : "/%c/%s/", kind, slug);
	return buf_printf(out, html ? "/%c/%s/page/%d.html" : "/%c/%s/page/%d/",
	    kind, slug, page);
}

int
url_named(struct buf *out, int html, const char *name)
{
	if (name[0] == '\0')
		return buf_putc(out, '/');
	return buf_printf(out, html ? "/%s.html" : "/%s/", name);
}

int
url_named_page(struct buf *out, int html, const char *name, int page)
{
	if (page <= 1)
		return url_named(out, html, name);
	return buf_printf(out, html ? "/%s/page/%d.html" : "/%s/page/%d/", name, page);
}

int
url_to_path(struct buf *out, const char *url)
{
	size_t n = strlen(url);

	if (n == 0 || url[0] != '/')
		return -1;
	if (buf_put(out, url + 1, n - 1) == -1)
		return -1;
	if (url[n - 1] == '/')
		return BUF_PUTSL(out, "index.html");
	return 0;
}

int
cdn_origin(struct buf *out, const char *host)
{
	const char *scheme = cdn_host_scheme(host);

	if (scheme == NULL)
		return -1;
	return buf_printf(out, "%s://%s", scheme, host);
}

int
fmt_duration(struct buf *out, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 3600)
		return (put_dec(out, secs / 3600, 1) == -1 || buf_putc(out, ':') == -1 ||
		    put_dec(out, secs / 60 % 60, 2) == -1 || buf_putc(out, ':') == -1 ||
		    put_dec(out, secs % 60, 2) == -1) ? -1 : 0;
	return (put_dec(out, secs / 60, 1) == -1 || buf_putc(out, ':') == -1 ||
	    put_dec(out, secs % 60, 2) == -1) ? -1 : 0;
}

int
fmt_duration_words(struct buf *out, int64_t secs)
{
	long long h, m;

	if (secs < 0)
		secs = 0;
	if (secs < 60)
		return put_count(out, (long long)secs, "second");
	h = secs / 3600;
	m = secs / 60 % 60;
	if (h > 0 && m > 0)
		return (put_count(out, h, "hour") == -1 || buf_putc(out, ' ') == -1 ||
		    put_count(out, m, "minute") == -1) ? -1 : 0;
	if (h > 0)
		return put_count(out, h, "hour");
	return put_count(out, m, "minute");
}

int
fmt_duration_iso(struct buf *out, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (BUF_PUTSL(out, "PT") == -1)
		return -1;
	if (secs >= 3600 && buf_printf(out, "%lldH", (long long)(secs / 3600)) == -1)
		return -1;
	if (secs >= 60 && buf_printf(out, "%lldM", (long long)(secs / 60 % 60)) == -1)
		return -1;
	return buf_printf(out, "%lldS", (long long)(secs % 60));
}

static int
fmt_time(struct buf *out, int64_t t, const char *fmt)
{
	char s[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s), fmt, &tm) == 0)
		return buf_puts(out, "1970-01-01");
	return buf_puts(out, s);
}

int
fmt_date(struct buf *out, int64_t t)
{
	return fmt_time(out, t, "%Y-%m-%d");
}

int
fmt_datetime(struct buf *out, int64_t t)
{
	return fmt_time(out, t, "%Y-%m-%dT%H:%M:%SZ");
}
