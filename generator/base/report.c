/*
 * report.c — reports to the caller's callback (report.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"

int
report_on(const struct reporter *r)
{
	return r != NULL && r->fn != NULL;
}

void
report(const struct reporter *r, enum report_level level, const char *fmt, ...)
{
	char msg[REPORT_MAX];
	va_list ap;

	if (!report_on(r))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->fn(r->arg, level, msg);
}
