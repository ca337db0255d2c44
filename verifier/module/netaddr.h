/*
 * netaddr.h — client addresses as bytes, and lists of CIDR ranges.
 *
 * lighttpd hands the module its client address as text.  netaddr_parse()
 * turns it into a family and 16 bytes; an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, what a dual-stack socket reports for an IPv4 peer) is
 * the IPv4 address a.b.c.d, so one viewer has one identity whichever way
 * lighttpd listens.  A netlist is a fixed array of ranges, parsed once from
 * a setting such as "127.0.0.0/8, ::1" (commas or blanks between entries,
 * a bare address is its own /32 or /128).
 */
#ifndef ONLY_NETADDR_H
#define ONLY_NETADDR_H

#include <stddef.h>

#define NETLIST_MAX	64

struct netaddr {
	int		 fam;		/* 4 or 6 */
	unsigned char	 b[16];		/* IPv4: b[0..3], the rest zero */
};

struct netrange {
	struct netaddr	 a;		/* bits past the prefix are zero */
	unsigned	 bits;		/* 0..32 or 0..128 */
};

struct netlist {
	size_t		 n;
	struct netrange	 r[NETLIST_MAX];
};

/* Parses a numeric IPv4 or IPv6 address.  Returns 0, or -1 if s is not one. */
int	netaddr_parse(const char *s, struct netaddr *a);

/*
 * Parses a list of ranges ("a.b.c.d[/n]" or "v6[/n]", separated by commas,
 * spaces or tabs; NULL or empty is the empty list).  Returns 0, or -1 with
 * the reason in err (a bad entry, a prefix too long, more than NETLIST_MAX).
 */
int	netlist_parse(const char *s, struct netlist *l, char *err, size_t errlen);

/* 1 if a lies in one of l's ranges, else 0. */
int	netlist_has(const struct netlist *l, const struct netaddr *a);

#endif
