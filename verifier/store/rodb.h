/*
 * rodb.h — a read-only SQLite handle with one prepared statement, reopened
 * when the file is replaced (new inode, or a changed mtime or size).
 *
 * Built for the lighttpd event loop: opened read-only, busy timeout 0 (a
 * locked database fails at once, it never waits), the statement prepared
 * once and reset after every use, and the file stat()ed at most once per
 * second.  A struct rodb owns its handle and statement: rodb_close().
 *
 * RODB_REPLACED_ONLY is for a file that is only ever replaced whole (by
 * rename), never written in place, like access.db: it is opened with
 * SQLite's immutable=1, so queries take no file locks and make no system
 * calls, and the once-a-second stat() is the only change detection (a new
 * inode, size or mtime reopens it, so an in-place write is still picked up
 * within a second).  Without it (tokens.db, written in place by onlytoken),
 * every query sees the latest committed data.
 */
#ifndef ONLY_RODB_H
#define ONLY_RODB_H

#include <limits.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

struct rodb {
	char		 path[PATH_MAX];
	char		 uri[3 * PATH_MAX + 32];	/* what sqlite3_open_v2 gets */
	const char	*sql;		/* the one statement (constant text) */
	int		 version;	/* required PRAGMA user_version */
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 mtime;
	off_t		 size;
	time_t		 checked;	/* last stat(), seconds */
	unsigned long	 generation;	/* +1 at every successful open */
	int		 wal;		/* the open file is in WAL mode */
	char		 err[256];	/* why it is not open */
};

#define RODB_LIVE		0
#define RODB_REPLACED_ONLY	1

/*
 * Prepares r for path with mode RODB_LIVE or RODB_REPLACED_ONLY; opens
 * nothing yet.  Returns -1 if path is too long.
 */
int	rodb_init(struct rodb *r, const char *path, const char *sql, int version,
	    int mode);

/*
 * Makes sure r is open on the current file: stat()s it when the last check
 * is older than now (seconds), reopens on replacement.  Returns the
 * statement, reset and with bindings cleared, or NULL (reason in r->err).
 */
sqlite3_stmt	*rodb_stmt(struct rodb *r, time_t now);

/*
 * The stat-and-reopen half of rodb_stmt(), without touching the statement.
 * Returns 0 when r is open (r->generation says which open), -1 if not.
 */
int	rodb_refresh(struct rodb *r, time_t now);

/*
 * WAL databases only: copies the WAL-index header (both of its copies, in
 * the -shm file SQLite already maps) into stamp, the way SQLite's own
 * readers read it, without a lock and without a system call.  Every commit
 * rewrites it with a new change counter (and a checkpoint that restarts the
 * WAL with new salts), so two equal stamps mean no transaction committed in
 * between.  Returns 0 with a stable stamp, -1 when r is not open, not in
 * WAL mode, has not mapped the index yet, or a writer is rewriting the
 * header right now (its two copies differ).
 */
#define RODB_STAMP_LEN	96
int	rodb_wal_stamp(struct rodb *r, unsigned char stamp[RODB_STAMP_LEN]);

void	rodb_close(struct rodb *r);

#endif
