/*
 * rodb.h — a read-only SQLite handle with one prepared statement, reopened
 * when the file is replaced (new inode, or a changed mtime or size).
 *
 * Built for the lighttpd event loop: opened read-only, busy timeout 0 (a
 * locked database fails at once, it never waits), the statement prepared
 * once and reset after every use, and the file stat()ed at most once per
 * second.  A struct rodb owns its handle and statement: rodb_close().
 */
#ifndef ONLY_RODB_H
#define ONLY_RODB_H

#include <limits.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

struct rodb {
	char		 path[PATH_MAX];
	const char	*sql;		/* the one statement (constant text) */
	int		 version;	/* required PRAGMA user_version */
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 mtime;
	off_t		 size;
	time_t		 checked;	/* last stat(), seconds */
	char		 err[256];	/* why it is not open */
};

/* Prepares r for path; opens nothing yet.  Returns -1 if path is too long. */
int	rodb_init(struct rodb *r, const char *path, const char *sql, int version);

/*
 * Makes sure r is open on the current file: stat()s it when the last check
 * is older than now (seconds), reopens on replacement.  Returns the
 * statement, reset and with bindings cleared, or NULL (reason in r->err).
 */
sqlite3_stmt	*rodb_stmt(struct rodb *r, time_t now);

/* 1 when open (after the last rodb_stmt()). */
int	rodb_ok(const struct rodb *r);

void	rodb_close(struct rodb *r);

#endif
