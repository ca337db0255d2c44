/*
 * tag_set.h — tag identity: which references name one tag, what the tag
 * is called, and its slug.  A reference is a site.json tag's slug or name,
 * a slug, or free text (an entry's "tags", Bunny's keywords).  Free text
 * is one tag per identity key: ASCII letters lower-cased, each run of
 * spaces, '-' and '_' one '-' ("Night Life" and "night-life" are one tag;
 * "C++" and "C#" are two).  Lookups go through a hash table: O(1) each.
 *
 * Ownership: the set owns its tags until the caller takes the array
 * (tags, n) and zeroes those fields; tag_set_free() releases the rest.
 *
 * Returns: 0 ok, -1 out of memory (tag_set_ref: an index, -1 out of
 * memory, -2 for an empty reference).
 */
#ifndef ONLY_TAG_SET_H
#define ONLY_TAG_SET_H

#include <stddef.h>

#include "content.h"	/* struct content_tag */
#include "model.h"	/* struct tag */
#include "strmap.h"

struct tag_set {
	struct tag			*tags;	/* until tag_set_slugs(): slug is the identity key */
	size_t				 n, cap;
	unsigned char			*kind;	/* where each tag's name came from */
	struct strmap			 map;	/* identity key -> index into tags */
	const struct content_tag	*site;	/* site.json's tags (borrowed) */
	size_t				 nsite;
};

/* An empty set that knows site.json's tags (site[nsite], borrowed). */
void	tag_set_init(struct tag_set *s, const struct content_tag *site, size_t nsite);

/*
 * The index of the tag ref names, added when new.  Its name is site.json's
 * name, else the smallest free text naming it, else made from its slug.
 */
long	tag_set_ref(struct tag_set *s, const char *ref);

/*
 * Replaces each tag's identity key by its slug, once every reference is
 * in: keys that are slugs keep themselves; the others, in key order, get
 * their slugified form, or "tag-<hash>" when nothing ASCII is left, and
 * "-2", "-3", ... when that slug is taken.  The result depends only on the
 * set of tags, not on the order they came in.  No tag_set_ref() after it
 * (the hash table still holds the keys it replaced).
 */
int	tag_set_slugs(struct tag_set *s);

void	tag_set_free(struct tag_set *s);

/* "night-life" -> "night life": a display name made from a slug, or NULL (out of memory). */
char	*name_from_slug(const char *slug);

#endif
