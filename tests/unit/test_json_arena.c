/*
 * test_json_arena.c — the tree json_parse_arena() builds is the tree cJSON
 * builds from the same text: the same types, member names, strings, numbers
 * (bit for bit), order and links, over hand-picked texts (escapes,
 * surrogate pairs, U+0000, numbers at the edges of the exact path, nesting,
 * duplicates), the Bunny API sample and random texts; a text either parser
 * refuses, both refuse, with the scanner's FILE:LINE:COL; a UTF-16
 * surrogate that is not a pair is refused at its place.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "json_same.h"
#include "jsonfile.h"

#define RANDOM_TEXTS	2000

/* Parses text both ways: 1 when both give the same tree, or both refuse it
 * with the same message; *accepted says which. */
static int
same(struct arena *a, const char *text, size_t len, int *accepted, char *why, size_t whylen)
{
	char e1[512] = "", e2[512] = "";
	cJSON *c = json_parse_text("t.json", text, len, e1, sizeof(e1));
	const cJSON *t;
	const char *d;
	int ok;

	arena_reset(a);
	t = json_parse_arena("t.json", text, len, a, e2, sizeof(e2));
	*accepted = c != NULL;
	if (c == NULL || t == NULL) {
		ok = c == NULL && t == NULL && strcmp(e1, e2) == 0;
		snprintf(why, whylen, "cJSON: %s; arena: %s", c ? "tree" : e1, t ? "tree" : e2);
	} else {
		ok = (d = json_differ(c, t, 0)) == NULL;
		snprintf(why, whylen, "%s", ok ? "" : d);
	}
	cJSON_Delete(c);
	return ok;
}

/* The random texts stay far below the buffer's cap. */
static void
put(struct buf *b, const char *s)
{
	if (buf_puts(b, s) != 0)
		abort();
}

static void
putch(struct buf *b, char c)
{
	if (buf_putc(b, c) != 0)
		abort();
}

static uint32_t
next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void
random_string(struct buf *b, uint32_t *r)
{
	static const char *const pieces[] = {
		"a", "Title", " ", "é", "🎬", "\\n", "\\\"", "\\\\", "\\/", "\\b\\f\\r\\t",
		"\\u00e9", "\\u20AC", "\\ud83c\\udfac", "\\uD800\\uDC00", "\\udbff\\udfff",
		"\\u0041", "\\u007f", "\\u0080", "\\u07ff", "\\u0800", "\\uffff",
	};
	unsigned n = next(r) % 6, i;

	putch(b, '"');
	for (i = 0; i < n; i++)
		put(b, pieces[next(r) % (sizeof(pieces) / sizeof(pieces[0]))]);
	putch(b, '"');
}

static void
random_number(struct buf *b, uint32_t *r)
{
	static const char *const numbers[] = {
		"0", "-0", "1", "-1", "7", "42", "2147483647", "2147483648", "-2147483648",
		"-2147483649", "999999999999999", "1000000000000000", "9007199254740993",
		"123456789012345678901234567890", "0.5", "-0.0", "1e3", "1E-3", "2.5e+10",
		"1e400", "-1e400", "4.9e-324", "0.1", "3.141592653589793238462643383279",
		"100000000000000000000000000000000000000000000000000000000000001",
		"1000000000000000000000000000000000000000000000000000000000000001",
	};

	put(b, numbers[next(r) % (sizeof(numbers) / sizeof(numbers[0]))]);
}

static void
random_value(struct buf *b, uint32_t *r, int depth)
{
	unsigned k = next(r) % (depth > 6 ? 6 : 8), n, i;

	switch (k) {
	case 0: random_string(b, r); break;
	case 1: random_number(b, r); break;
	case 2: put(b, "true"); break;
	case 3: put(b, "false"); break;
	case 4: put(b, "null"); break;
	case 5: random_number(b, r); break;
	case 6:
	case 7:
		putch(b, k == 6 ? '[' : '{');
		n = next(r) % 5;
		for (i = 0; i < n; i++) {
			if (i > 0)
				put(b, next(r) % 2 ? "," : " ,\n\t");
			if (k == 7) {
				random_string(b, r);
				put(b, next(r) % 2 ? ":" : " : ");
			}
			random_value(b, r, depth + 1);
		}
		putch(b, k == 6 ? ']' : '}');
		break;
	}
}

/* The Bunny API sample, whole and as a video page. */
static void
api_sample(struct arena *a)
{
	const char *shared = getenv("SHARED");
	char path[4096], why[1200];
	struct buf b;
	int acc;

	snprintf(path, sizeof(path), "%s/testdata/bunny/videos-page-1.json",
	    shared ? shared : "../shared");
	buf_init(&b, (size_t)16 << 20);
	CHECK(buf_read_file(&b, path) == 0, "read %s", path);
	CHECK(b.len > 0 && same(a, b.data, b.len, &acc, why, sizeof(why)) && acc,
	    "the Bunny API sample gives cJSON's tree (%s)", why);
	buf_free(&b);
}

int
main(void)
{
	static const char *const texts[] = {
		"{}", "[]", "0", "\"\"", "null", " \n\t{ } ",
		"{\"a\": 1, \"a\": 2, \"b\": [true, false, null]}",
		"[\"\\u0000tail\", \"x\\u0000\", \"\\u00e9\\u20ac\\ud83c\\udfac\"]",
		"{\"\\u006bey\": \"v\", \"\": \"\", \"k\\\"q\": \"\\\\\"}",
		"[-0, 0.0, -0.0, 1e-400, 1.5, -2147483648, 2147483647, 2147483648, 3e9, -3e9]",
		"[999999999999999, -999999999999999, 1000000000000000, 12345678901234567890]",
		"[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
		"\xef\xbb\xbf{\"bom\": true}",
		"{\"title\": \"caf\xc3\xa9 \xf0\x9f\x8e\xac\", \"raw\": \"\xff\xfe\"}",
	};
	static const struct {
		const char *text, *want;
	} refused[] = {
		{ "[\"\\ud800\"]", "t.json:1:9: expected a low surrogate \\udc00-\\udfff after the high one" },
		{ "[\"\\ud800\\u0041\"]", "t.json:1:9: expected a low surrogate" },
		{ "[\"a\\udc00\"]", "t.json:1:4: expected a \\u escape other than a lone low surrogate" },
		{ "[\"\\udbff\\ud800\"]", "t.json:1:9: expected a low surrogate" },
		{ "[\"\\ud83c\\ud", "t.json:1:9: expected a low surrogate" },
		{ "{\"a\": [1, }", "t.json:1:11: expected a value" },
		{ "[1] x", "t.json:1:5: expected the end of the file" },
		{ "[1, 1000000000000000000000000000000000000000000000000000000000000001]",
		  "t.json:1:5: expected a number of at most 63 characters" },
	};
	struct arena a = { 0 };
	char why[1200], deep[80];
	struct buf b;
	uint32_t r = 0x9e3779b9u;
	size_t i, n = 0, acc_n = 0;
	int acc, ok;

	arena_init(&a);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ok = same(&a, texts[i], strlen(texts[i]), &acc, why, sizeof(why));
		CHECK(ok && acc, "%s gives cJSON's tree (%s)", texts[i], why);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char e[512] = "";

		ok = same(&a, refused[i].text, strlen(refused[i].text), &acc, why, sizeof(why));
		arena_reset(&a);
		CHECK(ok && !acc && json_parse_arena("t.json", refused[i].text,
		    strlen(refused[i].text), &a, e, sizeof(e)) == NULL &&
		    strstr(e, refused[i].want) != NULL, "%s is refused: %s (got %s; %s)",
		    refused[i].text, refused[i].want, e, why);
	}
	memset(deep, '[', 70);
	deep[70] = '\0';
	ok = same(&a, deep, strlen(deep), &acc, why, sizeof(why));
	CHECK(ok && !acc && strstr(why, "expected less nesting") != NULL,
	    "nesting past the limit is refused both ways (%s)", why);

	api_sample(&a);

	buf_init(&b, (size_t)1 << 20);
	for (i = 0; i < RANDOM_TEXTS; i++) {
		b.len = 0;
		random_value(&b, &r, 0);
		if (!same(&a, b.data, b.len, &acc, why, sizeof(why))) {
			CHECK(0, "random text %zu: %s (%s)", i, why, b.data);
			break;
		}
		n++;
		acc_n += (size_t)acc;
	}
	CHECK(n == RANDOM_TEXTS && acc_n > RANDOM_TEXTS / 2 && acc_n < RANDOM_TEXTS,
	    "%zu random texts give cJSON's tree (%zu accepted; both refuse a number of "
	    "more than 63 characters)", n, acc_n);
	buf_free(&b);
	arena_free(&a);
	return check_report();
}
