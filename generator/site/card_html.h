/*
 * card_html.h — the bytes a list page's section rendered for each card,
 * kept between builds in STATE/card-html (tmpl.h: struct tmpl_memo).
 *
 * At 100 000 videos, a video added shifts every card of the lists it is
 * in: ~26 list pages of 10 000 cards, ~140 MB, rendered again from each
 * card's tree (~0.33 s of CPU, half a rebuild's render; docs/benchmarks.md,
 * issue 15).  The renderer keeps each card's bytes under a key covering
 * everything they depend on (the card's key, which hashes all its fields;
 * the section's body; the indentation and line state), and takes them
 * again when the key comes back: what decides is the data, never a record
 * of what changed.  onlygen's identity is the file's key: another key is
 * no store.
 *
 * File layout (native byte order: a cache of this machine's build):
 *   16 bytes  CARD_HTML_MAGIC
 *   u64       the key (onlygen)
 *   u64       nslot, the table's slots (a power of two, 16 to 2^28)
 *   u64       n, the slots used (at most half of them)
 *   u64       the bytes region's length (below 2^32)
 *   u64       h64_sum of the table
 *   8 bytes   zero
 *   bytes     the cards' bytes
 *   nslot x 24  the table by key (open addressing, linear probing): u64
 *             key (0: empty), u32 the bytes' offset in the region, u32
 *             their length, u64 their h64 with its low bit 1 when they
 *             end a line
 *
 * The table is checked whole when the file is mapped, a card's bytes the
 * first time a build takes it: a build that renders no list page reads
 * the table only (6 MB at 100 000 videos), not the 52 MB of cards.
 *
 * Written through path.tmp and a rename, so a mapping never sees it
 * shortened.  The cards a build renders go to path.tmp as they come
 * (keyed_file.h), not into memory: a full build renders ~55 MB of them.
 * It is renamed in only when many cards were not in the old file (a store
 * a few cards behind costs those cards' rendering, nothing else), with
 * the cards this build took from the old file after them: a card no build
 * shows any more leaves it at the next write.  Within a build a card is
 * taken from the old file only: one rendered is rendered again where it
 * shows again.
 */
#ifndef ONLY_CARD_HTML_H
#define ONLY_CARD_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "tmpl.h"

#define CARD_HTML_MAGIC		"onlygen chtml 2\n"	/* 16 bytes, no NUL kept */
#define CARD_HTML_HEAD		64
#define CARD_HTML_SLOT		24
#define CARD_HTML_SLOTS_MAX	((size_t)1 << 28)
#define CARD_HTML_BYTES_MAX	((size_t)UINT32_MAX)
#define CARD_HTML_CARD_MAX	((size_t)INT32_MAX)	/* a longer card is not kept */

/* The parsed file: its table and bytes (pointers into the caller's memory). */
struct card_html_file {
	const unsigned char	*slot;	/* nslot x CARD_HTML_SLOT */
	size_t			 nslot;
	size_t			 n;
	const char		*bytes;
	size_t			 nbytes;
};

/* data (size bytes) as such a file under key: 1 and f set, or 0 (not one). */
int	card_html_parse(struct card_html_file *f, const void *data, size_t size, uint64_t key);
/* The bytes kept under key in f: their slot's index and *s, *n, *ends_line,
 * or -1 (none, or a slot pointing outside the bytes region). */
long	card_html_find(const struct card_html_file *f, uint64_t key, const char **s, size_t *n,
	    int *ends_line);
/* Whether the bytes slot gave (card_html_find) are those its hash names. */
int	card_html_card_ok(const struct card_html_file *f, long slot, const char *s, size_t n);

struct card_html;

/* STATE/card-html loaded under key (0: none kept, nothing saved): the memo
 * a build's lists render through, or NULL (out of memory: none). */
struct card_html	*card_html_open(const char *state_dir, uint64_t key);
const struct tmpl_memo	*card_html_memo(struct card_html *);
/* After the render: the store written again on a thread of its own when
 * many cards were not in it (read from the memo's memory: close joins). */
void			 card_html_keep(struct card_html *);
/* Joins the write and frees everything: 0, or -1 with why in err (the
 * write failed: the next build renders those cards again). */
int			 card_html_close(struct card_html *, char *err, size_t errlen);
/* Cards taken and kept this build (the build's summary, the tests). */
void			 card_html_counts(struct card_html *, size_t *taken, size_t *made);

#endif
