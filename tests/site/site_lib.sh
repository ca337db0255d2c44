# site_lib.sh — shared by the site integration tests (sourced, not run).
# Provides: ok/notok/check, a temp dir, mkcatalog (compiled on first use
# against $BUILD's libraries, with the sanitizers when SANITIZED=1), and
# serve_site (lighttpd on a free 127.0.0.1 port).
set -u
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$ROOT"
BUILD="${BUILD:-build}"
BINDIR="${BINDIR:-bin}"
ARTIFACTS="${ARTIFACTS:-$ROOT/tests/artifacts}"
FIXTURE="$ROOT/tests/fixtures/site"
mkdir -p "$ARTIFACTS"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/site-test.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
FAILS=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

MKCATALOG="$TMP/mkcatalog"
# build_helper NAME: tests/site/NAME.c compiled to $TMP/NAME against the libraries
build_helper() {
	local san=""
	[ "${SANITIZED:-0}" = 1 ] && san="-fsanitize=address,undefined -fno-omit-frame-pointer"
	# shellcheck disable=SC2046
	# every layer folder is on the include path, as in the Makefile
	cc -std=c17 -D_GNU_SOURCE $(for d in core sign generator/* verifier/*; do [ -d "$d" ] && printf -- '-I%s ' "$d"; done) \
	    $san $(pkg-config --cflags libcjson sqlite3) \
	    -o "$TMP/$1" "tests/site/$1.c" "$BUILD/libonlygen.a" "$BUILD/libverifier.a" \
	    "$BUILD/libsign.a" "$BUILD/libcore.a" \
	    $(pkg-config --libs libcurl libcjson sqlite3 libcrypto) -lm -lpthread
}
build_mkcatalog() { build_helper mkcatalog; }
# mkcatalog STATE_DIR PAGE.json...
mkcatalog() {
	local state="$1"; shift
	[ -x "$MKCATALOG" ] || build_mkcatalog || return 1
	mkdir -p "$state"
	ASAN_OPTIONS=detect_leaks=0 "$MKCATALOG" "$state/catalog.db" "$@"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# serve_site DIR -> sets PORT, starts lighttpd serving DIR with conf/site-cache.conf rules
serve_site() {
	local dir="$1" conf="$TMP/lighttpd-$RANDOM.conf"
	PORT=$(free_port)
	cat >"$conf" <<CONF
server.document-root = "$dir"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$TMP/lighttpd-error.log"
server.modules = ( "mod_access", "mod_setenv" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html; charset=utf-8", ".css" => "text/css", ".js" => "text/javascript", ".json" => "application/json", ".xml" => "application/xml", ".txt" => "text/plain", ".svg" => "image/svg+xml" )
server.errorfile-prefix = "$dir/"
include "$ROOT/conf/site-cache.conf"
CONF
	lighttpd -D -f "$conf" >"$TMP/lighttpd.out" 2>&1 &
	PIDS+=($!)
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
		sleep 0.05
	done
	echo "lighttpd did not start:"; cat "$TMP/lighttpd.out" "$TMP/lighttpd-error.log" 2>/dev/null
	return 1
}
