/*
 * file_release.h — files and directories a build replaces or removes, let
 * go of on a thread of their own.
 *
 * A file's blocks are freed when its last name is gone and its last
 * reference goes: at the rename over it, the unlink or the rmdir, on the
 * thread that made the call.  On ext4 mounted with discard (this machine's
 * disk), that release waits for the device to discard the blocks: up to
 * 10 ms a file, and the renames of a one-title rebuild waited on it ~350
 * times (docs/benchmarks.md, issue 15).  A caller that opens the file
 * first (O_PATH: nothing read, nothing locked) holds a reference of its
 * own, so the rename only unlinks; it hands the descriptor here, and a
 * thread closes it while the build goes on.  The build waits only for
 * what is left when it is done (file_release_finish()).
 *
 * Nothing here decides what is published: a descriptor held or not, the
 * files on disk are the same; only which thread waits for the device.
 */
#ifndef ONLY_FILE_RELEASE_H
#define ONLY_FILE_RELEASE_H

/* Descriptors queued at most (well under the usual limit of 1024 open
 * files); a caller past it closes its own. */
#define FILE_RELEASE_QUEUE	256

struct file_release;

/* A releaser and its thread; NULL when none could be made (callers then
 * let go of their files themselves, as without one). */
struct file_release	*file_release_start(void);
/* An O_PATH descriptor of path under dirfd (not followed if a symlink), to
 * give once path is replaced or removed; -1 when r is NULL or path cannot
 * be opened (the release then happens where it always did). */
int	file_release_hold(const struct file_release *r, int dirfd, const char *path);
/* fd closed on r's thread; here when r is NULL or its queue is full.  -1: nothing. */
void	file_release_give(struct file_release *r, int fd);
/* Closes what is queued, ends the thread, frees r.  NULL: nothing. */
void	file_release_finish(struct file_release *r);

#endif
