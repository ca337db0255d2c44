/*
 * test_site_arena.c — a page's data tree in a worker's arena (arena.c,
 * site_pd.c): a tree built in it renders and keys exactly as the
 * cJSON-malloc'd one does, put_fields() included.  The arena itself:
 * test_arena.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "arena.h"
#include "site_pd.h"
#include "tmpl.h"

/* The same page through the site_pd writer: root, nested, array, fields. */
static int
write_page(struct pd *d, const char *dyn)
{
	struct pd o, arr, it;
	const struct pd_kv kv[] = {
		{ "title", PD_STR, "Tokyo <Nights>", 0 },
		{ "length", PD_NUM, NULL, 754 },
		{ "locked", PD_BOOL, NULL, 1 },
		{ "ratio", PD_NUM, NULL, 0.5 },
		{ "free", PD_BOOL, NULL, 0 },
	};
	int k;

	if (put_str(d, "name", dyn) == -1 || put_obj(d, "video", &o) == -1 ||
	    put_fields(&o, kv, sizeof(kv) / sizeof(kv[0])) == -1 ||
	    put_ref(&o, "after", "appended after the fields") == -1 ||
	    put_arr(d, "cards", &arr) == -1)
		return -1;
	for (k = 0; k < 3; k++)
		if (push_obj(&arr, &it) == -1 || put_num(&it, "n", k) == -1 ||
		    put_fields(&it, kv, 1 + (size_t)k) == -1)
			return -1;
	return 0;
}

static const char tpl[] =
    "{{name}}|{{#video}}{{title}} {{length}} {{#locked}}L{{/locked}}{{^free}}F{{/free}} "
    "{{ratio}} {{after}}{{/video}}|{{#cards}}[{{n}}:{{title}}{{length}}{{#locked}}!{{/locked}}]"
    "{{/cards}}|{{shared.x}}";

static char *
render(const struct tmpl *t, const cJSON *data)
{
	struct buf out;
	char err[256];

	buf_init(&out, 1 << 20);
	if (tmpl_render(t, data, &out, err, sizeof(err)) != 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

static void
test_tree(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t;
	struct arena a;
	struct pd heap = { 0 }, ar = { 0 }, keyonly = { 0 };
	uint64_t kh = 1, ka = 1, kk = 1;
	cJSON *shared = cJSON_Parse("{\"shared\":{\"x\":\"from the build\"}}");
	char err[256], dyn[32];
	char *rh, *ra;

	t = tmpl_compile(set, "t", tpl, strlen(tpl), err, sizeof(err));
	arena_init(&a);
	snprintf(dyn, sizeof(dyn), "page %d", 7);
	heap.j = cJSON_CreateObject();
	heap.h = &kh;
	ar.a = &a;
	ar.j = arena_alloc(&a, sizeof(cJSON));
	ar.j->type = cJSON_Object;
	ar.h = &ka;
	keyonly.h = &kk;
	CHECK(write_page(&heap, dyn) == 0 && write_page(&ar, dyn) == 0 &&
	    write_page(&keyonly, dyn) == 0, "the page is written three ways");
	CHECK(put_shared(&heap, shared->child) == 0 && put_shared(&ar, shared->child) == 0,
	    "the shared part is referenced");
	dyn[0] = 'X';	/* put_str copied its value: the trees must not see this */
	CHECK(kh == ka && ka == kk, "the same key: cJSON tree, arena tree, keying only");
	rh = t ? render(t, heap.j) : NULL;
	ra = t ? render(t, ar.j) : NULL;
	CHECK_STR(ra, rh ? rh : "(heap render failed)", "the arena tree renders as the cJSON one");
	CHECK(rh != NULL && strstr(rh, "page 7|Tokyo &lt;Nights&gt; 754 LF 0.5 appended") == rh &&
	    strstr(rh, "[2:Tokyo &lt;Nights&gt;754!]|from the build") != NULL,
	    "and as written (%s)", rh ? rh : "");
	CHECK(cJSON_GetObjectItemCaseSensitive(ar.j, "cards") != NULL &&
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ar.j, "cards")) == 3,
	    "cJSON's own readers walk the arena tree");
	free(rh);
	free(ra);
	cJSON_Delete(heap.j);
	cJSON_Delete(shared);
	arena_free(&a);
	tmpl_set_free(set);
}

int
main(void)
{
	test_tree();
	return check_report();
}
