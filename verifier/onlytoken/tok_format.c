/*
 * tok_format.c — quoting for onlytoken's machine-readable output (--json,
 * --csv) and the short id it prints for a code's hash.
 */
#include <stdio.h>

#include "tok_commands.h"

void
tok_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void
tok_csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void
tok_hexid(const unsigned char *h, char out[13])
{
	int i;

	for (i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}
