/*
 * test_keyed_file.c — a file several threads append to, each key's bytes
 * once (generator/base/keyed_file.h): two threads putting the same keys
 * at once leave one copy of each, the table says where each is and the
 * file holds exactly those bytes after its header; the key 0 and bytes past
 * the bound are refused; a file given up leaves no temporary file, and
 * none is created before a put or keyed_file_out() asks (a sanitizer build
 * of the suite checks the locking).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_fixture.h"
#include "check.h"
#include "keyed_file.h"

#define KEYS	5000
#define HLEN	8

static size_t
bytes_of(uint64_t k, char *out, size_t size)
{
	return (size_t)snprintf(out, size, "entry %llu%s", (unsigned long long)k,
	    k % 3 ? "" : " with a longer tail");
}

struct racer {
	struct keyed_file	*k;
	size_t			 bad, added;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	char b[64];
	uint64_t k;
	int rc;

	for (k = 1; k <= KEYS; k++) {
		rc = keyed_file_put(r->k, k, b, bytes_of(k, b, sizeof(b)), k * 7);
		r->bad += rc == -1;
		r->added += rc == 1;
	}
	return NULL;
}

int
main(void)
{
	char dir[512], path[600], tmp[700], err[256] = "", b[64], *data;
	struct keyed_file *k;
	struct file_out *o;
	struct racer r[2];
	pthread_t th[2];
	size_t i, n, len, bad = 0;
	uint64_t key, at, body;
	uint64_t tag;

	fixture_tmpdir(dir, sizeof(dir), "test_keyed_file");
	snprintf(path, sizeof(path), "%s/kept", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	k = keyed_file_new(path, HLEN, 64);
	CHECK(k != NULL && access(tmp, F_OK) != 0, "made; no file before a put");
	CHECK(keyed_file_put(k, 0, "x", 1, 0) == -1, "the key 0: refused");
	CHECK(keyed_file_put(k, 1, "first", 5, 1) == 1 && keyed_file_put(k, 1, "again", 5, 0) == 0,
	    "a key put twice: the first stays");
	CHECK(access(tmp, F_OK) == 0, "the temporary file created at the first put");
	CHECK(keyed_file_put(k, 2, b, 60, 0) == -1 && keyed_file_count(k) == 1 &&
	    keyed_file_bytes(k) == 5, "bytes past the bound: refused, nothing counted");
	keyed_file_delete(k);
	CHECK(access(tmp, F_OK) != 0 && access(path, F_OK) != 0,
	    "given up: the temporary file removed, nothing renamed in");

	k = keyed_file_new(path, HLEN, 1 << 24);
	for (i = 0; i < 2; i++) {
		r[i].k = k;
		r[i].bad = r[i].added = 0;
		CHECK(pthread_create(&th[i], NULL, race, &r[i]) == 0, "racer %zu started", i);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK(r[0].bad == 0 && r[1].bad == 0 && r[0].added + r[1].added == KEYS &&
	    keyed_file_count(k) == KEYS, "two threads putting the same %d keys: each appended "
	    "once (%zu + %zu)", KEYS, r[0].added, r[1].added);
	body = keyed_file_bytes(k);
	CHECK((o = keyed_file_out(k, err, sizeof(err))) != NULL, "the file to append the rest");
	file_out_put(o, "tail", 4);
	CHECK(file_out_close(o, "HEADER!!", HLEN, body + 4, err, sizeof(err)) == 0, "closed (%s)",
	    err);
	data = fixture_slurp(path, &len);
	CHECK(data != NULL && len == HLEN + body + 4 && memcmp(data, "HEADER!!", HLEN) == 0 &&
	    memcmp(data + HLEN + body, "tail", 4) == 0, "the header, the entries, the rest");
	for (i = 0, at = 0; data != NULL && i < keyed_file_count(k); i++) {
		keyed_file_entry(k, i, &key, &at, &n, &tag);
		bad += n != bytes_of(key, b, sizeof(b)) || at + n > body ||
		    memcmp(data + HLEN + at, b, n) != 0 || tag != key * 7;
	}
	CHECK(bad == 0, "each entry's bytes where the table says, with its tag (%zu wrong)", bad);
	keyed_file_delete(k);
	CHECK(access(path, F_OK) == 0 && access(tmp, F_OK) != 0, "closed, then deleted: the file stays");
	free(data);
	keyed_file_delete(NULL);
	unlink(path);
	rmdir(dir);
	return check_report();
}
