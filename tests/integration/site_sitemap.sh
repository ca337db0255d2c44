#!/usr/bin/env bash
# site_sitemap.sh — the sitemap, the feed and noindex (issue 14):
#   * every sitemap file of four built sites (the fixture, a hostile and
#     over-long catalog, one big enough to split by bytes, one past 5 000
#     URLs) validates
#     against tests/site/schemas/sitemap.xsd (sitemaps.org 0.9, with
#     Google's video extension imported: title <= 100, description
#     <= 2 048 characters, duration 1..28 800, player_loc required), and
#     the schemas refuse files that break those rules;
#   * only content pages are listed; player_loc is the /e/<guid>/ page;
#   * titles and descriptions are cut on a character boundary, then escaped;
#   * a split site has an index naming every part, each part within the
#     limits, every listed page in exactly one part; parts of at most 5 000
#     URLs, the oldest videos first, so a changed title rewrites one part
#     and an upload leaves the parts of older videos as they were;
#   * noindex on /search/, /code/ and 404.html only;
#   * the feed: well-formed, newest first, updated >= published, the
#     feed's updated the newest entry's; a pulled change moves one entry's
#     updated (a views change does not); a rebuild with nothing new
#     rewrites nothing.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
XSD="$ROOT/tests/site/schemas/sitemap.xsd"

build() { # STATE CONTENT OUT
	"$GEN" build --offline --quiet --state "$1" --content "$2" --out "$3" 2>"$TMP/build.err"
}
# validate OUT: every sitemap file of the site against the schemas
validate() {
	local f bad=0
	for f in "$1"/sitemap*.xml; do
		xmllint --noout --schema "$XSD" "$f" >"$TMP/xmllint.out" 2>&1 || {
			bad=1; head -5 "$TMP/xmllint.out"; }
	done
	return $bad
}

# The checks that read XML: python's parser, the same rules as the schemas
# plus what XSD cannot say (URL counts, sizes, the listed kinds).
cat >"$TMP/check.py" <<'PY'
import json, os, re, sys, xml.etree.ElementTree as ET
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "v": "http://www.google.com/schemas/sitemap-video/1.1",
      "a": "http://www.w3.org/2005/Atom"}
URLS_MAX, BYTES_MAX = 45000, 45000000

def urls(out):
    """(loc, element) of every <url> of every part, and the parts' names."""
    root = ET.parse(os.path.join(out, "sitemap.xml")).getroot()
    files = ["sitemap.xml"]
    if root.tag.endswith("sitemapindex"):
        files = [l.text.rsplit("/", 1)[1] for l in root.findall("s:sitemap/s:loc", NS)]
    res = []
    for f in files:
        p = os.path.join(out, f)
        r = ET.parse(p).getroot()
        us = r.findall("s:url", NS)
        if len(us) > URLS_MAX or os.path.getsize(p) > BYTES_MAX:
            sys.exit("%s: %d URLs, %d bytes: over the limits" % (f, len(us), os.path.getsize(p)))
        res += [(u.find("s:loc", NS).text, u) for u in us]
    return res, files

def listed(out, base):
    res, files = urls(out)
    locs = [l for l, _ in res]
    if len(locs) != len(set(locs)):
        sys.exit("a URL is listed twice")
    for l in locs:
        path = l[len(base):]
        if re.search(r"^/(search|code|e)[/.]|^/404\.html$|\.(json|xml|txt)$|^/(assets|img)/", path):
            sys.exit("utility or non-page URL listed: " + l)
    return res, files

cmd, out, base = sys.argv[1], sys.argv[2], sys.argv[3]
if cmd == "listed":
    # every HTML page of the allow-listed kinds, and nothing else
    res, files = listed(out, base)
    want = set()
    for d, _, fs in os.walk(out):
        for f in fs:
            rel = os.path.relpath(os.path.join(d, f), out)
            if not rel.endswith(".html") or rel.startswith(("search", "code", "e/", ".")) or rel == "404.html":
                continue
            url = "/" + (rel[:-len("index.html")] if rel.endswith("index.html") else rel)
            want.add(base + url)
    got = set(l for l, _ in res)
    if got != want:
        sys.exit("listed != content pages: missing %s, extra %s" % (sorted(want - got)[:3], sorted(got - want)[:3]))
    print(len(files), len(got))
elif cmd == "videos":
    # each watch page's video block: player_loc the embed page, limits held
    res, _ = listed(out, base)
    n = 0
    for loc, u in res:
        v = u.find("v:video", NS)
        m = re.match(re.escape(base) + r"/v/([0-9a-f-]{36})(/|\.html)$", loc)
        if (v is None) != (m is None):
            sys.exit("video block on a non-watch page or missing: " + loc)
        if v is None:
            continue
        n += 1
        want = base + "/e/" + m.group(1) + m.group(2)
        if v.find("v:player_loc", NS).text != want:
            sys.exit("player_loc %s, want %s" % (v.find("v:player_loc", NS).text, want))
        t, d = v.find("v:title", NS).text, v.find("v:description", NS).text
        dur = int(v.find("v:duration", NS).text)
        if not (0 < len(t) <= 100 and 0 < len(d) <= 2048 and 1 <= dur <= 28800):
            sys.exit("limits broken at %s: title %d, description %d, duration %d" % (loc, len(t), len(d), dur))
        if u.find("s:lastmod", NS) is None:
            sys.exit("no lastmod: " + loc)
    print(n)
elif cmd == "cuts":
    # the hostile catalog: each title/description is the original's prefix
    # (cut on a character) with "…", or the original itself
    src = {}
    for f in sys.argv[4:]:
        for it in json.load(open(f))["items"]:
            src[it["guid"]] = it
    res, _ = listed(out, base)
    cut = 0
    for loc, u in res:
        v = u.find("v:video", NS)
        if v is None:
            continue
        it = src[loc.rstrip("/").rsplit("/", 1)[1]]
        for el, orig, lim in (("title", it["title"], 100), ("description", it["description"] or it["title"], 2048)):
            got = v.find("v:" + el, NS).text
            clean = "".join(ch for ch in orig if ch in "\t\n\r" or ord(ch) >= 0x20)
            if len(clean) <= lim:
                if got != clean:
                    sys.exit("%s changed though it fits: %r" % (el, got[:80]))
            else:
                cut += 1
                if len(got) != lim or not got.endswith("\u2026") or not clean.startswith(got[:-1]):
                    sys.exit("%s cut wrong: %d chars, %r" % (el, len(got), got[-20:]))
        dur = int(v.find("v:duration", NS).text)
        if dur != min(max(it["length"], 1), 28800):
            sys.exit("duration %d for length %d" % (dur, it["length"]))
    print(cut)
elif cmd == "feed":
    f = ET.parse(os.path.join(out, "feed.xml")).getroot()
    es = f.findall("a:entry", NS)
    pub = [e.find("a:published", NS).text for e in es]
    upd = [e.find("a:updated", NS).text for e in es]
    if not es:
        sys.exit("no entries")
    if pub != sorted(pub, reverse=True):
        sys.exit("entries not newest first")
    if any(u < p for u, p in zip(upd, pub)):
        sys.exit("an entry updated before it was published")
    if f.find("a:updated", NS).text != max(upd):
        sys.exit("feed updated %s, newest entry %s" % (f.find("a:updated", NS).text, max(upd)))
    print(len(es))
elif cmd == "updated":
    # the updated of entry guid
    f = ET.parse(os.path.join(out, "feed.xml")).getroot()
    for e in f.findall("a:entry", NS):
        if e.find("a:id", NS).text.endswith(base):
            print(e.find("a:updated", NS).text, e.find("a:published", NS).text)
PY
CHECK() { python3 "$TMP/check.py" "$@" 2>&1; }

# --- the fixture site ---------------------------------------------------------
S1="$TMP/s1" C1="$TMP/c1" O1="$TMP/o1"
cp -r "$FIXTURE/content" "$C1"
cp "$FIXTURE/catalog/videos-page-1.json" "$TMP/fixture.json"
mkcatalog "$S1" "$TMP/fixture.json" || { notok "catalog.db from the fixture"; exit 1; }
build "$S1" "$C1" "$O1" || { notok "fixture build"; cat "$TMP/build.err"; exit 1; }
BASE=https://example.test
check "fixture: sitemap.xml validates (sitemaps.org 0.9 + video extension)" validate "$O1"
r=$(CHECK listed "$O1" "$BASE"); check "fixture: exactly the content pages are listed ($r)" [ $? -eq 0 ] 
echo "$r" | grep -q '^1 ' || echo "$r"
r=$(CHECK videos "$O1" "$BASE"); check "fixture: every watch page has a video block, player_loc /e/<guid>/, lastmod ($r)" [ "$r" = 14 ]
check "fixture: /search/, /code/, 404 are not listed" bash -c "! grep -qE '/(search|code)/|404' '$O1/sitemap.xml'"

# noindex on the utility pages, and only there
NOINDEX='<meta name="robots" content="noindex">'
check "noindex on /search/, /code/ and 404.html" bash -c "grep -qF '$NOINDEX' '$O1/search/index.html' &&
    grep -qF '$NOINDEX' '$O1/code/index.html' && grep -qF '$NOINDEX' '$O1/404.html'"
# (the embed pages /e/<guid>/ carry their own "noindex, indexifembedded": not the layout's)
others=$(cd "$O1" && grep -rlF 'noindex' --include=*.html . | grep -vE '^\./(search/index|code/index|404)\.html$|^\./e/' | wc -l)
check "no other page says noindex ($others of them do)" [ "$others" = 0 ]
check "the layout's noindex is on none of the content pages" bash -c "! grep -rlF '$NOINDEX' '$O1/v' '$O1/c' '$O1/t' '$O1/s' '$O1/new' '$O1/free' '$O1/index.html'"

# the feed
r=$(CHECK feed "$O1" "$BASE"); check "feed: well-formed, newest first, updated >= published, feed updated = newest ($r entries)" [ "$r" = 14 ]
check "feed: hostile title escaped" grep -qF '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' "$O1/feed.xml"

# a change pulled later: that video's updated moves, published stays
G=23b8c1e9-3924-46de-beb1-3b9046685257
read -r u0 p0 < <(CHECK updated "$O1" "$G")
check "feed: an unchanged video's updated is its upload time ($u0)" [ "$u0" = "$p0" ]
before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
python3 - "$TMP/fixture.json" "$G" <<'PY'
import json, sys
p, g = sys.argv[1:]
d = json.load(open(p))
for it in d["items"]:
    it["views"] += 1000			# plays: not a change of the video
    if it["guid"] == g:
        it["title"] += " (director's cut)"
json.dump(d, open(p, "w"))
PY
mkcatalog "$S1" "$TMP/fixture.json"
build "$S1" "$C1" "$O1"
read -r u1 p1 < <(CHECK updated "$O1" "$G")
check "feed: a pulled title change moves that entry's updated to the pull ($u1 >= $before), published stays" \
    bash -c "[[ '$u1' > '$before' || '$u1' == '$before' ]] && [ '$p1' = '$p0' ]"
feed_upd=$(grep -o '<updated>[^<]*' "$O1/feed.xml" | head -1 | cut -c10-)
check "feed: the feed's updated follows ($feed_upd)" [ "$feed_upd" = "$u1" ]
r=$(CHECK feed "$O1" "$BASE"); check "feed still valid after the change ($r)" [ "$r" = 14 ]
n_upd=$(grep -c "<updated>$u1</updated>" "$O1/feed.xml")
check "feed: views changes moved no other entry (2 lines carry $u1: $n_upd)" [ "$n_upd" = 2 ]
lm=$(grep -o "<loc>$BASE/v/$G/</loc><lastmod>[^<]*" "$O1/sitemap.xml" | sed 's/.*<lastmod>//')
check "sitemap: that page's lastmod is the change too ($lm)" [ "$lm" = "$u1" ]
# nothing new: nothing rewritten (the pull time of an unchanged catalog is not a change)
mkcatalog "$S1" "$TMP/fixture.json"
sum1=$(cat "$O1/feed.xml" "$O1"/sitemap*.xml | sha256sum)
build "$S1" "$C1" "$O1"
check "a re-pull with nothing changed leaves the feed and sitemap as they were" \
    [ "$sum1" = "$(cat "$O1/feed.xml" "$O1"/sitemap*.xml | sha256sum)" ]
# a change that no card shows (the width): that page's lastmod moves all the same,
# in a rebuild that takes every card, with its sitemap entry, from STATE/card-texts
# (the entry is kept under the video's last change too: docs/site.md, "Card texts")
G2=$(python3 -c 'import json, sys; print([it["guid"] for it in json.load(open(sys.argv[1]))["items"] if it["guid"] != sys.argv[2]][0])' "$TMP/fixture.json" "$G")
sleep 1	# the pull's second, after the title change's
python3 - "$TMP/fixture.json" "$G2" <<'PY'
import json, sys
p, g = sys.argv[1:]
d = json.load(open(p))
for it in d["items"]:
    if it["guid"] == g:
        it["width"] += 2
json.dump(d, open(p, "w"))
PY
mkcatalog "$S1" "$TMP/fixture.json"
build "$S1" "$C1" "$O1"
read -r u2 p2 < <(CHECK updated "$O1" "$G2")
lm2=$(grep -o "<loc>$BASE/v/$G2/</loc><lastmod>[^<]*" "$O1/sitemap.xml" | sed 's/.*<lastmod>//')
check "sitemap: a width change moves that page's lastmod to the pull ($lm2, feed $u2, was $p2)" \
    bash -c "[ '$lm2' = '$u2' ] && [[ '$u2' > '$u1' ]]"

# url_style html: player_loc /e/<guid>.html
python3 - "$C1/site.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["url_style"] = "html"; json.dump(d, open(sys.argv[1], "w"))
PY
build "$S1" "$C1" "$O1"
check "url_style html: the sitemap validates" validate "$O1"
r=$(CHECK videos "$O1" "$BASE"); check "url_style html: player_loc /e/<guid>.html ($r)" [ "$r" = 14 ]

# --- hostile and over-long titles, descriptions, durations ----------------------
S2="$TMP/s2" C2="$TMP/c2" O2="$TMP/o2"
cp -r "$FIXTURE/content" "$C2"
rm -f "$C2/videos/"*.json
python3 - "$TMP/hostile.json" <<'PY'
import json, sys, uuid
items = []
def add(i, title, desc, length):
    items.append({"videoLibraryId": 1, "guid": str(uuid.UUID(int=0x1000 + i, version=4)),
        "title": title, "description": desc, "dateUploaded": "2025-10-%02dT10:00:00" % (1 + i),
        "views": 0, "isPublic": True, "length": length, "status": 4, "width": 1920,
        "height": 1080, "thumbnailFileName": "thumbnail.jpg", "captions": [], "chapters": [],
        "category": "", "metaTags": [], "collectionId": ""})
add(0, "]]> & < > \" ' </video:title>" * 5, "]]>&<" * 600, 100000)          # over 100/2048, escapes at the cut
add(1, "東京の夜" * 40, "🎬" * 3000, 0)                                         # 3- and 4-byte characters
add(2, "x" * 99 + "&" + "y", "d" * 2047 + "é" + "z", 28800)                     # the cut falls on an escape
add(3, "x" * 100, "d" * 2048, 28801)                                             # exactly at the limits
add(4, "\x01\x02 controls \x7f\u2028 kept", None, 7)                             # no description: the title
add(5, "e\u0301" * 60, "a\u200d" * 1100, 1)                                      # combining marks, ZWJ: code points
json.dump({"totalItems": len(items), "currentPage": 1, "itemsPerPage": 100, "items": items},
          open(sys.argv[1], "w"), ensure_ascii=False)
PY
mkcatalog "$S2" "$TMP/hostile.json" || { notok "hostile catalog"; exit 1; }
build "$S2" "$C2" "$O2" || { notok "hostile build"; cat "$TMP/build.err"; }
check "hostile: sitemap.xml validates (limits, escapes, UTF-8)" validate "$O2"
check "hostile: sitemap.xml and feed.xml are well-formed" xmllint --noout "$O2/sitemap.xml" "$O2/feed.xml"
r=$(CHECK cuts "$O2" "$BASE" "$TMP/hostile.json"); check "hostile: over-long texts cut to the limit with …, on a character, others intact ($r cut)" [ "$r" = 8 ]
r=$(CHECK videos "$O2" "$BASE"); check "hostile: every video block within Google's limits ($r)" [ "$r" = 6 ]
check "hostile: ]]> and < escaped in the sitemap and the feed" bash -c "! grep -q ']]>' '$O2/sitemap.xml' '$O2/feed.xml' &&
    grep -qF ']]&gt; &amp; &lt; &gt; &quot; &#39; &lt;/video:title&gt;' '$O2/sitemap.xml' && grep -qF ']]&gt;&amp;&lt;' '$O2/feed.xml'"
r=$(CHECK feed "$O2" "$BASE"); check "hostile: the feed is valid ($r entries)" [ "$r" = 6 ]

# the schemas can fail: each broken rule is refused
bad() { # NAME SED-EXPRESSION: the hostile sitemap edited must not validate
	sed -E "$2" "$O2/sitemap.xml" >"$TMP/bad.xml"
	if cmp -s "$TMP/bad.xml" "$O2/sitemap.xml"; then notok "schema refuses $1 (the edit changed nothing)"; return; fi
	if xmllint --noout --schema "$XSD" "$TMP/bad.xml" >/dev/null 2>&1; then notok "schema refuses $1"
	else ok "schema refuses $1"; fi
}
bad "a 101-character title" "0,/<video:title>[^<]*</s//<video:title>$(printf 'x%.0s' $(seq 101))</"
bad "a 2049-character description" "0,/<video:description>[^<]*</s//<video:description>$(printf 'x%.0s' $(seq 2049))</"
bad "an empty title" "0,/<video:title>[^<]*</s//<video:title></"
bad "duration 28801" "0,/<video:duration>[0-9]*</s//<video:duration>28801</"
bad "duration 0" "0,/<video:duration>[0-9]*</s//<video:duration>0</"
bad "a video without player_loc" "0,/<video:player_loc>[^<]*<\/video:player_loc>/s///"
bad "a video without thumbnail" "0,/<video:thumbnail_loc>[^<]*<\/video:thumbnail_loc>/s///"
bad "an unknown element" "0,/<lastmod>/s//<priority>2<\/priority><lastmod>/"
bad "a relative loc" "0,/<loc>https:\/\/example.test/s//<loc>/"

# --- big enough to split by bytes (2 048-character descriptions of '"') ----------
S3="$TMP/s3" C3="$TMP/c3" O3="$TMP/o3"
cp -r "$FIXTURE/content" "$C3"
rm -f "$C3/videos/"*.json
python3 - "$TMP/big.json" <<'PY'
import json, sys, uuid
items = [{"videoLibraryId": 1, "guid": str(uuid.UUID(int=0x20000 + i, version=4)),
          "title": "&" * 150, "description": '"' * 2100,
          "dateUploaded": "2024-01-01T00:00:00", "views": 0, "isPublic": i % 2 == 0,
          "length": 60 + i, "status": 4, "width": 1920, "height": 1080,
          "thumbnailFileName": "thumbnail.jpg", "captions": [], "chapters": [],
          "category": "", "metaTags": [], "collectionId": ""} for i in range(3800)]
for i, it in enumerate(items):	# distinct upload times, newest first
    it["dateUploaded"] = "2024-01-01T%02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60)
json.dump({"totalItems": len(items), "currentPage": 1, "itemsPerPage": 4000, "items": items}, open(sys.argv[1], "w"))
PY
mkcatalog "$S3" "$TMP/big.json" || { notok "big catalog"; exit 1; }
python3 - "$C3/site.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["page_size"] = 500; json.dump(d, open(sys.argv[1], "w"))
PY
build "$S3" "$C3" "$O3" || { notok "big build"; cat "$TMP/build.err"; }
nparts=$(ls "$O3"/sitemap-*.xml 2>/dev/null | wc -l)
check "split: 3 800 entries of ~13 kB make a sitemap index and $nparts parts (> 1, by bytes)" [ "$nparts" -ge 2 ]
check "split: the index is a valid sitemapindex naming each part" bash -c "xmllint --noout --schema '$XSD' '$O3/sitemap.xml' 2>/dev/null &&
    [ \$(grep -c '<sitemap><loc>$BASE/sitemap-[0-9]*.xml</loc><lastmod>' '$O3/sitemap.xml') = $nparts ]"
check "split: every part validates" validate "$O3"
r=$(CHECK listed "$O3" "$BASE"); check "split: every content page in exactly one part, each part within 45 000 URLs and 45 MB ($r)" [ $? -eq 0 ]
sizes=$(stat -c %s "$O3"/sitemap-*.xml | tr '\n' ' ')
check "split: parts fill up to the byte limit, not the URL limit (sizes: $sizes)" \
    bash -c "[ \$(stat -c %s '$O3/sitemap-1.xml') -gt 40000000 ] && [ \$(stat -c %s '$O3/sitemap-1.xml') -le 45000000 ]"

# --- past 5 000 URLs: parts of at most 5 000, the oldest videos first -------------
# A changed title rewrites the one part that lists the video (and the index,
# for its <lastmod>); an upload leaves the parts of older videos as they were.
S4="$TMP/s4" C4="$TMP/c4" O4="$TMP/o4"
cp -r "$FIXTURE/content" "$C4"
rm -f "$C4/videos/"*.json
many() { # OUT.json [title|upload]
	python3 - "$1" "${2:-}" <<'PY'
import json, sys, uuid
items = [{"videoLibraryId": 1, "guid": str(uuid.UUID(int=0x30000 + i, version=4)),
          "title": "Video %d" % i, "description": "",
          "dateUploaded": "2024-%02d-%02dT%02d:%02d:00" % (1 + i // 600, 1 + i // 24 % 25, i % 24, i % 60),
          "views": 0, "isPublic": True, "length": 60, "status": 4, "width": 1920, "height": 1080,
          "thumbnailFileName": "thumbnail.jpg", "captions": [], "chapters": [],
          "category": "", "metaTags": [], "collectionId": ""} for i in range(5600)]
if sys.argv[2] in ("title", "upload"):	# the upload comes after the rename
    items[100]["title"] = "Video 100, renamed"
if sys.argv[2] == "upload":
    items.append(dict(items[0], guid=str(uuid.UUID(int=0x3ffff, version=4)),
                      title="The newest", dateUploaded="2025-01-01T00:00:00"))
json.dump({"totalItems": len(items), "currentPage": 1, "itemsPerPage": 6000, "items": items},
          open(sys.argv[1], "w"))
PY
}
sums() { (cd "$O4" && sha256sum sitemap*.xml); }
# the files whose bytes differ between two sums() lists, on one line
moved() { diff "$1" "$2" | awk '/^>/ {print $3}' | tr '\n' ' '; }
many "$TMP/many.json" && mkcatalog "$S4" "$TMP/many.json" || { notok "5 600-video catalog"; exit 1; }
build "$S4" "$C4" "$O4" || { notok "5 600-video build"; cat "$TMP/build.err"; }
nparts=$(ls "$O4"/sitemap-*.xml 2>/dev/null | wc -l)
check "5 600 videos: a sitemap index and 2 parts ($nparts)" [ "$nparts" = 2 ]
check "5 600 videos: every part validates" validate "$O4"
r=$(CHECK listed "$O4" "$BASE"); check "5 600 videos: every content page in exactly one part ($r)" [ $? -eq 0 ]
check "5 600 videos: the first part holds 5 000 URLs" [ "$(grep -o '<url>' "$O4/sitemap-1.xml" | wc -l)" = 5000 ]
first=$(grep -o '<loc>[^<]*' "$O4/sitemap-1.xml" | head -1 | cut -c6-)
oldest=$(python3 -c "import uuid; print(uuid.UUID(int=0x30000, version=4))")
check "5 600 videos: the oldest video first ($first)" [ "$first" = "$BASE/v/$oldest/" ]
sums >"$TMP/sums0"
many "$TMP/many.json" title && mkcatalog "$S4" "$TMP/many.json" && build "$S4" "$C4" "$O4"
sums >"$TMP/sums1"
r=$(moved "$TMP/sums0" "$TMP/sums1")
check "a changed title rewrites its part and the index only ($r)" [ "$r" = "sitemap-1.xml sitemap.xml " ]
check "the part has the new title" grep -q 'Video 100, renamed' "$O4/sitemap-1.xml"
many "$TMP/many.json" upload && mkcatalog "$S4" "$TMP/many.json" && build "$S4" "$C4" "$O4"
sums >"$TMP/sums2"
r=$(moved "$TMP/sums1" "$TMP/sums2")
check "an upload leaves the part of older videos as it was (moved: $r)" [ "$r" = "sitemap-2.xml sitemap.xml " ]
check "the upload is listed" grep -q "$(python3 -c "import uuid; print(uuid.UUID(int=0x3ffff, version=4))")" "$O4/sitemap-2.xml"

exit $((FAILS > 0))
