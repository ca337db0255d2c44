/*
 * fuzz_entitlements.c — libFuzzer entry: the access cookie parser
 * (ents_decode) and the JSON string writer on any bytes.  Never a crash or
 * an over-read; a cookie that decodes re-encodes to the very same bytes
 * (one accepted encoding per set); the JSON writer's output is valid UTF-8
 * with no raw quote, backslash, '<', '>', '&' or control byte inside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entitlements.h"
#include "json_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_json(const uint8_t *data, size_t size)
{
	static char buf[4096 * 6 + 3];
	struct sout o;
	size_t i;

	sout_init(&o, buf, sizeof(buf));
	json_out_str(&o, (const char *)data, size);
	if (o.err || o.len < 2 || buf[0] != '"' || buf[o.len - 1] != '"')
		abort();
	for (i = 1; i + 1 < o.len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '&')
			abort();
		if (c == '\\' && buf[i + 1] != '"' && buf[i + 1] != '\\' && buf[i + 1] != 'u')
			abort();
		if (c == '\\')
			i++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hmac_key k;
	static int ready;
	struct ents e;
	char out[ENTS_BUFSZ];
	int n;

	if (!ready) {
		struct hmac_key s;

		hmac_key_init(&s, "fuzz-secret-0123456789", 22);
		ents_key(&s, &k);
		ready = 1;
	}
	if (ents_decode(&k, (const char *)data, size, &e) == ENTS_OK) {
		if (e.n == 0 || e.n > ENTS_MAX)
			abort();
		n = ents_encode(&k, &e, out, sizeof(out));
		if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
			abort();
	}
	if (size <= 4096)
		check_json(data, size);
	return 0;
}

#include "standalone.h"
