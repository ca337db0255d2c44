/*
 * stat_meta.h — what the report names and compares, read-only from the
 * stores the verifier serves from: every video's level and title from
 * var/access.db (core/access_schema.h, written by `onlygen build`), and the
 * codes minted per level from var/tokens.db (its `codes` table,
 * verifier/store/token_store.h).  0, or -1 with err (file missing or not
 * the expected schema); the caller may go on without them.
 */
#ifndef ONLY_STAT_META_H
#define ONLY_STAT_META_H

#include <stddef.h>

#include "stat_agg.h"

int	stat_meta_access(struct stat_agg *a, const char *path, char *err, size_t errlen);
int	stat_meta_tokens(struct stat_agg *a, const char *path, char *err, size_t errlen);

#endif
