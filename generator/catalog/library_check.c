/*
 * library_check.c — the pulled library against the keys file's.  See
 * library_check.h.
 */
#include <stdio.h>
#include <string.h>

#include "catalog_db.h"
#include "keys.h"
#include "library_check.h"

enum library_check
library_check(const char *keys_file, const struct keys *k,
    const char *catalog_db, char *msg, size_t msglen)
{
	char source[4200], err[512], want[32];
	const char *id, *p;
	int exists = 0;
	enum library_check rc = LIBRARY_NOT_API;

	msg[0] = '\0';
	if (catalog_meta_get(catalog_db, "source", source, sizeof(source), &exists,
	    err, sizeof(err)) != 0 || !exists || strncmp(source, "api ", 4) != 0)
		return LIBRARY_NOT_API;
	for (id = NULL, p = source; (p = strstr(p, " library ")) != NULL; p++)
		id = p + 9;	/* the last one: the base URL could hold the words */
	if (id == NULL || *id == '\0' || strspn(id, "0123456789") != strlen(id))
		return LIBRARY_NOT_API;
	if (k->library_id < 0) {
		snprintf(msg, msglen, "%s has no BUNNY_LIBRARY_ID: the verifier "
		    "refuses every webhook; add BUNNY_LIBRARY_ID=%s (the library "
		    "this catalog was pulled from)", keys_file, id);
		rc = LIBRARY_MISSING;
	} else {
		snprintf(want, sizeof(want), "%lld", k->library_id);
		if (strcmp(want, id) == 0)
			rc = LIBRARY_SAME;
		else {
			snprintf(msg, msglen, "%s says BUNNY_LIBRARY_ID=%s but this "
			    "catalog was pulled from library %s: the verifier will "
			    "refuse that library's webhooks (403); make them the "
			    "same", keys_file, want, id);
			rc = LIBRARY_DIFFERENT;
		}
	}
	return rc;
}
