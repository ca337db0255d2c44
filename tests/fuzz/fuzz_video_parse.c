/*
 * fuzz_video_parse.c — fuzz target for the Bunny API parsing: JSON text
 * through json_parse_arena (the strict scanner building the tree), then
 * page_parse and video_parse on every item, as the pull does (a single
 * video's answer is read from cJSON's tree, which fuzz_json holds equal).  libFuzzer entry point;
 * build with -DFUZZ_STANDALONE for a main() that replays files
 * (kcgi's afl-template idea):
 *
 *   clang -fsanitize=fuzzer,address -Icore -Igenerator tests/fuzz/fuzz_video_parse.c \
 *       build/libonlygen.a build/libcore.a -lcjson -lcurl -lsqlite3 -lcrypto -lm
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "jsonfile.h"
#include "video_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bunny_page p;
	struct bunny_video v;
	struct arena tree = { 0 };
	const cJSON *it, *root;
	char err[512];

	if ((root = json_parse_arena("fuzz", (const char *)data, size, &tree, err,
	    sizeof(err))) == NULL) {
		arena_free(&tree);
		return 0;
	}
	if (page_parse(root, &p, err, sizeof(err)) == 0) {
		cJSON_ArrayForEach(it, p.items)
			if (video_parse(it, &v, err, sizeof(err)) == 0)
				bunny_video_free(&v);
	} else if (video_parse(root, &v, err, sizeof(err)) == 0)
		bunny_video_free(&v);
	arena_free(&tree);
	return 0;
}

#include "standalone.h"
