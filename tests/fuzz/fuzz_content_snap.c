/*
 * fuzz_content_snap.c — fuzz target for the reader of content/'s snapshot
 * (generator/model/content_snap.c): the input is a snapshot's payload; the
 * header (magic, key, length, h64 of the payload) is made to match it, so
 * every input reaches the field-by-field reader, which must refuse what it
 * cannot read whole and leak nothing.  libFuzzer entry point;
 * -DFUZZ_STANDALONE gives a main() that replays files (standalone.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content_snap.h"
#include "hash64.h"

#define MAGIC	"onlygen content-snap 1\n"
#define KEY	0x66757a7aULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t head = sizeof(MAGIC) - 1 + 3 * sizeof(uint64_t), i;
	uint64_t v[3] = { KEY, size, h64(0, data, size) };
	struct content c;
	struct buf w;
	char *snap;

	if ((snap = malloc(head + size + 1)) == NULL)
		return 0;
	memcpy(snap, MAGIC, sizeof(MAGIC) - 1);
	memcpy(snap + sizeof(MAGIC) - 1, v, sizeof(v));
	if (size > 0)
		memcpy(snap + head, data, size);
	memset(&c, 0, sizeof(c));
	c.ncategories = 3;	/* indices 0..2 are categories site.json would have */
	buf_init(&w, 1 << 20);
	if (content_snap_parse(snap, head + size, KEY, &c, &w) == 1) {
		/* what it accepted is whole: every entry names a file it holds */
		for (i = 0; i < c.nentries; i++)
			if (c.entries[i].file == NULL || strlen(c.entries[i].guid) != 36)
				abort();
	}
	c.ncategories = 0;	/* none were allocated */
	content_free(&c);
	buf_free(&w);
	free(snap);
	return 0;
}

#include "standalone.h"
