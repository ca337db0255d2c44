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
/* Hashes a NUL-terminated string plus its terminator (so "a","b" != "ab"). */
uint64_t	h64_str(uint64_t seed, const char *s);
/* Mixes one integer into seed. */
uint64_t	h64_int(uint64_t seed, int64_t v);

#endif
