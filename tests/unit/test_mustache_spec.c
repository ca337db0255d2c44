/*
 * test_mustache_spec.c — runs the official Mustache spec files straight
 * from $SHARED/testdata/mustache-spec/ (lambdas and dynamic names are
 * out of scope).  One ok/not ok line per spec test; a failure shows the
 * template, expected and actual output.  A "# FILE: passed/total" line per
 * file goes into the suite summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jsonfile.h"
#include "tmpl.h"

static const char *const spec_files[] = {
	"comments.json", "delimiters.json", "interpolation.json", "inverted.json",
	"partials.json", "sections.json", "~inheritance.json",
};

/* Partials come from the test's "partials" object. */
static char *
spec_loader(void *arg, const char *name, size_t *len, char **path)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive((const cJSON *)arg, name);
	char *s;

	(void)path;
	if (!cJSON_IsString(p))
		return NULL;
	*len = strlen(p->valuestring);
	if ((s = malloc(*len + 1)) != NULL)
		memcpy(s, p->valuestring, *len + 1);
	return s;
}

static int
run_test(const char *file, const cJSON *test)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(test, "name");
	const cJSON *tpl = cJSON_GetObjectItemCaseSensitive(test, "template");
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(test, "expected");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(test, "data");
	const cJSON *partials = cJSON_GetObjectItemCaseSensitive(test, "partials");
	struct tmpl_set *set = tmpl_set_new(spec_loader, (void *)partials);
	const struct tmpl *t;
	struct buf out;
	char err[512] = "";
	int ok = 0;

	buf_init(&out, 1 << 20);
	t = tmpl_compile(set, "template", tpl->valuestring, strlen(tpl->valuestring),
	    err, sizeof(err));
	if (t != NULL && tmpl_render(t, data, &out, err, sizeof(err)) == 0) {
		if (buf_reserve(&out, 0) == 0) {
			out.data[out.len] = '\0';
			ok = strcmp(out.data, want->valuestring) == 0;
		}
	}
	if (ok)
		printf("ok - %s: %s\n", file, name->valuestring);
	else {
		char *ts = cJSON_PrintUnformatted(tpl), *ws = cJSON_PrintUnformatted(want);
		printf("not ok - %s: %s\n", file, name->valuestring);
		printf("    template: %s\n    expected: %s\n", ts, ws);
		free(ts);
		free(ws);
		if (err[0] != '\0')
			printf("    error:    %s\n", err);
		else {
			cJSON *got = cJSON_CreateString(out.data ? out.data : "");
			char *gs = cJSON_PrintUnformatted(got);
			printf("    actual:   %s\n", gs);
			free(gs);
			cJSON_Delete(got);
		}
	}
	buf_free(&out);
	tmpl_set_free(set);
	return ok;
}

int
main(void)
{
	const char *shared = getenv("SHARED");
	char path[4096], err[512];
	size_t i;
	int failed = 0;

	if (shared == NULL || shared[0] == '\0')
		shared = "../shared";
	for (i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++) {
		const cJSON *test;
		cJSON *spec;
		int total = 0, passed = 0;

		snprintf(path, sizeof(path), "%s/testdata/mustache-spec/%s", shared, spec_files[i]);
		if ((spec = json_load_file(path, err, sizeof(err))) == NULL) {
			printf("not ok - load %s\n    %s\n", spec_files[i], err);
			failed++;
			continue;
		}
		cJSON_ArrayForEach(test, cJSON_GetObjectItemCaseSensitive(spec, "tests")) {
			total++;
			passed += run_test(spec_files[i], test);
		}
		printf("# %-20s %3d/%d passed\n", spec_files[i], passed, total);
		failed += total - passed;
		cJSON_Delete(spec);
	}
	return failed ? 1 : 0;
}
