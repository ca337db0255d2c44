/*
 * test_content_snap.c — content/'s parsed entries kept between builds
 * (generator/model/content_snap.c): a load through the snapshot gives the
 * entries and the warnings a parse gives; another key, a truncated or a
 * flipped byte makes it absent (parsed again, rewritten), never an error
 * and never half an answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "content.h"
#include "content_snap.h"
#include "content_same.h"
#include "hash64.h"

#define A	"3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
#define B	"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define C	"d9d9ab1f-fc9f-4488-9c26-4ffc653c0024"

static const char site_json[] =
    "{ \"title\": \"t\", \"base_url\": \"https://example.com\",\n"
    "  \"categories\": [ { \"slug\": \"raw\", \"name\": \"RAW\", \"order\": 1 },\n"
    "    { \"slug\": \"art\", \"name\": \"ART\", \"order\": 2 } ] }\n";
static const char b_json[] =
    "{ \"categories\": [\"art\", \"raw\"], \"tags\": [\"Night Life\", \"東京\"],\n"
    "  \"series\": { \"slug\": \"tokyo-nights\", \"season\": 1, \"episode\": 2 },\n"
    "  \"access\": \"ppv\", \"featured\": true, \"title\": \"Override <b>\",\n"
    "  \"colour\": \"red\" }\n";
static const char group_json[] =
    "{ \"videos\": {\n"
    "  \"" C "\": { \"hidden\": true, \"description\": \"d\\u00e9j\\u00e0\" },\n"
    "  \"" A "\": { \"access\": \"public\", \"tags\": [] },\n"
    "  \"not-a-guid\": {} } }\n";

/* Loads dir through snap into c, warnings into w: content_load_snap's result. */
static int
load(const char *dir, const struct content_snap *snap, struct content *c, struct lines *w)
{
	struct reporter r = { collect, w };
	char err[512];
	int rc;

	w->len = 0;
	w->text[0] = '\0';
	if ((rc = content_load_snap(c, dir, &r, snap, err, sizeof(err))) != 0)
		fprintf(stderr, "# %s\n", err);
	return rc;
}

/* Rewrites byte at (from the end when negative) of path, or cuts it to len. */
static void
damage(const char *path, long at, long cut)
{
	struct stat sb;
	unsigned char ch;
	int fd = open(path, O_RDWR);

	if (fd == -1 || fstat(fd, &sb) == -1) {
		perror(path);
		exit(1);
	}
	if (cut >= 0) {
		if (ftruncate(fd, cut) == -1)
			perror("ftruncate");
	} else {
		off_t off = at < 0 ? sb.st_size + at : at;

		if (pread(fd, &ch, 1, off) != 1 || (ch ^= 0x20, pwrite(fd, &ch, 1, off)) != 1)
			perror("pread/pwrite");
	}
	close(fd);
}

/*
 * The first category index of guid's entry in the snapshot at path set to
 * v, the payload's sum made right again: a snapshot whose header and
 * records hold, and whose entries do not (decoded on a thread of their
 * own: content_snap_read_begin).  0, or -1 when the entry was not found.
 */
static int
bad_category(const char *path, const char *guid, uint32_t v)
{
	static const char magic[] = "onlygen content-snap 4\n";
	static char data[65536];
	const size_t head = sizeof(magic) - 1 + 4 * sizeof(uint64_t);
	struct content_entry e;
	FILE *f = fopen(path, "r+b");
	size_t n = f != NULL ? fread(data, 1, sizeof(data), f) : 0, at, last = SIZE_MAX;
	uint32_t nc;
	uint64_t sum;

	for (at = head; at + sizeof(e.guid) + 8 <= n; at++)
		if (memcmp(data + at, guid, GUID_LEN + 1) == 0)
			last = at;	/* the entries come last */
	if (f == NULL || last == SIZE_MAX || n <= head) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	memcpy(&nc, data + last + sizeof(e.guid), 4);
	if (nc == 0) {
		fclose(f);
		return -1;
	}
	memcpy(data + last + sizeof(e.guid) + 4, &v, 4);
	sum = h64_sum(0, data + head, n - head);
	memcpy(data + sizeof(magic) - 1 + 3 * sizeof(uint64_t), &sum, 8);
	rewind(f);
	n = fwrite(data, 1, n, f);
	return fclose(f) == 0 && n > head ? 0 : -1;
}

int
main(void)
{
	char root[] = "/tmp/test_content_snap.XXXXXX", dir[64], vdir[128], path[300];
	struct content plain, first, again;
	struct lines w0, w1, w2;
	struct content_snap snap = { path, 0x1234, 0, NULL, NULL, NULL, NULL },
	    other = { path, 0x1235, 0, NULL, NULL, NULL, NULL };
	struct stat sb;
	ino_t ino;
	static const long harm[][2] = { { -1, -1 }, { 30, -1 }, { 70, -1 }, { -1, 40 }, { -1, 0 } };
	/* the key the file holds: the caller's, with site.json's bytes mixed in */
	uint64_t file_key = h64_int(snap.key, (int64_t)h64(0, site_json, strlen(site_json)));
	size_t i;

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/content", root);
	snprintf(vdir, sizeof(vdir), "%s/videos", dir);
	snprintf(path, sizeof(path), "%s/content.snap", root);
	if (mkdir(dir, 0755) == -1 || mkdir(vdir, 0755) == -1)
		return 1;
	put(dir, "site.json", site_json);
	put(vdir, B ".json", b_json);
	put(vdir, "group.json", group_json);

	CHECK(load(dir, NULL, &plain, &w0) == 0 && plain.nentries == 3, "content/ parsed (3 entries)");
	CHECK(strstr(w0.text, "colour") != NULL && strstr(w0.text, "not-a-guid") != NULL,
	    "the parse warns (unknown field, not a GUID)");
	CHECK(load(dir, &snap, &first, &w1) == 0 && same(&plain, &first) &&
	    strcmp(w0.text, w1.text) == 0, "no snapshot yet: parsed, same entries and warnings");
	CHECK(stat(path, &sb) == 0 && sb.st_size > 0, "the snapshot is written");
	ino = sb.st_ino;
	CHECK(load(dir, &snap, &again, &w2) == 0 && same(&plain, &again),
	    "from the snapshot: the same entries, field for field");
	CHECK(strcmp(w0.text, w2.text) == 0, "from the snapshot: the same warnings, in order");
	CHECK(stat(path, &sb) == 0 && sb.st_ino == ino, "a snapshot that held is not rewritten");
	content_free(&first);
	content_free(&again);

	CHECK(load(dir, &other, &again, &w2) == 0 && same(&plain, &again) &&
	    strcmp(w0.text, w2.text) == 0, "another key: parsed again, the same answer");
	content_free(&again);
	CHECK(load(dir, &snap, &again, &w2) == 0 && same(&plain, &again),
	    "the snapshot was rewritten for the other key, then again for this one");
	content_free(&again);

	for (i = 0; i < sizeof(harm) / sizeof(harm[0]); i++) {
		struct content_snap_set set = { 0 };
		FILE *f;
		char data[65536];
		size_t n;

		/* a snapshot for this key, then damaged */
		CHECK(load(dir, &other, &again, &w2) == 0, "rewritten (round %zu)", i);
		content_free(&again);
		CHECK(load(dir, &snap, &again, &w2) == 0, "rewritten for this key (round %zu)", i);
		content_free(&again);
		damage(path, harm[i][0], harm[i][1]);
		f = fopen(path, "rb");
		n = f != NULL ? fread(data, 1, sizeof(data), f) : 0;
		if (f != NULL)
			fclose(f);
		CHECK(content_snap_parse(data, n, file_key, 2, &set) == 0 && set.nfiles == 0 &&
		    set.files == NULL, "damage %zu (byte %ld, cut %ld): absent, nothing "
		    "kept of it", i, harm[i][0], harm[i][1]);
		CHECK(load(dir, &snap, &again, &w2) == 0 && same(&plain, &again) &&
		    strcmp(w0.text, w2.text) == 0, "damage %zu: parsed again, the same answer", i);
		content_free(&again);
	}

	/* the entries decoded on a thread: the same as read at once */
	{
		struct content_snap_set at_once = { 0 }, split = { 0 };
		struct content_snap_pending *pd = NULL;
		int same_entries;

		CHECK(load(dir, &snap, &again, &w2) == 0, "a snapshot for this key");
		content_free(&again);
		CHECK(content_snap_read(&snap, file_key, 2, &at_once) == 1 &&
		    content_snap_read_begin(&snap, file_key, 2, &split, &pd) == 1 && pd != NULL,
		    "read at once, and begun: its files there, its entries pending");
		CHECK(split.nfiles == at_once.nfiles && split.nentries == at_once.nentries,
		    "begun: the files and the number of entries at once");
		CHECK(content_snap_read_end(pd) == 1, "ended: the entries whole");
		same_entries = split.nentries == at_once.nentries && split.nentries == 3;
		for (i = 0; same_entries && i < split.nentries; i++)
			same_entries = strcmp(split.entries[i].guid, at_once.entries[i].guid) == 0 &&
			    split.entries[i].ncategories == at_once.entries[i].ncategories &&
			    split.entries[i].ntags == at_once.entries[i].ntags &&
			    (split.entries[i].title == NULL) == (at_once.entries[i].title == NULL) &&
			    (split.entries[i].title == NULL ||
			    strcmp(split.entries[i].title, at_once.entries[i].title) == 0);
		CHECK(same_entries, "the entries decoded on a thread are the ones read at once");
		content_snap_set_free(&at_once);
		content_snap_set_free(&split);
		CHECK(content_snap_read_end(NULL) == 1, "ending nothing: whole");

		/* entries that fail only once decoded: the set emptied at the end */
		CHECK(bad_category(path, B, 7) == 0, "an entry's category made out of range");
		CHECK(content_snap_read_begin(&snap, file_key, 2, &split, &pd) == 1 && pd != NULL,
		    "its header and files hold: begun");
		CHECK(content_snap_read_end(pd) == 0 && split.nfiles == 0 && split.files == NULL &&
		    split.entries == NULL, "ended: not whole, nothing kept of it");
		CHECK(content_snap_read(&snap, file_key, 2, &split) == 0 && split.nfiles == 0,
		    "read at once: not whole either");
		CHECK(load(dir, &snap, &again, &w2) == 0 && same(&plain, &again) &&
		    strcmp(w0.text, w2.text) == 0,
		    "a load through it: what was matched dropped, parsed again, the same answer");
		content_free(&again);
	}

	/* an edit of content/ is another key for the build (build_inputs.c);
	 * a stale snapshot read under its old key still gives the old entries,
	 * so the key is all that decides: checked by site_build.sh */
	content_free(&plain);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.json", vdir, B);
	unlink(path);
	snprintf(path, sizeof(path), "%s/group.json", vdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/site.json", dir);
	unlink(path);
	rmdir(vdir);
	rmdir(dir);
	rmdir(root);
	return check_report();
}
