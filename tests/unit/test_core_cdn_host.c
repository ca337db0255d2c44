/*
 * test_core_cdn_host.c — the one CDN host rule (core/cdn_host.h) and the two
 * places that apply it: the site's cdn_origin() and the verifier's
 * bunny_cdn_base() must give the same origin for every host, or none.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "bunny_sign.h"
#include "cdn_host.h"
#include "check.h"
#include "site_url.h"

int
main(void)
{
	static const struct { const char *host, *scheme; } cases[] = {
		{ "vz-abc-1.b-cdn.net", "https" },
		{ "VZ-ABC-1.B-CDN.NET", "https" },
		{ "cdn.example:8443", "https" },
		{ "127.0.0.1", "http" },
		{ "127.0.0.1:8081", "http" },
		{ "127.0.0.10", "https" },
		{ "127.0.0.1.nip.io", "https" },
		{ "localhost", "http" },
		{ "LOCALHOST:8081", "http" },	/* was https in the site, http in the verifier */
		{ "LocalHost", "http" },
		{ "localhost.evil.com", "https" },
		{ "localhostx", "https" },
		{ "[::1]", "http" },
		{ "[::1]:9000", "http" },
		{ "[::2]:9000", "https" },
		{ "[2001:db8::1]:443", "https" },
		{ "[::ffff:127.0.0.1]", "https" },
		{ "a:65535", "https" },
		/* refused */
		{ "", NULL },
		{ ":8081", NULL },
		{ "host:", NULL },
		{ "host:123456", NULL },
		{ "host:80x", NULL },
		{ "host:80:81", NULL },
		{ "::1", NULL },
		{ "[::1", NULL },
		{ "[]", NULL },
		{ "[::1]x", NULL },
		{ "[::1]:", NULL },
		{ "[g::1]", NULL },
		{ "a[::1]", NULL },
		{ "bad host", NULL },
		{ "host/path", NULL },
		{ "user@host", NULL },
		{ "h\xc3\xa9st", NULL },
	};
	char host[CDN_HOST_MAX + 8], out[CDN_HOST_MAX + 64], want[CDN_HOST_MAX + 64];
	struct buf b;
	size_t i;
	int n;

	buf_init(&b, 4096);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *h = cases[i].host, *s = cdn_host_scheme(h);

		if (cases[i].scheme == NULL) {
			CHECK(s == NULL && !cdn_host_ok(h), "'%s' is not a CDN host", h);
		} else
			CHECK(s != NULL && strcmp(s, cases[i].scheme) == 0 && cdn_host_ok(h),
			    "'%s' is reached by %s", h, cases[i].scheme);
		/* the site and the verifier agree, byte for byte, or both refuse */
		buf_reset(&b);
		n = bunny_cdn_base(h, out, sizeof(out));
		if (cases[i].scheme == NULL)
			CHECK(n == -1 && cdn_origin(&b, h) == -1,
			    "'%s': site and verifier both refuse it", h);
		else {
			snprintf(want, sizeof(want), "%s://%s", cases[i].scheme, h);
			CHECK(n > 0 && cdn_origin(&b, h) == 0 && strcmp(out, want) == 0 &&
			    strcmp(b.data, want) == 0, "'%s': site and verifier both say %s",
			    h, want);
		}
	}

	/* over-long hosts: CDN_HOST_MAX bytes pass, one more does not */
	memset(host, 'a', CDN_HOST_MAX);
	host[CDN_HOST_MAX] = '\0';
	CHECK(cdn_host_ok(host) && bunny_cdn_base(host, out, sizeof(out)) > 0,
	    "a host of CDN_HOST_MAX (%d) bytes is a host", CDN_HOST_MAX);
	memcpy(host + CDN_HOST_MAX - 6, ":65535", 7);
	CHECK(cdn_host_ok(host), "a 253-byte name with :65535 fits");
	memset(host, 'a', CDN_HOST_MAX + 1);
	host[CDN_HOST_MAX + 1] = '\0';
	buf_reset(&b);
	CHECK(!cdn_host_ok(host) && cdn_host_scheme(host) == NULL &&
	    bunny_cdn_base(host, out, sizeof(out)) == -1 && cdn_origin(&b, host) == -1,
	    "a host of CDN_HOST_MAX + 1 bytes is refused on both sides");
	buf_reset(&b);
	CHECK(!cdn_host_ok("host\r\nX: y") && bunny_cdn_base("host\r\nX: y", out, sizeof(out)) == -1 &&
	    cdn_origin(&b, "host\r\nX: y") == -1, "a CR LF in a host is refused on both sides");
	CHECK(bunny_cdn_base("cdn.example", out, 12) == -1,
	    "bunny_cdn_base: a result that does not fit is refused");
	buf_free(&b);
	return check_report();
}
