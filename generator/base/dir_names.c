/*
 * dir_names.c — see dir_names.h.  The names are copied into one growing
 * block while reading; the pointers and the map are made once it stops
 * moving.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dir_names.h"

/* A directory's names, at most NAME_MAX + 1 bytes each: far below this. */
#define DIR_NAMES_MAX_BYTES	((size_t)1 << 31)

void
dir_names_free(struct dir_names *d)
{
	free(d->block);
	free(d->names);
	strmap_free(&d->map);
	memset(d, 0, sizeof(*d));
}

int
dir_names_load(struct dir_names *d, const char *dir, size_t max)
{
	struct buf b;
	struct dirent *de;
	DIR *dp;
	size_t i, off;
	int saved;

	memset(d, 0, sizeof(*d));
	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	buf_init(&b, DIR_NAMES_MAX_BYTES);
	errno = 0;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (d->n == max) {
			errno = E2BIG;
			goto fail;
		}
		if (buf_put(&b, de->d_name, strlen(de->d_name) + 1) == -1) {
			errno = ENOMEM;
			goto fail;
		}
		d->n++;
		errno = 0;
	}
	if (errno != 0)
		goto fail;
	closedir(dp);
	dp = NULL;
	d->block = b.data;	/* owned by d from here */
	if ((d->names = malloc((d->n ? d->n : 1) * sizeof(*d->names))) == NULL) {
		errno = ENOMEM;
		goto fail_owned;
	}
	for (i = 0, off = 0; i < d->n; i++) {
		d->names[i] = d->block + off;
		off += strlen(d->block + off) + 1;
		if (strmap_put(&d->map, d->names[i], i) == -1) {
			errno = ENOMEM;
			goto fail_owned;
		}
	}
	return 0;
fail:
	saved = errno;
	if (dp != NULL)
		closedir(dp);
	buf_free(&b);
	memset(d, 0, sizeof(*d));
	errno = saved;
	return -1;
fail_owned:
	saved = errno;
	dir_names_free(d);
	errno = saved;
	return -1;
}

int
dir_names_has(const struct dir_names *d, const char *name)
{
	return d->n > 0 && strmap_get(&d->map, name) >= 0;
}
