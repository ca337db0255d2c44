/*
 * catalog_rows.c — releasing the catalog's rows (catalog_rows.h).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog_rows.h"

void
catalog_rows_free(struct catalog_rows *rows)
{
	if (rows == NULL)
		return;
	free(rows->videos);
	free(rows->collections);
	arena_free(&rows->mem);
	file_map_free(&rows->map);
	memset(rows, 0, sizeof(*rows));
}
