/*
 * site_pd.c — the page-data writer (site_pd.h): each value goes into the
 * data tree (rendering), into the page's key (keying), or both, from one
 * call.
 */
#include <string.h>

#include "hash64.h"
#include "site_pd.h"

/*
 * Keying: mixes "at o, key k, a value of type t" into the hash (one pass
 * over k: the node's path and the type fold into the seed).
 */
void
pd_mix(const struct pd *o, const char *k, int t)
{
	*o->h = h64_str(*o->h ^ (o->id + (uint64_t)t * 0x9E3779B97F4A7C15ULL), k);
}

static void
mix_str(struct pd *o, const char *k, const char *v)
{
	if (o->h != NULL) {
		pd_mix(o, k, PD_STR);
		*o->h = h64_str(*o->h, v);
	}
}

int
put_str(struct pd *o, const char *k, const char *v)
{
	mix_str(o, k, v);
	if (o->j == NULL)
		return 0;
	return cJSON_AddStringToObject(o->j, k, v) == NULL ? -1 : 0;
}

/*
 * k = v without copying either: k must be a literal and v must outlive the
 * page's data (model and card-text strings live for the whole build).
 * Cards are ~1.9 million objects in a 100 000-video build.
 */
int
put_ref(struct pd *o, const char *k, const char *v)
{
	cJSON *item;

	mix_str(o, k, v);
	if (o->j == NULL)
		return 0;
	if ((item = cJSON_CreateStringReference(v)) == NULL)
		return -1;
	if (!cJSON_AddItemToObjectCS(o->j, k, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int
put_num(struct pd *o, const char *k, double v)
{
	if (o->h != NULL) {
		pd_mix(o, k, PD_NUM);
		*o->h = h64(*o->h, &v, sizeof(v));
	}
	if (o->j == NULL)
		return 0;
	return cJSON_AddNumberToObject(o->j, k, v) == NULL ? -1 : 0;
}

int
put_bool(struct pd *o, const char *k, int v)
{
	if (o->h != NULL) {
		pd_mix(o, k, PD_BOOL);
		*o->h = h64_int(*o->h, v != 0);
	}
	if (o->j == NULL)
		return 0;
	return cJSON_AddBoolToObject(o->j, k, v) == NULL ? -1 : 0;
}

/* Adds the object (or array) k to o, as child; 0 or -1. */
int
put_node(struct pd *o, const char *k, int array, struct pd *child)
{
	memset(child, 0, sizeof(*child));
	if (o->h != NULL) {
		pd_mix(o, k, array ? PD_ARR : PD_OBJ);
		child->h = o->h;
		child->id = h64_str(o->id, k);
	}
	if (o->j == NULL)
		return 0;
	child->j = array ? cJSON_AddArrayToObject(o->j, k) : cJSON_AddObjectToObject(o->j, k);
	return child->j == NULL ? -1 : 0;
}

/* Appends a new object to array a, as child; 0 or -1. */
int
push_obj(struct pd *a, struct pd *child)
{
	memset(child, 0, sizeof(*child));
	if (a->h != NULL) {
		child->h = a->h;
		child->id = h64_int(h64_int(a->id, PD_OBJ), (int64_t)a->n++);
		*a->h = h64_int(h64_int(*a->h, (int64_t)a->id), (int64_t)a->n);
	}
	if (a->j == NULL)
		return 0;
	if ((child->j = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(a->j, child->j);
	return 0;
}
