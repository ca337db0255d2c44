/*
 * test_file_map.c — generator/base/file_map.h: a file's bytes mapped
 * whole or from an offset that is not on a page, read only or private
 * and writable (a write never reaches the file), with the size bounds
 * file_map_path() checks, an empty file mapping nothing, a directory
 * refused, the pages past a point given back without losing those
 * before it, and a range copied into huge pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_fixture.h"
#include "check.h"
#include "file_map.h"
#include "huge_pages.h"


/* byte i of the test file */
static unsigned char
byte_at(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static int
same_bytes(const void *p, size_t from, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != byte_at(from + i))
			return 0;
	return 1;
}

/* FILE_MAP_COPY of the test file (nbytes of bytes_at()), as
 * huge_pages_usable() says now: every byte, a write never reaches the
 * file, and where huge pages are given the block starts on a 2 MB
 * boundary and a range past the end is refused. */
static void
copy_checks(int fd, size_t ps, size_t nbytes)
{
	struct file_map fm;
	int rc = file_map_fd(fd, ps + 17, nbytes - ps - 17, FILE_MAP_COPY, &fm);

	CHECK(rc == 0 && fm.len == nbytes - ps - 17 && same_bytes(fm.data, ps + 17, fm.len),
	    "copied from an offset off a page: its bytes");
	if (rc == 0) {
		unsigned char back[16], *w = fm.data;

		memset(w, 0xcc, 16);
		CHECK(pread(fd, back, sizeof(back), ps + 17) == sizeof(back) &&
		    same_bytes(back, ps + 17, sizeof(back)), "a write to the copy stays in the process");
		CHECK(huge_pages_usable() ? ((uintptr_t)fm.data % HUGE_PAGE_SIZE) == 0 &&
		    (char *)fm.base <= (char *)fm.data &&
		    (char *)fm.data + fm.len <= (char *)fm.base + fm.base_len :
		    fm.data != NULL, "%s", huge_pages_usable() ? "read into a block on a huge page's "
		    "boundary, inside its mapping" : "no huge pages here: mapped privately");
		file_map_free(&fm);
	}
	if (huge_pages_usable())	/* (a mapping would take it, and fault past the end) */
		CHECK(file_map_fd(fd, 0, nbytes + 1, FILE_MAP_COPY, &fm) == -1 && errno == EIO &&
		    fm.base == NULL, "copying a range past the file's end: EIO, nothing kept");
}

int
main(void)
{
	struct file_map fm;
	char dir[512], path[600], empty[600];
	unsigned char *bytes;
	size_t i, ps = (size_t)sysconf(_SC_PAGESIZE);
	size_t nbytes = 3 * ps + 123;	/* past a few pages, not on one */
	int fd, rc;
	FILE *f;

	fixture_tmpdir(dir, sizeof(dir), "test_file_map");
	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	if ((bytes = malloc(nbytes)) == NULL)
		return 1;
	for (i = 0; i < nbytes; i++)
		bytes[i] = byte_at(i);
	f = fopen(path, "wb");
	CHECK(f != NULL && fwrite(bytes, 1, nbytes, f) == nbytes && fclose(f) == 0,
	    "a file of %zu bytes", nbytes);
	f = fopen(empty, "wb");
	CHECK(f != NULL && fclose(f) == 0, "an empty file");

	/* whole, read only, its tables filled at once */
	rc = file_map_path(path, 0, nbytes, FILE_MAP_POPULATE, &fm);
	CHECK(rc == 0 && fm.len == nbytes && fm.data == fm.base &&
	    fm.base_len == nbytes && same_bytes(fm.data, 0, nbytes),
	    "mapped whole: every byte as written");
	file_map_free(&fm);
	CHECK(fm.data == NULL && fm.base == NULL && fm.len == 0 && fm.base_len == 0,
	    "freed: zeroed");
	file_map_free(&fm);	/* a zeroed one is accepted */

	/* the size bounds */
	errno = 0;
	CHECK(file_map_path(path, 0, nbytes - 1, 0, &fm) == -1 && errno == EFBIG &&
	    fm.base == NULL, "a byte over the most: EFBIG, nothing mapped");
	errno = 0;
	CHECK(file_map_path(path, nbytes + 1, SIZE_MAX, 0, &fm) == -1 && errno == EINVAL &&
	    fm.base == NULL, "a byte under the least: EINVAL, nothing mapped");
	errno = 0;
	CHECK(file_map_path(dir, 0, SIZE_MAX, 0, &fm) == -1 && errno == EINVAL,
	    "a directory: EINVAL");
	errno = 0;
	CHECK(file_map_path(empty, 0, 10, FILE_MAP_WRITE | FILE_MAP_POPULATE, &fm) == 0 &&
	    fm.data == NULL && fm.base == NULL && fm.len == 0, "an empty file maps nothing");
	{
		char missing[700];

		snprintf(missing, sizeof(missing), "%s/missing", dir);
		errno = 0;
		CHECK(file_map_path(missing, 0, 10, 0, &fm) == -1 && errno == ENOENT,
		    "a missing file: ENOENT, as open says it");
		/* a state file's path made a FIFO: refused, not waited on */
		errno = 0;
		CHECK(mkfifo(missing, 0600) == 0 && file_map_path(missing, 0, 10, 0, &fm) == -1 &&
		    errno == EINVAL, "a FIFO: EINVAL, without waiting for a writer");
		unlink(missing);
	}

	/* a range from an offset inside a page, as the image's rows are */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd != -1, "the file open");
	rc = file_map_fd(fd, ps + 17, 2 * ps, FILE_MAP_PREFAULT, &fm);
	CHECK(rc == 0 && fm.len == 2 * ps && same_bytes(fm.data, ps + 17, 2 * ps) &&
	    (size_t)((char *)fm.data - (char *)fm.base) == (ps + 17) % ps &&
	    fm.base_len == (ps + 17) % ps + 2 * ps,
	    "a range off a page: its bytes, the mapping from the page they start on");
	file_map_free(&fm);
	CHECK(file_map_fd(fd, 100, 0, 0, &fm) == 0 && fm.base == NULL && fm.data == NULL,
	    "an empty range maps nothing");
	CHECK(file_map_fd(fd, UINT64_MAX - 10, 100, 0, &fm) == -1 && errno == EINVAL &&
	    fm.base == NULL, "a range past what an offset can say: EINVAL");

	/* private and writable: the process sees its writes, the file never does */
	rc = file_map_fd(fd, 0, nbytes, FILE_MAP_WRITE | FILE_MAP_PREFAULT, &fm);
	CHECK(rc == 0, "mapped private and writable");
	if (rc == 0) {
		unsigned char *w = fm.data;
		unsigned char back[16];

		memset(w + ps, 0xee, 16);
		CHECK(w[ps] == 0xee && pread(fd, back, sizeof(back), ps) == sizeof(back) &&
		    same_bytes(back, ps, sizeof(back)), "a write stays in the process");

		/* the pages past a point given back: those before it kept */
		memset(w, 0xaa, 16);
		memset(w + 2 * ps, 0xbb, 16);
		file_map_drop_after(&fm, w + ps + 1);
		CHECK(w[0] == 0xaa && w[ps] == 0xee &&
		    same_bytes(w + 2 * ps, 2 * ps, nbytes - 2 * ps),
		    "dropped past a point: the pages before it keep their writes, those "
		    "after read the file again");
		file_map_drop_after(&fm, w);	/* never the whole mapping */
		CHECK(w[0] == 0xaa, "a point at the start drops nothing");
		file_map_free(&fm);
	}
	/* whether huge pages are given: as the kernel's THP setting says, in
	 * a process that runs with malloc in huge pages (malloc_thp_on), and
	 * never in one that does not; the copy checked both ways */
	{
		char mode[256] = "";
		FILE *thp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
		const char *runs[] = { "glibc.malloc.hugetlb=1", "glibc.malloc.hugetlb=0", NULL };
		size_t r;
		int thp_gives;

		if (thp != NULL) {
			if (fgets(mode, sizeof(mode), thp) == NULL)
				mode[0] = '\0';
			fclose(thp);
		}
		thp_gives = strstr(mode, "[always]") != NULL || strstr(mode, "[madvise]") != NULL;
		for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
			int want = runs[r] != NULL && strcmp(runs[r], "glibc.malloc.hugetlb=1") == 0 &&
			    thp_gives;

			if (runs[r] != NULL)
				setenv("GLIBC_TUNABLES", runs[r], 1);
			else
				unsetenv("GLIBC_TUNABLES");
			CHECK(huge_pages_usable() == want, "GLIBC_TUNABLES %s, THP \"%.60s\": huge "
			    "pages usable %d", runs[r] != NULL ? runs[r] : "unset",
			    mode[0] ? strtok(mode, "\n") : "(none)", want);
			copy_checks(fd, ps, nbytes);
		}
		unsetenv("GLIBC_TUNABLES");
	}
	close(fd);
	unlink(path);
	unlink(empty);
	rmdir(dir);
	free(bytes);
	return check_report();
}
