/*
 * site_config.h — content/site.json's settings and categories: what the
 * content loader (content.h) reads and the model (model.h) holds.  Its own
 * header so that content.h and model.h both use it and neither includes
 * the other.
 *
 * Strings are UTF-8, NUL-terminated, never NULL (an absent value is "").
 */
#ifndef ONLY_SITE_CONFIG_H
#define ONLY_SITE_CONFIG_H

#include "access_level.h"	/* enum access_level */

/* Bytes of purchase_url at most: a shop link with a campaign query fits;
 * anything longer is a paste error. */
#define PURCHASE_URL_MAX	2048

/*
 * The longest base_url (site.json or --base-url): a URL in every page's
 * canonical link; 2048 is what browsers and sitemaps (50 000 URLs of at
 * most 2048 characters) accept, less room for the page paths appended.
 */
#define BASE_URL_MAX	1024

/* content/site.json */
struct site_config {
	char	*title;		/* site title */
	char	*description;	/* one-line pitch for the home page and feeds */
	char	*base_url;	/* absolute, no trailing slash: https://example.com */
	char	*language;	/* BCP 47, e.g. "en" */
	char	*cdn_host;	/* Bunny pull zone host, e.g. vz-abc-123.b-cdn.net */
	char	*theme;		/* theme name, default "default" */
	char	*author;	/* creator's name for the feed */
	char	*purchase_url;	/* where the creator sells codes: an http(s) URL or a
				 * site path ("/buy/"); "" hides "Get a code" */
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

#endif
