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
 * thread closes it while the build goes on.  What the thread has not
 * reached when the build is done, a short-lived process holds instead
 * (file_release_finish()).
 *
 * Nothing here decides what is published: a descriptor held or not, the
 * files on disk are the same; only which thread, or process, waits for
 * the device.
 */
#ifndef ONLY_FILE_RELEASE_H
#define ONLY_FILE_RELEASE_H

#include <stddef.h>
#include <sys/types.h>

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
/*
 * Ends the thread (once it has closed the file it may be closing) and
 * frees r.  What it has not reached is handed off
 * (file_release_hand_off(), /bin/cat on a pipe this process closes once
 * its own references are gone), not waited for: the files are already
 * gone from the site, only their blocks are left to free, and a build
 * that replaced 140 MB of list pages waited ~0.1 s for the device at its
 * very end (docs/benchmarks.md, issue 15).  So are last[0..nlast), at
 * most FILE_RELEASE_LAST (held files whose other references, mappings,
 * were just dropped: never closed by the thread, whose close would be
 * waited for; -1 entries skipped).  When the spawn fails, or r is NULL,
 * they are closed here.
 */
#define FILE_RELEASE_LAST	8
void	file_release_finish(struct file_release *r, const int *last, size_t nlast);
/*
 * Spawns argv (vfork and exec: nothing of this process's memory copied)
 * with fds[0..n) inherited, its standard input in (or /dev/null when in
 * is -1) and its output on /dev/null, so that no pipe of the caller waits
 * for it: the last references it holds are closed when it exits, and the
 * wait for the device is its own.  Not waited for (its parent's exit
 * hands it to init).  Each fd above 2 and not in.  The pid, or -1
 * (nothing spawned).
 */
pid_t	file_release_hand_off(char *const argv[], const int *fds, size_t n, int in);

#endif
