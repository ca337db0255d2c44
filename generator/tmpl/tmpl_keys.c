/*
 * tmpl_keys.c — a name among an object's keys: a scan, or an index built
 * on the object's second lookup in a render.  See tmpl_keys.h.
 */
#include <string.h>

#include "tmpl_keys.h"

/* cJSON's type test, inline (as in tmpl_render.c): the low byte of type. */
#define IS_OBJECT(v)	(((v)->type & 0xFF) == cJSON_Object)

enum { KEYS_SEEN, KEYS_BUILT, KEYS_SCAN };

/* a table never full: a probe for an absent key ends at an empty slot */
_Static_assert(KEYS_MAX < KEYS_SLOTS, "KEYS_MAX must leave an empty slot");

uint32_t
keys_tag(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t w = 0;
	size_t i;

	if (n == 0 || memchr(s, '\0', n) != NULL)
		return 0;	/* matches no key in an index: scanned */
	for (i = 0; i < 4 && i < n; i++)
		w |= (uint32_t)u[i] << (8 * i);
	return w;
}

/* keys_tag() of a NUL-terminated key, read no further than its NUL. */
static inline uint32_t
key_tag(const char *key)
{
	const unsigned char *u = (const unsigned char *)key;
	uint32_t w = u[0];

	if (u[0] != '\0' && u[1] != '\0') {
		w |= (uint32_t)u[1] << 8;
		if (u[2] != '\0')
			w |= (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
	}
	return w;
}

/* The first slot to probe for tag t (a multiplicative hash: the top bits). */
static inline uint32_t
first_slot(uint32_t t)
{
	return (t * 0x9E3779B1u) >> (32 - KEYS_SLOT_BITS);
}

/*
 * key (NUL-terminated) equals the slice p: compared in place, byte by
 * byte, read no further than the key's NUL (a name holding a NUL byte
 * matches nothing).
 */
static int
key_is(const char *key, const struct name_part *p)
{
	size_t k;

	for (k = 0; k < p->n && key[k] == p->s[k] && key[k] != '\0'; k++)
		;
	return k == p->n && key[k] == '\0';
}

/*
 * key, whose tag equals p's (not 0), equals p.  The tag is p's first 4
 * bytes, none of them NUL, followed by NULs when p is shorter: a shorter
 * name is the key, a longer one is compared from its fifth byte (the
 * key's first four are its own, not NUL, so the key has a fifth).
 */
static int
key_rest_is(const char *key, const struct name_part *p)
{
	size_t k;

	for (k = 4; k < p->n && key[k] == p->s[k]; k++)
		;
	return k >= p->n && key[p->n] == '\0';
}

/* The first child whose key is p, in list order. */
static const cJSON *
scan(const cJSON *obj, const struct name_part *p)
{
	const cJSON *it;

	for (it = obj->child; it != NULL; it = it->next)
		if (it->string != NULL && key_is(it->string, p))
			return it;
	return NULL;
}

/*
 * Fills x with obj's keys in list order (linear probing: of equal keys,
 * which have equal tags, the first sits first on their probe sequence).
 * The empty key is left out (its tag is 0, an empty slot's; no name is
 * empty).  KEYS_BUILT, or KEYS_SCAN when obj has more than KEYS_MAX keys
 * or fewer than KEYS_MIN (a scan of a few keys is as quick as a probe).
 */
static int
build(struct keys_index *x, const cJSON *obj)
{
	const cJSON *it;
	size_t count = 0;
	uint32_t t, h;

	memset(x->tag, 0, sizeof(x->tag));
	for (it = obj->child; it != NULL; it = it->next) {
		if (it->string == NULL || (t = key_tag(it->string)) == 0)
			continue;
		if (++count > KEYS_MAX)
			return KEYS_SCAN;
		for (h = first_slot(t); x->tag[h] != 0; h = (h + 1) & (KEYS_SLOTS - 1))
			;
		x->tag[h] = t;
		x->slot[h] = it;
	}
	return count < KEYS_MIN ? KEYS_SCAN : KEYS_BUILT;
}

void
keys_cache_init(struct keys_cache *c)
{
	size_t i;

	for (i = 0; i < KEYS_LEVELS; i++)
		c->level[i].obj = NULL;
	for (i = 0; i < KEYS_OTHERS; i++)
		c->other[i].obj = NULL;
}

/* The first child of obj whose key is p, through x, obj's index or to be. */
static const cJSON *
find_in(struct keys_index *x, const cJSON *obj, const struct name_part *p)
{
	uint32_t h;

	if (obj == NULL || !IS_OBJECT(obj))
		return NULL;
	if (x->obj != obj) {
		/* a first lookup (or the slot's other object came since): scanned */
		x->obj = obj;
		x->state = KEYS_SEEN;
		return scan(obj, p);
	}
	if (x->state == KEYS_SEEN)
		x->state = build(x, obj);
	if (x->state == KEYS_SCAN || p->tag == 0)
		return scan(obj, p);
	for (h = first_slot(p->tag); x->tag[h] != 0; h = (h + 1) & (KEYS_SLOTS - 1))
		if (x->tag[h] == p->tag && (p->n < 4 || key_rest_is(x->slot[h]->string, p)))
			return x->slot[h];
	return NULL;
}

void
keys_cache_forget(struct keys_cache *c, size_t level)
{
	size_t i;

	for (i = level; i < KEYS_LEVELS; i++)
		c->level[i].obj = NULL;
	for (i = 0; i < KEYS_OTHERS; i++)
		c->other[i].obj = NULL;
}

const cJSON *
keys_find_ctx(struct keys_cache *c, size_t level, const cJSON *obj, const struct name_part *p)
{
	if (level >= KEYS_LEVELS)
		return obj != NULL && IS_OBJECT(obj) ? scan(obj, p) : NULL;
	return find_in(&c->level[level], obj, p);
}

const cJSON *
keys_find(struct keys_cache *c, const cJSON *obj, const struct name_part *p)
{
	/* cJSON nodes are 64 bytes: the address's low bits say nothing */
	uint64_t a = (uint64_t)(uintptr_t)obj >> 6;

	return find_in(&c->other[(a * 0x9E3779B97F4A7C15ULL) >> (64 - KEYS_OTHER_BITS)], obj, p);
}
