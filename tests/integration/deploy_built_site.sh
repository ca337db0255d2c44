#!/usr/bin/env bash
# deploy_built_site.sh — `onlygen build` on the fixture catalog, then
# `onlygen deploy` of that real site to the fake Bunny Storage zone: the zone
# ends up byte-identical to site/, content-hashed assets go before any page,
# state (var/, access.db) never leaves the machine, and after a content edit
# and a rebuild only the files the build rewrote are uploaded.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
case "$GEN" in /*) ;; *) GEN="$ROOT/$GEN" ;; esac
STATE="$TMP/var" OUT="$TMP/site" CONTENT="$TMP/content"
cp -r "$FIXTURE/content" "$CONTENT"
mkcatalog "$STATE" "$FIXTURE/catalog/videos-page-1.json" || { notok "catalog.db from the fixture"; exit 1; }
build() { "$GEN" build --offline --state "$STATE" --content "$CONTENT" --out "$OUT" >"$TMP/build.log" 2>&1; }
check "the fixture site builds" build

python3 "$ROOT/tests/fakes/bunny_storage.py" --zone site --key pass --require-checksum \
    --port-file "$TMP/port" &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
base="http://127.0.0.1:$(cat "$TMP/port")"
export BUNNY_STORAGE_ZONE=site BUNNY_STORAGE_KEY=pass BUNNY_STORAGE_BASE="$base"
unset BUNNY_ACCOUNT_KEY BUNNY_PULLZONE_ID BUNNY_PULLZONE_URL
deploy() { (cd "$TMP" && "$GEN" deploy --site "$OUT" "$@"); }

# zone_matches: the fake's files equal the site tree (path -> SHA-256).
zone_matches() {
	python3 - "$base" "$OUT" <<'PY'
import hashlib, json, os, sys, urllib.request
base, root = sys.argv[1], sys.argv[2]
state = json.load(urllib.request.urlopen(base + "/_fake/state"))
want = {}
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        want[os.path.relpath(p, root)] = hashlib.sha256(open(p, "rb").read()).hexdigest().upper()
if state["files"] != want:
    print("#   missing:", sorted(set(want) - set(state["files"]))[:10])
    print("#   extra:", sorted(set(state["files"]) - set(want))[:10])
    sys.exit(1)
PY
}
puts() {
	python3 -c 'import json,sys,urllib.request
s=json.load(urllib.request.urlopen(sys.argv[1]+"/_fake/state"))
print("\n".join(e["path"].split("/",2)[2] for e in s["log"] if e["method"]=="PUT"))' "$base"
}

out=$(deploy 2>&1); rc=$?
echo "$out" | grep '^deploy:' | sed 's/^/# /'
check "deploy of the built site exits 0" [ "$rc" -eq 0 ]
check "the zone equals the built site, byte for byte" zone_matches
n_assets=$(cd "$OUT" && find assets -type f | wc -l)
check "the build produced assets to order ($n_assets)" [ "$n_assets" -gt 0 ]
order=$(puts | awk '/^assets\//{a=NR} /\.html$/ && !p{p=NR} END{print (a < p) ? "ok" : "bad"}')
check "every asset was uploaded before the first page" [ "$order" = ok ]
leak=$(puts | grep -E '(^|/)(var/|\.)|\.db$|\.keys$' || true)
check "nothing from var/, no database, no dotfile uploaded" [ -z "$leak" ]

# Secrets dropped into the built site: the build's manifest does not name
# them, so they are never uploaded (and each is reported once).
printf 'BUNNY_TOKEN_KEY=secret\n' >"$OUT/keys.txt"
printf 'SQLite format 3 secret' >"$OUT/tokens.db.bak"
printf 'BUNNY_STORAGE_KEY=secret\n' >"$OUT/.env"
mkdir -p "$OUT/x" && printf 'secret\n' >"$OUT/x/secret.txt"
python3 -c 'import urllib.request,sys; urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/_fake/reset-log", data=b"", method="POST"))' "$base"
out=$(deploy 2>&1)
check "a second deploy of the same build uploads nothing" grep -q 'uploaded 0 (0 bytes)' <<<"$out"
check "keys.txt, tokens.db.bak, .env, x/secret.txt are not in the zone" \
    test -z "$(puts)" -a "$(python3 -c 'import json,sys,urllib.request
s=json.load(urllib.request.urlopen(sys.argv[1]+"/_fake/state"))
print(" ".join(p for p in s["files"] if p in ("keys.txt","tokens.db.bak",".env","x/secret.txt") or p.startswith("x/")))' "$base")" = ""
for f in keys.txt tokens.db.bak .env x/; do
	check "ignored $f is reported once" test "$(grep -c "^deploy: ignored $f: not in the build's manifest" <<<"$out")" = 1
done
rm -rf "$OUT/keys.txt" "$OUT/tokens.db.bak" "$OUT/.env" "$OUT/x"

# The images' manifest missing (removed by hand, or a build killed before
# writing it): the site manifest names an image set it cannot list, and the
# zone's images are not the build's to delete, so nothing is deployed.
mv "$STATE/site-images" "$TMP/site-images.kept"
out=$(deploy 2>&1); rc=$?
refused=no
[ "$rc" -ne 0 ] && grep -q 'site-images is missing.*run `onlygen build` first' <<<"$out" && refused=yes
check "without STATE/site-images deploy refuses, naming it and onlygen build" [ "$refused" = yes ]
check "and the zone is left as it was" zone_matches
mv "$TMP/site-images.kept" "$STATE/site-images"

# A content edit: the build rewrites some pages; only those are uploaded.
before=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort -k2)
f=$(ls "$CONTENT"/videos/*.json | head -n 1)
python3 - "$f" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
entries = d["videos"].values() if "videos" in d else [d]
for e in entries:
    e["title"] = "Retitled for the deploy test"
json.dump(d, open(p, "w"))
PY
check "the edited site rebuilds" build
after=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort -k2)
changed=$(diff <(echo "$before") <(echo "$after") | grep -c '^>' || true)
out=$(deploy 2>&1); rc=$?
echo "$out" | grep '^deploy:' | sed 's/^/# /'
up=$(sed -n 's/^deploy: uploaded \([0-9]*\) .*/\1/p' <<<"$out")
check "after the edit exactly the $changed rewritten or new files are uploaded ($up)" \
    test "$rc" -eq 0 -a "$up" = "$changed" -a "$changed" -gt 0
check "and the zone equals the rebuilt site" zone_matches
[ "$FAILS" -eq 0 ]
