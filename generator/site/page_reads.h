/*
 * page_reads.h — the videos each template page read while it was keyed,
 * kept between builds in STATE/page-reads, so that a rebuild keys again
 * only the pages that read a video that changed (docs/site.md, "Page
 * reads").
 *
 * A page's key is a function of its seed (the shared data's key, its
 * kind and path) and of the values its data builders read.  Those reach a
 * video only through page_video(), page_text() and card() (site_data.h,
 * site_cards.h; the JSON-LD item lists through page_video() too), which
 * note its index in the page's recorder (struct pd's reads) while the
 * page is keyed.  What else a template page reads is the model's
 * structure (its categories, tags, series, lists and their order, "more
 * like this"), which the table's model id pins: a table is used only by a
 * build whose model is the one it was recorded on with the fields of some
 * videos changed (build_model.h: base_id, changed), and whose shared key
 * is the same.  That holds because the structure (site_index, related.c)
 * is made only of what an overlay cannot change: the videos' order,
 * membership, keywords, collections and content/.  A list ranked by a
 * field it can change (views, a title) would read every video it ranks
 * and must note them all, or be pinned some other way.
 * A video's mirrored images are read through its card text, and a watch
 * page reads its own video's place among the others (its series
 * neighbours, its "more like this"); their state is kept per video
 * (vstate: site_reads.c) with the hash of the video's own value (its
 * fields and place, model_diff.h), and a video whose state moved counts
 * as changed.
 *
 * A model that is not the last one with some fields changed (a video
 * added or removed, which moves the others' indices and the pages'
 * slots; a tag given to one) may still use the table when onlygen and
 * the model's tables (site config, categories, tags, series: the
 * structure key) are the same.  The videos are paired by their guids'
 * hashes (vguid); a video the last build had counts as changed when it
 * is gone or its state moved.  A watch or embed page finds its old slot
 * by its place in the old manifest, checked against the path's hash the
 * slot keeps; its reads are carried at their new indices when none of
 * them, nor its own video, changed.  Every other page is keyed: a list
 * is made of the order and membership that moved.
 *
 * The table has a slot per page of the site, in the pages' order, with
 * the key the page had and the videos it read.  A slot's reads are in one
 * of the workers' arenas (noted this build) or in the loaded file
 * (carried over from the last build).
 */
#ifndef ONLY_PAGE_READS_H
#define ONLY_PAGE_READS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "file_map.h"

/* Videos one page may read and have its reads kept (a list page of the
 * largest page size shows 10 000 cards). */
#define PAGE_READS_MAX	((size_t)1 << 16)
/* A slot with no reads kept: its page is keyed again. */
#define PAGE_READS_NONE	UINT32_MAX
/* No video of its own (a list page). */
#define PAGE_READS_NO_SELF	UINT32_MAX

/*
 * What one page read while keyed (a worker's, reset per page by
 * page_reads_rec_reset): each video once, in the order first read, but
 * the page's own (self: a watch or embed page's video), which is checked
 * with its slot.  seen is a bit per video, cleared again by the reset.
 */
struct page_reads_rec {
	size_t		 n, cap;
	int		 over;	/* more than PAGE_READS_MAX, or out of memory: not kept */
	uint32_t	 self;
	uint32_t	*v;
	uint64_t	*seen;
	size_t		 nvideos;
};

/* A recorder for nvideos videos; 0, or -1 out of memory. */
int	page_reads_rec_init(struct page_reads_rec *r, size_t nvideos);
void	page_reads_rec_reset(struct page_reads_rec *r, uint32_t self);
void	page_reads_rec_free(struct page_reads_rec *r);
/* Notes video (once); r NULL: nothing. */
void	page_reads_note(struct page_reads_rec *r, size_t video);

struct page_reads_slot {
	uint64_t	 key;	/* the page's key when its reads were noted */
	const uint32_t	*v;
	uint32_t	 n;	/* PAGE_READS_NONE: nothing kept */
	uint32_t	 self;	/* its own video, or PAGE_READS_NO_SELF */
};

/* This build's table, saved for the next. */
struct page_reads {
	uint64_t		 model_id;	/* build_model.h: the model the pages read */
	uint64_t		 skey;		/* the shared data's key (site_keys) */
	uint64_t		 struct_key;	/* onlygen and the model's tables (site_reads.c);
						 * 0: no other model may use the table */
	size_t			 nvideos, npages;
	uint64_t		*vstate;	/* per video: its value, images and place */
	uint64_t		*vguid;		/* per video: its guid's hash */
	struct page_reads_slot	*slot;		/* per page */
	struct arena		*mem;		/* POOL_MAX_WORKERS arenas: this build's reads */
};

/* A page's record in the file. */
struct page_reads_rec_disk {
	uint64_t	key;
	uint32_t	off;
	uint32_t	n;
	uint32_t	self;
	uint32_t	path;	/* its path's hash (the caller's: page_reads_save) */
};

/* The last build's, read from its file and used in place. */
struct page_reads_file {
	size_t				 nvideos, npages;
	const uint64_t			*vstate;	/* per video */
	const uint64_t			*vguid;		/* per video */
	const struct page_reads_rec_disk *rec;	/* per page */
	const uint32_t			*reads;
	struct file_map			 map;	/* the whole file (page_reads_load) */
};

/* An empty table (every slot NONE); 0, or -1 out of memory. */
int	page_reads_init(struct page_reads *t, size_t nvideos, size_t npages, uint64_t model_id,
	    uint64_t skey, uint64_t struct_key);
/*
 * Reads path into f when it was recorded on model_id with skey and
 * struct_key for nvideos videos and npages pages: 1.  model_id 0: on any
 * model, with struct_key (not 0) and skey, as many videos and pages as it
 * has (f->nvideos, f->npages).  0 when it is missing, not so, damaged
 * (magic, version, size, checksum, a read or a range out of bounds) or
 * memory ran out: f is then empty (free it all the same).
 */
int	page_reads_load(struct page_reads_file *f, const char *path, uint64_t model_id,
	    uint64_t skey, uint64_t struct_key, size_t nvideos, size_t npages);
/* The same from the file's size bytes at data (8-aligned), used in place
 * (f->data stays NULL). */
int	page_reads_parse(struct page_reads_file *f, const void *data, size_t size,
	    uint64_t model_id, uint64_t skey, uint64_t struct_key, size_t nvideos, size_t npages);
void	page_reads_file_free(struct page_reads_file *f);
/*
 * Slot s of the last build's table carried into t: 1 when it was noted
 * with key for a page of video self (or of none) and neither that video
 * nor any it read is marked in changed (one byte per video); 0 (t
 * untouched) otherwise.  t's slot then points into f.
 */
int	page_reads_carry(struct page_reads *t, const struct page_reads_file *f, size_t s,
	    uint64_t key, uint32_t self, const uint8_t *changed);
/*
 * The same across another model (a table loaded with model id 0): slot
 * from of f, found again for slot s of t when it was noted with key
 * for the page whose path has the hash path, of the video that is self
 * now (or of none).  changed is per video of f (one byte each: removed,
 * changed or moved among the others); map gives each of f's videos its
 * index now.  The reads are carried at those indices, into the worker's
 * arena.  1 carried, 0 not (t untouched), -1 out of memory.
 */
int	page_reads_carry_moved(struct page_reads *t, int worker, const struct page_reads_file *f,
	    size_t s, size_t from, uint64_t key, uint32_t path, uint32_t self,
	    const uint8_t *changed, const uint32_t *map);
/* Keeps rec as slot s's reads (in the worker's arena) with key; 0, or -1 out of memory. */
int	page_reads_keep(struct page_reads *t, int worker, size_t s, uint64_t key,
	    const struct page_reads_rec *rec);
/* Writes t to path (path.tmp renamed, mode 0600), each slot kept with
 * path_of(arg, slot), its page's path's hash; 0, or -1 with err. */
int	page_reads_save(const struct page_reads *t, const char *path,
	    uint32_t (*path_of)(const void *arg, size_t slot), const void *arg, char *err,
	    size_t errlen);
void	page_reads_free(struct page_reads *t);

#endif
