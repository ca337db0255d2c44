/*
 * tag_set.c — tag identity and tag slugs (tag_set.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "tag_set.h"
#include "textutil.h"

enum { TAG_NAME_SLUG = 0, TAG_NAME_TEXT, TAG_NAME_SITE };

/*
 * FNV-1a of a tag's identity key: the "tag-%08x" slug of a tag with no
 * ASCII letter, so part of the site's URLs.  Never change it.
 */
static uint32_t
tag_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

char *
name_from_slug(const char *slug)
{
	char *s = strdup(slug), *p;

	if (s != NULL)
		for (p = s; *p != '\0'; p++)
			if (*p == '-')
				*p = ' ';
	return s;
}

/* The identity key of free text (tag_set.h). */
static void
tag_key(const char *text, char *out, size_t outlen)
{
	size_t o = 0;
	int sep = 0;

	for (; *text != '\0' && o + 2 < outlen; text++) {
		char ch = *text;
		if (ch == ' ' || ch == '-' || ch == '_' || ch == '\t') {
			sep = o > 0;
			continue;
		}
		if (sep)
			out[o++] = '-';
		sep = 0;
		out[o++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 'a' - 'A') : ch;
	}
	out[o] = '\0';
}

void
tag_set_init(struct tag_set *s, const struct content_tag *site, size_t nsite)
{
	memset(s, 0, sizeof(*s));
	s->site = site;
	s->nsite = nsite;
}

/* Appends a tag (name is taken, key copied).  Its index, or -1 (name freed). */
static long
add_tag(struct tag_set *s, const char *key, char *name, int kind)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct tag *t = realloc(s->tags, cap * sizeof(*t));
		unsigned char *kk;

		if (t == NULL) {
			free(name);
			return -1;
		}
		s->tags = t;
		if ((kk = realloc(s->kind, cap)) == NULL) {
			free(name);
			return -1;
		}
		s->kind = kk;
		s->cap = cap;
	}
	s->tags[s->n].name = name;
	s->tags[s->n].id = h64_str(0x7461672d6b657931ULL, key);	/* "tag-key1" */
	if ((s->tags[s->n].slug = strdup(key)) == NULL) {
		free(name);
		return -1;
	}
	if (strmap_put(&s->map, s->tags[s->n].slug, s->n) != 0) {
		free(name);
		free(s->tags[s->n].slug);
		return -1;
	}
	s->kind[s->n] = (unsigned char)kind;
	return (long)s->n++;
}

long
tag_set_ref(struct tag_set *s, const char *ref)
{
	char text[SLUG_MAX * 4 + 1], key[SLUG_MAX * 4 + 1], *name = NULL;
	int kind = TAG_NAME_SLUG;
	size_t i, n;
	long k;

	while (*ref == ' ' || *ref == '\t')
		ref++;
	n = strlen(ref);
	while (n > 0 && (ref[n - 1] == ' ' || ref[n - 1] == '\t'))
		n--;
	if (n > SLUG_MAX * 4)
		n = SLUG_MAX * 4;
	memcpy(text, ref, n);
	text[n] = '\0';
	if (slug_ok(text))
		memcpy(key, text, n + 1);	/* n <= SLUG_MAX * 4: fits */
	else {
		for (i = 0; i < s->nsite; i++)
			if (text_casecmp(s->site[i].name, text) == 0)
				break;
		if (i < s->nsite)
			snprintf(key, sizeof(key), "%s", s->site[i].slug);
		else {
			tag_key(text, key, sizeof(key));
			kind = TAG_NAME_TEXT;
		}
	}
	if (key[0] == '\0')
		return -2;
	for (i = 0; i < s->nsite; i++)
		if (strcmp(s->site[i].slug, key) == 0) {
			kind = TAG_NAME_SITE;
			break;
		}
	if ((k = strmap_get(&s->map, key)) >= 0) {
		/* A nicer or smaller name for the same tag: the choice is stable. */
		if (kind == TAG_NAME_TEXT && s->kind[k] != TAG_NAME_SITE &&
		    (s->kind[k] == TAG_NAME_SLUG || strcmp(text, s->tags[k].name) < 0)) {
			if ((name = text_utf8_dup(text, n)) == NULL)
				return -1;
			free(s->tags[k].name);
			s->tags[k].name = name;
			s->kind[k] = TAG_NAME_TEXT;
		}
		return k;
	}
	if (kind == TAG_NAME_SITE)
		name = strdup(s->site[i].name);
	else if (kind == TAG_NAME_TEXT)
		name = text_utf8_dup(text, n);
	else
		name = name_from_slug(key);
	if (name == NULL)
		return -1;
	return add_tag(s, key, name, kind);
}

static int
key_index_cmp(const void *a, const void *b, void *arg)
{
	const struct tag *t = arg;

	return strcmp(t[*(const size_t *)a].slug, t[*(const size_t *)b].slug);
}

int
tag_set_slugs(struct tag_set *s)
{
	struct strmap taken = { 0 };
	size_t *order = NULL, i, j, k;
	char base[SLUG_MAX + 1], slug[SLUG_MAX + 16], *p;
	int rc = -1;

	if (s->n == 0)
		return 0;
	if ((order = calloc(s->n, sizeof(*order))) == NULL)
		return -1;
	for (i = j = 0; i < s->n; i++)
		if (slug_ok(s->tags[i].slug)) {
			if (strmap_put(&taken, s->tags[i].slug, i) != 0)
				goto out;
		} else
			order[j++] = i;
	if (j > 1)
		qsort_r(order, j, sizeof(*order), key_index_cmp, s->tags);
	for (i = 0; i < j; i++) {
		struct tag *t = &s->tags[order[i]];

		if (text_slugify(t->slug, base, sizeof(base)) == 0)
			snprintf(base, sizeof(base), "tag-%08x", tag_hash(t->slug));
		snprintf(slug, sizeof(slug), "%s", base);
		for (k = 2; strmap_get(&taken, slug) >= 0; k++)
			slug_suffixed(base, k, slug);
		if ((p = strdup(slug)) == NULL)
			goto out;
		free(t->slug);
		t->slug = p;
		if (strmap_put(&taken, t->slug, order[i]) != 0)
			goto out;
	}
	rc = 0;
out:
	strmap_free(&taken);
	free(order);
	return rc;
}

void
tag_set_free(struct tag_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->tags[i].slug);
		free(s->tags[i].name);
	}
	free(s->tags);
	free(s->kind);
	strmap_free(&s->map);
	memset(s, 0, sizeof(*s));
}
