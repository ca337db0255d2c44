/*
 * deploy_remote.c — what we know about the zone: one Storage directory
 * listing parsed into file and directory lists, and the manifest of the last
 * deploy (read, and written atomically).  See deploy.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "deploy.h"
#include "jsonfile.h"

/* 1 when s is 64 hex digits; stores them uppercased in out. */
static int
sha_ok(const char *s, char out[65])
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return 0;
		out[i] = c;
	}
	out[64] = '\0';
	return 1;
}

/* 1 when p is a safe relative path component.  Dotfiles are allowed: the
 * zone may hold them, we must be able to name and delete them; so here only
 * structure is checked. */
static int
component_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == '\\' ||
		    (unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return 1;
}

int
deploy_listing_parse(const char *json, size_t len, const char *dir,
    struct dlist *files, struct dlist *dirs, char *err, size_t errlen)
{
	char path[DEPLOY_MAX_PATH + 1], sha[65], jerr[256];
	const cJSON *e, *name, *length, *isdir, *sum;
	cJSON *root;
	int n, rc = -1;

	if ((root = json_parse_text("listing", json, len, jerr,
	    sizeof(jerr))) == NULL) {
		snprintf(err, errlen, "listing of /%s: %s", dir, jerr);
		return -1;
	}
	if (!cJSON_IsArray(root)) {
		snprintf(err, errlen, "listing of /%s: not a JSON array", dir);
		goto out;
	}
	cJSON_ArrayForEach(e, root) {
		name = cJSON_GetObjectItemCaseSensitive(e, "ObjectName");
		length = cJSON_GetObjectItemCaseSensitive(e, "Length");
		isdir = cJSON_GetObjectItemCaseSensitive(e, "IsDirectory");
		sum = cJSON_GetObjectItemCaseSensitive(e, "Checksum");
		if (!cJSON_IsString(name) || !cJSON_IsBool(isdir) ||
		    (!cJSON_IsTrue(isdir) && (!cJSON_IsNumber(length) ||
		    length->valuedouble < 0 || length->valuedouble > 9.0e15))) {
			snprintf(err, errlen, "listing of /%s: an entry lacks "
			    "ObjectName, IsDirectory or Length", dir);
			goto out;
		}
		if (!component_ok(name->valuestring)) {
			snprintf(err, errlen, "listing of /%s: unsafe ObjectName "
			    "\"%.80s\"", dir, name->valuestring);
			goto out;
		}
		n = snprintf(path, sizeof(path), "%s%s%s", dir, *dir ? "/" : "",
		    name->valuestring);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			snprintf(err, errlen, "listing of /%s: path too long", dir);
			goto out;
		}
		if (cJSON_IsTrue(isdir)) {
			if (dlist_add(dirs, path, 0, NULL) != 0)
				goto oom;
		} else if (dlist_add(files, path, (uint64_t)length->valuedouble,
		    cJSON_IsString(sum) && sha_ok(sum->valuestring, sha) ? sha
		    : NULL) != 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "listing of /%s: too many files or out of memory",
	    dir);
out:
	cJSON_Delete(root);
	return rc;
}

int
deploy_manifest_load(const char *path, const char *endpoint, const char *zone,
    struct dlist *out, char *err, size_t errlen)
{
	const cJSON *ep, *zn, *fl, *e, *sha, *size;
	char jerr[512], up[65];
	cJSON *root;
	int rc = -1;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if ((root = json_load_file(path, jerr, sizeof(jerr))) == NULL) {
		snprintf(err, errlen, "%s (delete the file to re-check every "
		    "file against the zone)", jerr);
		return -1;
	}
	ep = cJSON_GetObjectItemCaseSensitive(root, "endpoint");
	zn = cJSON_GetObjectItemCaseSensitive(root, "zone");
	fl = cJSON_GetObjectItemCaseSensitive(root, "files");
	if (!cJSON_IsString(ep) || !cJSON_IsString(zn) || !cJSON_IsObject(fl)) {
		snprintf(err, errlen, "%s: not a deploy manifest (delete it to "
		    "re-check every file against the zone)", path);
		goto out;
	}
	if (strcmp(ep->valuestring, endpoint) != 0 ||
	    strcmp(zn->valuestring, zone) != 0) {
		rc = 0;		/* another zone's: of no use here */
		goto out;
	}
	cJSON_ArrayForEach(e, fl) {
		sha = cJSON_GetObjectItemCaseSensitive(e, "sha256");
		size = cJSON_GetObjectItemCaseSensitive(e, "size");
		if (!cJSON_IsString(sha) || !sha_ok(sha->valuestring, up) ||
		    !cJSON_IsNumber(size) || size->valuedouble < 0 ||
		    size->valuedouble > 9.0e15) {
			snprintf(err, errlen, "%s: bad entry \"%.80s\" (delete the "
			    "file to re-check every file)", path, e->string);
			goto out;
		}
		if (dlist_add(out, e->string, (uint64_t)size->valuedouble,
		    up) != 0) {
			snprintf(err, errlen, "%s: too many entries", path);
			goto out;
		}
	}
	dlist_sort(out);
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int
deploy_manifest_save(const char *path, const char *endpoint, const char *zone,
    const struct dlist *files, char *err, size_t errlen)
{
	cJSON *root = NULL, *fl, *e;
	char *text = NULL, tmp[4096];
	size_t i, n;
	FILE *f = NULL;
	int fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((root = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(root, "version", 1) == NULL ||
	    cJSON_AddStringToObject(root, "endpoint", endpoint) == NULL ||
	    cJSON_AddStringToObject(root, "zone", zone) == NULL ||
	    (fl = cJSON_AddObjectToObject(root, "files")) == NULL)
		goto oom;
	for (i = 0; i < files->n; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			goto oom;
		cJSON_AddItemToObject(fl, files->v[i].path, e);
		if (cJSON_AddStringToObject(e, "sha256", files->v[i].sha256) == NULL ||
		    cJSON_AddNumberToObject(e, "size",
		    (double)files->v[i].size) == NULL)
			goto oom;
	}
	if ((text = cJSON_Print(root)) == NULL)
		goto oom;
	if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		goto out;
	}
	n = strlen(text);
	if (fwrite(text, 1, n, f) != n || fputc('\n', f) == EOF ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot save: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
out:
	cJSON_free(text);
	cJSON_Delete(root);
	return rc;
}
