/*
 * content_scan.c — see content_scan.h.
 */
#include <string.h>

#include "content_scan.h"
#include "jsonfile.h"	/* JSONFILE_MAX_DEPTH */

#define KEY_DEPTH	2	/* the top-level object and "videos" hold the members */

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

/* A member name at p (its '"'): printable ASCII without escapes.  0 or -1. */
static int
name(struct content_scan *s, const char **key, size_t *keylen)
{
	const char *q = s->p + 1;

	for (; q < s->end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e || *q == '\\' ||
		    q - (s->p + 1) >= CONTENT_SCAN_KEY_MAX)
			return -1;
	if (q >= s->end)
		return -1;
	*key = s->p + 1;
	*keylen = (size_t)(q - (s->p + 1));
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
		switch (*s->p) {
		case '"':
			for (s->p++; s->p < s->end && *s->p != '"'; s->p++)
				if (*s->p == '\\' && ++s->p == s->end)
					return -1;
				else if (*s->p == '\n')
					return -1;	/* a raw newline in a string: not valid */
			if (s->p >= s->end)
				return -1;
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

/* Characters from the line's start to p, plus one (counted on from the last call). */
static unsigned
column(struct content_scan *s)
{
	if (s->seen < s->line_start) {
		s->seen = s->line_start;
		s->seen_col = 1;
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
content_scan_next(struct content_scan *s, struct content_member *m)
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
