-- bench/wrk.lua — the request of one verifier scenario of `make bench`, from
-- the environment, and a one-line machine-readable summary for bench/run:
--   WRK_METHOD (GET), WRK_BODY, WRK_CTYPE (Content-Type), WRK_COOKIE
-- Prints: "wrk-result requests=R duration_us=D p50_us=X p99_us=Y
--          non2xx=S errors=E" (non2xx counts status >= 400 responses).
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then wrk.body = body end
local ctype = os.getenv("WRK_CTYPE")
if ctype and ctype ~= "" then wrk.headers["Content-Type"] = ctype end
local cookie = os.getenv("WRK_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"wrk-result requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
		summary.requests, summary.duration, latency:percentile(50),
		latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
