/*
 * code_result.h — the outcomes of typing an access code into a page's form
 * without JavaScript, one definition for both sides: the verifier answers a
 * browser's form post (one carrying `next`) with 303 to next#<id>, and the
 * generator renders, on every page with the code form, one message per
 * outcome under that id, shown by CSS (:target) when the fragment names it.
 * Pure: no I/O, no allocation.
 */
#ifndef ONLY_CODE_RESULT_H
#define ONLY_CODE_RESULT_H

enum code_result {
	CODE_RESULT_VIP = 0,	/* a VIP code: every VIP and pay-per-view video */
	CODE_RESULT_PPV,	/* a pay-per-view code for the page's video */
	CODE_RESULT_PPV_OTHER,	/* a pay-per-view code for another video (or no page video) */
	CODE_RESULT_INVALID,	/* unknown, malformed or missing code */
	CODE_RESULT_EXPIRED,
	CODE_RESULT_REVOKED,
	CODE_RESULT_LIMITED,	/* too many attempts (429) */
	CODE_RESULT_FULL,	/* the device holds the most unlocks it can (409) */
	CODE_RESULT_UNAVAILABLE,	/* the verifier cannot answer (5xx) */
	CODE_RESULT__COUNT
};

/* Bytes of the longest id, without the NUL: a Location is next (the
 * verifier's API_NEXT_MAX) + "#" + this. */
#define CODE_RESULT_ID_MAX	24

/* The fragment id of r ("code-invalid", ...; [a-z-] only, no "#"); NULL
 * when r is out of range. */
const char	*code_result_id(enum code_result r);

/* What the page says for r: constant plain text (no markup); NULL when r is
 * out of range. */
const char	*code_result_text(enum code_result r);

/* 1 when r is a success (the code was accepted), else 0. */
int		 code_result_ok(enum code_result r);

#endif
