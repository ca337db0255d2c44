/*
 * catalog_fixture.h — helpers shared by the catalog unit tests: temporary
 * directories, writing files, and a catalog.db built from the shared
 * sample List Videos page.  Header-only (each test is one program).
 */
#ifndef CATALOG_FIXTURE_H
#define CATALOG_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "catalog_db.h"
#include "catalog_rows.h"
#include "catalog_update.h"
#include "jsonfile.h"
#include "video_parse.h"

/* s copied into the rows' arena, as catalog_read() makes them, or exits. */
static inline char *
fixture_rows_dup(struct catalog_rows *r, const char *s)
{
	char *p = arena_strdup(&r->mem, s);

	if (p == NULL)
		exit(1);
	return p;
}

/* A fresh directory under $ARTIFACTS (or /tmp); the path is static storage per call site. */
static inline char *
fixture_tmpdir(char *buf, size_t len, const char *name)
{
	const char *base = getenv("ARTIFACTS");

	snprintf(buf, len, "%s/%s-XXXXXX", base != NULL && base[0] ? base : "/tmp", name);
	if (mkdtemp(buf) == NULL) {
		perror(buf);
		exit(1);
	}
	return buf;
}

/*
 * The whole file at path, malloc'd with a NUL after its bytes (one byte of
 * room past *len), or NULL (*len 0) when it cannot be read.
 */
static inline char *
fixture_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *d = NULL;
	long n = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (d = malloc((size_t)n + 1)) != NULL && fread(d, 1, (size_t)n, f) != (size_t)n) {
		free(d);
		d = NULL;
	}
	fclose(f);
	if (d != NULL) {
		d[n] = '\0';
		*len = (size_t)n;
	}
	return d;
}

static inline void
fixture_write(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static inline void
fixture_mkdir(const char *dir, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) != 0) {
		perror(path);
		exit(1);
	}
}

static int
fixture_guid_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bunny_video *)a)->guid,
	    ((const struct bunny_video *)b)->guid);
}

/*
 * Parses $SHARED/testdata/bunny/videos-page-1.json into v (sorted by guid);
 * returns the count (5), exits on failure.
 */
static inline size_t
fixture_sample_videos(struct bunny_video *v, size_t max)
{
	char path[1024], err[512];
	const char *shared = getenv("SHARED");
	struct bunny_page p;
	const cJSON *it;
	cJSON *root;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/testdata/bunny/videos-page-1.json",
	    shared != NULL ? shared : "../shared");
	if ((root = json_load_file(path, err, sizeof(err))) == NULL ||
	    page_parse(root, &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	cJSON_ArrayForEach(it, p.items) {
		if (n == max || video_parse(it, &v[n], err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
		n++;
	}
	cJSON_Delete(root);
	qsort(v, n, sizeof(*v), fixture_guid_cmp);
	return n;
}

/* a and b the same video, field by field, its print included. */
static inline int
fixture_same_row(const struct catalog_video_row *a, const struct catalog_video_row *b)
{
	size_t i;

	if (strcmp(a->guid, b->guid) != 0 || strcmp(a->title, b->title) != 0 ||
	    strcmp(a->description, b->description) != 0 || a->length != b->length ||
	    a->width != b->width || a->height != b->height || a->uploaded != b->uploaded ||
	    a->views != b->views || a->changed != b->changed ||
	    strcmp(a->thumbnail, b->thumbnail) != 0 || strcmp(a->cdn_host, b->cdn_host) != 0 ||
	    strcmp(a->collection, b->collection) != 0 ||
	    strcmp(a->meta_tags, b->meta_tags) != 0 || a->published != b->published ||
	    a->ncaptions != b->ncaptions || a->nchapters != b->nchapters ||
	    a->print != b->print || (a->captions == NULL) != (a->ncaptions == 0) ||
	    (b->captions == NULL) != (b->ncaptions == 0) ||
	    (a->chapters == NULL) != (a->nchapters == 0) ||
	    (b->chapters == NULL) != (b->nchapters == 0))
		return 0;
	for (i = 0; i < a->ncaptions; i++)
		if (strcmp(a->captions[i].srclang, b->captions[i].srclang) != 0 ||
		    strcmp(a->captions[i].label, b->captions[i].label) != 0)
			return 0;
	for (i = 0; i < a->nchapters; i++)
		if (strcmp(a->chapters[i].title, b->chapters[i].title) != 0 ||
		    a->chapters[i].start != b->chapters[i].start ||
		    a->chapters[i].end != b->chapters[i].end)
			return 0;
	return 1;
}

/* Runs sql on db (a connection of its own, as any other writer), exits on failure. */
static inline void
fixture_exec_sql(const char *db, const char *sql)
{
	sqlite3 *h;

	if (sqlite3_open(db, &h) != SQLITE_OK || sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_close(h);
}

/* Puts v through the one-video pull's write (catalog_update) with host, exits on failure. */
static inline void
fixture_update_one(const char *db, const struct bunny_video *v, const char *host)
{
	const struct bunny_video *put[1] = { v };
	struct catalog_counts c;
	char digest[65], err[512];
	size_t unknown;

	if (catalog_update(db, put, 1, NULL, 0, host, &c, &unknown, digest, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
}

#endif
