/*
 * test_site_arena.c — a page's data tree in a worker's arena
 * (site_arena.c, site_pd.c): the arena's blocks, reset and cap, and a tree
 * built in it renders and keys exactly as the cJSON-malloc'd one does,
 * put_fields() included.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "site_arena.h"
#include "site_pd.h"
#include "tmpl.h"

static void
test_arena(void)
{
	struct site_arena a;
	unsigned char *p, *q, *big;
	size_t i, total;
	int zero = 1, aligned = 1;

	site_arena_init(&a);
	for (i = 0; i < 10000; i++) {
		p = site_arena_alloc(&a, 1 + i % 100);
		if (p == NULL || ((uintptr_t)p % _Alignof(max_align_t)) != 0)
			aligned = 0;
		if (p != NULL && p[i % 100] != 0)
			zero = 0;
		if (p != NULL)
			memset(p, 0xab, 1 + i % 100);
	}
	CHECK(aligned, "10 000 allocations, each aligned for any object");
	total = a.total;
	site_arena_reset(&a);
	for (i = 0; i < 10000; i++) {
		p = site_arena_alloc(&a, 1 + i % 100);
		if (p == NULL || p[i % 100] != 0)
			zero = 0;
		if (p != NULL)
			memset(p, 0xab, 1 + i % 100);
	}
	CHECK(zero, "site_arena_alloc hands out zeroed bytes, also after a reset");
	CHECK(a.total == total, "the same page again takes no new block (%zu bytes, then %zu)",
	    total, a.total);
	big = site_arena_alloc(&a, (size_t)3 << 20);
	CHECK(big != NULL && big[(3 << 20) - 1] == 0, "an allocation larger than any block gets one");
	q = site_arena_alloc(&a, 16);
	CHECK(q != NULL && (q < big || q >= big + ((size_t)3 << 20)), "and later ones do not overlap it");
	CHECK(site_arena_alloc(&a, SITE_ARENA_MAX + 1) == NULL, "past the cap: NULL");
	CHECK(site_arena_take(&a, SITE_ARENA_MAX) == NULL, "the cap counts what is already held");
	site_arena_reset(&a);
	CHECK(a.total <= SITE_ARENA_KEEP, "a reset gives back what is over %zu bytes (%zu held)",
	    (size_t)SITE_ARENA_KEEP, a.total);
	CHECK(site_arena_strdup(&a, "card") != NULL &&
	    strcmp(site_arena_strdup(&a, "title & more"), "title & more") == 0, "strdup copies");
	site_arena_free(&a);
	CHECK(a.head == NULL && a.total == 0, "free releases every block");
}

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
	struct site_arena a;
	struct pd heap = { 0 }, ar = { 0 }, keyonly = { 0 };
	uint64_t kh = 1, ka = 1, kk = 1;
	cJSON *shared = cJSON_Parse("{\"shared\":{\"x\":\"from the build\"}}");
	char err[256], dyn[32];
	char *rh, *ra;

	t = tmpl_compile(set, "t", tpl, strlen(tpl), err, sizeof(err));
	site_arena_init(&a);
	snprintf(dyn, sizeof(dyn), "page %d", 7);
	heap.j = cJSON_CreateObject();
	heap.h = &kh;
	ar.a = &a;
	ar.j = site_arena_alloc(&a, sizeof(cJSON));
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
	site_arena_free(&a);
	tmpl_set_free(set);
}

int
main(void)
{
	test_arena();
	test_tree();
	return check_report();
}
