/*
 * stat_render.c — the terminal table and the JSON of the report
 * (stat_render.h); stat_html.c draws the HTML.
 */
#include <inttypes.h>
#include <string.h>

#include "escape.h"
#include "stat_render.h"
#include "utf8.h"

#define TITLE_COLS	34

void
stat_duration(uint64_t s, char out[24])
{
	if (s >= 3600)
		snprintf(out, 24, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, (s % 3600) / 60);
	else if (s >= 60)
		snprintf(out, 24, "%" PRIu64 "m", s / 60);
	else
		snprintf(out, 24, "%" PRIu64 "s", s);
}

/* s for a terminal in exactly cols columns (cut with "…", padded). */
static int
put_cell(struct buf *out, const char *s, size_t cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), len, n = 0, total = 0, i;
	uint32_t cp;

	for (i = 0; i < left; total++) {
		len = utf8_decode(p + i, left - i, &cp);
		i += len ? len : 1;
	}
	for (; left > 0 && n < cols; n++) {
		if (total > cols && n == cols - 1) {
			if (buf_puts(out, "\xe2\x80\xa6") != 0)
				return -1;
			n++;
			break;
		}
		len = utf8_decode(p, left, &cp);
		if (len == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029) {
			if (buf_puts(out, "\xef\xbf\xbd") != 0)
				return -1;
		} else if (buf_put(out, p, len) != 0)
			return -1;
		if (len == 0)
			len = 1;
		p += len;
		left -= len;
	}
	for (; n < cols; n++)
		if (buf_putc(out, ' ') != 0)
			return -1;
	return 0;
}

static const char *
name_of(const struct stat_video *v)
{
	return v->title[0] != '\0' ? v->title : v->guid;
}

int
stat_render_table(const struct stat_agg *a, struct buf *out)
{
	char from[11], to[11], w[24];
	uint64_t plays = 0, denied = 0, unlocks = 0, views = 0, watch = 0;
	size_t i;
	int64_t d;

	stat_day_str(a->since_day, from);
	stat_day_str(a->since_day + a->ndays - 1, to);
	if (buf_printf(out, "onlymatt stats  %s .. %s (%" PRId64 " days)%s%s\n"
	    "log lines %" PRIu64 ", counted %" PRIu64 ", outside the window %" PRIu64
	    ", bad %" PRIu64 "\n\n", from, to, a->ndays, a->only[0] ? "  video " : "",
	    a->only, a->lines, a->counted, a->outside, a->bad) != 0)
		return -1;
	if (buf_printf(out, "%-*s %-6s %7s %7s %5s %5s %7s %7s %8s\n", TITLE_COLS, "VIDEO",
	    "LEVEL", "PLAYS", "LOCKED", "VIP", "PPV", "DEVICES", "VIEWS", "WATCH") != 0)
		return -1;
	for (i = 0; i < a->norder && i < STAT_TABLE_ROWS; i++) {
		const struct stat_video *v = &a->v[a->order[i]];

		stat_duration(v->bunny_watch, w);
		if (put_cell(out, name_of(v), TITLE_COLS) != 0 ||
		    buf_printf(out, " %-6s %7" PRIu64 " %7" PRIu64 " %5" PRIu64 " %5" PRIu64
		    " %7" PRIu64 " %7" PRIu64 " %8s\n", v->level[0] ? v->level : "?", v->plays,
		    v->denied, v->unlock_vip, v->unlock_ppv, hll_count(&v->dev),
		    v->bunny_views, w) != 0)
			return -1;
	}
	if (a->norder > STAT_TABLE_ROWS &&
	    buf_printf(out, "... %zu more videos (--json or --html for all)\n",
	    a->norder - STAT_TABLE_ROWS) != 0)
		return -1;
	for (d = 0; d < a->ndays; d++) {
		plays += a->day[d].plays;
		denied += a->day[d].denied;
		unlocks += a->day[d].unlocks;
		views += a->day[d].bunny_views;
		watch += a->day[d].bunny_watch;
	}
	stat_duration(watch, w);
	if (buf_printf(out, "%-*s %-6s %7" PRIu64 " %7" PRIu64 " %11" PRIu64 " %7" PRIu64
	    " %7" PRIu64 " %8s\n\n", TITLE_COLS, "TOTAL", "", plays, denied, unlocks,
	    hll_count(&a->dev), views, w) != 0)
		return -1;
	if (buf_printf(out, "%-10s %7s %7s %7s %7s %8s\n", "DAY", "PLAYS", "LOCKED",
	    "UNLOCKS", "VIEWS", "WATCH") != 0)
		return -1;
	for (d = 0; d < a->ndays; d++) {
		const struct stat_day *y = &a->day[d];

		if (!(y->plays || y->denied || y->unlocks || y->bunny_views || y->bunny_watch))
			continue;
		stat_day_str(a->since_day + d, from);
		stat_duration(y->bunny_watch, w);
		if (buf_printf(out, "%-10s %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %7" PRIu64
		    " %8s\n", from, y->plays, y->denied, y->unlocks, y->bunny_views, w) != 0)
			return -1;
	}
	if (buf_printf(out, "\n%-6s %7s %9s %8s\n%-6s %7" PRIu64 " %9" PRIu64 " %8" PRIu64
	    "\n%-6s %7" PRIu64 " %9" PRIu64 " %8" PRIu64 "\n", "CODES", "MINTED",
	    "REDEEMED", "REDEEMS", "vip", a->vip.minted, hll_count(&a->vip.codes),
	    a->vip.redeems, "ppv", a->ppv.minted, hll_count(&a->ppv.codes),
	    a->ppv.redeems) != 0)
		return -1;
	if (a->ninterest > 0 && buf_printf(out, "\nlocked pages asked often, few unlocks:\n") != 0)
		return -1;
	for (i = 0; i < a->ninterest; i++) {
		const struct stat_video *v = &a->v[a->interest[i]];

		if (buf_puts(out, "  ") != 0 || put_cell(out, name_of(v), TITLE_COLS) != 0 ||
		    buf_printf(out, " %-6s %7" PRIu64 " refused, %" PRIu64 " unlocks\n",
		    v->level, v->denied, v->unlock_vip + v->unlock_ppv) != 0)
			return -1;
	}
	if (a->codes.nshared > 0 && buf_printf(out, "\ncodes redeemed from many networks "
	    "(at least %u; onlytoken revoke --log-id ID):\n  %-12s %-5s %8s %7s %-10s %s\n",
	    a->codes.shared_min, "CODE ID", "LEVEL", "NETWORKS", "REDEEMS", "FIRST",
	    "LAST") != 0)
		return -1;
	for (i = 0; i < a->codes.nshared && i < STAT_TABLE_ROWS; i++) {
		const struct stat_code *c = &a->codes.c[a->codes.shared[i]];

		stat_day_str(c->first_day, from);
		stat_day_str(c->last_day, to);
		if (buf_printf(out, "  %-12s %-5s %8" PRIu64 " %7" PRIu64 " %-10s %s\n",
		    c->id, c->level, c->networks, c->redeems, from, to) != 0)
			return -1;
	}
	if (a->codes.nshared > STAT_TABLE_ROWS &&
	    buf_printf(out, "  ... %zu more codes (--json or --html for all)\n",
	    a->codes.nshared - STAT_TABLE_ROWS) != 0)
		return -1;
	if (a->dropped > 0 && buf_printf(out, "\n%" PRIu64 " events of videos past the "
	    "%d-video cap were counted in the totals only\n", a->dropped, STAT_VIDEOS_MAX) != 0)
		return -1;
	if (a->codes.dropped > 0 && buf_printf(out, "\n%" PRIu64 " redeems of codes past the "
	    "%d-code cap were counted in the totals only\n", a->codes.dropped,
	    STAT_CODES_MAX) != 0)
		return -1;
	return 0;
}

static int
jstr(struct buf *out, const char *s)
{
	return buf_putc(out, '"') || esc_json(out, s, strlen(s)) || buf_putc(out, '"');
}

static int
json_video(struct buf *out, const struct stat_video *v)
{
	return buf_puts(out, "{\"guid\":") || jstr(out, v->guid) ||
	    buf_puts(out, ",\"title\":") || jstr(out, v->title) ||
	    buf_puts(out, ",\"level\":") || jstr(out, v->level) ||
	    buf_printf(out, ",\"plays\":%" PRIu64 ",\"locked_refusals\":%" PRIu64
	    ",\"unlocks_vip\":%" PRIu64 ",\"unlocks_ppv\":%" PRIu64 ",\"devices\":%" PRIu64
	    ",\"bunny_views\":%" PRIu64 ",\"bunny_watch_seconds\":%" PRIu64 "}",
	    v->plays, v->denied, v->unlock_vip, v->unlock_ppv, hll_count(&v->dev),
	    v->bunny_views, v->bunny_watch);
}

static int
json_code(struct buf *out, const struct stat_code *c)
{
	char first[11], last[11];

	stat_day_str(c->first_day, first);
	stat_day_str(c->last_day, last);
	return buf_puts(out, "{\"code_id\":") || jstr(out, c->id) ||
	    buf_puts(out, ",\"level\":") || jstr(out, c->level) ||
	    buf_printf(out, ",\"networks\":%" PRIu64 ",\"redeems\":%" PRIu64
	    ",\"first_day\":\"%s\",\"last_day\":\"%s\"}", c->networks, c->redeems,
	    first, last);
}

static int
json_level(struct buf *out, const char *name, const struct stat_level *l)
{
	return buf_printf(out, "\"%s\":{\"minted\":%" PRIu64 ",\"redeemed_codes\":%" PRIu64
	    ",\"redeems\":%" PRIu64 "}", name, l->minted, hll_count(&l->codes), l->redeems);
}

int
stat_render_json(const struct stat_agg *a, struct buf *out)
{
	char from[11], to[11];
	uint64_t t[5] = { 0 };
	size_t i;
	int64_t d;

	stat_day_str(a->since_day, from);
	stat_day_str(a->since_day + a->ndays - 1, to);
	for (d = 0; d < a->ndays; d++) {
		t[0] += a->day[d].plays;
		t[1] += a->day[d].denied;
		t[2] += a->day[d].unlocks;
		t[3] += a->day[d].bunny_views;
		t[4] += a->day[d].bunny_watch;
	}
	if (buf_printf(out, "{\"window\":{\"from\":\"%s\",\"to\":\"%s\",\"days\":%" PRId64
	    "},\"video\":%s%s%s,\"lines\":{\"read\":%" PRIu64 ",\"counted\":%" PRIu64
	    ",\"outside\":%" PRIu64 ",\"bad\":%" PRIu64 ",\"dropped\":%" PRIu64
	    ",\"dropped_codes\":%" PRIu64 "},",
	    from, to, a->ndays, a->only[0] ? "\"" : "", a->only[0] ? a->only : "null",
	    a->only[0] ? "\"" : "", a->lines, a->counted, a->outside, a->bad, a->dropped,
	    a->codes.dropped) ||
	    buf_printf(out, "\"totals\":{\"plays\":%" PRIu64 ",\"locked_refusals\":%" PRIu64
	    ",\"unlocks\":%" PRIu64 ",\"unlocks_vip\":%" PRIu64 ",\"unlocks_ppv\":%" PRIu64
	    ",\"failed_redeems\":%" PRIu64 ",\"devices\":%" PRIu64 ",\"bunny_views\":%" PRIu64
	    ",\"bunny_watch_seconds\":%" PRIu64 "},\"codes\":{", t[0], t[1], t[2],
	    a->vip.redeems, a->ppv.redeems, a->redeem_failed, hll_count(&a->dev), t[3], t[4]) ||
	    json_level(out, "vip", &a->vip) || buf_putc(out, ',') ||
	    json_level(out, "ppv", &a->ppv) || buf_puts(out, "},\"videos\":["))
		return -1;
	for (i = 0; i < a->norder; i++)
		if ((i && buf_putc(out, ',')) || json_video(out, &a->v[a->order[i]]))
			return -1;
	if (buf_puts(out, "],\"top\":["))
		return -1;
	for (i = 0; i < a->norder && i < STAT_TOP && a->v[a->order[i]].plays > 0; i++)
		if ((i && buf_putc(out, ',')) || jstr(out, a->v[a->order[i]].guid))
			return -1;
	if (buf_puts(out, "],\"days\":["))
		return -1;
	for (d = 0; d < a->ndays; d++) {
		stat_day_str(a->since_day + d, from);
		if (buf_printf(out, "%s{\"day\":\"%s\",\"plays\":%" PRIu64 ",\"locked_refusals\":%"
		    PRIu64 ",\"unlocks\":%" PRIu64 ",\"bunny_views\":%" PRIu64
		    ",\"bunny_watch_seconds\":%" PRIu64 "}", d ? "," : "", from, a->day[d].plays,
		    a->day[d].denied, a->day[d].unlocks, a->day[d].bunny_views,
		    a->day[d].bunny_watch))
			return -1;
	}
	if (buf_puts(out, "],\"interest\":["))
		return -1;
	for (i = 0; i < a->ninterest; i++)
		if ((i && buf_putc(out, ',')) || json_video(out, &a->v[a->interest[i]]))
			return -1;
	if (buf_printf(out, "],\"shared_min\":%u,\"shared_codes\":[", a->codes.shared_min))
		return -1;
	for (i = 0; i < a->codes.nshared; i++)
		if ((i && buf_putc(out, ',')) || json_code(out, &a->codes.c[a->codes.shared[i]]))
			return -1;
	if (buf_puts(out, "]"))
		return -1;
	if (a->first_bad[0] && (buf_puts(out, ",\"first_bad\":") || jstr(out, a->first_bad)))
		return -1;
	return buf_puts(out, "}\n");
}
