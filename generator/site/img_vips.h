/*
 * img_vips.h — the libvips half of the image mirror (docs/site.md,
 * "Images"): decode a thumbnail fetched from the CDN and encode the sizes
 * the theme uses, re-encode the animated preview.  (The placeholder stills
 * are not drawn here: they are compiled into onlygen, placeholder_data.h.)
 *
 * Only JPEG, PNG, WebP and GIF are accepted (libvips can load many more
 * formats, none of which a Bunny thumbnail is), and only up to
 * IMG_MAX_PIXELS, checked from the header before anything is decoded.
 *
 * libvips starts once per command, and only when an image is to be
 * encoded (its start-up loads modules: about 0.3 s a build that has nothing
 * to encode need not pay): the command owns a struct img_lib, the build
 * calls img_start() before the first encoding, the command img_stop() at
 * the end.  The encoders may then run on several threads at once.
 * libvips is not even linked into bin/onlygen (its ~95 libraries were 15 ms
 * of every run's start): the encoders live in bin/onlygen-img.so, which the
 * first img_start() opens from the binary's directory (img_load.c,
 * img_plugin.h); a missing or refused one is img_start()'s error.
 * Ownership: an img_set owns its encoded buffers until img_set_free().
 */
#ifndef ONLY_IMG_VIPS_H
#define ONLY_IMG_VIPS_H

#include <stddef.h>

#define IMG_MAX_PIXELS	((double)100e6)	/* width x height (all frames) */

enum img_variant {
	IMG_W320,	/* 320x180 WebP: cards */
	IMG_W640,	/* 640x360 WebP */
	IMG_W1280,	/* 1280x720 WebP: hero, poster */
	IMG_JPG1280,	/* 1280x720 JPEG: og:image, feeds, sitemaps */
	IMG_PREVIEW,	/* animated WebP, at most 640 wide */
	IMG_NVARIANTS
};
#define IMG_NSTILLS	4	/* IMG_W320 .. IMG_JPG1280 */

struct img_set {
	void	*data[IMG_NVARIANTS];
	size_t	 len[IMG_NVARIANTS];
};

struct img_plugin;
struct img_lib {
	const char	*argv0;		/* for VIPS_INIT */
	int		 started;
	/* bin/onlygen-img.so's table, set by the first img_start(), kept
	 * after img_stop() (the library is never unloaded) */
	const struct img_plugin *plugin;
};

/*
 * Starts libvips unless started, opening bin/onlygen-img.so the first time
 * (0, or -1 with err: "images: cannot load PATH: why"); stops it if started.
 * Called on one thread at a time (VIPS_INIT's rule).
 */
int	img_start(struct img_lib *lib, char *err, size_t errlen);
void	img_stop(struct img_lib *lib);

/* "-320.webp" ... "-preview.webp": what follows the key in a file name. */
const char	*img_suffix(int variant);
/* Width and height of a still variant (the preview keeps its own). */
int		 img_width(int variant);
int		 img_height(int variant);

/*
 * Encodes the four stills (cropped to 16:9 around the centre) from an
 * encoded image; or the preview from an animated WebP or GIF.  0, or -1
 * with why in err (the set is then empty).
 */
int	img_encode_stills(const struct img_lib *lib, const void *src, size_t n,
	    struct img_set *out, char *err, size_t errlen);
int	img_encode_preview(const struct img_lib *lib, const void *src, size_t n,
	    struct img_set *out, char *err, size_t errlen);
void	img_set_free(const struct img_lib *lib, struct img_set *s);
/* Frees what libvips keeps per thread: a worker thread calls it last. */
void	img_thread_done(const struct img_lib *lib);

#endif
