#!/usr/bin/env bash
# bench_smoke.sh — the smoke version of `make bench` (issue 7), so the bench
# scripts do not rot: bench/run with N=200 and BENCH_SMOKE=1 (our side only,
# 1-second wrk runs, nothing appended to docs/benchmarks.md), then checks that
# every part ran and produced the expected page set.  No timing is asserted.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
BINDIR=${BINDIR:-bin}
SHARED=${SHARED:-$(cd "$ROOT/../shared" && pwd)}
export SHARED
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
N=200

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check() {	# DESCRIPTION CONDITION...
	local what=$1
	shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}

# The verifier part drives lighttpd with wrk, which scripts/install-deps
# installs: without it this test fails rather than skip checks.
parts="generator verifier"

# BENCH_SAME= : no same-content peer build (bench/*-same).  Like the timed
# peers they need what scripts/install-deps --bench adds, which `make test`
# does not install; `make bench` checks their pages with bench/samediff
# (exit 1 on any difference) every time it builds them.

before=$(cksum docs/benchmarks.md 2>/dev/null || echo none)
rc=0
BENCH_PARTS=$parts N=$N BENCH_SMOKE=1 BENCH_REBUILD_RUNS=3 BENCH_SAME= BENCH_DIR="$tmp/work" BENCH_REPORT= BINDIR="$BINDIR" SHARED="$SHARED" \
	timeout 300 bench/run >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
if [ "$rc" -eq 0 ]; then
	ok "bench/run N=$N BENCH_SMOKE=1 exits 0"
else
	notok "bench/run N=$N BENCH_SMOKE=1 exits 0 (got $rc)"
	sed 's/^/    /' "$tmp/err.txt" | tail -n 40
fi
R="$tmp/work/results.tsv"

# Every generator phase ran and succeeded.
for phase in pull-api pull-video pull-from build rebuild-same pull-title rebuild-title pull-add rebuild-add \
	rebuild-remove rebuild-content rebuild-title-img; do
	st=$(awk -F '\t' -v p="$phase" '$1 == 200 && $2 == "ours" && $3 == p {print $4}' "$R" 2>/dev/null)
	check "ours $phase ran (status: ${st:-missing})" test "$st" = ok
done

# The floor (issue 15): bench/floor.c built and run on one and two threads,
# through a temporary and a rename and in place, writing exactly our build's
# files (same count and bytes, kind by kind).
for phase in floor-1 floor-2 floor-place-1 floor-place-2; do
	st=$(awk -F '\t' -v p="$phase" '$1 == 200 && $2 == "floor" && $3 == p {print $4}' "$R" 2>/dev/null)
	check "floor $phase ran (status: ${st:-missing})" test "$st" = ok
done
ours_set=$(awk -F '\t' '$1 == 200 && $2 == "ours" {print $3}' "$tmp/work/counts.tsv" 2>/dev/null)
floor_set=$(awk -F '\t' '$1 == 200 && $2 == "floor" {print $3}' "$tmp/work/counts.tsv" 2>/dev/null)
check "the floor wrote our build's files (same paths by kind, same bytes)" \
	test -n "$floor_set" -a "$floor_set" = "$ours_set"
check "the report's full-build row shows ÷ floor" \
	grep -Eq "^\| $N \| ours \| full build .*\| [0-9.]+× · [0-9.]+× \|$" "$tmp/out.txt"
check "the trees the bench set aside before timed runs are gone at its end" test ! -e "$tmp/work/trash"
check "the report has the floor rows" grep -q "^| $N | floor | floor: the same files written, 2 threads" "$tmp/out.txt"
check "the report has the in-place floor rows" \
	grep -q "^| $N | floor | floor: the same files written in place, 2 threads" "$tmp/out.txt"
check "the full-build row shows ÷ both floors" \
	grep -Eq "^\| $N \| ours \| full build .*\| [0-9.]+× · [0-9.]+× \| [0-9.]+× · [0-9.]+× \|$" "$tmp/out.txt"

# The page set: one watch page per video, one page per category, tag and
# series (page_size > N: no pagination), home, sitemap, search index.
data="$tmp/work/$N/data"
want_tags=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(len({t for v in e["videos"].values() for t in v["tags"]}))' "$data/editorial.json")
want_series=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["series"]))' "$data/editorial.json")
counts=$(awk -F '\t' '$1 == 200 && $2 == "ours" {print $3}' "$tmp/work/counts.tsv" 2>/dev/null)
kind() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]]["files"])' "$counts" "$1" 2>/dev/null; }
check "ours: $N watch pages (got $(kind watch))" test "$(kind watch)" = "$N"
check "ours: 5 category pages (got $(kind category))" test "$(kind category)" = 5
check "ours: $want_tags tag pages (got $(kind tag))" test "$(kind tag)" = "$want_tags"
check "ours: $want_series series pages (got $(kind series))" test "$(kind series)" = "$want_series"
check "ours: a home page, a sitemap, a search index (got $(kind search) search files)" \
	test "$(kind home) $(kind sitemap)" = "1 1" -a "$(kind search)" -ge 5

# The search bench: each query showed results; the largest search file is under 1 MB.
S="$tmp/work/search.tsv"
for q in word prefix2 browse; do
	row=$(awk -F '\t' -v q="$q" '$1 == 200 && $2 == q' "$S" 2>/dev/null)
	check "search bench '$q': results shown, bytes and time recorded ($(printf '%s' "$row" | cut -f3,5 | tr '\t' ' '))" \
		test "$(printf '%s' "$row" | cut -f6)" -gt 0 -a "$(printf '%s' "$row" | cut -f3)" -gt 0
done
big=$(awk -F '\t' '$1 == 200 && $2 == "largest" {print $3}' "$S" 2>/dev/null)
check "search bench: largest search file under 1 MB (${big:-?} bytes)" test "${big:-9999999}" -lt 1048576
check "ours: no paginated list pages with page_size > N (got $(kind paged))" test "$(kind paged)" = 0

# The incremental runs changed what they should have.
site="$tmp/work/$N/ours/site"
edited=$(cat "$tmp/work/$N/logs/ours-title-pages" 2>/dev/null || echo 0)
check "the edited title reached the site ($edited pages show it)" test "$edited" -ge 2
added=$(cat "$tmp/work/$N/logs/ours-added-pages" 2>/dev/null || echo 0)
check "the added video had a watch page after its rebuild" test "$added" -ge 1
removed=$(cat "$tmp/work/$N/logs/ours-removed-pages" 2>/dev/null || echo 1)
check "its watch page was gone after the rebuild that removed it" test "$removed" -eq 0
check "that rebuild ran and wrote files" \
	grep -qP '^[0-9]+\tours\trebuild-remove\t[1-9][0-9]* written' "$tmp/work/notes.tsv"
check "each rebuild's note says how many bytes it wrote, a title change some" \
	bash -c "grep -qP '^[0-9]+\tours\trebuild-title\t[1-9][0-9]* written.* removed \([0-9]+\.[0-9] MB\)' '$tmp/work/notes.tsv' &&
	    grep -qP '^[0-9]+\tours\trebuild-same\t0 written.* removed \(0\.0 MB\)' '$tmp/work/notes.tsv'"
imgs=$(cat "$tmp/work/$N/logs/ours-img-files" 2>/dev/null || echo 0)
check "the mirrored images' site: 5 files a video and the placeholder's 4 (got $imgs)" \
	test "$imgs" -eq $((5 * N + 4))
check "the title rebuild with every image mirrored wrote files (its note)" \
	grep -qP '^[0-9]+\tours\trebuild-title-img\t[1-9][0-9]* written' "$tmp/work/notes.tsv"
contented=$(cat "$tmp/work/$N/logs/ours-content-pages" 2>/dev/null || echo 0)
check "the content/ edit reached the site ($contented pages show it)" test "$contented" -ge 1
check "the phase line of each rebuild is in the notes" \
	grep -qP '^[0-9]+\tours\trebuild-content\t.*; load [0-9.]+, prepare [0-9.]+, render [0-9.]+, publish [0-9.]+; ' \
	"$tmp/work/notes.tsv"
# Each incremental row is the median of BENCH_REBUILD_RUNS runs, the change
# undone and made again between them: one row each, the spread in its note.
for phase in rebuild-same rebuild-title rebuild-add rebuild-remove rebuild-content rebuild-title-img; do
	rows=$(awk -F '\t' -v p="$phase" '$1 == 200 && $2 == "ours" && $3 == p' "$R" 2>/dev/null | wc -l)
	runs=$(grep -c . "$tmp/work/$N/rebuild-$phase.rows" 2>/dev/null)
	check "$phase: 3 runs timed, one row kept (runs ${runs:-0}, rows $rows)" test "${runs:-0}:$rows" = 3:1
	check "$phase: its note gives the spread" \
		grep -qP "^[0-9]+\tours\t$phase\t.*; median of 3 runs, [0-9.]+–[0-9.]+ s\$" "$tmp/work/notes.tsv"
done
kept=$(awk -F '\t' '$1 == 200 && $2 == "ours" && $3 == "rebuild-title" {print $5}' "$R" 2>/dev/null)
check "rebuild-title: the row kept is the median run's (${kept:-none})" \
	test "$(cut -f5 "$tmp/work/$N/rebuild-rebuild-title.rows" 2>/dev/null | sort -g | sed -n 2p)" = "${kept:-none}"

# The verifier scenarios: each ran; statuses are the expected ones.
verifier_checks() {
	V="$tmp/work/verifier.tsv"
	vrow() { awk -F '\t' -v s="$1" '$1 == s' "$V" 2>/dev/null; }
	for s in static "play vip" "play public" "redeem" "play vip, long run"; do
		row=$(vrow "$s")
		reqs=$(printf '%s' "$row" | cut -f6)
		bad=$(printf '%s' "$row" | cut -f7)
		check "verifier '$s': requests served, none rejected (${reqs:-0} requests, ${bad:-?} >= 400)" \
			test "${reqs:-0}" -gt 0 -a "${bad:-x}" = 0
	done
	row=$(vrow "play tampered")
	reqs=$(printf '%s' "$row" | cut -f6)
	bad=$(printf '%s' "$row" | cut -f7)
	check "verifier 'play tampered': every request rejected (${bad:-?} of ${reqs:-0})" \
		test "${reqs:-0}" -gt 0 -a "${bad:-x}" = "${reqs:-y}"
	check "the RSS line of the long run was written" grep -q 'kB before' "$tmp/work/verifier-rss.txt"
	check "the report has the verifier table" grep -q '^| play vip |' "$tmp/out.txt"
}
check "wrk is installed (scripts/install-deps)" command -v wrk
verifier_checks

# The report.
check "the report has the generator table for N=$N" grep -q "^| $N | ours | full build" "$tmp/out.txt"
check "the report has the page-set table" grep -q "^| $N | ours (onlygen) | $N | 5 |" "$tmp/out.txt"
check "the report has the average watch page (issue 15 point 4)" \
	grep -Eq "^- watch page bytes, $N, minimal pages .*: ours [0-9][0-9 ]*[0-9]\$" "$tmp/out.txt"
check "the report has our watch pages by part" grep -Eq "^\| $N \| ours \|( [0-9][0-9 ]* \|){8}\$" "$tmp/out.txt"
check "the smoke run appended nothing to docs/benchmarks.md" \
	test "$(cksum docs/benchmarks.md 2>/dev/null || echo none)" = "$before"
exit 0
