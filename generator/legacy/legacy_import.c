/*
 * legacy_import.c — curator.db (the Python system's editorial database) to
 * content/.  Tables read: videos (id, bunny_video_id, access_level),
 * categories (id, name, slug, color, icon, description, sort_order), tags
 * (id, name, slug), series (id, name, slug, description, season),
 * video_categories, video_tags, video_series (video_id, series_id,
 * episode_number).  Optional columns are looked up first, so older
 * curator schemas import too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cjson/cJSON.h>

#include "jsonfile.h"
#include "legacy_import.h"
#include "model.h"
#include "report.h"
#include "textutil.h"

/* id -> slug for categories, tags and series. */
struct idmap {
	long long	*ids;
	char		**slugs;
	size_t		 n;
};

static const char *
idmap_get(const struct idmap *m, long long id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->ids[i] == id)
			return m->slugs[i];
	return NULL;
}

static int
idmap_add(struct idmap *m, long long id, const char *slug)
{
	long long *ids;
	char **slugs;

	if ((ids = realloc(m->ids, (m->n + 1) * sizeof(*ids))) == NULL)
		return -1;
	m->ids = ids;
	if ((slugs = realloc(m->slugs, (m->n + 1) * sizeof(*slugs))) == NULL)
		return -1;
	m->slugs = slugs;
	if ((m->slugs[m->n] = strdup(slug)) == NULL)
		return -1;
	m->ids[m->n++] = id;
	return 0;
}

static void
idmap_free(struct idmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->slugs[i]);
	free(m->slugs);
	free(m->ids);
	memset(m, 0, sizeof(*m));
}

/* 1 when table has column col (both bound: the SQL text is constant). */
static int
has_column(sqlite3 *db, const char *table, const char *col)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s != NULL ? (const char *)s : "";
}

/*
 * A slug for a legacy row: its slug when valid, else its name slugified,
 * else prefix-ID; made unique against taken (suffix -2, -3, ...).
 */
static void
legacy_slug(const char *slug, const char *name, const char *prefix, long long id,
    const struct idmap *taken, char out[SLUG_MAX + 1])
{
	char base[SLUG_MAX + 1];
	size_t i, k;
	int clash;

	if (slug_ok(slug))
		snprintf(base, sizeof(base), "%s", slug);
	else if (text_slugify(slug[0] != '\0' ? slug : name, base, sizeof(base)) == 0)
		snprintf(base, sizeof(base), "%s-%lld", prefix, id);
	snprintf(out, SLUG_MAX + 1, "%s", base);
	for (k = 2;; k++) {
		for (clash = 0, i = 0; i < taken->n; i++)
			if (strcmp(taken->slugs[i], out) == 0)
				clash = 1;
		if (!clash)
			return;
		slug_suffixed(base, k, out);
	}
}

static cJSON *
obj_member(cJSON *parent, const char *name)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, name);

	if (o == NULL)
		o = cJSON_AddObjectToObject(parent, name);
	return cJSON_IsObject(o) ? o : NULL;
}

/* Writes text to path through a temporary file and rename. */
static int
write_file(const char *path, const char *text, char *err, size_t errlen)
{
	char *tmp = NULL;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((f = fopen(tmp, "wx")) == NULL || fputs(text, f) == EOF || fputc('\n', f) == EOF ||
	    fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int
import_categories(sqlite3 *db, cJSON *site, struct idmap *map, struct legacy_counts *n)
{
	cJSON *cats = cJSON_GetObjectItemCaseSensitive(site, "categories"), *it, *c;
	sqlite3_stmt *st;
	char slug[SLUG_MAX + 1];
	int rc;

	if (cats == NULL)
		cats = cJSON_AddArrayToObject(site, "categories");
	if (!cJSON_IsArray(cats))
		return -1;
	/* Existing slugs are taken (by the same category name: reuse it). */
	if (sqlite3_prepare_v2(db, "SELECT id, name, slug, color, icon FROM categories "
	    "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *name = col_text(st, 1);
		const char *found = NULL;

		cJSON_ArrayForEach(it, cats) {
			cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "slug");
			cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
			if ((cJSON_IsString(nm) && text_casecmp(nm->valuestring, name) == 0) ||
			    (cJSON_IsString(s) && text_casecmp(s->valuestring, col_text(st, 2)) == 0))
				found = cJSON_IsString(s) ? s->valuestring : NULL;
		}
		if (found != NULL) {
			if (idmap_add(map, id, found) != 0)
				break;
			continue;
		}
		legacy_slug(col_text(st, 2), name, "category", id, map, slug);
		if ((c = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddItemToArray(cats, c);
		cJSON_AddStringToObject(c, "slug", slug);
		cJSON_AddStringToObject(c, "name", name[0] ? name : slug);
		if (col_text(st, 3)[0] != '\0')
			cJSON_AddStringToObject(c, "colour", col_text(st, 3));
		if (col_text(st, 4)[0] != '\0')
			cJSON_AddStringToObject(c, "icon", col_text(st, 4));
		cJSON_AddNumberToObject(c, "order", (double)cJSON_GetArraySize(cats));
		if (idmap_add(map, id, slug) != 0)
			break;
		n->categories++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
import_named(sqlite3 *db, cJSON *site, const char *table, struct idmap *map, size_t *count)
{
	int is_series = strcmp(table, "series") == 0;
	cJSON *obj = obj_member(site, is_series ? "series" : "tags"), *e;
	sqlite3_stmt *st;
	char slug[SLUG_MAX + 1];
	int rc;

	if (obj == NULL)
		return -1;
	rc = is_series ?
	    sqlite3_prepare_v2(db, "SELECT id, name, slug FROM series ORDER BY id", -1, &st, NULL) :
	    sqlite3_prepare_v2(db, "SELECT id, name, slug FROM tags ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *name = col_text(st, 1);

		legacy_slug(col_text(st, 2), name, is_series ? "series" : "tag", id, map, slug);
		if (idmap_add(map, id, slug) != 0)
			break;
		if (cJSON_GetObjectItemCaseSensitive(obj, slug) != NULL)
			continue;
		if ((e = cJSON_AddObjectToObject(obj, slug)) == NULL)
			break;
		cJSON_AddStringToObject(e, is_series ? "title" : "name", name[0] ? name : slug);
		(*count)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Adds the slugs linked to video vid through link (category/tag) to arr. */
static int
add_links(sqlite3_stmt *st, long long vid, const struct idmap *map, cJSON *arr)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, vid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *slug = idmap_get(map, sqlite3_column_int64(st, 0));
		if (slug != NULL)
			cJSON_AddItemToArray(arr, cJSON_CreateString(slug));
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
import_videos(sqlite3 *db, const char *content_dir, int force, const struct idmap *cats,
    const struct idmap *tags, const struct idmap *series, struct legacy_counts *n,
    const struct reporter *r, char *err, size_t errlen)
{
	int has_season = has_column(db, "series", "season");
	int has_guid = has_column(db, "videos", "bunny_video_id");
	int has_access = has_column(db, "videos", "access_level");
	sqlite3_stmt *vs = NULL, *cs = NULL, *ts = NULL, *ss = NULL;
	int rc = -1, step;

	if (!has_guid) {
		snprintf(err, errlen, "the videos table has no bunny_video_id column; is "
		    "this the curator database?");
		return -1;
	}
	if (sqlite3_prepare_v2(db, has_access ?
	    "SELECT id, bunny_video_id, access_level FROM videos ORDER BY id" :
	    "SELECT id, bunny_video_id, 'public' FROM videos ORDER BY id", -1, &vs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT category_id FROM video_categories WHERE video_id = ? "
	    "ORDER BY category_id", -1, &cs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT tag_id FROM video_tags WHERE video_id = ? "
	    "ORDER BY tag_id", -1, &ts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, has_season ?
	    "SELECT vs.series_id, vs.episode_number, s.season FROM video_series vs "
	    "LEFT JOIN series s ON s.id = vs.series_id WHERE vs.video_id = ?" :
	    "SELECT series_id, episode_number, 1 FROM video_series WHERE video_id = ?",
	    -1, &ss, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	while ((step = sqlite3_step(vs)) == SQLITE_ROW) {
		long long vid = sqlite3_column_int64(vs, 0);
		enum access_level a;
		char guid[GUID_LEN + 1], *path = NULL, *text;
		cJSON *e, *arr;
		struct stat sb;

		if (!guid_norm(col_text(vs, 1), strlen(col_text(vs, 1)), guid)) {
			report(r, REPORT_WARNING, "video id %lld: \"%.40s\" is not a Bunny "
			    "GUID; skipped", vid, col_text(vs, 1));
			n->skipped++;
			continue;
		}
		if ((e = cJSON_CreateObject()) == NULL)
			goto oom;
		arr = cJSON_AddArrayToObject(e, "categories");
		if (add_links(cs, vid, cats, arr) != 0)
			goto db_fail_e;
		if (cJSON_GetArraySize(arr) == 0)
			cJSON_DeleteItemFromObject(e, "categories");
		arr = cJSON_AddArrayToObject(e, "tags");
		if (add_links(ts, vid, tags, arr) != 0)
			goto db_fail_e;
		if (cJSON_GetArraySize(arr) == 0)
			cJSON_DeleteItemFromObject(e, "tags");
		sqlite3_reset(ss);
		sqlite3_bind_int64(ss, 1, vid);
		if (sqlite3_step(ss) == SQLITE_ROW) {
			const char *slug = idmap_get(series, sqlite3_column_int64(ss, 0));
			if (slug != NULL) {
				cJSON *s = cJSON_AddObjectToObject(e, "series");
				int season = sqlite3_column_int(ss, 2);
				cJSON_AddStringToObject(s, "slug", slug);
				cJSON_AddNumberToObject(s, "season", season > 0 ? season : 1);
				if (sqlite3_column_type(ss, 1) != SQLITE_NULL)
					cJSON_AddNumberToObject(s, "episode", sqlite3_column_int(ss, 1));
			}
		}
		if (access_level_parse(col_text(vs, 2), &a) == 0)
			cJSON_AddStringToObject(e, "access", access_level_name(a));
		else
			report(r, REPORT_WARNING, "video %s: access level \"%.20s\" unknown; "
			    "the site default applies", guid, col_text(vs, 2));
		if (cJSON_GetArraySize(e) == 0) {	/* no editorial data: no file */
			cJSON_Delete(e);
			continue;
		}
		if (asprintf(&path, "%s/videos/%s.json", content_dir, guid) < 0) {
			cJSON_Delete(e);
			goto oom;
		}
		if (!force && stat(path, &sb) == 0) {
			report(r, REPORT_NOTE, "%s exists; kept (--force replaces it)", path);
			n->skipped++;
			free(path);
			cJSON_Delete(e);
			continue;
		}
		text = cJSON_Print(e);
		cJSON_Delete(e);
		if (text == NULL) {
			free(path);
			goto oom;
		}
		step = write_file(path, text, err, errlen);
		free(text);
		free(path);
		if (step != 0)
			goto out;
		n->videos++;
		continue;
db_fail_e:
		cJSON_Delete(e);
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	sqlite3_finalize(vs);
	sqlite3_finalize(cs);
	sqlite3_finalize(ts);
	sqlite3_finalize(ss);
	return rc;
}

int
legacy_import(const char *curator_db, const char *content_dir, int force,
    struct legacy_counts *n, const struct reporter *r, char *err, size_t errlen)
{
	struct idmap cats = { 0 }, tags = { 0 }, series = { 0 };
	sqlite3 *db = NULL;
	cJSON *site = NULL;
	char *site_path = NULL, *videos_dir = NULL, *text;
	struct stat sb;
	int rc = -1;

	memset(n, 0, sizeof(*n));
	if (sqlite3_open_v2(curator_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", curator_db, db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	if (asprintf(&site_path, "%s/site.json", content_dir) < 0 ||
	    asprintf(&videos_dir, "%s/videos", content_dir) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (stat(site_path, &sb) == 0) {
		if ((site = json_load_file(site_path, err, errlen)) == NULL)
			goto out;
		if (!cJSON_IsObject(site)) {
			snprintf(err, errlen, "%s: must hold a JSON object", site_path);
			goto out;
		}
	} else if ((site = cJSON_CreateObject()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (import_categories(db, site, &cats, n) != 0 ||
	    import_named(db, site, "tags", &tags, &n->tags) != 0 ||
	    import_named(db, site, "series", &series, &n->series) != 0) {
		snprintf(err, errlen, "%s: %s (categories, tags, series)", curator_db,
		    sqlite3_errmsg(db));
		goto out;
	}
	if ((mkdir(content_dir, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(videos_dir, 0755) != 0 && errno != EEXIST)) {
		snprintf(err, errlen, "%s: %s", videos_dir, strerror(errno));
		goto out;
	}
	if (import_videos(db, content_dir, force, &cats, &tags, &series, n, r, err, errlen) != 0)
		goto out;
	if ((text = cJSON_Print(site)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = write_file(site_path, text, err, errlen);
	free(text);
out:
	idmap_free(&cats);
	idmap_free(&tags);
	idmap_free(&series);
	cJSON_Delete(site);
	free(site_path);
	free(videos_dir);
	sqlite3_close(db);
	return rc;
}
