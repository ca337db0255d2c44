/*
 * access_table.c — look a video up in var/access.db.  See access_table.h.
 */
#include <stdio.h>
#include <string.h>

#include "access_table.h"
#include "json_out.h"
#include "rodb.h"
#include "sout.h"
#include "token_store.h"

int
access_lookup(sqlite3_stmt *st, const char *guid, struct access_row *row)
{
	const unsigned char *a, *h, *t;
	size_t tn;
	int rc, ret = 0;

	if (sqlite3_bind_text(st, 1, guid, -1, SQLITE_STATIC) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		a = sqlite3_column_text(st, 0);
		h = sqlite3_column_text(st, 1);
		ret = -1;
		if (a != NULL && h != NULL && access_level_known((const char *)a) &&
		    strlen((const char *)h) <= CDN_HOST_MAX) {
			sout_copy(row->access, sizeof(row->access), (const char *)a);
			sout_copy(row->cdn_host, sizeof(row->cdn_host), (const char *)h);
			row->length = sqlite3_column_int64(st, 2);
			if (row->length < 0)
				row->length = 0;
			t = sqlite3_column_text(st, 3);
			tn = t != NULL ? (size_t)sqlite3_column_bytes(st, 3) : 0;
			tn = utf8_cut((const char *)t, tn, ACCESS_TITLE_MAX);
			if (tn > 0)
				memcpy(row->title, t, tn);
			row->title[tn] = '\0';
			ret = 1;
		}
	} else if (rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/* FNV-1a over the GUID's bytes: the slot. */
static size_t
slot_of(const char *guid)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < GUID_LEN; i++)
		h = (h ^ (unsigned char)guid[i]) * 16777619u;
	return h & (ACCESS_CACHE_SLOTS - 1);
}

int
access_cached(struct access_cache *c, struct rodb *db, time_t now, const char *guid,
    struct access_row *row)
{
	size_t s = slot_of(guid);
	sqlite3_stmt *st;
	int r;

	if (c->generation != db->generation) {
		memset(c, 0, sizeof(*c));
		c->generation = db->generation;
	}
	if (memcmp(c->e[s].guid, guid, GUID_LEN + 1) == 0) {
		*row = c->e[s].row;
		return 1;
	}
	if ((st = rodb_stmt(db, now)) == NULL)
		return -1;
	if ((r = access_lookup(st, guid, row)) == 1) {
		memcpy(c->e[s].guid, guid, GUID_LEN + 1);
		c->e[s].row = *row;
	}
	return r;
}
