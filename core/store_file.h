/*
 * store_file.h — the modes of the stores and records the tools create.
 *
 * A file is created with exactly its mode, whatever the umask:
 *   STORE_MODE_PRIVATE (0600)  catalog.db, keys files: one user's.
 *   STORE_MODE_GROUP   (0640)  tokens.db, access.db, rebuild-request: the
 *                              writer's, readable by the other side through
 *                              the file's group (lighttpd's group for the
 *                              stores, the watcher's for the record).
 * SQLite creates a database's -wal and -shm files with the main file's mode
 * (and owner), so they follow.  An existing file keeps its mode, and a file
 * replaced by rename (access.db, rebuild-request) gets the mode and group
 * of the one it replaces: an administrator's chmod or chgrp survives.
 */
#ifndef ONLY_STORE_FILE_H
#define ONLY_STORE_FILE_H

#include <stddef.h>
#include <sys/types.h>

#define STORE_MODE_PRIVATE	0600
#define STORE_MODE_GROUP	0640

/*
 * Creates path (empty) with exactly mode when nothing is there; an existing
 * file is left as it is.  A symbolic link at path is refused.  Returns 1
 * created, 0 already there, -1 with a message in err.
 */
int	store_file_create(const char *path, mode_t mode, char *err, size_t errlen);

/*
 * Gives fd, the new file about to replace path by rename, path's mode and
 * group when path exists, else mode dflt.  0, or -1 (errno set) when the
 * mode cannot be set; a group that cannot be kept is not an error.
 */
int	store_file_replace_mode(int fd, const char *path, mode_t dflt);

/* 1 when path exists and every user may read it (its mode in *mode), else 0. */
int	store_file_world_readable(const char *path, mode_t *mode);

#endif
