/*
 * sout.c — bounded string building without printf.  See sout.h.
 */
#include <string.h>

#include "sout.h"

void
sout_init(struct sout *o, char *buf, size_t cap)
{
	o->p = buf;
	o->len = 0;
	o->cap = cap;
	o->err = cap == 0;
	if (cap > 0)
		buf[0] = '\0';
}

void
sout_put(struct sout *o, const char *s, size_t n)
{
	if (o->err || n >= o->cap - o->len) {
		o->err = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

void
sout_str(struct sout *o, const char *s)
{
	sout_put(o, s, strlen(s));
}

void
sout_i64(struct sout *o, int64_t v)
{
	char d[24];
	size_t i = sizeof(d);
	/* Work on the magnitude as unsigned: INT64_MIN has no positive twin. */
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		d[--i] = '-';
	sout_put(o, d + i, sizeof(d) - i);
}

size_t
sout_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src), k = n < cap ? n : cap - 1;

	memcpy(dst, src, k);
	dst[k] = '\0';
	return n;
}
