/*
 * test_replica_status.c — a replica node's age (replica_status.c): the
 * follower's status file parsed strictly, reread at most once a second, a
 * missing or malformed file reported as unknown, no file configured as no
 * replica at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "replica_status.h"

static void
put(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		perror(tmp);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	rename(tmp, path);
}

int
main(void)
{
	struct replica_status rs;
	char dir[] = "/tmp/test_replica_status.XXXXXX", path[4096];
	int64_t w = 0, c = 0, age = -1;

	CHECK(replica_status_parse("writer_at=100 checked_at=105\n", &w, &c) == 0 &&
	    w == 100 && c == 105, "parses the follower's line");
	CHECK(replica_status_parse("writer_at=1 checked_at=2", &w, &c) == 0,
	    "a missing newline is fine");
	CHECK(replica_status_parse("checked_at=2 writer_at=1\n", &w, &c) != 0,
	    "fields in another order are refused");
	CHECK(replica_status_parse("writer_at= checked_at=2\n", &w, &c) != 0,
	    "an empty number is refused");
	CHECK(replica_status_parse("writer_at=-5 checked_at=2\n", &w, &c) != 0,
	    "a negative number is refused");
	CHECK(replica_status_parse("writer_at=1 checked_at=2 x\n", &w, &c) != 0,
	    "trailing text is refused");
	CHECK(replica_status_parse("writer_at=9999999999999999999 checked_at=2\n",
	    &w, &c) != 0, "a number past 18 digits is refused");
	CHECK(replica_status_parse("", &w, &c) != 0, "an empty file is refused");

	CHECK(replica_status_init(&rs, NULL) == 0 &&
	    replica_status_age(&rs, 1000, &age) == 0, "not configured: no age (0)");
	CHECK(replica_status_init(&rs, "") == 0 &&
	    replica_status_age(&rs, 1000, &age) == 0, "an empty path: no age (0)");

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/replica-status", dir);
	CHECK(replica_status_init(&rs, path) == 0, "configured");
	CHECK(replica_status_age(&rs, 1000, &age) == -1, "no file yet: unknown (-1)");
	put(path, "writer_at=990 checked_at=995\n");
	CHECK(replica_status_age(&rs, 1000, &age) == -1,
	    "the file is not reread within the same second");
	CHECK(replica_status_age(&rs, 1001, &age) == 1 && age == 11,
	    "the next second: age = now - writer_at (%lld)", (long long)age);
	put(path, "writer_at=1001 checked_at=1001\n");
	CHECK(replica_status_age(&rs, 1001, &age) == 1 && age == 11,
	    "still the cached reading within the second");
	CHECK(replica_status_age(&rs, 1002, &age) == 1 && age == 1,
	    "a newer heartbeat lowers the age (%lld)", (long long)age);
	CHECK(replica_status_age(&rs, 900, &age) == 1 && age == 0,
	    "a writer clock ahead of ours: age 0, never negative");
	put(path, "garbage\n");
	CHECK(replica_status_age(&rs, 1003, &age) == -1, "a malformed file: unknown");
	unlink(path);
	CHECK(replica_status_age(&rs, 1004, &age) == -1, "the file gone: unknown");
	rmdir(dir);
	return check_report();
}
