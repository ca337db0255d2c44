/*
 * tmpl_render.c — executes a compiled Mustache tree over cJSON data.
 *
 * Read-only over the compiled set: several threads may render at once.
 * State per call: the context stack (innermost last), the stack of parent
 * calls whose blocks override (outermost first: the first definition
 * wins), and the indentation of standalone partials and blocks, which is
 * put before every line of template text (never inside interpolated data).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "hash64.h"
#include "tmpl_int.h"
#include "tmpl_keys.h"

struct render {
	struct buf		*out;
	const cJSON		*ctx[TMPL_MAX_RENDER_DEPTH];
	size_t			 nctx;
	const struct node	*parents[TMPL_MAX_RENDER_DEPTH];
	size_t			 nparents;
	char			 indent[4096];
	size_t			 nindent;
	int			 at_line_start;	/* the next output begins a line */
	int			 memo_item;	/* an item's bytes are being kept */
	size_t			 depth;
	char			*err;
	size_t			 errlen;
	struct keys_cache	 keys;		/* indexes of the objects looked up twice */
};

static int render_nodes(struct render *, const struct node *, size_t);

/*
 * cJSON's type tests, inline: cJSON_IsString() and the others are calls
 * into the shared library, a few per tag rendered.  The same test: the
 * low byte of type, without the reference and constant-key flags.
 */
#define JTYPE(v)		((v)->type & 0xFF)
#define IS(v, t)		(JTYPE(v) == (t))
/* A list made while it renders (tmpl.h). */
#define LAZY(v)			(IS(v, cJSON_Array) && ((v)->type & TMPL_LAZY) && (v)->valuestring != NULL)
#define LAZY_OF(v)		((struct tmpl_lazy *)(void *)(v)->valuestring)

static int
oom(struct render *r)
{
	snprintf(r->err, r->errlen, "output too large or out of memory (%zu bytes written)",
	    r->out->len);
	return -1;
}

/* Emits the pending indentation before the first byte of a line. */
static int
begin_output(struct render *r)
{
	if (r->at_line_start) {
		r->at_line_start = 0;
		if (r->nindent > 0 && buf_put_inline(r->out, r->indent, r->nindent) != 0)
			return oom(r);
	}
	return 0;
}

/* Template text: indentation after every newline. */
static int
emit_text(struct render *r, const char *s, size_t n)
{
	const char *end = s + n, *nl;
	size_t k;

	if (r->nindent == 0) {
		/* no indentation to put after a newline: the text as it is */
		if (n == 0)
			return 0;
		if (buf_put_inline(r->out, s, n) != 0)
			return oom(r);
		r->at_line_start = s[n - 1] == '\n';
		return 0;
	}
	while (s < end) {
		if (begin_output(r) != 0)
			return -1;
		nl = memchr(s, '\n', (size_t)(end - s));
		k = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		if (buf_put_inline(r->out, s, k) != 0)
			return oom(r);
		if (nl != NULL)
			r->at_line_start = 1;
		s += k;
	}
	return 0;
}

/*
 * Resolves a (dotted) name: the first part against the context stack from
 * the innermost outward, the rest inside what was found.
 */
static const cJSON *
resolve(struct render *r, const struct node *nd)
{
	const cJSON *v = NULL;
	size_t i;

	if (nd->path == NULL)
		return r->nctx ? r->ctx[r->nctx - 1] : NULL;
	for (i = r->nctx; i-- > 0;)
		if ((v = keys_find_ctx(&r->keys, i, r->ctx[i], &nd->path[0])) != NULL)
			break;
	for (i = 1; v != NULL && i < nd->npath; i++)
		v = keys_find(&r->keys, v, &nd->path[i]);
	return v;
}

/* false, null, missing, "", [] are false; everything else is true. */
static int
truthy(const cJSON *v)
{
	if (v == NULL || IS(v, cJSON_False) || IS(v, cJSON_NULL) || IS(v, cJSON_Invalid))
		return 0;
	if (IS(v, cJSON_String))
		return v->valuestring != NULL && v->valuestring[0] != '\0';
	if (LAZY(v))
		return LAZY_OF(v)->n > 0;
	if (IS(v, cJSON_Array))
		return v->child != NULL;
	return 1;
}

/* Digits of a whole number below 2^53, without printf. */
static size_t
fmt_whole(char *num, size_t size, double d)
{
	char tmp[24];
	unsigned long long u = (unsigned long long)d;
	size_t k = 0, i;

	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0 && k < sizeof(tmp));
	for (i = 0; i < k && i + 1 < size; i++)
		num[i] = tmp[k - 1 - i];
	num[i] = '\0';
	return i;
}

static int
emit_value(struct render *r, const cJSON *v, int escape)
{
	char num[64];
	const char *s = NULL;
	size_t n;
	int rc;

	if (v == NULL || IS(v, cJSON_NULL))
		return 0;
	if (IS(v, cJSON_String)) {
		s = v->valuestring ? v->valuestring : "";
		if (s[0] == '\0')
			return 0;
		if (begin_output(r) != 0)
			return -1;
		/* escaped: measured by the walk itself, in the same pass */
		rc = escape ? esc_html_str(r->out, s) : buf_put_inline(r->out, s, strlen(s));
		return rc == 0 ? 0 : oom(r);
	}
	if (IS(v, cJSON_Number)) {
		double d = v->valuedouble;
		if (!signbit(d) && d == floor(d) && d < 9007199254740992.0)
			fmt_whole(num, sizeof(num), d);	/* what "%.0f" prints, faster */
		else if (isfinite(d) && d == floor(d) && fabs(d) < 9007199254740992.0)
			snprintf(num, sizeof(num), "%.0f", d);
		else {
			/* the shortest form that reads back as the same double */
			snprintf(num, sizeof(num), "%.15g", d);
			if (strtod(num, NULL) != d)
				snprintf(num, sizeof(num), "%.17g", d);
		}
		s = num;
	} else if (IS(v, cJSON_True))
		s = "true";
	else if (IS(v, cJSON_False))
		s = "false";
	else
		return 0;	/* objects and arrays print nothing */
	n = strlen(s);
	if (n == 0)
		return 0;
	if (begin_output(r) != 0)
		return -1;
	rc = escape ? esc_html(r->out, s, n) : buf_put_inline(r->out, s, n);
	return rc == 0 ? 0 : oom(r);
}

static int
push_ctx(struct render *r, const cJSON *v)
{
	if (r->nctx >= TMPL_MAX_RENDER_DEPTH) {
		snprintf(r->err, r->errlen, "data nested too deeply for the template "
		    "(the limit is %d levels)", TMPL_MAX_RENDER_DEPTH);
		return -1;
	}
	r->ctx[r->nctx++] = v;
	return 0;
}

int
tmpl_lazy_list(cJSON *arr, struct tmpl_lazy *lz)
{
	if (arr == NULL || lz == NULL || !IS(arr, cJSON_Array) || arr->child != NULL)
		return -1;
	/* a reference: cJSON_Delete frees neither children nor valuestring */
	arr->type |= TMPL_LAZY | cJSON_IsReference;
	arr->valuestring = (char *)(void *)lz;
	return 0;
}

/*
 * What a section's body reads, for keeping its items' bytes (tmpl.h:
 * struct tmpl_memo): its hash (text, tags, escaping, partials' bodies and
 * indentation) and the first part of every name it looks up.  A body with
 * a block or a parent (whose content an enclosing parent may override),
 * nested partials deeper than MEMO_DEPTH (a partial that includes itself)
 * or more than MEMO_NAMES names is not kept: -1.
 */
#define MEMO_NAMES	64
#define MEMO_DEPTH	16

struct memo_body {
	uint64_t		 h;
	const struct name_part	*names[MEMO_NAMES];
	size_t			 n;
};

static int
memo_name(struct memo_body *b, const struct node *nd)
{
	const struct name_part *p = nd->path;
	size_t i;

	b->h = h64_int(h64(b->h, nd->s, nd->n), (int64_t)nd->n);
	if (p == NULL)
		return 0;	/* ".": the item, or what a section in it pushed */
	for (i = 0; i < b->n; i++)
		if (b->names[i]->n == p->n && memcmp(b->names[i]->s, p->s, p->n) == 0)
			return 0;
	if (b->n == MEMO_NAMES)
		return -1;
	b->names[b->n++] = p;
	return 0;
}

static int
memo_walk(struct memo_body *b, const struct node *nodes, size_t n, unsigned depth)
{
	const struct node *nd;
	size_t i;

	for (i = 0; i < n; i++) {
		nd = &nodes[i];
		b->h = h64_int(b->h, (int64_t)nd->type);
		switch (nd->type) {
		case N_TEXT:
			b->h = h64_int(h64(b->h, nd->s, nd->n), (int64_t)nd->n);
			break;
		case N_VAR:
		case N_RAW:
			if (memo_name(b, nd) != 0)
				return -1;
			break;
		case N_SECTION:
		case N_INVERTED:
			if (memo_name(b, nd) != 0 || memo_walk(b, nd->kids, nd->nkids, depth) != 0)
				return -1;
			b->h = h64_int(b->h, -1);	/* the section's end */
			break;
		case N_PARTIAL:
			b->h = h64_int(h64(b->h, nd->indent, nd->nindent), (int64_t)nd->nindent);
			if (nd->target == NULL) {
				b->h = h64_int(b->h, -2);	/* renders as nothing */
				break;
			}
			if (depth >= MEMO_DEPTH || memo_walk(b, nd->target->root.kids,
			    nd->target->root.nkids, depth + 1) != 0)
				return -1;
			b->h = h64_int(b->h, -3);
			break;
		case N_PARENT:
		case N_BLOCK:
			return -1;
		}
	}
	return 0;
}

/* Whether name p is among the names every item holds. */
static int
memo_always(const struct tmpl_lazy *lz, const struct name_part *p)
{
	size_t i;

	for (i = 0; i < lz->nalways; i++)
		if (strlen(lz->always[i]) == p->n && memcmp(lz->always[i], p->s, p->n) == 0)
			return 1;
	return 0;
}

/*
 * Whether section nd's items over lz may be kept and taken here: its body
 * is one that can be (memo_walk), and every name it looks up is one every
 * item holds or one the data around the list lacks, so that each lookup
 * resolves in the item (or in what a section in it pushed) or nowhere,
 * wherever the list is.  Sets *base, the key's part for the body and for
 * the indentation in force.
 */
static int
memo_usable(struct render *r, const struct node *nd, const struct tmpl_lazy *lz, uint64_t *base)
{
	struct memo_body b;
	size_t i, k;

	if (lz->memo == NULL || lz->key == NULL || r->memo_item)
		return 0;
	b.h = 0x746d706c2d6d656dULL;	/* "tmpl-mem" */
	b.n = 0;
	if (memo_walk(&b, nd->kids, nd->nkids, 0) != 0)
		return 0;
	for (k = 0; k < b.n; k++)
		if (!memo_always(lz, b.names[k]))
			for (i = r->nctx; i-- > 0;)
				if (keys_find_ctx(&r->keys, i, r->ctx[i], b.names[k]) != NULL)
					return 0;
	*base = h64_int(h64(b.h, r->indent, r->nindent), (int64_t)r->nindent);
	return 1;
}

/* Whether item it holds every name lz says each item holds. */
static int
memo_holds(struct render *r, const struct tmpl_lazy *lz, const cJSON *it)
{
	struct name_part p;
	size_t i;

	if (!IS(it, cJSON_Object))
		return 0;
	for (i = 0; i < lz->nalways; i++) {
		p.s = lz->always[i];
		p.n = strlen(p.s);
		p.tag = keys_tag(p.s, p.n);
		if (keys_find(&r->keys, it, &p) == NULL)
			return 0;
	}
	return 1;
}

/* Item i's key in its memo, where the line state is at_line_start: never 0. */
static uint64_t
memo_key(const struct tmpl_lazy *lz, uint64_t base, size_t i, int at_line_start)
{
	uint64_t key = h64_int(h64_mix(base, lz->key(lz->arg, i)), at_line_start);

	return key != 0 ? key : 1;
}

/* A section over a list made while it renders (tmpl.h: struct tmpl_lazy). */
static int
lazy_section(struct render *r, const struct node *nd, struct tmpl_lazy *lz)
{
	const cJSON *it;
	const char *kept;
	uint64_t base = 0, key = 0;
	size_t i, start = 0, len;
	int rc = 0, reuse = lz->depth == 0, memo = memo_usable(r, nd, lz, &base), ends;
	int outer = r->memo_item;	/* inside an item whose bytes are being kept */

	lz->depth++;
	for (i = 0; i < lz->n && rc == 0; i++) {
		if (memo && lz->memo->ahead != NULL) {
			/* the keys further on as they will most likely be: the
			 * line state as it is now */
			if (i + TMPL_MEMO_AHEAD < lz->n)
				lz->memo->ahead(lz->memo->arg, memo_key(lz, base, i + TMPL_MEMO_AHEAD,
				    r->at_line_start), 0);
			if (i + TMPL_MEMO_AHEAD / 2 < lz->n)
				lz->memo->ahead(lz->memo->arg, memo_key(lz, base,
				    i + TMPL_MEMO_AHEAD / 2, r->at_line_start), 1);
		}
		if (memo) {
			key = memo_key(lz, base, i, r->at_line_start);
			if ((kept = lz->memo->get(lz->memo->arg, key, &len, &ends)) != NULL) {
				if (len > 0 && buf_put(r->out, kept, len) != 0) {
					rc = oom(r);
					break;
				}
				if (len > 0)
					r->at_line_start = ends;
				continue;
			}
			start = r->out->len;
		}
		if ((it = lz->item(lz->arg, i, reuse)) == NULL) {
			rc = oom(r);
			break;
		}
		/* the item may sit where the one before it did */
		keys_cache_forget(&r->keys, r->nctx);
		if (push_ctx(r, it) != 0) {
			rc = -1;
			break;
		}
		r->memo_item = outer || memo;
		rc = render_nodes(r, nd->kids, nd->nkids);
		r->memo_item = outer;
		if (memo && rc == 0 && memo_holds(r, lz, it))
			lz->memo->put(lz->memo->arg, key, r->out->data != NULL ?
			    r->out->data + start : "", r->out->len - start, r->at_line_start);
		r->nctx--;
	}
	keys_cache_forget(&r->keys, r->nctx);
	lz->depth--;
	return rc;
}

static int
section(struct render *r, const struct node *nd)
{
	const cJSON *v = resolve(r, nd), *it;
	int rc = 0;

	if (nd->type == N_INVERTED)
		return truthy(v) ? 0 : render_nodes(r, nd->kids, nd->nkids);
	if (!truthy(v))
		return 0;
	if (LAZY(v))
		return lazy_section(r, nd, LAZY_OF(v));
	if (IS(v, cJSON_Array)) {
		for (it = v->child; it != NULL && rc == 0; it = it->next) {
			if (push_ctx(r, it) != 0)
				return -1;
			rc = render_nodes(r, nd->kids, nd->nkids);
			r->nctx--;
		}
		return rc;
	}
	if (push_ctx(r, v) != 0)
		return -1;
	rc = render_nodes(r, nd->kids, nd->nkids);
	r->nctx--;
	return rc;
}

/* Renders nodes with extra indentation for their lines. */
static int
indented(struct render *r, const char *ind, size_t nind, const struct node *kids, size_t nkids)
{
	size_t saved = r->nindent;
	int rc;

	if (nind > sizeof(r->indent) - r->nindent) {
		snprintf(r->err, r->errlen, "indentation deeper than %zu bytes", sizeof(r->indent));
		return -1;
	}
	if (nind > 0)
		memcpy(r->indent + r->nindent, ind, nind);
	r->nindent += nind;
	rc = render_nodes(r, kids, nkids);
	r->nindent = saved;
	return rc;
}

/* The content for block nd: the outermost parent call's override, else its own. */
static int
block(struct render *r, const struct node *nd)
{
	const struct node *use = nd;
	size_t i, k, before = r->out->len;

	for (i = 0; i < r->nparents && use == nd; i++)
		for (k = 0; k < r->parents[i]->nkids; k++) {
			const struct node *b = &r->parents[i]->kids[k];
			if (b->n == nd->n && memcmp(b->s, nd->s, nd->n) == 0) {
				use = b;
				break;
			}
		}
	if (indented(r, nd->indent, nd->nindent, use->kids, use->nkids) != 0)
		return -1;
	/* Open and close on one standalone line: the line keeps its newline
	 * unless what was put there already ends one. */
	if (nd->neol > 0 && r->out->len > before && r->out->data[r->out->len - 1] != '\n')
		return emit_text(r, nd->eol, nd->neol);
	return 0;
}

static int
include(struct render *r, const struct node *nd)
{
	const struct tmpl *t = nd->target;
	int rc;

	if (t == NULL)
		return 0;	/* a missing partial renders as nothing */
	if (nd->type == N_PARENT) {
		if (r->nparents >= TMPL_MAX_RENDER_DEPTH)
			goto deep;
		r->parents[r->nparents++] = nd;
	}
	rc = indented(r, nd->indent, nd->nindent, t->root.kids, t->root.nkids);
	if (nd->type == N_PARENT)
		r->nparents--;
	return rc;
deep:
	snprintf(r->err, r->errlen, "partials nested deeper than %d levels "
	    "(a partial that includes itself without end?)", TMPL_MAX_RENDER_DEPTH);
	return -1;
}

static int
render_nodes(struct render *r, const struct node *nodes, size_t n)
{
	const struct node *nd;
	size_t i;
	int rc = 0;

	if (++r->depth > TMPL_MAX_RENDER_DEPTH) {
		snprintf(r->err, r->errlen, "templates nested deeper than %d levels "
		    "(a partial that includes itself without end?)", TMPL_MAX_RENDER_DEPTH);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		nd = &nodes[i];
		switch (nd->type) {
		case N_TEXT:
			rc = emit_text(r, nd->s, nd->n);
			break;
		case N_VAR:
		case N_RAW:
			rc = emit_value(r, resolve(r, nd), nd->type == N_VAR);
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = section(r, nd);
			break;
		case N_BLOCK:
			rc = block(r, nd);
			break;
		case N_PARTIAL:
		case N_PARENT:
			rc = include(r, nd);
			break;
		}
	}
	r->depth--;
	return rc;
}

int
tmpl_render(const struct tmpl *t, const cJSON *data, struct buf *out, char *err, size_t errlen)
{
	struct render *r;
	int rc;

	/* The state is ~19 KiB (12 of them the key indexes): keep it off
	 * small thread stacks.  Not zeroed: the stacks and the indentation
	 * are read only below their counts, which start at 0, and an index
	 * only once its object is set (keys_cache_init() clears them). */
	if ((r = malloc(sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	err[0] = '\0';
	r->out = out;
	r->err = err;
	r->errlen = errlen;
	r->nctx = r->nparents = r->nindent = r->depth = 0;
	r->at_line_start = 1;
	r->memo_item = 0;
	keys_cache_init(&r->keys);
	r->ctx[r->nctx++] = data;
	rc = render_nodes(r, t->root.kids, t->root.nkids);
	if (rc != 0 && err[0] != '\0' && strncmp(err, t->path, strlen(t->path)) != 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s: %s", t->path, err);
		snprintf(err, errlen, "%s", msg);
	}
	free(r);
	return rc;
}
