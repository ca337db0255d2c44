/*
 * test_hash64.c — h64, h64_str and h64_int keep their values (page keys,
 * manifest sums and every cache in the state directory are made of them)
 * and equal the streamed hash at every length and split.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "hash64.h"

/* The reference: the stream, fed in two pieces cut at cut. */
static uint64_t
streamed(uint64_t seed, const unsigned char *p, size_t n, size_t cut)
{
	struct h64_stream st;

	h64_begin(&st, seed, n);
	h64_update(&st, p, cut);
	h64_update(&st, p + cut, n - cut);
	return h64_end(&st);
}

int
main(void)
{
	/* values of the implementation these functions had when the keys in
	 * published manifests were made (2026-12-03): they must not move */
	static const char *s[] = { "", "a", "title", "abcdefgh", "abcdefghi",
	    "The Director's Garden #6431 \xc2\xb7 long text over sixteen bytes" };
	static const struct { uint64_t raw, str; } want[] = {
		{ 0xfabd976b27171df5ULL, 0xbf59094e0801f3eaULL },
		{ 0x2331901ccfa694a7ULL, 0x6855d66f7ebcba3cULL },
		{ 0x43ec32ea6024c093ULL, 0x52e57198776c1364ULL },
		{ 0xa87bc818a7419c01ULL, 0xff98fb327a953d32ULL },
		{ 0x73d81ddaf1af6fbcULL, 0x764d1a9beba59a13ULL },
		{ 0x45285956d2606e52ULL, 0x6fa984c3feb038d1ULL },
	};
	unsigned char data[300];
	size_t i, n, cut, bad = 0;
	uint64_t x = 0x2545F4914F6CDD1DULL;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(h64(0x1234, s[i], strlen(s[i])) == want[i].raw, "h64 of \"%.12s\" kept its value",
		    s[i]);
		CHECK(h64_str(0x9E3779B97F4A7C15ULL, s[i]) == want[i].str,
		    "h64_str of \"%.12s\" kept its value", s[i]);
	}
	CHECK(h64_int(0, 0) == 0x37a4dccd09e27f4dULL && h64_int(42, -7) == 0x69c4cf3eb71ff953ULL,
	    "h64_int kept its values");
	for (i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (unsigned char)x;
	}
	for (n = 0; n < sizeof(data); n++)
		for (cut = 0; cut <= n; cut += n / 7 + 1)
			if (h64(x, data, n) != streamed(x, data, n, cut))
				bad++;
	CHECK(bad == 0, "h64 equals the stream at every length to 299 and split (%zu differ)", bad);
	bad = 0;
	for (i = 0; i < 1000; i++) {
		int64_t v = (int64_t)(x * (i + 1));

		if (h64_int(i, v) != h64(i, &v, sizeof(v)))
			bad++;
	}
	CHECK(bad == 0, "h64_int(seed, v) equals h64 of v's 8 bytes (%zu differ)", bad);
	bad = 0;
	for (n = 0; n + 1 < sizeof(data); n++) {
		char str[300];

		memset(str, 'a' + (int)(n % 26), n);
		str[n] = '\0';
		if (h64_str(n, str) != h64(n, str, n + 1))
			bad++;
	}
	CHECK(bad == 0, "h64_str hashes the string and its terminator (%zu differ)", bad);
	{
		/* h64_sum, the state files' checksum: pinned, and its stream
		 * the one call over any pieces (stripes cut anywhere) */
		char b[100];
		size_t len, piece, at, differ = 0;

		for (at = 0; at < sizeof(b); at++)
			b[at] = (char)(at * 7 + 1);
		CHECK(h64_sum(0, "", 0) == 0xb426400ae9c40901ULL &&
		    h64_sum(0, b, 31) == 0xddc838825f3fad13ULL &&
		    h64_sum(0, b, 32) == 0x8d599383b187d2a8ULL &&
		    h64_sum(7, b, 100) == 0xc1d0ac37193e5fc3ULL,
		    "h64_sum: pinned values (a change makes every state file absent once)");
		for (len = 0; len <= sizeof(b); len++)
			for (piece = 1; piece <= 40; piece++) {
				struct h64_sum_stream st;

				h64_sum_begin(&st, 7);
				for (at = 0; at < len; at += piece)
					h64_sum_update(&st, b + at,
					    len - at < piece ? len - at : piece);
				differ += h64_sum_end(&st) != h64_sum(7, b, len);
			}
		CHECK(differ == 0, "h64_sum's stream in pieces of 1..40 bytes: the one call's "
		    "value (%zu differ)", differ);
		CHECK(h64_sum(0, b, 64) != h64(0, b, 64) && h64_sum(0, b, 64) != h64_sum(1, b, 64),
		    "h64_sum: not h64's value, and the seed counts");
	}
	return check_report();
}
