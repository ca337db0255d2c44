/*
 * access_schema.h — var/access.db, the table the verifier trusts: its one
 * schema and version.  `onlygen build` writes it (generator/site/access_db.c)
 * from ACCESS_SCHEMA_SQL and ACCESS_INSERT_SQL (a rebuild that changes a few
 * rows: ACCESS_UPSERT_SQL, ACCESS_DELETE_SQL); the verifier opens it only
 * when its user_version is ACCESS_SCHEMA_VERSION and reads it with
 * ACCESS_LOOKUP_SQL (verifier/store/access_table.c).  Text only: the core links
 * no SQLite.  Change the schema here, and bump the version, or the
 * verifier keeps reading the old shape.
 */
#ifndef ONLY_ACCESS_SCHEMA_H
#define ONLY_ACCESS_SCHEMA_H

#define ACCESS_SCHEMA_VERSION	2
#define ACCESS_SCHEMA_STR_(x)	#x
#define ACCESS_SCHEMA_STR(x)	ACCESS_SCHEMA_STR_(x)

/* Creates the table in an empty file, stamped with the version.  The CHECK
 * lists core/access_level.h's names. */
#define ACCESS_SCHEMA_SQL \
	"PRAGMA user_version = " ACCESS_SCHEMA_STR(ACCESS_SCHEMA_VERSION) ";" \
	"CREATE TABLE videos (" \
	"  guid     TEXT PRIMARY KEY NOT NULL," \
	"  access   TEXT NOT NULL CHECK (access IN ('public', 'vip', 'ppv'))," \
	"  cdn_host TEXT NOT NULL," \
	"  length   INTEGER NOT NULL DEFAULT 0," \
	"  title    TEXT NOT NULL DEFAULT ''" \
	") WITHOUT ROWID;"

/* One row: ?1 guid, ?2 access level name, ?3 cdn_host, ?4 length (s), ?5 title. */
#define ACCESS_INSERT_SQL \
	"INSERT INTO videos (guid, access, cdn_host, length, title) " \
	"VALUES (?1, ?2, ?3, ?4, ?5)"

/* A build's changed row: ?1..?5 as ACCESS_INSERT_SQL, replacing the row
 * of the same guid (generator/site/access_db.c). */
#define ACCESS_UPSERT_SQL \
	"INSERT OR REPLACE INTO videos (guid, access, cdn_host, length, title) " \
	"VALUES (?1, ?2, ?3, ?4, ?5)"

/* A build's removed row: ?1 guid. */
#define ACCESS_DELETE_SQL	"DELETE FROM videos WHERE guid = ?1"

/* The verifier's one read: ?1 guid -> access, cdn_host, length, title. */
#define ACCESS_LOOKUP_SQL \
	"SELECT access, cdn_host, length, title FROM videos WHERE guid = ?1"

/* Bytes of a title the verifier keeps (its answers name a ppv code's
 * video): a longer title is cut on a UTF-8 character boundary, so an
 * answer stays within its fixed buffer. */
#define ACCESS_TITLE_MAX	200

#endif
