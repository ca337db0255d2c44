#!/usr/bin/env bash
# scripts/rebuild-watcher: a burst of webhook records gives one build, an
# already handled record gives none, a failed build is logged and retried,
# --watch picks up a new record; the outcome is logged.  `onlygen` is a stub
# that records its calls (the real build and deploy are tested elsewhere).
set -u
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
watcher="$ROOT/scripts/rebuild-watcher"

cat >"$tmp/onlygen" <<'STUB'
#!/bin/sh
echo "$1" >>"$STUB_CALLS"
echo "$*" >>"$STUB_CALLS.args"
if [ "$1" = deploy ]; then
	[ -f "$STUB_FAIL" ] && { echo "deploy: HTTP 503 from the zone" >&2; exit 1; }
	echo "deploy: uploaded 3 (1200 bytes), unchanged 10, deleted 0, failed 0, retries 0"
fi
exit 0
STUB
chmod +x "$tmp/onlygen"
export ONLY_ROOT="$tmp" ONLYGEN="$tmp/onlygen" STUB_CALLS="$tmp/calls" STUB_FAIL="$tmp/fail"
export REBUILD_DEBOUNCE=0.3 REBUILD_POLL=0.1 REBUILD_RETRY=0.2
# Always a full pull, until the incremental section at the end.
export REBUILD_FULL_EVERY=0
mkdir -p "$tmp/var"
req="$tmp/var/rebuild-request"
record() {	# like webhook_record: temp file + rename
	printf '{"VideoLibraryId":133,"VideoGuid":"%s","Status":%s,"ReceivedAt":%s}\n' \
	    "657bb740-a71b-4529-a012-528021c31a92" "$1" "$2" >"$req.tmp" && mv -f "$req.tmp" "$req"
}
calls() { [ -f "$tmp/calls" ] && tr '\n' ' ' <"$tmp/calls" | sed 's/ $//'; }

out=$("$watcher" --once); rc=$?
is "$rc" 0 "no record: exits 0"
is "$(calls)" "" "no record: nothing built"

for i in 1 2 3 4 5; do record "$i" "100$i"; done
out=$("$watcher" --once); rc=$?
is "$rc" 0 "a burst of 5 records: exits 0"
is "$(calls)" "build deploy" "a burst of 5 records gives one build, then one deploy"
like "$(cat "$tmp/var/rebuild.log")" '"Status":5' "the log names the last request"
like "$(cat "$tmp/var/rebuild.log")" "ok in " "the log records success"
like "$(cat "$tmp/var/rebuild.log")" "uploaded 3 (1200 bytes)" "the log carries the deploy summary"

: >"$tmp/calls"
"$watcher" --once >/dev/null
is "$(calls)" "" "an already handled record builds nothing"

# The build signs thumbnail URLs: --keys when the keys file is readable,
# else a warning unless BUNNY_TOKEN_KEY is in the environment.
like "$(cat "$tmp/var/rebuild.log")" "BUNNY_TOKEN_KEY is not set" "no keys file, no BUNNY_TOKEN_KEY: the log warns about unsigned URLs"
( umask 077; echo "BUNNY_TOKEN_KEY=zone-key-for-the-test" >"$tmp/var/verifier.keys" )
: >"$tmp/calls.args"
record 4 1500
"$watcher" --once >/dev/null
is "$(head -n 1 "$tmp/calls.args")" "build --keys var/verifier.keys" "a readable keys file is passed to onlygen build --keys"
rm -f "$tmp/var/verifier.keys"
: >"$tmp/calls.args"; : >"$tmp/var/rebuild.log"
record 5 1600
BUNNY_TOKEN_KEY=zone-key-from-env "$watcher" --once >/dev/null
is "$(head -n 1 "$tmp/calls.args")" "build" "without a keys file the build reads BUNNY_TOKEN_KEY itself"
case "$(cat "$tmp/var/rebuild.log")" in *"not set"*) fail "and the log does not warn" ;; *) ok "and the log does not warn" ;; esac
: >"$tmp/calls"

record 3 2000
touch "$tmp/fail"
"$watcher" --once >/dev/null; rc=$?
is "$rc" 1 "a failed deploy exits 1"
like "$(cat "$tmp/var/rebuild.log")" "FAILED" "the failure is logged"
like "$(cat "$tmp/var/rebuild.log")" "HTTP 503 from the zone" "with the command's own message"
rm -f "$tmp/fail"
: >"$tmp/calls"
"$watcher" --once >/dev/null; rc=$?
is "$rc:$(calls)" "0:build deploy" "the failed request stays pending and the next run builds it"

# A build already running: a second watcher does not start another one.
if command -v flock >/dev/null 2>&1; then
	: >"$tmp/calls"
	record 4 3000
	exec 8>"$req.lock"; flock 8
	out=$("$watcher" --once); rc=$?
	exec 8>&-
	is "$rc:$(calls)" "0:" "while another build holds the lock, --once builds nothing"
	like "$out" "a build is running" "and says why"
	"$watcher" --once >/dev/null
fi

# A request that arrives while the build runs is built right after it.
: >"$tmp/calls"
cat >"$tmp/onlygen-during" <<'STUB'
#!/bin/sh
echo "$1" >>"$STUB_CALLS"
echo "$*" >>"$STUB_CALLS.args"
if [ "$1" = build ] && [ ! -f "$STUB_CALLS.once" ]; then
	: >"$STUB_CALLS.once"
	printf '{"VideoGuid":"during","Status":3}\n' >"$REBUILD_REQUEST.tmp" &&
	    mv -f "$REBUILD_REQUEST.tmp" "$REBUILD_REQUEST"
fi
exit 0
STUB
chmod +x "$tmp/onlygen-during"
record 6 5000
ONLYGEN="$tmp/onlygen-during" REBUILD_REQUEST="$req" "$watcher" --once >/dev/null; rc=$?
is "$rc:$(calls)" "0:build deploy build deploy" "a request arriving during a build gets its own build right after"
like "$(cat "$tmp/var/rebuild.log")" "building again" "and the log says so"
: >"$tmp/calls"
"$watcher" --once >/dev/null
is "$(calls)" "" "after which nothing is pending"

# --watch: a new record is picked up and built once.
: >"$tmp/calls"
"$watcher" --watch >"$tmp/watch.out" 2>&1 &
pids+=($!)
record 9 4000
for _ in $(seq 1 200); do
	grep -q "ok in" <(tail -n 1 "$tmp/var/rebuild.log") && [ "$(calls)" = "build deploy" ] && break
	sleep 0.1
done
is "$(calls)" "build deploy" "--watch builds a new record"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null
like "$(cat "$tmp/watch.out")" "watching" "--watch says what it watches"

# --- incremental pulls (issue 15) ------------------------------------------
# One record, quiet through the debounce, a recent full pull: only that
# video is pulled, then a build without a pull.  pull_incremental.sh runs the
# same with the real onlygen and the fake Bunny API.
export REBUILD_FULL_EVERY=3600
full="$req.full"
rm -f "$full"
: >"$tmp/calls"; : >"$tmp/calls.args"
record 3 6000
"$watcher" --once >/dev/null
is "$(calls)" "build deploy" "no full pull recorded yet: a full pull"
case "$(cat "$full" 2>/dev/null)" in ''|*[!0-9]*) fail "its time is recorded" ;; *) ok "its time is recorded" ;; esac
: >"$tmp/calls"; : >"$tmp/calls.args"
record 3 6001
"$watcher" --once >/dev/null
is "$(calls)" "pull build deploy" "one record after a recent full pull: pull, build, deploy"
is "$(head -n 2 "$tmp/calls.args" | tr '\n' '|')" \
	"pull --quiet --video 657bb740-a71b-4529-a012-528021c31a92|build --no-pull|" \
	"the pull names the record's video and the build does not pull again"

# The record changes during the debounce: it may have replaced others.  It
# is replaced once the watcher sleeps on it (its debounce's own value, seen
# by pgrep), not after a fixed delay: a watcher slow to start under load
# would otherwise read only the second record.
: >"$tmp/calls"
record 3 6002
(
	for _ in $(seq 1 500); do
		pgrep -f '^sleep 0\.917$' >/dev/null && break
		sleep 0.02
	done
	record 4 6003
) &
REBUILD_DEBOUNCE=0.917 "$watcher" --once >/dev/null
wait
is "$(calls)" "build deploy" "a record replaced during the debounce: a full pull"

# The incremental pull fails: the whole library is pulled.
cat >"$tmp/onlygen-nopull" <<'STUB'
#!/bin/sh
echo "$1" >>"$STUB_CALLS"
echo "$*" >>"$STUB_CALLS.args"
[ "$1" = pull ] && { echo "onlygen pull --video: HTTP 500; the catalog was not changed" >&2; exit 1; }
exit 0
STUB
chmod +x "$tmp/onlygen-nopull"
: >"$tmp/calls"; : >"$tmp/calls.args"
record 3 6004
ONLYGEN="$tmp/onlygen-nopull" "$watcher" --once >/dev/null; rc=$?
is "$rc:$(calls)" "0:pull build deploy" "a failed incremental pull falls back to a full build"
is "$(sed -n 2p "$tmp/calls.args")" "build" "whose build pulls the library"
like "$(cat "$tmp/var/rebuild.log")" "HTTP 500; the catalog was not changed); pulling the whole library" \
	"the log says why"

# The last full pull is too old: a full one.
echo $(( $(date +%s) - 7200 )) >"$full"
: >"$tmp/calls"
record 3 6005
"$watcher" --once >/dev/null
is "$(calls)" "build deploy" "the last full pull older than REBUILD_FULL_EVERY: a full pull"

# --full: the periodic safety net, under the same lock.
echo 1 >"$full"
: >"$tmp/calls"
"$watcher" --full >/dev/null; rc=$?
is "$rc:$(calls)" "0:build deploy" "--full pulls, builds and deploys"
is "$(( $(cat "$full") > 1 ))" 1 "and records the full pull's time"
export REBUILD_FULL_EVERY=0

"$watcher" >/dev/null 2>&1; is "$?" 2 "no mode is a usage error (2)"
"$watcher" --help | grep -q -- "--once"; is "$?" 0 "--help documents the modes"
