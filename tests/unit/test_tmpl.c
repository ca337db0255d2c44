/*
 * test_tmpl.c — the template engine beyond the spec: errors with
 * NAME:LINE:COL, limits, escaping of hostile strings, compile once /
 * render many, and the directory loader.
 */
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

int
main(void)
{
	test_errors();
	test_depth();
	test_nul_in_name();
	test_partial_recursion();
	test_escaping();
	test_escape_contexts();
	test_compile_once();
	test_dir_loader();
	return check_report();
}
