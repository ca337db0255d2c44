/*
 * test_sitemap_plan.c — the sitemap's pure rules (sitemap_plan.h): text
 * cut on a character boundary before escaping, the escaped size known
 * without writing (esc_xml_len), the duration clamp, and the split of
 * entries into files by count and bytes, with small limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "escape.h"
#include "sitemap_plan.h"
#include "utf8.h"

/* Characters in s[0..n): valid sequences, or one invalid byte each. */
static size_t
nchars(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, c = 0, len;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80 || (len = utf8_decode(s + i, n - i, &cp)) == 0)
			len = 1;
		i += len;
		c++;
	}
	return c;
}

/* The split of sizes under the limits, as "a,b,c" (the ends), or "-". */
static const char *
split(const size_t *sizes, size_t n, size_t head, size_t tail, size_t urls, size_t bytes,
    size_t maxparts, char *out, size_t cap)
{
	size_t ends[64], k, parts = sitemap_split(sizes, n, head, tail, urls, bytes, ends, maxparts);
	size_t used = 0;

	if (parts == 0)
		return "-";
	out[0] = '\0';
	for (k = 0; k < parts; k++)
		used += (size_t)snprintf(out + used, cap - used, "%s%zu", k ? "," : "", ends[k]);
	return out;
}

int
main(void)
{
	char s[512], got[256];
	struct buf b;
	size_t i, k, n;
	int cut;
	static const struct { const char *in; size_t max; const char *keep; int cut; } cuts[] = {
		{ "", 3, "", 0 },
		{ "abc", 3, "abc", 0 },
		{ "abcd", 3, "ab", 1 },
		{ "\xc3\xa9\xc3\xa9\xc3\xa9", 3, "\xc3\xa9\xc3\xa9\xc3\xa9", 0 },	/* ééé: 3 chars, 6 bytes */
		{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, "\xc3\xa9\xc3\xa9", 1 },
		{ "\xf0\x9f\x8e\xac\xf0\x9f\x8e\xac\xf0\x9f\x8e\xac", 2, "\xf0\x9f\x8e\xac", 1 },	/* 🎬🎬🎬 */
		{ "a&b<c", 4, "a&b", 1 },		/* cut before escaping: & is one character */
		{ "\xff\xfe" "abc", 3, "\xff\xfe", 1 },	/* invalid bytes: one character each */
		{ "ab\xe2\x82", 3, "ab", 1 },	/* a truncated sequence: 2 invalid bytes, 2 characters */
		{ "xy", 1, "", 1 },
	};
	static const struct { const char *in; size_t len; } lens[] = {
		{ "", 0 }, { "plain", 5 }, { "a&b", 7 }, { "<\"'>", 4 + 6 + 5 + 4 },
		{ "]]>", 2 + 4 }, { "\x01\x02x", 1 }, { "\xff", 3 }, { "\xef\xbf\xbe", 0 },
		{ "caf\xc3\xa9", 5 },
	};

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		n = text_cut(cuts[i].in, strlen(cuts[i].in), cuts[i].max, &cut);
		CHECK(n == strlen(cuts[i].keep) && memcmp(cuts[i].in, cuts[i].keep, n) == 0 &&
		    cut == cuts[i].cut, "text_cut case %zu keeps %zu bytes (cut %d)", i, n, cut);
	}
	/* every cut of a long mixed text: at most max characters with the
	 * mark, a prefix of the input, and whole sequences only */
	for (i = 0, n = 0; n + 12 < sizeof(s); i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s",
		    i % 3 == 0 ? "\xe6\x9d\xb1" : i % 3 == 1 ? "&" : "\xf0\x9f\x8e\xac");
	for (k = 1; k <= 200; k++) {
		size_t keep = text_cut(s, strlen(s), k, &cut);
		size_t chars = nchars(s, keep) + (cut ? 1 : 0);

		buf_init(&b, 4096);
		if (chars > k || (cut && keep > 0 && (s[keep] & 0xc0) == 0x80) ||
		    (cut && nchars(s, strlen(s)) <= k) || (!cut && keep != strlen(s))) {
			CHECK(0, "cut at %zu characters: %zu chars, cut %d", k, chars, cut);
			buf_free(&b);
			break;
		}
		buf_free(&b);
	}
	CHECK(k == 201, "cuts at 1..200 characters of a 3-byte/1-byte/4-byte mix: at most the "
	    "limit, on a character boundary");

	/* esc_xml_len is the size esc_xml writes */
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		buf_init(&b, 4096);
		CHECK(esc_xml(&b, lens[i].in, strlen(lens[i].in)) == 0 && b.len == lens[i].len &&
		    esc_xml_len(lens[i].in, strlen(lens[i].in)) == lens[i].len,
		    "esc_xml_len case %zu = %zu = what esc_xml writes (%zu)", i, lens[i].len, b.len);
		buf_free(&b);
	}
	buf_init(&b, 1 << 16);
	CHECK(esc_xml(&b, s, strlen(s)) == 0 && esc_xml_len(s, strlen(s)) == b.len,
	    "esc_xml_len of a long mixed text = esc_xml's %zu bytes", b.len);
	buf_free(&b);

	CHECK(clamp_ll(0, VIDEO_DURATION_MIN, VIDEO_DURATION_MAX) == 1 &&
	    clamp_ll(-7, 1, 28800) == 1 && clamp_ll(600, 1, 28800) == 600 &&
	    clamp_ll(28801, 1, 28800) == 28800 && clamp_ll(1LL << 40, 1, 28800) == 28800,
	    "durations clamp to 1..28800");

	/* the split, with small limits */
	{
		static const size_t ten[] = { 10, 10, 10, 10, 10, 10, 10 };
		static const size_t mixed[] = { 5, 50, 5, 5, 40, 1 };
		static const size_t big[] = { 10, 91 };

		CHECK_STR(split(ten, 0, 10, 5, 3, 100, 8, got, sizeof(got)), "0",
		    "no entries: one empty file");
		CHECK_STR(split(ten, 7, 10, 5, 3, 1000, 8, got, sizeof(got)), "3,6,7",
		    "by count: 3 a file");
		CHECK_STR(split(ten, 7, 10, 5, 100, 45, 8, got, sizeof(got)), "3,6,7",
		    "by bytes: 10 + 3x10 + 5 = 45 fits, a 4th does not");
		CHECK_STR(split(ten, 7, 10, 5, 2, 45, 8, got, sizeof(got)), "2,4,6,7",
		    "both limits: the tighter one wins");
		CHECK_STR(split(mixed, 6, 0, 0, 10, 60, 8, got, sizeof(got)), "3,6",
		    "mixed sizes: 5+50+5 = 60, then 5+40+1");
		CHECK_STR(split(ten, 6, 0, 0, 3, 30, 8, got, sizeof(got)), "3,6",
		    "exactly full files: no empty file after them");
		CHECK_STR(split(big, 2, 5, 5, 10, 100, 8, got, sizeof(got)), "-",
		    "an entry that cannot fit alone: refused");
		CHECK_STR(split(big, 1, 5, 5, 10, 100, 8, got, sizeof(got)), "1",
		    "an entry that fits alone exactly (10 + 90 = 100)");
		CHECK_STR(split(ten, 7, 0, 0, 1, 1000, 3, got, sizeof(got)), "-",
		    "more files than allowed: refused");
		CHECK_STR(split(ten, 3, 0, 0, 1, 1000, 3, got, sizeof(got)), "1,2,3",
		    "as many files as allowed");
	}
	/* a property: random sizes, every file within both limits, in order, all entries */
	{
		size_t sizes[2000], ends[2000], parts, start, total, u, j, run;
		unsigned seed = 12345;
		int bad = 0;

		for (run = 0; run < 50 && !bad; run++) {
			size_t maxu = 1 + run % 17, maxb = 200 + run * 13;

			n = 1 + run * 37 % 2000;
			for (j = 0; j < n; j++) {
				seed = seed * 1103515245u + 12345u;
				sizes[j] = 1 + (seed >> 16) % (maxb - 20);
			}
			parts = sitemap_split(sizes, n, 12, 8, maxu, maxb, ends, 2000);
			for (k = 0, start = 0; parts > 0 && k < parts; k++) {
				for (total = 20, u = 0, j = start; j < ends[k]; j++, u++)
					total += sizes[j];
				if (ends[k] <= start || u > maxu || total > maxb)
					bad = 1;
				/* greedy: the next entry would not have fitted */
				if (k + 1 < parts && u < maxu && total + sizes[ends[k]] <= maxb)
					bad = 1;
				start = ends[k];
			}
			if (parts == 0 || start != n)
				bad = 1;
		}
		CHECK(!bad, "50 random splits: every file within both limits, greedy, all entries in order");
	}
	return check_report();
}
