#!/usr/bin/env bash
# site_build.sh — `onlygen build` on the small fixture catalog
# (tests/fixtures/site: hostile titles, series, categories, tags):
# golden outputs, well-formed HTML, valid XML, links, access.db, then the
# incremental guarantees (a second build writes nothing; a title change
# rewrites exactly the files that show that title; a removed video's page
# goes, and only the pages it changes render), a user theme override,
# url_style "html", and a failing build that leaves the published site
# untouched.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
GOLDEN="$FIXTURE/golden"
STATE="$TMP/state" OUT="$TMP/site" CONTENT="$TMP/content"
cp -r "$FIXTURE/content" "$CONTENT"
HOSTILE_GUID=bdd640fb-0667-4ad1-9c80-317fa3b1799d	# public, title </script><img ...>
VIP_GUID=23b8c1e9-3924-46de-beb1-3b9046685257

build() { "$GEN" build --offline --state "$STATE" --content "$CONTENT" --out "$OUT" "$@"; }
# inode and path of every file: a rename-published file gets a new inode
snapshot() { (cd "$OUT" && find . -type f -printf '%i %P\n' | sort -k2); }
field() { grep -o "[0-9]* $1" | cut -d' ' -f1; }

mkcatalog "$STATE" "$FIXTURE/catalog/videos-page-1.json" || { notok "catalog.db from the fixture"; exit 1; }

# --- first build -----------------------------------------------------------
out=$(build 2>&1); rc=$?
echo "# $out"
check "first build exits 0" [ "$rc" -eq 0 ]
check "first build writes every file" [ "$(echo "$out" | field written)" = "$(echo "$out" | sed -n 's/^onlygen build: \([0-9]*\) files.*/\1/p')" ]

# golden files (UPDATE_GOLDEN=1 refreshes them after a deliberate change)
golden_files="index.html v/$HOSTILE_GUID/index.html v/$VIP_GUID/index.html e/$HOSTILE_GUID/index.html e/$VIP_GUID/index.html c/raw/index.html
c/raw/page/2/index.html s/tokyo-nights/index.html new/index.html free/index.html series/index.html tags/index.html
sitemap.xml feed.xml robots.txt 404.html
search/meta.json search/t/0.json search/d/0.json search/l/0.json search/f/a-0.json search/f/c-art.json search/f/t-night.json"
for f in $golden_files; do
	g="$GOLDEN/$(echo "$f" | tr / _)"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then mkdir -p "$GOLDEN"; cp "$OUT/$f" "$g"; fi
	if diff -u "$g" "$OUT/$f" >"$TMP/diff" 2>&1; then ok "golden $f"
	else notok "golden $f (UPDATE_GOLDEN=1 after a deliberate change)"; head -40 "$TMP/diff"; fi
done

mapfile -t pages < <(find "$OUT" -name '*.html' -not -path '*/.*')
check "HTML well-formed (${#pages[@]} pages)" python3 tests/site/htmlcheck.py "${pages[@]}"
check "sitemap.xml and feed.xml are valid XML" xmllint --noout "$OUT/sitemap.xml" "$OUT/feed.xml"
check "every search index file is valid JSON under 1 MB" python3 -c '
import json, os, sys
fs = [os.path.join(d, f) for d, _, n in os.walk(sys.argv[1]) for f in n if f.endswith(".json")]
assert len(fs) > 5, fs
for f in fs:
    assert os.path.getsize(f) < 1 << 20, f
    json.load(open(f, encoding="utf-8"))' "$OUT/search"
check "every internal link and asset resolves" python3 tests/site/linkcheck.py "$OUT"
check "no staging directory left" [ ! -e "$OUT/.onlygen-staging" ]
check "hls.js copied as a hashed asset" bash -c "ls '$OUT'/assets/hls.*.js >/dev/null && cmp -s '$OUT'/assets/hls.*.js node_modules/hls.js/dist/hls.min.js"
check "hls.js referenced only from watch and embed pages" bash -c "! grep -l 'assets/hls\.' -r '$OUT' --include=*.html | grep -v -e '/v/' -e '/e/'"
check "home page does not load watch.js or hls.js" bash -c "! grep -E 'watch\.[0-9a-f]+\.js|hls\.[0-9a-f]+\.js' '$OUT/index.html'"
check "hostile title never appears unescaped in HTML" bash -c "! grep -rF '<img src=x onerror' '$OUT' --include=*.html"
check "hostile title escaped inside JSON-LD" grep -qF '\u003c/script\u003e\u003cimg src=x' "$OUT/v/$HOSTILE_GUID/index.html"
check "hostile title escaped in the search index (doc fragment)" grep -qF '"\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e"' "$OUT/search/d/0.json"
check "no search index file holds a raw < or U+2028" python3 -c '
import glob, sys
fs = glob.glob(sys.argv[1] + "/**/*.json", recursive=True)
bad = [f for f in fs if "<" in open(f, encoding="utf-8").read() or "\u2028" in open(f, encoding="utf-8").read()]
sys.exit(1 if bad or not fs else 0)' "$OUT/search"
check "hostile title escaped in the feed" grep -qF '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' "$OUT/feed.xml"
check "paid video carries paywall markup" grep -qF '"isAccessibleForFree":false,"hasPart"' "$OUT/v/$VIP_GUID/index.html"
check "vip watch page has the code form" grep -q 'id="code-form"' "$OUT/v/$VIP_GUID/index.html"
check "public watch page has no code form" bash -c "! grep -q 'id=\"code-form\"' '$OUT/v/$HOSTILE_GUID/index.html'"
check "invalid category colour is dropped" bash -c "! grep -rq 'background:url' '$OUT'"

# home rows, index pages, nav (issue 13)
row_ids=$(grep -o '<ul class="row-track" id="[^"]*"' "$OUT/index.html" | sed 's/.*id="//; s/"$//' | tr '\n' ' ')
check "home rows in order: continue, new, free, series, categories ($row_ids)" \
    [ "$row_ids" = "continue-track home-new home-free home-series row-raw row-art " ]
hero=$(grep -o '<a class="btn" href="[^"]*"' "$OUT/index.html" | head -1 | sed 's/.*href="//; s/"$//')
check "the hero's video ($hero) is in no home row" bash -c "[ -n '$hero' ] && ! sed -n '/<section class=\"row\"/,\$p' '$OUT/index.html' | grep -qF 'href=\"$hero\"'"
check "every home row has See all" [ "$(grep -c 'class="see-all"' "$OUT/index.html")" = 5 ]
check "New is every video, newest first, page_size a page" [ "$(grep -o 'class="card"' "$OUT/new/index.html" | wc -l)" = 4 ] 
check "/free/ lists only free videos" bash -c "grep -q 'badge-public' '$OUT/free/index.html' && ! grep -qE 'badge-(vip|ppv)' '$OUT/free/index.html'"
check "/series/ links each series" grep -q 'href="/s/tokyo-nights/"' "$OUT/series/index.html"
check "/tags/ links each tag" grep -q 'href="/t/night/"' "$OUT/tags/index.html"
check "nav marks the current section" bash -c "grep -q '<a href=\"/c/raw/\" aria-current=\"page\">' '$OUT/c/raw/page/2/index.html' &&
    grep -q 'href=\"/series/\" aria-current=\"page\"' '$OUT/s/tokyo-nights/index.html' &&
    grep -q 'href=\"/tags/\" aria-current=\"page\"' '$OUT/t/night/index.html' &&
    grep -q 'href=\"/\" aria-current=\"page\"' '$OUT/index.html' &&
    ! grep -q 'aria-current=\"page\">[^<]' '$OUT/v/$VIP_GUID/index.html'"
check "no card carries an aria-label" bash -c "! grep -rqE '<li class=\"card[ \"][^>]*><a [^>]*aria-label' '$OUT' --include=*.html"
check "series page: artwork, Play S1E1, episodes with synopsis" bash -c "f='$OUT/s/tokyo-nights/index.html'; grep -q 'class=\"series-art\"' \$f &&
    grep -q '>Play S1E1<' \$f && [ \$(grep -c 'class=\"ep-syn\"' \$f) = 3 ]"

# access.db: the verifier's table
rows=$(sqlite3 "$STATE/access.db" "SELECT count(*) FROM videos; SELECT access FROM videos WHERE guid='$VIP_GUID'; SELECT cdn_host FROM videos LIMIT 1; PRAGMA user_version;" | tr '\n' ' ')
check "access.db lists every video with its level and host, schema 2 ($rows)" [ "$rows" = "14 vip vz-test-1.b-cdn.net 2 " ]

# --- second build: nothing changes ------------------------------------------
before=$(snapshot)
out=$(build 2>&1)
echo "# $out"
check "rebuild renders nothing" [ "$(echo "$out" | field rendered)" = 0 ]
check "rebuild writes nothing" [ "$(echo "$out" | field written)" = 0 ]
check "rebuild leaves every file in place" [ "$before" = "$(snapshot)" ]
check "rebuild leaves access.db alone" bash -c "echo '$out' | grep -q 'access.db unchanged'"
check "rebuild takes the shortcut: every input as the last build read it" bash -c "echo '$out' | grep -q 'nothing changed since the last build'"
# --recheck keys every page as a build without the record does: nothing to render
check "the search index's pairs are kept for the next build, mode 0600 (docs/search.md)" \
    [ "$(stat -c %a "$STATE/search-pairs" 2>/dev/null)" = 600 ]
check "the list pages' card bytes are kept for the next build, mode 0600 (docs/site.md)" \
    [ "$(stat -c %a "$STATE/card-html" 2>/dev/null)" = 600 ]
ino_cards=$(stat -c %.9Y "$STATE/card-texts" 2>/dev/null)
ino_pairs=$(stat -c %.9Y "$STATE/search-pairs" 2>/dev/null)
ino_html=$(stat -c %.9Y "$STATE/card-html" 2>/dev/null)
out=$(build --recheck 2>&1)
echo "# $out"
check "--recheck trusts no kept card: STATE/card-texts written again ($ino_cards -> $(stat -c %.9Y "$STATE/card-texts"))" \
    bash -c "[ -n '$ino_cards' ] && [ '$ino_cards' != \"\$(stat -c %.9Y '$STATE/card-texts')\" ]"
check "--recheck trusts no kept search pairs: STATE/search-pairs written again" \
    bash -c "[ -n '$ino_pairs' ] && [ '$ino_pairs' != \"\$(stat -c %.9Y '$STATE/search-pairs')\" ]"
check "--recheck trusts no kept card bytes: STATE/card-html written again" \
    bash -c "[ -n '$ino_html' ] && [ '$ino_html' != \"\$(stat -c %.9Y '$STATE/card-html')\" ]"
check "--recheck keys every page and renders nothing" [ "$(echo "$out" | field rendered)" = 0 ]
check "--recheck writes nothing" bash -c "[ '$(echo "$out" | field written)' = 0 ] && [ '$before' = '$(snapshot)' ]"
# a kept sitemap entry that is not its video's (a store edited with a matching
# checksum): the build stops before publishing and says what to do; --recheck mends it
if build_helper card_store_tamper && ASAN_OPTIONS=detect_leaks=0 "$TMP/card_store_tamper" "$STATE/card-texts"; then
	cp "$CONTENT/site.json" "$TMP/site.json.kept"
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["title"] += " (renamed)"; json.dump(d, open(sys.argv[1], "w"))' "$CONTENT/site.json"
	build >"$TMP/tamper.out" 2>&1; rc=$?
	sed 's/^/# /' "$TMP/tamper.out"
	check "a tampered card store: the build fails, says so and names --recheck ($rc)" \
	    bash -c "[ $rc -ne 0 ] && grep -q 'STATE/card-texts' '$TMP/tamper.out' && grep -q -- '--recheck' '$TMP/tamper.out'"
	check "a tampered card store: the published site is left as it was" [ "$before" = "$(snapshot)" ]
	out=$(build --recheck 2>&1); rc=$?
	check "a tampered card store: --recheck builds ($rc)" [ "$rc" -eq 0 ]
	cp "$TMP/site.json.kept" "$CONTENT/site.json"
	build >/dev/null 2>&1
else
	notok "card_store_tamper rewrote STATE/card-texts"
fi
# a damaged STATE/card-html (a byte of a card altered, its hash not) gives
# no card: the pages a site-wide change renders are those of a state
# without the file, byte for byte
cp -r "$STATE" "$TMP/state-nohtml" && rm -f "$TMP/state-nohtml/card-html"
cp -r "$OUT" "$TMP/site-nohtml"
python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[64 + 2] ^= 0x20; open(p, "wb").write(b)' "$STATE/card-html"
cp "$CONTENT/site.json" "$TMP/site.json.kept"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["title"] += " (again)"; json.dump(d, open(sys.argv[1], "w"))' "$CONTENT/site.json"
build >/dev/null 2>&1; rc=$?
"$GEN" build --offline --quiet --state "$TMP/state-nohtml" --content "$CONTENT" --out "$TMP/site-nohtml"; rc2=$?
check "a damaged card-html: the build renders every card, as a state without it ($rc, $rc2)" \
    bash -c "[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && diff -r '$OUT' '$TMP/site-nohtml' >/dev/null"
cp "$TMP/site.json.kept" "$CONTENT/site.json"
build >/dev/null 2>&1
rm -rf "$TMP/state-nohtml" "$TMP/site-nohtml"
# a content/ edit of one video's title is laid over the model image (the
# image's key covers content/, so it is the snapshot's entry that is
# replaced, model_overlay.h): the pages that do not read that video keep
# their keys.  With a warning it merges, yet the model is the image's with
# that video's fields changed (model_diff.h): keys kept all the same.  Not
# so for another onlygen (its digest is in every key): every page keyed.
cp "$CONTENT/videos/all.json" "$TMP/all.json.kept"
retitle() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["videos"][sys.argv[2]]["title"] = sys.argv[3]
if len(sys.argv) > 4:
	d["videos"][sys.argv[2]]["colour"] = sys.argv[4]
else:
	d["videos"][sys.argv[2]].pop("colour", None)
json.dump(d, open(sys.argv[1], "w"), indent=1)' "$CONTENT/videos/all.json" "$VIP_GUID" "$@"
}
# builds; checks that the model came as $2 says, that pages kept their
# keys, and that video $3's watch page shows the title $4 ($out: the summary)
built_as() {
	out=$(build 2>&1); rc=$?
	echo "# $out"
	kept=$(echo "$out" | field "keys kept")
	check "$1: model $2, and $kept pages keep their keys" \
	    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'model $2' && [ '${kept:-0}' -gt 0 ]"
	check "$1: the watch page shows the new title" grep -q "$4" "$OUT/v/$3/index.html"
}
retitle "Retitled in content"
built_as "a content/ title edit" "from its image + 1 content/ entry;" "$VIP_GUID" \
    "Retitled in content"
retitle "Retitled with a warning" "red"
built_as "a content/ title edit with a warning" "merged" "$VIP_GUID" "Retitled with a warning"
check "a content/ title edit with a warning: the warning said" \
    bash -c "echo '$out' | grep -q 'unknown field \"colour\"'"
# a video after it in the file titled meanwhile (the warning keeps its
# place): laid over, the warning said from the image; one before it (the
# warning's line moves): merged, the warning names the new line
LATER_GUID=972a8469-1641-4f82-8b9d-2434e465e150
title_of() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["videos"][sys.argv[2]]["title"] = sys.argv[3]
json.dump(d, open(sys.argv[1], "w"), indent=1)' "$CONTENT/videos/all.json" "$1" "$2"
}
title_of "$LATER_GUID" "Later, titled"
built_as "a later entry titled, a warning before it" "from its image + 1 content/ entry;" \
    "$LATER_GUID" "Later, titled"
check "a later entry titled, a warning before it: the warning said once, at its line" \
    bash -c "[ \$(echo '$out' | grep -c 'all.json:23:14: .*unknown field \"colour\"') -eq 1 ]"
title_of "$HOSTILE_GUID" "Hostile, titled"
built_as "an earlier entry titled, the warning's line moved" "merged" "$HOSTILE_GUID" \
    "Hostile, titled"
check "an earlier entry titled: the warning at its new line" \
    bash -c "echo '$out' | grep -q 'all.json:24:14: .*unknown field \"colour\"'"
retitle "Retitled in content"
out=$(build 2>&1); rc=$?
echo "# $out"
check "the warning gone with the edit: merged" \
    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'model merged' && ! echo '$out' | grep -q 'colour'"
cp "$GEN" "$TMP/onlygen-other"
printf 'another binary' >>"$TMP/onlygen-other"	# past the ELF's end: runs the same
retitle "Retitled by another onlygen"
out=$("$TMP/onlygen-other" build --offline --state "$STATE" --content "$CONTENT" --out "$OUT" 2>&1); rc=$?
echo "# $out"
check "a content/ title edit built by another onlygen: no page keeps its key" \
    bash -c "[ $rc -eq 0 ] && [ '$(echo "$out" | field "keys kept")' = 0 ]"
check "a content/ title edit built by another onlygen: the watch page shows it" \
    grep -q "Retitled by another onlygen" "$OUT/v/$VIP_GUID/index.html"
cp "$TMP/all.json.kept" "$CONTENT/videos/all.json"
build >/dev/null 2>&1
# what must not take the shortcut: a file removed by hand is restored by --recheck only;
# any input changed (a theme file, an option, the catalog) rebuilds
rm "$OUT/v/$VIP_GUID/index.html"
build >/dev/null 2>&1
check "a build trusts the manifest: a page removed by hand is not looked for" [ ! -f "$OUT/v/$VIP_GUID/index.html" ]
out=$(build --recheck 2>&1)
check "--recheck restores a page removed by hand" bash -c "[ -f '$OUT/v/$VIP_GUID/index.html' ] && [ '$(echo "$out" | field written)' = 1 ]"
cp -r "$ROOT/themes" "$TMP/themes-copy"
THEME_ARGS=(--theme "$TMP/themes-copy/default")
out=$(build "${THEME_ARGS[@]}" 2>&1)
check "another theme path is another input: no shortcut" bash -c "! echo '$out' | grep -q 'nothing changed'"
out=$(build "${THEME_ARGS[@]}" 2>&1)
check "the same theme path again: shortcut" bash -c "echo '$out' | grep -q 'nothing changed'"
echo "/* one byte more */" >>"$TMP/themes-copy/default/static/site.css"
out=$(build "${THEME_ARGS[@]}" 2>&1)
check "a theme file's bytes changed: no shortcut, the stylesheet rewritten" bash -c "! echo '$out' | grep -q 'nothing changed' && [ '$(echo "$out" | field written)' -ge 1 ]"
mkdir -p "$ROOT/themes/.site-build-test-$$"
out=$(build --theme ".site-build-test-$$" 2>&1)
rmdir "$ROOT/themes/.site-build-test-$$"
check "a named theme (--theme NAME) is an input: no shortcut" bash -c "! echo '$out' | grep -q 'nothing changed'"
out=$(build --base-url https://other.example 2>&1)
check "another --base-url: no shortcut" bash -c "! echo '$out' | grep -q 'nothing changed' && [ '$(echo "$out" | field written)' -ge 1 ]"
out=$(build 2>&1)
check "back to the first inputs: rebuilt, not a shortcut to the last build's output" bash -c "! echo '$out' | grep -q 'nothing changed' && [ '$(echo "$out" | field written)' -ge 1 ]"
before=$(snapshot)
sqlite3 "$STATE/catalog.db" "UPDATE videos SET changed = changed + 1 WHERE guid = '$VIP_GUID'"
out=$(build 2>&1)
check "the catalog's rows changed (a last-change time alone): no shortcut" bash -c "! echo '$out' | grep -q 'nothing changed'"
sqlite3 "$STATE/catalog.db" "UPDATE videos SET changed = changed - 1 WHERE guid = '$VIP_GUID'"
build >/dev/null 2>&1

# Catalog rows laid over the model image leave the image as it was and a
# delta beside it (model_delta.h): the next build lays every row that moved
# since the image over it, and keys again the pages of those that moved
# since the last build.
IMAGE_SUM=$(cksum <"$STATE/model.image")
retitle_row() {	# GUID TITLE CHANGED-STEP: the catalog's row as a pull would leave it
	sqlite3 "$STATE/catalog.db" "UPDATE videos SET title = '${2//\'/\'\'}', changed = changed + $3 WHERE guid = '$1'"
}
delta_build() {	# what; the model's summary; then titles each watch page must show
	local what=$1 how=$2 g t
	shift 2
	out=$(build 2>&1); rc=$?
	echo "# $out"
	kept=$(echo "$out" | field "keys kept")
	check "$what: model $how, $kept pages keep their keys" \
	    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'model $how' && [ '${kept:-0}' -gt 0 ]"
	while [ $# -gt 0 ]; do
		g=$1 t=$2
		shift 2
		check "$what: the watch page of $g shows '$t'" grep -qF "$t" "$OUT/v/$g/index.html"
	done
}
clean_build() {	# a clean build of the same catalog and content/
	rm -rf "$TMP/clean-delta-state" "$TMP/clean-delta-site"
	mkdir -p "$TMP/clean-delta-state"
	cp "$STATE/catalog.db" "$TMP/clean-delta-state/catalog.db"
	"$GEN" build --offline --quiet --state "$TMP/clean-delta-state" --content "$CONTENT" \
	    --out "$TMP/clean-delta-site" >/dev/null 2>&1
}
VIP_TITLE=$(sqlite3 "$STATE/catalog.db" "SELECT title FROM videos WHERE guid = '$VIP_GUID'")
LATER_TITLE=$(sqlite3 "$STATE/catalog.db" "SELECT title FROM videos WHERE guid = '$LATER_GUID'")
retitle_row "$VIP_GUID" "Delta title one" 1
delta_build "a catalog title" "from its image + 1 changed row;" "$VIP_GUID" "Delta title one"
check "a catalog title: the image as it was, a delta beside it" \
    bash -c "[ '$(cksum <"$STATE/model.image")' = '$IMAGE_SUM' ] && [ -s '$STATE/model.image.delta' ]"
retitle_row "$LATER_GUID" "Delta title two" 1
delta_build "a second row" "from its image + 1 changed row;" "$VIP_GUID" "Delta title one" \
    "$LATER_GUID" "Delta title two"
retitle_row "$VIP_GUID" "$VIP_TITLE" -1
delta_build "the first row back as the image has it" "from its image + 1 changed row;" \
    "$LATER_GUID" "Delta title two"
check "the first row back: its old title gone" bash -c "! grep -q 'Delta title one' -r '$OUT'"
check "two rows laid over: the image still as it was" \
    bash -c "[ '$(cksum <"$STATE/model.image")' = '$IMAGE_SUM' ] && [ -s '$STATE/model.image.delta' ]"
clean_build	# the same inputs into $TMP/clean-delta-{state,site}
check "laid over with a delta: the site a clean build makes, byte for byte" \
    diff -r "$OUT" "$TMP/clean-delta-site"
printf 'damaged' | dd of="$STATE/model.image.delta" bs=1 seek=60 conv=notrunc 2>/dev/null
retitle_row "$LATER_GUID" "Delta title three" 1
out=$(build 2>&1); rc=$?
echo "# $out"
# the last model's id is lost with it: the page reads are then taken as
# over another model, by each video's state (page_reads.h), and what a
# page read of the retitled video is keyed again
check "a damaged delta is none: the new title shown" \
    bash -c "[ $rc -eq 0 ] && grep -q 'Delta title three' '$OUT/v/$LATER_GUID/index.html'"
clean_build
check "a damaged delta: the site a clean build makes, byte for byte" \
    diff -r "$OUT" "$TMP/clean-delta-site"
retitle_row "$LATER_GUID" "$LATER_TITLE" -2
out=$(build 2>&1); rc=$?
echo "# $out"
check "every row back as the image has it: the model is the image's, its pages rendered again" \
    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'model from its image + 1 changed row;' && ! grep -q 'Delta title' -r '$OUT'"
check "every row back: the delta removed, the image as it was" \
    bash -c "[ ! -e '$STATE/model.image.delta' ] && [ '$(cksum <"$STATE/model.image")' = '$IMAGE_SUM' ]"
# a content/ edit after a pull whose rows the delta names: the rows and
# the entry laid over the image, which stays as it was, with content/'s
# snapshot; the delta names the rows and the entry (model_delta.h)
retitle_row "$LATER_GUID" "Delta title four" 1
build >/dev/null 2>&1
SNAP_SUM=$(cksum <"$STATE/content.snap")
kept_as_image() {	# what: the image and content/'s snapshot as they were, a delta beside them
	check "$1: the image and content/'s snapshot as they were, a delta beside them" \
	    bash -c "[ -s '$STATE/model.image.delta' ] && [ '$(cksum <"$STATE/model.image")' = '$IMAGE_SUM' ] &&
	    [ '$(cksum <"$STATE/content.snap")' = '$SNAP_SUM' ]"
}
same_as_clean() {	# what: the site a clean build of the same inputs makes
	clean_build
	check "$1: the site a clean build makes, byte for byte" diff -r "$OUT" "$TMP/clean-delta-site"
}
retitle "Content after a pull"
delta_build "a content/ edit over a delta" "from its image + 1 content/ entry;" \
    "$VIP_GUID" "Content after a pull" "$LATER_GUID" "Delta title four"
kept_as_image "a content/ edit over a delta"
same_as_clean "a content/ edit over a delta"
# a pull after it: the entry's texts come from the delta, content/ is not
# read; the edited video keeps them
retitle_row "$LATER_GUID" "Delta title five" 1
delta_build "a pull after a content/ edit" "from its image + 1 changed row;" \
    "$VIP_GUID" "Content after a pull" "$LATER_GUID" "Delta title five"
kept_as_image "a pull after a content/ edit"
same_as_clean "a pull after a content/ edit"
# the entry edited again: its edit since the snapshot laid over the image again
retitle "Content edited twice"
delta_build "a second content/ edit" "from its image + 1 content/ entry;" \
    "$VIP_GUID" "Content edited twice" "$LATER_GUID" "Delta title five"
kept_as_image "a second content/ edit"
same_as_clean "a second content/ edit"
# content/ back as the image has it: the model is the image's with the row
# laid over, the edited video's pages rendered again
cp "$TMP/all.json.kept" "$CONTENT/videos/all.json"
delta_build "content/ back as the image has it" "from its image;" \
    "$LATER_GUID" "Delta title five"
check "content/ back: no page shows the edits" \
    bash -c "! grep -qE 'Content after a pull|Content edited twice' -r '$OUT'"
same_as_clean "content/ back as the image has it"
retitle_row "$LATER_GUID" "$LATER_TITLE" -2
build >/dev/null 2>&1
check "every row and entry back: the delta removed, the image as it was" \
    bash -c "[ ! -e '$STATE/model.image.delta' ] && [ '$(cksum <"$STATE/model.image")' = '$IMAGE_SUM' ]"
# an entry whose texts are more than a delta holds (MODEL_DELTA_TEXT_MAX,
# 64 kB): the image and content/'s snapshot written again, the delta gone
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["videos"][sys.argv[2]]["description"] = "Long description. " * 4000
json.dump(d, open(sys.argv[1], "w"), indent=1)' "$CONTENT/videos/all.json" "$VIP_GUID"
out=$(build 2>&1); rc=$?
echo "# $out"
check "an entry of 72 kB edited: the image and content/'s snapshot written again, no delta" \
    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'model from its image + 1 content/ entry;' &&
    [ ! -e '$STATE/model.image.delta' ] && [ '$(cksum <"$STATE/model.image")' != '$IMAGE_SUM' ] &&
    [ '$(cksum <"$STATE/content.snap")' != '$SNAP_SUM' ]"
clean_build
check "an entry of 72 kB edited: the image a clean build writes, byte for byte" \
    cmp "$STATE/model.image" "$TMP/clean-delta-state/model.image"
same_as_clean "an entry of 72 kB edited"
cp "$TMP/all.json.kept" "$CONTENT/videos/all.json"
build >/dev/null 2>&1
before=$(snapshot)

# --- one title changes --------------------------------------------------------
MARK="Renamed-Marker-7731"
python3 - "$CONTENT/videos/all.json" "$VIP_GUID" "$MARK" <<'PY'
import json, sys
p, g, t = sys.argv[1:]
d = json.load(open(p)); d["videos"][g]["title"] = t; json.dump(d, open(p, "w"))
PY
before=$(snapshot)
# the search index's term shards hold the folded words of the old and the new title
old_shards=$(cd "$OUT" && grep -lE '^\["(tom|jerry|s|best|chase|scenes)",' search/t/*.json)
out=$(build 2>&1)
echo "# $out"
after=$(snapshot)
changed=$(join -1 2 -2 2 <(echo "$before") <(echo "$after") | awk '$2 != $3 {print $1}' | sort)
showing=$( (cd "$OUT" && grep -rlF "$MARK" . | sed 's|^\./||'; echo "$old_shards";
	grep -lE '^\["(renamed|marker|7731)",' search/t/*.json) | sort -u)
check "title change rewrites exactly the files that show the title, and the term shards of its words ($(echo "$changed" | wc -l) files)" [ "$changed" = "$showing" ]
check "title change leaves search/meta.json alone" bash -c "! echo '$changed' | grep -qx search/meta.json"
check "title change renders only those files" [ "$(echo "$out" | field rendered)" = "$(echo "$showing" | wc -l)" ]
check "title change does not rewrite unrelated watch pages" [ "$(echo "$showing" | grep -c '^v/')" -lt 14 ]

# --- a video disappears -------------------------------------------------------
python3 - "$FIXTURE/catalog/videos-page-1.json" "$TMP/page.json" "$HOSTILE_GUID" <<'PY'
import json, sys
src, dst, g = sys.argv[1:]
d = json.load(open(src)); d["items"] = [i for i in d["items"] if i["guid"] != g]; d["totalItems"] = len(d["items"])
json.dump(d, open(dst, "w"))
PY
mkcatalog "$STATE" "$TMP/page.json"
out=$(build 2>&1)
echo "# $out"
check "removed video's page is gone" [ ! -e "$OUT/v/$HOSTILE_GUID" ]
check "removal counted" [ "$(echo "$out" | field removed)" -ge 1 ]
# keys never mix a video's index: the videos after the removed one shift, and
# only pages whose bytes change may render
check "removal renders only the pages it changes ($(echo "$out" | field rendered) rendered)" \
    [ "$(echo "$out" | field rendered)" = "$(echo "$out" | field written)" ]
check "nothing links to the removed video" bash -c "! grep -rqF '$HOSTILE_GUID' '$OUT'"
check "links still resolve after the removal" python3 tests/site/linkcheck.py "$OUT"
check "access.db drops the removed video" [ "$(sqlite3 "$STATE/access.db" "SELECT count(*) FROM videos WHERE guid='$HOSTILE_GUID'")" = 0 ]

# --- a video newer than every other (list_pages.h) ----------------------------
# The lists are cut from their oldest end: the upload joins pages 1 and 2 of
# each list it is in, and every later page keeps its bytes and its file.
NEWEST_GUID=0f0f0f0f-0000-4000-8000-0000000000a1
python3 - "$TMP/page.json" "$TMP/page-added.json" "$NEWEST_GUID" <<'PY'
import json, sys
src, dst, g = sys.argv[1:]
d = json.load(open(src))
newest = max(d["items"], key=lambda i: i["dateUploaded"])
item = dict(newest, guid=g, title="Uploaded last", dateUploaded="2031-01-01T00:00:00.000")
d["items"].append(item); d["totalItems"] = len(d["items"])
json.dump(d, open(dst, "w"))
PY
later_pages() { (cd "$OUT" && find . -path '*/page/*' -type f -printf '%i %P\n' |
	awk '{ n = $2; sub(/^.*\/page\//, "", n); sub(/[\/.].*$/, "", n); if (n + 0 >= 3) print }' | sort -k2); }
new_cards() { grep -o 'class="card"' "$OUT/new/$1" | wc -l; }
pages_before=$(later_pages)
p2_before=$(new_cards page/2/index.html)
mkcatalog "$STATE" "$TMP/page-added.json"
out=$(build 2>&1)
echo "# $out"
check "an upload: its watch page is made" [ -f "$OUT/v/$NEWEST_GUID/index.html" ]
check "an upload: first on page 1 of New, which keeps page_size cards" bash -c \
    "grep -o 'href=\"/v/[^\"]*/\"' '$OUT/new/index.html' | head -1 | grep -qF '$NEWEST_GUID' && [ \$(grep -o 'class=\"card\"' '$OUT/new/index.html' | wc -l) = 4 ]"
check "an upload: page 2 of New holds one card more ($p2_before before)" [ "$(new_cards page/2/index.html)" = "$((p2_before + 1))" ]
check "an upload leaves every list page after the second as it was ($(echo "$pages_before" | wc -l) pages)" \
    bash -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$pages_before" "$(later_pages)"
check "an upload: page 3 of New is among them" bash -c 'echo "$1" | grep -q " new/page/3/index.html$"' _ "$pages_before"
mkcatalog "$STATE" "$TMP/page.json"
out=$(build 2>&1)
check "the upload removed again: the later pages still as they were" [ "$pages_before" = "$(later_pages)" ]
check "the upload removed again: its page is gone" [ ! -e "$OUT/v/$NEWEST_GUID" ]

# --- a failing build leaves the site untouched -------------------------------
mkdir -p "$TMP/broken/partials"
printf '{{#unclosed}}\n' >"$TMP/broken/partials/card.mustache"
before=$(snapshot)
sum_before=$(cd "$OUT" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
err=$(build --theme "$TMP/broken" 2>&1); rc=$?
check "broken theme fails the build with exit 1" [ "$rc" -eq 1 ]
last=$(echo "$err" | grep -v warning | head -1)
check "the error names the template ($last)" bash -c "echo \"\$1\" | grep -q 'partials/card'" _ "$last"
check "failed build leaves every published file as it was" [ "$before" = "$(snapshot)" ]
check "failed build leaves every byte as it was" [ "$sum_before" = "$(cd "$OUT" && find . -type f -print0 | sort -z | xargs -0 sha256sum)" ]

# --- a failing pull leaves the site untouched ---------------------------------
before=$(snapshot)
err=$(env -u BUNNY_API_KEY -u BUNNY_LIBRARY_ID BUNNY_API_BASE=http://127.0.0.1:9 \
    "$GEN" build --state "$STATE" --content "$CONTENT" --out "$OUT" 2>&1); rc=$?
check "a build whose pull fails exits 1 ($(echo "$err" | tail -1))" [ "$rc" -eq 1 ]
check "a failed pull leaves every published file as it was" [ "$before" = "$(snapshot)" ]

# --- usage errors ------------------------------------------------------------------
"$GEN" build --offline --state "$OUT/var" --content "$CONTENT" --out "$OUT" >/dev/null 2>&1
check "a state directory inside the served one is refused (exit 2)" [ $? -eq 2 ]
"$GEN" build --offline --bogus >/dev/null 2>&1
check "an unknown option is a usage error (exit 2)" [ $? -eq 2 ]

# --- a user theme overrides one file ----------------------------------------
mkdir -p "$TMP/mytheme/partials"
printf '<span class="badge my-badge">{{access_label}}</span>' >"$TMP/mytheme/partials/badge.mustache"
out=$(build --theme "$TMP/mytheme" 2>&1)
check "user theme overrides a partial" grep -q 'class="badge my-badge"' "$OUT/index.html"
check "user theme keeps the default theme's other files" grep -q 'class="card-title"' "$OUT/index.html"
out=$(build 2>&1)
check "back to the default theme" bash -c "! grep -q 'my-badge' '$OUT/index.html'"

# --- a token key signs nothing in the site (images are mirrored) ------------
# (tests/integration/site_no_stream_tokens.py proves it against the CDN.)
out=$(BUNNY_TOKEN_KEY=test-token-key build 2>&1)
check "with BUNNY_TOKEN_KEY set, no file of the site holds a token" \
	bash -c "! grep -rlE 'token=|expires=|token_path=' '$OUT'"
check "with BUNNY_TOKEN_KEY set, no page links the CDN" bash -c "! grep -rl 'vz-test-1.b-cdn.net' '$OUT'"
check "and the key changes no byte (nothing rewritten)" [ "$(echo "$out" | field written)" = 0 ]
check "the key is an input (no shortcut), recorded only through an HMAC: the record holds no key" \
    bash -c "! echo '$out' | grep -q 'nothing changed' && [ -s '$STATE/build-inputs' ] &&
    ! grep -rqF 'test-token-key' '$STATE/build-inputs' '$STATE/site-manifest' '$OUT'"
out=$(BUNNY_TOKEN_KEY=other-token-key build 2>&1)
check "another key: no shortcut either" bash -c "! echo '$out' | grep -q 'nothing changed'"
printf 'SECRET_KEY=x\nBUNNY_TOKEN_KEY=test-token-key\n' >"$TMP/keys"
chmod 600 "$TMP/keys"	# read as the verifier reads it: others may not
out=$(build --keys "$TMP/keys" 2>&1)
check "neither does the --keys file" [ "$(echo "$out" | field written)" = 0 ]
check "--offline without an image cache: the shared placeholder" \
	bash -c "grep -q 'src=\"/img/placeholder-v1-320.webp\"' '$OUT/index.html' && [ -s '$OUT/img/placeholder-v1-320.webp' ]"

# another build holds STATE/site.lock (the build takes it before the model's
# load, reading the old manifest meanwhile): one with work to do says so and
# leaves the site as it was; with nothing to do it is done; then it builds
exec 9>"$STATE/site.lock"
flock 9
before=$(snapshot)
title_of "$LATER_GUID" "Titled while locked out"
out=$(build 2>&1); rc=$?
check "another build holds the lock: the build fails and says so ($rc)" \
    bash -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'another build is running'"
check "another build holds the lock: the site as it was" [ "$before" = "$(snapshot)" ]
exec 9>&-
out=$(build 2>&1); rc=$?
check "the lock released: it builds ($rc)" \
    bash -c "[ $rc -eq 0 ] && grep -q 'Titled while locked out' '$OUT/v/$LATER_GUID/index.html'"
exec 9>"$STATE/site.lock"
flock 9
out=$(build 2>&1); rc=$?
check "another build holds the lock, nothing to do: done ($rc)" \
    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'nothing changed'"
exec 9>&-
# a damaged manifest, read ahead: its warning said by the build, every file compared
printf 'not a manifest line\n' >>"$STATE/site-manifest"
title_of "$LATER_GUID" "Titled past a damaged manifest"
out=$(build 2>&1); rc=$?
check "a damaged manifest: the build warns and builds ($rc)" \
    bash -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'site-manifest:[0-9]*: unreadable manifest line' &&
    grep -q 'Titled past a damaged manifest' '$OUT/v/$LATER_GUID/index.html'"

# --- url_style "html" ---------------------------------------------------------
python3 - "$CONTENT/site.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["url_style"] = "html"; d["page_size"] = 2; json.dump(d, open(sys.argv[1], "w"))
PY
out=$(build 2>&1)
check "url_style html writes /v/<guid>.html" [ -f "$OUT/v/$VIP_GUID.html" ]
check "url_style html removes the directory pages" [ ! -e "$OUT/v/$VIP_GUID/index.html" ]
check "url_style html links end in .html" grep -qF "href=\"/v/$VIP_GUID.html\"" "$OUT/index.html"
check "url_style html: links resolve" python3 tests/site/linkcheck.py "$OUT"
check "a long series is paginated (3 episodes, 2 a page)" bash -c "[ -f '$OUT/s/tokyo-nights/page/2.html' ] && grep -q 'href=\"/s/tokyo-nights/page/2.html\"' '$OUT/s/tokyo-nights.html'"

exit $((FAILS > 0))
