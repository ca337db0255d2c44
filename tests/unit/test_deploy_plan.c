/*
 * test_deploy_plan.c — the pure core of `onlygen deploy`: the allowlist walk,
 * document/asset split, listing parse (good and hostile rows), manifest
 * round trip, the plan's decisions and order, and the purge token bucket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "deploy.h"
#include "hash64.h"
#include "site_write.h"

#define SHA_A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define SHA_B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

/* The streamed hash is the one-shot hash, however the bytes are cut. */
static void
stream_hash(void)
{
	unsigned char data[100];
	struct h64_stream st;
	size_t n, cut, i;
	int same = 1;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= sizeof(data); n += 7)
		for (cut = 0; cut <= n; cut += 3) {
			h64_begin(&st, 0, n);
			h64_update(&st, data, cut);
			for (i = cut; i < n; i++)	/* then byte by byte */
				h64_update(&st, data + i, 1);
			if (h64_end(&st) != h64(0, data, n))
				same = 0;
		}
	CHECK(same, "h64 streamed in any pieces equals h64 of the whole");
}

static void
documents(void)
{
	CHECK(deploy_is_document("index.html"), "index.html is a document");
	CHECK(deploy_is_document("v/x/index.HTML"), "case-insensitive extension");
	CHECK(deploy_is_document("sitemap.xml"), "sitemap.xml is a document");
	CHECK(deploy_is_document("feed.json"), "feed.json is a document");
	CHECK(!deploy_is_document("assets/data.json"), "anything under assets/ is an asset");
	CHECK(!deploy_is_document("poster.jpg"), "an image is an asset");
	CHECK(!deploy_is_document("app.js"), "a script is an asset");
}

static void
listing(void)
{
	struct dlist f = { 0 }, d = { 0 };
	char err[256];
	const char *good =
	    "[{\"Guid\":\"g\",\"StorageZoneName\":\"z\",\"Path\":\"/z/v/\","
	    "\"ObjectName\":\"a.html\",\"Length\":12,\"LastChanged\":\"x\","
	    "\"IsDirectory\":false,\"ServerId\":1,\"UserId\":\"u\","
	    "\"DateCreated\":\"x\",\"StorageZoneId\":1},"
	    "{\"ObjectName\":\"sub\",\"Length\":0,\"IsDirectory\":true},"
	    "{\"ObjectName\":\"b.css\",\"Length\":3,\"IsDirectory\":false,"
	    "\"Checksum\":\"" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" "\"},"
	    "{\"ObjectName\":\"c\",\"Length\":1,\"IsDirectory\":false,\"Checksum\":null}]";
	static const char *const bad[] = {
		"{}", "[{\"ObjectName\":\"..\",\"Length\":1,\"IsDirectory\":false}]",
		"[{\"ObjectName\":\"a/b\",\"Length\":1,\"IsDirectory\":false}]",
		"[{\"ObjectName\":\"\",\"Length\":1,\"IsDirectory\":false}]",
		"[{\"ObjectName\":\"a\",\"Length\":-1,\"IsDirectory\":false}]",
		"[{\"ObjectName\":\"a\",\"IsDirectory\":false}]",
		"[{\"ObjectName\":\"a\",\"Length\":1}]", "[1,", "[{\"ObjectName\":1,"
		"\"Length\":1,\"IsDirectory\":false}]",
	};
	size_t i;

	CHECK(deploy_listing_parse(good, strlen(good), "v", &f, &d, err,
	    sizeof(err)) == 0, "documented listing shape parses (%s)", err);
	dlist_sort(&f);
	CHECK(f.n == 3 && d.n == 1 && strcmp(d.v[0].path, "v/sub") == 0,
	    "files and directories are told apart, under their directory");
	CHECK(f.n == 3 && strcmp(f.v[0].path, "v/a.html") == 0 &&
	    f.v[0].size == 12 && f.v[0].sha256[0] == '\0',
	    "a listing without Checksum leaves it unknown");
	CHECK(f.n == 3 && strcmp(f.v[1].path, "v/b.css") == 0 &&
	    strcmp(f.v[1].sha256, SHA_B) == 0, "a listed Checksum is used, uppercased");
	dlist_free(&f);
	dlist_free(&d);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(deploy_listing_parse(bad[i], strlen(bad[i]), "", &f, &d, err,
		    sizeof(err)) == -1 && strstr(err, "listing of /") != NULL,
		    "hostile listing %zu refused: %s", i, err);
		dlist_free(&f);
		dlist_free(&d);
	}
}

static void
manifest(void)
{
	char dir[] = "/tmp/test_deploy_plan.XXXXXX", path[256], err[512];
	struct dlist a = { 0 }, b = { 0 };
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/m.json", dir);
	CHECK(deploy_manifest_load(path, "https://e", "z", &b, err, sizeof(err))
	    == 0 && b.n == 0, "a missing manifest is an empty one");
	CHECK(dlist_add(&a, "x/\"quoted\".html", 5, SHA_A) == 0 &&
	    dlist_add(&a, "a.css", 7, SHA_B) == 0, "build a list");
	dlist_sort(&a);
	CHECK(deploy_manifest_save(path, "https://e", "z", &a, err, sizeof(err))
	    == 0, "manifest saved (%s)", err);
	CHECK(deploy_manifest_load(path, "https://e", "z", &b, err, sizeof(err))
	    == 0 && b.n == 2 && strcmp(b.v[1].path, "x/\"quoted\".html") == 0 &&
	    b.v[1].size == 5 && strcmp(b.v[1].sha256, SHA_A) == 0,
	    "manifest round trip keeps paths, sizes, checksums");
	dlist_free(&b);
	CHECK(deploy_manifest_load(path, "https://e", "other", &b, err,
	    sizeof(err)) == 0 && b.n == 0, "another zone's manifest is ignored");
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("{\"endpoint\":\"https://e\",\"zone\":\"z\",\"files\":"
		    "{\"a\":{\"sha256\":\"nothex\",\"size\":1}}}", fp);
		fclose(fp);
	}
	CHECK(deploy_manifest_load(path, "https://e", "z", &b, err, sizeof(err))
	    == -1 && strstr(err, "delete the file") != NULL,
	    "a corrupt manifest is an error that says what to do: %s", err);
	dlist_free(&a);
	dlist_free(&b);
	unlink(path);
	rmdir(dir);
}

static const struct daction *
find(const struct dplan *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].path, path) == 0)
			return &p->v[i];
	return NULL;
}

static void
plan(void)
{
	struct dlist l = { 0 }, rf = { 0 }, rd = { 0 }, m = { 0 };
	struct dplan p;
	const struct daction *a;
	size_t i;
	int sorted = 1;

	/* local */
	dlist_add(&l, "index.html", 10, SHA_B);		/* changed page */
	dlist_add(&l, "about.html", 5, SHA_A);		/* same via manifest */
	dlist_add(&l, "v/new/index.html", 3, SHA_A);	/* new page */
	dlist_add(&l, "assets/app.2.css", 4, SHA_A);	/* new asset */
	dlist_add(&l, "logo.png", 6, SHA_B);		/* changed asset (size) */
	dlist_add(&l, "same.txt", 2, SHA_A);		/* same via listing */
	dlist_add(&l, "stale.html", 5, SHA_A);		/* manifest size differs */
	dlist_add(&l, "f", 1, SHA_A);			/* remote has dir f/ */
	dlist_add(&l, "g/x.html", 1, SHA_A);		/* remote has file g */
	/* remote */
	dlist_add(&rf, "index.html", 10, NULL);
	dlist_add(&rf, "about.html", 5, NULL);
	dlist_add(&rf, "assets/app.1.css", 4, NULL);	/* gone */
	dlist_add(&rf, "logo.png", 9, NULL);
	dlist_add(&rf, "same.txt", 2, SHA_A);
	dlist_add(&rf, "stale.html", 5, NULL);
	dlist_add(&rf, "old/a.html", 1, NULL);		/* whole dir gone */
	dlist_add(&rf, "old/deep/b.html", 1, NULL);
	dlist_add(&rf, "f/inner.html", 1, NULL);
	dlist_add(&rf, "g", 1, NULL);
	dlist_add(&rd, "assets", 0, NULL);
	dlist_add(&rd, "old", 0, NULL);
	dlist_add(&rd, "old/deep", 0, NULL);
	dlist_add(&rd, "f", 0, NULL);
	/* manifest */
	dlist_add(&m, "index.html", 10, SHA_A);		/* was A, now B */
	dlist_add(&m, "about.html", 5, SHA_A);
	dlist_add(&m, "stale.html", 4, SHA_A);		/* size mismatch: distrust */
	dlist_sort(&l);
	dlist_sort(&rf);
	dlist_sort(&rd);
	dlist_sort(&m);

	CHECK(deploy_plan_build(&l, &rf, &rd, &m, &p) == 0, "plan built");
	CHECK(p.unchanged == 2, "unchanged: one by manifest, one by listed checksum (%zu)",
	    p.unchanged);
	CHECK(find(&p, "about.html") == NULL && find(&p, "same.txt") == NULL,
	    "unchanged files are not in the plan");
	a = find(&p, "index.html");
	CHECK(a && a->op == DOP_UPLOAD && a->phase == PHASE_CHANGED_PAGES &&
	    !a->is_new, "a page whose checksum changed is a changed page");
	a = find(&p, "v/new/index.html");
	CHECK(a && a->phase == PHASE_NEW_PAGES && a->is_new, "a new page");
	a = find(&p, "assets/app.2.css");
	CHECK(a && a->phase == PHASE_ASSETS && a->is_new, "a new asset");
	a = find(&p, "logo.png");
	CHECK(a && a->phase == PHASE_ASSETS && !a->is_new, "an asset of another size");
	a = find(&p, "stale.html");
	CHECK(a && a->op == DOP_UPLOAD, "a manifest entry of another size is not trusted");
	a = find(&p, "assets/app.1.css");
	CHECK(a && a->op == DOP_DELETE_FILE && a->phase == PHASE_DELETIONS,
	    "a file gone locally is deleted last");
	a = find(&p, "old");
	CHECK(a && a->op == DOP_DELETE_DIR && a->phase == PHASE_DELETIONS,
	    "a directory gone locally goes in one DELETE");
	CHECK(find(&p, "old/a.html") == NULL && find(&p, "old/deep") == NULL &&
	    find(&p, "old/deep/b.html") == NULL,
	    "nothing under a deleted directory is deleted again");
	CHECK(p.n > 1 && p.v[0].op == DOP_DELETE_DIR && p.v[0].phase ==
	    PHASE_CONFLICTS && strcmp(p.v[0].path, "f") == 0,
	    "a remote directory where a file goes is removed first");
	CHECK(find(&p, "f/inner.html") == NULL, "its contents are not deleted separately");
	a = find(&p, "g");
	CHECK(a && a->op == DOP_DELETE_FILE && a->phase == PHASE_CONFLICTS,
	    "a remote file where a directory goes is removed first");
	for (i = 1; i < p.n; i++)
		if (p.v[i - 1].phase > p.v[i].phase)
			sorted = 0;
	CHECK(sorted, "the plan runs conflicts, assets, new pages, changed pages, deletions");
	CHECK(p.uploads == 7 && p.deletes == 2, "counts: 7 uploads, 2 deletions (%zu, %zu)",
	    p.uploads, p.deletes);
	CHECK(p.upload_bytes == 10 + 3 + 4 + 6 + 5 + 1 + 1, "upload bytes add up");
	deploy_plan_free(&p);

	/* Same inputs, nothing remote: everything new, nothing deleted. */
	{
		struct dlist none = { 0 };

		CHECK(deploy_plan_build(&l, &none, &none, &m, &p) == 0 &&
		    p.uploads == l.n && p.deletes == 0 && p.unchanged == 0,
		    "an empty zone gets every file, and the manifest alone proves nothing");
		deploy_plan_free(&p);
	}
	dlist_free(&l);
	dlist_free(&rf);
	dlist_free(&rd);
	dlist_free(&m);
}

static void
put_file(const char *dir, const char *rel, const char *text)
{
	char p[512], cmd[700];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
	CHECK(system(cmd) == 0, "mkdir for %s", rel);
	if ((f = fopen(p, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

struct warns {
	char	text[4096];
	size_t	n;
};

static void
collect_warn(void *arg, enum report_level level, const char *msg)
{
	struct warns *w = arg;

	if (level != REPORT_WARNING)
		return;
	size_t len = strlen(w->text);

	snprintf(w->text + len, sizeof(w->text) - len, "%s\n", msg);
	w->n++;
}

/* How often needle occurs in hay. */
static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
walk(void)
{
	char dir[] = "/tmp/test_deploy_walk.XXXXXX", p[512], err[512];
	struct dlist l = { 0 };
	struct manifest mf = { 0 };
	struct warns w = { .n = 0 };
	struct reporter rep = { collect_warn, &w };
	size_t i;
	/* What the build published ... */
	static const char *const built[] = {
		"index.html", "assets/a.css", "sub/var/ok.html", "x-y/z.html",
	};
	/* ... and what else lies around: never uploaded. */
	static const char *const other[] = {
		"keys.txt", "tokens.db.bak", ".env", "x/secret.txt", "var/access.db",
		"assets/extra.js", ".onlygen-staging/0", "sub/var/old.html",
		"x.keys", "x-y/zz.html",
	};

	if (mkdtemp(dir) == NULL)
		return;
	for (i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
		put_file(dir, built[i], "abc");
		CHECK(manifest_put(&mf, built[i], 1, h64(0, "abc", 3)) == 0,
		    "manifest entry %s", built[i]);
	}
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		put_file(dir, other[i], "secret");
	snprintf(p, sizeof(p), "%s/link.html", dir);
	CHECK(symlink("/etc/passwd", p) == 0, "symlink created");

	CHECK(deploy_walk(dir, &mf, &l, &rep, err, sizeof(err)) == 0,
	    "walk (%s)", err);
	CHECK(l.n == 4 && strcmp(l.v[0].path, "assets/a.css") == 0 &&
	    strcmp(l.v[1].path, "index.html") == 0 &&
	    strcmp(l.v[2].path, "sub/var/ok.html") == 0 &&
	    strcmp(l.v[3].path, "x-y/z.html") == 0,
	    "walk keeps exactly the manifest's files");
	CHECK(l.n == 4 && strcmp(l.v[1].sha256,
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD") == 0 &&
	    l.v[1].size == 3, "walk computes the uppercase SHA-256 and size");
	CHECK(count_of(w.text, "ignored keys.txt:") == 1 &&
	    count_of(w.text, "ignored tokens.db.bak:") == 1 &&
	    count_of(w.text, "ignored .env:") == 1 &&
	    count_of(w.text, "ignored x/:") == 1 &&
	    count_of(w.text, "ignored var/:") == 1 &&
	    count_of(w.text, "ignored assets/extra.js:") == 1 &&
	    count_of(w.text, "ignored .onlygen-staging/:") == 1 &&
	    count_of(w.text, "ignored sub/var/old.html:") == 1 &&
	    count_of(w.text, "ignored x.keys:") == 1 &&
	    count_of(w.text, "ignored x-y/zz.html:") == 1 &&
	    count_of(w.text, "ignored link.html:") == 1 && w.n == 11,
	    "each file or directory outside the manifest is reported once as ignored");
	CHECK(strstr(w.text, "secret.txt") == NULL,
	    "a directory the manifest has nothing under is not entered");
	dlist_free(&l);

	/* A manifest entry whose bytes changed: nothing is returned. */
	put_file(dir, "sub/var/ok.html", "abd");
	w.text[0] = '\0';
	w.n = 0;
	CHECK(deploy_walk(dir, &mf, &l, &rep, err, sizeof(err)) == -1 &&
	    strstr(err, "nothing was uploaded") != NULL &&
	    strstr(w.text, "sub/var/ok.html: its bytes are not what the build "
	    "published") != NULL, "changed bytes stop the deploy (%s)", err);
	dlist_free(&l);
	put_file(dir, "sub/var/ok.html", "abc");
	/* A missing one, and one replaced by a symbolic link. */
	snprintf(p, sizeof(p), "%s/assets/a.css", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/index.html", dir);
	unlink(p);
	CHECK(symlink("/etc/passwd", p) == 0, "index.html replaced by a link");
	w.text[0] = '\0';
	w.n = 0;
	CHECK(deploy_walk(dir, &mf, &l, &rep, err, sizeof(err)) == -1 &&
	    strstr(err, "2 files") != NULL &&
	    strstr(w.text, "assets/a.css: the build published it, but it is "
	    "missing") != NULL && strstr(w.text, "index.html: the build published "
	    "a file here, found a symbolic link") != NULL,
	    "a missing file or a link in a published file's place stops it (%s)", err);
	dlist_free(&l);
	manifest_free(&mf);
	CHECK(deploy_walk("/nonexistent-site", &mf, &l, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "onlygen build") != NULL, "a missing site says to build first");
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0, "cleanup");
	}
}

static void
purge_targets(void)
{
	struct dlist paths = { 0 }, urls = { 0 };
	char name[64];
	int i, whole;

	dlist_add(&paths, "a b.html", 0, NULL);
	dlist_add(&paths, "v/x/index.html", 0, NULL);
	dlist_add(&paths, "assets/app.css", 0, NULL);
	CHECK(deploy_purge_targets("https://cdn.example.com/", &paths, &urls, &whole) == 0 &&
	    !whole,
	    "purge targets for three files");
	CHECK(urls.n == 4 && strcmp(urls.v[0].path, "https://cdn.example.com/a%20b.html")
	    == 0 && urls.v[0].size == 0, "a file URL, percent-encoded, exact");
	CHECK(urls.n == 4 && strcmp(urls.v[1].path,
	    "https://cdn.example.com/v/x/index.html") == 0 &&
	    strcmp(urls.v[2].path, "https://cdn.example.com/v/x/") == 0 &&
	    urls.v[2].size == 1, "a page also purges its directory URL (prefix)");
	dlist_free(&urls);
	dlist_add(&paths, "index.html", 0, NULL);
	CHECK(deploy_purge_targets("https://cdn.example.com", &paths, &urls, &whole) == 0 &&
	    whole &&
	    urls.n == 0, "the root page means the whole pull zone");
	dlist_free(&paths);
	for (i = 0; i <= DEPLOY_PURGE_PREFIX_MAX; i++) {
		snprintf(name, sizeof(name), "v/%d/index.html", i);
		dlist_add(&paths, name, 0, NULL);
	}
	CHECK(deploy_purge_targets("https://c", &paths, &urls, &whole) == 0 && whole &&
	    urls.n == 0,
	    "more directory purges than the prefix budget: whole zone");
	dlist_free(&paths);
	for (i = 0; i <= DEPLOY_PURGE_URLS_MAX; i++) {
		snprintf(name, sizeof(name), "p%d.html", i);
		dlist_add(&paths, name, 0, NULL);
	}
	CHECK(deploy_purge_targets("https://c", &paths, &urls, &whole) == 0 && whole &&
	    urls.n == 0,
	    "more URLs than the exact budget: whole zone");
	dlist_free(&paths);
	dlist_free(&urls);
}

static void
bucket(void)
{
	struct dbucket b;
	double w = 0;
	int i;

	deploy_bucket_init(&b, 3, 2, 100.0);
	for (i = 0; i < 3; i++)
		w += deploy_bucket_take(&b, 100.0);
	CHECK(w == 0, "the burst is free");
	CHECK(deploy_bucket_take(&b, 100.0) == 0.5, "then one token per 1/rate seconds");
	CHECK(deploy_bucket_take(&b, 100.0) == 1.0, "debt accumulates");
	CHECK(deploy_bucket_take(&b, 110.0) == 0, "refills with time");
	deploy_bucket_init(&b, 100, 4, 0);
	for (i = 0, w = 0; i < 160; i++)
		w = deploy_bucket_take(&b, 0);
	CHECK(w == 15.0, "160 purges at once: the last waits 60/4 s (stays under 5/s)");
}

int
main(void)
{
	stream_hash();
	documents();
	listing();
	manifest();
	plan();
	walk();
	purge_targets();
	bucket();
	return check_report();
}
