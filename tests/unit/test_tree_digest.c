/*
 * test_tree_digest.c — the digest of a build's input folders (content/,
 * themes/): equal for equal names and bytes whatever the order they were
 * made in; moved by a byte, a name, a new empty file or folder; a missing
 * path has a digest of its own; the depth bound refuses a deeper tree.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "tree_digest.h"

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static uint64_t
digest(const char *path, int *ok)
{
	char err[1024] = "";
	uint64_t h = 0;

	*ok = tree_digest(path, &h, err, sizeof(err)) == 0;
	if (!*ok)
		fprintf(stderr, "# %s\n", err);
	return h;
}

int
main(void)
{
	char a[256], b[256], p[600];
	uint64_t ha, hb, h;
	int ok, ok2, i;

	snprintf(a, sizeof(a), "/tmp/test_tree_digest.%d.a", (int)getpid());
	snprintf(b, sizeof(b), "/tmp/test_tree_digest.%d.b", (int)getpid());
	/* the same tree, made in two orders */
	mkdir(a, 0700);
	snprintf(p, sizeof(p), "%s/videos", a); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/site.json", a); put(p, "{\"title\":\"x\"}");
	snprintf(p, sizeof(p), "%s/videos/one.json", a); put(p, "{}");
	snprintf(p, sizeof(p), "%s/videos/two.json", a); put(p, "[]");
	mkdir(b, 0700);
	snprintf(p, sizeof(p), "%s/videos", b); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/videos/two.json", b); put(p, "[]");
	snprintf(p, sizeof(p), "%s/videos/one.json", b); put(p, "{}");
	snprintf(p, sizeof(p), "%s/site.json", b); put(p, "{\"title\":\"x\"}");
	ha = digest(a, &ok);
	hb = digest(b, &ok2);
	CHECK(ok && ok2 && ha == hb, "the same names and bytes: the same digest, whatever the order");
	snprintf(p, sizeof(p), "%s/videos/two.json", b); put(p, "[ ]");
	h = digest(b, &ok);
	CHECK(ok && h != ha, "one byte more: another digest");
	snprintf(p, sizeof(p), "%s/videos/two.json", b); put(p, "{]");
	h = digest(b, &ok);
	CHECK(ok && h != ha, "one byte changed, same size: another digest");
	snprintf(p, sizeof(p), "%s/videos/two.json", b); put(p, "[]");
	CHECK(digest(b, &ok) == ha, "put back: the first digest");
	{
		char q[600];

		snprintf(p, sizeof(p), "%s/videos/two.json", b);
		snprintf(q, sizeof(q), "%s/videos/three.json", b);
		rename(p, q);
		CHECK(digest(b, &ok) != ha, "a file renamed: another digest");
		rename(q, p);
	}
	snprintf(p, sizeof(p), "%s/videos/empty.json", b); put(p, "");
	CHECK(digest(b, &ok) != ha, "an empty file added: another digest");
	unlink(p);
	snprintf(p, sizeof(p), "%s/videos/sub", b); mkdir(p, 0700);
	CHECK(digest(b, &ok) != ha, "an empty folder added: another digest");
	rmdir(p);
	CHECK(digest(b, &ok) == ha, "removed again: the first digest");
	snprintf(p, sizeof(p), "%s/site.json", a);
	CHECK(digest(p, &ok) != ha && ok, "a single file has a digest");
	snprintf(p, sizeof(p), "%s/absent", a);
	h = digest(p, &ok);
	CHECK(ok && h != 0 && h != ha, "a missing path: a digest of its own, not an error");
	/* deeper than TREE_DEPTH_MAX */
	snprintf(p, sizeof(p), "%s/d", a);
	for (i = 0; i <= TREE_DEPTH_MAX && strlen(p) + 3 < sizeof(p); i++) {
		size_t n = strlen(p);

		mkdir(p, 0700);
		snprintf(p + n, sizeof(p) - n, "/d");
	}
	{
		char err[1024] = "";
		uint64_t hd = 0;

		CHECK(tree_digest(a, &hd, err, sizeof(err)) == -1 && strstr(err, "deeper") != NULL,
		    "a tree deeper than %d levels is refused (%s)", TREE_DEPTH_MAX, err);
	}
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s %s", a, b);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", a);
	}
	return check_report();
}
