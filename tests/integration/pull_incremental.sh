#!/usr/bin/env bash
# pull_incremental.sh — incremental pulls after a Bunny webhook (issue 15),
# end to end with the fake Bunny API: scripts/rebuild-watcher reads the
# webhook record, `onlygen pull --video GUID` fetches only that video (one
# GET /library/{id}/videos/{guid}, counted by the fake API), catalog.db's
# row and digest end as a full pull leaves them, and the site is rebuilt
# with the new title; a deleted video (404) loses its row and its page; an
# API error falls back to a full pull and never leaves catalog.db changed.
# The watcher's onlygen is a thin wrapper: the real pull and build on this
# test's state, content and output (`build` without --no-pull = a full pull,
# then the build, as `onlygen build` does), and a stub deploy.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/fake_api.sh"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d)
FAKE_API_PID=""
trap '[ -n "$FAKE_API_PID" ] && kill "$FAKE_API_PID" 2>/dev/null; rm -rf "$T"' EXIT
GEN="$BINDIR/onlygen"
FIXTURE="$ROOT/tests/fixtures/site"
mkdir -p "$T/var" "$T/catalog"
cp -r "$FIXTURE/content" "$T/content"
cp "$FIXTURE/catalog/videos-page-1.json" "$T/catalog/videos-0001.json"
G_TITLE=972a8469-1641-4f82-8b9d-2434e465e150	# published, gets a new title
G_GONE=bd9c66b3-ad3c-4d6d-9a3d-1fa7bc8960a9	# published, deleted in Bunny
G_FAIL=23b8c1e9-3924-46de-beb1-3b9046685257	# published, its Get Video fails

fake_api_start "$T" --library 133 --key test-key --catalog "$T/catalog" ||
	{ fail "the fake Bunny API starts"; cat "$T/api.log"; exit 1; }
API=$FAKE_API
export BUNNY_API_BASE="$API" BUNNY_API_KEY=test-key BUNNY_LIBRARY_ID=133
control() { curl -fsS -X POST -d "$1" "$API/_control" >/dev/null; }
# the API requests since the last reset, one "STATUS PATH" per line
requests() {
	curl -fsS "$API/_stats" | python3 -c 'import json, sys
for r in json.load(sys.stdin)["requests"]: print(r["status"], r["path"])'
}
meta() { sqlite3 "$T/var/catalog.db" "SELECT value FROM meta WHERE key = '$1'"; }
title_of() { sqlite3 "$T/var/catalog.db" "SELECT title FROM videos WHERE guid = '$1'"; }

cat >"$T/onlygen" <<'WRAP'
#!/bin/sh
echo "$*" >>"$T/calls"
case "$1" in
pull)
	shift
	exec "$GEN" pull --state "$T/var" "$@" ;;
build)
	full=1
	for a in "$@"; do [ "$a" = --no-pull ] && full=0; done
	if [ "$full" = 1 ]; then "$GEN" pull --quiet --state "$T/var" || exit 1; fi
	cd "$ROOT" && exec "$GEN" build --offline --quiet --state "$T/var" --content "$T/content" \
		--out "$T/site" ;;
deploy)
	echo "deploy: uploaded 0 (0 bytes), unchanged 0, deleted 0, failed 0, retries 0" ;;
esac
WRAP
chmod +x "$T/onlygen"
export T GEN ROOT
export ONLY_ROOT="$T" ONLYGEN="$T/onlygen" REBUILD_DEBOUNCE=0.2 BUNNY_TOKEN_KEY=unused
export REBUILD_FULL_EVERY=3600
n=0
webhook() {	# GUID STATUS: the record POST /api/hooks/bunny writes (temp file + rename)
	n=$((n + 1))
	printf '{"VideoLibraryId":133,"VideoGuid":"%s","Status":%s,"ReceivedAt":%s}\n' "$1" "$2" \
		"$((1700000000 + n))" >"$T/var/rebuild-request.tmp" &&
		mv -f "$T/var/rebuild-request.tmp" "$T/var/rebuild-request"
}
watch_once() { : >"$T/calls"; "$ROOT/scripts/rebuild-watcher" --once >"$T/watcher.out" 2>&1; }
page() { cat "$T/site/v/$1/index.html" 2>/dev/null || cat "$T/site/v/$1.html" 2>/dev/null; }

# --- the first webhook: no full pull yet, so a full one ----------------------
webhook "$G_TITLE" 3
watch_once; rc=$?
is "$rc" 0 "first webhook: the watcher exits 0"
is "$(cut -d' ' -f1 "$T/calls" | tr '\n' ' ')" "build deploy " "first webhook: no full pull yet, so a full pull and build"
check_full=$(cat "$T/var/rebuild-request.full" 2>/dev/null)
case "$check_full" in ''|*[!0-9]*) fail "the full pull's time is recorded" ;; *) ok "the full pull's time is recorded" ;; esac
is "$(meta video_count)" 14 "catalog.db holds the 14 fixture videos"

# --- one title changed: one GET of that video --------------------------------
control '{"reset": true}'
control "{\"update\": {\"$G_TITLE\": {\"title\": \"Renamed after the webhook\"}}}"
webhook "$G_TITLE" 10
start=$(date +%s.%N)
watch_once; rc=$?
end=$(date +%s.%N)
is "$rc" 0 "title webhook: the watcher exits 0"
is "$(head -n 1 "$T/calls")" "pull --quiet --video $G_TITLE" "title webhook: onlygen pull --video GUID"
is "$(sed -n 2p "$T/calls" | cut -d' ' -f1-2)" "build --no-pull" "then onlygen build --no-pull"
is "$(requests)" "200 /library/133/videos/$G_TITLE" "exactly one API request: GET /library/133/videos/{guid}"
is "$(title_of "$G_TITLE")" "Renamed after the webhook" "catalog.db's row has the new title"
like "$(page "$G_TITLE")" "Renamed after the webhook" "the rebuilt watch page shows the new title"
like "$(cat "$T/site/index.html")" "Renamed after the webhook" "and so does the home page"
# the same catalog as a full pull of the same library gives
mkdir -p "$T/full"
"$GEN" pull --quiet --state "$T/full"
is "$(meta digest)" "$(sqlite3 "$T/full/catalog.db" "SELECT value FROM meta WHERE key = 'digest'")" \
	"the catalog digest equals a full pull's"
is "$(sqlite3 "$T/var/catalog.db" 'SELECT guid, title, hash FROM videos ORDER BY guid' | md5sum)" \
	"$(sqlite3 "$T/full/catalog.db" 'SELECT guid, title, hash FROM videos ORDER BY guid' | md5sum)" \
	"every row equals a full pull's"
echo "# webhook to rebuilt site (one-video pull, build, stub deploy): $(python3 -c "print(f\"{$end - $start - 0.2:.2f}\")") s after the 0.2 s debounce"

# --- a deleted video: 404, its row and its page go ---------------------------
control '{"reset": true}'
control "{\"delete\": [\"$G_GONE\"]}"
webhook "$G_GONE" 3
watch_once; rc=$?
is "$rc" 0 "deleted video: the watcher exits 0"
is "$(requests)" "404 /library/133/videos/$G_GONE" "one GET, answered 404"
is "$(sqlite3 "$T/var/catalog.db" "SELECT count(*) FROM videos WHERE guid = '$G_GONE'")" 0 "its row is removed"
is "$(meta video_count)" 13 "video_count follows"
is "$(page "$G_GONE")" "" "its watch page is gone from the site"

# --- API error: catalog.db unchanged, then a full pull -----------------------
control '{"reset": true}'
control "{\"update\": {\"$G_FAIL\": {\"title\": \"Seen by the full pull\"}}, \"faults\": [{\"kind\": \"malformed\", \"list\": \"video\", \"guid\": \"$G_FAIL\", \"times\": -1}]}"
before=$(md5sum <"$T/var/catalog.db")
out=$("$GEN" pull --state "$T/var" --video "$G_FAIL" 2>&1); rc=$?
is "$rc" 1 "a failed Get Video: pull --video exits 1"
like "$out" "the catalog was not changed" "and says the catalog was not changed"
is "$(md5sum <"$T/var/catalog.db")" "$before" "catalog.db is byte for byte as it was"
control "{\"reset\": true, \"faults\": [{\"kind\": \"malformed\", \"list\": \"video\", \"guid\": \"$G_FAIL\", \"times\": -1}]}"
webhook "$G_FAIL" 3
watch_once; rc=$?
is "$rc" 0 "API error: the watcher exits 0"
is "$(cut -d' ' -f1-2 "$T/calls" | tr '\n' ' ')" "pull --quiet build deploy " "API error: pull --video, then a full build (no --no-pull)"
like "$(cat "$T/var/rebuild.log")" "pulling the whole library" "the log says it fell back to a full pull"
is "$(requests | grep -c "^200 /library/133/videos$")" 1 "the fallback listed the library (List Videos)"
is "$(title_of "$G_FAIL")" "Seen by the full pull" "the full pull brought the change"
like "$(page "$G_FAIL")" "Seen by the full pull" "and the site shows it"
# A full pull into an existing catalog writes only the changed rows: the
# tables must still equal a full pull into an empty state directory, all
# but `changed`, which is history (when these pulls saw each video change;
# a fresh pull knows only upload times: docs/catalog.md).
mkdir -p "$T/full2"
"$GEN" pull --quiet --state "$T/full2"
dump() { sqlite3 "$1" 'SELECT guid, title, description, length, width, height, uploaded, views,
	thumbnail, collection, status, meta_tags, cdn_host, hash, hex(change_hash)
	FROM videos ORDER BY guid; SELECT * FROM captions ORDER BY guid, idx;
	SELECT * FROM chapters ORDER BY guid, idx; SELECT * FROM collections ORDER BY guid;
	SELECT key, value FROM meta WHERE key NOT IN ("pulled_at", "built_digest") ORDER BY key' | md5sum; }
is "$(dump "$T/var/catalog.db")" "$(dump "$T/full2/catalog.db")" \
	"after incremental and full pulls into it, catalog.db equals a fresh full pull's"

# --- refused without a full pull of the same library -------------------------
mkdir -p "$T/empty"
out=$("$GEN" pull --state "$T/empty" --video "$G_TITLE" 2>&1); rc=$?
is "$rc" 1 "pull --video with no catalog yet exits 1"
like "$out" "a full pull comes first" "and asks for a full pull"
is "$(ls "$T/empty")" "" "and creates no catalog"
out=$(BUNNY_LIBRARY_ID=134 "$GEN" pull --state "$T/var" --video "$G_TITLE" 2>&1); rc=$?
is "$rc" 1 "pull --video of another library than the last full pull exits 1"
exit 0
