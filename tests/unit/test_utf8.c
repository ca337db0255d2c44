/*
 * test_utf8.c — core/utf8's encoder and decoder agree: every code point
 * but the surrogates encodes to the shortest form, which the strict
 * decoder reads back whole; the lengths are UTF-8's (1 to 4 bytes at
 * U+0080, U+0800 and U+10000).
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "utf8.h"

int
main(void)
{
	char b[4];
	uint32_t cp, back;
	size_t n, wrong = 0, count = 0;

	for (cp = 0; cp < 0x110000; cp++) {
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		count++;
		n = utf8_encode(cp, b);
		if (n != want || utf8_decode((const unsigned char *)b, n, &back) != n || back != cp)
			wrong++;
	}
	CHECK(wrong == 0, "%zu code points encode and decode back, in UTF-8's lengths (%zu wrong)",
	    count, wrong);
	n = utf8_encode(0, b);
	CHECK(n == 1 && b[0] == '\0', "U+0000 is the one byte 0");
	n = utf8_encode(0x1f3ac, b);
	CHECK(n == 4 && memcmp(b, "\xf0\x9f\x8e\xac", 4) == 0, "U+1F3AC is F0 9F 8E AC");
	return check_report();
}
