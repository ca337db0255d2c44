/*
 * site_search.h — the sharded search index (docs/search.md): built once
 * per build from the model, then formatted file by file as pages of the
 * site (search/meta.json, search/t/<k>.json term shards, search/d/<k>.json
 * doc fragments, search/l/<k>.json length order, search/f/ filter
 * lists).  Doc ids run oldest first (doc d is the model's video n-1-d).
 *
 * Ownership: search_build() returns an index the caller frees with
 * search_free(); the formatters only read it (several threads at once).
 * What the next build may take from this one (search_keep.h) is taken
 * out with search_take_pending(), saved with search_keep_save() and freed
 * with search_pending_free(), before the index and the kept file.
 */
#ifndef ONLY_SITE_SEARCH_H
#define ONLY_SITE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "model.h"

#define SEARCH_FORMAT		1	/* meta.json "v": bumped when a file's shape changes */
#define SEARCH_DOCS_PER_FRAG	32	/* docs per search/d/<k>.json */
#define SEARCH_LONG_CHUNK	4096	/* ids per search/l/<k>.json */
#define SEARCH_TOKEN_MAX	32	/* code points kept of one token (longer: cut) */
#define SEARCH_SHARD_MIN	(24 * 1024)	/* a term shard is cut past this many bytes ... */
#define SEARCH_SHARD_MAX	(64 * 1024)	/* ... at a term whose hash says so, or here */
/* A term's postings stop (the oldest, lowest ids, dropped) past this many bytes, so a
 * shard stays under 1 MB (a term alone past SHARD_MAX makes its own shard). */
#define SEARCH_POSTINGS_MAX	(768 * 1024)
/* A term in the descriptions of more than DESC_SHARE_PCT % of the videos
 * (and more than DESC_MIN of them) is not indexed from descriptions. */
#define SEARCH_DESC_SHARE_PCT	10
#define SEARCH_DESC_MIN		500

/* The best field a doc matched a term in (2 bits of a posting). */
enum search_field { SF_TITLE = 0, SF_META = 1, SF_DESC = 2 };

/* The filter lists: which, and the index among them. */
enum search_filter { SFL_CATEGORY = 0, SFL_TAG = 1, SFL_ACCESS = 2 };

struct search_ix;
struct search_kept;
struct search_pending;

/*
 * The index of m.  A doc whose texts' sum kept (the last build's file,
 * NULL: none) holds takes its pairs from there, the others are folded;
 * *folded (when not NULL) says how many were.  NULL: out of memory.
 */
struct search_ix *search_build(const struct model *m, const struct search_kept *kept,
	    size_t *folded);
void	search_free(struct search_ix *x);
/* The next build's file as this index plans it (it reads the index's
 * term bytes and kept's pairs); NULL once taken. */
struct search_pending *search_take_pending(struct search_ix *x);
void	search_pending_free(struct search_pending *p);

/* How many files of each numbered kind. */
size_t	search_nshards(const struct search_ix *x);
size_t	search_nfrags(const struct search_ix *x);
size_t	search_nlong(const struct search_ix *x);

/*
 * The files, appended to out; 0 or -1 (out full).  thumbs[i] is video
 * i's root-relative 320 px thumbnail path (NULL: none written).
 */
int	search_meta(const struct search_ix *x, const struct model *m, struct buf *out);
int	search_shard(const struct search_ix *x, size_t k, struct buf *out);
int	search_frag(const struct search_ix *x, const struct model *m, const char *const *thumbs,
	    size_t k, struct buf *out);
int	search_long(const struct search_ix *x, size_t k, struct buf *out);
/* The videos fragment k lists, into vids (SEARCH_DOCS_PER_FRAG of room):
 * their number, 0 when there is no such fragment.  The thumbs search_frag()
 * reads are theirs. */
size_t	search_frag_videos(const struct search_ix *x, size_t k, size_t *vids);
int	search_filter(const struct search_ix *x, const struct model *m, int which, size_t idx,
	    struct buf *out);
/*
 * The key of each of those files (but meta.json) from the data its
 * formatter reads, mixed into seed: equal data, equal bytes, so a file
 * whose key is as it was need not be formatted.  0: no such file.
 * A fragment's guids, titles and thumbs are mixed in by card_keys[video]
 * when it is not NULL (a key that changes whenever any of the three does:
 * the site passes its card key, which covers their strings), else as
 * strings: keying every fragment then reads every video's title and thumb.
 */
uint64_t search_shard_key(const struct search_ix *x, size_t k, uint64_t seed);
uint64_t search_frag_key(const struct search_ix *x, const struct model *m,
	    const char *const *thumbs, const uint64_t *card_keys, size_t k, uint64_t seed);
uint64_t search_long_key(const struct search_ix *x, size_t k, uint64_t seed);
uint64_t search_filter_key(const struct search_ix *x, int which, size_t idx, uint64_t seed);

/*
 * site_search_fold.c: the one folding and token rule (meta.json carries
 * it to search.js).  search_tokens() calls fn(tok, len, arg) for every
 * token of the UTF-8 text s[n] (folded, at most SEARCH_TOKEN_MAX code
 * points, NUL-terminated); a non-zero return stops it and is returned.
 * search_tokens_str() does the same for the NUL-terminated s.
 * search_fold_json() appends the "fold" and "sep" members of meta.json.
 */
int	search_tokens(const char *s, size_t n, int (*fn)(const char *, size_t, void *), void *arg);
int	search_tokens_str(const char *s, int (*fn)(const char *, size_t, void *), void *arg);
int	search_fold_json(struct buf *out);

#endif
