/*
 * test_site_manifest.c — the site manifest (round trip, replace, many
 * entries, damaged file) and the publisher's staging, publish, same-bytes
 * and remove operations on a real directory.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "buf.h"
#include "file_release.h"
#include "site_write.h"

/* Keeps the last warning (arg: a 1024-byte buffer). */
static void
keep_warning(void *arg, enum report_level level, const char *msg)
{
	snprintf(arg, 1024, "%s%s", level == REPORT_WARNING ? "" : "(not a warning) ", msg);
}

int
main(void)
{
	struct manifest mf, back;
	struct reporter rep;
	const struct mf_entry *e;
	char dir[] = "/tmp/test_site_manifest.XXXXXX", file[256], path[64], err[512], warned[1024], want[1024];
	size_t i;
	int dfd, ok;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(file, sizeof(file), "%s/site-manifest", dir);
	CHECK(manifest_load(&mf, file, NULL, err, sizeof(err)) == 0 && mf.n == 0, "missing manifest is empty");
	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "v/%zu/index.html", i);
		if (manifest_put(&mf, path, i * 3, i * 7 + 1) != 0)
			break;
	}
	CHECK(mf.n == 5000, "5000 entries added");
	CHECK(manifest_put(&mf, "v/7/index.html", 1, 2) == 0 && mf.n == 5000, "put replaces");
	mf.access_sum = 0xabcdef;
	CHECK(manifest_save(&mf, file, err, sizeof(err)) == 0, "saved");
	CHECK(manifest_load(&back, file, NULL, err, sizeof(err)) == 0 && back.n == 5000 &&
	    back.access_sum == 0xabcdef, "loaded back");
	ok = 1;
	for (i = 0; i < 5000 && ok; i++) {
		snprintf(path, sizeof(path), "v/%zu/index.html", i);
		e = manifest_find(&back, path);
		ok = e != NULL && (i == 7 ? (e->key == 1 && e->sum == 2) :
		    (e->key == i * 3 && e->sum == i * 7 + 1));
	}
	CHECK(ok, "every entry round-trips");
	{
		ptrdiff_t shift = 0;
		const struct mf_entry *n1, *n2, *n3;

		/* listed in page order: page 10 at 10; one page added before
		 * page 20 (it is listed 21st): found by hash once, then in order */
		n1 = manifest_find_near(&back, "v/10/index.html", 10, &shift);
		n2 = manifest_find_near(&back, "v/20/index.html", 21, &shift);
		n3 = manifest_find_near(&back, "v/21/index.html", 22, &shift);
		CHECK(n1 == manifest_find(&back, "v/10/index.html") &&
		    n2 == manifest_find(&back, "v/20/index.html") &&
		    n3 == manifest_find(&back, "v/21/index.html") && shift == -1,
		    "manifest_find_near: in order, then shifted by a page added before");
		CHECK(manifest_find_near(&back, "nope.html", 3, &shift) == NULL && shift == -1,
		    "a path not there: none, the shift kept");
	}
	CHECK(manifest_find(&back, "nope.html") == NULL, "unknown path not found");
	/* a loaded manifest (paths in its text) takes new paths (copies) and
	 * replaces loaded ones; manifest_free() frees only the copies */
	CHECK(manifest_put(&back, "new/index.html", 5, 6) == 0 && back.n == 5001 &&
	    manifest_put(&back, "v/9/index.html", 8, 9) == 0 && back.n == 5001 &&
	    (e = manifest_find(&back, "v/9/index.html")) != NULL && e->key == 8 &&
	    (e = manifest_find(&back, "new/index.html")) != NULL && e->sum == 6,
	    "a loaded manifest takes new and replaced entries");
	manifest_free(&back);
	/* the streamed writer of a build's entries writes what manifest_save does,
	 * past its 1 MB chunk (5000 entries are ~200 kB: use 40 000) */
	{
		struct manifest big = { 0 };
		char file2[300];
		struct buf a, b;

		for (i = 0; i < 40000; i++) {
			snprintf(path, sizeof(path), "some/longer/path/%zu/index.html", i);
			if (manifest_put(&big, path, i * 11, i * 13 + 1) != 0)
				break;
		}
		big.access_sum = 42;
		snprintf(file2, sizeof(file2), "%s/site-manifest-2", dir);
		buf_init(&a, 0);
		buf_init(&b, 0);
		CHECK(manifest_save(&big, file, err, sizeof(err)) == 0 &&
		    manifest_save_entries(big.e, big.n, 42, 0, file2, err, sizeof(err)) == 0 &&
		    buf_read_file(&a, file) == 0 && buf_read_file(&b, file2) == 0 &&
		    a.len > ((size_t)1 << 20) && a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
		    "manifest_save_entries writes the same bytes, in chunks");
		CHECK(manifest_load(&back, file2, NULL, err, sizeof(err)) == 0 && back.n == 40000 &&
		    (e = manifest_find(&back, "some/longer/path/39999/index.html")) != NULL &&
		    e->key == 39999 * 11, "and it loads back");
		manifest_free(&back);
		manifest_free(&big);
		buf_free(&a);
		buf_free(&b);
		unlink(file2);
	}
	/* a path listed twice: the last line wins */
	f = fopen(file, "w");
	fputs("onlygen-site-manifest 1 0000000000000007\n"
	    "0000000000000001 0000000000000002 a.html\n"
	    "0000000000000003 0000000000000004 a.html\n", f);
	fclose(f);
	CHECK(manifest_load(&back, file, NULL, err, sizeof(err)) == 0 && back.n == 1 &&
	    back.access_sum == 7 && back.e[0].key == 3 && back.e[0].sum == 4,
	    "a path listed twice: one entry, the last line's");
	manifest_free(&back);
	/* among others: the entries after it move up, each still found */
	f = fopen(file, "w");
	fputs("onlygen-site-manifest 1 0000000000000007\n"
	    "0000000000000001 0000000000000002 a.html\n"
	    "0000000000000005 0000000000000006 b.html\n"
	    "0000000000000003 0000000000000004 a.html\n"
	    "0000000000000009 000000000000000a c/index.html\n", f);
	fclose(f);
	CHECK(manifest_load(&back, file, NULL, err, sizeof(err)) == 0 && back.n == 3 &&
	    strcmp(back.e[0].path, "a.html") == 0 && back.e[0].key == 3 && back.e[0].sum == 4 &&
	    strcmp(back.e[1].path, "b.html") == 0 && back.e[1].key == 5 &&
	    strcmp(back.e[2].path, "c/index.html") == 0 && back.e[2].sum == 10 &&
	    manifest_find(&back, "a.html") == &back.e[0] &&
	    manifest_find(&back, "b.html") == &back.e[1] &&
	    manifest_find(&back, "c/index.html") == &back.e[2] &&
	    manifest_find(&back, "d.html") == NULL,
	    "a repeated path among others: its first place, the last line's key, the rest in order");
	manifest_free(&back);
	manifest_free(&mf);

	/* a damaged manifest (a path escaping the site) is ignored, not trusted */
	f = fopen(file, "w");
	fputs("onlygen-site-manifest 1 0000000000000000\n0000000000000001 0000000000000002 ../../etc/passwd\n", f);
	fclose(f);
	warned[0] = '\0';
	rep.fn = keep_warning;
	rep.arg = warned;
	CHECK(manifest_load(&back, file, &rep, err, sizeof(err)) == 0 &&
	    back.n == 0, "a manifest naming an unsafe path is dropped");
	snprintf(want, sizeof(want), "%s:2: unreadable manifest line; comparing every file", file);
	CHECK_STR(warned, want, "and the caller is told which line, through its callback");
	manifest_free(&back);

	/* a key or sum is exactly 16 lower-case hex digits: any other byte, anywhere, damages it */
	{
		static const char *const bad[] = {
			"000000000000000A 0000000000000002 a.html\n",
			"0000000000000001 g000000000000002 a.html\n",
			"00000000/0000001 0000000000000002 a.html\n",
			"0000000000000001 000000000000000: a.html\n",
			"0000000000000001 000000000000000` a.html\n",
			"000000000000000G 0000000000000002 a.html\n",
			"\xff""000000000000001 0000000000000002 a.html\n",
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			f = fopen(file, "w");
			fputs("onlygen-site-manifest 1 0000000000000000\n", f);
			fputs(bad[i], f);
			fclose(f);
			CHECK(manifest_load(&back, file, NULL, err, sizeof(err)) == 0 && back.n == 0,
			    "a manifest line with a byte that is not a lower-case hex digit is dropped");
			manifest_free(&back);
		}
		f = fopen(file, "w");
		fputs("onlygen-site-manifest 1 0000000000000000\n"
		    "0123456789abcdef fedcba9876543210 a.html\n", f);
		fclose(f);
		CHECK(manifest_load(&back, file, NULL, err, sizeof(err)) == 0 && back.n == 1 &&
		    back.e[0].key == 0x0123456789abcdefULL && back.e[0].sum == 0xfedcba9876543210ULL,
		    "every hex digit read as its value");
		manifest_free(&back);
	}
	/* every byte at every one of the 32 digits' places: only a lower-case
	 * hex digit keeps the line, read as its value (the 16 digits of a
	 * field are read at once where SSE2 is) */
	{
		char line[64];
		size_t pos, wrong = 0;
		int c;

		for (pos = 0; pos < 32; pos++)
			for (c = 1; c < 256; c++) {
				size_t at = pos < 16 ? pos : pos + 1;
				int digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
				uint64_t want_v = digit ? (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10) <<
				    (4 * (15 - pos % 16)) : 0;

				if (c == '\n')
					continue;
				snprintf(line, sizeof(line), "%s", "0000000000000000 0000000000000000 a.html\n");
				line[at] = (char)c;
				f = fopen(file, "w");
				fputs("onlygen-site-manifest 1 0000000000000000\n", f);
				fwrite(line, 1, strlen(line), f);
				fclose(f);
				if (manifest_load(&back, file, NULL, err, sizeof(err)) != 0 ||
				    back.n != (size_t)digit ||
				    (digit && (pos < 16 ? back.e[0].key : back.e[0].sum) != want_v))
					wrong++;
				manifest_free(&back);
			}
		CHECK(wrong == 0, "each of 255 bytes at each of the 32 digits' places: a line kept "
		    "exactly for a lower-case hex digit, read as its value (%zu wrong)", wrong);
	}
	/* random keys and sums, every digit used: each read back */
	{
		struct manifest r = { 0 };
		uint64_t x = 0x2545f4914f6cdd1dULL;
		size_t wrong = 0;

		for (i = 0; i < 3000; i++) {
			uint64_t k, sm;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			k = x;
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			sm = x;
			snprintf(path, sizeof(path), "r/%zu.html", i);
			if (manifest_put(&r, path, k, sm) != 0)
				break;
		}
		CHECK(manifest_save(&r, file, err, sizeof(err)) == 0 &&
		    manifest_load(&back, file, NULL, err, sizeof(err)) == 0 && back.n == r.n,
		    "3000 random keys and sums saved and loaded");
		for (i = 0; i < r.n && i < back.n; i++)
			wrong += strcmp(back.e[i].path, r.e[i].path) != 0 || back.e[i].key != r.e[i].key ||
			    back.e[i].sum != r.e[i].sum;
		CHECK(wrong == 0, "each read back as written (%zu differ)", wrong);
		manifest_free(&back);
		manifest_free(&r);
	}

	/* the mirrored images' manifest beside the site's (site_image_set.c) */
	{
		struct manifest site, img, both;
		char sfile[300], ifile[300];
		uint64_t key = 0;
		size_t n = 0;

		memset(&site, 0, sizeof(site));
		memset(&img, 0, sizeof(img));
		snprintf(sfile, sizeof(sfile), "%s/site-manifest", dir);
		snprintf(ifile, sizeof(ifile), "%s/site-images", dir);
		for (i = 0; i < 300; i++) {
			snprintf(path, sizeof(path), "v/%zu/index.html", i);
			if (manifest_put(&site, path, i, i + 1) != 0)
				break;
			snprintf(path, sizeof(path), "img/%zu/k-320.webp", i);
			if (manifest_put(&img, path, 1000 + i, 2000 + i) != 0)
				break;
		}
		site.access_sum = 9;
		site.images_key = 0xabcdef;
		CHECK(manifest_save(&site, sfile, err, sizeof(err)) == 0 &&
		    manifest_save_images(img.e, img.n, 0xabcdef, ifile, err, sizeof(err)) == 0,
		    "a site manifest naming an image set, and the set's manifest, saved");
		CHECK(manifest_images_head(ifile, &key, &n) == 1 && key == 0xabcdef && n == 300,
		    "the images' first line gives the set's key and count");
		CHECK(manifest_load(&both, sfile, NULL, err, sizeof(err)) == 0 && both.n == 300 &&
		    both.access_sum == 9 && both.images_key == 0xabcdef,
		    "the site manifest loads alone, with access.db's checksum and the set's key");
		CHECK(manifest_load_images(&both, ifile, NULL, err, sizeof(err)) == 0 && both.n == 600 &&
		    (e = manifest_find(&both, "img/299/k-320.webp")) != NULL && e->key == 1299 &&
		    e->sum == 2299 && (e = manifest_find(&both, "v/0/index.html")) != NULL &&
		    e->sum == 1 && e - both.e == 0,
		    "the images' entries added after the site's, each found");
		CHECK(manifest_load_images(&both, ifile, NULL, err, sizeof(err)) == -1 && both.n == 600,
		    "loaded twice: refused, nothing added");
		manifest_free(&both);
		/* a damaged images' manifest adds nothing, with a warning */
		f = fopen(ifile, "a");
		if (f != NULL) {
			fputs("not a line\n", f);
			fclose(f);
		}
		warned[0] = '\0';
		rep.fn = keep_warning;
		rep.arg = warned;
		CHECK(manifest_load(&both, sfile, NULL, err, sizeof(err)) == 0 &&
		    manifest_load_images(&both, ifile, &rep, err, sizeof(err)) == 0 && both.n == 300 &&
		    manifest_find(&both, "img/0/k-320.webp") == NULL &&
		    manifest_find(&both, "v/299/index.html") != NULL && strstr(warned, ":302:") != NULL,
		    "a damaged images' manifest adds nothing and names its line (%s)", warned);
		manifest_free(&both);
		unlink(ifile);
		CHECK(manifest_images_head(ifile, &key, &n) == 0, "a missing one has no first line");
		CHECK(manifest_load(&both, sfile, NULL, err, sizeof(err)) == 0 &&
		    manifest_load_images(&both, ifile, NULL, err, sizeof(err)) == 0 && both.n == 300,
		    "and adds nothing");
		manifest_free(&both);
		/* a site manifest from before: its first line has no set */
		f = fopen(sfile, "w");
		if (f != NULL) {
			fputs("onlygen-site-manifest 1 0000000000000007\n"
			    "0000000000000001 0000000000000002 img/1/k-320.webp\n", f);
			fclose(f);
		}
		CHECK(manifest_load(&both, sfile, NULL, err, sizeof(err)) == 0 && both.n == 1 &&
		    both.access_sum == 7 && both.images_key == 0,
		    "a site manifest whose first line names no set: key 0, its entries as they are");
		manifest_free(&both);
		unlink(sfile);
		manifest_free(&site);
		manifest_free(&img);
	}

	/* staging and publishing */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(site_staging_open(dfd, 0, err, sizeof(err)) == 0, "staging created");
	CHECK(site_stage(dfd, 0, "<p>one</p>", 10, err, sizeof(err)) == 0, "staged");
	CHECK(!site_exists(dfd, "a/b/index.html"), "not visible before publishing");
	CHECK(site_publish(dfd, 0, "a/b/index.html", NULL, err, sizeof(err)) == 0, "published into new dirs");
	CHECK(site_same_bytes(dfd, "a/b/index.html", "<p>one</p>", 10), "published bytes");
	CHECK(!site_same_bytes(dfd, "a/b/index.html", "<p>two</p>", 10), "different bytes noticed");
	CHECK(!site_same_bytes(dfd, "a/b/index.html", "<p>one</p>!", 11), "different length noticed");
	/*
	 * a file replaced: exchanged with the staged one (RENAME_EXCHANGE),
	 * whose name then goes; a reader of the old file keeps its bytes, the
	 * new one is the staged inode.  Not over a directory (an error, as a
	 * rename's) nor through a symlink (the link is replaced, its target
	 * left alone).  Through a releaser, which holds the file replaced:
	 * what says it is one to exchange (without, the path is renamed to).
	 */
	{
		struct file_release *rel = file_release_start();
		struct stat staged, now;
		char buf[16];
		int old, rfd;
		ssize_t got;

		old = openat(dfd, "a/b/index.html", O_RDONLY);
		rfd = site_stage(dfd, 4, "<p>two!</p>", 11, err, sizeof(err)) == 0 ?
		    openat(dfd, SITE_STAGING "/0/4", O_RDONLY) : -1;
		CHECK(old != -1 && rfd != -1 && fstat(rfd, &staged) == 0, "a replacement staged");
		CHECK(site_publish(dfd, 4, "a/b/index.html", rel, err, sizeof(err)) == 0 &&
		    site_same_bytes(dfd, "a/b/index.html", "<p>two!</p>", 11), "replaced");
		CHECK(fstatat(dfd, "a/b/index.html", &now, 0) == 0 && now.st_ino == staged.st_ino,
		    "the staged file itself is at the path");
		CHECK(faccessat(dfd, SITE_STAGING "/0/4", F_OK, 0) == -1,
		    "the staged name is gone (it named the old file)");
		got = old != -1 ? pread(old, buf, sizeof(buf), 0) : -1;
		CHECK(got == 10 && memcmp(buf, "<p>one</p>", 10) == 0,
		    "a reader of the old file still reads it whole");
		if (old != -1)
			close(old);
		if (rfd != -1)
			close(rfd);
		CHECK(mkdirat(dfd, "a/d", 0755) == 0 &&
		    site_stage(dfd, 5, "y", 1, err, sizeof(err)) == 0 &&
		    site_publish(dfd, 5, "a/d", rel, err, sizeof(err)) == -1 &&
		    fstatat(dfd, "a/d", &now, 0) == 0 && S_ISDIR(now.st_mode) &&
		    faccessat(dfd, SITE_STAGING "/0/5", F_OK, 0) == 0,
		    "over a directory: an error, the directory and the staged file stay (%s)", err);
		unlinkat(dfd, "a/d", AT_REMOVEDIR);
		rfd = openat(dfd, "target.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(rfd != -1 && write(rfd, "kept", 4) == 4 && close(rfd) == 0 &&
		    symlinkat("../target.txt", dfd, "a/link.html") == 0 &&
		    site_stage(dfd, 6, "page", 4, err, sizeof(err)) == 0 &&
		    site_publish(dfd, 6, "a/link.html", rel, err, sizeof(err)) == 0 &&
		    fstatat(dfd, "a/link.html", &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(now.st_mode) && site_same_bytes(dfd, "a/link.html", "page", 4) &&
		    site_same_bytes(dfd, "target.txt", "kept", 4),
		    "a symlink replaced by the file, its target left alone");
		unlinkat(dfd, "a/link.html", 0);
		unlinkat(dfd, "target.txt", 0);
		file_release_finish(rel, NULL, 0);
	}
	CHECK(site_stage(dfd, 1, "x", 1, err, sizeof(err)) == 0 &&
	    site_publish(dfd, 1, "../escape.html", NULL, err, sizeof(err)) == -1, "unsafe publish refused");
	CHECK(site_remove(dfd, "a/b/index.html", NULL, err, sizeof(err)) == 0 && !site_exists(dfd, "a/b/index.html"),
	    "removed");
	{
		struct stat sb;
		char p[300];

		snprintf(p, sizeof(p), "%s/a", dir);
		CHECK(stat(p, &sb) == -1, "empty parent directories removed");
	}
	site_staging_remove(dfd, NULL);
	{
		struct stat sb;
		char p[300];

		snprintf(p, sizeof(p), "%s/" SITE_STAGING, dir);
		CHECK(stat(p, &sb) == -1, "staging removed with its leftovers");
	}

	/* a first build's files, written in place */
	CHECK(site_mkparents(dfd, "w/x/index.html") == 0 &&
	    site_write_at(dfd, "w/x/index.html", "<p>in</p>", 9, err, sizeof(err)) == 0 &&
	    site_same_bytes(dfd, "w/x/index.html", "<p>in</p>", 9), "written in place");
	CHECK(site_write_at(dfd, "w/x/index.html", "<p>2</p>", 8, err, sizeof(err)) == 0 &&
	    site_same_bytes(dfd, "w/x/index.html", "<p>2</p>", 8), "written again, shorter");
	CHECK(site_write_at(dfd, "../escape.html", "x", 1, err, sizeof(err)) == -1,
	    "unsafe in-place write refused");
	CHECK(site_write_at(dfd, "nodir/index.html", "x", 1, err, sizeof(err)) == -1 &&
	    strstr(err, "nodir/index.html") != NULL, "a missing directory is an error naming the path");
	CHECK(site_remove(dfd, "w/x/index.html", NULL, err, sizeof(err)) == 0, "removed again");

	/* the path list of a killed build survives a recovering build's staging */
	{
		int fd;

		CHECK(site_staging_open(dfd, 0, err, sizeof(err)) == 0 &&
		    site_stage(dfd, 3, "s", 1, err, sizeof(err)) == 0, "staging for the list");
		fd = openat(dfd, SITE_STAGING_PATHS, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		CHECK(fd != -1 && write(fd, "a/index.html\n", 13) == 13 && close(fd) == 0,
		    "a path list written");
		CHECK(site_staging_open(dfd, 1, err, sizeof(err)) == 0, "reopened, keeping the list");
		CHECK(site_exists(dfd, SITE_STAGING_PATHS), "the list stays");
		CHECK(faccessat(dfd, SITE_STAGING "/0/3", F_OK, 0) == -1, "the staged file goes");
		site_staging_clear(dfd, 1);
		CHECK(site_exists(dfd, SITE_STAGING_PATHS), "a failed build keeps it too");
		CHECK(site_staging_open(dfd, 0, err, sizeof(err)) == 0 &&
		    !site_exists(dfd, SITE_STAGING_PATHS), "a build not recovering drops it");
		site_staging_remove(dfd, NULL);
	}
	close(dfd);
	unlink(file);
	rmdir(dir);
	return check_report();
}
