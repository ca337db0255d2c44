#!/usr/bin/env bash
# store_modes.sh — the modes of the stores the tools create, under a
# permissive umask (022, the usual default): tokens.db and its -wal/-shm
# 0640 (bin/onlytoken), catalog.db 0600 (onlygen pull, against the fake
# Bunny Stream API), access.db 0640 (onlygen build); an existing store keeps
# its mode, access.db's replacement keeps the replaced file's, and
# onlytoken warns about a world-readable store.  (The rebuild record is
# checked through lighttpd in webhook_lighttpd.py, the demo's keys file in
# run_demo.py, the helpers themselves in tests/unit/test_store_file.c.)
. "$(dirname "$0")/../site/site_lib.sh"
. "$(dirname "$0")/../lib/fake_api.sh"

umask 022
GEN="$BINDIR/onlygen" TOK="$BINDIR/onlytoken"
case "$GEN" in /*) ;; *) GEN="$ROOT/$GEN" TOK="$ROOT/$TOK" ;; esac
mode() { stat -c '%a' "$1" 2>/dev/null || echo missing; }
VAR="$TMP/var"
mkdir -p "$VAR"
printf 'SECRET_KEY=%s\nBUNNY_TOKEN_KEY=%s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" >"$VAR/verifier.keys"
chmod 0600 "$VAR/verifier.keys"
K=(--db "$VAR/tokens.db" --keys "$VAR/verifier.keys")

# --- tokens.db ---------------------------------------------------------------
err=$("$TOK" mint --level vip --days 1 "${K[@]}" 2>&1 >/dev/null)
check "onlytoken mint creates tokens.db" test -f "$VAR/tokens.db"
check "tokens.db is created 0640 under umask 022 (got $(mode "$VAR/tokens.db"))" \
	test "$(mode "$VAR/tokens.db")" = 640
check "no warning for a 0640 store ($err)" test -z "$err"
# SQLite makes -wal and -shm with the main file's mode: hold a WAL reader
# open while onlytoken writes, so both exist, and look at them.
python3 - "$VAR/tokens.db" "$TOK" "${K[@]}" >"$TMP/wal.txt" <<'PY'
import os, sqlite3, subprocess, sys
db = sys.argv[1]
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
con.execute("SELECT count(*) FROM codes").fetchall()
subprocess.run([sys.argv[2], "mint", "--level", "vip", "--days", "1", *sys.argv[3:]],
               check=True, stdout=subprocess.DEVNULL)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE codes SET note = 'x'")
for s in ("-wal", "-shm"):
    print(s, oct(os.stat(db + s).st_mode & 0o777) if os.path.exists(db + s) else "missing")
con.rollback()
con.close()
PY
check "tokens.db-wal is 0640 ($(grep -- -wal "$TMP/wal.txt"))" grep -qx -- '-wal 0o640' "$TMP/wal.txt"
check "tokens.db-shm is 0640 ($(grep -- -shm "$TMP/wal.txt"))" grep -qx -- '-shm 0o640' "$TMP/wal.txt"
(umask 000 && rm -f "$VAR/t0.db" && "$TOK" mint --level vip --days 1 --db "$VAR/t0.db" \
	--keys "$VAR/verifier.keys" >/dev/null 2>&1)
check "under umask 000 too (got $(mode "$VAR/t0.db"))" test "$(mode "$VAR/t0.db")" = 640
chmod 0600 "$VAR/tokens.db"
"$TOK" mint --level vip --days 1 "${K[@]}" >/dev/null 2>&1
check "an existing tokens.db keeps its mode (0600 stays $(mode "$VAR/tokens.db"))" \
	test "$(mode "$VAR/tokens.db")" = 600
chmod 0644 "$VAR/tokens.db"
err=$("$TOK" list "${K[@]}" 2>&1 >/dev/null)
case "$err" in
*"warning: $VAR/tokens.db is readable by every user (mode 0644)"*) ok "onlytoken warns about a world-readable tokens.db" ;;
*) notok "onlytoken warns about a world-readable tokens.db"; echo "#   $err" ;;
esac
check "and leaves its mode alone (still $(mode "$VAR/tokens.db"))" test "$(mode "$VAR/tokens.db")" = 644

# --- catalog.db (onlygen pull) ------------------------------------------------
fake_api_start "$TMP" --library 4242 --key apikey --catalog "$FIXTURE/catalog"
check "the fake Bunny API starts ($TMP/api.log)" test -n "$FAKE_API"
PIDS+=("$FAKE_API_PID")
api=$FAKE_API
BUNNY_API_KEY=apikey BUNNY_LIBRARY_ID=4242 BUNNY_API_BASE="$api" \
	"$GEN" pull --state "$VAR" >"$TMP/pull.log" 2>&1
check "onlygen pull creates catalog.db" test -f "$VAR/catalog.db"
check "catalog.db is created 0600 (got $(mode "$VAR/catalog.db"))" test "$(mode "$VAR/catalog.db")" = 600
for s in -wal -shm; do
	[ -e "$VAR/catalog.db$s" ] && check "catalog.db$s is 0600 (got $(mode "$VAR/catalog.db$s"))" \
		test "$(mode "$VAR/catalog.db$s")" = 600
done

# --- access.db (onlygen build) -------------------------------------------------
cp -r "$FIXTURE/content" "$TMP/content"
build() { "$GEN" build --offline --state "$VAR" --content "$TMP/content" --out "$TMP/site" >"$TMP/build.log" 2>&1; }
check "the site builds" build
check "access.db is created 0640 (got $(mode "$VAR/access.db"))" test "$(mode "$VAR/access.db")" = 640
chmod 0600 "$VAR/catalog.db"
chmod 0604 "$VAR/access.db"   # odd on purpose: kept, not "fixed"
# A video's access level changes: the next build rewrites access.db.
sed -i '0,/"access": "public"/s//"access": "vip"/' "$TMP/content/videos/all.json"
ino=$(stat -c %i "$VAR/access.db")
check "the site rebuilds" build
check "access.db was replaced" test "$(stat -c %i "$VAR/access.db")" != "$ino"
check "its replacement keeps the replaced file's mode (0604, got $(mode "$VAR/access.db"))" \
	test "$(mode "$VAR/access.db")" = 604
[ "$FAILS" -eq 0 ]
