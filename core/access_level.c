/*
 * access_level.c — access level names.  See access_level.h.
 */
#include <string.h>

#include "access_level.h"

const char *
access_level_name(enum access_level a)
{
	switch (a) {
	case ACCESS_PUBLIC: return "public";
	case ACCESS_VIP: return "vip";
	case ACCESS_PPV: return "ppv";
	}
	return "vip";
}

int
access_level_known(const char *s)
{
	enum access_level a;

	return access_level_parse(s, &a) == 0;
}

int
access_level_parse(const char *s, enum access_level *a)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "public") == 0)
		*a = ACCESS_PUBLIC;
	else if (strcmp(s, "vip") == 0)
		*a = ACCESS_VIP;
	else if (strcmp(s, "ppv") == 0)
		*a = ACCESS_PPV;
	else
		return -1;
	return 0;
}
