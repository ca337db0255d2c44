#!/usr/bin/env bash
# library_id.sh — one Stream library id for the generator and the verifier:
# `onlygen pull` records the library it listed (BUNNY_LIBRARY_ID in its
# environment), and `onlygen build --keys` warns when the keys file's
# BUNNY_LIBRARY_ID (the only library whose webhooks the verifier accepts)
# is missing or another one; silent when they agree or the catalog did not
# come from the API.
. "$(dirname "$0")/../site/site_lib.sh"
. "$(dirname "$0")/../lib/fake_api.sh"

GEN="$BINDIR/onlygen"
case "$GEN" in /*) ;; *) GEN="$ROOT/$GEN" ;; esac
VAR="$TMP/var"
mkdir -p "$VAR"
cp -r "$FIXTURE/content" "$TMP/content"
fake_api_start "$TMP" --library 4242 --key apikey --catalog "$FIXTURE/catalog"
check "the fake Bunny API starts ($TMP/api.log)" test -n "$FAKE_API"
PIDS+=("$FAKE_API_PID")
api=$FAKE_API
check "the library pulls" env BUNNY_API_KEY=apikey BUNNY_LIBRARY_ID=4242 BUNNY_API_BASE="$api" \
	"$GEN" pull --state "$VAR" --quiet

keys() {	# LINE... -> $VAR/verifier.keys (0600)
	printf 'SECRET_KEY=%s\nBUNNY_TOKEN_KEY=%s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" >"$VAR/verifier.keys"
	printf '%s\n' "$@" >>"$VAR/verifier.keys"
	chmod 0600 "$VAR/verifier.keys"
}
build() { "$GEN" build --offline --state "$VAR" --content "$TMP/content" --out "$TMP/site" \
	--keys "$VAR/verifier.keys" 2>&1 >/dev/null; }

keys BUNNY_LIBRARY_ID=4242
err=$(build); rc=$?
check "same library: the build succeeds" test "$rc" = 0
check "same library: no warning ($err)" test -z "$(grep -i 'library' <<<"$err")"
keys BUNNY_LIBRARY_ID=4243
err=$(build); rc=$?
check "another library: the build still succeeds" test "$rc" = 0
like() { case "$1" in *"$2"*) ok "$3" ;; *) notok "$3"; echo "#   $1" ;; esac; }
like "$err" "BUNNY_LIBRARY_ID=4243 but this catalog was pulled from library 4242" \
	"another library: the build warns, naming both"
keys
err=$(build); rc=$?
check "no BUNNY_LIBRARY_ID: the build still succeeds" test "$rc" = 0
like "$err" "has no BUNNY_LIBRARY_ID: the verifier refuses every webhook; add BUNNY_LIBRARY_ID=4242" \
	"no BUNNY_LIBRARY_ID: the build says which line to add"
# A catalog from a directory (the demo) names no library: nothing to say.
rm -rf "$VAR/catalog.db"*
check "a catalog from a directory" "$GEN" pull --state "$VAR" --from "$FIXTURE/catalog" --quiet
err=$(build); rc=$?
check "from a directory: no library warning" test "$rc" = 0 -a -z "$(grep -i 'library' <<<"$err")"
[ "$FAILS" -eq 0 ]
