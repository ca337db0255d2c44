#!/usr/bin/env bash
# site_fresh_dir.sh — a full build into an empty output directory looks for
# none of its files (one fstatat per page was 6 % of a full build, issue
# 15), and a directory that is not empty, with no manifest to trust, still
# has each file looked for: a file left there by hand with other bytes is
# replaced, one with the same bytes is counted unchanged, a file the site
# does not make is left alone, and the result is the empty directory's,
# byte for byte.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
CONTENT="$FIXTURE/content"
GUID=bdd640fb-0667-4ad1-9c80-317fa3b1799d
field() { grep -o "[0-9]* $1" | head -1 | cut -d' ' -f1; }
# build STATE OUT: a full build from a fresh state (no manifest), traced:
# $TMP/trace gets the fstatat calls on the site's files
build() {
	rm -rf "$1"
	mkcatalog "$1" "$FIXTURE/catalog/videos-page-1.json" || return 1
	# (LeakSanitizer cannot run under ptrace: off for the traced build)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=newfstatat,fstatat64,statx,mkdir,mkdirat,rename,renameat,renameat2 \
	    -o "$TMP/trace" \
	    "$GEN" build --offline --state "$1" --content "$CONTENT" --out "$2" 2>&1
}
page_stats() { grep -v -e mkdir -e rename "$TMP/trace" | grep -c -e 'index\.html"' -e '404\.html"' -e 'feed\.xml"'; }

# --- an empty output directory -----------------------------------------------
mkdir -p "$TMP/a"
out=$(build "$TMP/state-a" "$TMP/a"); rc=$?
echo "# $(echo "$out" | tail -1)"
check "build into an empty directory exits 0" [ "$rc" -eq 0 ]
total=$(echo "$out" | sed -n 's/^onlygen build: \([0-9]*\) files.*/\1/p')
check "it writes every file ($total)" test -n "$total" -a "$(echo "$out" | field written)" = "$total"
n=$(page_stats)
check "it looks for none of its pages ($n fstatat on index.html, 404.html, feed.xml)" [ "$n" -eq 0 ]
check "the trace saw the build (access.db, the manifest)" [ -s "$TMP/trace" ]
dirs=$(cd "$TMP/a" && find . -mindepth 1 -type d | wc -l)
made=$(grep 'mkdirat(' "$TMP/trace" | grep -vc 'onlygen-staging')
echo "# $dirs directories, $made mkdirat"
# a worker skips the directories of its previous page; where it takes
# another chunk of pages it may make a shared parent again
check "each directory is made about once ($made mkdirat for $dirs directories)" \
    test "$made" -ge "$dirs" -a "$made" -le $((dirs + dirs / 4 + 4))

# a first build writes its pages where they are served; only the home page
# and the entry files after it (code, search and its index, 404, feed,
# robots.txt, the sitemaps) are staged and renamed, home last
entry=$( (cd "$TMP/a" && find . -maxdepth 1 -type f; find code search -type f) | wc -l)
renamed=$(grep -c 'rename.*onlygen-staging/' "$TMP/trace")
check "it renames only the entry files into place ($renamed renames, $entry entry files)" \
    [ "$renamed" -eq "$entry" ]
check "the home page last" bash -c "grep 'rename.*onlygen-staging/' '$TMP/trace' | tail -1 |
    grep -q '\"index\.html\"'"

# --- files left by hand, no manifest ---------------------------------------
mkdir -p "$TMP/b/v/$GUID"
echo "left here by hand" >"$TMP/b/index.html"
cp "$TMP/a/v/$GUID/index.html" "$TMP/b/v/$GUID/index.html"
echo "the creator's own notes" >"$TMP/b/notes.txt"
out=$(build "$TMP/state-b" "$TMP/b"); rc=$?
echo "# $(echo "$out" | tail -1)"
check "build into a directory holding files exits 0" [ "$rc" -eq 0 ]
n=$(page_stats)
check "it looks for its pages there ($n fstatat)" [ "$n" -gt 0 ]
check "a file with other bytes is replaced" cmp -s "$TMP/a/index.html" "$TMP/b/index.html"
check "a file with the same bytes is counted unchanged" [ "$(echo "$out" | field unchanged)" = 1 ]
check "written + unchanged is every file" \
    [ "$(( $(echo "$out" | field written) + $(echo "$out" | field unchanged) ))" = "$total" ]
check "a file the site does not make stays" grep -q "own notes" "$TMP/b/notes.txt"
rm "$TMP/b/notes.txt"
check "the site is the empty directory's, byte for byte" diff -r "$TMP/a" "$TMP/b"
check "so is the manifest" cmp -s "$TMP/state-a/site-manifest" "$TMP/state-b/site-manifest"
check "and the images' manifest" cmp -s "$TMP/state-a/site-images" "$TMP/state-b/site-images"

# --- the next build into the first directory (no longer empty) ---------------
out=$("$GEN" build --offline --recheck --state "$TMP/state-a" --content "$CONTENT" --out "$TMP/a" 2>&1)
echo "# $(echo "$out" | tail -1)"
check "a rebuild into the filled directory writes nothing" [ "$(echo "$out" | field written)" = 0 ]

[ "$FAILS" -eq 0 ]
