/*
 * stat_log.h — one line of the access log conf/lighttpd.conf writes for
 * /api/play/ and /api/redeem (docs/stats.md):
 *
 *   om1 <unix s> <status> <method> <access> <video> <code id> <viewer id> <path>
 *
 * access is public|vip|ppv|denied or - (the verifier's X-Only-Access), video a
 * GUID, the ids 12 lowercase hex digits (verifier/module/logmark.h); an
 * absent header is "-".  The path is the rest of the line (lighttpd does
 * not quote it).  Anything else is a bad line: the caller counts and skips
 * it.  Pure: no allocation, no I/O.
 */
#ifndef ONLY_STAT_LOG_H
#define ONLY_STAT_LOG_H

#include <stddef.h>
#include <stdint.h>

#define STAT_LINE_MAX	2048	/* a longer line is bad (a real one is < 200 bytes) */
#define STAT_ID_LEN	12

enum stat_kind { STAT_PLAY, STAT_REDEEM };
/* STAT_NONE: "-", an answer that is neither (404 for an unknown video,
 * 405, 503 while keys are missing): a good line that counts nothing. */
enum stat_access { STAT_PUBLIC, STAT_VIP, STAT_PPV, STAT_DENIED, STAT_NONE };

struct stat_event {
	int64_t		 t;		/* Unix seconds */
	int		 status;
	enum stat_kind	 kind;
	enum stat_access access;
	char		 video[37];	/* "" when absent */
	char		 code[STAT_ID_LEN + 1];
	char		 viewer[STAT_ID_LEN + 1];
};

/* Parses n bytes (no newline) into *e: 0, or -1 with why (a constant). */
int	stat_log_parse(const char *s, size_t n, struct stat_event *e, const char **why);

#endif
