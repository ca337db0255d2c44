/*
 * bunny_sign.c — HS256 URL signing for Bunny CDN.  The algorithm is at the
 * top of bunny_sign.h.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "b64url.h"
#include "bunny_sign.h"
#include "cdn_host.h"
#include "sout.h"
#include "hex.h"

struct param {
	const char	*k, *v;		/* NUL-terminated, in the scratch area */
};

/* Percent-encodes all but A-Z a-z 0-9 - _ . ~ */
static void
put_enc(struct sout *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			sout_put(o, s, 1);
		} else {
			e[0] = '%';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			sout_put(o, e, 3);
		}
	}
}

/* Query-unescapes (s, n) into the scratch area: "+" is a space. */
static const char *
unescape(const char *s, size_t n, char *scr, size_t *used, size_t cap)
{
	char *d = scr + *used;
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return NULL;
			if ((h = hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (l = hex_digit((unsigned char)s[i + 2])) < 0)
				return NULL;
			c = (char)(h << 4 | l);
			if (c == '\0')
				return NULL;
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (*used + o + 1 >= cap)
			return NULL;
		d[o++] = c;
	}
	if (*used + o + 1 > cap)
		return NULL;
	d[o] = '\0';
	*used += o + 1;
	return d;
}

static int
path_byte_ok(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	/* A switch, not strchr(): this runs for every byte of every URL. */
	switch (c) {
	case '"': case '#': case '<': case '>': case '\\': case '^': case '`':
	case '{': case '|': case '}':
		return 0;
	default:
		return 1;
	}
}

static int
add_param(struct param *ps, size_t *np, const char *k, const char *v)
{
	size_t i;

	for (i = 0; i < *np; i++)
		if (strcmp(ps[i].k, k) == 0)
			return -1;
	if (*np >= BUNNY_PARAMS_MAX)
		return -1;
	ps[*np].k = k;
	ps[*np].v = v;
	(*np)++;
	return 0;
}

/* Binary form of ip for the MAC: 4 bytes, or 16 with the low 8 zeroed. */
static int
ip_bytes(const char *ip, unsigned char b[16], size_t *n)
{
	if (inet_pton(AF_INET, ip, b) == 1) {
		*n = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, b) == 1) {
		memset(b + 8, 0, 8);
		*n = 16;
		return 0;
	}
	return -1;
}

int
bunny_sign_url(const struct bunny_sign_req *rq, char *outp, size_t cap)
{
	char scratch[BUNNY_URL_MAX * 2], exps[24], limit[24], tok[8 + 44];
	struct param ps[BUNNY_PARAMS_MAX], tmp;
	struct hmac_key own;
	const struct hmac_key *hk = rq->hkey;
	const char *u = rq->url, *host, *path, *q, *end, *sigpath;
	size_t used = 0, np = 0, hostlen, pathlen, i, j, iplen = 0;
	unsigned char ipb[16], mac[HMAC_LEN];
	struct hmac_run run;
	struct sout o;
	struct sout eo;

	if (cap == 0 || u == NULL || rq->expires < 0 || strlen(u) > BUNNY_URL_MAX)
		return -1;
	sout_init(&o, outp, cap);
	if (hk == NULL && (rq->key == NULL || rq->key_len == 0))
		return -1;
	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	else
		return -1;
	end = u + strlen(u);
	if ((path = strchr(host, '/')) == NULL)
		return -1;
	hostlen = (size_t)(path - host);
	if (hostlen == 0 || memchr(host, '?', hostlen) || memchr(host, '#', hostlen))
		return -1;
	q = strchr(path, '?');
	pathlen = q ? (size_t)(q - path) : (size_t)(end - path);
	for (i = 0; i < pathlen; i++)
		if (!path_byte_ok((unsigned char)path[i]))
			return -1;
	if (rq->ip != NULL && rq->ip[0] != '\0' && ip_bytes(rq->ip, ipb, &iplen) != 0)
		return -1;

	/* Collect the parameters that are signed and put in the URL. */
	if (rq->ignore_params) {
		if (add_param(ps, &np, "token_ignore_params", "true") != 0)
			return -1;
	} else {
		const char *s = q ? q + 1 : end;
		while (s < end) {
			const char *amp = memchr(s, '&', (size_t)(end - s));
			const char *e = amp ? amp : end, *eq, *k, *v;

			if (e > s) {
				eq = memchr(s, '=', (size_t)(e - s));
				k = unescape(s, (size_t)((eq ? eq : e) - s), scratch,
				    &used, sizeof(scratch));
				v = eq ? unescape(eq + 1, (size_t)(e - eq - 1), scratch,
				    &used, sizeof(scratch)) : "";
				if (k == NULL || v == NULL || k[0] == '\0' ||
				    strcmp(k, "token") == 0 || strcmp(k, "expires") == 0 ||
				    add_param(ps, &np, k, v) != 0)
					return -1;
			}
			s = amp ? amp + 1 : end;
		}
		if (rq->countries && rq->countries[0] &&
		    add_param(ps, &np, "token_countries", rq->countries) != 0)
			return -1;
		if (rq->countries_blocked && rq->countries_blocked[0] &&
		    add_param(ps, &np, "token_countries_blocked", rq->countries_blocked) != 0)
			return -1;
		if (rq->speed_limit > 0) {
			snprintf(limit, sizeof(limit), "%" PRId64, rq->speed_limit);
			if (add_param(ps, &np, "limit", limit) != 0)
				return -1;
		}
	}
	if (rq->token_path && rq->token_path[0] &&
	    add_param(ps, &np, "token_path", rq->token_path) != 0)
		return -1;
	/* Byte-wise sort by key (insertion sort: at most 16 entries). */
	for (i = 1; i < np; i++) {
		tmp = ps[i];
		for (j = i; j > 0 && strcmp(ps[j - 1].k, tmp.k) > 0; j--)
			ps[j] = ps[j - 1];
		ps[j] = tmp;
	}

	if (hk == NULL) {
		hmac_key_init(&own, rq->key, rq->key_len);
		hk = &own;
	}
	sout_init(&eo, exps, sizeof(exps));
	sout_i64(&eo, rq->expires);
	sigpath = rq->token_path && rq->token_path[0] ? rq->token_path : NULL;
	hmac_begin(&run, hk);
	if (sigpath)
		hmac_update(&run, sigpath, strlen(sigpath));
	else
		hmac_update(&run, path, pathlen);
	hmac_update(&run, exps, strlen(exps));
	hmac_update(&run, ipb, iplen);
	for (i = 0; i < np; i++) {
		if (i > 0)
			hmac_update(&run, "&", 1);
		hmac_update(&run, ps[i].k, strlen(ps[i].k));
		hmac_update(&run, "=", 1);
		hmac_update(&run, ps[i].v, strlen(ps[i].v));
	}
	hmac_end(&run, mac);
	if (hk == &own)
		hmac_key_wipe(&own);
	i = sout_copy(tok, sizeof(tok), iplen ? "HS256-1-" : "HS256-");
	b64url_encode(mac, sizeof(mac), tok + i, sizeof(tok) - i);

	sout_put(&o, u, (size_t)(host - u) + hostlen);
	if (rq->directory) {
		sout_str(&o, "/bcdn_token=");
		sout_str(&o, tok);
	} else {
		sout_put(&o, path, pathlen);
		sout_str(&o, "?token=");
		sout_str(&o, tok);
	}
	for (i = 0; i < np; i++) {
		sout_str(&o, "&");
		sout_str(&o, ps[i].k);
		sout_str(&o, "=");
		put_enc(&o, ps[i].v);
	}
	sout_str(&o, "&expires=");
	sout_str(&o, exps);
	if (rq->directory)
		sout_put(&o, path, pathlen);
	if (o.err) {
		outp[0] = '\0';
		return -1;
	}
	return (int)o.len;
}

int
bunny_cdn_base(const char *host, char *out, size_t cap)
{
	const char *scheme = cdn_host_scheme(host);
	struct sout o;

	if (scheme == NULL)
		return -1;
	sout_init(&o, out, cap);
	sout_str(&o, scheme);
	sout_str(&o, "://");
	sout_str(&o, host);
	return o.err ? -1 : (int)o.len;
}
