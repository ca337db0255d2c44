/*
 * bytes.h — native-order integers read from any address of a file's bytes
 * (a mapped state file: the model image, the card store), where a cast
 * could be misaligned.  A memcpy the compiler turns into one load.
 */
#ifndef ONLY_BYTES_H
#define ONLY_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint64_t
get64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
get32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline int32_t
geti32(const char *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
