/*
 * site_pd.c — the page-data writer (site_pd.h): each value goes into the
 * data tree (rendering), into the page's key (keying), or both, from one
 * call.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "hash64.h"
#include "site_pd.h"
#include "tmpl.h"

/*
 * Arena trees (o->a): nodes are built here as cJSON would build them, but
 * from the worker's arena, and the keys are referenced (cJSON_StringIsConst),
 * values are not owned (cJSON_IsReference): nothing in the tree is freed one
 * by one.
 */
static cJSON *
node_new(struct arena *a, int type)
{
	cJSON *n = arena_take(a, sizeof(*n));

	if (n != NULL)
		*n = (cJSON){ .type = type };	/* stores, not a memset call */
	return n;
}

/* Appends item to the object or array parent under key k (NULL in an array). */
static void
attach(cJSON *parent, cJSON *item, const char *k)
{
	cJSON *first = parent->child;

	if (k != NULL) {
		item->string = (char *)(uintptr_t)k;
		item->type |= cJSON_StringIsConst;
	}
	/* cJSON's list: next links forward, the first's prev is the last */
	if (first == NULL) {
		parent->child = item;
		item->prev = item;
	} else {
		first->prev->next = item;
		item->prev = first->prev;
		first->prev = item;
	}
}

/* An arena string node referencing v (which outlives the tree), added to o as k. */
static int
arena_str(struct pd *o, const char *k, const char *v)
{
	cJSON *n = node_new(o->a, cJSON_String | cJSON_IsReference);

	if (n == NULL)
		return -1;
	n->valuestring = (char *)(uintptr_t)v;
	attach(o->j, n, k);
	return 0;
}

/*
 * Keying: mixes "at o, key k, a value of type t" into the hash (one pass
 * over k: the node's path and the type fold into the seed).
 */
void
pd_mix_k(const struct pd *o, const char *k, size_t kn, int t)
{
	/* h64_str(seed, k): k and its NUL */
	*o->h = h64(*o->h ^ (o->id + (uint64_t)t * 0x9E3779B97F4A7C15ULL), k, kn + 1);
}

/* Keying: k = the string v[n] (v[n] is its NUL), hashed as h64_str() would. */
static void
mix_strn(struct pd *o, const char *k, size_t kn, const char *v, size_t n)
{
	if (o->h != NULL) {
		pd_mix_k(o, k, kn, PD_STR);
		*o->h = h64(*o->h, v, n + 1);
	}
}

int
put_str_k(struct pd *o, const char *k, size_t kn, const char *v)
{
	return put_strn_k(o, k, kn, v, strlen(v));
}

int
put_strn_k(struct pd *o, const char *k, size_t kn, const char *v, size_t n)
{
	char *s;

	mix_strn(o, k, kn, v, n);
	if (o->j == NULL)
		return 0;
	if (o->a == NULL)
		return cJSON_AddStringToObject(o->j, k, v) == NULL ? -1 : 0;
	if ((s = arena_take(o->a, n + 1)) == NULL)
		return -1;
	memcpy(s, v, n + 1);
	return arena_str(o, k, s);
}

/*
 * k = v without copying either: k must be a literal and v must outlive the
 * page's data (model and card-text strings live for the whole build).
 * Cards are ~1.9 million objects in a 100 000-video build.
 */
int
put_ref_k(struct pd *o, const char *k, size_t kn, const char *v)
{
	cJSON *item;

	if (o->h != NULL)
		mix_strn(o, k, kn, v, strlen(v));
	if (o->j == NULL)
		return 0;
	if (o->a != NULL)
		return arena_str(o, k, v);
	if ((item = cJSON_CreateStringReference(v)) == NULL)
		return -1;
	if (!cJSON_AddItemToObjectCS(o->j, k, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int
put_num_k(struct pd *o, const char *k, size_t kn, double v)
{
	if (o->h != NULL) {
		pd_mix_k(o, k, kn, PD_NUM);
		*o->h = h64(*o->h, &v, sizeof(v));
	}
	if (o->j == NULL)
		return 0;
	if (o->a != NULL) {
		cJSON *n = node_new(o->a, cJSON_Number);

		if (n == NULL)
			return -1;
		/* as cJSON_CreateNumber: valueint saturated */
		n->valuedouble = v;
		n->valueint = v != v ? 0 : v >= INT_MAX ? INT_MAX :
		    v <= (double)INT_MIN ? INT_MIN : (int)v;
		attach(o->j, n, k);
		return 0;
	}
	return cJSON_AddNumberToObject(o->j, k, v) == NULL ? -1 : 0;
}

int
put_bool_k(struct pd *o, const char *k, size_t kn, int v)
{
	if (o->h != NULL) {
		pd_mix_k(o, k, kn, PD_BOOL);
		*o->h = h64_int(*o->h, v != 0);
	}
	if (o->j == NULL)
		return 0;
	if (o->a != NULL) {
		cJSON *n = node_new(o->a, v ? cJSON_True : cJSON_False);

		if (n == NULL)
			return -1;
		attach(o->j, n, k);
		return 0;
	}
	return cJSON_AddBoolToObject(o->j, k, v) == NULL ? -1 : 0;
}

/* Adds the object (or array) k to o, as child; 0 or -1. */
int
put_node_k(struct pd *o, const char *k, size_t kn, int array, struct pd *child)
{
	memset(child, 0, sizeof(*child));
	child->reads = o->reads;
	if (o->h != NULL) {
		pd_mix_k(o, k, kn, array ? PD_ARR : PD_OBJ);
		child->h = o->h;
		child->id = h64(o->id, k, kn + 1);	/* h64_str(o->id, k) */
	}
	if (o->j == NULL)
		return 0;
	child->a = o->a;
	if (o->a != NULL) {
		if ((child->j = node_new(o->a, array ? cJSON_Array : cJSON_Object)) == NULL)
			return -1;
		attach(o->j, child->j, k);
		return 0;
	}
	child->j = array ? cJSON_AddArrayToObject(o->j, k) : cJSON_AddObjectToObject(o->j, k);
	return child->j == NULL ? -1 : 0;
}

/* Appends a new object to array a, as child; 0 or -1. */
int
push_obj(struct pd *a, struct pd *child)
{
	memset(child, 0, sizeof(*child));
	child->reads = a->reads;
	if (a->h != NULL) {
		child->h = a->h;
		child->id = h64_int(h64_int(a->id, PD_OBJ), (int64_t)a->n++);
		*a->h = h64_int(h64_int(*a->h, (int64_t)a->id), (int64_t)a->n);
	}
	if (a->j == NULL)
		return 0;
	child->a = a->a;
	if (a->a != NULL) {
		if ((child->j = node_new(a->a, cJSON_Object)) == NULL)
			return -1;
		attach(a->j, child->j, NULL);
		return 0;
	}
	if ((child->j = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(a->j, child->j);
	return 0;
}

int
put_fields(struct pd *o, const struct pd_kv *kv, size_t n)
{
	cJSON *nodes, *first, *last;
	size_t i;
	int rc = 0;

	if (o->j == NULL || o->a == NULL || n == 0) {
		for (i = 0; i < n && rc == 0; i++)
			rc = kv[i].type == PD_STR ? put_ref(o, kv[i].k, kv[i].s) :
			    kv[i].type == PD_NUM ? put_num(o, kv[i].k, kv[i].num) :
			    put_bool(o, kv[i].k, kv[i].num != 0);
		return rc;
	}
	if (o->h != NULL)
		for (i = 0; i < n; i++) {
			pd_mix(o, kv[i].k, kv[i].type);
			*o->h = kv[i].type == PD_STR ? h64_str(*o->h, kv[i].s) :
			    kv[i].type == PD_NUM ? h64(*o->h, &kv[i].num, sizeof(kv[i].num)) :
			    h64_int(*o->h, kv[i].num != 0);
		}
	if ((nodes = arena_take(o->a, n * sizeof(*nodes))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		double v = kv[i].num;

		nodes[i] = (cJSON){
			.next = i + 1 < n ? &nodes[i + 1] : NULL,
			.prev = i > 0 ? &nodes[i - 1] : NULL,
			.string = (char *)(uintptr_t)kv[i].k,
		};
		if (kv[i].type == PD_STR) {
			nodes[i].type = cJSON_String | cJSON_IsReference | cJSON_StringIsConst;
			nodes[i].valuestring = (char *)(uintptr_t)kv[i].s;
		} else if (kv[i].type == PD_NUM) {
			nodes[i].type = cJSON_Number | cJSON_StringIsConst;
			nodes[i].valuedouble = v;
			nodes[i].valueint = v != v ? 0 : v >= INT_MAX ? INT_MAX :
			    v <= (double)INT_MIN ? INT_MIN : (int)v;
		} else
			nodes[i].type = (v != 0 ? cJSON_True : cJSON_False) | cJSON_StringIsConst;
	}
	/* the run joins o's list as attach() would join each node */
	first = o->j->child;
	last = &nodes[n - 1];
	if (first == NULL) {
		o->j->child = nodes;
		nodes[0].prev = last;
	} else {
		first->prev->next = nodes;
		nodes[0].prev = first->prev;
		first->prev = last;
	}
	return 0;
}

int
put_shared(struct pd *o, const cJSON *item)
{
	cJSON *n;

	if (o->a == NULL)
		return cJSON_AddItemReferenceToObject(o->j, item->string, (cJSON *)(uintptr_t)item) ?
		    0 : -1;
	if ((n = node_new(o->a, 0)) == NULL)
		return -1;
	/* as cJSON's reference: the node's fields, its children not owned */
	*n = *item;
	n->next = n->prev = NULL;
	n->string = NULL;
	n->type = (item->type & ~cJSON_StringIsConst) | cJSON_IsReference;
	attach(o->j, n, item->string);
	return 0;
}

int
pd_arr_lazy(struct pd *arr, struct tmpl_lazy *lz)
{
	/* an arena tree only: its nodes are never freed one by one */
	if (arr->j == NULL || arr->a == NULL)
		return 0;
	return tmpl_lazy_list(arr->j, lz) == 0;
}

int
pd_obj_new(struct pd *o, struct arena *a)
{
	memset(o, 0, sizeof(*o));
	o->a = a;
	return (o->j = node_new(a, cJSON_Object)) != NULL ? 0 : -1;
}
