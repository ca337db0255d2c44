/*
 * fuzz_tmpl.c — libFuzzer entry: the first line of the input is JSON data,
 * the rest a template; compile and render must never crash, leak or run
 * away.  `make fuzz` builds and runs it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonfile.h"
#include "tmpl.h"

/* A partial named "p" exists and includes itself through "q". */
static char *
loader(void *arg, const char *name, size_t *len, char **path)
{
	const char *src;

	(void)arg;
	(void)path;
	if (strcmp(name, "p") == 0)
		src = "[{{#a}}{{>q}}{{/a}}]";
	else if (strcmp(name, "q") == 0)
		src = "{{$b}}{{.}}{{/b}}{{>p}}";
	else
		return NULL;
	*len = strlen(src);
	return strdup(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl = memchr(s, '\n', size);
	size_t njson = nl ? (size_t)(nl - s) : 0;
	char err[512];
	cJSON *json = njson ? json_parse_text("data", s, njson, err, sizeof(err)) : NULL;
	struct tmpl_set *set = tmpl_set_new(loader, NULL);
	const struct tmpl *t;
	struct buf out;

	buf_init(&out, 1 << 20);
	t = tmpl_compile(set, "fuzz", s + njson, size - njson, err, sizeof(err));
	if (t != NULL)
		(void)tmpl_render(t, json, &out, err, sizeof(err));
	buf_free(&out);
	tmpl_set_free(set);
	cJSON_Delete(json);
	return 0;
}

#include "standalone.h"
