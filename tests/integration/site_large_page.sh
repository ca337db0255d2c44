#!/usr/bin/env bash
# site_large_page.sh — a list page at the largest size content/ allows
# renders: its data (a JSON-LD ItemList naming every card, each with the
# absolute URL) once passed the 1 MB scratch cap the page data had, while
# the keying pass, with the page cap, did not; the build failed with
# "out of memory building the page data" at 100 000 videos with
# page_size 10 000.  The largest page is a list's second, 2 x page_size - 1
# cards (list_pages.h): here 1 201 cards at page_size 601, under a 1 000-byte
# base URL, make the same > 1 MB string.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
S="$TMP/state" C="$TMP/content" O="$TMP/out" N=1802 SIZE=601 BIG=1201
cp -r "$FIXTURE/content" "$C"
rm -f "$C/videos/"*.json
python3 - "$TMP/big.json" "$N" <<'PY'
import json, sys, uuid
n = int(sys.argv[2])
items = [{"videoLibraryId": 1, "guid": str(uuid.UUID(int=0x30000 + i, version=4)),
          "title": "Video %d" % i, "description": "",
          "dateUploaded": "2024-01-01T%02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60),
          "views": 0, "isPublic": True, "length": 60, "status": 4, "width": 1920, "height": 1080,
          "thumbnailFileName": "thumbnail.jpg", "captions": [], "chapters": [],
          "category": "", "metaTags": [], "collectionId": ""} for i in range(n)]
json.dump({"totalItems": n, "currentPage": 1, "itemsPerPage": n, "items": items}, open(sys.argv[1], "w"))
PY
mkcatalog "$S" "$TMP/big.json" || { notok "catalog"; exit 1; }
BASE="https://example.com/$(printf 'p%.0s' $(seq 970))"
python3 - "$C/site.json" "$SIZE" "$BASE" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["page_size"] = int(sys.argv[2]); d["base_url"] = sys.argv[3]
json.dump(d, open(sys.argv[1], "w"))
PY
"$GEN" build --offline --quiet --state "$S" --content "$C" --out "$O" 2>"$TMP/build.err"
rc=$?
check "$N videos at page_size $SIZE under a ${#BASE}-byte base URL build ($(head -c 300 "$TMP/build.err"))" [ $rc -eq 0 ]
PAGE="$O/new/page/2/index.html"
[ -f "$PAGE" ] || PAGE="$O/new/page/2.html"
r=$(python3 - "$PAGE" "$BIG" "$BASE" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
    d = json.loads(block)
    if d.get("@type") == "ItemList":
        items = d["itemListElement"]
        ok = len(items) == int(sys.argv[2]) and all(i["url"].startswith(sys.argv[3] + "/") for i in items)
        print("%d items, %d bytes of JSON-LD" % (len(items), len(block)))
        sys.exit(0 if ok and len(block) > 1 << 20 else 1)
print("no ItemList"); sys.exit(1)
PY
)
check "page 2 of New, the largest, names its $BIG videos in its ItemList, over 1 MB ($r)" [ $? -eq 0 ]
exit $((FAILS > 0))
