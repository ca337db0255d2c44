/*
 * test_stats.c — issue 16's pure parts: the access-log line grammar, the
 * HyperLogLog sketch, the bounded aggregation (window, --video, the video
 * cap, over-long lines), Bunny's statistics answer, the renderers'
 * escaping, the verifier's log ids (logmark), and the per-code networks
 * behind the shared-code list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bunny_stats.h"
#include "check.h"
#include "hash64.h"
#include "hll.h"
#include "logmark.h"
#include "stat_agg.h"
#include "stat_codes.h"
#include "stat_log.h"
#include "stat_render.h"

#define G1 "a1b2c3d4-0000-4000-8000-000000000001"
#define G2 "a1b2c3d4-0000-4000-8000-000000000002"
#define DAY 20774	/* 2026-11-17 */
#define T0 "1794873600"

static int
parses(const char *line, struct stat_event *e)
{
	const char *why;

	return stat_log_parse(line, strlen(line), e, &why) == 0;
}

static void
test_parse(void)
{
	struct stat_event e;
	const char *why;
	char big[STAT_LINE_MAX + 10];

	CHECK(parses("om1 " T0 " 200 GET vip " G1 " - 0123456789ab /api/play/" G1, &e) &&
	    e.kind == STAT_PLAY && e.access == STAT_VIP && e.status == 200 &&
	    strcmp(e.video, G1) == 0 && e.code[0] == '\0' && strcmp(e.viewer, "0123456789ab") == 0,
	    "a granted play");
	CHECK(parses("om1 " T0 " 303 POST ppv " G2 " c0ffee000001 - /api/redeem", &e) &&
	    e.kind == STAT_REDEEM && e.access == STAT_PPV && strcmp(e.code, "c0ffee000001") == 0,
	    "a PPV redeem with its code id");
	CHECK(parses("om1 " T0 " 404 GET - - - - /api/play/x y z", &e) && e.access == STAT_NONE,
	    "'-' access (a 404) is a good line; the path may hold spaces");
	CHECK(parses("om1 " T0 " 200 GET vip A1B2C3D4-0000-4000-8000-000000000001 - - /api/play/a",
	    &e) && strcmp(e.video, G1) == 0, "an upper-case GUID is normalised");
	CHECK(!parses("om1 " T0 " 200 GET vip " G1 " - 0123456789AB /api/play/a", &e),
	    "an upper-case id is refused");
	CHECK(!parses("om1 " T0 " 200 GET root " G1 " - - /api/play/a", &e), "unknown access");
	CHECK(!parses("om1 " T0 " 200 GET vip " G1 " - - /api/session", &e), "another endpoint");
	CHECK(!parses("om1 " T0 " 200 GET vip " G1 " - -", &e), "no path");
	CHECK(!parses("om1 1234567890123 200 GET vip - - - /api/redeem", &e), "a 13-digit time");
	CHECK(!parses("om1  200 GET vip - - - /api/redeem", &e), "an empty field");
	CHECK(!parses("127.0.0.1 - - [17/Nov/2026] \"GET / HTTP/1.1\" 200", &e), "a common-log line");
	CHECK(!parses("", &e), "an empty line");
	memset(big, 'a', sizeof(big));
	memcpy(big, "om1 ", 4);
	CHECK(stat_log_parse(big, sizeof(big), &e, &why) != 0, "over STAT_LINE_MAX: bad (%s)", why);
}

static void
test_hll(void)
{
	struct hll h;
	uint64_t i, n;
	char id[32];

	memset(&h, 0, sizeof(h));
	CHECK(hll_count(&h) == 0, "empty sketch counts 0");
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "%012llx", (unsigned long long)i * 7919);
		hll_add(&h, h64_str(1, id));
		hll_add(&h, h64_str(1, id));
	}
	CHECK(hll_count(&h) == 5, "5 distinct, each twice: 5 (got %llu)",
	    (unsigned long long)hll_count(&h));
	for (i = 0; i < 100000; i++) {
		snprintf(id, sizeof(id), "%012llx", (unsigned long long)i);
		hll_add(&h, h64_str(1, id));
	}
	n = hll_count(&h);
	CHECK(n > 80000 && n < 120000, "100 000 distinct within 20 %% (got %llu) in %zu bytes",
	    (unsigned long long)n, sizeof(h));
}

static void
line(struct stat_agg *a, const char *s)
{
	stat_agg_line(a, s, strlen(s), "t", 1);
}

static void
test_agg(void)
{
	struct stat_agg *a = malloc(sizeof(*a));
	struct buf out;
	char err[256], g[40], text[] =
	    "om1 " T0 " 200 GET public " G1 " - 000000000001 /api/play/x\n"
	    "not a line\n"
	    "om1 " T0 " 401 GET denied " G2 " - 000000000002 /api/play/x\r\n";
	char *big;
	FILE *f;
	size_t i;

	CHECK(stat_agg_init(a, DAY + 1, 2, NULL, err, sizeof(err)) == 0, "init: 2 days");
	line(a, "om1 " T0 " 200 GET public " G1 " - 000000000001 /api/play/" G1);
	line(a, "om1 " T0 " 200 GET public " G1 " - 000000000002 /api/play/" G1);
	line(a, "om1 " T0 " 200 GET public " G1 " - 000000000002 /api/play/" G1);
	for (i = 0; i < 4; i++)
		line(a, "om1 " T0 " 401 GET denied " G2 " - 000000000003 /api/play/" G2);
	line(a, "om1 " T0 " 200 POST vip " G2 " 00000000c0de 000000000003 /api/redeem");
	line(a, "om1 " T0 " 401 POST denied - - 000000000003 /api/redeem");
	line(a, "om1 " T0 " 401 POST denied a1b2c3d4-0000-4000-8000-0000000000ff - - /api/redeem");
	line(a, "om1 1700000000 200 GET public " G1 " - 000000000009 /api/play/" G1);
	line(a, "garbage");
	CHECK(stat_agg_meta(a, G2, "vip", "<b>\"Night\" & 'day'</b>") == 0 &&
	    stat_agg_meta(a, "a1b2c3d4-0000-4000-8000-00000000dead", "vip", "idle") == 0 &&
	    a->nv == 2, "meta: titles for active videos, none added for an idle one, nor "
	    "for a refused redeem's page");
	CHECK(stat_agg_finish(a, err, sizeof(err)) == 0, "finish");
	CHECK(a->lines == 12 && a->counted == 10 && a->outside == 1 && a->bad == 1 &&
	    strcmp(a->first_bad, "t:1: not an onlymatt access-log line (om1 ...)") == 0,
	    "lines, counted, outside, bad and the first bad one (%s)", a->first_bad);
	CHECK(a->norder == 2 && strcmp(a->v[a->order[0]].guid, G1) == 0 &&
	    a->v[a->order[0]].plays == 3 && hll_count(&a->v[a->order[0]].dev) == 2,
	    "G1 first: 3 plays, 2 devices");
	CHECK(a->v[a->order[1]].denied == 4 && a->v[a->order[1]].unlock_vip == 1 &&
	    a->vip.redeems == 1 && a->redeem_failed == 2 && a->day[0].unlocks == 1,
	    "G2: 4 refusals, 1 VIP unlock; 2 failed redeems");
	CHECK(a->ninterest == 0, "1 unlock for 4 refusals is not 'few'");
	buf_init(&out, 1 << 20);
	CHECK(stat_render_json(a, &out) == 0 && buf_putc(&out, '\0') == 0 &&
	    strstr(out.data, "\\u003cb\\u003e\\\"Night\\\" \\u0026 \\u0027day\\u0027") != NULL,
	    "JSON escapes the title");
	buf_reset(&out);
	CHECK(stat_render_html(a, "<i>site</i>", &out) == 0 && buf_putc(&out, '\0') == 0 &&
	    strstr(out.data, "&lt;b&gt;&quot;Night&quot; &amp; &#39;day&#39;&lt;/b&gt;") &&
	    strstr(out.data, "&lt;i&gt;site&lt;/i&gt;") && !strstr(out.data, "<b>\"Night") &&
	    !strstr(out.data, "<script"), "HTML escapes titles in the table and the SVG");
	buf_reset(&out);
	CHECK(stat_render_table(a, &out) == 0, "table renders");
	buf_free(&out);
	stat_agg_free(a);

	/* --video, and a line too long to hold, from a stream */
	CHECK(stat_agg_init(a, DAY, 1, G2, err, sizeof(err)) == 0, "init with --video");
	big = malloc(3 * STAT_LINE_MAX);
	memset(big, 'x', 3 * STAT_LINE_MAX);
	memcpy(big, "om1 ", 4);
	f = tmpfile();
	fputs(text, f);
	fwrite(big, 1, 3 * STAT_LINE_MAX, f);
	fputs("\nom1 " T0 " 401 GET denied " G2 " - - /api/play/x\n", f);
	rewind(f);
	CHECK(stat_agg_read(a, f, "log", err, sizeof(err)) == 0 && a->lines == 5 && a->bad == 2 &&
	    a->counted == 2 && a->day[0].denied == 2 && a->day[0].plays == 0,
	    "a stream: the long line is one bad line, the next line still read; --video "
	    "keeps G2's events only (lines %llu bad %llu)", (unsigned long long)a->lines,
	    (unsigned long long)a->bad);
	fclose(f);
	free(big);
	stat_agg_free(a);

	/* the video cap: more GUIDs than STAT_VIDEOS_MAX never grow memory past it */
	CHECK(stat_agg_init(a, DAY, 1, NULL, err, sizeof(err)) == 0, "init for the cap");
	for (i = 0; i < STAT_VIDEOS_MAX + 100; i++) {
		char l[200];

		snprintf(g, sizeof(g), "%08zx-0000-4000-8000-000000000000", i);
		snprintf(l, sizeof(l), "om1 " T0 " 200 GET public %s - - /api/play/x", g);
		line(a, l);
	}
	CHECK(a->nv == STAT_VIDEOS_MAX && a->dropped == 100 && a->day[0].plays ==
	    STAT_VIDEOS_MAX + 100, "%d videos kept, 100 dropped, every play in the day's total",
	    STAT_VIDEOS_MAX);
	stat_agg_free(a);
	free(a);
}

struct rows {
	int64_t		day[8];
	uint64_t	views[8], watch[8];
	int		n;
};

static int
add_row(void *arg, int64_t day, uint64_t views, uint64_t watch)
{
	struct rows *r = arg;

	if (r->n == 8)
		return -1;
	r->day[r->n] = day;
	r->views[r->n] = views;
	r->watch[r->n++] = watch;
	return 0;
}

static void
test_bunny_parse(void)
{
	static const char ok[] = "{\"viewsChart\":{\"2026-11-17T00:00:00Z\":3,"
	    "\"2026-11-18T00:00:00Z\":0,\"2026-11-19T00:00:00Z\":5,\"2026-12-25T00:00:00Z\":9,"
	    "\"junk\":4},\"watchTimeChart\":{\"2026-11-18T00:00:00Z\":120,"
	    "\"2026-11-19T00:00:00Z\":-5},\"engagementScore\":7}";
	struct rows r;
	char err[200];

	memset(&r, 0, sizeof(r));
	CHECK(bunny_stats_parse(ok, sizeof(ok) - 1, DAY, DAY + 2, add_row, &r, err,
	    sizeof(err)) == 0 && r.n == 3 && r.day[0] == DAY && r.views[0] == 3 &&
	    r.watch[1] == 120 && r.views[1] == 0 && r.views[2] == 5 && r.watch[2] == 0,
	    "daily charts: in-window days with numbers; junk keys, negatives and other "
	    "days ignored (%d rows)", r.n);
	memset(&r, 0, sizeof(r));
	CHECK(bunny_stats_parse("{\"viewsChart\":[]}", 17, DAY, DAY, add_row, &r, err,
	    sizeof(err)) != 0, "an array chart is refused (%s)", err);
	CHECK(bunny_stats_parse("{\"viewsChart\":", 14, DAY, DAY, add_row, &r, err,
	    sizeof(err)) != 0, "broken JSON is refused");
	CHECK(bunny_stats_parse("{}", 2, DAY, DAY, add_row, &r, err, sizeof(err)) == 0 &&
	    r.n == 0, "no charts: no rows");
}

static void
test_logmark(void)
{
	struct hmac_key s, k;
	char a[LOGMARK_ID_LEN + 1], b[LOGMARK_ID_LEN + 1], c[LOGMARK_ID_LEN + 1];
	unsigned char h[32];

	hmac_key_init(&s, "secret", 6);
	logmark_key(&s, &k);
	logmark_viewer(&k, "192.0.2.10", a);
	logmark_viewer(&k, "192.0.2.200", b);
	logmark_viewer(&k, "192.0.3.10", c);
	CHECK(strlen(a) == LOGMARK_ID_LEN && strcmp(a, b) == 0 && strcmp(a, c) != 0,
	    "viewer ids: one per /24 (%s %s %s)", a, b, c);
	logmark_viewer(&k, "2001:db8:1:2::1", a);
	logmark_viewer(&k, "2001:db8:1:ffff::9", b);
	logmark_viewer(&k, "2001:db8:2::1", c);
	CHECK(strcmp(a, b) == 0 && strcmp(a, c) != 0, "one per IPv6 /48");
	logmark_viewer(&k, "::ffff:192.0.2.77", b);
	logmark_viewer(&k, "192.0.2.1", c);
	CHECK(strcmp(b, c) == 0, "a v4-mapped address is its IPv4 /24");
	logmark_viewer(&k, "not an address", a);
	logmark_viewer(&k, NULL, b);
	CHECK(a[0] == '\0' && b[0] == '\0', "no address: no id");
	memset(h, 7, sizeof(h));
	logmark_code(&k, h, a);
	hmac_key_init(&s, "other secret", 12);
	logmark_key(&s, &k);
	logmark_code(&k, h, b);
	CHECK(strlen(a) == LOGMARK_ID_LEN && strcmp(a, b) != 0,
	    "a code id depends on the key (%s vs %s)", a, b);
}

/* A redeem of code id `code` from network `net` on day DAY + d. */
static void
redeem(struct stat_agg *a, const char *level, const char *code, const char *net, int d)
{
	char l[200];

	snprintf(l, sizeof(l), "om1 %lld 200 POST %s - %s %s /api/redeem",
	    (long long)(DAY + d) * 86400 + 3600, level, code, net);
	line(a, l);
}

static void
test_shared_codes(void)
{
	struct stat_agg *a = malloc(sizeof(*a));
	struct stat_codes *s = malloc(sizeof(*s));
	const struct stat_code *c;
	struct buf out;
	char err[256], id[13], net[13];
	uint64_t n;
	size_t i;

	CHECK(stat_agg_init(a, DAY + 13, 14, NULL, err, sizeof(err)) == 0 &&
	    a->codes.shared_min == STAT_SHARED_MIN, "init: 14 days, --shared-min 4");
	/* aaaa: 6 redeems from 5 networks (one twice), days 3..9. */
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000001", 5);
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000002", 3);
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000003", 9);
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000001", 4);
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000004", 6);
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000005", 7);
	/* bbbb: 3 networks; cccc: ppv, one network and a redeem without one. */
	redeem(a, "vip", "bbbbbbbbbbbb", "000000000001", 0);
	redeem(a, "vip", "bbbbbbbbbbbb", "000000000007", 0);
	redeem(a, "vip", "bbbbbbbbbbbb", "000000000008", 1);
	redeem(a, "ppv", "cccccccccccc", "000000000009", 2);
	redeem(a, "ppv", "cccccccccccc", "-", 2);
	/* Not successful redeems: a refusal with a code id, a play. */
	line(a, "om1 " T0 " 401 POST denied - dddddddddddd 000000000010 /api/redeem");
	line(a, "om1 " T0 " 200 GET vip " G2 " - 000000000011 /api/play/" G2);
	/* Outside the window: not counted. */
	redeem(a, "vip", "aaaaaaaaaaaa", "000000000099", 20);
	CHECK(stat_agg_finish(a, err, sizeof(err)) == 0 && a->codes.n == 3, "finish: 3 code "
	    "ids (the refused one and the one outside the window not kept: %zu)", a->codes.n);
	c = a->codes.nshared == 1 ? &a->codes.c[a->codes.shared[0]] : NULL;
	CHECK(c != NULL && strcmp(c->id, "aaaaaaaaaaaa") == 0 && strcmp(c->level, "vip") == 0 &&
	    stat_code_networks(c) == 5 && c->redeems == 6 && c->first_day == DAY + 3 &&
	    c->last_day == DAY + 9, "shared: the code from 5 networks, 6 redeems, days 3..9");
	buf_init(&out, 1 << 20);
	CHECK(stat_render_json(a, &out) == 0 && strstr(out.data, "\"shared_codes\":[{"
	    "\"code_id\":\"aaaaaaaaaaaa\",\"level\":\"vip\",\"networks\":5,\"redeems\":6,"
	    "\"first_day\":\"2026-11-20\",\"last_day\":\"2026-11-26\"}]") != NULL &&
	    strstr(out.data, "000000000001") == NULL, "JSON: shared_codes; no network id");
	buf_reset(&out);
	CHECK(stat_render_table(a, &out) == 0 && strstr(out.data, "aaaaaaaaaaaa vip") != NULL &&
	    strstr(out.data, "bbbbbbbbbbbb") == NULL && strstr(out.data, "000000000001") == NULL,
	    "table: the shared code only; no network id");
	a->codes.shared_min = 1;
	CHECK(stat_agg_finish(a, err, sizeof(err)) == 0 && a->codes.nshared == 3 &&
	    strcmp(a->codes.c[a->codes.shared[1]].id, "bbbbbbbbbbbb") == 0 &&
	    stat_code_networks(&a->codes.c[a->codes.shared[2]]) == 1 &&
	    a->codes.c[a->codes.shared[2]].redeems == 2 &&
	    strcmp(a->codes.c[a->codes.shared[2]].level, "ppv") == 0,
	    "--shared-min 1: all three, most networks first; no network id counts none");
	/* The terminal shows STAT_TABLE_ROWS shared codes, then a count. */
	for (i = 0; i < STAT_TABLE_ROWS + 2; i++) {
		snprintf(id, sizeof(id), "%012zx", 0xabc000 + i);
		redeem(a, "vip", id, "000000000001", 1);
	}
	buf_reset(&out);
	CHECK(stat_agg_finish(a, err, sizeof(err)) == 0 &&
	    a->codes.nshared == STAT_TABLE_ROWS + 5 && stat_render_table(a, &out) == 0 &&
	    strstr(out.data, "... 5 more codes (--json or --html for all)") != NULL,
	    "table: %d shared codes, then how many more", STAT_TABLE_ROWS);
	buf_free(&out);
	stat_agg_free(a);

	/* Exact up to STAT_CODE_EXACT networks, a sketch past it. */
	stat_codes_init(s);
	for (i = 0; i < STAT_CODE_EXACT; i++) {
		snprintf(net, sizeof(net), "%012zx", i);
		stat_codes_add(s, "eeeeeeeeeeee", net, DAY, "vip");
		stat_codes_add(s, "eeeeeeeeeeee", net, DAY, "vip");
	}
	CHECK(stat_code_networks(&s->c[0]) == STAT_CODE_EXACT && s->c[0].many == NULL,
	    "%d networks, each twice: exactly %d, no sketch", STAT_CODE_EXACT, STAT_CODE_EXACT);
	stat_codes_add(s, "eeeeeeeeeeee", "00000000ffff", DAY, "vip");
	CHECK(stat_code_networks(&s->c[0]) == STAT_CODE_EXACT + 1 && s->c[0].many != NULL,
	    "one more: %d, through the sketch", STAT_CODE_EXACT + 1);
	for (i = 0; i < 1000; i++) {
		snprintf(net, sizeof(net), "%012zx", 0x10000 + i);
		stat_codes_add(s, "eeeeeeeeeeee", net, DAY, "vip");
	}
	n = stat_code_networks(&s->c[0]);
	CHECK(n > 1009 * 85 / 100 && n < 1009 * 115 / 100, "1009 networks: ~%llu (HLL)",
	    (unsigned long long)n);
	for (i = 0; i < 40; i++) {
		snprintf(net, sizeof(net), "%012zx", 0x900000 + i * 7919);
		stat_codes_add(s, "ffffffffffff", net, DAY, "vip");
		n = stat_code_networks(&s->c[1]);
		if (n > i + 1 || (i < STAT_CODE_EXACT && n != i + 1))
			break;
	}
	CHECK(i == 40, "k redeems from k networks: exact to %d, never more than k (at %zu: %llu)",
	    STAT_CODE_EXACT, i, (unsigned long long)n);
	/* The cap on code ids: further redeems are dropped, not stored. */
	for (i = 0; i < STAT_CODES_MAX + 4; i++) {
		snprintf(id, sizeof(id), "%012zx", i);
		stat_codes_add(s, id, "000000000001", DAY, "vip");
	}
	CHECK(s->n == STAT_CODES_MAX && s->dropped == 6, "cap: %d code ids, %llu redeems dropped",
	    STAT_CODES_MAX, (unsigned long long)s->dropped);
	stat_codes_free(s);
	free(s);
	free(a);
}

int
main(void)
{
	test_parse();
	test_hll();
	test_agg();
	test_bunny_parse();
	test_logmark();
	test_shared_codes();
	return check_report();
}
