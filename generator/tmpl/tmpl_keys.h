/*
 * tmpl_keys.h — finding a name among a cJSON object's keys, for the
 * renderer (tmpl_render.c).  Not for other files.
 *
 * Mustache looks a name up in an object's keys in order: the first equal
 * key wins, as cJSON's own lookup.  A page's data objects are looked up
 * many times each: the root for every name no inner section holds (the
 * layout's site.*, urls.*, assets.*), the video for every name of the
 * watch page, a card for every name of the card partial; a scan costs a
 * compare per key, and a name not there costs the whole object.  So an
 * object of KEYS_MIN to KEYS_MAX keys looked up a second time in one render
 * gets an index of its keys: an open-addressed table of (tag, child),
 * filled in list order, so that of equal keys the first is still the one
 * found.  Context levels past KEYS_LEVELS are scanned.
 *
 * The cache lives in one render's state: the data does not change while it
 * renders, and no two threads share it.
 */
#ifndef ONLY_TMPL_KEYS_H
#define ONLY_TMPL_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "tmpl_int.h"

#define KEYS_LEVELS	8	/* context levels indexed: one object each at a time */
#define KEYS_OTHER_BITS	3
#define KEYS_OTHERS	(1u << KEYS_OTHER_BITS)	/* others (a.b's a), direct-mapped by address */
#define KEYS_SLOT_BITS	6
#define KEYS_SLOTS	(1u << KEYS_SLOT_BITS)
#define KEYS_MIN	6	/* objects with fewer keys are scanned */
#define KEYS_MAX	48	/* and with more (the table stays 3/4 full at most) */

struct keys_index {
	const cJSON	*obj;			/* the object, or NULL */
	int		 state;			/* KEYS_SEEN, KEYS_BUILT or KEYS_SCAN */
	uint32_t	 tag[KEYS_SLOTS];	/* the slot's key's tag; 0: empty */
	const cJSON	*slot[KEYS_SLOTS];
};

/*
 * A context level's object keeps its index while it stays on the stack
 * (the root, the video, the card being rendered): the objects of a list's
 * items, pushed one after another at one level, do not push it out.
 */
struct keys_cache {
	struct keys_index	level[KEYS_LEVELS];
	struct keys_index	other[KEYS_OTHERS];
};

/*
 * A name's tag: its first 4 bytes as a little-endian word, NULs after a
 * shorter name; 0 for a name holding a NUL byte (it matches no key).
 */
uint32_t	 keys_tag(const char *s, size_t n);
/* Empties the cache (the start of a render). */
void		 keys_cache_init(struct keys_cache *);
/*
 * Forgets the indexes of context levels from level on and of the others:
 * a list made while it renders (tmpl.h: struct tmpl_lazy) may give its
 * next item the address of the one before, whose index would be stale.
 */
void	keys_cache_forget(struct keys_cache *c, size_t level);
/* The first child of obj whose key is p, or NULL (obj NULL or no object);
 * obj is the context stack's entry at level. */
const cJSON	*keys_find_ctx(struct keys_cache *, size_t level, const cJSON *obj,
		    const struct name_part *p);
/* The same for any other object (the a of a.b). */
const cJSON	*keys_find(struct keys_cache *, const cJSON *obj, const struct name_part *p);

#endif
