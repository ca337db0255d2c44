/*
 * fuzz_json.c — libFuzzer entry: the strict JSON scanner must agree with
 * cJSON on what it accepts and never crash on any input; every value of
 * an accepted text has a position (the scanner and cJSON count the same
 * values in the same order); the tree the scanner builds in an arena
 * (json_parse_arena) is cJSON's tree, and the arena refuses exactly what
 * json_parse_text() refuses, with the same message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json_same.h"
#include "jsonfile.h"

/* Checks that every value of the tree under v has a position; counts them.
 * Quadratic (each lookup walks from the root), which is fine at -max_len. */
static void
walk(const struct json_map *map, const cJSON *root, const cJSON *v, size_t *n)
{
	struct json_pos pos;
	const cJSON *c;

	if (json_map_find(map, root, v, &pos) != 0 || pos.line == 0 || pos.col == 0)
		abort();
	++*n;
	for (c = v->child; c != NULL; c = c->next)
		walk(map, root, c, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "", aerr[512] = "";
	struct json_map map = { 0 };
	struct arena a = { 0 };
	cJSON *j = json_parse_text("fuzz", (const char *)data, size, err, sizeof(err));
	const cJSON *t = json_parse_arena("fuzz", (const char *)data, size, &a, aerr,
	    sizeof(aerr));

	if ((j == NULL) != (t == NULL) || (j == NULL && strcmp(err, aerr) != 0) ||
	    (j != NULL && json_differ(j, t, 0) != NULL))
		abort();
	arena_free(&a);
	cJSON_Delete(j);
	if ((j = json_parse_text_map("fuzz", (const char *)data, size, &map, err,
	    sizeof(err))) != NULL) {
		size_t n = 0;

		walk(&map, j, j, &n);
		if (n != map.n)
			abort();
	}
	cJSON_Delete(j);
	json_map_free(&map);
	return 0;
}

#include "standalone.h"
