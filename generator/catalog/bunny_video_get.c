/*
 * bunny_video_get.c — Get Video for the GUIDs a webhook named
 * (bunny_video_get.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "bunny_video_get.h"
#include "guid.h"
#include "jsonfile.h"

void
bunny_got_free(struct bunny_got *got, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bunny_video_free(&got[i].video);
		memset(&got[i], 0, sizeof(got[i]));
	}
}

/* One answer into got: 0, or -1 with err. */
static int
take(const struct http_req *r, struct bunny_got *got, char *err, size_t errlen)
{
	cJSON *root;
	char msg[384];
	int rc;

	if (!r->ok && r->status == 404) {
		got->gone = 1;
		return 0;
	}
	if (!r->ok) {
		snprintf(err, errlen, "%s", r->err[0] != '\0' ? r->err : "the request failed");
		return -1;
	}
	if ((root = json_parse_text(got->guid, r->resp.data != NULL ? r->resp.data : "",
	    r->resp.len, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "invalid JSON from the API: %s", msg);
		return -1;
	}
	rc = video_parse(root, &got->video, msg, sizeof(msg));
	cJSON_Delete(root);
	if (rc != 0) {
		snprintf(err, errlen, "video %s: %s", got->guid, msg);
		return -1;
	}
	if (strcmp(got->video.guid, got->guid) != 0) {
		snprintf(err, errlen, "asked for video %s, the API answered %s", got->guid,
		    got->video.guid);
		bunny_video_free(&got->video);
		return -1;
	}
	return 0;
}

enum bunny_result
bunny_get_videos(const struct bunny_source *src, const char *const *guids, size_t n,
    struct bunny_got *got, char *err, size_t errlen)
{
	struct http_opts o = src->http;
	struct http_client *c = NULL;
	struct curl_slist *hdr = NULL;
	struct http_req reqs[BUNNY_GET_MAX];
	enum bunny_result res = BUNNY_FAILED;
	enum http_result hr;
	char *base = NULL;
	size_t i, made = 0;

	memset(got, 0, n * sizeof(*got));
	if (n == 0 || n > BUNNY_GET_MAX) {
		snprintf(err, errlen, "from 1 to %d videos at a time", BUNNY_GET_MAX);
		return BUNNY_FAILED;
	}
	if (bunny_source_valid(src, err, errlen) != 0)
		return BUNNY_FAILED;
	for (i = 0; i < n; i++)
		if (!guid_ok(guids[i], strlen(guids[i]))) {
			snprintf(err, errlen, "'%s' is not a lower-case video GUID", guids[i]);
			return BUNNY_FAILED;
		}
	if (bunny_request_setup(src, &base, &hdr) != 0)
		goto oom;
	o.on_done = NULL;
	o.on_progress = NULL;
	o.arg = NULL;
	o.fail_fast = 0;	/* a 404 is an answer (gone), not a reason to stop */
	o.auth_hint = "check BUNNY_API_KEY (the library's API key, under Stream > API)";
	if ((c = http_client_new(&o, err, errlen)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		char *url;

		memcpy(got[i].guid, guids[i], GUID_LEN + 1);
		if (asprintf(&url, "%s/library/%s/videos/%s", base, src->library_id, guids[i]) < 0)
			goto oom;
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].url = url;
		reqs[i].headers = hdr;
		made++;
	}
	hr = http_run(c, reqs, n, NULL);
	if (hr == HTTP_UNAUTHORIZED) {
		for (i = 0; i < n && (reqs[i].ok || reqs[i].err[0] == '\0'); i++)
			;
		snprintf(err, errlen, "%s", i < n ? reqs[i].err : "unauthorized");
		res = BUNNY_UNAUTHORIZED;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (take(&reqs[i], &got[i], err, errlen) != 0)
			goto out;
	res = BUNNY_OK;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	for (i = 0; i < made; i++) {
		free((char *)reqs[i].url);
		buf_free(&reqs[i].resp);
	}
	if (res != BUNNY_OK)
		bunny_got_free(got, n);
	http_client_free(c);
	http_headers_free(hdr);
	free(base);
	return res;
}
