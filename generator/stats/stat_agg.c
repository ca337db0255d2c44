/*
 * stat_agg.c — folding events into totals (stat_agg.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash64.h"
#include "stat_agg.h"

#define SEED_SLOT	0x6f6e6c7973746174ULL
#define SEED_ID		0x73746174732d6964ULL

static const char *
video_key(const void *arr, size_t i)
{
	return ((const struct stat_video *)arr)[i].guid;
}

int
stat_agg_init(struct stat_agg *a, int64_t until_day, int64_t ndays, const char *only,
    char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (ndays < 1 || ndays > STAT_DAYS_MAX) {
		snprintf(err, errlen, "the window must be 1 to %d days", STAT_DAYS_MAX);
		return -1;
	}
	a->since_day = until_day - ndays + 1;
	a->ndays = ndays;
	if (only != NULL)
		snprintf(a->only, sizeof(a->only), "%s", only);
	stat_codes_init(&a->codes);
	a->idx.seed = SEED_SLOT;
	if (stat_slots_grow(&a->idx, video_key, a->v) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
stat_agg_free(struct stat_agg *a)
{
	free(a->v);
	stat_slots_free(&a->idx);
	free(a->order);
	free(a->interest);
	stat_codes_free(&a->codes);
	memset(a, 0, sizeof(*a));
}

/* The entry of guid, created when absent; NULL over the cap or out of memory. */
static struct stat_video *
video(struct stat_agg *a, const char *guid)
{
	struct stat_video *nv;
	size_t s = stat_slots_find(&a->idx, guid, video_key, a->v), nc;

	if (a->idx.slot[s] != 0)
		return &a->v[a->idx.slot[s] - 1];
	if (a->nv >= STAT_VIDEOS_MAX)
		return NULL;
	if (a->nv == a->capv) {
		nc = a->capv ? a->capv * 2 : 64;
		if ((nv = realloc(a->v, nc * sizeof(*nv))) == NULL)
			return NULL;
		a->v = nv;
		a->capv = nc;
	}
	if ((a->nv + 1) * 2 > a->idx.n) {
		if (stat_slots_grow(&a->idx, video_key, a->v) != 0)
			return NULL;
		s = stat_slots_find(&a->idx, guid, video_key, a->v);
	}
	nv = &a->v[a->nv];
	memset(nv, 0, sizeof(*nv));
	snprintf(nv->guid, sizeof(nv->guid), "%s", guid);
	a->idx.slot[s] = (uint32_t)++a->nv;
	return nv;
}

int
stat_agg_meta(struct stat_agg *a, const char *guid, const char *level, const char *title)
{
	struct stat_video *v;
	size_t n = strlen(title);

	size_t s;

	if (a->only[0] != '\0' && strcmp(a->only, guid) != 0)
		return 0;
	/* Only videos with activity: a catalog larger than the cap never
	 * crowds out the ones the log names. */
	if (a->idx.slot[s = stat_slots_find(&a->idx, guid, video_key, a->v)] == 0)
		return 0;
	v = &a->v[a->idx.slot[s] - 1];
	snprintf(v->level, sizeof(v->level), "%s", level);
	if (n > STAT_TITLE_MAX) {
		/* Cut on a character boundary: back off continuation bytes. */
		n = STAT_TITLE_MAX;
		while (n > 0 && ((unsigned char)title[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(v->title, title, n);
	v->title[n] = '\0';
	return 0;
}

static struct stat_day *
day_of(struct stat_agg *a, int64_t t)
{
	int64_t d = (t >= 0 ? t / 86400 : -1) - a->since_day;

	return d >= 0 && d < a->ndays ? &a->day[d] : NULL;
}

static void
event(struct stat_agg *a, const struct stat_event *e)
{
	struct stat_day *d = day_of(a, e->t);
	struct stat_video *v = NULL;
	struct stat_level *l;
	uint64_t vh = e->viewer[0] ? h64_str(SEED_ID, e->viewer) : 0;

	if (a->only[0] != '\0' && strcmp(a->only, e->video) != 0)
		return;
	if (d == NULL) {
		a->outside++;
		return;
	}
	a->counted++;
	if (e->access == STAT_NONE)
		return;
	if (e->kind == STAT_REDEEM && e->access == STAT_DENIED) {
		/* Not per video: a refused redeem's `video` is whatever the
		 * request said, and must not fill the table. */
		a->redeem_failed++;
		return;
	}
	if (e->video[0] != '\0' && (v = video(a, e->video)) == NULL)
		a->dropped++;
	if (e->kind == STAT_PLAY) {
		if (e->access == STAT_DENIED) {
			d->denied++;
			if (v != NULL)
				v->denied++;
			return;
		}
		d->plays++;
		if (e->viewer[0] != '\0')
			hll_add(&a->dev, vh);
		if (v != NULL) {
			v->plays++;
			if (e->viewer[0] != '\0')
				hll_add(&v->dev, vh);
		}
		return;
	}
	if (e->access != STAT_VIP && e->access != STAT_PPV)
		return;		/* "public": a public code (no unlock to count) */
	l = e->access == STAT_VIP ? &a->vip : &a->ppv;
	l->redeems++;
	if (e->code[0] != '\0') {
		hll_add(&l->codes, h64_str(SEED_ID, e->code));
		stat_codes_add(&a->codes, e->code, e->viewer, a->since_day + (d - a->day),
		    e->access == STAT_VIP ? "vip" : "ppv");
	}
	d->unlocks++;
	if (v != NULL) {
		if (e->access == STAT_VIP)
			v->unlock_vip++;
		else
			v->unlock_ppv++;
	}
}

void
stat_agg_line(struct stat_agg *a, const char *s, size_t n, const char *name, long lineno)
{
	struct stat_event e;
	const char *why;

	a->lines++;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (stat_log_parse(s, n, &e, &why) != 0) {
		if (a->bad++ == 0)
			snprintf(a->first_bad, sizeof(a->first_bad), "%s:%ld: %s", name, lineno, why);
		return;
	}
	event(a, &e);
}

int
stat_agg_read(struct stat_agg *a, FILE *f, const char *name, char *err, size_t errlen)
{
	char line[STAT_LINE_MAX + 2];
	size_t n;
	long lineno = 0;
	int c, over;

	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		n = strlen(line);
		over = n > 0 && line[n - 1] != '\n' && n == sizeof(line) - 1;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (over) {
			/* Too long: skip to the end of the line; a bad line. */
			while ((c = getc(f)) != EOF && c != '\n')
				;
			n = STAT_LINE_MAX + 1;
		}
		stat_agg_line(a, line, n, name, lineno);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", name);
		return -1;
	}
	return 0;
}

void
stat_agg_bunny(struct stat_agg *a, const char *guid, int64_t day, uint64_t views,
    uint64_t watch)
{
	struct stat_video *v;
	int64_t d = day - a->since_day;

	if ((a->only[0] != '\0' && strcmp(a->only, guid) != 0) || d < 0 || d >= a->ndays)
		return;
	a->day[d].bunny_views += views;
	a->day[d].bunny_watch += watch;
	if ((v = video(a, guid)) != NULL) {
		v->bunny_views += views;
		v->bunny_watch += watch;
	}
}

static int
by_plays(const void *x, const void *y, void *ctx)
{
	const struct stat_agg *sort_a = ctx;
	const struct stat_video *p = &sort_a->v[*(const size_t *)x];
	const struct stat_video *q = &sort_a->v[*(const size_t *)y];
	uint64_t pu = p->unlock_vip + p->unlock_ppv, qu = q->unlock_vip + q->unlock_ppv;

	if (p->plays != q->plays)
		return p->plays > q->plays ? -1 : 1;
	if (pu != qu)
		return pu > qu ? -1 : 1;
	if (p->bunny_views != q->bunny_views)
		return p->bunny_views > q->bunny_views ? -1 : 1;
	return strcmp(p->guid, q->guid);
}

static int
by_denied(const void *x, const void *y, void *ctx)
{
	const struct stat_agg *sort_a = ctx;
	const struct stat_video *p = &sort_a->v[*(const size_t *)x];
	const struct stat_video *q = &sort_a->v[*(const size_t *)y];

	if (p->denied != q->denied)
		return p->denied > q->denied ? -1 : 1;
	return strcmp(p->guid, q->guid);
}

/* Interest without sales: a locked video refused at least 3 times with
 * fewer than one unlock per 4 refusals (docs/stats.md). */
static int
interest(const struct stat_video *v)
{
	uint64_t u = v->unlock_vip + v->unlock_ppv;

	return (strcmp(v->level, "vip") == 0 || strcmp(v->level, "ppv") == 0) &&
	    v->denied >= 3 && u * 4 < v->denied;
}

int
stat_agg_finish(struct stat_agg *a, char *err, size_t errlen)
{
	size_t i;

	free(a->order);
	free(a->interest);
	a->norder = a->ninterest = 0;
	a->order = malloc((a->nv ? a->nv : 1) * sizeof(*a->order));
	a->interest = malloc((a->nv ? a->nv : 1) * sizeof(*a->interest));
	if (a->order == NULL || a->interest == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < a->nv; i++) {
		const struct stat_video *v = &a->v[i];

		if (v->plays || v->denied || v->unlock_vip || v->unlock_ppv || v->bunny_views ||
		    v->bunny_watch)
			a->order[a->norder++] = i;
		if (interest(v))
			a->interest[a->ninterest++] = i;
	}
	qsort_r(a->order, a->norder, sizeof(*a->order), by_plays, a);
	qsort_r(a->interest, a->ninterest, sizeof(*a->interest), by_denied, a);
	if (stat_codes_finish(&a->codes) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
stat_day_str(int64_t day, char out[11])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "0000-00-00");
}
