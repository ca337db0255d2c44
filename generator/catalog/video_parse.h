/*
 * video_parse.h — Bunny Stream API JSON (VideoModel, CollectionModel, the
 * paged list envelope) to C structs.  Pure functions: no I/O, no globals;
 * the fuzz target is video_parse().
 *
 * Ownership: a struct bunny_video owns its strings and arrays;
 * bunny_video_free() releases them and accepts a zeroed struct.  The five
 * strings of a parsed video share one allocation (block): replace one only
 * to restore it before bunny_video_free().
 */
#ifndef ONLY_VIDEO_PARSE_H
#define ONLY_VIDEO_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "model.h"

#define BUNNY_STATUS_FINISHED	4	/* VideoModelStatus (not the webhook enum) */
#define BUNNY_MAX_CAPTIONS	64	/* per video; more is an API error */
#define BUNNY_MAX_CHAPTERS	1024
#define BUNNY_MAX_TEXT		(1 << 20)	/* bytes per string field */

struct bunny_caption {
	char	*srclang;
	char	*label;
};

struct bunny_chapter {
	char	*title;
	int32_t	 start, end;
};

struct bunny_video {
	char			 guid[GUID_LEN + 1];	/* lower case */
	char			*title;		/* "" when null */
	char			*description;	/* "" when null */
	int64_t			 length, width, height, views;
	int64_t			 uploaded;	/* Unix seconds (UTC) */
	char			*thumbnail;	/* "" when null */
	char			*collection;	/* collection GUID or "" */
	int			 status;	/* VideoModelStatus */
	char			*meta_tags;	/* "tags"/"keywords" metaTags, comma-joined; "" */
	struct bunny_caption	*captions;
	size_t			 ncaptions;
	struct bunny_chapter	*chapters;
	size_t			 nchapters;
	/* video_parse() allocates title, description, thumbnail, collection
	 * and meta_tags as one block, owned here (NULL: each string is its
	 * own allocation, as a hand-built video's are) */
	char			*block;
};

struct bunny_collection {
	char	 guid[GUID_LEN + 1];
	char	*name;
};

/* The paged envelope {totalItems, currentPage, itemsPerPage, items}. */
struct bunny_page {
	int64_t		 total;
	int64_t		 current;
	int64_t		 per_page;
	const cJSON	*items;		/* borrowed array (may be empty), never NULL */
};

/*
 * Parses one VideoModel.  Strings are repaired to valid UTF-8; missing or
 * null optional fields take defaults (0, "").  Returns 0, or -1 with a
 * message in err (a missing or malformed guid, a wrong type, a value out
 * of range); on failure v is left zeroed.
 */
int	video_parse(const cJSON *item, struct bunny_video *v, char *err, size_t errlen);
void	bunny_video_free(struct bunny_video *v);

/* Parses one CollectionModel (guid, name).  0 or -1 with err. */
int	collection_parse(const cJSON *item, struct bunny_collection *c, char *err,
	    size_t errlen);

/* Checks the envelope's shape and fills p.  0 or -1 with err. */
int	page_parse(const cJSON *root, struct bunny_page *p, char *err, size_t errlen);

/*
 * Parses a Bunny date-time: YYYY-MM-DDTHH:MM:SS, 0-7 fractional digits,
 * optional Z or ±HH:MM (no offset means UTC).  0 and *t, or -1.
 */
int	bunny_parse_date(const char *s, int64_t *t);

#endif
