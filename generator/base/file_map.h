/*
 * file_map.h — a state file's bytes mapped where the page cache has them.
 *
 * The build's state files (the model image, the site manifest, the page
 * reads) are read far more than written, and on the machines measured a
 * fresh page costs more than its bytes: a read() into a new block had the
 * kernel zero that block, then copy into it, a fault per 4 kB page
 * (docs/benchmarks.md, issue 15).  Mapped, the bytes are the page cache's
 * own pages.  How they are mapped is the caller's choice:
 *
 *   0                  read only, the tables filled as touched
 *   FILE_MAP_WRITE     private and writable: a page written is copied,
 *                      the file never changes
 *   FILE_MAP_POPULATE  every page's tables filled at once (MAP_POPULATE;
 *                      with FILE_MAP_WRITE every page is copied at once,
 *                      one call instead of a fault each)
 *   FILE_MAP_PREFAULT  the tables filled for reading at once, nothing
 *                      copied (MADV_POPULATE_READ, a hint)
 *   FILE_MAP_COPY      read into fresh memory in huge pages (2 MB a
 *                      fault, zeroed and copied), for a file whose every
 *                      page the caller writes; where the kernel gives no
 *                      huge pages, FILE_MAP_WRITE | FILE_MAP_POPULATE
 *
 * The state files are only ever replaced by rename, so a mapped file is
 * never shortened under its mapping.
 */
#ifndef ONLY_FILE_MAP_H
#define ONLY_FILE_MAP_H

#include <stddef.h>
#include <stdint.h>

#define FILE_MAP_WRITE		1
#define FILE_MAP_POPULATE	2
#define FILE_MAP_PREFAULT	4
#define FILE_MAP_COPY		8

struct file_map {
	void	*data;		/* the bytes asked for; NULL when none were */
	size_t	 len;
	void	*base;		/* the mapping: page aligned, at or before data */
	size_t	 base_len;
};

/*
 * len bytes of the file open on fd from offset off, mapped as how says,
 * into fm (zeroed first; len 0 maps nothing).  The mapping starts on the
 * page off is on.  0, or -1 with errno (EINVAL for a range past what an
 * offset can say or a page size the system does not give).
 */
int	file_map_fd(int fd, uint64_t off, size_t len, int how, struct file_map *fm);

/*
 * The whole regular file at path mapped as how says, when its size is
 * within [min, max]: 0 (an empty file maps nothing), or -1 with errno
 * (EINVAL: not a regular file or shorter than min; EFBIG: longer than max).
 */
int	file_map_path(const char *path, uint64_t min, uint64_t max, int how,
	    struct file_map *fm);

/* Gives back the whole pages of a private mapping past p (inside it), which
 * are not read again: they are no longer counted as the process's. */
void	file_map_drop_after(struct file_map *fm, const void *p);

/* The same for the whole pages of the mapping before the page p is on
 * (p inside it): a file whose head was read once and whose tail is kept. */
void	file_map_drop_before(struct file_map *fm, const void *p);

/* The page tables of the whole mapping filled for reading now, as
 * FILE_MAP_PREFAULT does at the map (a mapping first read later). */
void	file_map_populate(struct file_map *fm);

/* Unmaps; accepts a zeroed fm, leaves it zeroed. */
void	file_map_free(struct file_map *fm);

#endif
