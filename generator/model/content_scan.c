/*
 * content_scan.c — see content_scan.h.
 */
#include <stdint.h>
#include <string.h>

#include "content_scan.h"
#include "jsonfile.h"	/* JSONFILE_MAX_DEPTH */
#include "word8.h"

#define KEY_DEPTH	2	/* the top-level object and "videos" hold the members */

/*
 * The bytes object() stops at outside a string: a string's quote, the
 * brackets and a newline (counted).  Every other byte (spaces, names'
 * letters, digits, ':' and ',') is passed over by a look in this table,
 * not a switch.
 */
static const unsigned char stops[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1, ['\n'] = 1,
};

/*
 * The first byte of [p, end) that ends a run of a string's plain bytes
 * ('"', '\\' or a newline), or end: eight bytes at a time (a group file's
 * bytes are mostly its titles' and descriptions', and a byte at a time
 * this scan was most of a content/ edit's load at 100 000 videos,
 * docs/benchmarks.md, issue 15).
 */
static const char *
string_stop(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t w = word8_load(p);
		uint64_t hit = word8_has(w, '"') | word8_has(w, '\\') | word8_has(w, '\n');
		if (hit != 0)
			return p + (__builtin_ctzll(hit) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p != '\n')
		p++;
	return p;
}

static void
skip_ws(struct content_scan *s)
{
	for (; s->p < s->end; s->p++) {
		if (*s->p == '\n') {
			s->line++;
			s->line_start = s->p + 1;
		} else if (*s->p != ' ' && *s->p != '\t' && *s->p != '\r')
			break;
	}
}

/*
 * A member name at p (its '"'): printable ASCII without escapes, at most
 * CONTENT_SCAN_KEY_MAX bytes.  0 or -1.  Eight bytes at a time: the first
 * that is a quote or not allowed ends the name (a guid a member, 36 bytes,
 * was ~560 instructions a byte at a time).
 */
static int
name(struct content_scan *s, const char **key, size_t *keylen)
{
	const char *k = s->p + 1, *q = k;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (s->end - q >= 8 && q - k <= CONTENT_SCAN_KEY_MAX) {
		uint64_t w = word8_load(q);
		uint64_t stop = word8_has(w, '"') | word8_has(w, '\\') | word8_has(w, 0x7f) |
		    word8_below(w, 0x20) | (w & WORD8_HIGHS);
		if (stop != 0) {
			q += __builtin_ctzll(stop) >> 3;
			break;
		}
		q += 8;
	}
#endif
	for (; q < s->end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e || *q == '\\' ||
		    q - k >= CONTENT_SCAN_KEY_MAX)
			return -1;
	if (q >= s->end || q - k > CONTENT_SCAN_KEY_MAX)
		return -1;
	*key = k;
	*keylen = (size_t)(q - k);
	s->p = q + 1;
	return 0;
}

/*
 * Skips the object at p (its '{'), nested at depth KEY_DEPTH + 1, brackets matched
 * by kind.  0 or -1.
 */
static int
object(struct content_scan *s)
{
	char close[JSONFILE_MAX_DEPTH];	/* what closes each open level */
	int depth = 0;

	for (; s->p < s->end; s->p++) {
		while (!stops[(unsigned char)*s->p])
			if (++s->p == s->end)
				return -1;
		switch (*s->p) {
		case '"':
			for (s->p++;; s->p++) {
				s->p = string_stop(s->p, s->end);
				if (s->p >= s->end || *s->p == '\n')
					return -1;	/* a raw newline in a string: not valid */
				if (*s->p == '"')
					break;
				/* a backslash: the byte it escapes is passed over, unless
				 * there is none or it is a raw newline */
				if (++s->p == s->end || *s->p == '\n')
					return -1;
			}
			break;
		case '{':
		case '[':
			if (depth + 1 + KEY_DEPTH > JSONFILE_MAX_DEPTH)
				return -1;
			close[depth++] = *s->p == '{' ? '}' : ']';
			break;
		case '}':
		case ']':
			if (depth == 0 || close[--depth] != *s->p)
				return -1;	/* not the bracket that opened it */
			if (depth == 0) {
				s->p++;
				return 0;
			}
			break;
		case '\n':
			s->line++;
			s->line_start = s->p + 1;
			break;
		default:
			break;
		}
	}
	return -1;
}

/*
 * Characters from the line's start to p, plus one (counted on from the
 * last call): the bytes that are not UTF-8 continuation bytes (10xxxxxx),
 * eight at a time (a group file written on one line is counted whole,
 * once: a byte at a time that was half of the scan).
 */
static unsigned
column(struct content_scan *s)
{
	if (s->seen < s->line_start) {
		s->seen = s->line_start;
		s->seen_col = 1;
	}
	while (s->p - s->seen >= 8) {
		uint64_t w = word8_load(s->seen);
		/* bit 7 set, bit 6 clear: in each byte's bit 7 */
		uint64_t cont = w & ~(w << 1) & WORD8_HIGHS;

		/* counted by one multiply: the sum of the bytes' bits lands in the top byte */
		s->seen_col += 8 - (unsigned)(((cont >> 7) * WORD8_ONES) >> 56);
		s->seen += 8;
	}
	for (; s->seen < s->p; s->seen++)
		if (((unsigned char)*s->seen & 0xc0) != 0x80)
			s->seen_col++;
	return s->seen_col;
}

int
content_scan_begin(struct content_scan *s, const char *text, size_t len)
{
	const char *key;
	size_t keylen;

	s->p = s->line_start = s->seen = text;
	s->seen_col = 1;
	s->end = text + len;
	s->line = 1;
	s->first = 1;
	skip_ws(s);
	if (s->p >= s->end || *s->p++ != '{')
		return -1;
	skip_ws(s);
	if (s->p >= s->end || *s->p != '"' || name(s, &key, &keylen) != 0 || keylen != 6 ||
	    memcmp(key, "videos", 6) != 0)
		return -1;
	skip_ws(s);
	if (s->p >= s->end || *s->p++ != ':')
		return -1;
	skip_ws(s);
	if (s->p >= s->end || *s->p++ != '{')
		return -1;
	return 0;
}

/* After the members: "}" ws "}" ws and the end.  0 or -1. */
static int
close_file(struct content_scan *s)
{
	s->p++;		/* the '}' of "videos" */
	skip_ws(s);
	if (s->p >= s->end || *s->p++ != '}')
		return -1;
	skip_ws(s);
	return s->p == s->end ? 0 : -1;
}

int
content_scan_to_member(struct content_scan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	if (!s->first) {
		if (*s->p == '}')
			return close_file(s);
		if (*s->p++ != ',')
			return -1;
		skip_ws(s);
	} else if (*s->p == '}')
		return close_file(s);
	if (s->p >= s->end || *s->p != '"')
		return -1;
	s->first = 0;
	return 1;
}

int
content_scan_member(struct content_scan *s, struct content_member *m)
{
	m->start = s->p;
	if (name(s, &m->key, &m->keylen) != 0)
		return -1;
	skip_ws(s);
	if (s->p >= s->end || *s->p++ != ':')
		return -1;
	skip_ws(s);
	if (s->p >= s->end || *s->p != '{')
		return -1;
	m->value = s->p;
	m->line = s->line;
	m->col = column(s);
	if (object(s) != 0)
		return -1;
	m->end = s->p;
	return 1;
}

void
content_scan_pass(struct content_scan *s, size_t len)
{
	const char *end = s->p + len, *nl;

	while ((nl = memchr(s->p, '\n', (size_t)(end - s->p))) != NULL) {
		s->line++;
		s->line_start = s->p = nl + 1;
	}
	s->p = end;
}

int
content_scan_next(struct content_scan *s, struct content_member *m)
{
	int r = content_scan_to_member(s);

	return r == 1 ? content_scan_member(s, m) : r;
}
