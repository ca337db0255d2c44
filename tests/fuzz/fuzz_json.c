/*
 * fuzz_json.c — libFuzzer entry: the strict JSON scanner must agree with
 * cJSON on what it accepts and never crash on any input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "jsonfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	cJSON *j = json_parse_text("fuzz", (const char *)data, size, err, sizeof(err));

	cJSON_Delete(j);
	return 0;
}
