/*
 * stat_codes.c — code ids, their networks and the shared list
 * (stat_codes.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "stat_codes.h"

#define SEED_CODE	0x636f64652d736c74ULL
#define SEED_NET	0x6e6574776f726b73ULL

void
stat_codes_init(struct stat_codes *s)
{
	memset(s, 0, sizeof(*s));
	s->idx.seed = SEED_CODE;
	s->shared_min = STAT_SHARED_MIN;
}

void
stat_codes_free(struct stat_codes *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->c[i].many);
	free(s->c);
	stat_slots_free(&s->idx);
	free(s->shared);
	memset(s, 0, sizeof(*s));
}

static const char *
code_key(const void *arr, size_t i)
{
	return ((const struct stat_code *)arr)[i].id;
}

/* The entry of id, created when absent; NULL over the cap or out of memory. */
static struct stat_code *
code(struct stat_codes *s, const char *id, int64_t day, const char *level)
{
	struct stat_code *nc;
	size_t i, cap;

	if (s->idx.n == 0 && stat_slots_grow(&s->idx, code_key, s->c) != 0)
		return NULL;
	i = stat_slots_find(&s->idx, id, code_key, s->c);
	if (s->idx.slot[i] != 0)
		return &s->c[s->idx.slot[i] - 1];
	if (s->n >= STAT_CODES_MAX)
		return NULL;
	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 64;
		if ((nc = realloc(s->c, cap * sizeof(*nc))) == NULL)
			return NULL;
		s->c = nc;
		s->cap = cap;
	}
	if ((s->n + 1) * 2 > s->idx.n) {
		if (stat_slots_grow(&s->idx, code_key, s->c) != 0)
			return NULL;
		i = stat_slots_find(&s->idx, id, code_key, s->c);
	}
	nc = &s->c[s->n];
	memset(nc, 0, sizeof(*nc));
	snprintf(nc->id, sizeof(nc->id), "%s", id);
	snprintf(nc->level, sizeof(nc->level), "%s", level);
	nc->first_day = nc->last_day = day;
	s->idx.slot[i] = (uint32_t)++s->n;
	return nc;
}

static void
add_net(struct stat_code *c, uint64_t h)
{
	unsigned i;

	if (c->many != NULL) {
		hll_add(c->many, h);
		return;
	}
	for (i = 0; i < c->nexact; i++)
		if (c->net[i] == h)
			return;
	if (c->nexact < STAT_CODE_EXACT) {
		c->net[c->nexact++] = h;
		return;
	}
	/* One more than the exact bound: the sketch takes over.  Out of
	 * memory, the figure stays at the bound (an undercount, never more). */
	if ((c->many = calloc(1, sizeof(*c->many))) == NULL)
		return;
	for (i = 0; i < c->nexact; i++)
		hll_add(c->many, c->net[i]);
	hll_add(c->many, h);
}

void
stat_codes_add(struct stat_codes *s, const char *id, const char *viewer, int64_t day,
    const char *level)
{
	struct stat_code *c;

	if ((c = code(s, id, day, level)) == NULL) {
		s->dropped++;
		return;
	}
	c->redeems++;
	if (day < c->first_day)
		c->first_day = day;
	if (day > c->last_day)
		c->last_day = day;
	if (viewer[0] != '\0')
		add_net(c, h64_str(SEED_NET, viewer));
}

uint64_t
stat_code_networks(const struct stat_code *c)
{
	uint64_t n;

	if (c->many == NULL)
		return c->nexact;
	/* Never below what was counted exactly, never above the redeems
	 * (each brings at most one network). */
	n = hll_count(c->many);
	if (n <= STAT_CODE_EXACT)
		n = STAT_CODE_EXACT + 1;
	return n < c->redeems ? n : c->redeems;
}

static int
by_networks(const void *x, const void *y, void *ctx)
{
	const struct stat_codes *s = ctx;
	const struct stat_code *p = &s->c[*(const size_t *)x];
	const struct stat_code *q = &s->c[*(const size_t *)y];
	if (p->networks != q->networks)
		return p->networks > q->networks ? -1 : 1;
	if (p->redeems != q->redeems)
		return p->redeems > q->redeems ? -1 : 1;
	return strcmp(p->id, q->id);
}

int
stat_codes_finish(struct stat_codes *s)
{
	size_t i;

	free(s->shared);
	s->nshared = 0;
	if ((s->shared = malloc((s->n ? s->n : 1) * sizeof(*s->shared))) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		/* Once per code: the sort compares the cached figure. */
		s->c[i].networks = stat_code_networks(&s->c[i]);
		if (s->c[i].networks >= s->shared_min)
			s->shared[s->nshared++] = i;
	}
	qsort_r(s->shared, s->nshared, sizeof(*s->shared), by_networks, s);
	return 0;
}
