/*
 * test_content_reuse.c — content/videos/ loaded through the snapshot after
 * an edit (generator/model/content_reuse.c): each load is compared with a
 * parse of every file by the parser alone (no snapshot), field for field,
 * warning for warning (FILE:LINE:COL included), error for error; and the
 * count of what was parsed shows that only what changed was: a member
 * edited, added, moved with a warning; a file whose layout is not a plain
 * group parsed whole; a malformed file, two entries for one GUID, a
 * snapshot of the older format or of another site.json parsed by the
 * parser alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "content.h"
#include "content_scan.h"
#include "content_snap.h"
#include "content_same.h"

#define A	"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
#define B	"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define C	"d9d9ab1f-fc9f-4488-9c26-4ffc653c0024"
#define D	"0b0b0b0b-1111-4222-8333-444455556666"
#define E	"e0e0e0e0-1111-4222-8333-444455556666"
#define F	"f0f0f0f0-1111-4222-8333-444455556666"

static const char site_json[] =
    "{ \"title\": \"t\", \"base_url\": \"https://example.com\",\n"
    "  \"categories\": [ { \"slug\": \"raw\", \"name\": \"RAW\", \"order\": 1 },\n"
    "    { \"slug\": \"art\", \"name\": \"ART\", \"order\": 2 } ] }\n";
static const char site_json2[] =
    "{ \"title\": \"t\", \"base_url\": \"https://example.com\",\n"
    "  \"categories\": [ { \"slug\": \"art\", \"name\": \"ART\", \"order\": 1 },\n"
    "    { \"slug\": \"raw\", \"name\": \"RAW\", \"order\": 2 } ] }\n";
static const char b_json[] =
    "{ \"categories\": [\"art\"], \"tags\": [\"x\"], \"colour\": \"red\" }\n";

/* The group file's members; A's "é" before C on one line: columns count characters. */
#define M_A	"\"" A "\": { \"access\": \"public\", \"tags\": [\"é\", \"b\\\"q\"] }"
#define M_C	"\"" C "\": { \"hidden\": true, \"colour\": 1, \"description\": \"d\\u00e9j\\u00e0\" }"
#define M_C2	"\"" C "\": { \"hidden\": true, \"colour\": 1, \"description\": \"edited\" }"
#define M_D	"\"" D "\": { \"categories\": [\"RAW\", \"art\"], \"series\": { \"slug\": \"s\", \"episode\": 2 } }"
#define M_E	"\"" E "\": { \"title\": \"{}[]\\\\\" }"
#define M_BAD	"\"not-a-guid\": { \"x\": [1, {\"y\": null}] }"

static char dir[64], vdir[128], snap_path[300];

static void
group(const char *text)
{
	put(vdir, "group.json", text);
}

/*
 * Loads content/ through the snapshot (tree: content/'s digest as the
 * build would pass it) and by the parser alone; checks that both give
 * the same.  The count of what the first parsed, SIZE_MAX for all.
 */
/* The tree of the snapshot the last both() read (NO_TREE: it read none). */
#define NO_TREE	0xdeadULL
static uint64_t seen_tree;
/* What the last both() said it changed (content_snap.edits): ok, n, the first old entry's title. */
static int edits_ok;
static size_t edits_n;
static char edits_title[64], edits_now_title[64];
/* How many entries the last both() loaded (through the snapshot). */
static size_t loaded_n;

static size_t
both(const char *what, uint64_t tree, const char *want_warning)
{
	struct content_snap snap = { snap_path, 0x5eed, tree, NULL, NULL, NULL, NULL };
	struct content x, y;
	struct lines wx = { "", 0 }, wy = { "", 0 };
	struct reporter rx = { collect, &wx }, ry = { collect, &wy };
	char ex[1024] = "", ey[1024] = "";
	size_t parsed = 0;
	int cx, cy;

	struct content_snap_edits ed;
	size_t k;

	snap.parsed = &parsed;
	seen_tree = NO_TREE;
	snap.prev_tree = &seen_tree;
	snap.edits = &ed;
	ed.ok = 7;
	ed.n = 0;
	cx = content_load_snap(&x, dir, &rx, &snap, ex, sizeof(ex));
	loaded_n = cx == 0 ? x.nentries : 0;
	if (cx == 0 && parsed != SIZE_MAX) {
		/* the entries taken from the snapshot are its arena's, which the
		 * content keeps; those parsed are malloc'd (content.h) */
		size_t kept = 0;

		for (k = 0; k < x.nentries; k++)
			kept += x.entries[k].in_arena != 0;
		CHECK(parsed > 0 || kept == x.nentries, "%s: nothing parsed, every entry "
		    "from the snapshot's arena (%zu of %zu)", what, kept, x.nentries);
		CHECK((kept > 0) == (x.entry_mem.total > 0),
		    "%s: the content holds the snapshot's arena when it took from it", what);
	}
	cy = content_load(&y, dir, &ry, ey, sizeof(ey));
	CHECK(cx == cy, "%s: the same result (%d, %d)", what, cx, cy);
	edits_ok = ed.ok;
	edits_n = ed.n;
	edits_title[0] = edits_now_title[0] = '\0';
	CHECK(ed.ok == 0 || ed.ok == 1, "%s: edits told (%d)", what, ed.ok);
	for (k = 0; cx == 0 && ed.ok && k < ed.n; k++) {
		const struct content_entry *now = ed.now[k] < x.nentries ? &x.entries[ed.now[k]] : NULL;

		CHECK(now != NULL && strcmp(now->guid, ed.old[k].guid) == 0,
		    "%s: edit %zu: the old entry pairs with the new one of its GUID", what, k);
		CHECK(ed.old[k].in_arena && !now->in_arena, "%s: edit %zu: the old entry is "
		    "the snapshot's (in the content's arena), the new one parsed", what, k);
		if (k == 0) {
			snprintf(edits_title, sizeof(edits_title), "%s",
			    ed.old[k].title ? ed.old[k].title : "(none)");
			snprintf(edits_now_title, sizeof(edits_now_title), "%s",
			    now != NULL && now->title ? now->title : "(none)");
		}
	}
	content_snap_edits_free(&ed);
	if (cx == 0 && cy == 0)
		CHECK(same(&x, &y), "%s: the same entries, field for field", what);
	else
		CHECK_STR(ex, ey, "%s: the same error", what);
	CHECK_STR(wx.text, wy.text, "%s: the same warnings, in order, at the same places", what);
	if (want_warning != NULL)
		CHECK(strstr(wx.text, want_warning) != NULL, "%s: warns \"%s\"", what, want_warning);
	content_free(&x);
	content_free(&y);
	return parsed;
}

/*
 * One member {"t":"<pad>X<tail>"} whose string has, after 0..24 plain
 * bytes (the scanner reads a string eight bytes at a time, so each is at
 * every place in a word), X: its value's end is the member's when plain,
 * -1 when not.  The text is copied into a buffer of its own length: a
 * read past it is ASan's to see.
 */
static int
scan_one(const char *x, size_t xlen, size_t pad, int close, const char **value,
    const char **end, size_t *len)
{
	static const char head[] = "{\"videos\":{\"k\":";
	char t[256], *b;
	struct content_scan s;
	struct content_member m;
	size_t n = 0;
	int r;

	n += (size_t)snprintf(t, sizeof(t), "%s{\"t\":\"%.*s", head, (int)pad,
	    "\xc3\xa9" "abcdefghijklmnopqrstuvwxyz\x80\xff");
	memcpy(t + n, x, xlen);
	n += xlen;
	if (close) {
		memcpy(t + n, "z\"}", 3);
		n += 3;
		memcpy(t + n, "}}", 2);	/* "videos" and the file closed */
		n += 2;
	}
	if ((b = malloc(n)) == NULL)
		return -2;
	memcpy(b, t, n);
	r = content_scan_begin(&s, b, n);
	if (r == 0 && (r = content_scan_next(&s, &m)) == 1) {
		*value = (const char *)(uintptr_t)(m.value - b);
		*end = (const char *)(uintptr_t)(m.end - b);
		r = content_scan_next(&s, &m) == 0 ? 1 : -3;
	}
	*len = n;
	free(b);
	return r;
}

/* 1 when {"videos":{"<name>":{}}} is plain with one member of that name, -1 when not. */
static int
scan_name(const char *nm, size_t len)
{
	struct content_scan s;
	struct content_member m;
	char *b;
	size_t n = 12 + len + 6;
	int r;

	if ((b = malloc(n)) == NULL)
		return -2;
	memcpy(b, "{\"videos\":{\"", 12);
	memcpy(b + 12, nm, len);
	memcpy(b + 12 + len, "\":{}}}", 6);
	r = content_scan_begin(&s, b, n);
	if (r == 0 && (r = content_scan_next(&s, &m)) == 1)
		r = m.keylen == len && memcmp(m.key, nm, len) == 0 &&
		    content_scan_next(&s, &m) == 0 ? 1 : -3;
	free(b);
	return r;
}

/*
 * Member names, read eight bytes at a time: a byte not allowed (a control
 * byte, DEL, a byte past ASCII, a backslash) at every place refuses the
 * file; a name of CONTENT_SCAN_KEY_MAX bytes is plain, one more is not,
 * whatever the alignment.
 */
static void
scanner_names(void)
{
	static const char refused[] = { 0x01, 0x1f, 0x7f, (char)0x80, (char)0xe9, '\\', '\n' };
	static char nm[CONTENT_SCAN_KEY_MAX + 2];
	size_t at, k, len, bad = 0;

	memset(nm, 'a', sizeof(nm));
	for (len = 1; len <= 24; len++) {
		bad += scan_name(nm, len) != 1;
		for (at = 0; at < len; at++)
			for (k = 0; k < sizeof(refused); k++) {
				nm[at] = refused[k];
				bad += scan_name(nm, len) != -1;
				nm[at] = ' ';	/* and the printable bytes around them */
				bad += scan_name(nm, len) != 1;
				nm[at] = '~';
				bad += scan_name(nm, len) != 1;
				nm[at] = 'a';
			}
	}
	CHECK(bad == 0, "scanner: every byte a name refuses, at every place of names of 1 to 24 "
	    "bytes (%zu wrong)", bad);
	for (len = CONTENT_SCAN_KEY_MAX - 9, bad = 0; len <= CONTENT_SCAN_KEY_MAX + 1; len++)
		bad += scan_name(nm, len) != (len <= CONTENT_SCAN_KEY_MAX ? 1 : -1);
	CHECK(bad == 0, "scanner: a name of %d bytes is plain, one more is not (%zu wrong)",
	    CONTENT_SCAN_KEY_MAX, bad);
}

static void
scanner_strings(void)
{
	static const struct { const char *x; size_t xlen; int plain; } cases[] = {
		{ "\\\"", 2, 1 },		/* an escaped quote */
		{ "\\\\", 2, 1 },		/* an escaped backslash */
		{ "\\\\\\\"", 4, 1 },	/* both */
		{ "\\u00e9\\n", 8, 1 },
		{ "{[}]", 4, 1 },		/* brackets in a string are text */
		{ "\n", 1, 0 },		/* a raw newline */
		{ "\\\n", 2, 0 },		/* an escaped raw newline */
	};
	const char *value, *end;
	size_t i, pad, len, bad = 0;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (pad = 0; pad <= 24; pad++) {
			r = scan_one(cases[i].x, cases[i].xlen, pad, 1, &value, &end, &len);
			if (cases[i].plain ? r != 1 || (size_t)(uintptr_t)value != 15 ||
			    (size_t)(uintptr_t)end != len - 2 : r != -1) {
				bad++;
				printf("# case %zu after %zu bytes: %d\n", i, pad, r);
			}
		}
	CHECK(bad == 0, "scanner: escapes, brackets and raw newlines in a string, at every "
	    "place in an eight-byte word (%zu wrong)", bad);
	/* the text ends inside the string: plainly, after a backslash, after a byte */
	for (pad = 0, bad = 0; pad <= 24; pad++)
		bad += scan_one("", 0, pad, 0, &value, &end, &len) != -1 ||
		    scan_one("\\", 1, pad, 0, &value, &end, &len) != -1 ||
		    scan_one("\\\"", 2, pad, 0, &value, &end, &len) != -1;
	CHECK(bad == 0, "scanner: a text that ends in a string is not plain, at every place "
	    "(%zu wrong)", bad);
	scanner_names();
}

static void
scanner(void)
{
	static const char *const not_plain[] = {
		"", "[]", "{}", "{\"videos\": []}", "{\"videos\": {}, \"x\": 1}",
		"{\"x\": 1, \"videos\": {}}", "\xef\xbb\xbf{\"videos\": {}}",
		"{\"videos\": {\"a\": 1}}", "{\"videos\": {\"a\\u0041\": {}}}",
		"{\"videos\": {\"a\": {}} ,}", "{\"videos\": {\"a\": {}}} x",
		"{\"videos\": {\"a\": {\"s\": \"}\"}", "{\"videos\": {\"a\": {}, }}",
		"{\"videos\": {\"a\": {\"s\": \"x\ny\"}}}", "{\"videos\"\f: {}}",
	};
	struct content_scan s;
	struct content_member m;
	char deep[256];
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(not_plain) / sizeof(not_plain[0]); i++) {
		r = content_scan_begin(&s, not_plain[i], strlen(not_plain[i]));
		while (r == 0 && (r = content_scan_next(&s, &m)) == 1)
			r = 0;
		CHECK(r == -1, "scanner: not plain: %zu", i);
	}
	r = content_scan_begin(&s, "{\"videos\":{}}\n", 14);
	CHECK(r == 0 && content_scan_next(&s, &m) == 0, "scanner: an empty group is plain");
	{
		static const char t[] = " {\"videos\": {\n\"a\": {\"k\": \"}\\\"{\"},\n  \"b\" :{ } } }";

		r = content_scan_begin(&s, t, strlen(t));
	}
	CHECK(r == 0 && content_scan_next(&s, &m) == 1 && m.keylen == 1 && m.line == 2 &&
	    m.col == 6 && m.end - m.value == 13, "scanner: a member, its value's place and end");
	CHECK(content_scan_next(&s, &m) == 1 && m.key[0] == 'b' && m.line == 3 && m.col == 8,
	    "scanner: the next member");
	CHECK(content_scan_next(&s, &m) == 0, "scanner: the end");
	/* nesting: the member's value at depth 3; 64 in all is the parser's limit */
	snprintf(deep, sizeof(deep), "{\"videos\":{\"a\":%.*s%.*s}}", 62, "{{{{{{{{{{{{{{{{{{{{"
	    "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", 62,
	    "}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}");
	r = content_scan_begin(&s, deep, strlen(deep));
	CHECK(r == 0 && content_scan_next(&s, &m) == 1, "scanner: 64 levels are plain");
	snprintf(deep, sizeof(deep), "{\"videos\":{\"a\":%.*s%.*s}}", 63, "{{{{{{{{{{{{{{{{{{{{"
	    "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", 63,
	    "}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}");
	r = content_scan_begin(&s, deep, strlen(deep));
	CHECK(r == 0 && content_scan_next(&s, &m) == -1, "scanner: 65 levels are not");
	scanner_strings();
}

/* content/videos/name removed. */
static void
drop(const char *name)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", vdir, name);
	unlink(path);
}

/* A group file of the entries ids[0..n): GUIDs in the order given. */
/* A group file of these entries, in this order; the one at edited (if < n) retitled. */
static void
many_edited(const char *name, const unsigned *ids, size_t n, size_t edited)
{
	static char text[32768];
	size_t i, at;

	at = (size_t)snprintf(text, sizeof(text), "{ \"videos\": {\n");
	for (i = 0; i < n && at < sizeof(text) - 128; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at,
		    "  \"%08x-1111-4222-8333-444455556666\": { \"title\": \"v%u%s\" }%s\n",
		    ids[i], ids[i], i == edited ? ", retitled" : "", i + 1 < n ? "," : "");
	CHECK(i == n, "%s: %zu entries written", name, n);
	snprintf(text + at, sizeof(text) - at, "} }\n");
	put(vdir, name, text);
}

static void
many(const char *name, const unsigned *ids, size_t n)
{
	many_edited(name, ids, n, SIZE_MAX);
}

/*
 * A file of 200 members: a member's record is looked for where the last
 * one was found (content_reuse.c: index_find), then through the table by
 * the members' sums.  An edit in place, a member added or removed, the
 * file reversed or its ends swapped: only what changed is parsed, and
 * every load is the parser's.
 */
static void
long_file(void)
{
	enum { N = 200 };
	unsigned ids[N + 1], v[N + 1];
	size_t i, n, before;

	(void)both("before a long file", 0, NULL);
	before = loaded_n;
	for (i = 0; i < N + 1; i++)
		ids[i] = 0x5000 + 3 * (unsigned)i;
	many("long.json", ids, N);
	n = both("a long file", 0, NULL);
	CHECK(n == N && loaded_n == before + N, "a long file: every member parsed (%zu)", n);
	many_edited("long.json", ids, N, 100);
	n = both("a long file: one member edited", 0, NULL);
	CHECK(n == 1 && edits_ok && edits_n == 1,
	    "a long file: one member edited: it alone parsed, one edit told (%zu, %d, %zu)",
	    n, edits_ok, edits_n);
	many("long.json", ids, N);
	n = both("a long file: the edit undone", 0, NULL);
	CHECK(n == 1, "a long file: the edit undone: it alone parsed (%zu)", n);
	/* one added in the middle: the members after it one place on */
	memcpy(v, ids, 50 * sizeof(*v));
	v[50] = 0x4fff;
	memcpy(v + 51, ids + 50, (N - 50) * sizeof(*v));
	many("long.json", v, N + 1);
	n = both("a long file: one member added", 0, NULL);
	CHECK(n == 1 && loaded_n == before + N + 1,
	    "a long file: one member added: it alone parsed (%zu; %zu entries)", n, loaded_n);
	many("long.json", ids, N);
	n = both("a long file: that member removed", 0, NULL);
	CHECK(n == 0 && loaded_n == before + N,
	    "a long file: that member removed: nothing parsed (%zu; %zu entries)", n, loaded_n);
	for (i = 0; i < N; i++)
		v[i] = ids[N - 1 - i];
	many("long.json", v, N);
	n = both("a long file reversed", 0, NULL);
	CHECK(n == 0 && loaded_n == before + N, "a long file reversed: nothing parsed (%zu)", n);
	memcpy(v, ids, N * sizeof(*v));
	v[0] = ids[N - 1];
	v[N - 1] = ids[0];
	many("long.json", v, N);
	n = both("a long file: its ends swapped", 0, NULL);
	CHECK(n == 0, "a long file: its ends swapped: nothing parsed (%zu)", n);
	v[0] = ids[0];
	v[N - 1] = ids[N];	/* the last one a new GUID */
	many_edited("long.json", v, N, 0);
	n = both("a long file: its first edited, its last replaced", 0, NULL);
	CHECK(n == 2, "a long file: its first edited, its last replaced: both parsed (%zu)", n);
	drop("long.json");
	n = both("the long file removed", 0, NULL);
	CHECK(n == 0 && loaded_n == before, "the long file removed: nothing parsed (%zu)", n);
}

int
main(void)
{
	char root[] = "/tmp/test_content_reuse.XXXXXX", text[4096];
	/* members with warnings a line down: three cases start from it */
	static const char line_above[] = "{ \"videos\": {\n\n  " M_E ",\n  " M_A ", " M_C2
	    ",\n  " M_BAD "\n} }\n";
	size_t n;

	scanner();
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/content", root);
	snprintf(vdir, sizeof(vdir), "%s/videos", dir);
	snprintf(snap_path, sizeof(snap_path), "%s/content.snap", root);
	if (mkdir(dir, 0755) == -1 || mkdir(vdir, 0755) == -1)
		return 1;
	put(dir, "site.json", site_json);
	put(vdir, B ".json", b_json);
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C ",\n  " M_BAD ",\n  " M_D
	    "\n} }\n");
	group(text);

	n = both("no snapshot yet", 0, "unknown field \"colour\"");
	CHECK(n == 5, "no snapshot yet: every member and file parsed (%zu)", n);
	CHECK(!edits_ok, "no snapshot yet: no edits told");
	CHECK(seen_tree == NO_TREE, "no snapshot yet: no snapshot's tree told");
	n = both("nothing changed", 0, NULL);
	CHECK(n == 0, "nothing changed: nothing parsed (%zu)", n);
	n = both("content/'s digest recorded", 77, NULL);
	CHECK(n == 0, "content/'s digest recorded: nothing parsed (%zu)", n);
	n = both("taken whole by content/'s digest", 77, NULL);
	CHECK(n == 0, "taken whole by content/'s digest: nothing parsed (%zu)", n);
	CHECK(seen_tree == 77, "the tree the snapshot was written with is told (%llu)",
	    (unsigned long long)seen_tree);

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD ",\n  " M_D
	    "\n} }\n");
	group(text);
	n = both("one member edited", 0, NULL);
	CHECK(n == 1, "one member edited: it alone parsed (%zu)", n);
	CHECK(!edits_ok, "one member edited, with a warning before and after: no edits told");

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD ",\n  " M_D
	    ",\n  " M_E "\n} }\n");
	group(text);
	n = both("one member added", 0, NULL);
	CHECK(n == 1, "one member added: it alone parsed (%zu)", n);
	CHECK(!edits_ok, "one member added: no edits told");

	/* an entry without warnings edited, then back: each an edit in place */
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD ",\n  " M_D
	    ",\n  \"" E "\": { \"title\": \"E, retitled\" }\n} }\n");
	group(text);
	n = both("a title edited", 0, NULL);
	CHECK(n == 1 && edits_ok && edits_n == 1, "a title edited: one edit told (%zu, %d, %zu)",
	    n, edits_ok, edits_n);
	CHECK_STR(edits_title, "{}[]\\", "a title edited: the old entry's title");
	CHECK_STR(edits_now_title, "E, retitled", "a title edited: the new entry's title");
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD ",\n  " M_D
	    ",\n  " M_E "\n} }\n");
	group(text);
	n = both("the title back", 0, NULL);
	CHECK(n == 1 && edits_ok && edits_n == 1, "the title back: one edit told");
	n = both("the title back, again", 0, NULL);
	CHECK(n == 0 && !edits_ok, "nothing changed: no edits told (%zu, %d)", n, edits_ok);
	put(vdir, "empty.json", "{ \"videos\": {} }\n");
	n = both("a file of no entry added", 0, NULL);
	CHECK(edits_ok && edits_n == 0, "a file of no entry added: edits told, none (%d, %zu)",
	    edits_ok, edits_n);
	snprintf(text, sizeof(text), "%s/empty.json", vdir);
	unlink(text);
	n = both("that file removed", 0, NULL);
	CHECK(edits_ok && edits_n == 0, "that file removed: edits told, none (%d, %zu)",
	    edits_ok, edits_n);

	/*
	 * The same GUIDs, one entry now in another file: the entries kept stay
	 * where the snapshot has them (content_reuse.c: adopt), the moved one
	 * takes its place with its new file; then back.  A member whose GUID
	 * changed is an entry removed and one added: not adopted.
	 */
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD ",\n  " M_D
	    "\n} }\n");
	group(text);
	put(vdir, "moved.json", "{ \"videos\": { " M_E " } }\n");
	n = both("an entry moved to another file", 0, NULL);
	CHECK(n == 1 && edits_ok && edits_n == 1,
	    "an entry moved to another file: it alone parsed, told as an edit (%zu, %d, %zu)",
	    n, edits_ok, edits_n);
	put(vdir, "moved.json", "{ \"videos\": { \"" E "\": { \"title\": \"moved, retitled\" } } }\n");
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", \"" C "\": { \"hidden\": true, "
	    "\"colour\": 1, \"description\": \"twice\" },\n  " M_BAD ",\n  " M_D "\n} }\n");
	group(text);
	n = both("an entry edited in each of two files", 0, NULL);
	CHECK(n == 2 && !edits_ok,
	    "an entry edited in each of two files: both parsed; C's warning: no edits (%zu, %d)",
	    n, edits_ok);
	put(vdir, "moved.json", "{ \"videos\": { \"" F "\": { \"title\": \"moved, retitled\" } } }\n");
	n = both("a member's GUID changed", 0, NULL);
	CHECK(n == 1 && !edits_ok, "a member's GUID changed: parsed; no edits told (%zu, %d)",
	    n, edits_ok);
	snprintf(text, sizeof(text), "%s/moved.json", vdir);
	unlink(text);
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD ",\n  " M_D
	    ",\n  " M_E "\n} }\n");
	group(text);
	n = both("the entry back in its file", 0, NULL);
	CHECK(n == 2, "the entry back in its file: C and E parsed (%zu)", n);

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C2 ",\n  " M_BAD
	    ",\n  " M_E "\n} }\n");
	group(text);
	n = both("one member removed", 0, NULL);
	CHECK(n == 0, "one member removed: nothing parsed (%zu)", n);
	CHECK(!edits_ok, "one member removed: no edits told");

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_E ",\n  " M_A ", " M_C2 ",\n  " M_BAD
	    "\n} }\n");
	group(text);
	n = both("members reordered", 0, "not-a-guid");
	/* C2 and not-a-guid moved a line down (their warnings name their place), A did too (none) */
	CHECK(n == 2, "members reordered: only the moved ones with a warning parsed (%zu)", n);

	snprintf(text, sizeof(text), "%s", line_above);
	group(text);
	n = both("a line added above", 0, "group.json:4:");
	CHECK(n == 2, "a line added above: the members with warnings parsed again (%zu)", n);

	/* a member over several lines, passed over by its bytes: the lines
	 * after it still counted */
	snprintf(text, sizeof(text), "{ \"videos\": {\n  \"" A "\": {\n    \"access\": \"public\"\n"
	    "  },\n  " M_C ",\n  " M_D "\n} }\n");
	group(text);
	(void)both("a member over several lines", 0, NULL);
	snprintf(text, sizeof(text), "{ \"videos\": {\n  \"" A "\": {\n    \"access\": \"public\"\n"
	    "  },\n  " M_C ",\n  " M_BAD ",\n  " M_D "\n} }\n");
	group(text);
	n = both("a member added after one over several lines", 0, "group.json:6:17");
	CHECK(n == 1, "a member added after one over several lines: it alone parsed (%zu)", n);
	/* the snapshot as the cases below expect it */
	snprintf(text, sizeof(text), "%s", line_above);
	group(text);
	(void)both("a line added above, again", 0, "group.json:4:");

	snprintf(text, sizeof(text), "%s", line_above);
	text[strlen(text) / 2] = '\'';
	group(text);
	n = both("a malformed member", 0, NULL);
	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_E "\n  " M_A "\n} }\n");
	group(text);
	n = both("a comma missing between members", 0, NULL);
	CHECK(n == SIZE_MAX, "a malformed file: the parser alone (%zu)", n);

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_E ",\n  " M_A "\n}, \"note\": 1 }\n");
	group(text);
	n = both("a group with another field", 0, "unknown field \"note\"");
	CHECK(n == 1, "a group with another field: parsed whole (%zu)", n);
	n = both("a group with another field, again", 0, NULL);
	CHECK(n == 0, "a group with another field, unchanged: nothing parsed (%zu)", n);

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_E ",\n  \"" B "\": {}\n} }\n");
	group(text);
	n = both("two entries for one GUID", 0, NULL);
	CHECK(n == SIZE_MAX, "two entries for one GUID: the parser alone (%zu)", n);

	snprintf(text, sizeof(text), "{ \"videos\": {\n  " M_A ", " M_C ",\n  " M_D "\n} }\n");
	group(text);
	(void)both("before site.json changes", 0, NULL);
	put(dir, "site.json", site_json2);
	n = both("site.json changed", 0, NULL);
	CHECK(n == 4, "site.json changed: every member and file parsed (%zu)", n);

	put(root, "content.snap", "onlygen content-snap 1\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	n = both("a snapshot of the older format", 0, NULL);
	CHECK(n == 4, "a snapshot of the older format: absent, all parsed (%zu)", n);
	n = both("then the new one", 0, NULL);
	CHECK(n == 0, "then the new one: nothing parsed (%zu)", n);

	/*
	 * Entries added and removed at both ends and in the middle of the
	 * sorted ones, from 4 to 10 to 14 to 34 and back (content_entry_new()'s
	 * capacity doubles past 16 and 32, and the array grows in place): the
	 * snapshot's array is kept (content_reuse.c: adopt) with the stretches
	 * between the changes moved; every load is the parser's.
	 */
	{
		static const unsigned first[] = { 0x20, 0x30, 0x40, 0x50, 0x60, 0x70 };
		static const unsigned second[] = { 0x01, 0x30, 0x41, 0x42, 0x50, 0x70, 0x71,
		    0x72, 0x73, 0xf0 };
		static const unsigned third[] = { 0x02, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
		    0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0xf1 };
		static const unsigned dup[] = { 0x99 };
		size_t before = 0;

		(void)both("before many entries", 0, NULL);
		before = loaded_n;
		many("many.json", first, sizeof(first) / sizeof(first[0]));
		n = both("six entries in a file of their own", 0, NULL);
		CHECK(n == 6 && loaded_n == before + 6,
		    "six entries in a file of their own: parsed (%zu; %zu entries)", n, loaded_n);
		many("many.json", second, sizeof(second) / sizeof(second[0]));
		n = both("entries added first, between and last, others removed", 0, NULL);
		CHECK(n == 7 && !edits_ok && loaded_n == before + 10,
		    "added and removed: the new ones parsed, no edits (%zu, %d; %zu entries)",
		    n, edits_ok, loaded_n);
		many("more.json", third, sizeof(third) / sizeof(third[0]));
		n = both("a file of twenty more", 0, NULL);
		CHECK(n == 20 && loaded_n == before + 30 && loaded_n > 32,
		    "a file of twenty more: they alone parsed, past 32 entries (%zu; %zu entries)",
		    n, loaded_n);
		many("many.json", first, sizeof(first) / sizeof(first[0]));
		n = both("the first file as it was", 0, NULL);
		CHECK(n == 3, "the first file as it was: its three entries back parsed (%zu)", n);
		drop("more.json");
		n = both("the twenty removed", 0, NULL);
		CHECK(n == 0 && loaded_n == before + 6,
		    "the twenty removed: nothing parsed (%zu; %zu entries)", n, loaded_n);
		many("dup1.json", dup, 1);
		many("dup2.json", dup, 1);
		n = both("one new GUID in two new files", 0, NULL);
		CHECK(n == SIZE_MAX, "one new GUID in two new files: the parser alone (%zu)", n);
		drop("dup1.json");
		drop("dup2.json");
		many("dup1.json", first + 2, 1);
		n = both("a new file with a kept entry's GUID", 0, NULL);
		CHECK(n == SIZE_MAX, "a new file with a kept entry's GUID: the parser alone (%zu)", n);
		drop("dup1.json");
		drop("many.json");
		n = both("the file removed", 0, NULL);
		CHECK(n == 0 && loaded_n == before, "the file removed: nothing parsed (%zu)", n);
	}

	long_file();

	/* a snapshot left to the caller (content_snap.later): written only when saved */
	{
		struct content_snap_later later;
		struct content_snap snap = { snap_path, 0x5eed, 0, NULL, NULL, NULL, NULL };
		struct content x;
		char e[256];
		struct stat sb;

		unlink(snap_path);
		memset(&later, 0, sizeof(later));
		snap.later = &later;
		CHECK(content_load_snap(&x, dir, NULL, &snap, e, sizeof(e)) == 0 && later.ready,
		    "a snapshot left to write: the load leaves one");
		CHECK(stat(snap_path, &sb) == -1, "a snapshot left to write: not written by the load");
		CHECK(content_snap_save_later(&later, &x) == 0 && stat(snap_path, &sb) == 0,
		    "a snapshot left to write: written when saved");
		content_snap_later_free(&later);
		content_free(&x);
		n = both("after a snapshot saved by the caller", 0, NULL);
		CHECK(n == 0, "after a snapshot saved by the caller: nothing parsed (%zu)", n);
	}

	snprintf(text, sizeof(text), "%s/content.snap", root);
	unlink(text);
	snprintf(text, sizeof(text), "%s/group.json", vdir);
	unlink(text);
	snprintf(text, sizeof(text), "%s/" B ".json", vdir);
	unlink(text);
	snprintf(text, sizeof(text), "%s/site.json", dir);
	unlink(text);
	rmdir(vdir);
	rmdir(dir);
	rmdir(root);
	return check_report();
}
