/*
 * code_prefix.c — the code prefix grammar.  See code_prefix.h.
 */
#include <string.h>

#include "code_prefix.h"

int
code_prefix_ok(const char *p)
{
	size_t i, n = strnlen(p, CODE_PREFIX_MAX + 1);

	if (n == 0 || n > CODE_PREFIX_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}
