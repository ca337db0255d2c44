/*
 * img_plugin.h — the table bin/onlygen-img.so (img_vips.c, linked with
 * libvips) hands to the loader in bin/onlygen (img_load.c).
 *
 * libvips and the ~95 libraries it brings cost every run of onlygen about
 * 15 ms of dynamic linking before main(), and most runs encode nothing: so
 * the libvips half is a shared object next to the binary, opened by
 * img_start() the first time an image is to be encoded (docs/site.md,
 * "Images"; docs/architecture.md).  It exports one symbol,
 * IMG_PLUGIN_SYMBOL, a function returning this constant table; the loader
 * refuses a table whose abi or set_size differ from its own (a plugin left
 * from another build).  Change IMG_PLUGIN_ABI with any change below or to
 * struct img_set.
 *
 * The functions are those of img_vips.h, less the lib handle (the loader
 * keeps the table in struct img_lib, owned by the command): libvips'
 * state is the process's.  Ownership as in img_vips.h (the plugin's
 * set_free frees what its encoders allocated).
 */
#ifndef ONLY_IMG_PLUGIN_H
#define ONLY_IMG_PLUGIN_H

#include <stddef.h>

#include "img_vips.h"

#define IMG_PLUGIN_ABI		2	/* 2: no encode_placeholder (compiled into onlygen) */
#define IMG_PLUGIN_FILE		"onlygen-img.so"	/* beside the binary */
#define IMG_PLUGIN_SYMBOL	"onlygen_img_plugin"

struct img_plugin {
	unsigned	 abi;		/* IMG_PLUGIN_ABI */
	size_t		 set_size;	/* sizeof(struct img_set) */
	/* VIPS_INIT(argv0): 0, or -1 with err; and vips_shutdown() */
	int		(*start)(const char *argv0, char *err, size_t errlen);
	void		(*stop)(void);
	int		(*encode_stills)(const void *src, size_t n, struct img_set *out,
			    char *err, size_t errlen);
	int		(*encode_preview)(const void *src, size_t n, struct img_set *out,
			    char *err, size_t errlen);
	void		(*set_free)(struct img_set *s);
	void		(*thread_done)(void);
};

/* The one symbol the plugin exports (its type, for the plugin's definition). */
typedef const struct img_plugin	*img_plugin_fn(void);

#endif
