# bench/verifier.sh — the verifier half of `make bench`, sourced by bench/run
# (uses its log, free_port, wait_port, $ROOT, $BINDIR, $WRK_SECS, $LONG_REQS,
# $VRESULTS, $WORK, $PIDS).
#
# lighttpd with the shipped conf/lighttpd.conf (through scripts/serve) pinned
# to CPU 0, wrk pinned to CPU 1, on loopback.  Scenarios: a 5 KB static file
# (the baseline), GET /api/play/<guid> with a valid VIP cookie, a public video
# without a cookie, a tampered cookie, POST /api/redeem with a valid code.
# Per scenario: req/s, p50/p99, and lighttpd's CPU per request (utime+stime
# from /proc/<pid>/stat over the run, divided by the requests).  Then a long
# run on /api/play (LONG_REQS requests) with lighttpd's RSS before and after.

VIP_GUID=11111111-1111-4111-8111-111111111111
PUBLIC_GUID=22222222-2222-4222-8222-222222222222

proc_cpu_ticks() {	# PID: utime+stime in clock ticks
	awk '{print $14 + $15}' "/proc/$1/stat"
}

proc_rss_kb() {	# PID
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# wrk_scenario NAME PID URL [DURATION]: one wrk run with bench/wrk.lua (the
# WRK_* variables set by the caller); appends a row to $VRESULTS.  With
# BENCH_PERF=1, lighttpd is profiled during the run (perf's own cost is then
# in the CPU figures: use it to see where time goes, not for the table).
wrk_scenario() {
	local name=$1 pid=$2 url=$3 secs=${4:-$WRK_SECS} t0 t1 out line
	local hz
	hz=$(getconf CLK_TCK)
	local perf=""
	if [ "${BENCH_PERF:-0}" = 1 ]; then
		perf record -q -F 999 -g -p "$pid" -o "$WORK/verifier/perf-${name//[ ,]/-}.data" \
			>/dev/null 2>&1 &
		perf=$!
		sleep 0.5
	fi
	t0=$(proc_cpu_ticks "$pid")
	out=$(taskset -c "$WRK_CPU" wrk -t1 -c64 -d"${secs}s" --timeout 5s -s "$ROOT/bench/wrk.lua" "$url")
	t1=$(proc_cpu_ticks "$pid")
	if [ -n "$perf" ]; then
		kill -INT "$perf" 2>/dev/null || true
		wait "$perf" 2>/dev/null || true
	fi
	printf '%s\n' "$out" >"$WORK/verifier/wrk-${name// /-}.log"
	line=$(printf '%s\n' "$out" | grep '^wrk-result ') || { log "wrk gave no result for $name"; return 1; }
	awk -v name="$name" -v d="$((t1 - t0))" -v hz="$hz" -v l="$line" 'BEGIN {
		n = split(l, kv, " ");
		for (i = 2; i <= n; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
		req = v["requests"]; if (req == 0) req = 1;
		printf "%s\t%.1f\t%d\t%d\t%.2f\t%d\t%d\n", name, v["requests"] / (v["duration_us"] / 1e6),
			v["p50_us"], v["p99_us"], d * 1e6 / hz / req, v["requests"], v["non2xx"]
	}' >>"$VRESULTS"
}

# run_verifier DIR
run_verifier() {
	local d=$1 port pid code cookie body status
	rm -rf "$d"
	mkdir -p "$d/site" "$d/var" "$d/log"
	WRK_CPU=1
	[ "$(nproc)" -ge 2 ] || WRK_CPU=0

	# The served site: the 5 KB baseline file.
	head -c 5120 /dev/zero | tr '\0' 'x' >"$d/site/static-5k.html"

	# The verifier's state: keys, the table a build writes, a code store.
	umask 077
	printf 'SECRET_KEY=%s\nBUNNY_TOKEN_KEY=%s\nCOOKIE_SECURE=0\n' \
		"$(openssl rand -hex 32)" "$(openssl rand -hex 32)" >"$d/var/verifier.keys"
	umask 022
	# access.db in the core's one schema (core/access_schema.h, read by the test library)
	ROOT="$ROOT" python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import verifier_lib as v
v.make_access_db(sys.argv[2], [(sys.argv[3], "vip", "vz-bench-000.b-cdn.net", 600, "VIP"),
                               (sys.argv[4], "public", "vz-bench-000.b-cdn.net", 600, "Public")])' \
		"$ROOT/tests/integration/lib" "$d/var/access.db" "$VIP_GUID" "$PUBLIC_GUID" ||
		{ log "access.db: cannot write"; return 1; }
	code=$("$BINDIR/onlytoken" mint --db "$d/var/tokens.db" --keys "$d/var/verifier.keys" \
		--level vip --days 30 --note bench | head -n 1) || { log "onlytoken mint failed"; return 1; }

	port=$(free_port)
	# The redeem rate limit raised for the run, per address and per network
	# (conf/lighttpd.conf's ONLY_REDEEM_*, read by conf/api.lua; a valid
	# code never spends the global failure budget).
	BINDIR="$BINDIR" ONLY_REDEEM_PER_MIN=1000000000 ONLY_REDEEM_BURST=1000000000 \
		ONLY_REDEEM_NET_PER_MIN=1000000000 ONLY_REDEEM_NET_BURST=1000000000 \
		"$ROOT/scripts/serve" --site "$d/site" --var "$d/var" --port "$port" --logdir "$d/log" \
		--module "$BINDIR/verifier.so" \
		--pidfile "$d/lighttpd.pid" --daemon >"$d/serve.log" 2>&1 || {
		log "scripts/serve failed:"; cat "$d/serve.log" >&2; return 1; }
	pid=$(cat "$d/lighttpd.pid")
	PIDS+=("$pid")
	wait_port "$port" || { log "lighttpd did not listen on $port"; return 1; }
	taskset -a -p -c 0 "$pid" >/dev/null

	# A valid VIP cookie: redeem the code once.
	cookie=$(curl -s -o /dev/null -D - --data-urlencode "code=$code" \
		"http://127.0.0.1:$port/api/redeem" | tr -d '\r' |
		sed -n 's/^[Ss]et-[Cc]ookie: *\(access_token=[^;]*\).*/\1/p' | head -n 1)
	[ -n "$cookie" ] || { log "redeeming the bench code gave no cookie"; return 1; }
	status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" \
		"http://127.0.0.1:$port/api/play/$VIP_GUID")
	[ "$status" = 200 ] || { log "GET /api/play with the VIP cookie: $status, expected 200"; return 1; }
	# Tampered: the token's last character changed.
	local last=${cookie: -1} tampered
	if [ "$last" = A ]; then tampered="${cookie%?}B"; else tampered="${cookie%?}A"; fi

	local base="http://127.0.0.1:$port"
	WRK_METHOD=GET WRK_COOKIE="" wrk_scenario static "$pid" "$base/static-5k.html" || return 1
	WRK_METHOD=GET WRK_COOKIE="$cookie" wrk_scenario "play vip" "$pid" "$base/api/play/$VIP_GUID" || return 1
	WRK_METHOD=GET WRK_COOKIE="" wrk_scenario "play public" "$pid" "$base/api/play/$PUBLIC_GUID" || return 1
	WRK_METHOD=GET WRK_COOKIE="$tampered" wrk_scenario "play tampered" "$pid" "$base/api/play/$VIP_GUID" || return 1
	body="code=$code"
	WRK_METHOD=POST WRK_BODY="$body" WRK_CTYPE=application/x-www-form-urlencoded WRK_COOKIE="" \
		wrk_scenario "redeem" "$pid" "$base/api/redeem" || return 1

	# RSS over a long run: LONG_REQS requests of /api/play (duration from the
	# rate just measured), RSS read before and after.
	local rps secs rss0 rss1 reqs
	rps=$(awk -F '\t' '$1 == "play vip" {print $2}' "$VRESULTS")
	secs=$(awk -v r="$rps" -v n="$LONG_REQS" 'BEGIN{s = int(n / (r > 0 ? r : 1)) + 1; print s}')
	rss0=$(proc_rss_kb "$pid")
	WRK_METHOD=GET WRK_COOKIE="$cookie" wrk_scenario "play vip, long run" "$pid" \
		"$base/api/play/$VIP_GUID" "$secs" || return 1
	rss1=$(proc_rss_kb "$pid")
	reqs=$(awk -F '\t' '$1 == "play vip, long run" {print $6}' "$VRESULTS")
	printf '%s kB before, %s kB after %s requests (%+d kB)\n' "$rss0" "$rss1" "$reqs" "$((rss1 - rss0))" \
		>"$WORK/verifier-rss.txt"
	"$ROOT/scripts/serve" --stop --pidfile "$d/lighttpd.pid" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
	return 0
}
