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

# How long a full build B takes here, to spread the kills over it: over a
# copy of site A, as the killed builds replace it (a first build, into an
# empty directory, writes in place and takes less).
cp -r "$STATE" "$TMP/state-probe"
cp -r "$OUT" "$TMP/probe"
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

# --- first builds into an empty directory, killed ----------------------------
# A first build writes its pages where they are served (nothing is served
# there yet) and stages only the home page and the entry files after it,
# published last, home last of all (docs/site.md): killed at any moment, it
# leaves no "/" or a "/" whose every reachable page and asset is there and
# whole.  The next build finds files but no manifest for them: it must
# compare bytes and end equal to a clean build.  The state is $STATE, whose
# manifest describes a finished build of the same site in $OUT: its
# checksums must not vouch for what a killed build left half-written.  At
# every other moment a second build is killed early too (before publishing):
# the first one's path list must survive it.
cp -r "$TMP/clean-state" "$TMP/first-probe-state"
start=$(date +%s%N)
"$GEN" build --offline --quiet --state "$TMP/first-probe-state" --content "$CONTENT" \
    --out "$TMP/first-probe" >/dev/null
first_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# a first build takes ${first_ms} ms"
# kill_when PID WHAT: SIGKILL once the build's output shows WHAT: "ms M"
# (M ms after its start), "DIR K" (K entries in DIR: the render workers
# take the pages last first, so the lists, then e/, v/, img/, assets/),
# "file F" (F exists).  A kill by time, not by a poll, when the disk is
# slow: the poll gives up when the build ends.
kill_when() {
	local pid=$1 what=$2 arg=$3
	case "$what" in
	ms) sleep "$(awk -v m="$arg" 'BEGIN{printf "%.3f", m/1000}')" ;;
	file) until [ -e "$fout/$arg" ] || ! kill -0 "$pid" 2>/dev/null; do :; done ;;
	*) until [ "$(ls "$fout/$what" 2>/dev/null | wc -l)" -ge "$arg" ] ||
	    ! kill -0 "$pid" 2>/dev/null; do :; done ;;
	esac
	kill -9 "$pid" 2>/dev/null
}
fbad=0 fkills=0 fhome=0 n=0
for moment in "ms $((first_ms / 20))" "c 1" "e $((N / 3))" "v 1" "v $((N / 2))" "img 1" \
    "assets 1" "file index.html"; do
	n=$((n + 1))
	fout="$TMP/first-$n" fstate="$TMP/first-state-$n"
	cp -r "$STATE" "$fstate"
	"$GEN" build --offline --quiet --state "$fstate" --content "$CONTENT" --out "$fout" &
	pid=$!
	# shellcheck disable=SC2086
	if kill_when "$pid" $moment; then fkills=$((fkills + 1)); fi
	wait "$pid" 2>/dev/null
	what="no /"
	if [ -e "$fout/index.html" ]; then
		fhome=$((fhome + 1)) what="/ published"
		mapfile -t pages < <(find "$fout" -name '*.html' -not -path '*/.*')
		if ! python3 tests/site/htmlcheck.py "${pages[@]}" >"$TMP/hc" 2>&1 ||
		    ! python3 tests/site/linkcheck.py "$fout" --crawl >"$TMP/lc" 2>&1; then
			fbad=$((fbad + 1)); echo "# first build killed at '$moment': / published, site incomplete"
			head -5 "$TMP/hc" "$TMP/lc"
		fi
	fi
	files=$(find "$fout" -type f -not -path '*/.onlygen-staging/*' | wc -l)
	if [ $((n % 2)) = 1 ]; then
		"$GEN" build --offline --quiet --state "$fstate" --content "$CONTENT" --out "$fout" &
		pid=$!
		kill_when "$pid" ms $((first_ms / 10)) && what="$what, the next build killed too"
		wait "$pid" 2>/dev/null
	fi
	echo "# first build killed at '$moment': $what, $files files left"
	if ! "$GEN" build --offline --quiet --state "$fstate" --content "$CONTENT" --out "$fout"; then
		fbad=$((fbad + 1)); echo "# after a first build killed at '$moment': the next build failed"
	elif ! diff -r "$TMP/clean" "$fout" >"$TMP/diff" 2>&1 ||
	    ! cmp -s "$TMP/clean-state/site-manifest" "$fstate/site-manifest" ||
	    ! cmp -s "$TMP/clean-state/site-images" "$fstate/site-images"; then
		fbad=$((fbad + 1)); echo "# after a first build killed at '$moment': not the clean build"
		head -5 "$TMP/diff"
	fi
	rm -rf "$fout" "$fstate"
done
echo "# $fkills first builds killed, $fhome of them after publishing /"
check "a killed first build leaves no / or a complete one, and the next build equals a clean build ($fkills kills)" [ "$fbad" -eq 0 ]
check "at least one first build was killed mid-way" [ "$fkills" -gt 0 ]
exit $((FAILS > 0))
