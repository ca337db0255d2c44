/*
 * page_reads.h — the videos each watch and embed page read while it was
 * keyed, kept between builds in STATE/page-reads, so that a rebuild keys
 * again only the pages that read a video that changed (docs/site.md,
 * "Page reads").
 *
 * A page's key is a function of its seed (the shared data's key, its
 * kind and path) and of the values its data builders read.  Those reach a
 * video only through page_video() and card() (site_data.h, site_cards.h),
 * which note its index in the page's recorder (struct pd's reads) while
 * the page is keyed.  What else a watch or embed page reads is the
 * model's structure (its categories, tags, series, "more like this"),
 * which the table's model id pins: a table is used only by a build whose
 * model is the one it was recorded on with the fields of some videos
 * changed (build_model.h: base_id, changed), and whose shared key is the
 * same.  A video's mirrored images are read through its card text; their
 * state is kept per video (vimg) and a video whose state moved counts as
 * changed.
 *
 * The table is per video: slot 2i is video i's watch page, 2i+1 its embed
 * page, each with the key it had and the videos it read.  A slot's reads
 * are in one of the workers' arenas (written this build) or in the loaded
 * file (carried over from the last build).
 */
#ifndef ONLY_PAGE_READS_H
#define ONLY_PAGE_READS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Videos one page may read and have its reads kept: a watch page reads
 * itself, two series neighbours and RELATED_MAX (12) related videos. */
#define PAGE_READS_MAX	32
/* A slot with no reads kept: its page is keyed again. */
#define PAGE_READS_NONE	UINT32_MAX

/*
 * What one page read while keyed (a worker's, reset per page): each video
 * once, in the order first read, but the page's own (self), which its
 * slot names.
 */
struct page_reads_rec {
	size_t		n;
	int		over;	/* more than PAGE_READS_MAX: not kept */
	uint32_t	self;	/* the page's video (page_reads_slot_of) */
	uint32_t	v[PAGE_READS_MAX];
};

static inline void
page_reads_note(struct page_reads_rec *r, size_t video)
{
	size_t k;

	if (r == NULL || video == r->self)
		return;
	for (k = 0; k < r->n; k++)
		if (r->v[k] == video)
			return;
	if (r->n < PAGE_READS_MAX)
		r->v[r->n++] = (uint32_t)video;
	else
		r->over = 1;
}

struct page_reads_slot {
	uint64_t	 key;	/* the page's key when its reads were noted */
	const uint32_t	*v;
	uint32_t	 n;	/* PAGE_READS_NONE: nothing kept */
};

/* This build's table, saved for the next. */
struct page_reads {
	uint64_t		 model_id;	/* build_model.h: the model the pages read */
	uint64_t		 skey;		/* the shared data's key (site_keys) */
	size_t			 nvideos;
	uint64_t		*vimg;		/* per video: its mirrored images' state */
	struct page_reads_slot	*slot;		/* 2 per video: watch, embed */
	struct arena		*mem;		/* POOL_MAX_WORKERS arenas: this build's reads */
};

/* The last build's, read from its file and used in place. */
struct page_reads_file {
	size_t			 nvideos;
	const struct page_reads_rec_disk *rec;	/* per video */
	const uint32_t		*reads;
	void			*data;		/* the whole file, mapped (page_reads_load) */
	size_t			 size;
};

/* A video's record in the file. */
struct page_reads_rec_disk {
	uint64_t	vimg;
	uint64_t	key[2];
	uint32_t	off[2];
	uint32_t	n[2];
};

/* Its slot: video's watch page, or (embed != 0) its embed page. */
static inline size_t
page_reads_slot_of(size_t video, int embed)
{
	return 2 * video + (embed != 0);
}

/* An empty table for nvideos videos (every slot NONE); 0, or -1 out of memory. */
int	page_reads_init(struct page_reads *t, size_t nvideos, uint64_t model_id, uint64_t skey);
/*
 * Reads path into f when it was recorded on model_id with skey for
 * nvideos videos: 1.  0 when it is missing, another model's, damaged
 * (magic, version, size, checksum, a read or a range out of bounds) or
 * memory ran out: f is then empty (free it all the same).
 */
int	page_reads_load(struct page_reads_file *f, const char *path, uint64_t model_id,
	    uint64_t skey, size_t nvideos);
/* The same from the file's size bytes at data, used in place (f->data stays NULL). */
int	page_reads_parse(struct page_reads_file *f, const void *data, size_t size,
	    uint64_t model_id, uint64_t skey, size_t nvideos);
void	page_reads_file_free(struct page_reads_file *f);
/*
 * Slot s of the last build's table carried into t: 1 when it was noted
 * with key and neither its video nor any of its reads is marked in
 * changed (one byte per video); 0 (t untouched) otherwise.  t's slot then
 * points into f.
 */
int	page_reads_carry(struct page_reads *t, const struct page_reads_file *f, size_t s,
	    uint64_t key, const uint8_t *changed);
/* Keeps rec as slot s's reads (in the worker's arena) with key; 0, or -1 out of memory. */
int	page_reads_keep(struct page_reads *t, int worker, size_t s, uint64_t key,
	    const struct page_reads_rec *rec);
/* Writes t to path (path.tmp renamed, mode 0600); 0, or -1 with err. */
int	page_reads_save(const struct page_reads *t, const char *path, char *err, size_t errlen);
void	page_reads_free(struct page_reads *t);

#endif
