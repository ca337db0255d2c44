/*
 * cdn_host.c — the CDN host grammar and its scheme.  See cdn_host.h.
 */
#include <string.h>
#include <strings.h>

#include "cdn_host.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	    c == '.' || c == '-';
}

static int
is_v6_char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || is_digit(c) ||
	    c == ':' || c == '.';
}

/* The length of host's host part (brackets included), or 0 when host does
 * not match the grammar. */
static size_t
host_part(const char *host)
{
	size_t i = 0, hl, n = strnlen(host, CDN_HOST_MAX + 1);

	if (n == 0 || n > CDN_HOST_MAX)
		return 0;
	if (host[0] == '[') {
		for (i = 1; is_v6_char(host[i]); i++)
			;
		if (i == 1 || host[i] != ']')
			return 0;
		i++;
	} else
		for (; is_name_char(host[i]); i++)
			;
	hl = i;
	if (hl == 0)
		return 0;
	if (host[i] == ':') {
		size_t d;

		for (d = 0, i++; is_digit(host[i]); i++)
			d++;
		if (d == 0 || d > 5)
			return 0;
	}
	return host[i] == '\0' ? hl : 0;
}

int
cdn_host_ok(const char *host)
{
	return host_part(host) != 0;
}

const char *
cdn_host_scheme(const char *host)
{
	size_t hl = host_part(host);

	if (hl == 0)
		return NULL;
	if ((hl == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
	    (hl == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (hl == 5 && strncmp(host, "[::1]", 5) == 0))
		return "http";
	return "https";
}
