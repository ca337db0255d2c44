/*
 * stat_log.c — the access log's line grammar (stat_log.h).
 */
#include <string.h>

#include "api_route.h"
#include "guid.h"
#include "stat_log.h"

/* The next space-separated field of [*p, end): its start and length. */
static int
field(const char **p, const char *end, const char **f, size_t *fn)
{
	const char *s = *p, *sp;

	if (s >= end)
		return -1;
	sp = memchr(s, ' ', (size_t)(end - s));
	*f = s;
	*fn = (size_t)((sp ? sp : end) - s);
	*p = sp ? sp + 1 : end;
	return *fn > 0 ? 0 : -1;
}

static int
digits(const char *f, size_t n, size_t max, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > max)
		return -1;
	for (i = 0; i < n; i++) {
		if (f[i] < '0' || f[i] > '9')
			return -1;
		v = v * 10 + (f[i] - '0');
	}
	*out = v;
	return 0;
}

/* "-" (out = "") or STAT_ID_LEN lowercase hex digits. */
static int
id(const char *f, size_t n, char out[STAT_ID_LEN + 1])
{
	size_t i;

	out[0] = '\0';
	if (n == 1 && f[0] == '-')
		return 0;
	if (n != STAT_ID_LEN)
		return -1;
	for (i = 0; i < n; i++)
		if (!((f[i] >= '0' && f[i] <= '9') || (f[i] >= 'a' && f[i] <= 'f')))
			return -1;
	memcpy(out, f, n);
	out[n] = '\0';
	return 0;
}

#define IS(f, n, lit) ((n) == sizeof(lit) - 1 && memcmp((f), lit, sizeof(lit) - 1) == 0)

int
stat_log_parse(const char *s, size_t n, struct stat_event *e, const char **why)
{
	const char *p = s, *end = s + n, *f;
	size_t fn;
	int64_t v;

	*why = "not an onlymatt access-log line (om1 ...)";
	if (n > STAT_LINE_MAX || field(&p, end, &f, &fn) != 0 || !IS(f, fn, "om1"))
		return -1;
	*why = "bad time";
	if (field(&p, end, &f, &fn) != 0 || digits(f, fn, 12, &e->t) != 0)
		return -1;
	*why = "bad status";
	if (field(&p, end, &f, &fn) != 0 || digits(f, fn, 3, &v) != 0 || v < 100)
		return -1;
	e->status = (int)v;
	*why = "bad method";
	if (field(&p, end, &f, &fn) != 0 || fn > 16)
		return -1;
	*why = "bad access";
	if (field(&p, end, &f, &fn) != 0)
		return -1;
	if (IS(f, fn, "public"))
		e->access = STAT_PUBLIC;
	else if (IS(f, fn, "vip"))
		e->access = STAT_VIP;
	else if (IS(f, fn, "ppv"))
		e->access = STAT_PPV;
	else if (IS(f, fn, "denied"))
		e->access = STAT_DENIED;
	else if (IS(f, fn, "-"))
		e->access = STAT_NONE;
	else
		return -1;
	*why = "bad video";
	if (field(&p, end, &f, &fn) != 0)
		return -1;
	e->video[0] = '\0';
	if (!IS(f, fn, "-") && !guid_norm(f, fn, e->video))
		return -1;
	*why = "bad code id";
	if (field(&p, end, &f, &fn) != 0 || id(f, fn, e->code) != 0)
		return -1;
	*why = "bad viewer id";
	if (field(&p, end, &f, &fn) != 0 || id(f, fn, e->viewer) != 0)
		return -1;
	*why = "not " API_PLAY " or " API_REDEEM;
	fn = (size_t)(end - p);
	if (IS(p, fn, API_REDEEM))
		e->kind = STAT_REDEEM;
	else if (fn > API_PLAY_LEN && memcmp(p, API_PLAY, API_PLAY_LEN) == 0)
		e->kind = STAT_PLAY;
	else
		return -1;
	return 0;
}
