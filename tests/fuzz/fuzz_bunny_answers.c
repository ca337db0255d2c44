/*
 * fuzz_bunny_answers.c — fuzz target for the answers of Bunny's APIs that
 * fuzz_video_parse does not read; the first byte picks one (modulo 3):
 *   0, 1  a Storage directory listing (deploy_listing_parse) of the zone's
 *      root, or of a subdirectory, whose names
 *      become the paths a deploy compares, uploads over and deletes: every
 *      path it gives is the listed directory, "/", and one component that
 *      is not "." nor "..", has no '/', '\\' or control byte; a checksum
 *      is "" or 64 upper-case hex digits.
 *   2  a statistics answer (bunny_stats_parse): rows only for days of the
 *      window, each day once and in order, never an empty row, and counts
 *      that fit the catalog's INTEGER columns.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() (standalone.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bunny_stats.h"
#include "deploy.h"

#define FROM_DAY	20000	/* 2024-10-04 */
#define TO_DAY		20030

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_paths(const struct dlist *l, const char *dir, int files)
{
	size_t i, j, dn = strlen(dir);

	for (i = 0; i < l->n; i++) {
		const char *p = l->v[i].path, *name = p + (dn ? dn + 1 : 0);
		const char *sha = l->v[i].sha256;

		if (strncmp(p, dir, dn) != 0 || (dn && p[dn] != '/') || *name == '\0' ||
		    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			abort();
		for (j = 0; name[j] != '\0'; j++)
			if (name[j] == '/' || name[j] == '\\' ||
			    (unsigned char)name[j] < 0x20 || name[j] == 0x7f)
				abort();
		if (!files && (l->v[i].size != 0 || sha[0] != '\0'))
			abort();
		if (sha[0] != '\0') {
			if (strlen(sha) != 64)
				abort();
			for (j = 0; j < 64; j++)
				if (!((sha[j] >= '0' && sha[j] <= '9') || (sha[j] >= 'A' && sha[j] <= 'F')))
					abort();
		}
	}
}

static void
listing(const char *s, size_t n, const char *dir)
{
	struct dlist files = { 0 }, dirs = { 0 };
	char err[256];

	if (deploy_listing_parse(s, n, dir, &files, &dirs, err, sizeof(err)) == 0) {
		check_paths(&files, dir, 1);
		check_paths(&dirs, dir, 0);
	}
	dlist_free(&files);
	dlist_free(&dirs);
}

static int
stats_row(void *arg, int64_t day, uint64_t views, uint64_t watch_s)
{
	int64_t *last = arg;

	if (day < FROM_DAY || day > TO_DAY || day <= *last || (views == 0 && watch_s == 0) ||
	    views > INT64_MAX || watch_s > INT64_MAX)
		abort();
	*last = day;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	int64_t last = FROM_DAY - 1;
	char err[256];

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		listing(s, size - 1, "");
		break;
	case 1:
		listing(s, size - 1, "v/3f6c2a1e");
		break;
	default:
		(void)bunny_stats_parse(s, size - 1, FROM_DAY, TO_DAY, stats_row, &last,
		    err, sizeof(err));
		break;
	}
	return 0;
}

#include "standalone.h"
