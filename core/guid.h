/*
 * guid.h — the one GUID grammar of generator and verifier: a Bunny Stream
 * video id in RFC 4122 text form, 8-4-4-4-12 hex digits.  Stored and
 * compared in lower case everywhere (catalog.db, access.db, tokens.db,
 * URLs /v/<guid>/), so a GUID is a path segment and a key as it is.
 * Pure functions: no I/O, no allocation.
 */
#ifndef ONLY_GUID_H
#define ONLY_GUID_H

#include <stddef.h>

/* Bytes of the text form, without the NUL: fixed by RFC 4122 (32 hex
 * digits and 4 dashes).  Buffers are GUID_LEN + 1. */
#define GUID_LEN	36

/* 1 when the n bytes at s are a lower-case GUID; 0 otherwise. */
int	guid_ok(const char *s, size_t n);

/*
 * 1 when the n bytes at s are a GUID in either case: out receives it in
 * lower case (NUL-terminated).  0 otherwise (out's contents unspecified).
 * s and out may be the same buffer.
 */
int	guid_norm(const char *s, size_t n, char out[GUID_LEN + 1]);

#endif
