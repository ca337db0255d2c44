/*
 * tmpl.h — Mustache templates: compile once, render many.
 *
 * Supported: variables ({{x}}, {{a.b}}, {{.}}), raw output ({{{x}}}, {{&x}}),
 * sections over lists, objects and truthy values, inverted sections,
 * comments, partials ({{>name}}, with standalone indentation), set
 * delimiters ({{=<% %>=}}), and inheritance ({{<parent}} with {{$block}}).
 * Lambdas and dynamic names are not supported.  {{x}} escapes & < > " '
 * for HTML.
 *
 * A template set owns every template compiled through it.  Partials and
 * parents are looked up by name through the set's loader when the template
 * that names them is compiled, so rendering only reads compiled trees and a
 * set may be rendered from several threads at once once compiled.
 *
 * Errors name "NAME:LINE:COL: what is wrong".
 */
#ifndef ONLY_TMPL_H
#define ONLY_TMPL_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "buf.h"

#define TMPL_MAX_DEPTH		64	/* nested sections/blocks in one template */
#define TMPL_MAX_RENDER_DEPTH	128	/* context stack + partial/parent nesting at render */
#define TMPL_MAX_SOURCE		((size_t)4 << 20)	/* bytes of one template */

struct tmpl;
struct tmpl_set;

/*
 * Returns a malloc'd copy of the source of the template called name and
 * its length, or NULL when there is no such template (a missing partial
 * renders as nothing, as the spec says).  path, when not NULL, receives a
 * malloc'd name to use in error messages (e.g. the file path).
 */
typedef char *(*tmpl_loader_fn)(void *arg, const char *name, size_t *len, char **path);

/* A set whose partials come from loader (may be NULL: no partials). */
struct tmpl_set		*tmpl_set_new(tmpl_loader_fn loader, void *arg);
void			 tmpl_set_free(struct tmpl_set *);

/*
 * Compiles source under name (replacing nothing: a name compiles once) and
 * every partial and parent it names.  Returns the template, owned by the
 * set, or NULL with a message in err.
 */
const struct tmpl	*tmpl_compile(struct tmpl_set *, const char *name,
			    const char *src, size_t len, char *err, size_t errlen);
/* Loads name through the loader and compiles it; NULL with err if absent. */
const struct tmpl	*tmpl_get(struct tmpl_set *, const char *name,
			    char *err, size_t errlen);

/*
 * A list whose items are made while it renders, one at a time, instead
 * of all before (a list page of 10 000 cards was 190 000 nodes at once,
 * most of the page's memory: site_cards.c).  It is a cJSON array flagged
 * TMPL_LAZY (and cJSON_IsReference, so that cJSON_Delete frees nothing of
 * it) whose valuestring points to a struct tmpl_lazy; it has no children.
 * It renders as an array of n items would: a section iterates them, an
 * inverted section and a test see whether n is 0, a variable prints
 * nothing.  item(arg, i, reuse) gives item i (NULL: out of memory, which
 * stops the render); reuse is 1 when the list is not being iterated
 * already further up (a template may nest a list in itself): the item may
 * then take the memory of the one before it, which is not read again.
 */
#define TMPL_LAZY	(1 << 12)
struct tmpl_memo;
struct tmpl_lazy {
	size_t		  n;
	const cJSON	*(*item)(void *arg, size_t i, int reuse);
	void		 *arg;
	unsigned	  depth;	/* the renderer's: iterations of it under way */
	/*
	 * Optional (NULL memo: every item rendered): item i's bytes taken from
	 * memo rather than made and rendered.  key(arg, i) names item i's tree:
	 * two items of one key are the same tree, never 0.  always names what
	 * every item holds, so that a name the page's data also has still
	 * resolves in the item (struct tmpl_memo says when bytes are kept).
	 */
	uint64_t		(*key)(void *arg, size_t i);
	const char *const	 *always;
	size_t			  nalways;
	const struct tmpl_memo	 *memo;
};

/*
 * Bytes a section rendered for one item of a lazy list, kept under a key
 * that covers all they depend on: the item's key, the section's body (its
 * text, tags and partials, hashed), and the indentation and line state
 * where the item begins.  A section keeps or takes bytes only when its body
 * can read nothing but the item: no blocks, and every name it looks up
 * either held by every item (always) or absent from the data the list is
 * in.  get gives the bytes kept under key (NULL: none) and whether they
 * end a line; put keeps a copy (a cache: it may drop them).
 */
struct tmpl_memo {
	const char	*(*get)(void *arg, uint64_t key, size_t *n, int *ends_line);
	void		 (*put)(void *arg, uint64_t key, const char *s, size_t n,
			    int ends_line);
	void		 *arg;
	/*
	 * Optional: a hint that get(key) is likely soon, TMPL_MEMO_AHEAD
	 * items on (near 0) and then half as far (near 1), so that a store
	 * out of cache can ask for what it will read: a list's items are
	 * a cache miss each in a table of tens of megabytes.  Changes
	 * nothing that get gives.
	 */
	void		 (*ahead)(void *arg, uint64_t key, int near);
};

/* How many items on a lazy section hints its memo (struct tmpl_memo: ahead). */
#define TMPL_MEMO_AHEAD	16
/* Makes arr, an empty array, such a list of lz's items (lz outlives it): 0, or -1 when it is not an empty array. */
int	tmpl_lazy_list(cJSON *arr, struct tmpl_lazy *lz);

/*
 * Renders t over data, appending to out.  Returns 0, or -1 with a message
 * in err (output cap reached, render depth exceeded).
 */
int	tmpl_render(const struct tmpl *t, const cJSON *data, struct buf *out,
	    char *err, size_t errlen);

/* Loader over a directory: name -> DIR/name.mustache (arg is the dir). */
char	*tmpl_dir_loader(void *dir, const char *name, size_t *len, char **path);

#endif
