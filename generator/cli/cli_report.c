/*
 * cli_report.c — where the libraries' warnings and notes go: stderr,
 * after the command's prefix (commands.h).
 */
#include <stdio.h>

#include "commands.h"

void
cli_report(void *prefix, enum report_level level, const char *msg)
{
	fprintf(stderr, "%s: %s%s\n", (const char *)prefix,
	    level == REPORT_WARNING ? "warning: " : "", msg);
}
