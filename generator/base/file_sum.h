/*
 * file_sum.h — a file's length and h64_sum (hash64.h) read through a
 * small buffer, for telling whether it is the file a snapshot recorded
 * without holding it whole: content/'s largest entry files run to tens of
 * megabytes, and reading one into a fresh block to hash it cost a page
 * fault every 4 kB on the build's main thread (issue 15).
 */
#ifndef ONLY_FILE_SUM_H
#define ONLY_FILE_SUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * fd read from where it stands to its end through scratch (cap bytes),
 * into *len and *sum (h64_sum seeded 0, as of the same bytes whole).
 * Stops early, returning 0, once more than limit bytes were read (the
 * file is then not the one of length limit); 1 read whole, -1 a read
 * failed (errno).
 */
int	file_sum_fd(int fd, void *scratch, size_t cap, uint64_t limit, uint64_t *len,
	    uint64_t *sum);

#endif
