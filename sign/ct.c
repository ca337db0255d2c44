/*
 * ct.c — constant-time comparisons.  See ct.h.
 */
#include "ct.h"

int
ct_memeq(const void *va, const void *vb, size_t n)
{
	const volatile unsigned char *a = va, *b = vb;
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

int
ct_streq(const void *va, size_t alen, const void *vb, size_t blen)
{
	const volatile unsigned char *a = va, *b = vb;
	unsigned char d = (unsigned char)(alen != blen);
	size_t i;

	/* Walk the expected value's length; read a only inside its bounds. */
	for (i = 0; i < blen; i++)
		d |= (unsigned char)((i < alen ? a[i] : 0) ^ b[i]);
	return d == 0;
}
