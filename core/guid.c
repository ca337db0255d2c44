/*
 * guid.c — the GUID grammar.  See guid.h.
 */
#include <stdint.h>
#include <string.h>

#include "guid.h"
#include "word8.h"

int
guid_norm(const char *s, size_t n, char out[GUID_LEN + 1])
{
	size_t i;

	if (n != GUID_LEN)
		return 0;
	for (i = 0; i < GUID_LEN; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else {
			if (c >= 'A' && c <= 'F')
				c = (char)(c - 'A' + 'a');
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return 0;
		}
		out[i] = c;
	}
	out[GUID_LEN] = '\0';
	return 1;
}

/* Whether the 8 bytes of x are each a digit or a lower-case hex letter. */
static inline int
hex8(uint64_t x)
{
	return (x & WORD8_HIGHS) == 0 &&
	    (word8_in(x, '0', '9') | word8_in(x, 'a', 'f')) == WORD8_HIGHS;
}

static inline uint64_t
load4x2(const char *p, const char *q)
{
	uint32_t a, b;

	memcpy(&a, p, 4);
	memcpy(&b, q, 4);
	return (uint64_t)a | (uint64_t)b << 32;
}

/*
 * Lower case only: the normal form is the input itself.  No copy, 8 bytes
 * at a time: the four dashes, then the 32 hex digits as four words (a
 * build checks every video's guid, site_pages.c: a byte at a time was ~375
 * instructions a guid, 37 M of a one-title rebuild at 100 000 videos).
 * test_core_grammar.c tries every byte at every place against guid_norm().
 */
int
guid_ok(const char *s, size_t n)
{
	if (n != GUID_LEN || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return 0;
	return hex8(word8_load(s)) && hex8(load4x2(s + 9, s + 14)) &&
	    hex8(load4x2(s + 19, s + 24)) && hex8(word8_load(s + 28));
}
