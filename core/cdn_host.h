/*
 * cdn_host.h — the one rule for a CDN host and the scheme it is reached
 * by, shared by the generator (links and images of the site) and the
 * verifier (signed play URLs): both must name the same origin for the same
 * cdn_host, or a page and its player disagree.
 *
 *   host      = name [ ":" port ] | "[" v6 "]" [ ":" port ]
 *   name      = 1*( ALPHA / DIGIT / "." / "-" )
 *   v6        = 1*( HEXDIG / ":" / "." )
 *   port      = 1*5DIGIT
 *
 * The scheme is http for a loopback host — 127.0.0.1, localhost (in any
 * case: DNS names are case-insensitive), [::1] — with or without a port,
 * and https for every other host.  Pure functions: no I/O, no allocation.
 */
#ifndef ONLY_CDN_HOST_H
#define ONLY_CDN_HOST_H

/* Longest host[:port] in bytes, without the NUL: a DNS name is at most 253
 * bytes, plus ":65535". */
#define CDN_HOST_MAX	259

/* 1 when host matches the grammar above and is at most CDN_HOST_MAX bytes. */
int		 cdn_host_ok(const char *host);

/* "http" or "https" for a valid host (see above); NULL when !cdn_host_ok(host). */
const char	*cdn_host_scheme(const char *host);

#endif
