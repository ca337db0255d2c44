/*
 * file_map.c — a state file's bytes mapped where the page cache has them
 * (file_map.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_map.h"
#include "huge_pages.h"

/* The system's page size when it is a power of two, else 0. */
static size_t
page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 && (ps & (ps - 1)) == 0 ? (size_t)ps : 0;
}

/*
 * FILE_MAP_COPY: len bytes at off read into a fresh anonymous mapping that
 * starts on a 2 MB boundary, its pages marked for huge pages first.  0, or
 * -1 with errno (EIO: the file ended before len).
 */
static int
copy_in(int fd, uint64_t off, size_t len, struct file_map *fm)
{
	size_t span, got = 0;
	char *raw, *b;
	ssize_t k;
	int e;

	if (len > SIZE_MAX - 2 * HUGE_PAGE_SIZE) {
		errno = EINVAL;
		return -1;
	}
	/* room to start the block on a huge page's boundary */
	span = ((len + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1)) + HUGE_PAGE_SIZE;
	raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return -1;
	b = (char *)(((uintptr_t)raw + HUGE_PAGE_SIZE - 1) & ~(uintptr_t)(HUGE_PAGE_SIZE - 1));
	(void)madvise(b, span - (size_t)(b - raw), MADV_HUGEPAGE);
	while (got < len) {
		k = pread(fd, b + got, len - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			e = k == 0 ? EIO : errno;
			munmap(raw, span);
			errno = e;
			return -1;
		}
		got += (size_t)k;
	}
	fm->base = raw;
	fm->base_len = span;
	fm->data = b;
	fm->len = len;
	return 0;
}

int
file_map_fd(int fd, uint64_t off, size_t len, int how, struct file_map *fm)
{
	size_t page = page_size(), lead;
	int prot = PROT_READ, flags = MAP_PRIVATE;
	void *b;

	memset(fm, 0, sizeof(*fm));
	if (len == 0)
		return 0;
	if (page == 0 || (uint64_t)len > (uint64_t)INT64_MAX ||
	    off > (uint64_t)INT64_MAX - len) {
		errno = EINVAL;
		return -1;
	}
	if ((how & FILE_MAP_COPY) && huge_pages_usable())
		return copy_in(fd, off, len, fm);
	if (how & FILE_MAP_COPY)	/* no huge pages: each page copied at once */
		how |= FILE_MAP_WRITE | FILE_MAP_POPULATE;
	lead = (size_t)(off % page);
	if (how & FILE_MAP_WRITE)
		prot |= PROT_WRITE;
	if (how & FILE_MAP_POPULATE)
		flags |= MAP_POPULATE;
	if ((b = mmap(NULL, lead + len, prot, flags, fd, (off_t)(off - lead))) == MAP_FAILED)
		return -1;
	if (how & FILE_MAP_PREFAULT)
		(void)madvise(b, lead + len, MADV_POPULATE_READ);
	fm->base = b;
	fm->base_len = lead + len;
	fm->data = (char *)b + lead;
	fm->len = len;
	return 0;
}

int
file_map_path(const char *path, uint64_t min, uint64_t max, int how, struct file_map *fm)
{
	struct stat sb;
	int fd, rc = -1, e;

	memset(fm, 0, sizeof(*fm));
	/* non-blocking: a FIFO put at a state file's path is refused below,
	 * not waited on for a writer (the flag does nothing to a regular file) */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1)
		goto out;
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size < min) {
		errno = EINVAL;
		goto out;
	}
	if ((uint64_t)sb.st_size > max || (uint64_t)sb.st_size > SIZE_MAX) {
		errno = EFBIG;
		goto out;
	}
	rc = file_map_fd(fd, 0, (size_t)sb.st_size, how, fm);
out:
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

void
file_map_populate(struct file_map *fm)
{
	if (fm->base != NULL)
		(void)madvise(fm->base, fm->base_len, MADV_POPULATE_READ);
}

void
file_map_drop_after(struct file_map *fm, const void *p)
{
	size_t page = page_size();
	uintptr_t from, to;

	if (page == 0 || fm->base == NULL)
		return;
	from = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
	to = (uintptr_t)fm->base + fm->base_len;
	if (from > (uintptr_t)fm->base && from < to)
		(void)madvise((void *)from, to - from, MADV_DONTNEED);
}

void
file_map_drop_before(struct file_map *fm, const void *p)
{
	size_t page = page_size();
	uintptr_t from = (uintptr_t)fm->base, to;

	if (page == 0 || fm->base == NULL)
		return;
	to = (uintptr_t)p & ~(uintptr_t)(page - 1);
	if (to > from && to <= from + fm->base_len)
		(void)madvise((void *)from, to - from, MADV_DONTNEED);
}

void
file_map_free(struct file_map *fm)
{
	if (fm->base != NULL)
		munmap(fm->base, fm->base_len);
	memset(fm, 0, sizeof(*fm));
}
