/*
 * model.h — the published catalog as the renderer sees it: Bunny Stream
 * videos from var/catalog.db merged with the creator's editorial data from
 * content/.  The contract between the catalog half of the generator
 * (catalog.c, content.c: it fills a struct model) and the site half
 * (site_*.c: it only reads one).
 *
 * Ownership: model_load() allocates everything reachable from the model;
 * model_free() releases it and accepts a zeroed model.  Strings are UTF-8,
 * NUL-terminated, never NULL (an absent value is "").  Catalog strings are
 * raw: escaping is the renderer's job, for each output context.
 */
#ifndef ONLY_MODEL_H
#define ONLY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "access_level.h"	/* enum access_level */
#include "guid.h"		/* GUID_LEN */

/* content/site.json */
struct site_config {
	char	*title;		/* site title */
	char	*description;	/* one-line pitch for the home page and feeds */
	char	*base_url;	/* absolute, no trailing slash: https://example.com */
	char	*language;	/* BCP 47, e.g. "en" */
	char	*cdn_host;	/* Bunny pull zone host, e.g. vz-abc-123.b-cdn.net */
	char	*theme;		/* theme name, default "default" */
	char	*author;	/* creator's name for the feed */
	int	 html_urls;	/* 1: /v/<guid>.html; 0: /v/<guid>/ (directory URLs) */
	int	 page_size;	/* cards per category/tag/series page (default 48) */
	enum access_level default_access;	/* for videos without an entry */
};

struct category {
	char	*slug;		/* ASCII [a-z0-9-], unique: "raw" */
	char	*name;		/* display name: "RAW" */
	char	*colour;	/* CSS colour, e.g. "#e50914" */
	char	*icon;		/* short text or emoji */
	char	*description;
	int	 order;		/* display order, ascending */
};

struct tag {
	char	*slug;		/* ASCII [a-z0-9-], unique */
	char	*name;		/* display name */
};

struct series {
	char	*slug;		/* ASCII [a-z0-9-], unique */
	char	*title;
	char	*description;
};

struct caption {
	char	*srclang;	/* file is /{guid}/captions/{srclang}.vtt */
	char	*label;
};

struct chapter {
	char	*title;
	int32_t	 start, end;	/* seconds */
};

struct video {
	char		 guid[GUID_LEN + 1];
	char		*title;		/* editorial override applied */
	char		*description;	/* editorial override applied; may be "" */
	int64_t		 length;	/* seconds */
	int64_t		 width, height;
	int64_t		 views;
	int64_t		 uploaded;	/* Unix seconds, UTC */
	char		*thumbnail;	/* file name under /{guid}/, e.g. "thumbnail.jpg" */
	char		*cdn_host;	/* pull zone host serving this video */
	enum access_level access;
	int		 featured;
	size_t		*categories;	/* indices into model.categories */
	size_t		 ncategories;
	size_t		*tags;		/* indices into model.tags */
	size_t		 ntags;
	long		 series;	/* index into model.series, or -1 */
	int		 season, episode;	/* when series >= 0 */
	struct caption	*captions;
	size_t		 ncaptions;
	struct chapter	*chapters;
	size_t		 nchapters;
};

struct model {
	struct site_config	 site;
	struct category		*categories;	/* sorted by order */
	size_t			 ncategories;
	struct tag		*tags;		/* sorted by slug */
	size_t			 ntags;
	struct series		*series;	/* sorted by slug */
	size_t			 nseries;
	/*
	 * Published videos only (Bunny status Finished, not hidden), newest
	 * first (uploaded descending, then guid ascending: a total order).
	 */
	struct video		*videos;
	size_t			 nvideos;
	char			 digest[65];	/* hex SHA-256 of the published catalog */
};

/*
 * Loads the catalog database (path to catalog.db) and the content directory
 * and merges them.  Returns 0, or -1 with a message in err ("FILE:LINE:COL:
 * ..." for a content/ syntax error).  Warnings go to stderr unless quiet.
 */
int	model_load(struct model *m, const char *catalog_db, const char *content_dir,
	    int quiet, char *err, size_t errlen);
void	model_free(struct model *m);

#endif
