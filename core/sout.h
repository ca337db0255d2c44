/*
 * sout.h — bounded string building without printf, for the request path
 * (snprintf's format parsing was a tenth of an /api/play request).
 *
 * A struct sout writes into a caller-owned buffer of cap bytes, keeps it
 * NUL-terminated, and never writes past it: an append that does not fit
 * sets err, leaves the text as it was, and makes every later append a
 * no-op.  Nothing here allocates.
 */
#ifndef ONLY_SOUT_H
#define ONLY_SOUT_H

#include <stddef.h>
#include <stdint.h>

struct sout {
	char	*p;
	size_t	 len;	/* bytes before the NUL */
	size_t	 cap;	/* size of p, >= 1 */
	int	 err;	/* an append did not fit */
};

/* Starts o on buf[cap] (cap >= 1) with the empty string. */
void	sout_init(struct sout *o, char *buf, size_t cap);

/* Appends n bytes of s. */
void	sout_put(struct sout *o, const char *s, size_t n);

/* Appends the NUL-terminated s. */
void	sout_str(struct sout *o, const char *s);

/* Appends v in decimal (as "%" PRId64 would). */
void	sout_i64(struct sout *o, int64_t v);

/*
 * Copies the NUL-terminated src into dst[cap] (cap >= 1), truncated to
 * cap - 1 bytes like snprintf(dst, cap, "%s", src).  Returns the length of
 * src (>= cap: truncated).
 */
size_t	sout_copy(char *dst, size_t cap, const char *src);

#endif
