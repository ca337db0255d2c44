/*
 * img_size.c — a JPEG's width and height from its frame header (see
 * img_size.h).  Walks the marker segments from SOI: each has a 16-bit
 * big-endian length; the first SOFn (C0-CF but C4 DHT, C8 JPG, CC DAC)
 * holds precision, height, width.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "img_size.h"

int
jpeg_size(const unsigned char *p, size_t n, int *w, int *h)
{
	size_t i = 2;

	if (n < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	while (i + 4 <= n) {
		unsigned m, len;

		if (p[i] != 0xff)
			return -1;
		m = p[i + 1];
		if (m == 0xff) {	/* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {	/* no length */
			i += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda)	/* EOI, or the scan: no frame header before */
			return -1;
		len = (unsigned)p[i + 2] << 8 | p[i + 3];
		if (len < 2)
			return -1;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (len < 7 || i + 9 > n)
				return -1;
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return *w > 0 && *h > 0 ? 0 : -1;
		}
		i += 2 + len;
	}
	return -1;
}

int
jpeg_file_size(const char *path, int *w, int *h)
{
	unsigned char head[IMG_SIZE_HEAD];
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (n < sizeof(head)) {
		r = read(fd, head + n, sizeof(head) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return jpeg_size(head, n, w, h);
}
