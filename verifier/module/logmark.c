/*
 * logmark.c — the viewer's id the access log carries (logmark.h,
 * docs/stats.md); the key and the id itself are sign/logid.c's.
 */
#include <string.h>

#include "logmark.h"
#include "netaddr.h"

void
logmark_viewer(const struct hmac_key *k, const char *ip, char out[LOGMARK_ID_LEN + 1])
{
	struct netaddr a;
	unsigned char b[17];

	out[0] = '\0';
	if (ip == NULL || netaddr_parse(ip, &a) != 0)
		return;
	/* /24 or /48: a household or small office, never one address. */
	memset(b, 0, sizeof(b));
	b[0] = (unsigned char)a.fam;
	memcpy(b + 1, a.b, a.fam == 4 ? 3 : 6);
	logmark_id(k, 'v', b, sizeof(b), out);
}
