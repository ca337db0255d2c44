/*
 * test_site_url.c — the URL/path scheme of the site, the CDN scheme rule,
 * the text formats, and the path safety of the publisher (table-driven).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "guid.h"
#include "slug.h"
#include "site_url.h"
#include "site_write.h"

/* The rule of site_path_ok(), a byte at a time, as it was first written:
 * what the word-at-a-time check must agree with. */
static int
path_ok_ref(const char *p)
{
	size_t i;
	int seg_start = 1;

	for (i = 0; p[i] != '\0'; i++) {
		int c = (unsigned char)p[i], name = (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';

		if (!(name || c == '.' || c == '/') || (seg_start && (c == '.' || c == '/')) ||
		    i + 1 >= SITE_PATH_MAX)
			return 0;
		seg_start = c == '/';
	}
	return i > 0 && !seg_start;
}

/* Random paths, mostly valid, over every length up to past SITE_PATH_MAX:
 * site_path_ok() and site_path_okn() give the reference's answer. */
static void
test_path_random(void)
{
	static const char pick[] = "ab/.-_Z9//..a/b.c";
	char p[SITE_PATH_MAX + 40];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i, n, bad = 0, valid = 0, runs = 0;

	for (n = 0; n < sizeof(p) - 1; n++)
		for (runs = 0; runs < (n < 80 ? 400u : 8u); runs++) {
			for (i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				/* one byte in 64 any byte but NUL, else the alphabet */
				p[i] = (x & 63) == 0 ? (char)(1 + (x >> 8) % 255) :
				    pick[(x >> 8) % (sizeof(pick) - 1)];
			}
			p[n] = '\0';
			if (runs % 2) {
				/* a valid path (name bytes, a '.' or '/' after a name
				 * byte only, not '/' last), then one byte changed,
				 * one time in two, at any place */
				for (i = 0; i < n; i++)
					if (strchr("./", p[i]) != NULL && (i == 0 || i + 1 == n ||
					    strchr("./", p[i - 1]) != NULL))
						p[i] = 'x';
					else if (strchr("./", p[i]) == NULL &&
					    path_ok_ref((char[2]){ p[i], '\0' }) == 0)
						p[i] = 'y';
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				if (n > 0 && (x & 1))
					p[(x >> 1) % n] = "/.!~ \x80"[(x >> 20) % 6];
			}
			valid += path_ok_ref(p);
			bad += site_path_ok(p) != path_ok_ref(p) ||
			    site_path_okn(p, n) != path_ok_ref(p);
		}
	CHECK(bad == 0 && valid > 1000, "random paths of every length: site_path_ok and "
	    "site_path_okn agree with the byte-at-a-time rule (%zu differ, %zu valid)", bad, valid);
}

int
main(void)
{
	struct buf b;
	size_t i;
	static const char *g = "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69";
	static const struct { const char *url, *path; } paths[] = {
		{ "/", "index.html" },
		{ "/v/x/", "v/x/index.html" },
		{ "/v/x.html", "v/x.html" },
		{ "/c/raw/page/2/", "c/raw/page/2/index.html" },
	};
	static const struct { const char *host, *origin; } hosts[] = {
		{ "vz-abc-1.b-cdn.net", "https://vz-abc-1.b-cdn.net" },
		{ "127.0.0.1:8081", "http://127.0.0.1:8081" },
		{ "localhost", "http://localhost" },
		{ "[::1]:9000", "http://[::1]:9000" },
		{ "localhost.evil.com", "https://localhost.evil.com" },
		{ "127.0.0.10", "https://127.0.0.10" },
	};
	static const struct { long long s; const char *clock, *words, *iso; } durs[] = {
		{ 0, "0:00", "0 seconds", "PT0S" },
		{ 1, "0:01", "1 second", "PT1S" },
		{ 754, "12:34", "12 minutes", "PT12M34S" },
		{ 3723, "1:02:03", "1 hour 2 minutes", "PT1H2M3S" },
		{ 7200, "2:00:00", "2 hours", "PT2H0M0S" },
		{ -5, "0:00", "0 seconds", "PT0S" },
	};
	static const struct { const char *p; int ok; } safe[] = {
		{ "index.html", 1 }, { "v/abc/index.html", 1 }, { "assets/site.0123.css", 1 },
		{ "", 0 }, { "/etc/passwd", 0 }, { "../x", 0 }, { "v/../../x", 0 }, { "v//x", 0 },
		{ ".onlygen-staging/1", 0 }, { "v/.hidden", 0 }, { "a b", 0 }, { "v/x/", 0 },
		{ "a\\b", 0 }, { ".", 0 }, { "/", 0 }, { "a/./b", 0 }, { "a/-b_C.9", 1 },
		{ "v/x\xc3\xa9", 0 }, { "v/x\x7f", 0 }, { "a:b", 0 },
	};

	buf_init(&b, 4096);
	/* the site validates with the core's grammars (tests/unit/test_core_grammar.c) */
	CHECK(guid_ok(g, strlen(g)), "lowercase UUID accepted");
	CHECK(!guid_ok("../../../../etc/passwd/aaaaaaaaaaaaaaa", 36), "path as UUID refused");
	CHECK(slug_ok("tokyo-nights-2") && !slug_ok("Tokyo") && !slug_ok("-x") &&
	    !slug_ok("a/b") && !slug_ok(""), "slugs: [a-z0-9-] only");

	buf_reset(&b);
	CHECK(url_video(&b, 0, g) == 0, "video url");
	CHECK_STR(b.data, "/v/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/", "directory video URL");
	buf_reset(&b);
	(void)url_video(&b, 1, g);
	CHECK_STR(b.data, "/v/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69.html", "html video URL");
	buf_reset(&b);
	CHECK(url_embed(&b, 0, g) == 0, "embed url");
	CHECK_STR(b.data, "/e/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69/", "directory embed URL");
	buf_reset(&b);
	(void)url_embed(&b, 1, g);
	CHECK_STR(b.data, "/e/3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69.html", "html embed URL");
	buf_reset(&b);
	(void)url_list(&b, 0, 'c', "raw", 1);
	CHECK_STR(b.data, "/c/raw/", "category page 1");
	buf_reset(&b);
	(void)url_list(&b, 0, 't', "night", 3);
	CHECK_STR(b.data, "/t/night/page/3/", "tag page 3");
	buf_reset(&b);
	(void)url_list(&b, 1, 's', "tokyo", 2);
	CHECK_STR(b.data, "/s/tokyo/page/2.html", "html series page 2");
	buf_reset(&b);
	(void)url_named(&b, 1, "search");
	CHECK_STR(b.data, "/search.html", "html named page");
	buf_reset(&b);
	(void)url_named(&b, 0, "");
	CHECK_STR(b.data, "/", "home");

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		buf_reset(&b);
		CHECK(url_to_path(&b, paths[i].url) == 0, "url_to_path %s", paths[i].url);
		CHECK_STR(b.data, paths[i].path, "file of %s", paths[i].url);
	}
	buf_reset(&b);
	CHECK(url_to_path(&b, "relative") == -1, "relative URL has no file");

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		buf_reset(&b);
		(void)cdn_origin(&b, hosts[i].host);
		CHECK_STR(b.data, hosts[i].origin, "CDN origin of %s", hosts[i].host);
	}
	for (i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		buf_reset(&b);
		(void)fmt_duration(&b, durs[i].s);
		CHECK_STR(b.data, durs[i].clock, "duration %lld", durs[i].s);
		buf_reset(&b);
		(void)fmt_duration_words(&b, durs[i].s);
		CHECK_STR(b.data, durs[i].words, "duration in words %lld", durs[i].s);
		buf_reset(&b);
		(void)fmt_duration_iso(&b, durs[i].s);
		CHECK_STR(b.data, durs[i].iso, "ISO duration %lld", durs[i].s);
	}
	buf_reset(&b);
	(void)fmt_datetime(&b, 1762194161);
	CHECK_STR(b.data, "2025-11-03T18:22:41Z", "datetime is UTC ISO 8601");
	buf_reset(&b);
	(void)fmt_date(&b, 1762194161);
	CHECK_STR(b.data, "2025-11-03", "date");

	/* the printf-free formats print what printf and strftime print */
	{
		static const long long ints[] = { 0, 1, -1, 9, 10, -10, 99999, INT_MAX, INT_MIN,
		    LLONG_MAX, LLONG_MIN };
		static const int64_t times[] = { 0, -1, 59, 86399, 86400, 951782400, 951868799,
		    4107542400, 253402300799, 253402300800, -62135596800, -62135596801,
		    -30610224000, -86400 * 365LL * 1000, 1LL << 40, -(1LL << 40), INT64_MAX,
		    INT64_MIN };
		char want[128];
		uint64_t x = 88172645463325252ULL;
		size_t bad = 0, k;
		int64_t t;

		for (k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
			buf_reset(&b);
			(void)fmt_int(&b, ints[k]);
			snprintf(want, sizeof(want), "%lld", ints[k]);
			CHECK_STR(b.data, want, "fmt_int %lld", ints[k]);
		}
		for (k = 0; k < sizeof(times) / sizeof(times[0]) + 200000; k++) {
			struct buf r;
			char fmt[2][64];
			time_t tt;
			struct tm tm;
			int w;

			if (k < sizeof(times) / sizeof(times[0]))
				t = times[k];
			else {	/* xorshift: any second from year 1 to 9999, and beyond */
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				t = (int64_t)(x % 320000000000ULL) - 62200000000LL;
			}
			tt = (time_t)t;
			for (w = 0; w < 2; w++) {
				const char *f = w ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d";

				if (gmtime_r(&tt, &tm) == NULL || strftime(fmt[w], sizeof(fmt[w]), f, &tm) == 0)
					snprintf(fmt[w], sizeof(fmt[w]), "1970-01-01");
				buf_init(&r, 256);
				(void)(w ? fmt_datetime(&r, t) : fmt_date(&r, t));
				if (r.data == NULL || strcmp(r.data, fmt[w]) != 0) {
					if (bad++ < 5)
						printf("# %lld: got %s, strftime %s\n", (long long)t,
						    r.data ? r.data : "(null)", fmt[w]);
				}
				buf_free(&r);
			}
		}
		CHECK(bad == 0, "fmt_date and fmt_datetime equal gmtime_r + strftime at %zu times "
		    "(%zu differ)", sizeof(times) / sizeof(times[0]) + 200000, bad);
		buf_reset(&b);
		(void)url_named_page(&b, 0, "new", 12);
		CHECK_STR(b.data, "/new/page/12/", "named list page 12");
		buf_reset(&b);
		(void)url_named_page(&b, 1, "free", 2);
		CHECK_STR(b.data, "/free/page/2.html", "html named list page 2");
		buf_reset(&b);
		(void)url_named_page(&b, 0, "new", 1);
		CHECK_STR(b.data, "/new/", "named list page 1");
	}

	for (i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		CHECK(site_path_ok(safe[i].p) == safe[i].ok, "path '%s' %s", safe[i].p,
		    safe[i].ok ? "accepted" : "refused");
	{
		/* the longest path is SITE_PATH_MAX - 1 bytes; every byte outside
		 * [A-Za-z0-9._/-] is refused */
		char longp[SITE_PATH_MAX + 1], one[3] = "a";
		int c, bad = 0;

		memset(longp, 'a', sizeof(longp));
		longp[SITE_PATH_MAX - 1] = '\0';
		CHECK(site_path_ok(longp), "a path of SITE_PATH_MAX - 1 bytes accepted");
		longp[SITE_PATH_MAX - 1] = 'a';
		longp[SITE_PATH_MAX] = '\0';
		CHECK(!site_path_ok(longp), "a path of SITE_PATH_MAX bytes refused");
		for (c = 1; c < 256; c++) {
			one[1] = (char)c;
			one[2] = '\0';
			if (site_path_ok(one) != (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", c) != NULL))
				bad++;
		}
		CHECK(bad == 0, "the bytes of a path: [A-Za-z0-9._-] after a name's first byte "
		    "(%d differ)", bad);
	}
	test_path_random();
	buf_free(&b);
	return check_report();
}
