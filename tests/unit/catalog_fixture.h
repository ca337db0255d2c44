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

#include "catalog_db.h"
#include "catalog_rows.h"
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

#endif
