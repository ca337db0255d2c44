/*
 * site_url.c — URL, path and text-format helpers of the site.  See
 * site_url.h.
 */
#include <string.h>
#include <time.h>

#include "api_route.h"
#include "cdn_host.h"
#include "site_url.h"

/* Appends u in decimal, at least width digits: no printf per card. */
static int
put_udec(struct buf *out, unsigned long long u, int width)
{
	char s[24];
	size_t i = sizeof(s);

	do
		s[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0 && i > 0);
	while ((int)(sizeof(s) - i) < width && i > 0)
		s[--i] = '0';
	return buf_put_inline(out, s + i, sizeof(s) - i);
}

/* v, negatives as 0. */
static int
put_dec(struct buf *out, long long v, int width)
{
	return put_udec(out, v < 0 ? 0 : (unsigned long long)v, width);
}

int
fmt_int(struct buf *out, long long v)
{
	if (v >= 0)
		return put_udec(out, (unsigned long long)v, 1);
	/* -(v + 1) + 1: no overflow at LLONG_MIN */
	return (buf_putc(out, '-') == -1 ||
	    put_udec(out, (unsigned long long)(-(v + 1)) + 1, 1) == -1) ? -1 : 0;
}

/* Appends "N unit" or "N units". */
static int
put_count(struct buf *out, long long n, const char *unit)
{
	return (put_dec(out, n, 1) == -1 || buf_putc(out, ' ') == -1 ||
	    buf_puts(out, unit) == -1 || (n != 1 && buf_putc(out, 's') == -1)) ? -1 : 0;
}

/*
 * /<d>/<guid>/ or /<d>/<guid>.html, appended inline: a list page's ItemList
 * formats one per video it shows, and every list page is keyed on every
 * rebuild (~2 million URLs at 100 000 videos).
 */
static int
url_guid(struct buf *out, const char dir[3], int html, const char *guid)
{
	return (buf_put_inline(out, dir, 3) == -1 ||
	    buf_put_inline(out, guid, strlen(guid)) == -1 ||
	    (html ? buf_put_inline(out, ".html", 5) : buf_put_inline(out, "/", 1)) == -1) ? -1 : 0;
}

int
url_video(struct buf *out, int html, const char *guid)
{
	return url_guid(out, "/v/", html, guid);
}

int
url_embed(struct buf *out, int html, const char *guid)
{
	return url_guid(out, "/e/", html, guid);
}

int
url_play(struct buf *out, const char *guid)
{
	return (BUF_PUTSL(out, API_PLAY) == -1 || buf_puts(out, guid) == -1) ? -1 : 0;
}

/*
 * The list URLs without printf (they are formatted for every card's
 * category and tag links, and a few hundred thousand times in a build).
 */
int
url_list(struct buf *out, int html, char kind, const char *slug, int page)
{
	if (buf_putc(out, '/') == -1 || buf_putc(out, kind) == -1 || buf_putc(out, '/') == -1 ||
	    buf_puts(out, slug) == -1)
		return -1;
	if (page > 1 && (BUF_PUTSL(out, "/page/") == -1 || fmt_int(out, page) == -1))
		return -1;
	return buf_puts(out, html ? ".html" : "/");
}

int
url_named(struct buf *out, int html, const char *name)
{
	if (name[0] == '\0')
		return buf_putc(out, '/');
	return (buf_putc(out, '/') == -1 || buf_puts(out, name) == -1 ||
	    buf_puts(out, html ? ".html" : "/") == -1) ? -1 : 0;
}

int
url_named_page(struct buf *out, int html, const char *name, int page)
{
	if (page <= 1)
		return url_named(out, html, name);
	return (buf_putc(out, '/') == -1 || buf_puts(out, name) == -1 ||
	    BUF_PUTSL(out, "/page/") == -1 || fmt_int(out, page) == -1 ||
	    buf_puts(out, html ? ".html" : "/") == -1) ? -1 : 0;
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
	if (secs >= 3600 && (put_dec(out, secs / 3600, 1) == -1 || buf_putc(out, 'H') == -1))
		return -1;
	if (secs >= 60 && (put_dec(out, secs / 60 % 60, 1) == -1 || buf_putc(out, 'M') == -1))
		return -1;
	return (put_dec(out, secs % 60, 1) == -1 || buf_putc(out, 'S') == -1) ? -1 : 0;
}

/*
 * The UTC calendar day and second of day of t (H. Hinnant's
 * civil_from_days).  gmtime_r takes glibc's time-zone lock on every call,
 * and the render workers format a date for every card.
 */
static void
civil(int64_t t, int64_t *y, int *mo, int *d, int *sod)
{
	int64_t days = t / 86400, s = t % 86400, era, yy;
	unsigned doe, yoe, doy, mp;

	if (s < 0) {
		s += 86400;
		days--;
	}
	days += 719468;	/* from 1970-01-01 to 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mo = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*mo <= 2);
	*sod = (int)s;
}

/* The old way, for years strftime prints other than as 4 digits. */
static int
fmt_time_libc(struct buf *out, int64_t t, const char *fmt)
{
	char s[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s), fmt, &tm) == 0)
		return buf_puts(out, "1970-01-01");
	return buf_puts(out, s);
}

static int
fmt_time(struct buf *out, int64_t t, int with_time)
{
	int64_t y = 0;
	int mo = 0, d = 0, sod = 0;

	/* years of 4 digits only (and t's day count in range): else the libc way */
	if (t >= -62135596800LL && t <= 253402300799LL)
		civil(t, &y, &mo, &d, &sod);
	if (t < -62135596800LL || t > 253402300799LL || y < 1000)
		return fmt_time_libc(out, t, with_time ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d");
	if (put_dec(out, y, 4) == -1 || buf_putc(out, '-') == -1 || put_dec(out, mo, 2) == -1 ||
	    buf_putc(out, '-') == -1 || put_dec(out, d, 2) == -1)
		return -1;
	if (!with_time)
		return 0;
	return (buf_putc(out, 'T') == -1 || put_dec(out, sod / 3600, 2) == -1 ||
	    buf_putc(out, ':') == -1 || put_dec(out, sod / 60 % 60, 2) == -1 ||
	    buf_putc(out, ':') == -1 || put_dec(out, sod % 60, 2) == -1 ||
	    buf_putc(out, 'Z') == -1) ? -1 : 0;
}

int
fmt_date(struct buf *out, int64_t t)
{
	return fmt_time(out, t, 0);
}

int
fmt_datetime(struct buf *out, int64_t t)
{
	return fmt_time(out, t, 1);
}
