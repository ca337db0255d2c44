/*
 * netaddr.c — address parsing and CIDR lists.  See netaddr.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int
netaddr_parse(const char *s, struct netaddr *a)
{
	unsigned char b[16];

	memset(a, 0, sizeof(*a));
	if (s == NULL)
		return -1;
	if (inet_pton(AF_INET, s, b) == 1) {
		a->fam = 4;
		memcpy(a->b, b, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) != 1)
		return -1;
	if (memcmp(b, v4mapped, sizeof(v4mapped)) == 0) {
		a->fam = 4;
		memcpy(a->b, b + 12, 4);
	} else {
		a->fam = 6;
		memcpy(a->b, b, 16);
	}
	return 0;
}

/* Clears every bit of a past the first `bits`. */
static void
mask(struct netaddr *a, unsigned bits)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (bits >= 8 * (i + 1))
			continue;
		a->b[i] &= bits > 8 * i ? (unsigned char)(0xff << (8 - (bits - 8 * i))) : 0;
	}
}

/* One entry of n bytes at s into r; returns 0 or -1. */
static int
parse_range(const char *s, size_t n, struct netrange *r)
{
	char text[64];
	const char *slash;
	unsigned long bits = 0;
	unsigned max;
	size_t an, i;
	int mapped;

	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	slash = memchr(text, '/', n);
	an = slash ? (size_t)(slash - text) : n;
	text[an] = '\0';
	mapped = strchr(text, ':') != NULL;	/* ::ffff:a.b.c.d/n counts in v6 bits */
	if (netaddr_parse(text, &r->a) != 0)
		return -1;
	max = r->a.fam == 4 && !mapped ? 32 : 128;
	if (slash != NULL) {
		if (slash[1] == '\0' || n - an - 1 > 3)
			return -1;
		for (i = an + 1; i < n; i++) {
			if (text[i] < '0' || text[i] > '9')
				return -1;
			bits = bits * 10 + (unsigned long)(text[i] - '0');
		}
		if (bits > max)
			return -1;
	} else
		bits = max;
	if (r->a.fam == 4 && mapped)	/* ::ffff:0:0/96 and longer */
		bits = bits >= 96 ? bits - 96 : 0;
	r->bits = (unsigned)bits;
	mask(&r->a, r->bits);
	return 0;
}

int
netlist_parse(const char *s, struct netlist *l, char *err, size_t errlen)
{
	size_t i = 0, j;

	memset(l, 0, sizeof(*l));
	if (s == NULL)
		return 0;
	for (;;) {
		while (s[i] == ',' || s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] == '\0')
			return 0;
		for (j = i; s[j] != '\0' && s[j] != ',' && s[j] != ' ' && s[j] != '\t'; j++)
			;
		if (l->n == NETLIST_MAX) {
			snprintf(err, errlen, "more than %d address ranges", NETLIST_MAX);
			return -1;
		}
		if (parse_range(s + i, j - i, &l->r[l->n]) != 0) {
			snprintf(err, errlen, "not an address or CIDR range: '%.*s'",
			    (int)(j - i > 64 ? 64 : j - i), s + i);
			return -1;
		}
		l->n++;
		i = j;
	}
}

int
netlist_has(const struct netlist *l, const struct netaddr *a)
{
	struct netaddr m;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->r[i].a.fam != a->fam)
			continue;
		m = *a;
		mask(&m, l->r[i].bits);
		if (memcmp(m.b, l->r[i].a.b, 16) == 0)
			return 1;
	}
	return 0;
}
