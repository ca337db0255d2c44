/*
 * stat_html.c — the report as one self-contained HTML page (stat_render.h):
 * inline CSS, SVG drawn here, no script, nothing fetched.  Every catalog
 * string goes through esc_html; the SVGs scale with the page (viewBox,
 * width 100%) and are drawn 360 units wide, so their text stays legible on
 * a 390 px phone.
 */
#include <inttypes.h>
#include <string.h>

#include "escape.h"
#include "stat_render.h"

#define W	360	/* SVG width in user units */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;"
	"background:#111;color:#eee}"
	"main{max-width:980px;margin:0 auto;padding:16px}"
	"h1{font-size:1.4rem;margin:.2em 0}h2{font-size:1.1rem;margin:1.6em 0 .5em}"
	".sub{color:#aaa;margin:0 0 1em}"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}"
	".card{background:#1d1d1d;border-radius:8px;padding:10px 12px}"
	".card b{display:block;font-size:1.5rem}.card span{color:#bbb;font-size:.85rem}"
	"svg{display:block;width:100%;height:auto;background:#1a1a1a;border-radius:8px}"
	"svg text{fill:#ddd;font:11px system-ui,sans-serif}"
	".legend{display:flex;flex-wrap:wrap;gap:12px;font-size:.85rem;color:#ccc;margin:.4em 0}"
	".legend i{display:inline-block;width:14px;height:4px;margin-right:5px;vertical-align:middle}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;font-size:.85rem}"
	"th,td{padding:6px 8px;border-bottom:1px solid #333;text-align:right;white-space:nowrap}"
	"th:first-child,td:first-child{text-align:left;white-space:normal;min-width:9em}"
	"th{color:#aaa;font-weight:600}"
	"footer{color:#888;font-size:.8rem;margin-top:2em}"
	/* Side by side when there is room: the charts' text stays near 12 px. */
	"@media(min-width:760px){.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px;"
	"align-items:start}}";

#define C_PLAYS		"#4fc3f7"
#define C_UNLOCKS	"#ffb74d"
#define C_VIEWS		"#81c784"
#define C_REFUSED	"#e57373"

static int
esc(struct buf *out, const char *s)
{
	return esc_html(out, s, strlen(s));
}

static const char *
name_of(const struct stat_video *v)
{
	return v->title[0] != '\0' ? v->title : v->guid;
}

/* The smallest 1/2/5 x 10^k at least m (and at least 1). */
static uint64_t
nice_max(uint64_t m)
{
	uint64_t p = 1;

	if (m <= 1)
		return 1;
	for (;;) {
		if (m <= p)
			return p;
		if (m <= 2 * p)
			return 2 * p;
		if (m <= 5 * p)
			return 5 * p;
		if (p > UINT64_MAX / 10)
			return m;
		p *= 10;
	}
}

static int
card(struct buf *out, const char *label, uint64_t n, const char *text)
{
	if (text != NULL)
		return buf_printf(out, "<div class=\"card\"><b>%s</b><span>%s</span></div>",
		    text, label);
	return buf_printf(out, "<div class=\"card\"><b>%" PRIu64 "</b><span>%s</span></div>",
	    n, label);
}

/* One series of the daily chart as a polyline. */
static int
series(struct buf *out, const struct stat_agg *a, int which, uint64_t max,
    const char *colour, const char *dash)
{
	const double x0 = 40, x1 = W - 10, y0 = 150, y1 = 14;
	int64_t d;

	if (buf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
	    "points=\"", colour, dash) != 0)
		return -1;
	for (d = 0; d < a->ndays; d++) {
		const struct stat_day *y = &a->day[d];
		uint64_t v = which == 0 ? y->plays : which == 1 ? y->unlocks : y->bunny_views;
		double x = a->ndays > 1 ? x0 + (x1 - x0) * (double)d / (double)(a->ndays - 1) :
		    (x0 + x1) / 2;
		double yy = y0 - (y0 - y1) * (double)v / (double)max;

		if (buf_printf(out, "%s%.1f,%.1f", d ? " " : "", x, yy) != 0)
			return -1;
	}
	return buf_puts(out, "\"/>");
}

static int
daily_chart(struct buf *out, const struct stat_agg *a)
{
	char from[11], to[11];
	uint64_t max = 0, max_nice;
	int64_t d;

	for (d = 0; d < a->ndays; d++) {
		const struct stat_day *y = &a->day[d];

		if (y->plays > max)
			max = y->plays;
		if (y->unlocks > max)
			max = y->unlocks;
		if (y->bunny_views > max)
			max = y->bunny_views;
	}
	max_nice = nice_max(max);
	stat_day_str(a->since_day, from);
	stat_day_str(a->since_day + a->ndays - 1, to);
	return buf_printf(out, "<h2>Per day</h2><svg viewBox=\"0 0 %d 176\" role=\"img\" "
	    "aria-label=\"Plays, unlocks and Bunny views per day, %s to %s\">"
	    "<line x1=\"40\" y1=\"150.5\" x2=\"%d\" y2=\"150.5\" stroke=\"#555\"/>"
	    "<line x1=\"40\" y1=\"14.5\" x2=\"%d\" y2=\"14.5\" stroke=\"#333\"/>"
	    "<line x1=\"40\" y1=\"82.5\" x2=\"%d\" y2=\"82.5\" stroke=\"#333\"/>"
	    "<text x=\"34\" y=\"18\" text-anchor=\"end\">%" PRIu64 "</text>"
	    "<text x=\"34\" y=\"86\" text-anchor=\"end\">%" PRIu64 "</text>"
	    "<text x=\"34\" y=\"154\" text-anchor=\"end\">0</text>"
	    "<text x=\"40\" y=\"168\">%s</text>"
	    "<text x=\"%d\" y=\"168\" text-anchor=\"end\">%s</text>",
	    W, from, to, W - 10, W - 10, W - 10, max_nice, max_nice / 2, from, W - 10, to) ||
	    series(out, a, 2, max_nice, C_VIEWS, " stroke-dasharray=\"4 3\"") ||
	    series(out, a, 0, max_nice, C_PLAYS, "") ||
	    series(out, a, 1, max_nice, C_UNLOCKS, "") ||
	    buf_puts(out, "</svg><div class=\"legend\"><span><i style=\"background:" C_PLAYS
	    "\"></i>plays granted</span><span><i style=\"background:" C_UNLOCKS
	    "\"></i>unlocks</span><span><i style=\"background:" C_VIEWS
	    "\"></i>Bunny views</span></div>") ? -1 : 0;
}

/* Horizontal bars, the title above each bar: long titles stay readable. */
static int
top_chart(struct buf *out, const struct stat_agg *a)
{
	size_t n = 0, i;
	uint64_t max;

	while (n < a->norder && n < STAT_TOP && a->v[a->order[n]].plays > 0)
		n++;
	if (n == 0)
		return buf_puts(out, "<h2>Top videos</h2><p>No plays in this window.</p>");
	max = nice_max(a->v[a->order[0]].plays);
	if (buf_printf(out, "<h2>Top %zu videos by plays</h2><svg viewBox=\"0 0 %d %zu\" "
	    "role=\"img\" aria-label=\"The %zu most played videos\">", n, W, n * 36 + 6, n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct stat_video *v = &a->v[a->order[i]];
		double w = (W - 70.0) * (double)v->plays / (double)max;
		size_t y = i * 36 + 6;
		char shortname[STAT_TITLE_MAX + 1];
		size_t len = strlen(name_of(v));

		/* At most 54 bytes of title on the bar's line (cut on a
		 * character boundary), the full one in <title>. */
		if (len > 54) {
			len = 54;
			while (len > 0 && ((unsigned char)name_of(v)[len] & 0xc0) == 0x80)
				len--;
		}
		memcpy(shortname, name_of(v), len);
		shortname[len] = '\0';
		if (buf_printf(out, "<g><title>") || esc(out, name_of(v)) ||
		    buf_printf(out, ": %" PRIu64 " plays</title><text x=\"8\" y=\"%zu\">", v->plays,
		    y + 11) || esc(out, shortname) ||
		    buf_printf(out, "%s</text><rect x=\"8\" y=\"%zu\" width=\"%.1f\" height=\"12\" "
		    "rx=\"2\" fill=\"" C_PLAYS "\"/><text x=\"%.1f\" y=\"%zu\">%" PRIu64
		    "</text></g>", len < strlen(name_of(v)) ? "\xe2\x80\xa6" : "", y + 16,
		    w < 1 ? 1 : w, (w < 1 ? 1 : w) + 14, y + 26, v->plays))
			return -1;
	}
	return buf_puts(out, "</svg>");
}

static int
video_row(struct buf *out, const struct stat_video *v)
{
	char w[24];

	stat_duration(v->bunny_watch, w);
	return buf_puts(out, "<tr><td>") || esc(out, name_of(v)) ||
	    buf_printf(out, "</td><td>%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%"
	    PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%s"
	    "</td></tr>", v->level[0] ? v->level : "?", v->plays, v->denied, v->unlock_vip,
	    v->unlock_ppv, hll_count(&v->dev), v->bunny_views, w) ? -1 : 0;
}

static const char thead[] = "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Video</th>"
	"<th scope=\"col\">Level</th><th scope=\"col\">Plays</th><th scope=\"col\">Refused</th><th scope=\"col\">VIP unlocks</th><th scope=\"col\">PPV unlocks</th>"
	"<th scope=\"col\">Devices&nbsp;≈</th><th scope=\"col\">Bunny views</th><th scope=\"col\">Watch time</th></tr></thead><tbody>";

/* Codes redeemed from many networks: ids only, never a code. */
static int
shared_codes(struct buf *out, const struct stat_agg *a)
{
	char first[11], last[11];
	size_t i;

	if (buf_printf(out, "<h2>Codes redeemed from many networks</h2><p>At least %u "
	    "networks (a /24 or /48 each). A code posted publicly shows here; "
	    "<code>onlytoken revoke --log-id ID</code> revokes it.</p>",
	    a->codes.shared_min))
		return -1;
	if (a->codes.nshared == 0)
		return buf_puts(out, "<p>None in this window.</p>");
	if (buf_puts(out, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Code id"
	    "</th><th scope=\"col\">Level</th><th scope=\"col\">Networks</th>"
	    "<th scope=\"col\">Redeems</th><th scope=\"col\">First day</th>"
	    "<th scope=\"col\">Last day</th></tr></thead><tbody>"))
		return -1;
	for (i = 0; i < a->codes.nshared; i++) {
		const struct stat_code *c = &a->codes.c[a->codes.shared[i]];

		stat_day_str(c->first_day, first);
		stat_day_str(c->last_day, last);
		if (buf_puts(out, "<tr><td><code>") || esc(out, c->id) ||
		    buf_puts(out, "</code></td><td>") || esc(out, c->level) ||
		    buf_printf(out, "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%s</td>"
		    "<td>%s</td></tr>", c->networks, c->redeems, first, last))
			return -1;
	}
	return buf_puts(out, "</tbody></table></div>");
}

int
stat_render_html(const struct stat_agg *a, const char *site_title, struct buf *out)
{
	char from[11], to[11], w[24];
	uint64_t plays = 0, unlocks = 0, views = 0, watch = 0;
	size_t i;
	int64_t d;

	stat_day_str(a->since_day, from);
	stat_day_str(a->since_day + a->ndays - 1, to);
	for (d = 0; d < a->ndays; d++) {
		plays += a->day[d].plays;
		unlocks += a->day[d].unlocks;
		views += a->day[d].bunny_views;
		watch += a->day[d].bunny_watch;
	}
	stat_duration(watch, w);
	if (buf_puts(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta name=\"robots\" content=\"noindex\"><title>Stats: ") ||
	    esc(out, site_title) ||
	    buf_printf(out, " %s to %s</title><style>%s</style></head><body><main>"
	    "<h1>What sells: ", from, to, css) || esc(out, site_title) ||
	    buf_printf(out, "</h1><p class=\"sub\">%s to %s (%" PRId64 " days)", from, to,
	    a->ndays))
		return -1;
	if (a->only[0] && (buf_puts(out, ", one video: ") || esc(out, a->only)))
		return -1;
	if (buf_puts(out, "</p><div class=\"cards\">") ||
	    card(out, "plays granted", plays, NULL) || card(out, "unlocks", unlocks, NULL) ||
	    card(out, "devices (approx.)", hll_count(&a->dev), NULL) ||
	    card(out, "Bunny views", views, NULL) || card(out, "watch time", 0, w) ||
	    buf_puts(out, "</div><div class=\"charts\"><section>") || daily_chart(out, a) ||
	    buf_puts(out, "</section><section>") || top_chart(out, a) ||
	    buf_puts(out, "</section></div>") ||
	    buf_puts(out, "<h2>Every video with activity</h2>") || buf_puts(out, thead))
		return -1;
	for (i = 0; i < a->norder; i++)
		if (video_row(out, &a->v[a->order[i]]))
			return -1;
	if (buf_printf(out, "</tbody></table></div><h2>Codes</h2><div class=\"scroll\"><table>"
	    "<thead><tr><th scope=\"col\">Level</th><th scope=\"col\">Minted</th><th scope=\"col\">Redeemed&nbsp;≈</th><th scope=\"col\">Redeems</th>"
	    "</tr></thead><tbody><tr><td>vip</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%"
	    PRIu64 "</td></tr><tr><td>ppv</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%"
	    PRIu64 "</td></tr></tbody></table></div>", a->vip.minted, hll_count(&a->vip.codes),
	    a->vip.redeems, a->ppv.minted, hll_count(&a->ppv.codes), a->ppv.redeems))
		return -1;
	if (shared_codes(out, a))
		return -1;
	if (buf_puts(out, "<h2>Locked pages asked often, few unlocks</h2>"))
		return -1;
	if (a->ninterest == 0 && buf_puts(out, "<p>None in this window.</p>"))
		return -1;
	if (a->ninterest > 0 && buf_puts(out, thead))
		return -1;
	for (i = 0; i < a->ninterest; i++)
		if (video_row(out, &a->v[a->interest[i]]))
			return -1;
	if (a->ninterest > 0 && buf_puts(out, "</tbody></table></div>"))
		return -1;
	return buf_printf(out, "<footer>From lighttpd's access log (%" PRIu64 " lines, %" PRIu64
	    " counted, %" PRIu64 " bad) and Bunny Stream's statistics. Plays are play URLs "
	    "granted; devices and redeemed codes are approximate (HyperLogLog). "
	    "docs/stats.md says what is counted.</footer></main></body></html>\n",
	    a->lines, a->counted, a->bad);
}
