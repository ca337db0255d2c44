/*
 * report.h — how library code tells its caller something that is not an
 * error (a warning about the creator's data, a note about what happened):
 * through a callback the caller gives, never straight to stderr.  The
 * caller decides where it goes: onlygen prints it after its prefix
 * ("onlygen: warning: ..."), a test collects it.  A NULL reporter, or one
 * whose fn is NULL, drops everything: that is how --quiet reaches a layer.
 *
 * Returns: nothing to check (a report cannot fail the work it describes).
 */
#ifndef ONLY_REPORT_H
#define ONLY_REPORT_H

enum report_level {
	REPORT_NOTE,		/* what happened, for the curious */
	REPORT_WARNING,		/* something the user should fix; the work went on */
};

struct reporter {
	/* msg: one line, no prefix, no newline; valid during the call only */
	void	(*fn)(void *arg, enum report_level level, const char *msg);
	void	 *arg;
};

/* 1 when r takes reports: work done only to report can be skipped otherwise. */
int	report_on(const struct reporter *r);

/* Formats a report (at most REPORT_MAX - 1 bytes) and hands it to r. */
void	report(const struct reporter *r, enum report_level level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define REPORT_MAX	8192	/* a path (PATH_MAX 4096) and its message fit */

#endif
