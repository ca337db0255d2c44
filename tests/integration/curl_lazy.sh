#!/usr/bin/env bash
# curl_lazy.sh — bin/onlygen links no libcurl (generator/base/curl_lib.h):
# a run that makes no HTTP request never loads it (an offline build, a
# `pull --from` files), and one that does loads it by its SONAME and
# works: a pull from the fake Bunny API fills catalog.db.  The dynamic
# loader says which files it loads (LD_DEBUG=files), for both processes
# of a run (onlygen executes itself again once: malloc_thp.c).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/fake_api.sh"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d)
FAKE_API_PID=""
trap '[ -n "$FAKE_API_PID" ] && kill "$FAKE_API_PID" 2>/dev/null; rm -rf "$T"' EXIT
GEN="$BINDIR/onlygen"
FIXTURE="$ROOT/tests/fixtures/site"
mkdir -p "$T/catalog"
cp "$FIXTURE/catalog/videos-page-1.json" "$T/catalog/videos-0001.json"

# the libraries the loader mapped, from LD_DEBUG=files's "file=NAME [ns];" lines
loaded() { sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' "$1" | sort -u | tr '\n' ' '; }

needed=$(readelf -d "$GEN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "onlygen does not link libcurl (NEEDED: $needed)" bash -c "! grep -q libcurl <<<'$needed'"
check "... but links what every run uses (NEEDED: $needed)" bash -c "grep -q libsqlite3 <<<'$needed'"

# --- no request: an offline build, a pull from files --------------------------
LD_DEBUG=files "$GEN" pull --quiet --from "$T/catalog" --state "$T/var" >"$T/pull-files.out" \
    2>"$T/pull-files.log"
rc=$?
is "$rc" 0 "pull --from files succeeds"
libs=$(loaded "$T/pull-files.log")
like "$libs" "libsqlite3" "the loader's lines were read (pull --from: $libs)"
check "pull --from files never loads libcurl" bash -c "! grep -q libcurl <<<'$libs'"

(cd "$ROOT" && LD_DEBUG=files "$GEN" build --offline --quiet --state "$T/var" \
    --content "$FIXTURE/content" --out "$T/site") >"$T/build.out" 2>"$T/build.log"
rc=$?
is "$rc" 0 "an offline build succeeds"
[ "$rc" = 0 ] || grep -v '^ *[0-9]*:' "$T/build.log" | sed 's/^/# /'
libs=$(loaded "$T/build.log")
like "$libs" "libsqlite3" "the loader's lines were read (the build: $libs)"
check "an offline build never loads libcurl ($libs)" bash -c "! grep -q libcurl <<<'$libs'"
check "... and wrote the site" test -f "$T/site/index.html"

# --- a request: a pull from the fake Bunny API loads it, and it works ----------
fake_api_start "$T" --library 133 --key test-key --catalog "$T/catalog" ||
	{ fail "the fake Bunny API starts"; cat "$T/api.log"; exit 1; }
rm -rf "$T/var2"
BUNNY_API_BASE="$FAKE_API" BUNNY_API_KEY=test-key BUNNY_LIBRARY_ID=133 \
    LD_DEBUG=files "$GEN" pull --quiet --state "$T/var2" >"$T/pull-api.out" 2>"$T/pull-api.log"
rc=$?
is "$rc" 0 "a pull from the fake API succeeds"
[ "$rc" = 0 ] || grep -v '^ *[0-9]*:' "$T/pull-api.log" | sed 's/^/# /'
like "$(grep 'file=libcurl' "$T/pull-api.log" | head -1)" "dynamically loaded by" \
    "it loads libcurl when it makes its first request"
n_files=$(sqlite3 "$T/var/catalog.db" "SELECT count(*) FROM videos")
n_api=$(sqlite3 "$T/var2/catalog.db" "SELECT count(*) FROM videos")
check "... and fills catalog.db as the pull from files did ($n_api videos, $n_files)" \
    test "$n_api" -gt 0 -a "$n_api" = "$n_files"
