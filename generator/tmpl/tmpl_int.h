/*
 * tmpl_int.h — the compiled form of a Mustache template, shared by the
 * compiler (tmpl.c) and the renderer (tmpl_render.c).  Not for other files.
 *
 * Every (s, n) slice points into the owning template's source copy, which
 * lives as long as the set; nothing is copied per node.
 */
#ifndef ONLY_TMPL_INT_H
#define ONLY_TMPL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tmpl.h"

enum node_type {
	N_TEXT,		/* literal template text */
	N_VAR,		/* {{name}}: HTML-escaped */
	N_RAW,		/* {{{name}}} or {{&name}} */
	N_SECTION,	/* {{#name}}…{{/name}} */
	N_INVERTED,	/* {{^name}}…{{/name}} */
	N_PARTIAL,	/* {{>name}} */
	N_PARENT,	/* {{<name}}…{{/name}}: kids are the N_BLOCK overrides */
	N_BLOCK		/* {{$name}}…{{/name}}: kids are the default content */
};

struct name_part {
	const char	*s;
	size_t		 n;
	uint32_t	 tag;	/* keys_tag(s, n), for the renderer's key index (tmpl_keys.h) */
};

struct node {
	enum node_type		 type;
	const char		*s;		/* text, or the tag's name */
	size_t			 n;
	struct name_part	*path;		/* dotted name split at '.'; NULL for "." */
	size_t			 npath;
	struct node		*kids;
	size_t			 nkids;
	const char		*indent;	/* standalone partial/parent/block: indent of its expansion */
	size_t			 nindent;
	const char		*eol;		/* block open+close on one standalone line: its newline */
	size_t			 neol;
	const struct tmpl	*target;	/* partial/parent: the compiled template, or NULL */
};

struct tmpl {
	char		*name;		/* name it is known by in the set */
	char		*path;		/* name for messages (file path), never NULL */
	char		*src;		/* owned copy of the source */
	size_t		 len;
	struct node	 root;		/* N_SECTION-like container of the top-level nodes */
	int		 ok;		/* compiled without error */
	struct tmpl	*next;		/* the set's list */
};

struct tmpl_set {
	tmpl_loader_fn	 loader;
	void		*arg;
	struct tmpl	*list;
};

#endif
