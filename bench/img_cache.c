/*
 * img_cache.c — bench/run's mirrored images (issue 15): fills STATE/img-cache
 * as a fetch would have, for every video of the model the last build left
 * (STATE/model.image), so that the rebuilds that follow are those of a site
 * whose every image is mirrored: four stills and a preview per video, five
 * more files each to publish, and each video's cache state to know.
 *
 *	img_cache STATE
 *
 * Each file holds the compiled placeholder's bytes of its size (the JPEG's
 * frame header is what the build reads of it), cut to 1 kB: the bench
 * measures what a rebuild does per image, not the bytes of real pictures
 * (hundreds of kB a video).  The image key is the build's, site_img_key().
 * Exit 0 written, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "img_vips.h"
#include "model_image.h"
#include "site_int.h"

#define CUT	1024

int
main(int argc, char *argv[])
{
	struct model_image_peek pk;
	struct model_image_meta meta;
	struct model m;
	char path[4096], err[1024], key[17];
	size_t i, len;
	int fd, s, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: img_cache STATE\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/model.image", argv[1]);
	memset(&pk, 0, sizeof(pk));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || model_image_peek(fd, &pk) != 1 ||
	    model_image_read_fd(fd, path, pk.key, &m, &meta, err, sizeof(err)) != 1) {
		fprintf(stderr, "img_cache: %s: no model image\n", path);
		model_image_peek_free(&pk);
		if (fd != -1)
			close(fd);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/img-cache", argv[1]);
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		perror(path);
		goto out;
	}
	for (i = 0; i < m.nvideos; i++) {
		const struct video *v = &m.videos[i];

		site_img_key(v, key);
		snprintf(path, sizeof(path), "%s/img-cache/%s", argv[1], v->guid);
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			perror(path);
			goto out;
		}
		for (s = IMG_W320; s <= IMG_PREVIEW; s++) {
			const unsigned char *d = site_placeholder_bytes(s == IMG_PREVIEW ? IMG_W640 : s,
			    &len);

			snprintf(path, sizeof(path), "%s/img-cache/%s/%s%s", argv[1], v->guid, key,
			    img_suffix(s));
			if (d == NULL || file_write_atomic(path, d, len < CUT ? len : CUT, 0644) == -1) {
				perror(path);
				goto out;
			}
		}
	}
	printf("%zu videos, %d files each\n", m.nvideos, IMG_PREVIEW - IMG_W320 + 1);
	rc = 0;
out:
	model_image_meta_free(&meta);	/* before the model: its rows are the image's */
	model_free(&m);
	model_image_peek_free(&pk);
	close(fd);
	return rc;
}
