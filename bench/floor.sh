# bench/floor.sh — the floor rows of `make bench` (issue 15), sourced by
# bench/run: bench/floor.c writes the same files as our full build (same
# paths, same sizes: a temporary file in each file's directory, write, close,
# rename; no rendering), on one thread ("floor-1") and on two ("floor-2",
# as our build renders on two), timed with `measure` like every other row.
# It then writes them in place (open, write, close at the file's path, no
# rename: "floor-place-1", "floor-place-2"), which is what our first build
# into an empty directory does (docs/site.md, "Atomic publishing").
# bench/report divides each full build by both ("÷ floor").
# shellcheck shell=bash

FLOOR_BIN=""

build_floor() {	# compiles bench/floor.c into the work directory, once per run
	[ -z "$FLOOR_BIN" ] || return 0
	mkdir -p "$WORK/floor"
	cc -std=c17 -O2 -Wall -Wextra -Werror -pthread -o "$WORK/floor/floor" "$ROOT/bench/floor.c" ||
		return 1
	FLOOR_BIN="$WORK/floor/floor"
}

FLOOR_OUT=""
clean_floor_out() { discard "$FLOOR_OUT"; }	# bench/run: not a delete before a timed run

floor_list() {	# N SITE: the file list, outside any timing, "SIZE PATH" per line:
	# what our full build published (not its staging directory), taken by
	# run_ours right after the full build (before the incremental runs).
	mkdir -p "$WORK/$1/floor"
	(cd "$2" && find . -path ./.onlygen-staging -prune -o -type f -printf '%s %P\n') \
		>"$WORK/$1/floor/files"
}

run_floor() {	# N: after run_ours
	local n=$1 w="$WORK/$1/floor" t ok=0
	if [ ! -s "$w/files" ] || ! build_floor; then
		record "$n" floor floor-1 "failed (no file list from our build, or no compiler)" - - -
		return 1
	fi
	for t in 1 2; do
		FLOOR_OUT="$w/site"
		repeat_measure "$n" floor "floor-$t" 600 clean_floor_out "$FLOOR_BIN" "$w/files" "$w/site" "$t" || ok=1
	done
	for t in 1 2; do
		repeat_measure "$n" floor "floor-place-$t" 600 clean_floor_out "$FLOOR_BIN" --in-place \
			"$w/files" "$w/site" "$t" || ok=1
	done
	count_site "$n" floor "$w/site"
	discard "$w/site" "$w/files"	# a later size's failed build must not reuse this list
	return "$ok"
}

bench_one_guid() {	# DATA: a video of the catalog, for the one-video pull row (issue 15)
	python3 -c 'import glob, json, sys
print(json.load(open(sorted(glob.glob(sys.argv[1] + "/catalog/videos-*.json"))[0]))["items"][0]["guid"])' "$1"
}
