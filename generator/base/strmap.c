/*
 * strmap.c — string -> index hash table (strmap.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static uint32_t
strmap_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a, 32 bits */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

long
strmap_get(const struct strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return -1;
	for (i = strmap_hash(key) & (m->cap - 1); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return (long)m->vals[i];
	return -1;
}

/* Puts into a map known to have a free slot. */
static void
place(struct strmap *m, const char *key, size_t val)
{
	size_t i;

	for (i = strmap_hash(key) & (m->cap - 1); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

int
strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap g = { 0 };

		g.cap = m->cap ? m->cap * 2 : 64;
		if ((g.keys = calloc(g.cap, sizeof(*g.keys))) == NULL ||
		    (g.vals = calloc(g.cap, sizeof(*g.vals))) == NULL) {
			free(g.keys);
			return -1;
		}
		for (i = 0; i < m->cap; i++)
			if (m->keys[i] != NULL)
				place(&g, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	place(m, key, val);
	return 0;
}

void
strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
