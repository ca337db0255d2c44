/*
 * code_result.c — the outcomes of a no-JavaScript code form.  See
 * code_result.h.
 */
#include <stddef.h>

#include "code_result.h"

static const struct {
	const char	*id;
	const char	*text;
} results[CODE_RESULT__COUNT] = {
	[CODE_RESULT_VIP] = { "code-unlocked-vip",
	    "Unlocked: VIP \xe2\x80\x94 every VIP and pay-per-view video, on this device." },
	[CODE_RESULT_PPV] = { "code-unlocked-ppv",
	    "Unlocked: Pay-per-view \xe2\x80\x94 this video, on this device." },
	[CODE_RESULT_PPV_OTHER] = { "code-unlocked-other",
	    "Unlocked: Pay-per-view \xe2\x80\x94 the one video this code is for, on this "
	    "device. Open that video\xe2\x80\x99s page to watch it." },
	[CODE_RESULT_INVALID] = { "code-invalid",
	    "That code is not right. Check it and try again." },
	[CODE_RESULT_EXPIRED] = { "code-expired", "This code has expired." },
	[CODE_RESULT_REVOKED] = { "code-revoked", "This code is no longer valid." },
	[CODE_RESULT_LIMITED] = { "code-limited",
	    "Too many attempts. Wait a minute, then try again." },
	[CODE_RESULT_FULL] = { "code-full",
	    "This device already holds the most unlocks it can (32). Use another device." },
	[CODE_RESULT_UNAVAILABLE] = { "code-unavailable",
	    "The server had a problem. Try again in a moment." },
};

const char *
code_result_id(enum code_result r)
{
	return (unsigned)r < CODE_RESULT__COUNT ? results[r].id : NULL;
}

const char *
code_result_text(enum code_result r)
{
	return (unsigned)r < CODE_RESULT__COUNT ? results[r].text : NULL;
}

int
code_result_ok(enum code_result r)
{
	return r == CODE_RESULT_VIP || r == CODE_RESULT_PPV || r == CODE_RESULT_PPV_OTHER;
}
