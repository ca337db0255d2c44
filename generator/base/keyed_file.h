/*
 * keyed_file.h — a state file several threads append to, each key's bytes
 * once: the bytes go out through a window as they come (file_window.h:
 * file_out), so the file is never whole in memory, and the table of keys
 * (key, offset, length, the caller's tag) is kept, in the order appended, under the
 * one mutex a put holds for the copy into the window.
 *
 * For what a build's render workers make and the next build takes
 * (card_html.c: the cards a list page rendered).  Once the puts are done,
 * the owner appends what else the file holds and closes it, or abandons
 * it.  The file, path.tmp until closed, is created at the first put.
 */
#ifndef ONLY_KEYED_FILE_H
#define ONLY_KEYED_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "file_window.h"

struct keyed_file;

/* Bytes for path, after a header of hlen bytes, at most max of them in all
 * (NULL: out of memory).  path must outlive it. */
struct keyed_file	*keyed_file_new(const char *path, size_t hlen, size_t max);
/* n bytes of s under key (not 0), with tag: 1 appended, 0 when the key
 * was there (the first stays), -1 when they cannot be (max reached, the
 * file not created or not written, out of memory, key 0). */
int		 keyed_file_put(struct keyed_file *, uint64_t key, const void *s, size_t n,
		    uint64_t tag);
/* What was appended, with no put running: the count, the bytes, and entry
 * i's key, offset from the end of the header, length and tag. */
size_t		 keyed_file_count(const struct keyed_file *);
uint64_t	 keyed_file_bytes(const struct keyed_file *);
void		 keyed_file_entry(const struct keyed_file *, size_t i, uint64_t *key,
		    uint64_t *at, size_t *n, uint64_t *tag);
/* The file, to append the rest, with no put running: created now if no
 * put did (NULL with why in err: it cannot be). */
struct file_out	*keyed_file_out(struct keyed_file *, char *err, size_t errlen);
/* Releases it; the file, unless closed through keyed_file_out(), removed.
 * Accepts NULL.  No put may still run. */
void		 keyed_file_delete(struct keyed_file *);

#endif
