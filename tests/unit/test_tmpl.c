/*
 * test_tmpl.c — the template engine beyond the spec: errors with
 * NAME:LINE:COL, limits, escaping of hostile strings, compile once /
 * render many, and the directory loader.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "escape.h"
#include "tmpl.h"

static char *
render_str(const char *tpl, const char *json, char *err, size_t errlen)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t;
	cJSON *data = cJSON_Parse(json);
	struct buf out;
	char *res = NULL;

	buf_init(&out, 1 << 20);
	err[0] = '\0';
	t = tmpl_compile(set, "page.mustache", tpl, strlen(tpl), err, errlen);
	if (t != NULL && tmpl_render(t, data, &out, err, errlen) == 0)
		res = buf_take(&out);
	buf_free(&out);
	cJSON_Delete(data);
	tmpl_set_free(set);
	return res;
}

static void
check_error(const char *tpl, const char *want, const char *what)
{
	char err[512];
	char *res = render_str(tpl, "{}", err, sizeof(err));

	CHECK(res == NULL && strstr(err, want) != NULL, "%s -> error contains \"%s\" (got \"%s\")",
	    what, want, err);
	free(res);
}

static void
check_render(const char *tpl, const char *json, const char *want, const char *what)
{
	char err[512];
	char *res = render_str(tpl, json, err, sizeof(err));

	CHECK_STR(res, want, "%s", what);
	if (res == NULL)
		printf("    error: %s\n", err);
	free(res);
}

static void
test_errors(void)
{
	check_error("hello {{name", "page.mustache:1:7: unclosed tag", "unclosed variable tag");
	check_error("a\nb\n  {{#list}}x", "page.mustache:3:3: section 'list' is never closed",
	    "unclosed section");
	check_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}",
	    "page.mustache:3:1: '/a' does not close the open section 'b' (opened at 2:1)",
	    "mismatched section");
	check_error("x {{/a}}", "page.mustache:1:3: '/a' closes a section that was never opened",
	    "close without open");
	check_error("{{}}", "page.mustache:1:1: empty tag name", "empty tag");
	check_error("{{=<% %>=}}\n<%name", "page.mustache:2:1: unclosed tag: expected '%>'",
	    "unclosed tag after set delimiters");
	check_error("{{= | =}}", "bad set-delimiter tag", "malformed set delimiter");
	check_error("{{{raw}}", "1:1: unclosed tag", "unclosed triple mustache");
	check_error("é{{#x}}", "page.mustache:1:2:", "columns count characters, not bytes");
}

/* Found by fuzzing: a tag name holding a NUL byte read past a shorter key. */
static void
test_nul_in_name(void)
{
	static const char tpl[] = "[{{a\0b}}]";
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	cJSON *data = cJSON_Parse("{\"a\":\"x\"}");
	const struct tmpl *t;
	struct buf out;
	char err[256];

	buf_init(&out, 0);
	t = tmpl_compile(set, "nul", tpl, sizeof(tpl) - 1, err, sizeof(err));
	CHECK(t != NULL && tmpl_render(t, data, &out, err, sizeof(err)) == 0 &&
	    strcmp(out.data, "[]") == 0, "a name with a NUL byte matches no key");
	buf_free(&out);
	cJSON_Delete(data);
	tmpl_set_free(set);
}

static void
test_depth(void)
{
	struct buf b;
	char err[512];
	char *res;
	int i;

	buf_init(&b, 0);
	for (i = 0; i < TMPL_MAX_DEPTH + 2; i++)
		if (buf_puts(&b, "{{#a}}") != 0)
			break;
	for (i = 0; i < TMPL_MAX_DEPTH + 2; i++)
		if (buf_puts(&b, "{{/a}}") != 0)
			break;
	res = render_str(b.data, "{}", err, sizeof(err));
	CHECK(res == NULL && strstr(err, "nested too deeply") != NULL,
	    "section nesting beyond %d is an error (%s)", TMPL_MAX_DEPTH, err);
	free(res);
	buf_free(&b);
}

/* A partial that includes itself with data that never ends the recursion. */
static char *
self_loader(void *arg, const char *name, size_t *len, char **path)
{
	(void)arg;
	(void)path;
	if (strcmp(name, "loop") != 0)
		return NULL;
	*len = strlen("[{{>loop}}]");
	return strdup("[{{>loop}}]");
}

static void
test_partial_recursion(void)
{
	struct tmpl_set *set = tmpl_set_new(self_loader, NULL);
	const struct tmpl *t;
	struct buf out;
	char err[512] = "";
	cJSON *data = cJSON_CreateObject();

	buf_init(&out, 1 << 20);
	t = tmpl_compile(set, "main", "{{>loop}}", 9, err, sizeof(err));
	CHECK(t != NULL, "self-including partial compiles (%s)", err);
	CHECK(t != NULL && tmpl_render(t, data, &out, err, sizeof(err)) != 0 &&
	    strstr(err, "nested deeper") != NULL,
	    "unbounded partial recursion stops with an error (%s)", err);
	buf_free(&out);
	cJSON_Delete(data);
	tmpl_set_free(set);
}

static void
test_escaping(void)
{
	check_render("<h1>{{title}}</h1>",
	    "{\"title\":\"</script><img src=x onerror=alert(1)>\"}",
	    "<h1>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</h1>", "script-breaking title is text");
	check_render("<a title='{{t}}' href=\"{{t}}\">",
	    "{\"t\":\"a' onmouseover='alert(1)\\\" x=\\\"y\"}",
	    "<a title='a&#39; onmouseover=&#39;alert(1)&quot; x=&quot;y' href=\"a&#39; onmouseover=&#39;alert(1)&quot; x=&quot;y\">",
	    "both quote kinds are escaped in attributes");
	check_render("{{t}}", "{\"t\":\"{{evil}} & {{{x}}}\"}", "{{evil}} &amp; {{{x}}}",
	    "mustache syntax in data is not interpreted");
	check_render("{{t}}", "{\"t\":\"caf\\u00e9 \\ud83c\\udfac\"}", "caf\xc3\xa9 \xf0\x9f\x8e\xac",
	    "UTF-8 passes through");
	check_render("{{#d}}has{{/d}}{{^d}}empty{{/d}}", "{\"d\":\"\"}", "empty",
	    "an empty string is false in sections");
	check_render("{{n}} {{f}}", "{\"n\":1234567890123,\"f\":0.1}", "1234567890123 0.1",
	    "numbers print in their shortest exact form");
}

static void
test_escape_contexts(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK(esc_json(&b, "</script>\"\\\n\x01\xe2\x80\xa8", 16) == 0 &&
	    strcmp(b.data, "\\u003c/script\\u003e\\\"\\\\\\n\\u0001\\u2028") == 0,
	    "esc_json is safe inside <script> (%s)", b.data);
	buf_reset(&b);
	CHECK(esc_url(&b, "a b/é?&=", 9) == 0 && strcmp(b.data, "a%20b%2F%C3%A9%3F%26%3D") == 0,
	    "esc_url percent-encodes all but unreserved (%s)", b.data);
	buf_reset(&b);
	CHECK(esc_xml(&b, "a\x01<b>\x0c", 6) == 0 && strcmp(b.data, "a&lt;b&gt;") == 0,
	    "esc_xml drops characters XML forbids (%s)", b.data);
	buf_reset(&b);
	CHECK(esc_html(&b, "bad\xff\xc3(", 6) == 0 &&
	    strcmp(b.data, "bad\xef\xbf\xbd\xef\xbf\xbd(") == 0,
	    "invalid UTF-8 becomes U+FFFD (%s)", b.data);
	buf_reset(&b);
	CHECK(esc_html(&b, "\xed\xa0\x80\xc0\xaf", 5) == 0 &&
	    strcmp(b.data, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") == 0,
	    "surrogates and overlong forms are refused (%s)", b.data);
	buf_free(&b);
}

/*
 * The HTML escaper skips 8 plain bytes at a time (a word test, not the
 * table): every special byte at every offset of strings of every length
 * up to 40, and a multi-byte character across the words, must come out
 * as the byte-by-byte escape does.
 */
static void
test_escape_words(void)
{
	static const char *const sp[] = { "&", "<", ">", "\"", "'", "\xc3\xa9", "\xff" };
	static const char *const rep[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
	    "\xc3\xa9", "\xef\xbf\xbd" };
	char in[64], want[256];
	struct buf b;
	size_t n, at, k, bad = 0;

	buf_init(&b, 1 << 16);
	for (n = 1; n <= 40; n++)
		for (at = 0; at < n; at++)
			for (k = 0; k < sizeof(sp) / sizeof(sp[0]); k++) {
				size_t sl = strlen(sp[k]), len;

				if (at + sl > n)
					continue;
				memset(in, 'a', n);
				memcpy(in + at, sp[k], sl);
				in[n] = '\0';
				len = (size_t)snprintf(want, sizeof(want), "%.*s%s%.*s", (int)at, in,
				    rep[k], (int)(n - at - sl), in + at + sl);
				buf_reset(&b);
				if (esc_html(&b, in, n) != 0 || b.len != len ||
				    memcmp(b.data, want, len) != 0)
					bad++;
			}
	CHECK(bad == 0, "esc_html: a special byte at any offset of any length (%zu wrong)", bad);
	buf_free(&b);
}

/*
 * Names are found through an index of an object's keys once it is looked
 * up a second time in a render (objects of 6 to 48 keys: PAD makes 6):
 * the first of equal keys still wins, keys whose tags collide (the same
 * first 4 bytes) are told apart, a prefix is not the key, and smaller and
 * bigger objects are scanned.
 */
#define PAD "\"p1\":0,\"p2\":0,\"p3\":0,\"p4\":0,\"p5\":0,\"p6\":0,"

static void
test_key_index(void)
{
	struct buf big, tpl;
	int i, rc;

	check_render("{{a}}{{a}}{{a}}|{{#o}}{{a}}{{a}}{{b}}{{b}}{{/o}}",
	    "{" PAD "\"a\":1,\"a\":2,\"o\":{" PAD "\"b\":3,\"a\":4,\"a\":5}}",
	    "111|4433", "the first of equal keys, before and after the index");
	check_render("{{has_chapters}}{{has_captions}}{{has_chapters}}{{has_captions}}{{has_c}}"
	    "{{hxs_captions}}{{has_captionsx}}",
	    "{" PAD "\"has_captions\":\"C\",\"has_chapters\":\"H\"}", "HCHC",
	    "keys whose tags collide are told apart");
	check_render("{{ab}}{{ab}}{{abc}}{{abc}}{{abcdef}}{{abcdef}}{{a}}{{a}}{{abcd}}",
	    "{" PAD "\"abc\":\"x\",\"abcde\":\"y\",\"\":\"e\"}",
	    "xx", "a prefix of a key is not the key, nor a key a prefix of the name");
	check_render("{{#in}}{{x}}{{y}}{{x}}{{y}}{{/in}}{{x}}{{x}}",
	    "{" PAD "\"x\":\"out\",\"y\":\"Y\",\"in\":{" PAD "\"x\":\"in\"}}", "inYinYoutout",
	    "a name missing from the inner object's index is found outside it");
	check_render("{{#l}}{{v}}{{v}}{{/l}}|{{#l}}{{v}}{{/l}}",
	    "{\"l\":[{" PAD "\"v\":1},{" PAD "\"v\":2},{" PAD "\"w\":0},{\"v\":3}]}",
	    "112233|123", "each item of a list is its own object");
	check_render("{{s.a}}{{s.b}}{{s.a}}{{s.b}}{{s.c}}{{t.a}}{{t.a}}{{s.a}}",
	    "{\"s\":{" PAD "\"a\":\"A\",\"b\":\"B\"},\"t\":{" PAD "\"a\":\"T\"}}",
	    "ABABTTA", "dotted names through the index of the object named");
	buf_init(&big, 1 << 16);
	buf_init(&tpl, 1 << 16);
	rc = buf_puts(&big, "{");
	for (i = 0; i < 100; i++)
		rc |= buf_printf(&big, "%s\"k%d\":%d", i ? "," : "", i, i);
	rc |= buf_puts(&big, "}");
	rc |= buf_puts(&tpl, "{{k0}}{{k99}}{{k50}}{{k99}}{{k100}}{{k0}}");
	CHECK(rc == 0, "an object of 100 keys as JSON");
	check_render(tpl.data, big.data, "09950990", "an object of 100 keys is scanned");
	buf_free(&big);
	buf_free(&tpl);
}

static void
test_compile_once(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t, *again;
	struct buf out;
	char err[256], want[64];
	cJSON *data;
	int i, ok = 1;

	t = tmpl_compile(set, "card", "<li>{{title}}</li>", 18, err, sizeof(err));
	again = tmpl_compile(set, "card", "ignored", 7, err, sizeof(err));
	CHECK(t != NULL && t == again, "a name compiles once and is reused");
	buf_init(&out, 0);
	for (i = 0; i < 1000 && ok; i++) {
		data = cJSON_CreateObject();
		snprintf(want, sizeof(want), "v%d", i);
		cJSON_AddItemToObject(data, "title", cJSON_CreateString(want));
		snprintf(want, sizeof(want), "<li>v%d</li>", i);
		buf_reset(&out);
		ok = tmpl_render(t, data, &out, err, sizeof(err)) == 0 &&
		    strcmp(out.data, want) == 0;
		cJSON_Delete(data);
	}
	CHECK(ok, "one compiled template renders 1000 pages");
	buf_free(&out);
	tmpl_set_free(set);
}

static void
test_dir_loader(void)
{
	char dir[] = "/tmp/tmpl-test-XXXXXX", path[256], err[256];
	struct tmpl_set *set;
	const struct tmpl *t;
	struct buf out;
	FILE *f;
	cJSON *data = cJSON_Parse("{\"who\":\"<you>\"}");

	CHECK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/base.mustache", dir);
	f = fopen(path, "w");
	fputs("<html>{{$body}}default{{/body}}</html>\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/bad.mustache", dir);
	f = fopen(path, "w");
	fputs("ok\n{{#x}}\n", f);
	fclose(f);
	set = tmpl_set_new(tmpl_dir_loader, dir);
	buf_init(&out, 0);
	t = tmpl_compile(set, "page", "{{<base}}{{$body}}hi {{who}}{{/body}}{{/base}}",
	    strlen("{{<base}}{{$body}}hi {{who}}{{/body}}{{/base}}"), err, sizeof(err));
	CHECK(t != NULL && tmpl_render(t, data, &out, err, sizeof(err)) == 0 &&
	    strcmp(out.data, "<html>hi &lt;you&gt;</html>\n") == 0,
	    "a page inherits a layout read from the theme directory");
	t = tmpl_compile(set, "uses-bad", "{{>bad}}", 8, err, sizeof(err));
	CHECK(t == NULL && strstr(err, "bad.mustache:2:1: section 'x' is never closed") != NULL,
	    "an error in a partial names the partial's file, line and column (%s)", err);
	t = tmpl_compile(set, "escape", "{{>../etc/passwd}}", 18, err, sizeof(err));
	buf_reset(&out);
	CHECK(t != NULL && tmpl_render(t, data, &out, err, sizeof(err)) == 0 && out.len == 0,
	    "partial names cannot leave the theme directory");
	buf_free(&out);
	tmpl_set_free(set);
	cJSON_Delete(data);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK(system(path) == 0, "cleanup");
}

/* --- lists made while they render (tmpl.h: struct tmpl_lazy) --------------- */

/* Item i: "n", eight keys (an index is built for it), "even" first on even items. */
static cJSON *
lazy_make(size_t i)
{
	cJSON *o = cJSON_CreateObject();
	char k[16], v[48];
	int j;

	if (i % 2 == 0)
		cJSON_AddTrueToObject(o, "even");
	cJSON_AddNumberToObject(o, "n", (double)i);
	for (j = 0; j < 8; j++) {
		snprintf(k, sizeof(k), "k%d", j);
		snprintf(v, sizeof(v), "v%zu.%d", i, j);
		cJSON_AddStringToObject(o, k, v);
	}
	return o;
}

struct lazy_gen {
	cJSON	*slot;		/* the reused item: every one at the same address */
	cJSON	*fresh[256];	/* items made while the list was iterated further up */
	cJSON	*old[256];	/* the keys of items reused, poisoned */
	size_t	 nfresh, nold, reused;
	size_t	 fail_at;
};

static void
lazy_gen_free(struct lazy_gen *g)
{
	size_t i;

	cJSON_Delete(g->slot);
	for (i = 0; i < g->nfresh; i++)
		cJSON_Delete(g->fresh[i]);
	for (i = 0; i < g->nold; i++)
		cJSON_Delete(g->old[i]);
}

static const cJSON *
lazy_item(void *arg, size_t i, int reuse)
{
	struct lazy_gen *g = arg;
	cJSON *o, *old, *it;

	if (i == g->fail_at)
		return NULL;
	o = lazy_make(i);
	if (!reuse) {
		if (g->nfresh < sizeof(g->fresh) / sizeof(g->fresh[0]))
			g->fresh[g->nfresh++] = o;
		return o;
	}
	if (g->slot == NULL) {
		g->slot = o;
		return o;
	}
	/* the new item's keys moved into the old one's node; the old keys are
	 * kept, their values poisoned: an index kept from the item before
	 * would find them (freed, they could be reused by chance) */
	old = cJSON_CreateArray();
	old->child = g->slot->child;
	for (it = old->child; it != NULL; it = it->next)
		if (cJSON_IsString(it))
			cJSON_SetValuestring(it, "STALE");
		else if (cJSON_IsNumber(it))
			cJSON_SetNumberValue(it, -1);
	if (g->nold < sizeof(g->old) / sizeof(g->old[0]))
		g->old[g->nold++] = old;
	else
		cJSON_Delete(old);
	g->slot->child = o->child;
	o->child = NULL;
	cJSON_Delete(o);
	g->reused++;
	return g->slot;
}

/* The end of a lazy list's check: no iteration left open, everything freed. */
static void
lazy_done(const struct tmpl_lazy *lz, const char *what, struct buf *a, struct buf *b,
    cJSON *lazy, cJSON *eager, struct lazy_gen *g, struct tmpl_set *set)
{
	CHECK(lz->depth == 0, "%s: no iteration left open", what);
	buf_free(a);
	buf_free(b);
	cJSON_Delete(lazy);
	cJSON_Delete(eager);
	lazy_gen_free(g);
	tmpl_set_free(set);
}

/* tpl over {"list": n items, made while rendering}, against the same items as an array. */
static void
check_lazy(const char *tpl, size_t n, const char *what)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t;
	struct lazy_gen g;
	struct tmpl_lazy lz = { .n = n, .item = lazy_item, .arg = &g };
	cJSON *lazy = cJSON_CreateObject(), *eager = cJSON_CreateObject(), *arr, *list;
	struct buf a, b;
	char err[256] = "", err2[256] = "";
	size_t i;
	int ra, rb;

	memset(&g, 0, sizeof(g));
	g.fail_at = SIZE_MAX;
	list = cJSON_CreateArray();
	CHECK(tmpl_lazy_list(list, &lz) == 0, "%s: the list made lazy", what);
	cJSON_AddItemToObject(lazy, "list", list);
	cJSON_AddStringToObject(lazy, "k1", "root");
	arr = cJSON_AddArrayToObject(eager, "list");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, lazy_make(i));
	cJSON_AddStringToObject(eager, "k1", "root");
	buf_init(&a, 1 << 20);
	buf_init(&b, 1 << 20);
	t = tmpl_compile(set, "lazy.mustache", tpl, strlen(tpl), err, sizeof(err));
	ra = t != NULL ? tmpl_render(t, lazy, &a, err, sizeof(err)) : -1;
	rb = t != NULL ? tmpl_render(t, eager, &b, err2, sizeof(err2)) : -1;
	CHECK(ra == 0 && rb == 0 && a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0),
	    "%s: as the same items in an array (%.*s)", what, (int)(a.len < 60 ? a.len : 60),
	    a.data ? a.data : "");
	lazy_done(&lz, what, &a, &b, lazy, eager, &g, set);
}

static void
test_lazy_list(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t;
	struct lazy_gen g;
	struct tmpl_lazy lz = { .n = 5, .item = lazy_item, .arg = &g };
	cJSON *data = cJSON_CreateObject(), *list = cJSON_CreateArray();
	struct buf out;
	char err[256] = "";
	const char *tpl = "{{#list}}{{n}}{{/list}}";

	/* every item at one address, its keys in another order each time:
	 * an index kept from the item before would find the wrong ones */
	check_lazy("{{#list}}{{n}}:{{#even}}E{{/even}}{{k0}},{{k7}},{{k1}};{{/list}}", 40,
	    "items at one address, keys in another order each");
	check_lazy("{{#list}}{{n}}{{/list}}{{^list}}none{{/list}}|{{list}}|{{#list.n}}x{{/list.n}}", 0,
	    "an empty list: false, as []");
	check_lazy("{{#list}}{{n}}{{/list}}{{^list}}none{{/list}}|{{list}}|", 3,
	    "a list of three: true, printed as nothing");
	check_lazy("{{#list}}{{n}}[{{#list}}{{n}}{{k2}}{{/list}}]{{k1}};{{/list}}", 6,
	    "the list iterated inside itself (its items not reused there)");
	check_lazy("{{#list}}{{#k3}}{{k3}}{{/k3}}{{> missing}}{{.}}{{/list}}", 4,
	    "an item as the context of a section and of its own keys");

	memset(&g, 0, sizeof(g));
	g.fail_at = 2;
	CHECK(tmpl_lazy_list(list, &lz) == 0 && tmpl_lazy_list(list, &lz) == 0,
	    "an empty array made lazy (again: still no items)");
	CHECK(tmpl_lazy_list(data, &lz) == -1, "an object is not made a list");
	cJSON_AddItemToObject(data, "list", list);
	buf_init(&out, 1 << 20);
	t = tmpl_compile(set, "fail.mustache", tpl, strlen(tpl), err, sizeof(err));
	CHECK(t != NULL && tmpl_render(t, data, &out, err, sizeof(err)) == -1 &&
	    strstr(err, "out of memory") != NULL && lz.depth == 0,
	    "an item that cannot be made stops the render with an error (%s)", err);
	buf_free(&out);
	cJSON_Delete(data);
	lazy_gen_free(&g);
	tmpl_set_free(set);
}

/* --- items' bytes kept (tmpl.h: struct tmpl_memo) ------------------------- */

#define MEMO_MAX	512

/* A memo as a list: what was kept, and how often it was asked and given. */
struct test_memo {
	uint64_t	 key[MEMO_MAX];
	char		*s[MEMO_MAX];
	size_t		 len[MEMO_MAX];
	int		 ends[MEMO_MAX];
	size_t		 n, gets, hits, puts;
	uint64_t	 asked[MEMO_MAX];	/* the keys got, in order */
	uint64_t	 hint[2][MEMO_MAX];	/* the keys hinted, far and near */
	size_t		 nasked, nhint[2];
};

static void
test_memo_ahead(void *arg, uint64_t key, int near)
{
	struct test_memo *m = arg;

	if (m->nhint[near != 0] < MEMO_MAX)
		m->hint[near != 0][m->nhint[near != 0]++] = key;
}

static int
hinted(const struct test_memo *m, int near, uint64_t key)
{
	size_t i;

	for (i = 0; i < m->nhint[near]; i++)
		if (m->hint[near][i] == key)
			return 1;
	return 0;
}

static const char *
test_memo_get(void *arg, uint64_t key, size_t *n, int *ends_line)
{
	struct test_memo *m = arg;
	size_t i;

	m->gets++;
	if (m->nasked < MEMO_MAX)
		m->asked[m->nasked++] = key;
	for (i = 0; i < m->n; i++)
		if (m->key[i] == key) {
			m->hits++;
			*n = m->len[i];
			*ends_line = m->ends[i];
			return m->s[i];
		}
	return NULL;
}

static void
test_memo_put(void *arg, uint64_t key, const char *s, size_t n, int ends_line)
{
	struct test_memo *m = arg;

	m->puts++;
	if (m->n == MEMO_MAX)
		return;
	m->key[m->n] = key;
	m->s[m->n] = malloc(n + 1);
	memcpy(m->s[m->n], s, n);
	m->len[m->n] = n;
	m->ends[m->n++] = ends_line;
}

static void
test_memo_free(struct test_memo *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->s[i]);
	memset(m, 0, sizeof(*m));
}

/* Item i is lazy_make(i % 5): its key says so. */
static const cJSON *
memo_item(void *arg, size_t i, int reuse)
{
	return lazy_item(arg, i % 5, reuse);
}

static uint64_t
memo_key(void *arg, size_t i)
{
	(void)arg;
	return i % 5 + 1;
}

static const char *const memo_always[] = { "n", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7" };

/*
 * The partial p, main over {"list": n items, lazy and kept in m,
 * "k1": "root", and the root's extra names}, twice: each time as the same
 * items in an array.  Returns the second render's hits (the first's puts
 * in *puts).
 */
static size_t
check_memo(const char *tpl, const char *partial, const char *extra, size_t n,
    const char *const *always, size_t nalways, struct test_memo *m, size_t *puts,
    const char *what)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t;
	struct lazy_gen g;
	struct tmpl_memo memo = { test_memo_get, test_memo_put, m, NULL };
	struct tmpl_lazy lz = { .n = n, .item = memo_item, .arg = &g, .key = memo_key,
	    .always = always, .nalways = nalways, .memo = &memo };
	cJSON *lazy = cJSON_CreateObject(), *eager = cJSON_CreateObject(), *arr, *list;
	struct buf a, b;
	char err[256] = "", err2[256] = "";
	size_t i, hits = 0;
	int ra, rb, round;

	memset(&g, 0, sizeof(g));
	g.fail_at = SIZE_MAX;
	list = cJSON_CreateArray();
	CHECK(tmpl_lazy_list(list, &lz) == 0, "%s: the list made lazy", what);
	cJSON_AddItemToObject(lazy, "list", list);
	arr = cJSON_AddArrayToObject(eager, "list");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, lazy_make(i % 5));
	cJSON_AddStringToObject(lazy, "k1", "root");
	cJSON_AddStringToObject(eager, "k1", "root");
	if (extra != NULL) {
		cJSON_AddStringToObject(lazy, extra, "OUTER");
		cJSON_AddStringToObject(eager, extra, "OUTER");
	}
	buf_init(&a, 1 << 20);
	buf_init(&b, 1 << 20);
	t = partial != NULL ? tmpl_compile(set, "p", partial, strlen(partial), err, sizeof(err)) :
	    (void *)set;
	t = t != NULL ? tmpl_compile(set, "memo.mustache", tpl, strlen(tpl), err, sizeof(err)) : NULL;
	rb = t != NULL ? tmpl_render(t, eager, &b, err2, sizeof(err2)) : -1;
	for (round = 0; round < 2; round++) {
		size_t h0 = m->hits, p0 = m->puts;

		buf_reset(&a);
		ra = t != NULL ? tmpl_render(t, lazy, &a, err, sizeof(err)) : -1;
		CHECK(ra == 0 && rb == 0 && a.len == b.len &&
		    (a.len == 0 || memcmp(a.data, b.data, a.len) == 0),
		    "%s, render %d: as the same items in an array (%s) (%.*s | %.*s)", what,
		    round + 1, err, (int)(a.len < 80 ? a.len : 80), a.data ? a.data : "",
		    (int)(b.len < 80 ? b.len : 80), b.data ? b.data : "");
		if (round == 0)
			*puts = m->puts - p0;
		else
			hits = m->hits - h0;
	}
	lazy_done(&lz, what, &a, &b, lazy, eager, &g, set);
	return hits;
}

/* Each item a key of its own (the trees repeat: allowed). */
static uint64_t
own_key(void *arg, size_t i)
{
	(void)arg;
	return i + 1;
}

/*
 * A memo with hints (tmpl.h: ahead): each item's key is hinted
 * TMPL_MEMO_AHEAD items before it is asked for, then half as far, as it
 * will be asked when the line state stays; the hints end with the list;
 * the bytes are the same.
 */
static void
test_lazy_memo_ahead(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct tmpl *t;
	struct test_memo *m = calloc(1, sizeof(*m));
	struct lazy_gen g;
	struct tmpl_memo memo = { test_memo_get, test_memo_put, m, test_memo_ahead };
	size_t n = 3 * TMPL_MEMO_AHEAD, i, far = 0, near = 0, round;
	struct tmpl_lazy lz = { .n = n, .item = memo_item, .arg = &g, .key = own_key,
	    .always = memo_always, .nalways = sizeof(memo_always) / sizeof(memo_always[0]),
	    .memo = &memo };
	cJSON *lazy = cJSON_CreateObject(), *eager = cJSON_CreateObject(), *arr, *list;
	struct buf a, b;
	char err[256] = "";
	const char *tpl = "{{#list}}<{{n}}>{{/list}}\n";

	memset(&g, 0, sizeof(g));
	g.fail_at = SIZE_MAX;
	list = cJSON_CreateArray();
	CHECK(tmpl_lazy_list(list, &lz) == 0, "ahead: the list made lazy");
	cJSON_AddItemToObject(lazy, "list", list);
	arr = cJSON_AddArrayToObject(eager, "list");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, lazy_make(i % 5));
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	t = tmpl_compile(set, "ahead.mustache", tpl, strlen(tpl), err, sizeof(err));
	CHECK(t != NULL && tmpl_render(t, eager, &b, err, sizeof(err)) == 0, "ahead: eager (%s)",
	    err);
	for (round = 0; t != NULL && round < 2; round++) {
		m->nasked = m->nhint[0] = m->nhint[1] = 0;
		buf_reset(&a);
		CHECK(tmpl_render(t, lazy, &a, err, sizeof(err)) == 0 && a.len == b.len &&
		    memcmp(a.data, b.data, a.len) == 0, "ahead, render %zu: the same bytes (%s)",
		    round + 1, err);
	}
	CHECK(m->hits == n && m->nasked == n, "ahead: the second render took all %zu (%zu)", n,
	    m->hits);
	CHECK(m->nhint[0] == n - TMPL_MEMO_AHEAD && m->nhint[1] == n - TMPL_MEMO_AHEAD / 2,
	    "ahead: a hint for each item but the first ones, none past the list (%zu far, %zu "
	    "near)", m->nhint[0], m->nhint[1]);
	/* the first item begins a line, the rest do not: hints made from the
	 * first are the only ones made with another line state */
	for (i = 0; i < m->nasked; i++) {
		far += i > TMPL_MEMO_AHEAD && hinted(m, 0, m->asked[i]);
		near += i > TMPL_MEMO_AHEAD / 2 && hinted(m, 1, m->asked[i]);
	}
	CHECK(far == n - TMPL_MEMO_AHEAD - 1 && near == n - TMPL_MEMO_AHEAD / 2 - 1,
	    "ahead: each key asked was hinted first, far and near (%zu, %zu)", far, near);
	lazy_done(&lz, "ahead", &a, &b, lazy, eager, &g, set);
	test_memo_free(m);
	free(m);
}

static void
test_lazy_memo(void)
{
	struct test_memo m;
	size_t puts, hits, na = sizeof(memo_always) / sizeof(memo_always[0]);

	memset(&m, 0, sizeof(m));
	hits = check_memo("<ul>\n{{#list}}\n  {{>p}}\n{{/list}}\n</ul>\n",
	    "<li>{{n}}{{#even}} even{{/even}}\n{{k0}}&{{{k7}}}</li>\n", NULL, 20, memo_always, na,
	    &m, &puts, "an indented partial of two lines per item");
	CHECK(puts == 5 && hits == 20, "each of the 5 trees rendered once, then all 20 taken "
	    "(%zu kept, %zu taken)", puts, hits);
	/* the same items and partial at another indentation: other bytes, other keys */
	hits = check_memo("{{#list}}\n    {{>p}}\n{{/list}}\n",
	    "<li>{{n}}{{#even}} even{{/even}}\n{{k0}}&{{{k7}}}</li>\n", NULL, 10, memo_always, na,
	    &m, &puts, "the same partial indented deeper, with the same memo");
	CHECK(puts == 5 && hits == 10, "the deeper indentation's bytes are its own (%zu kept, "
	    "%zu taken)", puts, hits);
	test_memo_free(&m);

	/* two sections over the same items, their bodies' text apart */
	hits = check_memo("{{#list}}A{{n}};{{/list}}|{{#list}}B{{n}};{{/list}}", NULL, NULL, 5,
	    memo_always, na, &m, &puts, "two sections whose text differs");
	CHECK(puts == 10 && hits == 10, "each body's bytes its own (%zu kept, %zu taken)",
	    puts, hits);
	test_memo_free(&m);

	/* one section, in a partial included at two indentations: the
	 * indentation in force is part of the key */
	hits = check_memo("  {{>p}}\n    {{>p}}\n", "{{#list}}<li>{{n}}\n{{k0}}</li>\n{{/list}}", NULL,
	    5, memo_always, na, &m, &puts, "a list in a partial included at two indentations");
	CHECK(puts == 10 && hits == 10, "each indentation's bytes its own (%zu kept, %zu taken)",
	    puts, hits);
	test_memo_free(&m);

	/* "even" is not a name every item holds, and the data around the
	 * list has it: the odd items read the root's, so nothing is kept */
	hits = check_memo("{{#list}}{{n}}{{#even}}E{{/even}}{{even}};{{/list}}", NULL, "even", 10,
	    memo_always, na, &m, &puts, "a name the items may lack, also the page's");
	CHECK(puts == 0 && hits == 0 && m.gets == 0, "nothing kept or asked when a name may "
	    "resolve outside the item (%zu kept, %zu asked)", puts, m.gets);
	test_memo_free(&m);
	/* the same in a partial, a section deep */
	hits = check_memo("{{#list}}{{#k2}}{{>p}}{{/k2}}{{/list}}", "[{{even}}]", "even", 10,
	    memo_always, na, &m, &puts, "such a name in a partial inside a section");
	CHECK(puts == 0 && hits == 0, "nothing kept for a name read deep in the body");
	test_memo_free(&m);
	/* a name the root has but every item holds: still the item's (6
	 * kept: the first item begins the output's line, the others not) */
	hits = check_memo("{{#list}}{{k1}}-{{n}};{{/list}}", NULL, NULL, 10, memo_always, na, &m,
	    &puts, "a name every item holds, also the page's");
	CHECK(puts == 6 && hits == 10, "kept when every item holds the root's name too (%zu kept, %zu taken)", puts, hits);
	test_memo_free(&m);
	/* a name no one has: nothing, wherever the list is */
	hits = check_memo("{{#list}}{{n}}{{nowhere}}{{^nowhere}}-{{/nowhere}};{{/list}}", NULL, NULL,
	    10, memo_always, na, &m, &puts, "a name nothing holds");
	CHECK(puts == 6 && hits == 10, "kept when a name resolves nowhere (%zu kept, %zu taken)", puts, hits);
	test_memo_free(&m);
	/* items said to hold a name they lack: never kept */
	{
		static const char *const lying[] = { "n", "absent" };

		hits = check_memo("{{#list}}{{n}}{{absent}};{{/list}}", NULL, NULL, 10, lying, 2, &m,
		    &puts, "items lacking a name they are said to hold");
		CHECK(puts == 0 && hits == 0, "nothing kept from items that lack an always name");
		test_memo_free(&m);
	}
	/* a block in the body (an enclosing parent could override it): never */
	hits = check_memo("{{#list}}{{n}}{{$b}}d{{/b}};{{/list}}", NULL, NULL, 10, memo_always, na,
	    &m, &puts, "a block in the body");
	CHECK(puts == 0 && hits == 0, "nothing kept for a body with a block");
	test_memo_free(&m);
	/* a partial that includes itself: no end to its body, never kept */
	hits = check_memo("{{#list}}{{>p}}{{/list}}", "{{#k9}}{{>p}}{{/k9}}{{n}}", NULL, 10,
	    memo_always, na, &m, &puts, "a partial that includes itself");
	CHECK(puts == 0 && hits == 0, "nothing kept for a body without end");
	test_memo_free(&m);
	/* text without a newline at the end, then the next item: the line state kept */
	hits = check_memo("{{#list}}\n  {{n}}{{#even}}\n{{/even}}\n{{/list}}x\n", NULL, NULL, 10,
	    memo_always, na, &m, &puts, "items ending a line or not");
	CHECK(hits == 10, "taken whether or not an item ends its line (%zu)", hits);
	test_memo_free(&m);
}

int
main(void)
{
	test_errors();
	test_depth();
	test_nul_in_name();
	test_partial_recursion();
	test_escaping();
	test_escape_contexts();
	test_escape_words();
	test_key_index();
	test_compile_once();
	test_dir_loader();
	test_lazy_list();
	test_lazy_memo();
	test_lazy_memo_ahead();
	return check_report();
}
