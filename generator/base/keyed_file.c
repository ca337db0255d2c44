/*
 * keyed_file.c — a file several threads append to, a key's bytes once
 * (keyed_file.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyed_file.h"

struct entry {
	uint64_t	key;
	uint64_t	at;
	size_t		n;
	uint64_t	tag;
};

struct keyed_file {
	pthread_mutex_t	 lock;	/* over everything below */
	const char	*path;
	size_t		 hlen, max;
	struct file_out	 out;
	int		 opened;	/* 1 created, -1 could not be */
	char		 why[256];	/* why not */
	struct entry	*e;	/* in the order appended */
	size_t		 n, cap;
	uint32_t	*slot;	/* by key: entry + 1, or 0; nslot a power of two */
	size_t		 nslot;
	uint64_t	 bytes;
};

struct keyed_file *
keyed_file_new(const char *path, size_t hlen, size_t max)
{
	struct keyed_file *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if (pthread_mutex_init(&k->lock, NULL) != 0) {
		free(k);
		return NULL;
	}
	k->path = path;
	k->hlen = hlen;
	k->max = max;
	return k;
}

/* key's slot: its entry's, or the empty one where it would go. */
static uint32_t *
slot_of(const struct keyed_file *k, uint64_t key)
{
	size_t i;

	for (i = (size_t)key & (k->nslot - 1); k->slot[i] != 0 && k->e[k->slot[i] - 1].key != key;
	    i = (i + 1) & (k->nslot - 1))
		;
	return &k->slot[i];
}

/* Room for one more entry: 0, or -1. */
static int
room(struct keyed_file *k)
{
	struct keyed_file g;
	size_t i;

	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 256;
		struct entry *e;

		if (cap > UINT32_MAX - 1 || (e = realloc(k->e, cap * sizeof(*e))) == NULL)
			return -1;
		k->e = e;
		k->cap = cap;
	}
	if ((k->n + 1) * 2 <= k->nslot)
		return 0;
	g = *k;
	g.nslot = k->nslot ? k->nslot * 2 : 512;
	if ((g.slot = calloc(g.nslot, sizeof(*g.slot))) == NULL)
		return -1;
	for (i = 0; i < k->n; i++)
		*slot_of(&g, k->e[i].key) = (uint32_t)(i + 1);
	free(k->slot);
	k->slot = g.slot;
	k->nslot = g.nslot;
	return 0;
}

/* The file created at the first need: 0, or -1 (with why in err). */
static int
open_out(struct keyed_file *k, char *err, size_t errlen)
{
	if (k->opened == 0)
		k->opened = file_out_open(&k->out, k->path, k->hlen, k->why, sizeof(k->why)) == 0 ?
		    1 : -1;
	if (k->opened == -1)
		snprintf(err, errlen, "%s", k->why);
	return k->opened == 1 ? 0 : -1;
}

int
keyed_file_put(struct keyed_file *k, uint64_t key, const void *s, size_t n, uint64_t tag)
{
	char err[256];
	uint32_t *sl;
	int rc = -1;

	if (key == 0 || pthread_mutex_lock(&k->lock) != 0)
		return -1;
	if (n > k->max - k->bytes || room(k) == -1 || open_out(k, err, sizeof(err)) == -1)
		goto out;
	if (*(sl = slot_of(k, key)) != 0) {
		rc = 0;
		goto out;
	}
	k->e[k->n] = (struct entry){ key, k->bytes, n, tag };
	*sl = (uint32_t)++k->n;
	file_out_put(&k->out, s, n);
	k->bytes += n;
	rc = 1;
out:
	(void)pthread_mutex_unlock(&k->lock);
	return rc;
}

size_t
keyed_file_count(const struct keyed_file *k)
{
	return k->n;
}

uint64_t
keyed_file_bytes(const struct keyed_file *k)
{
	return k->bytes;
}

void
keyed_file_entry(const struct keyed_file *k, size_t i, uint64_t *key, uint64_t *at, size_t *n,
    uint64_t *tag)
{
	*key = k->e[i].key;
	*at = k->e[i].at;
	*n = k->e[i].n;
	*tag = k->e[i].tag;
}

struct file_out *
keyed_file_out(struct keyed_file *k, char *err, size_t errlen)
{
	return open_out(k, err, errlen) == 0 ? &k->out : NULL;
}

void
keyed_file_delete(struct keyed_file *k)
{
	if (k == NULL)
		return;
	file_out_abandon(&k->out);
	free(k->e);
	free(k->slot);
	(void)pthread_mutex_destroy(&k->lock);
	free(k);
}
