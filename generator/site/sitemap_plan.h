/*
 * sitemap_plan.h — the pure rules of the sitemap: how long a video's
 * title and description may be (Google's video-sitemap limits) and how
 * the URLs are split into files (sitemaps.org's limits).  No site, no
 * model: numbers and bytes in, numbers out, so the rules are tested with
 * small limits (tests/unit/test_sitemap_plan.c).
 *
 * Returns: as each function says; none allocates or fails.
 */
#ifndef ONLY_SITEMAP_PLAN_H
#define ONLY_SITEMAP_PLAN_H

#include <stddef.h>

/*
 * Per file: sitemaps.org allows 50 000 URLs and 50 MB (52 428 800 bytes)
 * uncompressed.  We stop at 45 000 and 45 000 000 bytes: 10% under the
 * URL limit, and under 50 MB however a crawler counts a megabyte (10^6 or
 * 2^20: 50 000 000 is already 4.6% under 2^20-megabytes), so a file is
 * never refused for being at the edge, and an entry's size can grow a
 * little between the plan and a change in a rule without crossing a limit.
 */
#define SITEMAP_URLS_MAX	45000
#define SITEMAP_BYTES_MAX	((size_t)45000000)
/*
 * What we put in one file: at most 5 000 URLs (about 3.6 MB with the
 * video blocks), far under the limits.  A changed title or description
 * rewrites (and redeploys) the one file that lists the video, not a
 * 36 MB one (issue 15: a one-title rebuild at 100 000 videos), and a
 * crawler that reads the index's <lastmod> fetches only the files that
 * changed.  A site of at most 5 000 content pages keeps one sitemap.xml.
 */
#define SITEMAP_PART_URLS	5000
/* Files of a sitemap index: 50 000 allowed; 4.5 billion URLs at ours. */
#define SITEMAP_PARTS_MAX	50000

/* Google's video sitemap: <video:title> and <video:description> in
 * characters, <video:duration> in seconds (1 to 8 hours). */
#define VIDEO_TITLE_MAX		100
#define VIDEO_DESC_MAX		2048
#define VIDEO_DURATION_MIN	1
#define VIDEO_DURATION_MAX	28800

/* The mark that ends a cut text: U+2026 (one character, three bytes). */
#define TEXT_CUT_MARK		"\xe2\x80\xa6"

/*
 * How many bytes of s[0..n) to keep so that the text has at most maxchars
 * characters (maxchars >= 1).  A character is a valid UTF-8 sequence or
 * one invalid byte (which the escapers turn into U+FFFD, one character),
 * so the cut never falls inside a sequence; it is made on the raw text,
 * before escaping, so never inside an escape either.  When s fits, n and
 * *cut = 0; else the first maxchars - 1 characters and *cut = 1: the
 * caller appends TEXT_CUT_MARK, which makes maxchars.
 */
size_t	text_cut(const char *s, size_t n, size_t maxchars, int *cut);

/* v clamped to [lo, hi] (lo <= hi). */
long long	clamp_ll(long long v, long long lo, long long hi);

/*
 * Splits n entries of sizes[i] bytes, in order, into files of at most
 * max_urls entries and max_bytes bytes, each file being head + its
 * entries + tail bytes.  Greedy: a file takes entries while both limits
 * hold, so every file but the last is full by one limit or the other.
 * Fills ends[k], one past the last entry of file k, for each file, and
 * returns the number of files: 1 for n = 0 (one empty file), 0 when an
 * entry cannot fit a file even alone or more than maxparts files would
 * be needed (ends is then unspecified).
 */
size_t	sitemap_split(const size_t *sizes, size_t n, size_t head, size_t tail,
	    size_t max_urls, size_t max_bytes, size_t *ends, size_t maxparts);

#endif
