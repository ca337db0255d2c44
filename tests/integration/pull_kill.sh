#!/usr/bin/env bash
# pull_kill.sh — a pull killed (SIGKILL) at any moment leaves the previous
# catalog as it was: a first pull (no catalog yet: the side file
# catalog.db.new renamed into place, docs/catalog.md) leaves no catalog.db
# or the whole new one; a pull over an existing catalog (one transaction)
# leaves the old catalog or the whole new one, never a mix.  Each killed
# state must pass SQLite's integrity check, and the next unkilled pull must
# succeed and leave no side file behind.
set -u
. "$(dirname "$0")/../lib/tap.sh"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
GEN="$BINDIR/onlygen"
N=${PULL_KILL_N:-$([ "${SANITIZED:-0}" = 1 ] && echo 2000 || echo 10000)}

python3 "$SHARED/tools/gen_catalog.py" "$N" "$T/gen" >/dev/null || { fail "gen_catalog.py $N"; exit 1; }
A="$T/gen/catalog" B="$T/b"
# Version B: every title changes, so the second pull rewrites every row.
python3 - "$A" "$B" <<'EOF'
import glob, json, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for p in sorted(glob.glob(os.path.join(src, "videos-*.json"))):
    with open(p, encoding="utf-8") as f:
        page = json.load(f)
    for v in page["items"]:
        v["title"] = "B " + (v.get("title") or "")
    with open(os.path.join(dst, os.path.basename(p)), "w", encoding="utf-8") as f:
        json.dump(page, f)
EOF
pull() { "$GEN" pull --quiet --allow-shrink --from "$1" --state "$2"; }
# "DIGEST ROWS INTEGRITY" of a state's catalog, or "none"
look() {
	python3 - "$1/catalog.db" <<'EOF'
import os, sqlite3, sys
p = sys.argv[1]
if not os.path.exists(p):
    print("none"); sys.exit(0)
db = sqlite3.connect("file:%s?mode=ro" % p, uri=True)
d = db.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
n = db.execute("SELECT count(*) FROM videos").fetchone()[0]
ic = db.execute("PRAGMA integrity_check").fetchone()[0]
print("%s %d %s" % (d[0] if d else "-", n, ic))
EOF
}

pull "$A" "$T/refA" || { fail "reference pull A"; exit 1; }
cp -r "$T/refA" "$T/refB" && pull "$B" "$T/refB" || { fail "reference pull B"; exit 1; }
SA="$(look "$T/refA")" SB="$(look "$T/refB")"
like "$SA" " $N ok" "pull A: $N rows, integrity ok"
[ "$SA" != "$SB" ] && ok "A and B have different digests" || fail "A and B have different digests"
[ ! -e "$T/refA/catalog.db.new" ] && ok "a first pull leaves no side file" ||
	fail "a first pull leaves no side file"

# How long each kind of pull takes here, to spread the kills over it.
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
fresh_ms=$(ms pull "$A" "$T/probe1")
cp -r "$T/refA" "$T/probe2"
update_ms=$(ms pull "$B" "$T/probe2")
echo "# a first pull takes ${fresh_ms} ms, a pull rewriting every row ${update_ms} ms"

# killrun TOTAL_MS PCT STATE PAGES: starts the pull, kills it at PCT % of
# TOTAL_MS; 0 when it was killed, 1 when it had already finished.
killrun() {
	local delay_ms=$(( $1 * $2 / 100 )) pid killed=1
	"$GEN" pull --quiet --allow-shrink --from "$4" --state "$3" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v m="$delay_ms" 'BEGIN{printf "%.3f", m/1000}')"
	kill -9 "$pid" 2>/dev/null && killed=0
	wait "$pid" 2>/dev/null
	return $killed
}

PCTS="3 10 20 30 45 60 80 120"
bad=0 kills=0 whole=0
for pct in $PCTS; do
	rm -rf "$T/s1"
	mkdir "$T/s1"
	killrun "$fresh_ms" "$pct" "$T/s1" "$A" && kills=$((kills + 1))
	got=$(look "$T/s1")
	case "$got" in
	none) ;;
	"$SA") whole=$((whole + 1)) ;;
	*) bad=$((bad + 1)); echo "# first pull killed at ${pct}%: $got" ;;
	esac
done
echo "# first pulls: $kills killed, $whole had renamed the whole catalog into place"
is "$bad" 0 "a killed first pull leaves no catalog or the whole one"
[ "$kills" -gt 0 ] && ok "at least one first pull was killed mid-way ($kills)" ||
	fail "at least one first pull was killed mid-way"
# the last state may hold a killed pull's side file: the next pull reuses it
pull "$A" "$T/s1" && is "$(look "$T/s1")" "$SA" "after the kills, a first pull writes catalog A" ||
	fail "after the kills, a first pull writes catalog A"
[ ! -e "$T/s1/catalog.db.new" ] && ok "and leaves no side file" || fail "and leaves no side file"

bad=0 kills=0 newer=0
for pct in $PCTS; do
	rm -rf "$T/s2"
	cp -r "$T/refA" "$T/s2"
	killrun "$update_ms" "$pct" "$T/s2" "$B" && kills=$((kills + 1))
	got=$(look "$T/s2")
	case "$got" in
	"$SA") ;;
	"$SB") newer=$((newer + 1)) ;;
	*) bad=$((bad + 1)); echo "# pull over A killed at ${pct}%: $got" ;;
	esac
done
echo "# pulls over A: $kills killed, $newer had committed B"
is "$bad" 0 "a killed pull over a catalog leaves catalog A or the whole of B"
[ "$kills" -gt 0 ] && ok "at least one pull over a catalog was killed mid-way ($kills)" ||
	fail "at least one pull over a catalog was killed mid-way"
pull "$B" "$T/s2" && is "$(look "$T/s2")" "$SB" "after the kills, the pull writes catalog B" ||
	fail "after the kills, the pull writes catalog B"

# A side file a killed first pull left goes with the next pull over the catalog.
cp -r "$T/refA" "$T/s3"
head -c 4096 /dev/urandom >"$T/s3/catalog.db.new"
pull "$B" "$T/s3" && [ ! -e "$T/s3/catalog.db.new" ] && ok "a stale side file is removed" ||
	fail "a stale side file is removed"
# A stale side file and its stale WAL never leak into a first pull.
mkdir "$T/s4"
cp "$T/refB/catalog.db" "$T/s4/catalog.db.new"
head -c 8192 /dev/urandom >"$T/s4/catalog.db.new-wal"
pull "$A" "$T/s4" && is "$(look "$T/s4")" "$SA" "a first pull over stale side files writes catalog A" ||
	fail "a first pull over stale side files writes catalog A"
ls "$T/s4" | grep -q '\.new' && fail "no side file left (s4)" || ok "no side file left (s4)"
