/*
 * library_check.h — one Stream library id for the generator and the
 * verifier.  `onlygen pull` lists the library named by BUNNY_LIBRARY_ID in
 * its environment and records it in the catalog ("api <base> library <id>");
 * the verifier accepts webhooks only for the keys file's BUNNY_LIBRARY_ID.
 * `onlygen build --keys` compares the two, so a mismatch shows at build
 * time rather than as refused webhooks.
 */
#ifndef ONLY_LIBRARY_CHECK_H
#define ONLY_LIBRARY_CHECK_H

#include <stddef.h>

enum library_check {
	LIBRARY_SAME,		/* the keys file names the pulled library */
	LIBRARY_NOT_API,	/* nothing to compare: the catalog was not
				 * pulled from the API */
	LIBRARY_MISSING,	/* the keys file has no BUNNY_LIBRARY_ID */
	LIBRARY_DIFFERENT,	/* it names another library */
};

struct keys;

/* Compares the BUNNY_LIBRARY_ID of k (read from keys_file, named in msg)
 * with catalog_db's pulled library; says what to do in msg (empty for
 * LIBRARY_SAME and LIBRARY_NOT_API). */
enum library_check library_check(const char *keys_file, const struct keys *k,
	    const char *catalog_db, char *msg, size_t msglen);

#endif
