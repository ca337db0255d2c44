/*
 * file_sum.c — a file's length and checksum through a small buffer
 * (file_sum.h).
 */
#include <errno.h>
#include <unistd.h>

#include "file_sum.h"
#include "hash64.h"

int
file_sum_fd(int fd, void *scratch, size_t cap, uint64_t limit, uint64_t *len, uint64_t *sum)
{
	struct h64_sum_stream st;
	uint64_t total = 0;
	ssize_t got;

	h64_sum_begin(&st, 0);
	for (;;) {
		if ((got = read(fd, scratch, cap)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			break;
		total += (uint64_t)got;
		if (total > limit)
			return 0;
		h64_sum_update(&st, scratch, (size_t)got);
	}
	*len = total;
	*sum = h64_sum_end(&st);
	return 1;
}
