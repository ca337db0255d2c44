#!/usr/bin/env bash
# The command lines from the outside: onlygen mustache output, partials, exit codes and
# error messages with FILE:LINE:COL.
set -u
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gen="$BINDIR/onlygen"

mkdir -p "$tmp/theme/partials"
printf '<ul>{{#videos}}{{>card}}{{/videos}}</ul>\n' > "$tmp/theme/list.mustache"
printf '<li>{{title}}</li>' > "$tmp/theme/partials/card.mustache"
printf '{"videos":[{"title":"<b>One</b>"},{"title":"Two & co"}]}' > "$tmp/data.json"
out=$("$gen" mustache "$tmp/theme/list.mustache" "$tmp/data.json" --partials "$tmp/theme/partials")
is "$out" '<ul><li>&lt;b&gt;One&lt;/b&gt;</li><li>Two &amp; co</li></ul>' "renders with partials from --partials"

printf '{"videos": [\n  {"title": "x"},\n]}' > "$tmp/bad.json"
err=$("$gen" mustache "$tmp/theme/list.mustache" "$tmp/bad.json" 2>&1); rc=$?
is "$rc" 1 "malformed data exits 1"
like "$err" "bad.json:3:1: expected a value after ','" "malformed data names file:line:col"

printf 'a\n{{#videos}}\n' > "$tmp/theme/open.mustache"
err=$("$gen" mustache "$tmp/theme/open.mustache" "$tmp/data.json" 2>&1); rc=$?
is "$rc" 1 "unclosed section exits 1"
like "$err" "open.mustache:2:1: section 'videos' is never closed" "unclosed section names file:line:col"

"$gen" mustache "$tmp/theme/list.mustache" >/dev/null 2>&1; is "$?" 2 "missing argument is a usage error (2)"
"$gen" mustache --bogus a b >/dev/null 2>&1; is "$?" 2 "unknown option is a usage error (2)"
"$gen" mustache --help | grep -q "usage: onlygen mustache"; is "$?" 0 "--help prints usage and exits 0"
"$gen" --version | grep -q "^onlygen [0-9]"; is "$?" 0 "--version"
"$gen" nosuch >/dev/null 2>&1; is "$?" 2 "unknown command exits 2"
err=$("$gen" mustache /nonexistent.mustache "$tmp/data.json" 2>&1); rc=$?
is "$rc" 1 "missing template exits 1"
like "$err" "/nonexistent.mustache: cannot read" "missing template is named"

# Every binary answers --help and --version (exit 0) and refuses no command (exit 2).
for b in onlygen onlytoken; do
	"$BINDIR/$b" --version | grep -q "^$b [0-9]"; is "$?" 0 "$b --version"
	"$BINDIR/$b" --help | grep -q "usage: $b"; is "$?" 0 "$b --help on stdout"
	"$BINDIR/$b" >/dev/null 2>&1; is "$?" 2 "$b without a command is a usage error"
done

# The libraries report through the caller; onlygen prints their warnings with its prefix,
# and --quiet silences them.  Errors in content/ keep FILE:LINE:COL.
"$gen" pull --from demo/catalog --state "$tmp/st" --quiet; is "$?" 0 "pull --from the demo catalog"
cp -r content "$tmp/content"
printf '{ "videos": { "11111111-2222-4333-8444-555555555555": {}, "zzz": {} } }\n' \
	> "$tmp/content/videos/zz-warn.json"
err=$("$gen" build --offline --state "$tmp/st" --out "$tmp/out" --content "$tmp/content" 2>&1 >/dev/null); rc=$?
is "$rc" 0 "a build with warnings exits 0"
like "$err" "onlygen: warning: $tmp/content/videos/zz-warn.json: video 11111111-2222-4333-8444-555555555555 is not in the catalog (deleted from Bunny, or a typo?); entry ignored" \
	"an entry for no video: a warning with onlygen's prefix, naming the file"
like "$err" "onlygen: warning: $tmp/content/videos/zz-warn.json:1:66: \"zzz\" is not a video GUID; entry ignored" \
	"a key that is no GUID: a warning naming the file"
err=$("$gen" build --offline --quiet --state "$tmp/st" --out "$tmp/out" --content "$tmp/content" 2>&1); rc=$?
is "$rc:$err" "0:" "--quiet: no warnings, no output"
printf '{ "videos": {\n  "11111111-2222-4333-8444-555555555555": { "tags": ["a",] } } }\n' \
	> "$tmp/content/videos/zz-warn.json"
err=$("$gen" build --offline --state "$tmp/st" --out "$tmp/out" --content "$tmp/content" 2>&1); rc=$?
is "$rc" 1 "malformed content/ fails the build"
like "$err" "onlygen build: $tmp/content/videos/zz-warn.json:2:" "malformed content/ names FILE:LINE:COL"
out=$("$gen" status --state "$tmp/st"); rc=$?
is "$rc" 0 "status of a pulled catalog"
like "$out" "Finished                  24  (published)" "status counts the published videos"
# the builds above marked the catalog they used, beside it (not in it)
digest=$(sqlite3 "$tmp/st/catalog.db" "SELECT value FROM meta WHERE key = 'digest'")
is "$(cat "$tmp/st/catalog.db.built")" "$digest" "a build marks the digest it used in catalog.db.built"
like "$out" "built     $digest" "status names the digest the last build used"
like "$out" "the last build used this catalog" "status: the last build used this catalog"
err=$("$gen" status --state "$tmp/none" 2>&1); rc=$?
is "$rc" 1 "status without a catalog exits 1"
like "$err" "onlygen status: $tmp/none/catalog.db: no catalog yet; run \`onlygen pull\` first" \
	"status without a catalog says to pull"

# --base-url beats site.json's base_url everywhere the site names itself (make run
# passes its PORT this way); a value that is not an http(s) URL is a usage error.
grep -q '"base_url": "http://127.0.0.1:8080"' content/site.json
is "$?" 0 "the demo's site.json names :8080 (what --base-url must replace)"
"$gen" build --offline --quiet --state "$tmp/st" --out "$tmp/port" --content content \
	--base-url http://127.0.0.1:9090/; is "$?" 0 "build --base-url http://127.0.0.1:9090/"
left=$(grep -rl ':8080' "$tmp/port" | sed "s|^$tmp/port/||" | head -n 5)
is "$left" "" "no file of that site names :8080"
for f in index.html sitemap.xml robots.txt feed.xml; do
	like "$(cat "$tmp/port/$f" 2>&1)" "http://127.0.0.1:9090/" "$f names http://127.0.0.1:9090/"
done
like "$(cat "$tmp/port/index.html")" '<link rel="canonical" href="http://127.0.0.1:9090/"' \
	"the canonical link follows --base-url (no doubled slash)"
"$gen" build --offline --quiet --state "$tmp/st" --out "$tmp/port" --content content \
	--base-url http://127.0.0.1:9091
"$gen" build --offline --quiet --state "$tmp/st" --out "$tmp/port-clean" --content content \
	--base-url http://127.0.0.1:9091
diff -r "$tmp/port" "$tmp/port-clean" >/dev/null
is "$?" 0 "a rebuild with another --base-url equals a clean build with it"
for bad in ftp://x.example 'http://' 'https://a b' 'http://x"y' '127.0.0.1:9090' \
	'http://x.example/?a=1' 'http://x.example/#a'; do
	err=$("$gen" build --offline --state "$tmp/st" --out "$tmp/bad" --content content \
		--base-url "$bad" 2>&1); rc=$?
	is "$rc" 2 "--base-url '$bad' is a usage error"
done
like "$err" "--base-url wants an absolute URL" "and says what it wants"
[ ! -e "$tmp/bad" ]; is "$?" 0 "and writes nothing"
