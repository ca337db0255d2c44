/*
 * content_same.h — what the content snapshot tests share: writing a file,
 * collecting a load's warnings, and whether two loads of content/ hold the
 * same files and entries, field by field (a load through the snapshot
 * against a parse).  Header-only (each test is one program).
 */
#ifndef CONTENT_SAME_H
#define CONTENT_SAME_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "report.h"

/* A load's warnings, one "LEVEL message" line each (cut when full). */
struct lines {
	char	text[8192];
	size_t	len;
};

/* A reporter's function: appends the line to the struct lines at arg. */
static inline void
collect(void *arg, enum report_level level, const char *msg)
{
	struct lines *w = arg;
	int n = snprintf(w->text + w->len, sizeof(w->text) - w->len, "%d %s\n", (int)level, msg);

	if (n > 0 && (size_t)n < sizeof(w->text) - w->len)
		w->len += (size_t)n;
}

/* Writes text to in/name, or exits. */
static inline void
put(const char *in, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", in, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(path);
		exit(1);
	}
}

static inline int
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* 1 when x and y hold the same files and entries (files compared by name). */
static inline int
same(const struct content *x, const struct content *y)
{
	size_t i, k;

	if (x->nentries != y->nentries || x->nfiles != y->nfiles)
		return 0;
	for (i = 0; i < x->nfiles; i++)
		if (strcmp(x->files[i], y->files[i]) != 0)
			return 0;
	for (i = 0; i < x->nentries; i++) {
		const struct content_entry *a = &x->entries[i], *b = &y->entries[i];

		if (strcmp(a->guid, b->guid) != 0 || strcmp(a->file, b->file) != 0 ||
		    a->ncategories != b->ncategories || a->ntags != b->ntags ||
		    a->has_categories != b->has_categories || a->has_tags != b->has_tags ||
		    a->season != b->season || a->episode != b->episode ||
		    a->has_access != b->has_access || a->access != b->access ||
		    a->featured != b->featured || a->hidden != b->hidden ||
		    !str_eq(a->series, b->series) || !str_eq(a->title, b->title) ||
		    !str_eq(a->description, b->description))
			return 0;
		for (k = 0; k < a->ncategories; k++)
			if (a->categories[k] != b->categories[k])
				return 0;
		for (k = 0; k < a->ntags; k++)
			if (strcmp(a->tags[k], b->tags[k]) != 0)
				return 0;
	}
	return 1;
}

#endif
