/*
 * legacy_import.h — the old system's curator SQLite database (videos,
 * categories, tags, series and their link tables) to content/ files, so
 * the existing categorization carries over.
 *
 * Writes content/site.json (merged: categories, series and tags the file
 * does not have yet are added; nothing else changes) and one
 * content/videos/<guid>.json per video that has editorial data.  Every
 * file is written to a temporary name and renamed into place.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen]; warnings and
 * notes go to the caller's reporter (report.h).
 */
#ifndef ONLY_LEGACY_IMPORT_H
#define ONLY_LEGACY_IMPORT_H

#include <stddef.h>

#include "report.h"

struct legacy_counts {
	size_t	videos, skipped, categories, tags, series;
};

/*
 * Imports curator_db into content_dir.  Existing video files are kept
 * (and counted as skipped, with a note) unless force.  A video whose GUID
 * or access level is not understood is a warning (report: NULL drops them).
 */
int	legacy_import(const char *curator_db, const char *content_dir, int force,
	    struct legacy_counts *counts, const struct reporter *report, char *err,
	    size_t errlen);

#endif
