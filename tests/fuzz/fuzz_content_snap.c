/*
 * fuzz_content_snap.c — fuzz target for the reader of content/'s snapshot
 * (generator/model/content_snap.c): the input is a snapshot's payload; the
 * header (magic, key, content/'s digest, length, h64 of the payload) is
 * made to match it, so every input reaches the field-by-field reader,
 * which must refuse what it cannot read whole and leak nothing; what it
 * accepts is whole: every entry in its sorted place, once.
 * libFuzzer entry point; -DFUZZ_STANDALONE gives a main() that replays
 * files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content_snap.h"
#include "hash64.h"

#define MAGIC	"onlygen content-snap 4\n"
#define KEY	0x66757a7aULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t head = sizeof(MAGIC) - 1 + 4 * sizeof(uint64_t), i, j, n;
	uint64_t v[4] = { KEY, 7, size, h64_sum(0, data, size) };
	struct content_snap_set set = { 0 };
	char *snap;

	if ((snap = malloc(head + size + 1)) == NULL)
		return 0;
	memcpy(snap, MAGIC, sizeof(MAGIC) - 1);
	memcpy(snap + sizeof(MAGIC) - 1, v, sizeof(v));
	if (size > 0)
		memcpy(snap + head, data, size);
	/* indices 0..2 are categories site.json would have */
	if (content_snap_parse(snap, head + size, KEY, 3, &set) == 1) {
		for (i = n = 0; i < set.nfiles; i++) {
			if (set.files[i].name == NULL)
				abort();
			for (j = 0; j < set.files[i].nrecs; j++)
				if (set.files[i].recs[j].has_entry &&
				    (++n, set.files[i].recs[j].rank >= set.nentries))
					abort();
		}
		if (n != set.nentries || set.tree != 7)
			abort();
		for (i = 0; i < set.nentries; i++)
			if (strlen(set.entries[i].guid) != 36)
				abort();
	} else if (set.nfiles != 0 || set.files != NULL || set.entries != NULL)
		abort();	/* absent: nothing kept */
	content_snap_set_free(&set);
	free(snap);
	return 0;
}

#include "standalone.h"
