/*
 * jsonfile.c — strict JSON syntax check with line:col errors, then cJSON,
 * or the tree built by the check itself in an arena.
 *
 * Grammar (RFC 8259): value = object | array | string | number | true |
 * false | null, with insignificant whitespace (space, tab, CR, LF).  As
 * cJSON requires: a \u escape of a UTF-16 surrogate is a high one followed
 * by a low one, and a number has at most JSONFILE_MAX_NUMBER characters.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "hex.h"
#include "jsonfile.h"
#include "utf8.h"
#include "word8.h"

/* Digits a number may have for the exact integer path (2^53 > 10^15). */
#define EXACT_DIGITS	15

struct scan {
	const char	*p, *start, *end;
	int		 depth;
	const char	*what;	/* what was expected at the error */
	struct json_map	*map;	/* NULL: positions are not recorded */
	const char	*seen;	/* map: how far line/col have been counted */
	struct json_pos	 cur;	/* the position of seen */
	struct arena	*tree;	/* NULL: no tree is built (cJSON parses the text after) */
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

static int scan_value(struct scan *, cJSON **);

static int
fail(struct scan *s, const char *what)
{
	s->what = what;
	return -1;
}

/* The hex digits at q before end, at most four: how many there are (4:
 * an escape's), their value in *v. */
static int
hex4(const char *q, const char *end, unsigned *v)
{
	int i, h;

	*v = 0;
	for (i = 0; i < 4 && q + i < end && (h = hex_digit((unsigned char)q[i])) >= 0; i++)
		*v = *v << 4 | (unsigned)h;
	return i;
}

/*
 * The checked string body [q, end) with its escapes decoded, NUL-terminated,
 * in the arena (never longer than the body: an escape's bytes are at least
 * its UTF-8's).  NULL when the arena is full.
 */
static char *
decode(struct arena *a, const char *q, const char *end)
{
	char *out = arena_take(a, (size_t)(end - q) + 1), *o = out;

	if (out == NULL)
		return NULL;
	while (q < end) {
		if (*q != '\\') {
			*o++ = *q++;
			continue;
		}
		switch (q[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned c, lo;

			(void)hex4(q + 2, end, &c);	/* the scan checked both halves */
			if (c >= 0xd800 && c <= 0xdbff) {
				(void)hex4(q + 8, end, &lo);
				c = 0x10000 + ((c & 0x3ff) << 10 | (lo & 0x3ff));
				q += 6;
			}
			o += utf8_encode(c, o);	/* U+0000 too: the string ends there for a reader, as in cJSON */
			q += 6;
			continue;
		}
		default: *o++ = q[1]; break;	/* '"', '\\', '/' */
		}
		q += 2;
	}
	*o = '\0';
	return out;
}

/* A string; its decoded copy in *out when a tree is built (out may be NULL). */
static int
scan_string(struct scan *s, char **out)
{
	const char *body = ++s->p;	/* past the opening quote */
	int escaped = 0;

	while (s->p < s->end) {
		unsigned char c;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* Plain bytes eight at a time (a page of the listing is mostly
		 * its titles' and descriptions'): to the first quote, backslash
		 * or control character. */
		while (s->end - s->p >= 8) {
			uint64_t w = word8_load(s->p);
			uint64_t stop = word8_has(w, '"') | word8_has(w, '\\') |
			    word8_below(w, 0x20);
			if (stop != 0) {
				s->p += __builtin_ctzll(stop) >> 3;
				break;
			}
			s->p += 8;
		}
		if (s->p >= s->end)
			break;
#endif
		c = (unsigned char)*s->p;
		if (c == '"') {
			if (s->tree != NULL && out != NULL &&
			    (*out = escaped ? decode(s->tree, body, s->p) :
			    arena_strndup(s->tree, body, (size_t)(s->p - body))) == NULL)
				return fail(s, "less text (out of memory)");
			s->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(s, "a closing '\"' (control characters must be escaped in strings)");
		if (c == '\\') {
			escaped = 1;
			s->p++;
			if (s->p >= s->end)
				break;
			if (*s->p == 'u') {
				unsigned u;
				int k = hex4(s->p + 1, s->end, &u);

				if (k < 4) {
					s->p += k + 1;
					return fail(s, "four hex digits after \\u");
				}
				if (u >= 0xdc00 && u <= 0xdfff) {
					s->p--;
					return fail(s, "a \\u escape other than a lone low surrogate "
					    "(\\udc00-\\udfff come after a high one)");
				}
				s->p += 5;
				if (u >= 0xd800 && u <= 0xdbff) {
					if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u' ||
					    hex4(s->p + 2, s->end, &u) < 4 || u < 0xdc00 || u > 0xdfff)
						return fail(s, "a low surrogate \\udc00-\\udfff after the high one");
					s->p += 6;
				}
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

/*
 * The value of the checked number [q, end) (at most JSONFILE_MAX_NUMBER
 * characters), as cJSON gives it: strtod's (onlygen never sets a locale,
 * so '.' is the decimal point), exact and faster for an integer of at most
 * EXACT_DIGITS digits.
 */
static double
number_value(const char *q, const char *end)
{
	char copy[JSONFILE_MAX_NUMBER + 1];
	const char *d = q + (*q == '-');
	size_t n = (size_t)(end - q);
	uint64_t v = 0;

	if ((size_t)(end - d) <= EXACT_DIGITS) {
		const char *c;

		for (c = d; c < end && *c >= '0' && *c <= '9'; c++)
			v = v * 10 + (uint64_t)(*c - '0');
		if (c == end)
			return *q == '-' ? -(double)v : (double)v;	/* "-0" is -0.0, as strtod's */
	}
	memcpy(copy, q, n);
	copy[n] = '\0';
	return strtod(copy, NULL);
}

/* A number; its value in n when a tree is built (n may be NULL). */
static int
scan_number(struct scan *s, cJSON *n)
{
	const char *q = s->p;

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
	if (s->p - q > JSONFILE_MAX_NUMBER) {
		s->p = q;
		return fail(s, "a number of at most 63 characters");
	}
	if (n == NULL)
		return 0;
	n->valuedouble = number_value(q, s->p);
	n->type = cJSON_Number;
	/* cJSON's valueint: the value saturated to int */
	n->valueint = n->valuedouble >= INT_MAX ? INT_MAX :
	    n->valuedouble <= (double)INT_MIN ? INT_MIN : (int)n->valuedouble;
	return 0;
}

/* The word w; node n (may be NULL) takes type (and valueint 1 for true, as in cJSON). */
static int
scan_word(struct scan *s, const char *w, cJSON *n, int type)
{
	size_t len = strlen(w);
	if ((size_t)(s->end - s->p) < len || memcmp(s->p, w, len) != 0)
		return fail(s, "a value (string, number, object, array, true, false or null)");
	s->p += len;
	if (n != NULL) {
		n->type = type;
		n->valueint = type == cJSON_True;
	}
	return 0;
}

/*
 * An object or array; when a tree is built, n (its type set) takes the
 * members as children, linked as cJSON links them (the first child's prev
 * is the last), each member's name in its string.
 */
static int
scan_container(struct scan *s, char close, cJSON *n)
{
	cJSON *last = NULL, *child;
	char *name = NULL;
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
			if (scan_string(s, &name) != 0)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "':' after the member name");
			s->p++;
		}
		if (scan_value(s, &child) != 0)
			return -1;
		if (n != NULL) {
			child->string = name;
			if (last == NULL)
				n->child = child;
			else {
				last->next = child;
				child->prev = last;
			}
			n->child->prev = last = child;
		}
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

/* A value; when a tree is built, its node in *out (always written). */
static int
scan_value(struct scan *s, cJSON **out)
{
	cJSON *n = NULL;

	*out = NULL;
	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "a value before the end of the file");
	if (s->map != NULL && record(s) != 0)
		return -1;
	if (s->tree != NULL) {
		if ((*out = n = arena_take(s->tree, sizeof(*n))) == NULL)
			return fail(s, "less text (out of memory)");
		*n = (cJSON){ .type = cJSON_Invalid };	/* zeroed in line: a node a value */
	}
	switch (*s->p) {
	case '{':
	case '[':
		if (n != NULL)
			n->type = *s->p == '{' ? cJSON_Object : cJSON_Array;
		return scan_container(s, *s->p == '{' ? '}' : ']', n);
	case '"':
		if (n != NULL)
			n->type = cJSON_String;
		return scan_string(s, n != NULL ? &n->valuestring : NULL);
	case 't': return scan_word(s, "true", n, cJSON_True);
	case 'f': return scan_word(s, "false", n, cJSON_False);
	case 'n': return scan_word(s, "null", n, cJSON_NULL);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return scan_number(s, n);
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

/* Checks the text; then the tree built in tree, or (tree NULL) cJSON's. */
static cJSON *
parse(const char *name, const char *text, size_t len, struct json_map *map,
    struct arena *tree, char *err, size_t errlen)
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
	s.tree = tree;
	if (scan_value(&s, &root) == 0) {
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
	if (tree != NULL)
		return root;
	if ((root = cJSON_ParseWithLength(text, len)) == NULL) {
		snprintf(err, errlen, "%s: out of memory parsing JSON", name);
		return NULL;
	}
	return root;
}

cJSON *
json_parse_text(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	return parse(name, text, len, NULL, NULL, err, errlen);
}

const cJSON *
json_parse_arena(const char *name, const char *text, size_t len, struct arena *tree,
    char *err, size_t errlen)
{
	return parse(name, text, len, NULL, tree, err, errlen);
}

cJSON *
json_parse_text_map(const char *name, const char *text, size_t len, struct json_map *map,
    char *err, size_t errlen)
{
	return parse(name, text, len, map, NULL, err, errlen);
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
	root = parse(path, b.data, b.len, map, NULL, err, errlen);
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
