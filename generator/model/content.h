/*
 * content.h — the creator's editorial data in content/: site.json and the
 * per-video entries in content/videos/ (*.json), loaded and validated.
 *
 * Validation: a JSON syntax error is "FILE:LINE:COL: ..."; a wrong type,
 * an unknown category, a bad access level or a GUID with two entries is an
 * error naming the file; an unknown field is a warning naming the file.
 *
 * Ownership: content_load() allocates everything reachable from the
 * struct; content_free() releases it and accepts a zeroed struct.
 * model_merge() moves the site config and the categories into the struct
 * model it fills; series and tags are copied as videos use them.
 *
 * Knows nothing of the catalog or of the model built from both: the merge
 * (model_merge.h) reads this, never the other way round.
 *
 * Returns: 0 ok, -1 error with the reason in err[errlen]; warnings go to
 * the caller's reporter (report.h).
 */
#ifndef ONLY_CONTENT_H
#define ONLY_CONTENT_H

#include <stddef.h>

#include "arena.h"
#include "guid.h"		/* GUID_LEN */
#include "report.h"		/* struct reporter */
#include "site_config.h"	/* struct site_config, struct category */

#define CONTENT_MAX_CATEGORIES	256
#define CONTENT_MAX_REFS	256	/* categories or tags per entry */

struct content_entry {
	char		 guid[GUID_LEN + 1];
	const char	*file;		/* the file that holds it (owned by content) */
	size_t		*categories;	/* indices into content.categories */
	size_t		 ncategories;
	int		 has_categories;	/* the entry names its categories */
	char		**tags;		/* raw references (slug or name) */
	size_t		 ntags;
	int		 has_tags;
	char		*series;	/* slug, or NULL */
	int		 season, episode;
	int		 has_access;
	enum access_level access;
	int		 featured, hidden;
	char		*title;		/* override, or NULL */
	char		*description;	/* override, or NULL */
	/* (a field added here is compared by content_entry_same_but_texts()) */
	int		 in_arena;	/* the categories, the tags and every string
					 * above are in an arena (an entry read from the
					 * snapshot, content_snap.c: the snapshot set's,
					 * then the content's that took it, its entry_mem):
					 * nothing is freed with the entry; else each is
					 * its own allocation */
};

struct content_series {
	char	*slug, *title, *description;
};

struct content_tag {
	char	*slug, *name;
};

struct content {
	struct site_config	 site;
	struct category		*categories;	/* sorted by order, then slug */
	size_t			 ncategories;
	struct content_series	*series;	/* from site.json, any order */
	size_t			 nseries;
	struct content_tag	*tags;		/* from site.json */
	size_t			 ntags;
	struct content_entry	*entries;	/* sorted by guid, unique */
	size_t			 nentries;
	char			**files;	/* names of the entry files */
	size_t			 nfiles;
	/* the blocks of the entries taken from content/'s snapshot (in_arena):
	 * at 100 000 entries a malloc each to read and a free each to let go,
	 * ~25 ms of a one-entry edit's CPU (docs/benchmarks.md, issue 15) */
	struct arena		 entry_mem;
};

/*
 * Loads dir/site.json and the .json files of dir/videos/ (in name order),
 * as they are (site.cdn_host is site.json's: an override from the
 * environment is the merge's, see model_merge.h).  Warnings ("FILE: ...")
 * go to report (NULL: dropped).  On error c is zeroed.
 */
int	content_load(struct content *c, const char *dir, const struct reporter *report,
	    char *err, size_t errlen);
/*
 * The same, with the entries of content/videos/ from snap when it holds
 * this content/ (content_snap.h), and snap rewritten when it did not.
 */
struct content_snap;
int	content_load_snap(struct content *c, const char *dir, const struct reporter *report,
	    const struct content_snap *snap, char *err, size_t errlen);
void	content_free(struct content *c);
/* Releases what one entry holds (not the entry itself). */
void	content_entry_free(struct content_entry *e);
/*
 * Whether a and b give a video the same everything but its title and
 * description: what an overlay of content/ edits may change
 * (model_overlay.h).  A field added to struct content_entry is compared
 * here unless it is one of those texts.
 */
/*
 * The capacity of an array of n entries (content.entries): 16, else the
 * power of two at or above n.  content_entry_new() grows it so, and every
 * array handed to a content (a sort's, the snapshot's) is made so, so that
 * entries added after it still land where content_entry_new() expects.
 */
size_t	content_entries_cap(size_t n);
int	content_entry_same_but_texts(const struct content_entry *a,
	    const struct content_entry *b);
/* Releases the entries and the entry files' names, leaving none (site.json's part stays). */
void	content_entries_free(struct content *c);

/* The entry for guid (lower case), or NULL. */
const struct content_entry *content_find(const struct content *c, const char *guid);

/* Index of the category whose slug or name is ref (ASCII case-insensitive), or -1. */
long	content_find_category(const struct content *c, const char *ref);

#endif
