/*
 * access_level.h — the one definition of a video's access level and of a
 * code's level: the generator reads it from content/ and writes it into
 * access.db, the verifier reads it from access.db and tokens.db.  In files
 * and databases a level is its name; in C it is the enum.
 * Pure functions: no I/O, no allocation.
 */
#ifndef ONLY_ACCESS_LEVEL_H
#define ONLY_ACCESS_LEVEL_H

enum access_level {
	ACCESS_PUBLIC = 0,	/* "public": plays for everyone */
	ACCESS_VIP,		/* "vip": any vip code unlocks it */
	ACCESS_PPV		/* "ppv": a code for this one video unlocks it */
};

/* Bytes of the longest name ("public"), without the NUL: buffers that hold
 * a name read from a database are ACCESS_LEVEL_NAME_MAX + 1 or more. */
#define ACCESS_LEVEL_NAME_MAX	6

/* "public", "vip" or "ppv"; an out-of-range value is "vip" (locked, never
 * public by accident). */
const char	*access_level_name(enum access_level a);

/* The level named s (exactly, lower case) into *a: 0, or -1 when s is NULL
 * or names none (then *a is untouched). */
int		 access_level_parse(const char *s, enum access_level *a);

/* 1 when s (not NULL) names a level: access_level_parse would accept it. */
int		 access_level_known(const char *s);

#endif
