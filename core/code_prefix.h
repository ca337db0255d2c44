/*
 * code_prefix.h — the prefix of short access codes (CODE_PREFIX in the
 * keys file; verifier/store/code.h for the codes themselves): read by the keys
 * parser, which every program shares, so its grammar lives in the core.
 * Pure: no I/O, no allocation.
 */
#ifndef ONLY_CODE_PREFIX_H
#define ONLY_CODE_PREFIX_H

#define CODE_PREFIX_DEFAULT	"OM43"
/* Characters of a prefix at most: short enough that a code stays easy to
 * type, and that CODE_BUFSZ (verifier/store/code.h) stays small. */
#define CODE_PREFIX_MAX		8

/* 1 when prefix is a valid code prefix (1..CODE_PREFIX_MAX of [A-Z0-9]). */
int	code_prefix_ok(const char *prefix);

#endif
