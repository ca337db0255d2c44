/*
 * fuzz_site_manifest.c — fuzz target for STATE/site-manifest's reader
 * (manifest_load, generator/base/site_write.c), rewritten for issue 15
 * (entries parsed first, then indexed; the paths kept in the file's own
 * bytes).  The input is the file; the reader must give a whole manifest
 * or an empty one (a damaged file only costs a full comparison), and what
 * it gives must hold: every entry found under its own path, and
 * manifest_put of a new path found too.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-manifest-XXXXXX", err[256];
	struct manifest mf;
	const struct mf_entry *e;
	size_t i;
	int fd;

	if ((fd = mkstemp(path)) == -1)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (manifest_load(&mf, path, NULL, err, sizeof(err)) == 0) {
		for (i = 0; i < mf.n; i++)
			if (mf.e[i].path == NULL || (e = manifest_find(&mf, mf.e[i].path)) == NULL ||
			    strcmp(e->path, mf.e[i].path) != 0)
				abort();
		if (manifest_put(&mf, "fuzz/new.html", 1, 2) == 0 &&
		    ((e = manifest_find(&mf, "fuzz/new.html")) == NULL || e->key != 1 || e->sum != 2))
			abort();
	} else if (mf.n != 0)
		abort();
	manifest_free(&mf);
	unlink(path);
	return 0;
}

#include "standalone.h"
