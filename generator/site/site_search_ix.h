/*
 * site_search_ix.h — the search index's layout (site_search.h), shared by
 * its builder (site_search.c) and its files' formatters and keys
 * (site_search_files.c); nothing else reads it.
 */
#ifndef ONLY_SITE_SEARCH_IX_H
#define ONLY_SITE_SEARCH_IX_H

#include <stddef.h>
#include <stdint.h>

#include "search_keep.h"

struct term {
	uint32_t	off, len;	/* its bytes in x->str */
	uint32_t	first, npost;	/* its postings in x->post */
	uint32_t	bytes;		/* of its entry in a shard */
};

/*
 * Doc ids run oldest first: doc d is video n - 1 - d of the model's
 * newest-first order.  A new video (the newest, nearly always) then takes
 * the next id and shifts none: only its own fragment, its words' shards and
 * its filters' lists change, not every file after it.
 */
#define DOC_VIDEO(n, d)	((n) - 1 - (d))

struct search_ix {
	size_t		 n;		/* docs */
	char		*str;		/* term bytes, each NUL-terminated */
	size_t		 nstr, capstr;
	struct term	*terms;		/* in sorted order once built */
	size_t		 nterms, capterms;
	uint32_t	*post;		/* doc << 2 | field, per term in doc order */
	size_t		*shard;		/* first term of each shard */
	size_t		 nshards;
	uint32_t	*longest;	/* doc ids by length, longest first */
	/* filter lists, CSR: categories, then tags, then the 3 access levels */
	size_t		*foff;
	uint32_t	*fids;
	size_t		 ncat, ntag;
	/* building only */
	uint32_t	*slot;		/* open addressing: tid + 1, or 0 */
	size_t		 nslot;
	struct tbuild	*tb;		/* per term, as x->terms */
	struct search_pair *pairs;	/* the docs folded this build, in doc order */
	size_t		 npairs, cappairs;
	uint32_t	 doc;
	uint8_t		 field;
	int		 oom;
	/*
	 * The terms of each category name, tag slug, tag name and series
	 * title, as interned the first time a video shows it: later videos
	 * replay the ids instead of folding the same text again.
	 */
	struct meta_span *meta;		/* per text, see meta_slot() */
	uint32_t	*mtid;
	size_t		 nmtid, capmtid;
	int		 recording;	/* on_token appends its ids to mtid */
	/*
	 * Doc by doc: the h64 of the texts it is indexed from and where its
	 * pairs are, the last build's file (kept: search_keep.h) when it holds
	 * that sum, else the ones folded here.  The video's own texts enter
	 * that sum as its model_texts() (own: the doc being summed), read
	 * only when they changed.
	 */
	uint64_t	*dsum;
	uint64_t	 own;
	struct search_doc_src *src;
	const struct search_kept *kept;	/* NULL: every doc folded */
	uint32_t	*kslot;		/* kept docs by sum: index + 1, or 0 */
	size_t		 nkslot;
	uint64_t	*msum;		/* per meta text: its h64, 0 until needed */
	size_t		 folded;	/* docs folded, not taken from kept */
	struct search_pending *pending;	/* what the next build's file is written from */
};

/* A term while the pairs are added. */
struct tbuild {
	size_t		last_pair;	/* its pair in the last doc it was folded in */
	uint32_t	last_doc;	/* 1 + that doc, or 0 */
	uint32_t	npairs;		/* its pairs (one per doc), counted once all are known */
	uint32_t	ndesc;		/* of which in the description only */
};

struct meta_span {
	uint32_t	off, n;		/* in x->mtid */
	uint8_t		done;
};

#endif
