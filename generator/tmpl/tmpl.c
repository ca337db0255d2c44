/*
 * tmpl.c — Mustache compiler: source text to a tree of nodes, in three
 * passes (lowdown's template.c: compile first, execute later).
 *
 *  1. tokenize: text pieces (split at newlines) and tags, honouring set
 *     delimiter tags as they come;
 *  2. standalone: a line holding only whitespace and non-output tags
 *     (sections, inverted, comments, delimiters, partials, parents,
 *     blocks) loses its indentation and newline; the indentation becomes
 *     the indent of a partial, parent or block expanded there;
 *  3. build: nest sections, blocks and parents, check that every section
 *     closes with its own name, resolve partials and parents through the
 *     set, and remove a block's own indentation from its lines (it is put
 *     back, or replaced, where the block is expanded).
 *
 * Errors carry NAME:LINE:COL of the offending tag.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpl_int.h"
#include "tmpl_keys.h"

enum tok_kind {
	T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE, T_COMMENT,
	T_DELIM, T_PARTIAL, T_PARENT, T_BLOCK
};

struct token {
	enum tok_kind	 kind;
	const char	*s;		/* text, or the trimmed tag name */
	size_t		 n;
	size_t		 line, col;	/* where the tag (or text) starts */
	int		 line_start;	/* text that begins a line */
	int		 removed;	/* whitespace of a standalone line */
	int		 standalone;	/* tag alone (with other non-output tags) on its line */
	const char	*indent;	/* standalone: the line's indentation */
	size_t		 nindent;
	const char	*eol;		/* standalone: the line's newline ("" at EOF) */
	size_t		 neol;
};

struct compiler {
	struct tmpl_set	*set;
	struct tmpl	*t;
	struct token	*toks;
	size_t		 ntoks, captoks;
	char		*err;
	size_t		 errlen;
};

static int cerr(struct compiler *, size_t, size_t, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* Formats "PATH:LINE:COL: message" into the caller's error buffer. */
static int
cerr(struct compiler *c, size_t line, size_t col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%zu:%zu: %s", c->t->path, line, col, msg);
	return -1;
}

/* At most 60 bytes of a name, for messages. */
#define SHOWN(n) ((int)((n) > 60 ? 60 : (n)))

static int
push_tok(struct compiler *c, const struct token *tk)
{
	struct token *p;
	size_t ncap;

	if (c->ntoks == c->captoks) {
		ncap = c->captoks ? c->captoks * 2 : 64;
		if ((p = realloc(c->toks, ncap * sizeof(*p))) == NULL) {
			snprintf(c->err, c->errlen, "%s: out of memory", c->t->path);
			return -1;
		}
		c->toks = p;
		c->captoks = ncap;
	}
	c->toks[c->ntoks++] = *tk;
	return 0;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Advances line/col over [from, to). */
static void
advance(const char *from, const char *to, size_t *line, size_t *col)
{
	for (; from < to; from++) {
		if (*from == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*from & 0xc0) != 0x80)
			(*col)++;
	}
}

/* Adds literal text, one token per line piece. */
static int
add_text(struct compiler *c, const char *s, size_t n, size_t *line, size_t *col)
{
	const char *end = s + n, *nl;
	struct token tk;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		memset(&tk, 0, sizeof(tk));
		tk.kind = T_TEXT;
		tk.s = s;
		tk.n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		tk.line = *line;
		tk.col = *col;
		tk.line_start = (*col == 1);
		if (push_tok(c, &tk) != 0)
			return -1;
		advance(s, s + tk.n, line, col);
		s += tk.n;
	}
	return 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (is_blank(**s) || **s == '\n' || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\n' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* Pass 1. */
static int
tokenize(struct compiler *c)
{
	char open[16] = "{{", close[16] = "}}";
	size_t nopen = 2, nclose = 2, line = 1, col = 1, tline, tcol;
	const char *p = c->t->src, *end = c->t->src + c->t->len, *q, *body, *cl;
	size_t nbody;
	struct token tk;

	while (p < end) {
		q = memmem(p, (size_t)(end - p), open, nopen);
		if (q == NULL)
			return add_text(c, p, (size_t)(end - p), &line, &col);
		if (q > p && add_text(c, p, (size_t)(q - p), &line, &col) != 0)
			return -1;
		tline = line;
		tcol = col;
		body = q + nopen;
		memset(&tk, 0, sizeof(tk));
		tk.line = tline;
		tk.col = tcol;
		if (body < end && *body == '{') {
			/* {{{name}}}: closes with "}" and the close delimiter */
			char tclose[17];
			snprintf(tclose, sizeof(tclose), "}%s", close);
			cl = memmem(body + 1, (size_t)(end - body - 1), tclose, nclose + 1);
			if (cl == NULL)
				return cerr(c, tline, tcol, "unclosed tag: expected '}%s'", close);
			tk.kind = T_RAW;
			tk.s = body + 1;
			tk.n = (size_t)(cl - body - 1);
			p = cl + nclose + 1;
		} else {
			cl = memmem(body, (size_t)(end - body), close, nclose);
			if (cl == NULL)
				return cerr(c, tline, tcol, "unclosed tag: expected '%s' before the end",
				    close);
			nbody = (size_t)(cl - body);
			p = cl + nclose;
			tk.s = body;
			tk.n = nbody;
			trim(&tk.s, &tk.n);
			tk.kind = T_VAR;
			if (tk.n > 0) {
				switch (tk.s[0]) {
				case '#': tk.kind = T_SECTION; break;
				case '^': tk.kind = T_INVERTED; break;
				case '/': tk.kind = T_CLOSE; break;
				case '!': tk.kind = T_COMMENT; break;
				case '=': tk.kind = T_DELIM; break;
				case '>': tk.kind = T_PARTIAL; break;
				case '<': tk.kind = T_PARENT; break;
				case '$': tk.kind = T_BLOCK; break;
				case '&': tk.kind = T_RAW; break;
				default: break;
				}
				if (tk.kind != T_VAR) {
					tk.s++;
					tk.n--;
				}
			}
			if (tk.kind == T_DELIM) {
				/* {{=<% %>=}}: two delimiters, blank-separated */
				const char *d = tk.s, *de;
				size_t dn = tk.n, n1, n2;
				if (dn == 0 || d[dn - 1] != '=')
					return cerr(c, tline, tcol, "set-delimiter tag must end with '='");
				dn--;
				trim(&d, &dn);
				de = d;
				while (de < d + dn && !is_blank(*de))
					de++;
				n1 = (size_t)(de - d);
				while (de < d + dn && is_blank(*de))
					de++;
				n2 = (size_t)(d + dn - de);
				if (n1 == 0 || n2 == 0 || n1 >= sizeof(open) || n2 >= sizeof(close) ||
				    memchr(de, ' ', n2) != NULL || memchr(de, '\t', n2) != NULL ||
				    memchr(d, '=', n1) != NULL || memchr(de, '=', n2) != NULL)
					return cerr(c, tline, tcol, "bad set-delimiter tag '%.*s': "
					    "expected two delimiters such as {{=<%% %%>=}}", SHOWN(tk.n), tk.s);
				memcpy(open, d, n1);
				open[n1] = '\0';
				nopen = n1;
				memcpy(close, de, n2);
				close[n2] = '\0';
				nclose = n2;
			} else if (tk.kind != T_COMMENT) {
				trim(&tk.s, &tk.n);
				if (tk.n == 0)
					return cerr(c, tline, tcol, "empty tag name");
			}
		}
		if (tk.kind == T_RAW) {
			trim(&tk.s, &tk.n);
			if (tk.n == 0)
				return cerr(c, tline, tcol, "empty tag name");
		}
		advance(q, p, &line, &col);
		if (push_tok(c, &tk) != 0)
			return -1;
	}
	return 0;
}

static int
standalone_kind(enum tok_kind k)
{
	return k == T_SECTION || k == T_INVERTED || k == T_CLOSE || k == T_COMMENT ||
	    k == T_DELIM || k == T_PARTIAL || k == T_PARENT || k == T_BLOCK;
}

/* Pass 2: find standalone lines and strip their whitespace and newline. */
static void
mark_standalone(struct compiler *c)
{
	size_t i = 0, j, k, ntags;
	struct token *t = c->toks;

	while (i < c->ntoks) {
		/* The line is tokens [i, j): up to and including a text ending in '\n'. */
		for (j = i; j < c->ntoks; j++)
			if (t[j].kind == T_TEXT && t[j].n > 0 && t[j].s[t[j].n - 1] == '\n') {
				j++;
				break;
			}
		ntags = 0;
		for (k = i; k < j; k++) {
			if (t[k].kind == T_TEXT) {
				const char *s = t[k].s, *e = t[k].s + t[k].n;
				if (e > s && e[-1] == '\n') {
					e--;
					if (e > s && e[-1] == '\r')
						e--;
				}
				while (s < e && is_blank(*s))
					s++;
				if (s != e)
					break;
			} else if (standalone_kind(t[k].kind))
				ntags++;
			else
				break;
		}
		if (k == j && ntags > 0) {
			const char *indent = "", *eol = "";
			size_t nindent = 0, neol = 0;
			if (t[i].kind == T_TEXT && t[i].line_start) {
				indent = t[i].s;
				nindent = t[i].n;
				while (nindent > 0 && !is_blank(indent[nindent - 1]))
					nindent--;
			}
			if (t[j - 1].kind == T_TEXT && t[j - 1].s[t[j - 1].n - 1] == '\n') {
				const char *s = t[j - 1].s + t[j - 1].n - 1;
				eol = (s > t[j - 1].s && s[-1] == '\r') ? s - 1 : s;
				neol = (size_t)(t[j - 1].s + t[j - 1].n - eol);
			}
			for (k = i; k < j; k++) {
				if (t[k].kind == T_TEXT)
					t[k].removed = 1;
				else {
					t[k].standalone = 1;
					t[k].indent = indent;
					t[k].nindent = nindent;
					t[k].eol = eol;
					t[k].neol = neol;
				}
			}
		}
		i = j;
	}
}

/* Growable list of nodes under construction. */
struct nodes {
	struct node	*v;
	size_t		 n, cap;
};

static struct node *
nodes_add(struct compiler *c, struct nodes *ns)
{
	struct node *p;
	size_t ncap;

	if (ns->n == ns->cap) {
		ncap = ns->cap ? ns->cap * 2 : 8;
		if ((p = realloc(ns->v, ncap * sizeof(*p))) == NULL) {
			snprintf(c->err, c->errlen, "%s: out of memory", c->t->path);
			return NULL;
		}
		ns->v = p;
		ns->cap = ncap;
	}
	p = &ns->v[ns->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void
node_free_kids(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_free_kids(&n->kids[i]);
	free(n->kids);
	free(n->path);
	n->kids = NULL;
	n->path = NULL;
	n->nkids = 0;
}

static int
split_path(struct compiler *c, struct node *nd)
{
	size_t i, k, parts = 1;

	if (nd->n == 1 && nd->s[0] == '.')
		return 0;	/* implicit iterator */
	for (i = 0; i < nd->n; i++)
		if (nd->s[i] == '.')
			parts++;
	if ((nd->path = calloc(parts, sizeof(*nd->path))) == NULL) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->t->path);
		return -1;
	}
	nd->npath = parts;
	for (i = 0, k = 0; k < parts; k++) {
		size_t start = i;
		while (i < nd->n && nd->s[i] != '.')
			i++;
		nd->path[k].s = nd->s + start;
		nd->path[k].n = i - start;
		nd->path[k].tag = keys_tag(nd->path[k].s, nd->path[k].n);
		i++;
	}
	return 0;
}

/* The part of `inner` indentation beyond `outer` (both leading blanks). */
static void
relative_indent(const char *outer, size_t nouter, const char **s, size_t *n)
{
	if (*n >= nouter && memcmp(*s, outer, nouter) == 0) {
		*s += nouter;
		*n -= nouter;
	}
}

static const struct tmpl *resolve(struct compiler *, const char *, size_t, int *);

/*
 * Pass 3: builds nodes from toks[*i] until the closing tag named
 * (close, nclose), or the end when close is NULL.  D is the indentation
 * removed from the lines of the enclosing block (relative indents of
 * standalone tags and text lines are taken against it).  in_parent: only
 * blocks are kept, other content of a {{<parent}} is parsed and dropped.
 */
static int
build(struct compiler *c, size_t *i, const struct token *opener, struct nodes *out,
    const char *D, size_t nD, int in_parent, int depth)
{
	struct token *tk;
	struct node *nd;

	if (depth > TMPL_MAX_DEPTH)
		return cerr(c, opener->line, opener->col,
		    "sections nested too deeply (the limit is %d levels)", TMPL_MAX_DEPTH);
	while (*i < c->ntoks) {
		tk = &c->toks[(*i)++];
		if (tk->removed || tk->kind == T_COMMENT || tk->kind == T_DELIM)
			continue;
		if (tk->kind == T_CLOSE) {
			if (opener == NULL)
				return cerr(c, tk->line, tk->col,
				    "'/%.*s' closes a section that was never opened", SHOWN(tk->n), tk->s);
			if (tk->n != opener->n || memcmp(tk->s, opener->s, tk->n) != 0)
				return cerr(c, tk->line, tk->col,
				    "'/%.*s' does not close the open section '%.*s' (opened at %zu:%zu)",
				    SHOWN(tk->n), tk->s, SHOWN(opener->n), opener->s, opener->line, opener->col);
			return 0;
		}
		if (in_parent && tk->kind != T_BLOCK) {
			if (tk->kind == T_SECTION || tk->kind == T_INVERTED || tk->kind == T_PARENT) {
				struct nodes drop = { NULL, 0, 0 };
				size_t k;
				int rc = build(c, i, tk, &drop, D, nD, 1, depth + 1);
				for (k = 0; k < drop.n; k++)
					node_free_kids(&drop.v[k]);
				free(drop.v);
				if (rc != 0)
					return -1;
			}
			continue;
		}
		if (tk->kind == T_TEXT) {
			const char *ts = tk->s;
			size_t tn = tk->n;

			if (tk->line_start && nD > 0 && tn >= nD && memcmp(ts, D, nD) == 0) {
				ts += nD;
				tn -= nD;
			}
			/*
			 * Text that goes on where the previous text node ends in
			 * the source joins it: one copy at render time, not one
			 * per line (rendering puts the indentation after every
			 * newline of a node, so the output is the same).
			 */
			if (out->n > 0 && out->v[out->n - 1].type == N_TEXT &&
			    out->v[out->n - 1].s + out->v[out->n - 1].n == ts) {
				out->v[out->n - 1].n += tn;
				continue;
			}
			if ((nd = nodes_add(c, out)) == NULL)
				return -1;
			nd->type = N_TEXT;
			nd->s = ts;
			nd->n = tn;
			continue;
		}
		if ((nd = nodes_add(c, out)) == NULL)
			return -1;
		nd->s = tk->s;
		nd->n = tk->n;
		switch (tk->kind) {
		case T_VAR:
		case T_RAW:
			nd->type = tk->kind == T_VAR ? N_VAR : N_RAW;
			if (split_path(c, nd) != 0)
				return -1;
			break;
		case T_PARTIAL:
			nd->type = N_PARTIAL;
			if (tk->standalone) {
				nd->indent = tk->indent;
				nd->nindent = tk->nindent;
				relative_indent(D, nD, &nd->indent, &nd->nindent);
			}
			if ((nd->target = resolve(c, tk->s, tk->n, NULL)) == NULL && c->err[0] != '\0')
				return -1;
			break;
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK: {
			struct nodes kids = { NULL, 0, 0 };
			const char *bD = D;
			size_t nbD = nD;
			size_t at = *i;
			int rc;

			nd->type = tk->kind == T_SECTION ? N_SECTION : tk->kind == T_INVERTED ?
			    N_INVERTED : tk->kind == T_PARENT ? N_PARENT : N_BLOCK;
			if (nd->type == N_SECTION || nd->type == N_INVERTED) {
				if (split_path(c, nd) != 0)
					return -1;
			}
			if (nd->type == N_BLOCK && tk->standalone) {
				/*
				 * The block's own indentation: that of its first
				 * line of content, else that of its tag.
				 */
				while (at < c->ntoks && c->toks[at].removed)
					at++;
				bD = tk->indent;
				nbD = tk->nindent;
				if (at < c->ntoks && c->toks[at].kind == T_TEXT) {
					bD = c->toks[at].s;
					nbD = 0;
					while (nbD < c->toks[at].n && is_blank(bD[nbD]))
						nbD++;
				} else if (at < c->ntoks && c->toks[at].kind != T_CLOSE) {
					/* a tag begins the first line: its indentation, if standalone */
					bD = c->toks[at].standalone ? c->toks[at].indent : "";
					nbD = c->toks[at].standalone ? c->toks[at].nindent : 0;
				}
				nd->indent = bD;
				nd->nindent = nbD;
				relative_indent(D, nD, &nd->indent, &nd->nindent);
			} else if (nd->type == N_PARENT && tk->standalone) {
				nd->indent = tk->indent;
				nd->nindent = tk->nindent;
				relative_indent(D, nD, &nd->indent, &nd->nindent);
			}
			rc = build(c, i, tk, &kids, bD, nbD, nd->type == N_PARENT, depth + 1);
			nd = &out->v[out->n - 1];	/* out may have moved */
			nd->kids = kids.v;
			nd->nkids = kids.n;
			if (rc != 0)
				return -1;
			/* A block whose open and close share one standalone line. */
			if (nd->type == N_BLOCK && tk->standalone && *i > 0 &&
			    c->toks[*i - 1].standalone && c->toks[*i - 1].line == tk->line) {
				nd->eol = tk->eol;
				nd->neol = tk->neol;
			}
			if (nd->type == N_PARENT &&
			    (nd->target = resolve(c, tk->s, tk->n, NULL)) == NULL && c->err[0] != '\0')
				return -1;
			break;
		}
		default:
			break;
		}
	}
	if (opener != NULL)
		return cerr(c, opener->line, opener->col,
		    "section '%.*s' is never closed", SHOWN(opener->n), opener->s);
	return 0;
}

static struct tmpl *
set_find(struct tmpl_set *set, const char *name, size_t n)
{
	struct tmpl *t;

	for (t = set->list; t != NULL; t = t->next)
		if (strlen(t->name) == n && memcmp(t->name, name, n) == 0)
			return t;
	return NULL;
}

static const struct tmpl *compile_named(struct tmpl_set *, const char *, char *,
    size_t, char *, char *, size_t);

/*
 * A partial or parent by name: already in the set (possibly still being
 * compiled: recursion is fine), else loaded and compiled now.  NULL with
 * c->err empty means "no such template" (renders as nothing).
 */
static const struct tmpl *
resolve(struct compiler *c, const char *name, size_t n, int *unused)
{
	struct tmpl *t;
	char *key, *src, *path = NULL;
	size_t len;

	(void)unused;
	c->err[0] = '\0';
	if ((t = set_find(c->set, name, n)) != NULL)
		return t;
	if (c->set->loader == NULL)
		return NULL;
	if ((key = strndup(name, n)) == NULL) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->t->path);
		return NULL;
	}
	src = c->set->loader(c->set->arg, key, &len, &path);
	if (src == NULL) {
		free(key);
		free(path);
		return NULL;
	}
	t = (struct tmpl *)compile_named(c->set, key, src, len, path, c->err, c->errlen);
	free(key);
	return t;
}

static void
tmpl_free(struct tmpl *t)
{
	node_free_kids(&t->root);
	free(t->name);
	free(t->path);
	free(t->src);
	free(t);
}

/* Takes ownership of src and path. */
static const struct tmpl *
compile_named(struct tmpl_set *set, const char *name, char *src, size_t len, char *path,
    char *err, size_t errlen)
{
	struct compiler c;
	struct tmpl *t;
	struct nodes top = { NULL, 0, 0 };
	size_t i = 0;
	int rc;

	if ((t = calloc(1, sizeof(*t))) == NULL || (t->name = strdup(name)) == NULL ||
	    (t->path = path ? path : strdup(name)) == NULL) {
		if (t != NULL)
			free(t->name);
		free(t);
		free(src);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	t->src = src;
	t->len = len;
	t->root.type = N_SECTION;
	/* In the set before its partials are compiled, so recursion resolves. */
	t->next = set->list;
	set->list = t;
	if (len > TMPL_MAX_SOURCE) {
		snprintf(err, errlen, "%s: template too large (%zu bytes, the limit is %zu)",
		    t->path, len, TMPL_MAX_SOURCE);
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	c.set = set;
	c.t = t;
	c.err = err;
	c.errlen = errlen;
	err[0] = '\0';
	rc = tokenize(&c);
	if (rc == 0) {
		mark_standalone(&c);
		rc = build(&c, &i, NULL, &top, "", 0, 0, 0);
	}
	t->root.kids = top.v;
	t->root.nkids = top.n;
	free(c.toks);
	if (rc != 0)
		return NULL;
	t->ok = 1;
	return t;
}

struct tmpl_set *
tmpl_set_new(tmpl_loader_fn loader, void *arg)
{
	struct tmpl_set *set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return NULL;
	set->loader = loader;
	set->arg = arg;
	return set;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	struct tmpl *t, *next;

	if (set == NULL)
		return;
	for (t = set->list; t != NULL; t = next) {
		next = t->next;
		tmpl_free(t);
	}
	free(set);
}

const struct tmpl *
tmpl_compile(struct tmpl_set *set, const char *name, const char *src, size_t len,
    char *err, size_t errlen)
{
	char *copy;
	const struct tmpl *t;

	if ((t = set_find(set, name, strlen(name))) != NULL) {
		if (!t->ok)
			snprintf(err, errlen, "%s: failed to compile earlier", t->path);
		return t->ok ? t : NULL;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	memcpy(copy, src, len);
	copy[len] = '\0';
	return compile_named(set, name, copy, len, NULL, err, errlen);
}

const struct tmpl *
tmpl_get(struct tmpl_set *set, const char *name, char *err, size_t errlen)
{
	const struct tmpl *t;
	char *src, *path = NULL;
	size_t len;

	if ((t = set_find(set, name, strlen(name))) != NULL) {
		if (!t->ok)
			snprintf(err, errlen, "%s: failed to compile earlier", t->path);
		return t->ok ? t : NULL;
	}
	if (set->loader == NULL ||
	    (src = set->loader(set->arg, name, &len, &path)) == NULL) {
		snprintf(err, errlen, "template '%s' not found", name);
		free(path);
		return NULL;
	}
	return compile_named(set, name, src, len, path, err, errlen);
}

char *
tmpl_dir_loader(void *dir, const char *name, size_t *len, char **path)
{
	struct buf b;
	char *p;

	/* Names are file names under dir: no path tricks. */
	if (name[0] == '\0' || name[0] == '.' || strstr(name, "..") != NULL ||
	    strchr(name, '/') != NULL)
		return NULL;
	if (asprintf(&p, "%s/%s.mustache", (const char *)dir, name) < 0)
		return NULL;
	buf_init(&b, TMPL_MAX_SOURCE + 1);
	if (buf_read_file(&b, p) != 0) {
		buf_free(&b);
		free(p);
		return NULL;
	}
	*len = b.len;
	if (path != NULL)
		*path = p;
	else
		free(p);
	return buf_take(&b);
}
