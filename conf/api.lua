-- conf/api.lua — mod_magnet script for every /api/ request.
--
-- Loads bin/verifier.so once per lighttpd process (ONLY_MODULE, absolute
-- path, no search path), keeps the verifier in _G (which survives between
-- requests; chunk locals do not), reads a POST body, and hands everything to
-- v:handle().  All decisions are made in C (verifier/module/api.c).

local r = lighty.r
local v = _G.onlymatt_verifier

local function fail(msg)
  print("onlymatt verifier: " .. msg)
  r.resp_header["Content-Type"] = "application/json"
  r.resp_body.set('{"error":"unavailable","message":"The service is not available right now; please try again in a minute."}\n')
  return 503
end

if v == nil then
  local path = os.getenv("ONLY_MODULE")
  if path == nil or path:sub(1, 1) ~= "/" then
    return fail("ONLY_MODULE must be the absolute path of bin/verifier.so")
  end
  local open, err = package.loadlib(path, "luaopen_verifier")
  if open == nil then return fail(tostring(err)) end
  local m = open()
  local nv, why = m.new{
    var = os.getenv("ONLY_VAR"),
    play_ttl = tonumber(os.getenv("ONLY_PLAY_TTL") or ""),
    redeem_per_min = tonumber(os.getenv("ONLY_REDEEM_PER_MIN") or ""),
    redeem_burst = tonumber(os.getenv("ONLY_REDEEM_BURST") or ""),
    redeem_net_per_min = tonumber(os.getenv("ONLY_REDEEM_NET_PER_MIN") or ""),
    redeem_net_burst = tonumber(os.getenv("ONLY_REDEEM_NET_BURST") or ""),
    redeem_global_fail_per_min = tonumber(os.getenv("ONLY_REDEEM_GLOBAL_FAIL_PER_MIN") or ""),
    redeem_global_fail_burst = tonumber(os.getenv("ONLY_REDEEM_GLOBAL_FAIL_BURST") or ""),
    metrics_allow = os.getenv("ONLY_METRICS_ALLOW"),
    rl_slots = tonumber(os.getenv("ONLY_RL_SLOTS") or ""),
    rebuild = os.getenv("ONLY_REBUILD_REQUEST"),
    replica_status = os.getenv("ONLY_REPLICA_STATUS"),
  }
  if nv == nil then return fail(why) end
  v = nv
  _G.onlymatt_verifier = v
  local detail = v:health_detail()
  if detail ~= "" then print("onlymatt verifier: not ready: " .. detail) end
end

-- Every lookup through lighty.r costs a metamethod call and a string: only
-- POST (redeem, logout) needs the address, the body and its type.
-- request.remote-addr is the viewer's address as mod_extforward set it from
-- a trusted proxy's X-Forwarded-For (conf/lighttpd.conf), else the TCP peer.
local attr = r.req_attr
local method = attr["request.method"]
local path = attr["uri.path"]
local body, ctype, ip, fetch_site
if path == "/api/metrics" then
  -- Metrics go by the TCP peer: a forwarded address must not claim
  -- loopback.  mod_extforward only ever rewrites the address of a request
  -- that carries one of these headers, so without them remote-addr is the
  -- peer; with them (a proxy in between, or a client trying) no address is
  -- passed and the verifier answers 403.
  local rh = r.req_header
  if rh["X-Forwarded-For"] == nil and rh["Forwarded-For"] == nil and
     rh["Forwarded"] == nil then
    ip = attr["request.remote-addr"]
  end
elseif path:sub(1, 10) == "/api/play/" then  -- API_PLAY, core/api_route.h
  -- For the access log's viewer id only (a keyed hash of the /24 or /48,
  -- verifier/module/logmark.h): the address itself is never logged.
  ip = attr["request.remote-addr"]
elseif path == "/api/session" then
  -- The redeem rate limit, for an old system's cookie holding a typed code.
  ip = attr["request.remote-addr"]
elseif method == "POST" then
  ip = attr["request.remote-addr"]
  local rb = r.req_body
  local ready = rb.collect
  if ready == false then return 0 end      -- lighttpd reads the body, runs us again
  if ready == nil then return fail("request body owned by another module") end
  local len = rb.len
  if len ~= nil and len > 0 then
    local raw = rb.get
    -- lighttpd 1.4.69 may return the request head before the body: keep
    -- the last len bytes (fixed in 1.4.72).
    if raw ~= nil and #raw > len then raw = raw:sub(-len) end
    body = raw
  end
  ctype = r.req_header["Content-Type"]
  -- The browser's word on who made it send this POST: a page of another
  -- site ("cross-site") may not log the device out or replace its cookie.
  fetch_site = r.req_header["Sec-Fetch-Site"]
end

local sigver, sigalg, sig
if path == "/api/hooks/bunny" then
  local rh = r.req_header
  sigver = rh["X-BunnyStream-Signature-Version"]
  sigalg = rh["X-BunnyStream-Signature-Algorithm"]
  sig = rh["X-BunnyStream-Signature"]
end

local status, out, ct, cookie, location, retry, allow, m_access, m_video,
  m_code, m_viewer = v:handle(method, path, r.req_header["Cookie"], ip, ctype, body, sigver, sigalg, sig,
    fetch_site)

-- Cache-Control: no-store comes from conf/lighttpd.conf (setenv).
local h = r.resp_header
h["Content-Type"] = ct
-- One line per cookie (the device's set, a redeem's own add cookie, cleared
-- ones: verifier/module/unlocks.h); each its own Set-Cookie header, written
-- as lighttpd writes a repeated header (http_header.c: a field-name on a
-- new line; mod_magnet lower-cases it under HTTP/2).
if cookie then h["Set-Cookie"] = (cookie:gsub("\n", "\r\nSet-Cookie: ")) end
if location then h["Location"] = location end
if retry then h["Retry-After"] = tostring(retry) end
if allow then h["Allow"] = allow end
-- What the access log records (conf/lighttpd.conf, docs/stats.md).
if m_access then
  h["X-Only-Access"] = m_access
  if m_video then h["X-Only-Video"] = m_video end
  if m_code then h["X-Only-Code"] = m_code end
  if m_viewer then h["X-Only-Viewer"] = m_viewer end
end
if status == 503 and attr["uri.path"] == "/api/healthz" then
  print("onlymatt verifier: unhealthy: " .. v:health_detail())
end
r.resp_body.set(out)
return status
