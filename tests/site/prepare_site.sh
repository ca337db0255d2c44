#!/usr/bin/env bash
# prepare_site.sh DIR — builds the fixture catalog's site into DIR/site
# (state in DIR/state) and writes DIR/lighttpd.conf serving it on a free
# 127.0.0.1 port (printed on stdout).  For tests/e2e/site.mjs.
set -eu
dir="$1"
export KEEP_TMP=1
. "$(dirname "$0")/site_lib.sh"
trap - EXIT
mkcatalog "$dir/state" "$FIXTURE/catalog/videos-page-1.json"
"$BINDIR/onlygen" build --offline --quiet --state "$dir/state" --content "$FIXTURE/content" --out "$dir/site"
port=$(free_port)
cat >"$dir/lighttpd.conf" <<CONF
server.document-root = "$dir/site"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/lighttpd-error.log"
server.modules = ( "mod_access", "mod_setenv" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html; charset=utf-8", ".css" => "text/css", ".js" => "text/javascript", ".json" => "application/json", ".xml" => "application/xml", ".txt" => "text/plain" )
server.errorfile-prefix = "$dir/site/"
include "$ROOT/conf/site-cache.conf"
CONF
rm -rf "$TMP"
echo "$port"
