/*
 * card_store.h — every video's card strings and card key, and its watch
 * page's sitemap entry (size and hash), kept between builds in
 * STATE/card-texts.
 *
 * A card's strings (its URL, duration, date, accessible label, episode)
 * and its key are a function of the card's inputs: a few of the video's
 * fields, its mirrored images' state, and the site's settings and onlygen
 * itself; so is the <url> entry of its
 * watch page in the sitemap, given the description and last change too.
 * Formatting them for every video took ~0.2 s (cards) and ~0.15 s of CPU
 * (entries) of a one-title rebuild at 100 000 videos, the cards mostly
 * writing ~50 MB of fresh memory (docs/benchmarks.md, issue 15).  The
 * store keeps each video's under the hash of those inputs (site_cards.c,
 * card_input()), so they are taken from it only when every input is as
 * it was: what decides is the data, never a record of what changed.
 * The settings and onlygen's identity are the header's key: another key
 * is no store.  The card's image URLs are not kept (they were more than
 * half the file): site_card_img.c formats those a build shows.
 *
 * File layout (native byte order: a cache of this machine's build):
 *   16 bytes  CARD_STORE_MAGIC
 *   u64       the key (settings, onlygen)
 *   u64       n, the records
 *   u64       the strings region's length
 *   u64       h64 of the two regions' h64s (records, strings)
 *   16 bytes  zero
 *   n x 64    records: u64 inputs hash, u64 card key, u64 the block's
 *             offset in the strings region, u32 its length, u16 x 6
 *             each string's offset in the block, u32 the sitemap
 *             entry's size, 4 zero bytes, u64 its h64, 8 zero bytes
 *   strings   the blocks, each CARD_STORE_STRINGS NUL-terminated strings
 *             ("" for none), the region's last byte a NUL
 *
 * The records are in the order of the build that wrote them: the model's
 * video i is looked for at record i first, by hash otherwise (a video
 * added or removed shifts the rest).  The file is written through
 * path.tmp and a rename, so a mapping never sees it shortened; a build
 * writes it only when many of its cards were not found (a store a few
 * cards behind costs those cards' formatting, nothing else).
 */
#ifndef ONLY_CARD_STORE_H
#define ONLY_CARD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "file_map.h"
#include "near.h"

#define CARD_STORE_MAGIC	"onlygen cards 4\n"	/* 16 bytes, no NUL kept */
#define CARD_STORE_STRINGS	6
#define CARD_STORE_HEAD		64	/* the header's bytes */
#define CARD_STORE_REC		64	/* a record's bytes */
#define CARD_STORE_BLOCK_MAX	((size_t)UINT16_MAX)	/* a larger card is not kept */

struct card_store_rec;

struct card_store {
	struct file_map			 map;
	const struct card_store_rec	*rec;
	size_t				 n;
	const char			*str;	/* the strings region */
	size_t				 nstr;
	uint32_t			*slot;	/* by inputs hash: record + 1, or 0 (built
						 * by the first card_store_find_any) */
	size_t				 nslot;
};

/* One card as the store keeps it. */
struct card_store_card {
	uint64_t	 in;	/* its inputs' hash */
	uint64_t	 key;	/* its card key */
	const char	*s[CARD_STORE_STRINGS];	/* "" for none */
	uint32_t	 empty;	/* found: bit k set when s[k] is "" (read from the
				 * record, so a taker need not touch the string) */
	uint32_t	 entry_size;	/* the watch page's sitemap entry: its bytes */
	uint64_t	 entry_hash;	/* and their h64 (site_sitemap.c) */
	size_t		 rec;	/* found: its record's place in the store */
};

/* Maps path into cs when it is a store made under key: 1.  0 when it is
 * missing, damaged or of another key (cs zeroed). */
int	card_store_load(struct card_store *cs, const char *path, uint64_t key);

/* The same from size bytes already in memory, not copied (the fuzzer's entry). */
int	card_store_parse(struct card_store *cs, const void *data, size_t size, uint64_t key);

/*
 * The card whose inputs hash is in, into out, looked for at record hint
 * and the CARD_STORE_NEAR records on either side of it: 1, or 0 when
 * they do not hold it.  The records are in the last build's order, so a
 * caller that follows the last record found finds every card there but
 * the changed ones and those moved far.
 */
#define CARD_STORE_NEAR	NEAR_RECORDS
int	card_store_find(const struct card_store *cs, size_t hint, uint64_t in,
	    struct card_store_card *out);
/*
 * The same anywhere in the store, through a table by inputs hash built on
 * the first call (a random probe per card, and 100 000 records read to
 * build it: for the cards card_store_find() missed, when they are many).
 * 1, or 0 when the store has none (or out of memory for the table: the
 * card is then formatted).  Not thread safe.
 */
int	card_store_find_any(struct card_store *cs, uint64_t in, struct card_store_card *out);

/* Unmaps; accepts a zeroed cs, leaves it zeroed. */
void	card_store_free(struct card_store *cs);

/*
 * Writes n cards (get(arg, i, card) gives the i-th) under key to path,
 * through path.tmp and a rename.  A card whose strings pass
 * CARD_STORE_BLOCK_MAX is written with inputs hash 0, which no card has
 * (card_input() never gives 0).  0, or -1 with err.
 */
int	card_store_save(const char *path, uint64_t key, size_t n,
	    void (*get)(void *arg, size_t i, struct card_store_card *card), void *arg,
	    char *err, size_t errlen);

#endif
