/*
 * content_snap.h — the parsed entries of content/videos/, kept in the
 * state directory between builds, file by file and, in a plain group file
 * (content_scan.h), member by member, so a build parses only the files
 * whose bytes changed, and in those only the members whose bytes changed
 * (100 000 entries: a 15 MB JSON file, about half a second to parse).
 *
 * The snapshot is keyed by the caller: a digest of content/'s path, of
 * site.json's bytes (categories decide what an entry holds) and of the
 * onlygen binary (docs/site.md, "Nothing changed").  Each file's record
 * holds its name, length and h64, the entries it gave and the warnings
 * their loading gave, which a load from it replays: a creator sees the
 * same warnings on every build.  A member's record adds the h64 of its
 * bytes (name to value) and where its value started: one with warnings is
 * reused only where it was (its warnings name FILE:LINE:COL).  Anything
 * unexpected in the file (another key, another format, a short or corrupt
 * file, a bound passed) makes it absent, never an error: content/ is
 * parsed again and the snapshot rewritten.
 */
#ifndef ONLY_CONTENT_SNAP_H
#define ONLY_CONTENT_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "content.h"

struct content_snap_later;
struct content_snap_edits;

struct content_snap {
	const char	*path;	/* STATE/content.snap */
	uint64_t	 key;	/* content/'s path and the binary (build_inputs.h) */
	uint64_t	 tree;	/* content/'s names and bytes, 0 unknown: equal to the
				 * snapshot's, its records are taken without reading */
	size_t		*parsed;	/* NULL, or set to how many members and whole
					 * files the load parsed (SIZE_MAX: all, no snapshot used) */
	uint64_t	*prev_tree;	/* NULL, or set to the tree of the snapshot the
					 * load read (left as it was when none was read) */
	struct content_snap_later *later;	/* NULL: the load writes the new
					 * snapshot; else it leaves it there to write */
	struct content_snap_edits *edits;	/* NULL, or set to what changed
					 * against the snapshot (struct content_snap_edits) */
};

#define CONTENT_SNAP_MAX_BYTES	((size_t)1 << 30)
#define CONTENT_SNAP_WARNINGS_MAX ((size_t)16 << 20)	/* more: no snapshot is kept */

/* One member of a plain group file, or one entry of another file. */
struct content_snap_rec {
	uint64_t		 sum;		/* h64 of the member's bytes; 0 in a whole-file record */
	uint32_t		 len;		/* their length (0: whole-file, or too long to say) */
	unsigned		 line, col;	/* where its value started; 0, 0 when it was passed
						 * over by its bytes (content_reuse.c): only a
						 * record with warnings is reused by its place */
	char			*warnings;	/* its lines, each '\n'-terminated, or NULL */
	int			 has_entry;	/* a member may give only a warning */
	uint32_t		 rank;		/* its entry's place among the sorted entries */
	int			 taken;		/* reused by this build (not in the file) */
	int			 kept;		/* its entry is the last load's place rank */
	size_t			 idx;		/* its entry's place in this build's, before sorting */
};

/* One file of content/videos/ as a build read it. */
struct content_snap_file {
	char			*name;		/* as content.files holds it */
	uint64_t		 size, sum;	/* its bytes' length and h64_sum */
	int			 per_member;	/* recs: its members, in order */
	char			*warnings;	/* whole-file records: its lines, or NULL */
	struct content_snap_rec	*recs;
	size_t			 nrecs, cap;
};

struct content_snap_set {
	struct content_snap_file *files;	/* in name order */
	size_t			  nfiles, cap;
	uint64_t		  tree;		/* content/'s digest when it was written */
	struct content_entry	 *entries;	/* read: rec.rank's entry at [rank], sorted;
						 * capacity as content.c grows it */
	size_t			  nentries;	/* records with an entry */
	struct arena		  mem;		/* the read entries' blocks (in_arena): freed
						 * with the set, or moved to the content that
						 * took its entries (content.h: entry_mem) */
};

/*
 * Fills set (empty) from the snapshot: 1 when it was there with this key
 * and whole (category indices below ncat), 0 when not (set empty), -1 out
 * of memory.
 */
int	content_snap_read(const struct content_snap *s, uint64_t key, size_t ncat,
	    struct content_snap_set *set);
/* The same from bytes already read (the fuzzer's entry). */
int	content_snap_parse(const char *data, size_t len, uint64_t key, size_t ncat,
	    struct content_snap_set *set);
/*
 * content_snap_read() in two parts: the header and the files (their
 * records) now, the entries decoded on a thread of their own while the
 * caller reads content/ and matches its members against the records
 * (~120 M instructions at 100 000 entries, a third of a one-entry edit's
 * load: docs/benchmarks.md, issue 15).  Returns as content_snap_read();
 * on 1, set->entries must not be read, nor set freed, before
 * content_snap_read_end(*pending).  *pending is NULL unless 1.
 */
struct content_snap_pending;
int	content_snap_read_begin(const struct content_snap *s, uint64_t key, size_t ncat,
	    struct content_snap_set *set, struct content_snap_pending **pending);
/*
 * Waits for the entries and frees pending: 1 the snapshot was whole; 0
 * not, -1 out of memory (either way set is emptied, its files with it,
 * and what was matched against them must be dropped).  NULL: 1.
 */
int	content_snap_read_end(struct content_snap_pending *pending);

/*
 * A snapshot a load made and left to write (content_snap.later): written
 * with content_snap_save() once the caller is ready, on any thread, from
 * the content the load gave, whose entries must not change meanwhile
 * (the model's merge only reads them; a build writes it alongside).
 */
struct content_snap_later {
	struct content_snap	 snap;		/* path and tree: the load's */
	uint64_t		 key;
	struct content_snap_set	 set;		/* the records, rank giving each entry's place */
	size_t			*rank;
	int			 ready;		/* one to write */
};

/*
 * What a load through a snapshot changed, when every change was an edit of
 * entries that were there (content_snap.edits): ok is 1 when the content
 * loaded is the snapshot's with only the n entries old[] replaced, each by
 * the entry of the same GUID at now[] among the content's (sorted)
 * entries, and none of them, before or after, came with a warning: every
 * file either unchanged or a group file whose other members are, no entry
 * added or removed, site.json the same (the snapshot's key covers it).
 * old[] was moved out of the snapshot: content_snap_edits_free() releases
 * it.  ok is 0 otherwise (n 0), and when nothing changed.
 */
#define CONTENT_SNAP_EDITS_MAX	64
struct content_snap_edits {
	int			 ok;
	size_t			 n;
	struct content_entry	 old[CONTENT_SNAP_EDITS_MAX];
	size_t			 now[CONTENT_SNAP_EDITS_MAX];
};

void	content_snap_edits_free(struct content_snap_edits *edits);

/*
 * Encodes set against c and writes it atomically (path.tmp renamed in),
 * streamed: a record's entry is c's entry rank[rec.idx] (c's entries
 * sorted, rank: where sorting put each).  0, or -1 (nothing written).
 */
int	content_snap_save(const struct content_snap *s, uint64_t key,
	    const struct content_snap_set *set, const struct content *c, const size_t *rank);
/* later's snapshot written, when it has one: content_snap_save()'s result, 0 when none. */
int	content_snap_save_later(const struct content_snap_later *later, const struct content *c);
void	content_snap_later_free(struct content_snap_later *later);
void	content_snap_set_free(struct content_snap_set *set);
/* A new file record at the end of set (zeroed), or NULL out of memory. */
struct content_snap_file *content_snap_add_file(struct content_snap_set *set);
/* A new record at the end of f (zeroed), or NULL out of memory. */
struct content_snap_rec *content_snap_add_rec(struct content_snap_file *f);

#endif
