#!/usr/bin/env bash
# site_atomic.sh — the atomic-publish guarantee: builds killed (SIGKILL) at
# many moments while replacing a published site must leave, every time, a
# site that is complete: every HTML file whole and well-formed, every page
# a visitor can reach from / present, every link and asset it references
# present.  A final unkilled build must then produce exactly what a clean
# build produces (no leftovers from the killed ones).
#
# "Complete" is defined in docs/site.md: files are replaced one by one by
# rename(2) (never half-written), new pages before the pages that link to
# them, stale files removed last.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
N=${SITE_ATOMIC_N:-$([ "${SANITIZED:-0}" = 1 ] && echo 500 || echo 1200)}
STATE="$TMP/state" OUT="$TMP/site" CONTENT="$TMP/content"
mkdir -p "$CONTENT/videos"
cp "$FIXTURE/content/site.json" "$CONTENT/site.json"
build() { "$GEN" build --offline --quiet --state "$STATE" --content "$CONTENT" --out "$1"; }

python3 tests/site/gen_page.py "$N" "Alpha" "$TMP/a.json" "$CONTENT/videos/all.json"
mkcatalog "$STATE" "$TMP/a.json" || { notok "catalog A"; exit 1; }
check "build A ($N videos)" build "$OUT"

# Version B: every title changes, 100 videos go, so every page changes.
python3 tests/site/gen_page.py "$N" "Bravo" "$TMP/b.json" "$CONTENT/videos/all.json" 100
mkcatalog "$STATE" "$TMP/b.json" || { notok "catalog B"; exit 1; }

serve_site "$OUT" || { notok "lighttpd serving the site"; exit 1; }

# How long a full build B takes here, to spread the kills over it.
cp -r "$STATE" "$TMP/state-probe"
start=$(date +%s%N)
"$GEN" build --offline --quiet --state "$TMP/state-probe" --content "$CONTENT" --out "$TMP/probe" >/dev/null
total_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# a full build B takes ${total_ms} ms"

bad=0 mixed=0 kills=0
for pct in 3 10 25 40 55 70 80 88 94 98; do
	delay_ms=$(( total_ms * pct / 100 ))
	"$GEN" build --offline --quiet --state "$STATE" --content "$CONTENT" --out "$OUT" &
	pid=$!	# the generator itself, so SIGKILL hits it
	sleep "$(awk -v m="$delay_ms" 'BEGIN{printf "%.3f", m/1000}')"
	if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
	wait "$pid" 2>/dev/null
	mapfile -t pages < <(find "$OUT" -name '*.html' -not -path '*/.*')
	if ! python3 tests/site/htmlcheck.py "${pages[@]}" >"$TMP/hc" 2>&1; then
		bad=$((bad + 1)); echo "# after a kill at ${pct}%: incomplete HTML"; head -5 "$TMP/hc"
	fi
	if ! python3 tests/site/linkcheck.py "$OUT" --crawl >"$TMP/lc" 2>&1; then
		bad=$((bad + 1)); echo "# after a kill at ${pct}%: broken reachable links"; head -5 "$TMP/lc"
	fi
	code=$(curl -s -o "$TMP/home.html" -w '%{http_code}' "http://127.0.0.1:$PORT/")
	if [ "$code" != 200 ] || ! tail -c 20 "$TMP/home.html" | grep -q '</html>'; then
		bad=$((bad + 1)); echo "# after a kill at ${pct}%: / answered $code or incomplete"
	fi
	a=$(grep -rl 'Alpha ' "$OUT" --include=index.html | wc -l)
	b=$(grep -rl 'Bravo ' "$OUT" --include=index.html | wc -l)
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ] && mixed=$((mixed + 1))
	echo "# kill at ${pct}% (${delay_ms} ms): $a pages of A, $b pages of B served"
done
echo "# $kills builds killed mid-way, $mixed left a mix of old and new pages"
check "every killed build left a complete site ($kills kills)" [ "$bad" -eq 0 ]
check "at least one build was killed mid-way" [ "$kills" -gt 0 ]

check "an unkilled build completes" build "$OUT"
rm -rf "$TMP/clean-state" && mkdir -p "$TMP/clean-state" && cp "$STATE/catalog.db" "$TMP/clean-state/"
"$GEN" build --offline --quiet --state "$TMP/clean-state" --content "$CONTENT" --out "$TMP/clean"
if diff -r "$TMP/clean" "$OUT" >"$TMP/diff" 2>&1; then ok "the recovered site equals a clean build, no leftovers"
else notok "the recovered site equals a clean build, no leftovers"; head -20 "$TMP/diff"; fi
check "no staging directory left" [ ! -e "$OUT/.onlygen-staging" ]
check "no page of A left" bash -c "! grep -rq 'Alpha ' '$OUT'"
exit $((FAILS > 0))
