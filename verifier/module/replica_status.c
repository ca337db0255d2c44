/*
 * replica_status.c — the age of a replica node's stores.  See replica_status.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "replica_status.h"

int
replica_status_init(struct replica_status *rs, const char *path)
{
	memset(rs, 0, sizeof(*rs));
	if (path == NULL || path[0] == '\0')
		return 0;
	if (snprintf(rs->path, sizeof(rs->path), "%s", path) >= (int)sizeof(rs->path))
		return -1;
	rs->enabled = 1;
	rs->read_at = -1;
	return 0;
}

/* "name=<digits>" at *p (after blanks); advances *p. */
static int
field(const char **p, const char *name, int64_t *out)
{
	size_t n = strlen(name);
	const char *s = *p;
	int64_t v = 0;
	int digits = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, name, n) != 0 || s[n] != '=')
		return -1;
	for (s += n + 1; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10 || ++digits > 18)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	*out = v;
	*p = s;
	return 0;
}

int
replica_status_parse(const char *text, int64_t *writer_at, int64_t *checked_at)
{
	const char *p = text;

	if (field(&p, "writer_at", writer_at) != 0 ||
	    field(&p, "checked_at", checked_at) != 0)
		return -1;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return *p == '\0' ? 0 : -1;
}

static void
reread(struct replica_status *rs)
{
	char buf[REPLICA_STATUS_MAX + 1];
	ssize_t n;
	int fd;

	rs->ok = 0;
	if ((fd = open(rs->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
		return;
	n = read(fd, buf, REPLICA_STATUS_MAX);
	close(fd);
	if (n <= 0 || n >= REPLICA_STATUS_MAX)
		return;
	buf[n] = '\0';
	rs->ok = replica_status_parse(buf, &rs->writer_at, &rs->checked_at) == 0;
}

int
replica_status_age(struct replica_status *rs, time_t now, int64_t *age)
{
	if (!rs->enabled)
		return 0;
	if (rs->read_at != now) {
		rs->read_at = now;
		reread(rs);
	}
	if (!rs->ok)
		return -1;
	*age = (int64_t)now > rs->writer_at ? (int64_t)now - rs->writer_at : 0;
	return 1;
}
