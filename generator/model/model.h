/*
 * model.h — the published catalog as the renderer sees it: Bunny Stream
 * videos from var/catalog.db merged with the creator's editorial data from
 * content/.  The contract between the loading half of the generator (the
 * catalog's rows and content/, merged by model_merge.h: it fills a struct
 * model) and the site half (site_*.c: it only reads one).
 *
 * Ownership: model_merge() allocates everything reachable from the model;
 * model_free() releases it and accepts a zeroed model.  Everything a video
 * points to (its strings, categories, tags, captions and chapters) lives
 * in the model's arena, mem: the catalog rows' arena (catalog_rows.h),
 * adopted, and what the merge adds.  Nothing of a video is freed alone,
 * and videos may share a string (the default thumbnail name, a CDN host).
 * The site config and the category, tag and series lists are malloc'd,
 * each string on its own.  Strings are UTF-8,
 * NUL-terminated, never NULL (an absent value is "").  Catalog strings are
 * raw: escaping is the renderer's job, for each output context.
 *
 * Returns: no function here can fail (model_merge.h fills a model).
 */
#ifndef ONLY_MODEL_H
#define ONLY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "guid.h"		/* GUID_LEN */
#include "site_config.h"	/* struct site_config, struct category */
#include "arena.h"
#include "file_map.h"

/* A video's thumbnail file when Bunny names none. */
#define MODEL_DEFAULT_THUMBNAIL	"thumbnail.jpg"

struct tag {
	char	*slug;		/* ASCII [a-z0-9-], unique */
	char	*name;		/* display name */
	uint64_t id;		/* h64 of its identity key (tag_set.h): the same tag has
				 * the same id in every build, while its slug may change
				 * ("-2" suffixes follow the set of tags) */
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
	int64_t		 changed;	/* its last change (catalog_rows.h), >= uploaded */
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
	/* model_texts_sum() of title and description, kept with the model's
	 * image; 0: not known (model_texts.h computes it then).  Whatever
	 * sets title or description sets this to 0. */
	uint64_t	 texts;
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
	struct arena	 mem;	/* all that the videos point to */
	/* a model read back from its image (model_image.h): the file mapped,
	 * which the videos' strings and arrays point into; zeroed otherwise */
	struct file_map		 image;
	/* a merged model: the catalog's kept rows mapped (catalog_rows.h),
	 * which the strings of the videos read from them point into */
	struct file_map		 rows_map;
};

/* Releases everything model_merge() allocated; accepts a zeroed model, leaves one. */
void	model_free(struct model *m);

#endif
