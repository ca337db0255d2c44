/*
 * bunny_api.h — the whole Bunny Stream library as a listing: every page of
 * List Videos and List Collections, from the API (through http.h) or from
 * files holding the same envelopes (`pull --from DIR`), checked for
 * consistency (totalItems on every page, items per page, no duplicate
 * GUID) before anything is written.
 *
 * Ownership: a struct bunny_listing owns its arrays; bunny_listing_free()
 * releases them and accepts a zeroed listing.
 */
#ifndef ONLY_BUNNY_API_H
#define ONLY_BUNNY_API_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "http.h"
#include "video_parse.h"

#define BUNNY_API_DEFAULT	"https://video.bunnycdn.com"
#define BUNNY_MAX_PAGES		100000
#define BUNNY_MAX_VIDEOS	((size_t)2000000)

/* Where the library comes from and how to fetch it. */
struct bunny_source {
	const char		*api_base;	/* e.g. https://video.bunnycdn.com */
	const char		*library_id;	/* digits */
	const char		*api_key;	/* sent as AccessKey; never printed */
	int			 per_page;	/* itemsPerPage asked for (1..1000) */
	struct http_opts	 http;		/* on_done/arg are set by bunny_fetch */
	/* progress: called after each page and retry (may be NULL) */
	void			(*progress)(void *arg, size_t pages_done, size_t pages_total,
				    size_t videos, unsigned retries, const char *retry_msg);
	void			*progress_arg;
};

/* One kind of list (videos or collections) as pages arrive. */
struct bunny_list_state {
	int64_t		 total;		/* totalItems of the first page seen, -1 before */
	int64_t		 per_page;
	size_t		 pages;		/* pages expected */
	size_t		 pages_done;
};

struct bunny_listing {
	struct bunny_video	*videos;	/* sorted by guid after bunny_listing_finish */
	size_t			 nvideos, capvideos;
	struct bunny_collection	*cols;
	size_t			 ncols, capcols;
	struct bunny_list_state	 vstate, cstate;
	unsigned		 retries;
	int			 from_files;	/* pages read by bunny_read_dir, not fetched */
	struct arena		 tree;		/* the page being read: its JSON tree, reset per page */
};

enum bunny_result {
	BUNNY_OK = 0,
	BUNNY_FAILED = 1,	/* message in err */
	BUNNY_UNAUTHORIZED = 2	/* message in err: about the key */
};

/* Checks library_id (digits), api_key (set, printable), api_base (http(s)://)
 * and per_page (1..1000).  0, or -1 with err (never the key). */
/* A request's common parts for src: *base, the API base without a trailing
 * '/', and *hdr, the AccessKey and Accept headers (the key only there).
 * 0, or -1 out of memory; the caller frees both (free, http_headers_free)
 * in either case.  One setup for the listing and the single-video GET. */
struct curl_slist;
int	bunny_request_setup(const struct bunny_source *src, char **base, struct curl_slist **hdr);
int	bunny_source_valid(const struct bunny_source *s, char *err, size_t errlen);

/* Fetches the library from the API into l.  err never holds the key. */
enum bunny_result	bunny_fetch(const struct bunny_source *src, struct bunny_listing *l,
			    char *err, size_t errlen);

/*
 * Reads DIR/videos-*.json (pages 1..N in name order) and the optional
 * DIR/collections-*.json into l.  0 or -1 with err.
 */
int	bunny_read_dir(const char *dir, struct bunny_listing *l, char *err, size_t errlen);

/*
 * Adds one page of JSON text (name for messages; page is 1-based).  kind 'v'
 * for videos, 'c' for collections.  0 or -1 with err.
 */
int	bunny_add_page(struct bunny_listing *l, int kind, size_t page, const char *name,
	    const char *text, size_t len, char *err, size_t errlen);

/*
 * After all pages: checks every expected page arrived and the counts add
 * up to totalItems, sorts by GUID and refuses duplicates.  0 or -1.
 */
int	bunny_listing_finish(struct bunny_listing *l, char *err, size_t errlen);

void	bunny_listing_free(struct bunny_listing *l);

#endif
