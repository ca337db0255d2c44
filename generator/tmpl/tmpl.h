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
struct tmpl_lazy {
	size_t		  n;
	const cJSON	*(*item)(void *arg, size_t i, int reuse);
	void		 *arg;
	unsigned	  depth;	/* the renderer's: iterations of it under way */
};
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
