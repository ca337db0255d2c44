#!/usr/bin/env bash
# The layer lines of docs/architecture.md hold in the tree (scripts/check-layers,
# also `make layers`), and the check catches each kind of crossing: a copy
# of the sources with one forbidden include must fail, naming the file.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$ROOT" || exit 1

out=$(scripts/check-layers 2>&1); rc=$?
is "$rc" 0 "the tree keeps every layer line"
[ "$rc" = 0 ] || printf '    %s\n' "$out"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fresh() {
	rm -rf "$tmp/t"; mkdir -p "$tmp/t/scripts"
	cp -r core sign generator verifier "$tmp/t/"
	cp scripts/check-layers "$tmp/t/scripts/"
}
# crossing FILE LINE EXPECTED DESCRIPTION: FILE gains LINE, the check must fail saying EXPECTED
crossing() {
	fresh
	printf '%s\n' "$2" >>"$tmp/t/$1"
	out=$("$tmp/t/scripts/check-layers" 2>&1); rc=$?
	is "$rc" 1 "$4: refused"
	like "$out" "$3" "$4: the message names it"
}

fresh; out=$("$tmp/t/scripts/check-layers" 2>&1); is "$?" 0 "an unchanged copy passes"
crossing generator/tmpl/tmpl.c '#include "catalog_db.h"' \
	"generator/tmpl/tmpl.c: includes generator/catalog/catalog_db.h" "the template engine reaching the catalog"
crossing generator/model/content.c '#include <sqlite3.h>' \
	"generator/model/content.c: includes <sqlite3.h>" "the model using SQLite"
crossing core/guid.c '#include <openssl/evp.h>' \
	"core/guid.c: includes <openssl/evp.h>" "core/ linking a library"
crossing core/slug.c '#include "buf.h"' \
	"core/slug.c: includes generator/base/buf.h" "core/ reaching the generator"
crossing verifier/store/code.c '#include "api.h"' \
	"verifier/store/code.c: includes verifier/module/api.h" "the stores reaching the module above them"
crossing verifier/onlytoken/main.c '#include "api.h"' \
	"includes verifier/module/api.h" "onlytoken reaching the module's read path"
crossing generator/site/site_data.c '#include "catalog_db.h"' \
	"includes generator/catalog/catalog_db.h" "the site reaching catalog.db"
crossing generator/deploy/deploy_plan.c '#include "tmpl.h"' \
	"includes generator/tmpl/tmpl.h" "deploy reaching the template engine"
crossing generator/catalog/pull.c '#include <lua.h>' \
	"pull.c: includes <lua.h>" "the catalog using Lua"
crossing generator/site/site_images.c '#include <vips/vips.h>' \
	"generator/site/site_images.c: includes <vips/...>; only generator/site/img_vips.c may" \
	"libvips outside bin/onlygen-img.so's source"
crossing generator/catalog/pull.c '#include "nowhere.h"' \
	"includes \"nowhere.h\", which no layer holds" "a header no layer holds"

fresh; cp core/guid.h "$tmp/t/generator/base/guid.h"
out=$("$tmp/t/scripts/check-layers" 2>&1); is "$?" 1 "a header name held by two layers: refused"
like "$out" "held twice: guid.h" "a header name held by two layers: named"

fresh; mkdir "$tmp/t/generator/extras"; echo 'int x;' >"$tmp/t/generator/extras/x.c"
out=$("$tmp/t/scripts/check-layers" 2>&1); is "$?" 1 "a folder with no rule: refused"
like "$out" "generator/extras/ has no rule" "a folder with no rule: named"
