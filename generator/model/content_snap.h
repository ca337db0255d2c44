/*
 * content_snap.h — the parsed entries of content/videos/, kept in the
 * state directory between builds, so a build whose content/ is byte for
 * byte the last one's does not parse it again (100 000 entries: a 15 MB
 * JSON file, about a second).
 *
 * The snapshot is keyed by the caller: a digest of content/'s names and
 * bytes, its path and the onlygen binary (docs/site.md, "Nothing
 * changed").  It holds the entry files' names, the entries, and the
 * warnings their loading gave, which a load from it replays: a creator
 * sees the same warnings on every build.  Anything unexpected in the file
 * (another key, a short or corrupt file, a bound passed) makes it absent,
 * never an error: content/ is parsed again and the snapshot rewritten.
 */
#ifndef ONLY_CONTENT_SNAP_H
#define ONLY_CONTENT_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "content.h"

struct content_snap {
	const char	*path;	/* STATE/content.snap */
	uint64_t	 key;
};

#define CONTENT_SNAP_MAX_BYTES	((size_t)1 << 30)
#define CONTENT_SNAP_WARNINGS_MAX ((size_t)16 << 20)	/* more: no snapshot is kept */

/*
 * Fills c's files and entries (c has none yet) and warnings (one line
 * each, '\n'-terminated) from the snapshot: 1 when it was there with this
 * key and whole, 0 when not (c and warnings as they were), -1 out of
 * memory.
 */
int	content_snap_read(const struct content_snap *s, struct content *c, struct buf *warnings);
/* The same from bytes already read (the fuzzer's entry). */
int	content_snap_parse(const char *data, size_t len, uint64_t key, struct content *c,
	    struct buf *warnings);
/* Writes c's files and entries and warnings, atomically; 0 or -1 (errno). */
int	content_snap_write(const struct content_snap *s, const struct content *c,
	    const struct buf *warnings);

#endif
