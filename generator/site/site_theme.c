/*
 * site_theme.c — theme lookup with per-file override, and hashed static
 * assets.  See site_theme.h.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "hash64.h"
#include "site_theme.h"
#include "site_write.h"

#define THEME_MAX_DEPTH	4	/* directory levels under static/ */

/* Reads DIR/rel into a malloc'd string; NULL when absent. */
static char *
read_in(const char *dir, const char *rel, size_t max, size_t *len, char **path)
{
	struct buf b, p;
	char *data;

	if (dir == NULL)
		return NULL;
	buf_init(&p, 4096);
	if (buf_printf(&p, "%s/%s", dir, rel) == -1) {
		buf_free(&p);
		return NULL;
	}
	buf_init(&b, max);
	if (buf_read_file(&b, p.data) == -1) {
		buf_free(&b);
		buf_free(&p);
		return NULL;
	}
	if (b.data == NULL && buf_putc(&b, '\0') == 0)
		b.len = 0;
	*len = b.len;
	data = buf_take(&b);
	if (path != NULL)
		*path = buf_take(&p);
	buf_free(&p);
	return data;
}

/* The tmpl loader: user theme first, then the default theme. */
static char *
theme_loader(void *arg, const char *name, size_t *len, char **path)
{
	struct theme *th = arg;
	char rel[512];
	char *s;

	if (strstr(name, "..") != NULL || name[0] == '/' ||
	    (size_t)snprintf(rel, sizeof(rel), "%s.mustache", name) >= sizeof(rel))
		return NULL;
	s = read_in(th->user, rel, TMPL_MAX_SOURCE, len, path);
	if (s == NULL)
		s = read_in(th->def, rel, TMPL_MAX_SOURCE, len, path);
	if (s != NULL) {
		th->key = h64_str(th->key, name);
		th->key = h64(th->key, s, *len);
	}
	return s;
}

const struct tmpl *
theme_template(struct theme *th, const char *name, char *err, size_t errlen)
{
	return tmpl_get(th->set, name, err, errlen);
}

static void
asset_free(struct asset *a)
{
	free(a->rel);
	free(a->key);
	free(a->path);
	free(a->url);
	free(a->data);
}

static int
asset_find(const struct theme *th, const char *rel)
{
	size_t i;

	for (i = 0; i < th->nassets; i++)
		if (strcmp(th->assets[i].rel, rel) == 0)
			return (int)i;
	return -1;
}

/* Adds (or, for an override, replaces) asset rel with its bytes. */
static int
asset_add(struct theme *th, const char *rel, char *data, size_t len, char *err, size_t errlen)
{
	struct asset a;
	struct buf b;
	const char *base, *dot;
	uint64_t h;
	size_t i;
	int at;

	memset(&a, 0, sizeof(a));
	a.data = data;
	a.len = len;
	h = h64(0, data, len);
	base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		dot = base + strlen(base);
	buf_init(&b, 1024);
	if (buf_printf(&b, "assets/%.*s.%012" PRIx64 "%s", (int)(dot - rel), rel,
	    h >> 16, dot) == -1 || !site_path_ok(b.data)) {
		snprintf(err, errlen, "theme asset '%s': unusable file name", rel);
		buf_free(&b);
		free(data);
		return -1;
	}
	a.path = strdup(b.data);
	buf_reset(&b);
	if (buf_printf(&b, "/%s", a.path ? a.path : "") == -1)
		goto oom;
	a.url = buf_take(&b);
	a.rel = strdup(rel);
	a.key = strdup(rel);
	if (a.path == NULL || a.url == NULL || a.rel == NULL || a.key == NULL)
		goto oom;
	for (i = 0; a.key[i] != '\0'; i++)
		if (!((a.key[i] >= 'a' && a.key[i] <= 'z') || (a.key[i] >= 'A' && a.key[i] <= 'Z') ||
		    (a.key[i] >= '0' && a.key[i] <= '9')))
			a.key[i] = '_';
	th->key = h64_str(th->key, a.path);
	if ((at = asset_find(th, rel)) >= 0) {
		asset_free(&th->assets[at]);
		th->assets[at] = a;
		return 0;
	}
	if (th->nassets == THEME_MAX_ASSETS) {
		snprintf(err, errlen, "theme: more than %d static files", THEME_MAX_ASSETS);
		asset_free(&a);
		return -1;
	}
	th->assets[th->nassets++] = a;
	return 0;
oom:
	buf_free(&b);
	asset_free(&a);
	snprintf(err, errlen, "theme: out of memory");
	return -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every regular file under root/static/sub (sorted, recursively). */
static int
scan_static(struct theme *th, const char *root, const char *sub, int depth,
    char *err, size_t errlen)
{
	char dir[4096], rel[512], *names[THEME_MAX_ASSETS], *data;
	DIR *d;
	struct dirent *de;
	struct stat sb;
	size_t n = 0, i, len;
	int rc = 0;

	if (depth > THEME_MAX_DEPTH)
		return 0;
	snprintf(dir, sizeof(dir), "%s/static%s%s", root, sub[0] ? "/" : "", sub);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", dir,
		    strerror(errno)), -1);
	while ((de = readdir(d)) != NULL && n < THEME_MAX_ASSETS) {
		if (de->d_name[0] == '.')
			continue;
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(rel, sizeof(rel), "%s%s%s", sub, sub[0] ? "/" : "", names[i]);
		snprintf(dir, sizeof(dir), "%s/static/%s", root, rel);
		if (stat(dir, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			rc = scan_static(th, root, rel, depth + 1, err, errlen);
			continue;
		}
		if (!S_ISREG(sb.st_mode))
			continue;
		snprintf(dir, sizeof(dir), "static/%s", rel);
		if ((data = read_in(root, dir, THEME_MAX_ASSET_BYTES, &len, NULL)) == NULL) {
			snprintf(err, errlen, "%s/%s: cannot read (or larger than %zu bytes)",
			    root, dir, THEME_MAX_ASSET_BYTES);
			rc = -1;
			break;
		}
		rc = asset_add(th, rel, data, len, err, errlen);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

int
theme_load(struct theme *th, const char *def, const char *user,
    const char *hlsjs_path, char *err, size_t errlen)
{
	struct buf b;
	struct stat sb;

	memset(th, 0, sizeof(*th));
	th->def = def;
	th->user = user;
	if (stat(def, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "theme directory %s not found: run onlygen from the "
		    "project directory", def);
		return -1;
	}
	if (user != NULL && (stat(user, &sb) == -1 || !S_ISDIR(sb.st_mode))) {
		snprintf(err, errlen, "theme directory %s not found: check --theme or "
		    "site.json's \"theme\"", user);
		return -1;
	}
	th->assets = calloc(THEME_MAX_ASSETS, sizeof(*th->assets));
	th->set = tmpl_set_new(theme_loader, th);
	if (th->assets == NULL || th->set == NULL) {
		snprintf(err, errlen, "theme: out of memory");
		theme_free(th);
		return -1;
	}
	if (scan_static(th, def, "", 0, err, errlen) == -1 ||
	    (user != NULL && scan_static(th, user, "", 0, err, errlen) == -1)) {
		theme_free(th);
		return -1;
	}
	buf_init(&b, THEME_MAX_ASSET_BYTES);
	if (buf_read_file(&b, hlsjs_path) == -1) {
		snprintf(err, errlen, "%s: %s (run `npm ci` in the project directory, or "
		    "set HLSJS_PATH)", hlsjs_path, strerror(errno));
		buf_free(&b);
		theme_free(th);
		return -1;
	}
	if (asset_add(th, "hls.js", b.data, b.len, err, errlen) == -1) {
		theme_free(th);
		return -1;
	}
	return 0;
}

void
theme_free(struct theme *th)
{
	size_t i;

	if (th->set != NULL)
		tmpl_set_free(th->set);
	for (i = 0; i < th->nassets; i++)
		asset_free(&th->assets[i]);
	free(th->assets);
	memset(th, 0, sizeof(*th));
}
