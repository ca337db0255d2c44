/*
 * file_replace.h — a file put in place of another in one step, without the
 * write-out ext4 makes of a file renamed over another.
 *
 * ext4 (auto_da_alloc, on by default) allocates the blocks of a file
 * renamed over an existing one and submits its writeback in the rename,
 * so that a crash right after it leaves no empty file: the renaming thread
 * pays for every byte's allocation and submission (the 51 MB model image
 * of 100 000 videos: ~40 ms in its rename; the 81 MB of list pages a video
 * added replaces).  An exchange of the new file with the old one
 * (renameat2 RENAME_EXCHANGE) is as atomic for a reader and for a killed
 * process, and is not written out: the kernel writes the new file back
 * later, as it does any new file.  The old file's name, then the
 * temporary one, is removed (its blocks freed there, or where another
 * reference to it goes: file_release.h).  Only the write-out for a power
 * cut is given up, which the generator's files were never promised
 * (docs/site.md, "Atomic publishing"): a state file cut by one is refused
 * by its checksum and made again, a page is compared by its bytes.
 */
#ifndef ONLY_FILE_REPLACE_H
#define ONLY_FILE_REPLACE_H

/*
 * tmp and the file at path (both under dirfd) exchanged, then tmp (the old
 * file) removed; the caller knows path is a regular file.  0, or -1
 * (errno: as renameat2's; EINVAL where the file system has no exchange):
 * nothing was moved, and the caller renames.
 */
int	file_exchange_at(int dirfd, const char *tmp, const char *path);

/* rename(tmp, path), by exchange when path is a regular file.  0, or -1 (errno). */
int	file_replace(const char *tmp, const char *path);

#endif
