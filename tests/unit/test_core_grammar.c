/*
 * test_core_grammar.c — the core's grammars: GUID, slug, access level,
 * code prefix, and access.db's schema text (run through SQLite, as the
 * generator writes it and the verifier reads it).
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "access_level.h"
#include "access_schema.h"
#include "check.h"
#include "code_prefix.h"
#include "guid.h"
#include "slug.h"

#define G "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"

static void
test_guid(void)
{
	static const char *const bad[] = {
		"", "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a6", "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a690",
		"3f6c2a1e9b8d-4c7e-a5f4-1d2e3c4b5a69a", "3f6c2a1e-9b8d-4c7e-a5f4_1d2e3c4b5a69",
		"zf6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69", "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a6g",
		"../../../../etc/passwd/aaaaaaaaaaaaa", "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a6 ",
		"-3f6c2a1e9b8d-4c7e-a5f4-1d2e3c4b5a6",
	};
	char out[GUID_LEN + 1], s[GUID_LEN + 1];
	size_t i;

	CHECK(GUID_LEN == 36 && strlen(G) == GUID_LEN, "GUID_LEN is 36");
	CHECK(guid_ok(G, GUID_LEN), "lower-case GUID accepted");
	CHECK(!guid_ok("3F6C2A1E-9B8D-4C7E-A5F4-1D2E3C4B5A69", GUID_LEN),
	    "guid_ok: upper case refused (stored GUIDs are lower case)");
	CHECK(guid_norm("3F6C2A1E-9B8D-4C7E-A5F4-1D2E3C4B5A69", GUID_LEN, out) &&
	    strcmp(out, G) == 0, "guid_norm lower-cases");
	CHECK(guid_norm("3f6C2a1E-9b8D-4c7E-A5f4-1D2e3C4b5A69", GUID_LEN, out) &&
	    guid_ok(out, GUID_LEN), "guid_norm: mixed case, result passes guid_ok");
	memcpy(s, "3F6C2A1E-9B8D-4C7E-A5F4-1D2E3C4B5A69", GUID_LEN + 1);
	CHECK(guid_norm(s, GUID_LEN, s) && strcmp(s, G) == 0, "guid_norm in place");
	CHECK(!guid_ok(G, GUID_LEN - 1) && !guid_norm(G, GUID_LEN + 1, out),
	    "the length is part of the grammar");
	CHECK(!guid_ok("3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69\0", GUID_LEN + 1),
	    "a NUL after the GUID is not ignored");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!guid_ok(bad[i], strlen(bad[i])) && !guid_norm(bad[i], strlen(bad[i]), out),
		    "'%s' is not a GUID", bad[i]);
	{
		/* guid_ok is "guid_norm leaves it as it is", byte for byte */
		size_t pos, differ = 0;
		int c;

		for (pos = 0; pos < GUID_LEN; pos++)
			for (c = 0; c < 256; c++) {
				memcpy(s, G, GUID_LEN + 1);
				s[pos] = (char)c;
				differ += guid_ok(s, GUID_LEN) != (guid_norm(s, GUID_LEN, out) &&
				    memcmp(out, s, GUID_LEN) == 0);
			}
		CHECK(differ == 0, "guid_ok: every byte at every place as guid_norm's normal form "
		    "says (%zu differ)", differ);
	}
}

static void
test_slug(void)
{
	static const char *const good[] = { "a", "0", "a-b", "tokyo-nights-2", "a1-b2-c3" };
	static const char *const bad[] = {
		"", "-", "-a", "a-", "a--b", "A", "a_b", "a b", "a/b", "a.b", "\xc3\xa9",
		"..",
	};
	char s[SLUG_MAX + 8], out[SLUG_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(slug_ok(good[i]), "'%s' is a slug", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!slug_ok(bad[i]), "'%s' is not a slug", bad[i]);
	memset(s, 'a', SLUG_MAX);
	s[SLUG_MAX] = '\0';
	CHECK(slug_ok(s), "SLUG_MAX (%d) bytes is a slug", SLUG_MAX);
	s[SLUG_MAX] = 'a';
	s[SLUG_MAX + 1] = '\0';
	CHECK(!slug_ok(s), "SLUG_MAX + 1 bytes is not (the site refused only above 96)");
	CHECK(!slug_ok("a\n") && !slug_ok("a\tb"), "control bytes refused");

	slug_suffixed("tokyo", 2, out);
	CHECK_STR(out, "tokyo-2", "suffix on a short base");
	/* a base cut at SLUG_MAX - SLUG_SUFFIX_ROOM that ends in '-' */
	memset(s, 'a', SLUG_MAX);
	s[SLUG_MAX - SLUG_SUFFIX_ROOM - 1] = '-';
	s[SLUG_MAX] = '\0';
	slug_suffixed(s, 2, out);
	CHECK(slug_ok(out) && strlen(out) == SLUG_MAX - SLUG_SUFFIX_ROOM - 1 + 2,
	    "a '-' left at the cut is dropped: no '--' (%s)", out);
	memset(s, 'b', SLUG_MAX);
	s[SLUG_MAX] = '\0';
	slug_suffixed(s, 2, out);
	CHECK(slug_ok(out) && strlen(out) == SLUG_MAX - SLUG_SUFFIX_ROOM + 2,
	    "a long base is cut to SLUG_MAX - SLUG_SUFFIX_ROOM");
	slug_suffixed(s, (size_t)-1, out);
	CHECK(slug_ok(out) && strlen(out) == SLUG_MAX, "the largest k still fits (%s)", out);
	for (i = 2; i < 200; i++) {
		slug_suffixed("x-y", i, out);
		if (!slug_ok(out))
			break;
	}
	CHECK(i == 200, "every suffixed candidate is a slug");
}

static void
test_access_level(void)
{
	static const enum access_level all[] = { ACCESS_PUBLIC, ACCESS_VIP, ACCESS_PPV };
	static const char *const bad[] = { "", "VIP", "Public", "vip ", " ppv", "admin",
	    "publicx", "pp" };
	enum access_level a;
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *n = access_level_name(all[i]);

		a = (enum access_level)99;
		CHECK(access_level_parse(n, &a) == 0 && a == all[i] && access_level_known(n) &&
		    strlen(n) <= ACCESS_LEVEL_NAME_MAX, "level %d round-trips as '%s'",
		    (int)all[i], n);
	}
	CHECK_STR(access_level_name((enum access_level)7), "vip",
	    "an out-of-range level is named vip (locked, not public)");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = ACCESS_PPV;
		CHECK(access_level_parse(bad[i], &a) == -1 && a == ACCESS_PPV &&
		    !access_level_known(bad[i]), "'%s' is not a level", bad[i]);
	}
	CHECK(access_level_parse(NULL, &a) == -1, "NULL is not a level");
}

static void
test_code_prefix(void)
{
	CHECK(code_prefix_ok(CODE_PREFIX_DEFAULT), "the default prefix is a prefix");
	CHECK(code_prefix_ok("A") && code_prefix_ok("ABCD1234"), "1..8 of [A-Z0-9]");
	CHECK(!code_prefix_ok("") && !code_prefix_ok("ABCD12345") && !code_prefix_ok("om43") &&
	    !code_prefix_ok("OM-4"), "empty, 9 long, lower case, '-' refused");
}

/* The schema as the generator writes it; rows as the verifier reads them. */
static void
test_access_schema(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;
	int v = -1, ok;

	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlite3_exec(db, ACCESS_SCHEMA_SQL, NULL, NULL, NULL) == SQLITE_OK,
	    "ACCESS_SCHEMA_SQL runs");
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	CHECK(v == ACCESS_SCHEMA_VERSION, "the file is stamped with ACCESS_SCHEMA_VERSION (%d)", v);
	for (i = 0; i <= ACCESS_PPV + 1; i++) {
		const char *name = i <= ACCESS_PPV ? access_level_name((enum access_level)i) : "admin";
		char guid[GUID_LEN + 1];

		snprintf(guid, sizeof(guid), "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a6%zu", i);
		ok = sqlite3_prepare_v2(db, ACCESS_INSERT_SQL, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_bind_text(st, 1, guid, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_bind_text(st, 3, "cdn.example", -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_bind_int64(st, 4, 60) == SQLITE_OK &&
		    sqlite3_bind_text(st, 5, "t", -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
		if (i <= ACCESS_PPV)
			CHECK(ok, "ACCESS_INSERT_SQL takes level '%s'", name);
		else
			CHECK(!ok, "the schema's CHECK refuses a level the core does not know");
	}
	ok = sqlite3_prepare_v2(db, ACCESS_LOOKUP_SQL, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a62", -1,
	    SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ppv") == 0 &&
	    strcmp((const char *)sqlite3_column_text(st, 1), "cdn.example") == 0 &&
	    sqlite3_column_int64(st, 2) == 60 &&
	    strcmp((const char *)sqlite3_column_text(st, 3), "t") == 0;
	sqlite3_finalize(st);
	CHECK(ok, "ACCESS_LOOKUP_SQL reads what ACCESS_INSERT_SQL wrote");
	sqlite3_close(db);
}

int
main(void)
{
	test_guid();
	test_slug();
	test_access_level();
	test_code_prefix();
	test_access_schema();
	return check_report();
}
