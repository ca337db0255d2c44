/*
 * site_pd.h — the page-data writer the site_data*.c and site_cards.c
 * builders share.  Internal to generator/site.
 *
 * Every builder writes through these functions.  Rendering, they build the
 * cJSON tree the template receives; keying, they mix each value, with its
 * path in the tree, into a running hash instead (no allocation).  A field
 * therefore cannot reach a page without reaching its key: there is one
 * description of the page, not a hash that copies it by hand.
 *
 * Each put_* adds k = v to the object o and returns 0, or -1 out of memory.
 * The key k is never copied: it is a literal or a string that lives for
 * the whole build (the theme's asset names).  In an arena (o->a), a value
 * put_str copies goes into the arena too, and the tree is dropped with the
 * arena's reset, never with cJSON_Delete.
 *
 * The put_* names are macros that measure k where they are written (a
 * literal's strlen is a constant there) and call the *_k function with
 * its length: keying hashes every key of every page, a few million of
 * them in a one-title rebuild, and measured each one again.
 */
#ifndef ONLY_SITE_PD_H
#define ONLY_SITE_PD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "arena.h"
#include "page_reads.h"

/*
 * A node of a page's data being written.  Rendering: j is the cJSON object
 * or array.  Keying: h is the page's running hash and id the hash of the
 * node's path (its parent's id and its key or position), so that
 * {a:{b:1},c:2} and {a:{b:1,c:2}} differ.  Either or both: a page that
 * must be rendered anyway (a full build) gets its tree and its key from one
 * pass, the same key a keying-only pass gives.
 */
struct pd {
	cJSON		*j;
	uint64_t	*h;
	uint64_t	 id;
	size_t		 n;	/* items pushed (arrays, keying) */
	struct arena *a;	/* rendering: nodes and strings come from here
				 * (NULL: cJSON's malloc); children inherit it */
	struct page_reads_rec *reads;	/* keying: the videos the page reads are
				 * noted here (page_reads.h), or NULL; children inherit it */
};

enum pd_type { PD_STR = 1, PD_NUM, PD_BOOL, PD_OBJ, PD_ARR, PD_CARD, PD_CARDS };

/*
 * Keying: mixes "at o, key k, a value of type t" into the hash (one pass
 * over k: the node's path and the type fold into the seed).
 */
void	pd_mix_k(const struct pd *o, const char *k, size_t kn, int t);
#define pd_mix(o, k, t)	pd_mix_k((o), (k), strlen(k), (t))
int	put_str_k(struct pd *o, const char *k, size_t kn, const char *v);
#define put_str(o, k, v)	put_str_k((o), (k), strlen(k), (v))
/*
 * put_str of a value whose length is known (v[n] is its first NUL): what a
 * builder formatted into its scratch buffer, measured as it was written.
 * The same tree and key as put_str(o, k, v).
 */
int	put_strn_k(struct pd *o, const char *k, size_t kn, const char *v, size_t n);
#define put_strn(o, k, v, n)	put_strn_k((o), (k), strlen(k), (v), (n))
/*
 * k = v without copying either: k must be a literal and v must outlive the
 * page's data (model and card-text strings live for the whole build).
 */
int	put_ref_k(struct pd *o, const char *k, size_t kn, const char *v);
#define put_ref(o, k, v)	put_ref_k((o), (k), strlen(k), (v))
int	put_num_k(struct pd *o, const char *k, size_t kn, double v);
#define put_num(o, k, v)	put_num_k((o), (k), strlen(k), (v))
int	put_bool_k(struct pd *o, const char *k, size_t kn, int v);
#define put_bool(o, k, v)	put_bool_k((o), (k), strlen(k), (v))
/* Adds the object (or array) k to o, as child; 0 or -1. */
int	put_node_k(struct pd *o, const char *k, size_t kn, int array, struct pd *child);
#define put_node(o, k, array, child)	put_node_k((o), (k), strlen(k), (array), (child))
/* Appends a new object to array a, as child; 0 or -1. */
int	push_obj(struct pd *a, struct pd *child);
/*
 * A field of put_fields(): PD_STR (s referenced, as put_ref: it must
 * outlive the page's data), PD_NUM or PD_BOOL (num, nonzero is true).
 */
struct pd_kv {
	const char	*k;
	int		 type;
	const char	*s;
	double		 num;
};
/*
 * kv[0..n) into o, in order: the same tree and the same key as that many
 * put_ref/put_num/put_bool calls, but an arena tree gets its n nodes in
 * one allocation, linked in one loop (a card is 18 fields, put a few
 * hundred thousand times in a full build); 0 or -1.
 */
int	put_fields(struct pd *o, const struct pd_kv *kv, size_t n);
/*
 * Lists made while the page renders (tmpl.h: struct tmpl_lazy).
 * pd_arr_lazy() makes the array arr (put_arr, nothing pushed) such a list
 * when it is rendered into an arena: 1 (lz, which must live as long as the
 * tree, is its items' maker), 0 when it is not (keying only, or a tree of
 * cJSON's malloc: the caller pushes the items).  Keying, the items are
 * the caller's to mix, as pushed (push_obj on a copy of arr without its
 * tree).  pd_obj_new() makes o a new object in arena a, in no tree: an
 * item such a list gives.  0 or -1.
 */
struct tmpl_lazy;
int	pd_arr_lazy(struct pd *arr, struct tmpl_lazy *lz);
int	pd_obj_new(struct pd *o, struct arena *a);

/*
 * Adds item (a node of the build's shared data, which outlives the page)
 * to o under its own key, as a reference: nothing is copied; 0 or -1.
 */
int	put_shared(struct pd *o, const cJSON *item);

#define put_obj(o, k, child)	put_node((o), (k), 0, (child))
#define put_arr(o, k, child)	put_node((o), (k), 1, (child))

/* Adds k = what expr appended to the scratch buffer b. */
#define PUT_FMT(o, k, b, expr) \
	(buf_reset(b), (expr) == -1 ? -1 : put_buf((o), (k), (b)))
/* Adds k = the scratch buffer b's string. */
#define put_buf(o, k, b) \
	put_strn((o), (k), (b)->data ? (b)->data : "", (b)->data ? (b)->len : 0)

#endif
