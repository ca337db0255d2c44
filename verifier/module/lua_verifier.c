/*
 * lua_verifier.c — bin/verifier.so, the Lua 5.4 module mod_magnet loads:
 *
 *   local m = package.loadlib("/abs/bin/verifier.so", "luaopen_verifier")()
 *   local v = m.new{ var = "/abs/var", play_ttl = 900,
 *                    redeem_per_min = 10, redeem_burst = 5,
 *                    redeem_net_per_min = 20, redeem_net_burst = 20,
 *                    redeem_global_fail_per_min = 30,
 *                    redeem_global_fail_burst = 30, rl_slots = 4096,
 *                    metrics_allow = "127.0.0.0/8, ::1",
 *                    replica_status = "/abs/var/replica-status" }
 *   local status, body, ctype, set_cookie, location, retry_after, allow,
 *         access, video, code_id, viewer_id = v:handle(method, path, cookie, ip, content_type, body
 *                [, sig_version, sig_algorithm, signature[, fetch_site]])
 *   (sig_*: the X-BunnyStream-Signature-* headers, for
 *   POST /api/hooks/bunny; nil otherwise; fetch_site: the Sec-Fetch-Site
 *   header of a POST, nil otherwise; the last four results: the access log's
 *   X-Only-* headers for play and redeem, nil otherwise, see logmark.h)
 *   v:health_detail()  -- "" or why /api/healthz fails (for the error log)
 *
 * The verifier (stores, prepared statements, keys, rate-limit table,
 * metrics) lives in one userdata with __gc/__close, so it is opened once per
 * lua_State and closed with it.  Arguments are checked before anything is
 * acquired.  All the HTTP logic is in api.c.
 */
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "api.h"

#define MT "onlymatt.verifier"

struct lv {
	int		 open;
	struct verifier	 v;
};

static int
lv_gc(lua_State *L)
{
	struct lv *u = luaL_checkudata(L, 1, MT);

	if (u->open) {
		verifier_close(&u->v);
		u->open = 0;
	}
	return 0;
}

static const char *
opt_str(lua_State *L, const char *name)
{
	const char *s;

	lua_getfield(L, 1, name);
	s = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
	lua_pop(L, 1);		/* the table still references the string */
	return s;
}

static lua_Number
opt_num(lua_State *L, const char *name)
{
	lua_Number n;

	lua_getfield(L, 1, name);
	n = lua_isnil(L, -1) ? 0 : luaL_checknumber(L, -1);
	lua_pop(L, 1);
	return n;
}

/* verifier.new(opts) -> object | nil, message */
static int
lv_new(lua_State *L)
{
	struct verifier_config c;
	struct lv *u;
	char err[256];

	if (lua_gettop(L) != 1)
		return luaL_error(L, "verifier.new(opts): incorrect number of arguments");
	luaL_checktype(L, 1, LUA_TTABLE);
	memset(&c, 0, sizeof(c));
	c.var = opt_str(L, "var");
	c.tokens = opt_str(L, "tokens");
	c.access = opt_str(L, "access");
	c.keys = opt_str(L, "keys");
	c.rebuild = opt_str(L, "rebuild");
	c.play_ttl = (long)opt_num(L, "play_ttl");
	c.redeem_per_min = opt_num(L, "redeem_per_min");
	c.redeem_burst = opt_num(L, "redeem_burst");
	c.redeem_net_per_min = opt_num(L, "redeem_net_per_min");
	c.redeem_net_burst = opt_num(L, "redeem_net_burst");
	c.redeem_fail_per_min = opt_num(L, "redeem_global_fail_per_min");
	c.redeem_fail_burst = opt_num(L, "redeem_global_fail_burst");
	c.metrics_allow = opt_str(L, "metrics_allow");
	c.replica_status = opt_str(L, "replica_status");
	c.rl_slots = (size_t)opt_num(L, "rl_slots");
	/* Closed state first: a Lua error from here on leaves nothing to leak. */
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	u->open = 0;
	luaL_setmetatable(L, MT);
	if (verifier_open(&u->v, &c, err, sizeof(err)) != 0) {
		lua_pushnil(L);
		lua_pushstring(L, err);
		return 2;
	}
	u->open = 1;
	return 1;
}

static const char *
arg_str(lua_State *L, int i, size_t *n)
{
	if (lua_isnoneornil(L, i)) {
		*n = 0;
		return NULL;
	}
	return luaL_checklstring(L, i, n);
}

static void
push_or_nil(lua_State *L, const char *s)
{
	if (s[0] != '\0')
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

/* v:handle(method, path, cookie, ip, ctype, body[, sigver, sigalg, sig[, fetch_site]]) */
static int
lv_handle(lua_State *L)
{
	struct lv *u = luaL_checkudata(L, 1, MT);
	struct api_req rq;
	struct api_resp o;
	struct timespec ts;
	size_t n;

	if (lua_gettop(L) < 3 || lua_gettop(L) > 11)
		return luaL_error(L, "v:handle(method, path, cookie, ip, ctype, body"
		    "[, sig_version, sig_algorithm, signature[, fetch_site]]): "
		    "incorrect number of arguments");
	if (!u->open)
		return luaL_error(L, "v:handle: verifier is closed");
	memset(&rq, 0, sizeof(rq));
	rq.method = luaL_checkstring(L, 2);
	rq.path = luaL_checklstring(L, 3, &rq.path_len);
	rq.cookie = arg_str(L, 4, &rq.cookie_len);
	rq.ip = arg_str(L, 5, &n);
	rq.ctype = arg_str(L, 6, &n);
	rq.body = arg_str(L, 7, &rq.body_len);
	rq.sig_version = arg_str(L, 8, &n);
	rq.sig_algorithm = arg_str(L, 9, &n);
	rq.signature = arg_str(L, 10, &n);
	rq.fetch_site = arg_str(L, 11, &n);
	rq.now = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rq.mono = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	api_handle(&u->v, &rq, &o);
	lua_pushinteger(L, o.status);
	lua_pushlstring(L, o.body, o.body_len);
	lua_pushstring(L, o.ctype ? o.ctype : "application/json");
	if (o.set_cookie[0] != '\0')
		lua_pushstring(L, o.set_cookie);
	else
		lua_pushnil(L);
	if (o.location[0] != '\0')
		lua_pushstring(L, o.location);
	else
		lua_pushnil(L);
	if (o.retry_after > 0)
		lua_pushinteger(L, o.retry_after);
	else
		lua_pushnil(L);
	if (o.allow != NULL)
		lua_pushstring(L, o.allow);
	else
		lua_pushnil(L);
	/* The access log's marks (logmark.h): nil when not set. */
	if (o.mark_access != NULL)
		lua_pushstring(L, o.mark_access);
	else
		lua_pushnil(L);
	push_or_nil(L, o.mark_video);
	push_or_nil(L, o.mark_code);
	push_or_nil(L, o.mark_viewer);
	return 11;
}

static int
lv_health_detail(lua_State *L)
{
	struct lv *u = luaL_checkudata(L, 1, MT);
	char out[800];

	if (!u->open)
		return luaL_error(L, "v:health_detail: verifier is closed");
	api_health_detail(&u->v, time(NULL), out, sizeof(out));
	lua_pushstring(L, out);
	return 1;
}

/* The module's one export; everything else is built -fvisibility=hidden. */
__attribute__((visibility("default"))) int	luaopen_verifier(lua_State *L);

int
luaopen_verifier(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "handle", lv_handle },
		{ "health_detail", lv_health_detail },
		{ NULL, NULL }
	};
	static const luaL_Reg funcs[] = {
		{ "new", lv_new },
		{ NULL, NULL }
	};

	if (luaL_newmetatable(L, MT)) {
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, lv_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, lv_gc);
		lua_setfield(L, -2, "__close");
		lua_pushliteral(L, MT);
		lua_setfield(L, -2, "__name");
	}
	lua_pop(L, 1);
	luaL_newlib(L, funcs);
	return 1;
}
