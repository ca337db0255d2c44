/*
 * guid.c — the GUID grammar.  See guid.h.
 */
#include <string.h>

#include "guid.h"

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

/*
 * Lower case only: the normal form is the input itself.  One pass, no
 * copy: a build checks every video's guid (site_pages.c).
 */
int
guid_ok(const char *s, size_t n)
{
	size_t i;

	if (n != GUID_LEN)
		return 0;
	for (i = 0; i < GUID_LEN; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' :
		    !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return 1;
}
