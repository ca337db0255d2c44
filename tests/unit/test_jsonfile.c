/*
 * test_jsonfile.c — JSON syntax errors point at FILE:LINE:COL and say what
 * was expected; nesting is bounded; buf's cap holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "jsonfile.h"

static void
bad(const char *text, const char *want)
{
	char err[512] = "";
	cJSON *j = json_parse_text("site.json", text, strlen(text), err, sizeof(err));

	CHECK(j == NULL && strstr(err, want) != NULL, "%s (got: %s)", want, err);
	cJSON_Delete(j);
}

int
main(void)
{
	struct buf b;
	char err[512], deep[300];
	cJSON *j;
	size_t i;

	bad("{\"a\": 1,\n \"b\": }", "site.json:2:7: expected a value");
	bad("{\"a\": 1,}", "site.json:1:9: expected a value after ',' (trailing commas are not allowed)");
	bad("{\n  \"title\": \"x\"\n  \"lang\": \"en\"\n}", "site.json:3:3: expected ',' or '}' after the member");
	bad("[1, 2", "site.json:1:6: expected ',' or ']' after the element, found end of file");
	bad("{'a': 1}", "site.json:1:2: expected a '\"'-quoted member name or '}'");
	bad("{\"a\" 1}", "site.json:1:6: expected ':' after the member name");
	bad("{\"a\": \"x\ny\"}", "site.json:1:9: expected a closing '\"' (control characters");
	bad("{\"a\": tru}", "site.json:1:7: expected a value");
	bad("{\"a\": 01}", "site.json:1:8: expected ',' or '}'");
	bad("{\"a\": \"\\x\"}", "site.json:1:9: expected an escape");
	bad("{} {}", "site.json:1:4: expected the end of the file");
	bad("", "site.json:1:1: expected a value before the end of the file");
	bad("{\"é\": ?}", "site.json:1:7:");	/* columns in characters */

	for (i = 0; i < 100; i++)
		deep[i] = '[';
	deep[100] = '\0';
	bad(deep, "expected less nesting (the limit is 64 levels)");

	{
		const char *good = "\xef\xbb\xbf{\"a\": [1, 2.5e3, \"\\u00e9\"]}";
		j = json_parse_text("ok.json", good, strlen(good), err, sizeof(err));
	}
	CHECK(j != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(j, "a")) == 3,
	    "valid JSON with a byte order mark parses");
	cJSON_Delete(j);

	j = json_load_file("/nonexistent/site.json", err, sizeof(err));
	CHECK(j == NULL && strstr(err, "/nonexistent/site.json: cannot read") != NULL,
	    "a missing file names the file (%s)", err);

	{
		/* positions of values, for checks made after parsing */
		const char *text = "\xef\xbb\xbf{\n  \"t\": \"é\", \"t\": [1,\n\t{\"u\": null}],\n  \"x\": -2\n}\n";
		char path[] = "/tmp/test_jsonfile_XXXXXX";
		struct json_map map = { 0 };
		struct json_pos pos = { 0, 0 };
		const cJSON *t2, *u;
		int fd = mkstemp(path);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0, "temp file written");
		j = json_load_file_map(path, &map, err, sizeof(err));
		CHECK(j != NULL && map.n == 7, "every value has a position (%zu)", map.n);
		CHECK(json_map_find(&map, j, j, &pos) == 0 && pos.line == 1 && pos.col == 1,
		    "root at 1:1 after the byte order mark (%u:%u)", pos.line, pos.col);
		t2 = j != NULL && j->child != NULL ? j->child->next : NULL;	/* the second "t" */
		CHECK(t2 != NULL && json_map_find(&map, j, t2, &pos) == 0 && pos.line == 2 &&
		    pos.col == 18, "a duplicate member is its own value (2:18, got %u:%u)",
		    pos.line, pos.col);
		u = t2 != NULL && t2->child != NULL && t2->child->next != NULL ?
		    t2->child->next->child : NULL;
		CHECK(u != NULL && json_map_find(&map, j, u, &pos) == 0 && pos.line == 3 &&
		    pos.col == 8, "nested null at 3:8 (tab is one column; got %u:%u)",
		    pos.line, pos.col);
		CHECK(json_map_find(&map, j, cJSON_GetObjectItem(j, "x"), &pos) == 0 &&
		    pos.line == 4 && pos.col == 8, "\"x\" at 4:8 (got %u:%u)", pos.line, pos.col);
		CHECK(json_map_find(&map, j, NULL, &pos) == -1, "no node, no position");
		{
			cJSON *other = cJSON_CreateNull();

			CHECK(json_map_find(&map, j, other, &pos) == -1,
			    "a node of another tree has no position");
			cJSON_Delete(other);
		}
		cJSON_Delete(j);
		json_map_free(&map);
		CHECK(map.at == NULL && map.n == 0, "the map is freed and reset");
		unlink(path);
	}

	buf_init(&b, 8);
	CHECK(buf_puts(&b, "12345678") == 0 && b.len == 8, "buf fills to its cap");
	CHECK(buf_putc(&b, 'x') != 0 && errno == EFBIG && b.len == 8 &&
	    strcmp(b.data, "12345678") == 0, "buf refuses past its cap and keeps its bytes");
	buf_free(&b);
	return check_report();
}
