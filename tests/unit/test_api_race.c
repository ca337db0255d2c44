/*
 * test_api_race.c — answers that race for one device's cookies
 * (verifier/module/unlocks.h).  A browser stores the Set-Cookie headers
 * of each answer as it arrives, the last of one name winning; two
 * requests sent at once carry the same old cookies.  Here a jar plays the
 * browser: each answer is stored in the order a race could give, and the
 * device must still hold every code it redeemed, whatever that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "unlocks.h"

#include "api_fixture.h"

#define JAR_MAX	(2 * ENTS_MAX + 4)

/* The cookies a browser holds for the site: name=value, in arrival order. */
struct jar {
	size_t	n;
	char	name[JAR_MAX][32];
	char	val[JAR_MAX][ENTS_BUFSZ];
};

static void
jar_drop(struct jar *j, size_t i)
{
	j->n--;
	memmove(j->name[i], j->name[i + 1], (j->n - i) * sizeof(j->name[0]));
	memmove(j->val[i], j->val[i + 1], (j->n - i) * sizeof(j->val[0]));
}

/* Stores one Set-Cookie line (len bytes): a value, or a removal (Max-Age=0). */
static void
jar_store(struct jar *j, const char *line, size_t len)
{
	char l[API_SET_COOKIE_MAX];
	const char *eq, *semi;
	size_t i, nn, vn;
	int gone;

	snprintf(l, sizeof(l), "%.*s", (int)len, line);
	eq = strchr(l, '=');
	semi = strchr(l, ';');
	if (eq == NULL || semi == NULL || semi < eq || (size_t)(eq - l) >= sizeof(j->name[0]))
		exit(2);
	nn = (size_t)(eq - l);
	vn = (size_t)(semi - eq - 1);
	gone = strstr(l, "Max-Age=0") != NULL && strstr(l, "Max-Age=0")[9] == '\0';
	for (i = 0; i < j->n && !(strlen(j->name[i]) == nn && memcmp(j->name[i], l, nn) == 0); i++)
		;
	if (gone) {
		if (i < j->n)
			jar_drop(j, i);
		return;
	}
	if (i == j->n) {
		if (j->n == JAR_MAX)
			exit(2);
		j->n++;
		snprintf(j->name[i], sizeof(j->name[i]), "%.*s", (int)nn, l);
	}
	snprintf(j->val[i], sizeof(j->val[i]), "%.*s", (int)vn, eq + 1);
}

/* Stores every Set-Cookie of answer o, in order. */
static void
jar_take(struct jar *j, const struct api_resp *o)
{
	const char *p = o->set_cookie, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		jar_store(j, p, nl ? (size_t)(nl - p) : strlen(p));
		p = nl ? nl + 1 : p + strlen(p);
	}
}

/* The Cookie header the jar sends (static: one at a time). */
static const char *
jar_header(const struct jar *j)
{
	static char h[16384];
	size_t i, len = 0;

	h[0] = '\0';
	for (i = 0; i < j->n; i++)
		len += (size_t)snprintf(h + len, sizeof(h) - len, "%s%s=%s", i ? "; " : "",
		    j->name[i], j->val[i]);
	return h;
}

/* How many add cookies the jar holds. */
static int
jar_adds(const struct jar *j)
{
	size_t i;
	int n = 0;

	for (i = 0; i < j->n; i++)
		n += strncmp(j->name[i], UNLOCKS_ADD_PREFIX, UNLOCKS_ADD_PREFIX_LEN) == 0;
	return n;
}

/* The jar's access_token as "access_token=VALUE" (cookie_holds' form). */
static const char *
jar_set(const struct jar *j, char *buf, size_t cap)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < j->n; i++)
		if (strcmp(j->name[i], "access_token") == 0)
			snprintf(buf, cap, "access_token=%s", j->val[i]);
	return buf;
}

/* The unlocks a session answer lists (its body's level fields but the top one). */
static int
session_count(struct verifier *v, const struct jar *j, struct api_resp *o)
{
	if (call(v, "GET", "/api/session", jar_header(j), NULL, NULL, NULL, o) != 200)
		return -1;
	return count_str(o->body, "{\"level\":") - 1;
}

static struct jar *
jar_new(void)
{
	struct jar *j = calloc(1, sizeof(*j));

	if (j == NULL)
		exit(2);
	return j;
}

/*
 * Two codes redeemed at once (two tabs, two form posts without JavaScript):
 * both requests carry the device's old cookies, both answers write the set
 * from them, and the one stored last would have dropped the other's code.
 */
static void
two_redeems(struct verifier *v)
{
	struct jar *j = jar_new(), *late = jar_new();
	struct api_resp a, b, o;
	char hdr[16384], set[ENTS_BUFSZ + 32];
	int has, n;

	CHECK(redeem_with(v, NULL, "code=OM43-0000-0002", &o) == 200 &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG) &&
	    strstr(o.set_cookie, "\n" UNLOCKS_ADD_PREFIX) != NULL &&
	    count_str(o.set_cookie, "Max-Age=86400") == 2,
	    "redeem: the set, then the code's own cookie, both for the code's time: %s",
	    o.set_cookie);
	jar_take(j, &o);
	CHECK(j->n == 2 && jar_adds(j) == 1, "the jar: the set and one add cookie");

	/* both sent with the same cookies; the vip answer stored first */
	snprintf(hdr, sizeof(hdr), "%s", jar_header(j));
	CHECK(redeem_with(v, hdr, "code=OM43-0000-0001&next=/v/x/", &a) == 303 &&
	    redeem_with(v, hdr, "code=OM43-0000-0006&next=/v/y/", &b) == 303 &&
	    strstr(a.set_cookie, "\n" UNLOCKS_ADD_PREFIX) && strstr(b.set_cookie, "\n" UNLOCKS_ADD_PREFIX),
	    "two form posts at once: 303 each, each with its own add cookie");
	jar_take(j, &a);
	jar_take(j, &b);
	n = cookie_holds(v, jar_set(j, set, sizeof(set)), "OM43-0000-0001", &has);
	CHECK(n == 2 && !has && jar_adds(j) == 3,
	    "the set stored last lacks the first answer's code (%d entries); 3 add cookies", n);
	CHECK(call(v, "GET", "/api/play/" VIP_V, jar_header(j), NULL, NULL, NULL, &o) == 200 &&
	    call(v, "GET", "/api/play/" PPV_V, jar_header(j), NULL, NULL, NULL, &o) == 200,
	    "both plays granted from the jar");
	n = session_count(v, j, &o);
	CHECK(n == 3 && STARTS(o.set_cookie, "access_token=" ENTS_TAG) &&
	    strstr(o.set_cookie, UNLOCKS_ADD_PREFIX) == NULL,
	    "session lists all 3, writes the set back whole, removes no add cookie yet "
	    "(%d): %s", n, o.set_cookie);
	jar_take(j, &o);
	n = cookie_holds(v, jar_set(j, set, sizeof(set)), "OM43-0000-0001", &has);
	CHECK(n == 3 && has, "the set names all 3 again (%d)", n);

	/* The vip redeem's answer arriving again, late, after the session's:
	 * its set (2 codes, not the 6) written over the whole one. */
	jar_take(j, &a);
	n = cookie_holds(v, jar_set(j, set, sizeof(set)), "OM43-0000-0006", &has);
	CHECK(n == 2 && !has, "a late answer's set lacks a code (%d entries)", n);
	CHECK(session_count(v, j, &o) == 3 && STARTS(o.set_cookie, "access_token=" ENTS_TAG),
	    "its add cookie still names it: session lists 3 and writes the set back");
	jar_take(j, &o);
	memcpy(late, j, sizeof(*j));

	/* Once the set naming them is UNLOCKS_ADD_SETTLE seconds old, the add
	 * cookies go; not before, and not one the set does not name. */
	NOW = T0 + UNLOCKS_ADD_SETTLE - 1;
	CHECK(session_count(v, j, &o) == 3 && o.set_cookie[0] == '\0',
	    "a second early: nothing set (%s)", o.set_cookie);
	NOW = T0 + UNLOCKS_ADD_SETTLE;
	CHECK(session_count(v, j, &o) == 3 && count_str(o.set_cookie, "Max-Age=0") == 3 &&
	    strstr(o.set_cookie, "access_token=") == NULL,
	    "settled: the 3 add cookies removed, the set left: %s", o.set_cookie);
	jar_take(j, &o);
	CHECK(j->n == 1 && session_count(v, j, &o) == 3 && o.set_cookie[0] == '\0',
	    "the set alone holds all 3, and is left alone");

	/* A set that lacks a code never removes that code's add cookie. */
	jar_take(late, &a);	/* the late set again: 2 codes */
	CHECK(session_count(v, late, &o) == 3 && strstr(o.set_cookie, "access_token=" ENTS_TAG) &&
	    count_str(o.set_cookie, "Max-Age=0") == 2,
	    "settled, the set lacking one: the set written whole, the other 2 add cookies "
	    "removed, not the missing code's: %s", o.set_cookie);
	jar_take(late, &o);
	CHECK(late->n == 2 && jar_adds(late) == 1 && session_count(v, late, &o) == 3,
	    "and the next session still lists 3");
	NOW = T0;

	/* Logout removes every cookie of the device. */
	CHECK(call(v, "POST", "/api/logout", jar_header(late), NULL, NULL, NULL, &o) == 200 &&
	    count_str(o.set_cookie, "Max-Age=0") == 2, "logout: the set and the add cookie cleared");
	jar_take(late, &o);
	CHECK(late->n == 0, "the jar is empty after logout (%zu)", late->n);
	free(j);
	free(late);
}

/*
 * A session renewing the set (a day old) while a redeem is in flight: the
 * renewal's answer, stored last, is written from cookies without the code.
 */
static void
renewal_and_redeem(struct verifier *v)
{
	struct jar *j = jar_new();
	struct api_resp r, o;
	char hdr[16384];

	CHECK(redeem_with(v, NULL, "code=OM43-0000-0006", &o) == 200, "renewal: a vip code");
	jar_take(j, &o);
	NOW = T0 + UNLOCKS_ADD_SETTLE;
	CHECK(session_count(v, j, &o) == 1, "renewal: its add cookie settles");
	jar_take(j, &o);
	NOW = T0 + 86400 + 10;
	snprintf(hdr, sizeof(hdr), "%s", jar_header(j));
	CHECK(redeem_with(v, hdr, "code=OM43-0000-0008", &r) == 200, "renewal: a ppv code redeemed");
	CHECK(call(v, "GET", "/api/session", hdr, NULL, NULL, NULL, &o) == 200 &&
	    STARTS(o.set_cookie, "access_token=" ENTS_TAG), "renewal: the day-old set renewed");
	jar_take(j, &r);
	jar_take(j, &o);	/* the renewal stored last */
	CHECK(session_count(v, j, &o) == 2 &&
	    call(v, "GET", "/api/play/" PPV_V, jar_header(j), NULL, NULL, NULL, &o) == 200,
	    "renewal stored last: the ppv still plays, session lists 2");
	NOW = T0;
	free(j);
}

/*
 * The old system's cookie held the code as typed; /api/session turns it
 * into a set (charged to the redeem limit).  A redeem before that (a form
 * post without JavaScript, the first thing such a device does) wrote its
 * set over it, and the typed code's unlock was gone.
 */
static void
typed_code_kept(struct verifier *v)
{
	struct jar *j = jar_new();
	struct api_resp o;

	jar_store(j, "access_token=OM43-0000-0002; Path=/", 35);
	CHECK(redeem_with(v, jar_header(j), "code=OM43-0000-0001", &o) == 200 &&
	    strstr(o.set_cookie, "access_token=") == NULL &&
	    STARTS(o.set_cookie, UNLOCKS_ADD_PREFIX),
	    "redeem over a typed-code cookie: only the code's own cookie set: %s", o.set_cookie);
	jar_take(j, &o);
	CHECK(call(v, "GET", "/api/play/" VIP_V, jar_header(j), NULL, NULL, NULL, &o) == 200,
	    "the new code plays at once");
	CHECK(session_count(v, j, &o) == 2 && STARTS(o.set_cookie, "access_token=" ENTS_TAG),
	    "session: the typed code and the new one, written into a set: %s", o.body);
	jar_take(j, &o);
	CHECK(call(v, "GET", "/api/play/" PPV_V, jar_header(j), NULL, NULL, NULL, &o) == 200 &&
	    session_count(v, j, &o) == 2, "the typed code's unlock plays, and both stay");
	free(j);
}

/* Add cookies are read only as the verifier writes them. */
static void
forged_adds(struct verifier *v)
{
	struct jar *j = jar_new();
	struct api_resp o;
	char hdr[16384], name[UNLOCKS_ADD_NAME_LEN + 1], val[ENTS_BUFSZ];
	size_t i;

	CHECK(redeem_with(v, NULL, "code=OM43-0000-0001", &o) == 200, "forged: a vip code");
	jar_take(j, &o);
	CHECK(redeem_with(v, jar_header(j), "code=OM43-0000-0002", &o) == 200, "forged: a ppv code");
	jar_take(j, &o);
	for (i = 0; i < j->n && strncmp(j->name[i], UNLOCKS_ADD_PREFIX, UNLOCKS_ADD_PREFIX_LEN); i++)
		;
	CHECK(i < j->n, "forged: its add cookie");
	snprintf(name, sizeof(name), "%s", j->name[i]);
	snprintf(val, sizeof(val), "%s", j->val[i]);

	snprintf(hdr, sizeof(hdr), "%s=%s", name, val);
	CHECK(call(v, "GET", "/api/play/" VIP_V, hdr, NULL, NULL, NULL, &o) == 200,
	    "the add cookie alone plays");
	snprintf(hdr, sizeof(hdr), UNLOCKS_ADD_PREFIX "000000000000=%s", val);
	CHECK(call(v, "GET", "/api/play/" VIP_V, hdr, NULL, NULL, NULL, &o) == 401,
	    "under another code's name: not read (401)");
	snprintf(hdr, sizeof(hdr), "%s=%s", name, j->val[0]);	/* the set: 2 codes */
	CHECK(strcmp(j->name[0], "access_token") == 0 &&
	    call(v, "GET", "/api/play/" VIP_V, hdr, NULL, NULL, NULL, &o) == 401,
	    "an add cookie holding a set of two: not read (401)");
	snprintf(hdr, sizeof(hdr), "%s=%s", name, val);
	hdr[strlen(hdr) - 3] ^= 1;
	CHECK(call(v, "GET", "/api/play/" VIP_V, hdr, NULL, NULL, NULL, &o) == 401,
	    "one bit changed: 401");
	CHECK(call(v, "GET", "/api/session", UNLOCKS_ADD_PREFIX "0=x", NULL, NULL, NULL, &o) == 401 &&
	    strstr(o.body, "unauthorized"), "session with only a junk add cookie: 401");
	CHECK(call(v, "POST", "/api/logout", "access_add_0123456789ab=1; "
	    "access_add_zz\r\nX-Evil: 1=2; access_add_0123456789ab=3; access_add_ABCDEF012345=4",
	    NULL, NULL, NULL, &o) == 200 &&
	    count_str(o.set_cookie, "access_add_0123456789ab=;") == 1 &&
	    strstr(o.set_cookie, "Evil") == NULL && strstr(o.set_cookie, "ABCDEF") == NULL &&
	    strchr(o.set_cookie, '\r') == NULL,
	    "logout echoes only well-formed add names, once each: %s", o.set_cookie);
	free(j);
}

/*
 * At ENTS_MAX codes a device is full (409); two redeems racing at ENTS_MAX
 * - 1 give it one more than a set can name: the set keeps what it named,
 * the extra code stays in its own cookie.
 */
static void
full_device_race(struct verifier *v)
{
	struct jar *j = jar_new();
	struct api_resp a, b, o;
	char body[64], hdr[16384], set[ENTS_BUFSZ + 32];
	int i, ok = 0, has, n;

	for (i = 0; i < ENTS_MAX - 1; i++) {
		snprintf(body, sizeof(body), "code=OM43-1000-0000-%04d", i);
		ok += redeem_with(v, jar_header(j), body, &o) == 200;
		jar_take(j, &o);
	}
	CHECK(ok == ENTS_MAX - 1 && strlen(jar_header(j)) < 8192,
	    "%d codes; the Cookie header %zu bytes", ENTS_MAX - 1, strlen(jar_header(j)));
	snprintf(hdr, sizeof(hdr), "%s", jar_header(j));
	CHECK(redeem_with(v, hdr, "code=OM43-1000-0000-0031", &a) == 200 &&
	    redeem_with(v, hdr, "code=OM43-1000-0000-0032", &b) == 200,
	    "two redeems at 31: both granted");
	jar_take(j, &a);
	jar_take(j, &b);
	CHECK(session_count(v, j, &o) == ENTS_MAX + 1, "session lists %d", ENTS_MAX + 1);
	jar_take(j, &o);
	n = cookie_holds(v, jar_set(j, set, sizeof(set)), "OM43-1000-0000-0031", &has);
	CHECK(n == ENTS_MAX && !has, "the set: %d entries, the extra code not among them", n);
	NOW = T0 + UNLOCKS_ADD_SETTLE;
	CHECK(session_count(v, j, &o) == ENTS_MAX + 1, "settled: still %d", ENTS_MAX + 1);
	jar_take(j, &o);
	CHECK(jar_adds(j) == 1 && session_count(v, j, &o) == ENTS_MAX + 1,
	    "only the extra code's add cookie is left (%d)", jar_adds(j));
	CHECK(redeem_with(v, jar_header(j), "code=OM43-0000-0005", &o) == 409,
	    "one more: 409");
	NOW = T0;
	free(j);
}

int
main(void)
{
	struct verifier_config c;
	struct verifier v;

	if (fixture_verifier(&c, &v) != 0)
		return 1;
	two_redeems(&v);
	renewal_and_redeem(&v);
	typed_code_kept(&v);
	forged_adds(&v);
	full_device_race(&v);
	verifier_close(&v);
	fixture_remove();
	return check_report();
}
