/*
 * site_cdn.c — URLs of a video's files on the Bunny pull zone (thumbnail,
 * animated preview, captions) as the static pages embed them.
 *
 * When the build has the pull zone's token key, these URLs are signed with
 * the verifier's Bunny signer (HS256, query form, token_path=/{guid}/ so one
 * token covers every file of the video), with an expiry that changes only
 * once per SIGN_WINDOW (see site_build.c), so unchanged pages stay
 * byte-identical between builds.  Without a key they are plain URLs.
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "site_int.h"
#include "site_url.h"

#include "bunny_sign.h"

int
site_cdn_url(const struct site_ctx *c, const struct video *v, const char *file,
    struct buf *out)
{
	size_t mark = out->len, seg;
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
	if (c->sign_expires > 0 && c->o->token_key != NULL) {
		struct bunny_sign_req req;
		char url[BUNNY_URL_MAX], signed_url[BUNNY_URL_MAX], tp[64];
		size_t n = out->len - mark;
		int len;

		if (n >= sizeof(url))
			return -1;
		memcpy(url, out->data + mark, n);
		url[n] = '\0';
		snprintf(tp, sizeof(tp), "/%s/", v->guid);
		memset(&req, 0, sizeof(req));
		req.url = url;
		req.key = c->o->token_key;
		req.key_len = strlen(c->o->token_key);
		req.expires = c->sign_expires;
		req.token_path = tp;
		if ((len = bunny_sign_url(&req, signed_url, sizeof(signed_url))) < 0)
			return -1;
		out->len = mark;
		out->data[mark] = '\0';
		return buf_put(out, signed_url, (size_t)len);
	}
	return 0;
}
