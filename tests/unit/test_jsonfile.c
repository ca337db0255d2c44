/*
 * test_jsonfile.c — JSON syntax errors point at FILE:LINE:COL and say what
 * was expected; nesting is bounded; buf's cap holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

	buf_init(&b, 8);
	CHECK(buf_puts(&b, "12345678") == 0 && b.len == 8, "buf fills to its cap");
	CHECK(buf_putc(&b, 'x') != 0 && errno == EFBIG && b.len == 8 &&
	    strcmp(b.data, "12345678") == 0, "buf refuses past its cap and keeps its bytes");
	buf_free(&b);
	return check_report();
}
