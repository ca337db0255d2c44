/*
 * json_same.h — whether two cJSON trees are the same value: types, member
 * names, strings, numbers bit for bit, order, and links as cJSON makes them
 * (a first child's prev is the last).  For the arena tree's tests
 * (test_json_arena.c, fuzz_json.c).
 */
#ifndef JSON_SAME_H
#define JSON_SAME_H

#include <string.h>
#include <cjson/cJSON.h>

#include "jsonfile.h"

/* NULL when the trees under a and b are the same, else a note on the first
 * difference (depth: 0 at the roots). */
static inline const char *
json_differ(const cJSON *a, const cJSON *b, int depth)
{
	const cJSON *x, *y;

	if (depth > JSONFILE_MAX_DEPTH + 1)
		return "too deep";
	if ((a->type & 0xff) != (b->type & 0xff))
		return "type";
	if ((a->string == NULL) != (b->string == NULL) ||
	    (a->string != NULL && strcmp(a->string, b->string) != 0))
		return "member name";
	if ((a->valuestring == NULL) != (b->valuestring == NULL) ||
	    (a->valuestring != NULL && strcmp(a->valuestring, b->valuestring) != 0))
		return "string";
	if (a->valueint != b->valueint ||
	    memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) != 0)
		return "number";
	if ((a->child == NULL) != (b->child == NULL))
		return "children";
	for (x = a->child, y = b->child; x != NULL && y != NULL; x = x->next, y = y->next) {
		const char *why;

		if (x != a->child && (x->prev->next != x || y->prev->next != y))
			return "prev link";
		if ((why = json_differ(x, y, depth + 1)) != NULL)
			return why;
		if (x->next == NULL && (a->child->prev != x || b->child->prev != y))
			return "the first child's prev is not the last";
	}
	return x != NULL || y != NULL ? "number of children" : NULL;
}

#endif
