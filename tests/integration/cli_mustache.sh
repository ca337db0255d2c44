#!/usr/bin/env bash
# bin/onlygen mustache from the outside: output, partials, exit codes and
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
