/*
 * fuzz_content_scan.c — fuzz target for the scanner of content/videos/'s
 * group files (generator/model/content_scan.c), checked against the strict
 * parser (jsonfile.c): every member it finds lies inside the text, an
 * object's bytes; and when it calls the text plain and every member's
 * value parses alone, the whole text parses, with the same members in the
 * same order, names and places (line:col) as the parser's.  So a build
 * that reuses or parses members one by one cannot accept a file the
 * parser refuses, nor name another place in a warning.  Members passed
 * over by their length (content_scan_pass) leave the scan of the others
 * as it was.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content_scan.h"
#include "jsonfile.h"

#define MAX_MEMBERS	256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct content_scan s;
	struct content_member m[MAX_MEMBERS];
	struct json_map map = { 0 };
	struct json_pos pos;
	const cJSON *videos, *it;
	cJSON *root, *one;
	char err[256];
	size_t n = 0, i;
	int r;

	if (content_scan_begin(&s, text, size) != 0)
		return 0;
	while ((r = content_scan_next(&s, &m[n])) == 1) {
		if (m[n].start < text || m[n].end > text + size || m[n].value <= m[n].start ||
		    m[n].end <= m[n].value || *m[n].value != '{' || m[n].end[-1] != '}' ||
		    m[n].key != m[n].start + 1 || m[n].line == 0 || m[n].col == 0)
			abort();
		if (++n == MAX_MEMBERS)
			return 0;
	}
	if (r != 0)
		return 0;
	/* again, every other member passed over by its bytes' length (as a
	 * build passes over a member it knows): the others the same, at the
	 * same places, and the same end */
	if (content_scan_begin(&s, text, size) != 0)
		abort();
	for (i = 0; (r = content_scan_to_member(&s)) == 1; i++) {
		struct content_member again;

		if (i >= n || s.p != m[i].start)
			abort();
		if (i % 2 == 1) {
			content_scan_pass(&s, (size_t)(m[i].end - m[i].start));
			continue;
		}
		if (content_scan_member(&s, &again) != 1 || again.value != m[i].value ||
		    again.end != m[i].end || again.line != m[i].line || again.col != m[i].col)
			abort();
	}
	if (r != 0 || i != n)
		abort();
	for (i = 0; i < n; i++) {
		if ((one = json_parse_text("m", m[i].value, (size_t)(m[i].end - m[i].value), err,
		    sizeof(err))) == NULL)
			return 0;	/* a build parses the file whole then */
		cJSON_Delete(one);
	}
	if ((root = json_parse_text_map("f", text, size, &map, err, sizeof(err))) == NULL)
		abort();	/* plain, every member fine: the parser must agree */
	videos = cJSON_GetObjectItemCaseSensitive(root, "videos");
	if (cJSON_GetArraySize(root) != 1 || !cJSON_IsObject(videos) ||
	    (size_t)cJSON_GetArraySize(videos) != n)
		abort();
	i = 0;
	cJSON_ArrayForEach(it, videos) {
		if (strlen(it->string) != m[i].keylen ||
		    memcmp(it->string, m[i].key, m[i].keylen) != 0 ||
		    json_map_find(&map, root, it, &pos) != 0 || pos.line != m[i].line ||
		    pos.col != m[i].col)
			abort();
		i++;
	}
	cJSON_Delete(root);
	json_map_free(&map);
	return 0;
}

#include "standalone.h"
