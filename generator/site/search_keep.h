/*
 * search_keep.h — the search index's pairs kept between builds in
 * STATE/search-pairs (docs/search.md, "Kept pairs"): for every doc, the
 * h64 of the texts it is indexed from and the (term, field) pairs they
 * gave, with the terms' bytes.  A build takes a doc's pairs from the file
 * when the hash of its texts is one the file holds, and folds only the
 * others (site_search.c): a one-video change folds one video's texts, not
 * 100 000.  The hashes decide, not a record of what changed, so any whole
 * file with this build's key is right to use, however old.
 *
 * The file: a header (magic, version, key, counts, the h64 of the rest),
 * then ndocs records {sum, first pair, pairs}, nterms records {offset,
 * length} into the terms' bytes (each NUL-terminated, padded to 8), then
 * npairs pairs {term, field}.  The key is the caller's: onlygen itself
 * (the folding rule, the bounds, this format), as the card texts'.
 */
#ifndef ONLY_SEARCH_KEEP_H
#define ONLY_SEARCH_KEEP_H

#include <stddef.h>
#include <stdint.h>

#include "file_map.h"

/* One posting before it is one: term id and doc << 2 | field (the file
 * holds the field only: a doc's place is its record's).  8 bytes, not 12:
 * the pairs are the index task's largest block of fresh memory, whose
 * pages cost more than their bytes (docs/benchmarks.md, issue 15). */
struct search_pair {
	uint32_t	tid;
	uint32_t	post;
};

struct search_kept_doc {
	uint64_t	sum;	/* h64 of the texts the doc was indexed from */
	uint32_t	first;	/* its pairs: pairs[first .. first + n) */
	uint32_t	n;
};

struct search_kept_term {
	uint32_t	off;	/* in str, NUL-terminated */
	uint32_t	len;
};

/* Bounds a file must keep (a posting holds a doc id in 30 bits). */
#define SEARCH_KEEP_DOCS_MAX	((size_t)UINT32_MAX >> 2)
#define SEARCH_KEEP_TERM_MAX	256	/* bytes of one term: 32 code points of UTF-8 */

/* A file read: its arrays point into the mapping. */
struct search_kept {
	struct file_map			 map;
	size_t				 ndocs, nterms, nstr, npairs;
	const struct search_kept_doc	*docs;
	const struct search_kept_term	*terms;
	const char			*str;
	const struct search_pair	*pairs;
};

/*
 * Checks size bytes at data as a file with this key and, when it is whole
 * (the checksum, every count and range, every pair's term and field),
 * points k's arrays into it: 1, else 0 (k zeroed).  k does not own data.
 */
int	search_kept_parse(struct search_kept *k, const void *data, size_t size, uint64_t key);
/* The file at path mapped and parsed: 1, or 0 when absent or not usable. */
int	search_kept_load(struct search_kept *k, const char *path, uint64_t key);
void	search_kept_free(struct search_kept *k);	/* accepts a zeroed k */

/* Where a doc's pairs are, this build: the file's or fresh ones. */
struct search_doc_src {
	const struct search_pair	*p;
	uint32_t			 n;
	uint32_t			 fresh;	/* folded this build: post holds the doc */
};

/*
 * What the next build's file is written from (site_search.c makes it):
 * per doc its sum and its pairs (their fields in post's low 2 bits), the
 * terms the pairs name in id order (offsets in str), and, when some terms
 * of the ids fell out of use, the new id of each (remap[tid], or
 * UINT32_MAX: a term no pair names, not written).
 */
struct search_pending {
	size_t				 ndocs;
	uint64_t			*sums;
	struct search_doc_src		*src;
	struct search_pair		*fresh;		/* the pairs folded this build (src points in) */
	size_t				 nids;		/* term ids */
	struct search_kept_term		*ids;		/* [nids], into str */
	const char			*str;
	uint32_t			*remap;		/* [nids], or NULL: every id kept as it is */
	size_t				 nterms, nstr, npairs;	/* what is written */
};

/* The file written from p (temporary file renamed in): 0, or -1 with why. */
int	search_keep_save(const struct search_pending *p, const char *path, uint64_t key,
	    char *err, size_t errlen);

#endif
