/*
 * content_scan.h — a light, bounded scanner for a group file of
 * content/videos/ ({"videos": {"<guid>": {...}, ...}}) that finds each
 * member's bytes without building a tree, so a build can hash every entry
 * and parse only those whose bytes changed (content_snap.h).
 *
 * It accepts only the plain layout, a strict subset of what the parser
 * (jsonfile.h) accepts: one top-level member "videos" whose value is an
 * object; member names of printable ASCII without escapes; values that are
 * objects, nested at most JSONFILE_MAX_DEPTH deep counted from the file's
 * top; whitespace of space, tab, CR and LF; nothing after the top-level
 * object but whitespace; no byte order mark.  A member's value is found by
 * matching brackets outside strings (escapes respected) and is not checked
 * here: the caller parses it, or knows its bytes from a parse before.
 * Anything else is "not plain" (the caller parses the file whole), never an
 * error of its own.
 */
#ifndef ONLY_CONTENT_SCAN_H
#define ONLY_CONTENT_SCAN_H

#include <stddef.h>

#define CONTENT_SCAN_KEY_MAX	1024	/* a longer member name: not plain */

struct content_scan {
	const char	*p, *end;
	const char	*line_start;	/* where the line of p starts */
	unsigned	 line;		/* of p, from 1 */
	const char	*seen;		/* columns are counted up to here ... */
	unsigned	 seen_col;	/* ... which is this column (one long line stays linear) */
	int		 first;		/* no member read yet */
};

struct content_member {
	const char	*key;		/* its name's bytes (no quotes, no escapes) */
	size_t		 keylen;
	const char	*start;		/* the name's opening quote */
	const char	*value;		/* the value's '{' */
	const char	*end;		/* one past the value's '}' */
	unsigned	 line, col;	/* where the value starts; col counts characters */
};

/* 0 when text starts a plain group file (s is then at its first member), else -1. */
int	content_scan_begin(struct content_scan *s, const char *text, size_t len);
/*
 * The next member: 1 (m filled), 0 at the end of a plain file (the
 * closing braces and only whitespace after them), -1 not plain.
 */
int	content_scan_next(struct content_scan *s, struct content_member *m);
/*
 * content_scan_next() in two steps: to the next member, 1 with s->p at
 * its name's opening quote (or 0 or -1 as above); then that member, 1 or
 * -1.  Between them a caller that knows the member's bytes from an
 * earlier scan (the same bytes from m.start to m.end, which scan the same
 * from the same place) may pass over them instead (content_scan_pass):
 * the lines are counted, nothing is looked at again.
 */
int	content_scan_to_member(struct content_scan *s);
int	content_scan_member(struct content_scan *s, struct content_member *m);
/* Passes over len bytes at s->p (at most s->end - s->p), lines counted. */
void	content_scan_pass(struct content_scan *s, size_t len);

#endif
