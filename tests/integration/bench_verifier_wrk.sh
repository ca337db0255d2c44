#!/usr/bin/env bash
# bench/verifier-wrk from the outside: usage errors, what it says without wrk,
# and (wrk installed) one short real run whose output has every case and key,
# with every answer 200.  Without wrk (scripts/install-deps installs it) the
# test fails.
# Never judged on timing: the ratio and p99 verdict (exit 0 or 1) is not a
# test result here, only the shape of the measurement.
set -u
. "$(dirname "$0")/../lib/tap.sh"
b="$ROOT/bench/verifier-wrk"

"$b" --duration x >/dev/null 2>&1; is "$?" 2 "non-numeric --duration is a usage error (2)"
"$b" --bogus >/dev/null 2>&1; is "$?" 2 "unknown option is a usage error (2)"
"$b" --duration 0 >/dev/null 2>&1; is "$?" 2 "--duration 0 is a usage error (2)"
"$b" --rounds 0 >/dev/null 2>&1; is "$?" 2 "--rounds 0 is a usage error (2)"
"$b" --server-cpu 999 >/dev/null 2>&1; is "$?" 2 "a CPU the machine lacks is a usage error (2)"
"$b" --help 2>&1 | grep -q -- "--rss-requests"; is "$?" 0 "--help lists the options"

"$b" --client-cpu 999 >/dev/null 2>&1; is "$?" 2 "a client CPU the machine lacks is a usage error (2)"

tmpbase=$(mktemp -d); trap 'rm -rf "$tmpbase"' EXIT
# A PATH with only what the script needs before it looks for wrk: what it
# says when wrk is missing is checked whether or not this machine has wrk.
mkdir "$tmpbase/nowrk"
for t in dirname nproc sed; do ln -s "$(command -v "$t")" "$tmpbase/nowrk/$t"; done
err=$(PATH="$tmpbase/nowrk" "$b" --duration 1 2>&1); rc=$?
is "$rc" 1 "without wrk: exit 1"
like "$err" "scripts/install-deps" "without wrk: says how to install it"
err=$(PATH="$tmpbase/nowrk" "$b" --server-cpu 999 2>&1); rc=$?
is "$rc" 2 "without wrk: a bad argument is still a usage error (2), found first"

# The checks below need wrk, which scripts/install-deps installs.
if ! command -v wrk >/dev/null 2>&1; then
	echo "not ok - wrk is installed (scripts/install-deps)"
	exit 1
fi
trees() { find "$tmpbase" -maxdepth 1 -name 'verifier-wrk.*' | wc -l; }
before=$(trees)
out=$(TMPDIR=$tmpbase "$b" --duration 1 --rounds 2 --connections 8 --rss-requests 1000 2>&1); rc=$?
case "$rc" in 0|1) ok "a short run finishes (exit $rc: 0 within target, 1 over)" ;;
	*) fail "a short run exits $rc"; echo "$out" | sed 's/^/    /' ;; esac
for c in static play-public play-vip play-ppv; do
	line=$(echo "$out" | grep "^case=$c ")
	if echo "$line" | grep -qE "^case=$c requests=[1-9][0-9]* req_s=[0-9.]+ p50_ms=[0-9.]+ p99_ms=[0-9.]+ cpu_us_req=[0-9.]+ ratio=[0-9.]+$"; then
		ok "case $c measured: $line"
	else
		fail "case $c line missing or malformed"; echo "$out" | sed 's/^/    /'
	fi
done
like "$(echo "$out" | grep '^case=static ')" "ratio=1.00" "static is the baseline (ratio 1.00)"
echo "$out" | grep -qE "^rss_kb_before=[0-9]+ rss_kb_after=[0-9]+ rss_requests=[0-9]+$"
is "$?" 0 "RSS line"
echo "$out" | grep -qE "^result=(ok|fail) limit=1.5$"; is "$?" 0 "verdict line"
after=$(trees)
is "$after" "$before" "its temporary tree is removed"
pgrep -f "$tmpbase/verifier-wrk\\." >/dev/null; is "$?" 1 "no lighttpd of it left running"
