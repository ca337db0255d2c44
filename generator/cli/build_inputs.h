/*
 * build_inputs.h — `onlygen build`'s shortcut when nothing it reads has
 * changed since the last build that published (docs/site.md, "Nothing
 * changed").  The digest covers every input of the site, read from the
 * data itself: the catalog's fingerprint (catalog_read.h), content/'s and
 * the themes' names and bytes, hls.js, the onlygen binary's own bytes, and
 * the options that reach a page (base URL, CDN host, whether images are
 * fetched, a keyed hash of the token key: never the key).  The last build's
 * digest is STATE/build-inputs, written after it published and removed
 * before any build publishes, so a killed build leaves none.
 */
#ifndef ONLY_BUILD_INPUTS_H
#define ONLY_BUILD_INPUTS_H

#include <stddef.h>
#include <stdint.h>

struct build_inputs {
	const char	*catalog_db;
	const char	*content_dir;
	const char	*themes_dir;	/* the folder holding themes/default and named themes */
	const char	*theme;		/* --theme NAME or PATH as given, or NULL */
	const char	*user_theme;	/* --theme PATH (a '/' in it), or NULL */
	const char	*hlsjs_path;
	const char	*base_url;	/* --base-url, or NULL */
	const char	*cdn_host;	/* BUNNY_CDN_HOSTNAME, or NULL */
	const char	*token_key;	/* or NULL */
	int		 fetch_images;
	const char	*out_dir;
	const char	*state_dir;
	const uint64_t	*catalog_fp;	/* the catalog's fingerprint when read already, or NULL */
};

/*
 * The digest of everything in, 0; or -1 with err (then: build as usual).
 * content_key (may be NULL): the key of content/'s snapshot, a digest of
 * content/'s path and of the onlygen binary (the snapshot checks each
 * file's bytes itself, content_snap.h); content_tree (may be NULL): the
 * digest of content/'s names and bytes, which lets a snapshot that
 * recorded it be taken whole without reading content/ again.
 */
int	build_inputs_digest(const struct build_inputs *in, uint64_t *digest,
	    uint64_t *content_key, uint64_t *content_tree, char *err, size_t errlen);
/*
 * 1 when the last build recorded digest, published into this same output
 * directory (device and inode), left its manifest and access.db, and either
 * had every image or this build fetches none (*pages: how many files it
 * published); else 0.
 */
int	build_inputs_unchanged(const struct build_inputs *in, uint64_t digest, size_t *pages);
/*
 * 1 when the last build that published, and left the manifest, published
 * into this same output directory: the manifest then says what exists
 * there (a state directory shared by two output directories, or a build
 * killed since, gives 0).
 */
int	build_inputs_same_out(const struct build_inputs *in);
/* Records digest after a build that published pages files; complete: no
 * image missing. */
int	build_inputs_record(const struct build_inputs *in, uint64_t digest, size_t pages,
	    int complete, char *err, size_t errlen);
/* Removes the record (before a build publishes anything). */
void	build_inputs_forget(const struct build_inputs *in);

#endif
