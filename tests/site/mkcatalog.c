/*
 * mkcatalog.c — test helper: writes a catalog.db from Bunny "List Videos"
 * page files, through the catalog half's own parser and writer, so site
 * tests can build without a (fake) Bunny API.
 *
 *	mkcatalog OUT.db PAGE.json...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_db.h"
#include "jsonfile.h"
#include "video_parse.h"

#define MAX_VIDEOS 200000

static int
guid_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bunny_video *)a)->guid, ((const struct bunny_video *)b)->guid);
}

int
main(int argc, char *argv[])
{
	struct bunny_video *v;
	struct catalog_counts counts;
	char err[1024], digest[65];
	size_t n = 0, i;
	int a;

	if (argc < 3) {
		fprintf(stderr, "usage: mkcatalog OUT.db PAGE.json...\n");
		return 2;
	}
	if ((v = calloc(MAX_VIDEOS, sizeof(*v))) == NULL)
		return 1;
	for (a = 2; a < argc; a++) {
		struct bunny_page p;
		const cJSON *it;
		cJSON *root = json_load_file(argv[a], err, sizeof(err));

		if (root == NULL || page_parse(root, &p, err, sizeof(err)) != 0) {
			fprintf(stderr, "mkcatalog: %s\n", err);
			return 1;
		}
		cJSON_ArrayForEach(it, p.items) {
			if (n == MAX_VIDEOS || video_parse(it, &v[n], err, sizeof(err)) != 0) {
				fprintf(stderr, "mkcatalog: %s: %s\n", argv[a], err);
				return 1;
			}
			n++;
		}
		cJSON_Delete(root);
	}
	qsort(v, n, sizeof(*v), guid_cmp);
	if (catalog_write(argv[1], v, n, NULL, 0, "", &counts, digest, err, sizeof(err)) != 0) {
		fprintf(stderr, "mkcatalog: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++)
		bunny_video_free(&v[i]);
	free(v);
	return 0;
}
