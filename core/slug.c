/*
 * slug.c — the slug grammar.  See slug.h.
 */
#include <stdio.h>
#include <string.h>

#include "slug.h"

int
slug_ok(const char *s)
{
	size_t i;

	if (s[0] == '\0' || s[0] == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= SLUG_MAX)
			return 0;
		if (s[i] == '-') {
			if (s[i + 1] == '-' || s[i + 1] == '\0')
				return 0;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	}
	return 1;
}

void
slug_suffixed(const char *base, size_t k, char out[SLUG_MAX + 1])
{
	char num[24];
	size_t nl, bl;

	nl = (size_t)snprintf(num, sizeof(num), "-%zu", k);
	bl = strnlen(base, SLUG_MAX - SLUG_SUFFIX_ROOM);
	if (bl + nl > SLUG_MAX)
		bl = SLUG_MAX - nl;
	while (bl > 0 && base[bl - 1] == '-')
		bl--;
	memcpy(out, base, bl);
	memcpy(out + bl, num, nl + 1);
}
