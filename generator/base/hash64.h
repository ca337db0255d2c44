/*
 * hash64.h — a fast 64-bit non-cryptographic hash for change detection
 * (page keys, content fingerprints in the site manifest).  Not for
 * anything an attacker chooses to collide: only the creator's own catalog
 * and theme flow through it, and a collision costs one stale page.
 */
#ifndef ONLY_HASH64_H
#define ONLY_HASH64_H

#include <stddef.h>
#include <stdint.h>

/* Hashes n bytes of p, continuing from seed (0 to start). */
uint64_t	h64(uint64_t seed, const void *p, size_t n);
/*
 * The same hash over data that arrives in pieces (a file read in chunks):
 * h64_begin with the total length, h64_update any number of times,
 * h64_end gives what h64() of the whole would.
 */
struct h64_stream {
	uint64_t	h;
	unsigned char	buf[8];	/* the bytes of an unfinished word */
	size_t		tail;
};
void	h64_begin(struct h64_stream *st, uint64_t seed, uint64_t total);
void	h64_update(struct h64_stream *st, const void *p, size_t n);
uint64_t h64_end(struct h64_stream *st);
/*
 * The checksum of a state file's region: four lanes of 8 bytes each
 * (32-byte stripes), so that no step waits on the last one; more than
 * twice h64's bytes per cycle on the machines measured (~14 against
 * ~6 GB/s), a different value.  The stream gives what the one call does
 * over the same bytes, whatever the pieces.
 */
uint64_t	h64_sum(uint64_t seed, const void *p, size_t n);
struct h64_sum_stream {
	uint64_t	v[4];
	uint64_t	total;		/* bytes so far */
	unsigned char	buf[32];	/* the bytes of an unfinished stripe */
	size_t		tail;
};
void	h64_sum_begin(struct h64_sum_stream *st, uint64_t seed);
void	h64_sum_update(struct h64_sum_stream *st, const void *p, size_t n);
uint64_t h64_sum_end(const struct h64_sum_stream *st);
/* Hashes a NUL-terminated string plus its terminator (so "a","b" != "ab"). */
uint64_t	h64_str(uint64_t seed, const char *s);
/* Mixes one integer into seed. */
uint64_t	h64_int(uint64_t seed, int64_t v);

/*
 * v folded into h with a multiply and a shift, inline: for a running
 * value over many words whose result is only compared with the same
 * code's (a state this onlygen keeps), where h64_int()'s call and full
 * avalanche per word cost more than the words (issue 15).
 */
static inline uint64_t
h64_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 32);
}

#endif
