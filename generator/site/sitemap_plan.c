/*
 * sitemap_plan.c — text cuts and the split of sitemap files
 * (sitemap_plan.h).  Pure functions.
 */
#include "sitemap_plan.h"
#include "utf8.h"

size_t
text_cut(const char *str, size_t n, size_t maxchars, int *cut)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, chars = 0, keep = 0, len;
	uint32_t cp;

	*cut = 0;
	if (n <= maxchars)
		return n;	/* never more characters than bytes: no walk */
	while (i < n) {
		if (chars == maxchars - 1)
			keep = i;	/* where the cut falls if the text is too long */
		if (chars == maxchars) {
			*cut = 1;
			return keep;
		}
		if (s[i] < 0x80 || (len = utf8_decode(s + i, n - i, &cp)) == 0)
			len = 1;
		i += len;
		chars++;
	}
	return n;
}

long long
clamp_ll(long long v, long long lo, long long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

size_t
sitemap_split(const size_t *sizes, size_t n, size_t head, size_t tail, size_t max_urls,
    size_t max_bytes, size_t *ends, size_t maxparts)
{
	size_t i, parts = 0, urls = 0, bytes = head + tail;

	if (max_urls == 0 || maxparts == 0 || head + tail > max_bytes)
		return 0;
	for (i = 0; i < n; i++) {
		if (sizes[i] > max_bytes - head - tail)
			return 0;	/* alone it would not fit */
		if (urls == max_urls || sizes[i] > max_bytes - bytes) {
			if (parts + 1 == maxparts)
				return 0;
			ends[parts++] = i;
			urls = 0;
			bytes = head + tail;
		}
		urls++;
		bytes += sizes[i];
	}
	ends[parts++] = n;
	return parts;
}
