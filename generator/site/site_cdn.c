/*
 * site_cdn.c — the URL of a video's file on the Bunny pull zone, unsigned.
 *
 * No page links the pull zone: thumbnails and previews are mirrored into
 * the site (site_images.c), which fetches them through these URLs with a
 * token for the one file; captions are fetched by the player with the
 * token /api/play hands out.
 */
#include <string.h>

#include "escape.h"
#include "site_int.h"
#include "site_url.h"

int
site_cdn_url(const struct video *v, const char *file, struct buf *out)
{
	size_t seg;
	const char *p;

	if (cdn_origin(out, v->cdn_host) == -1 || buf_printf(out, "/%s", v->guid) == -1)
		return -1;
	/* each path segment percent-encoded on its own: "captions/en.vtt" */
	for (p = file; ; p += seg + 1) {
		seg = strcspn(p, "/");
		if (buf_putc(out, '/') == -1)
			return -1;
		/* a "." or ".." segment from the API must not climb out of /{guid}/ */
		if ((seg == 1 && p[0] == '.') || (seg == 2 && p[0] == '.' && p[1] == '.')) {
			if (buf_puts(out, seg == 1 ? "%2E" : "%2E%2E") == -1)
				return -1;
		} else if (esc_url(out, p, seg) == -1)
			return -1;
		if (p[seg] == '\0')
			break;
	}
	return 0;
}
