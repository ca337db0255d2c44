/*
 * jsonfile.c — strict JSON syntax check with line:col errors, then cJSON.
 *
 * Grammar (RFC 8259): value = object | array | string | number | true |
 * false | null, with insignificant whitespace (space, tab, CR, LF).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonfile.h"

struct scan {
	const char	*p, *start, *end;
	int		 depth;
	const char	*what;	/* what was expected at the error */
	struct json_map	*map;	/* NULL: positions are not recorded */
	const char	*seen;	/* map: how far line/col have been counted */
	struct json_pos	 cur;	/* the position of seen */
};

/* Counts lines and characters from s->seen up to q (q >= s->seen). */
static void
advance(struct scan *s, const char *q)
{
	for (; s->seen < q; s->seen++) {
		if (*s->seen == '\n') {
			s->cur.line++;
			s->cur.col = 1;
		} else if (((unsigned char)*s->seen & 0xc0) != 0x80)
			s->cur.col++;	/* count characters, not UTF-8 continuation bytes */
	}
}

/* Records where the value at s->p starts; -1 out of memory. */
static int
record(struct scan *s)
{
	struct json_map *m = s->map;

	if (m == NULL)
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct json_pos *at = realloc(m->at, cap * sizeof(*at));

		if (at == NULL) {
			s->what = "less text (out of memory)";
			return -1;
		}
		m->at = at;
		m->cap = cap;
	}
	advance(s, s->p);
	m->at[m->n++] = s->cur;
	return 0;
}

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int scan_value(struct scan *);

static int
fail(struct scan *s, const char *what)
{
	s->what = what;
	return -1;
}

static int
scan_string(struct scan *s)
{
	s->p++;	/* opening quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(s, "a closing '\"' (control characters must be escaped in strings)");
		if (c == '\\') {
			s->p++;
			if (s->p >= s->end)
				break;
			if (*s->p == 'u') {
				int i;
				for (i = 1; i <= 4; i++)
					if (s->p + i >= s->end || strchr("0123456789abcdefABCDEF", s->p[i]) == NULL ||
					    s->p[i] == '\0') {
						s->p += i;
						return fail(s, "four hex digits after \\u");
					}
				s->p += 5;
				continue;
			}
			if (strchr("\"\\/bfnrt", *s->p) == NULL || *s->p == '\0')
				return fail(s, "an escape such as \\n, \\\" or \\u00e9 after '\\'");
		}
		s->p++;
	}
	return fail(s, "a closing '\"' before the end of the file");
}

static int
scan_digits(struct scan *s)
{
	const char *q = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > q ? 0 : fail(s, "a digit");
}

static int
scan_number(struct scan *s)
{
	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (scan_digits(s) != 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (scan_digits(s) != 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (scan_digits(s) != 0)
			return -1;
	}
	return 0;
}

static int
scan_word(struct scan *s, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return fail(s, "a value (string, number, object, array, true, false or null)");
	s->p += n;
	return 0;
}

static int
scan_container(struct scan *s, char close)
{
	int first = 1;

	if (++s->depth > JSONFILE_MAX_DEPTH)
		return fail(s, "less nesting (the limit is 64 levels)");
	s->p++;
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end)
			return fail(s, close == '}' ? "'}' to close the object" : "']' to close the array");
		if (*s->p == close) {
			if (!first)
				return fail(s, "a value after ',' (trailing commas are not allowed)");
			s->p++;
			s->depth--;
			return 0;
		}
		if (close == '}') {
			if (*s->p != '"')
				return fail(s, first ? "a '\"'-quoted member name or '}'" :
				    "a '\"'-quoted member name");
			if (scan_string(s) != 0)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "':' after the member name");
			s->p++;
		}
		if (scan_value(s) != 0)
			return -1;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			skip_ws(s);
			if (s->p < s->end && *s->p == close)
				return fail(s, "a value after ',' (trailing commas are not allowed)");
			first = 0;
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			s->depth--;
			return 0;
		}
		return fail(s, close == '}' ? "',' or '}' after the member" : "',' or ']' after the element");
	}
}

static int
scan_value(struct scan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "a value before the end of the file");
	if (record(s) != 0)
		return -1;
	switch (*s->p) {
	case '{': return scan_container(s, '}');
	case '[': return scan_container(s, ']');
	case '"': return scan_string(s);
	case 't': return scan_word(s, "true");
	case 'f': return scan_word(s, "false");
	case 'n': return scan_word(s, "null");
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return scan_number(s);
	case '\'':
		return fail(s, "a value ('\"' quotes strings, not \"'\")");
	default:
		return fail(s, "a value (string, number, object, array, true, false or null)");
	}
}

/* Describes the byte at the error position for the message. */
static void
describe(const struct scan *s, char *out, size_t outlen)
{
	unsigned char c;

	if (s->p >= s->end) {
		snprintf(out, outlen, "end of file");
		return;
	}
	c = (unsigned char)*s->p;
	if (c >= 0x21 && c < 0x7f)
		snprintf(out, outlen, "'%c'", c);
	else if (c == '\n')
		snprintf(out, outlen, "end of line");
	else
		snprintf(out, outlen, "byte 0x%02x", c);
}

static cJSON *
parse(const char *name, const char *text, size_t len, struct json_map *map,
    char *err, size_t errlen)
{
	struct scan s;
	const char *q;
	char found[32];
	size_t line = 1, col = 1;
	cJSON *root;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;	/* a UTF-8 byte order mark is tolerated */
		len -= 3;
	}
	s.p = s.start = text;
	s.end = text + len;
	s.depth = 0;
	s.what = NULL;
	s.map = map;
	s.seen = text;
	s.cur.line = s.cur.col = 1;
	if (scan_value(&s) == 0) {
		skip_ws(&s);
		if (s.p < s.end)
			fail(&s, "the end of the file after the top-level value");
	}
	if (s.what != NULL) {
		for (q = text; q < s.p; q++) {
			if (*q == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*q & 0xc0) != 0x80)
				col++;	/* count characters, not UTF-8 continuation bytes */
		}
		describe(&s, found, sizeof(found));
		snprintf(err, errlen, "%s:%zu:%zu: expected %s, found %s",
		    name, line, col, s.what, found);
		return NULL;
	}
	if ((root = cJSON_ParseWithLength(text, len)) == NULL) {
		snprintf(err, errlen, "%s: out of memory parsing JSON", name);
		return NULL;
	}
	return root;
}

cJSON *
json_parse_text(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	return parse(name, text, len, NULL, err, errlen);
}

cJSON *
json_parse_text_map(const char *name, const char *text, size_t len, struct json_map *map,
    char *err, size_t errlen)
{
	return parse(name, text, len, map, err, errlen);
}

static cJSON *
load(const char *path, struct json_map *map, char *err, size_t errlen)
{
	struct buf b;
	cJSON *root;

	buf_init(&b, JSONFILE_MAX_BYTES);
	if (buf_read_file(&b, path) != 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    errno == EFBIG ? "file too large" : strerror(errno));
		buf_free(&b);
		return NULL;
	}
	root = parse(path, b.data, b.len, map, err, errlen);
	buf_free(&b);
	return root;
}

cJSON *
json_load_file(const char *path, char *err, size_t errlen)
{
	return load(path, NULL, err, errlen);
}

cJSON *
json_load_file_map(const char *path, struct json_map *map, char *err, size_t errlen)
{
	return load(path, map, err, errlen);
}

/* Numbers root's values in pre-order until node; its number in *k. */
static int
preorder(const cJSON *v, const cJSON *node, size_t *k, int depth)
{
	const cJSON *c;

	if (v == node)
		return 1;
	if (depth > JSONFILE_MAX_DEPTH)
		return 0;
	for (c = v->child; c != NULL; c = c->next) {
		++*k;
		if (preorder(c, node, k, depth + 1))
			return 1;
	}
	return 0;
}

int
json_map_find(const struct json_map *map, const cJSON *root, const cJSON *node,
    struct json_pos *pos)
{
	size_t k = 0;

	if (map == NULL || root == NULL || node == NULL || !preorder(root, node, &k, 0) ||
	    k >= map->n)
		return -1;
	*pos = map->at[k];
	return 0;
}

void
json_map_free(struct json_map *map)
{
	free(map->at);
	map->at = NULL;
	map->n = map->cap = 0;
}
