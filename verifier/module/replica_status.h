/*
 * replica_status.h — how old a replica node's copy of the stores is.
 *
 * On a node that follows a writer (scripts/serve --replica-of, docs/deploy.md
 * "Several verifier nodes"), scripts/follow-replica writes VAR/replica-status
 * (temporary file + rename) after every round in which both stores were
 * found current:
 *
 *     writer_at=<unix s> checked_at=<unix s>
 *
 * writer_at is the writer's last heartbeat the node saw in the replica, so
 * now - writer_at is the copy's age: it grows when the writer's replication
 * stops, when the replica cannot be read or is refused, and when the
 * follower itself stops.  The module never touches the network: it reads
 * this small local file, at most once a second and only for /api/healthz
 * and /api/metrics.  Not configured (a single node, `make run`): no age.
 */
#ifndef ONLY_REPLICA_STATUS_H
#define ONLY_REPLICA_STATUS_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#define REPLICA_STATUS_MAX	128	/* bytes read: two key=value pairs */

struct replica_status {
	int		 enabled;	/* a path was configured */
	char		 path[PATH_MAX];
	time_t		 read_at;	/* last read, seconds */
	int		 ok;		/* the last read parsed */
	int64_t		 writer_at;
	int64_t		 checked_at;
};

/* Configures rs for path (NULL or "": disabled).  -1 if path is too long. */
int	replica_status_init(struct replica_status *rs, const char *path);

/*
 * The copy's age in seconds (now - writer_at, at least 0) into *age:
 * 1 known, 0 disabled, -1 enabled but the file is missing or unreadable.
 * Rereads the file when the last read is older than now.
 */
int	replica_status_age(struct replica_status *rs, time_t now, int64_t *age);

/* Parses the file's text; 0 ok, -1 malformed.  (Exposed for the tests.) */
int	replica_status_parse(const char *text, int64_t *writer_at, int64_t *checked_at);

#endif
