/*
 * site_theme.h — a theme: templates and static assets, where a user theme
 * overrides any file of the default theme by the same relative path (as
 * in Hugo).  Templates are NAME.mustache files; static assets live under
 * static/ and are published as assets/<dir>/<base>.<hash>.<ext>, so they
 * can be served immutable.  hls.js from the npm package joins the assets
 * as "hls.js".
 *
 * Ownership: theme_load() fills a theme; theme_free() releases it (and the
 * template set) and accepts a zeroed one.
 */
#ifndef ONLY_SITE_THEME_H
#define ONLY_SITE_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "tmpl.h"

#define THEME_MAX_ASSETS	256
#define THEME_MAX_ASSET_BYTES	((size_t)16 << 20)

struct asset {
	char		*rel;	/* path under static/: "site.css" */
	char		*key;	/* context name: "site_css" */
	char		*path;	/* published path: "assets/site.1a2b3c4d5e6f.css" */
	char		*url;	/* "/assets/site.1a2b3c4d5e6f.css" */
	char		*data;
	size_t		 len;
};

struct theme {
	const char	*user;		/* user theme directory or NULL */
	const char	*def;		/* default theme directory */
	struct tmpl_set	*set;
	uint64_t	 key;		/* hash of every template and asset loaded */
	struct asset	*assets;
	size_t		 nassets;
};

/*
 * Opens the theme (user may be NULL) and loads its static assets plus
 * hls.js from hlsjs_path.  Templates are compiled on demand through
 * theme_template().  0, or -1 with err.
 */
int	theme_load(struct theme *th, const char *def, const char *user,
	    const char *hlsjs_path, char *err, size_t errlen);
/* Compiles template name (e.g. "watch") and what it includes; NULL + err. */
const struct tmpl *theme_template(struct theme *th, const char *name,
	    char *err, size_t errlen);
void	theme_free(struct theme *th);

#endif
