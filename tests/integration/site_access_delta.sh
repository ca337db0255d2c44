#!/usr/bin/env bash
# site_access_delta.sh — var/access.db after a rebuild that changes a few rows
# (generator/site/access_db.c, access_rows.c): the build copies the table in
# place and applies only the changed rows, guided by its per-row record
# (access.db.rows).  Whatever path it takes, the table must equal the one a
# clean build writes from the same inputs, be a new file renamed into place
# (the verifier and scripts/replicate see the old or the new table), keep
# its mode, and never trust a record that describes another file (a build
# killed between the table's rename and the record's, a table edited by
# hand) or a damaged one.
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
STATE="$TMP/state" OUT="$TMP/site" CONTENT="$TMP/content"
cp -r "$FIXTURE/content" "$CONTENT"
HOSTILE_GUID=bdd640fb-0667-4ad1-9c80-317fa3b1799d
VIP_GUID=23b8c1e9-3924-46de-beb1-3b9046685257
NEW_GUID=0f0f0f0f-1111-4222-8333-444455556666
DB="$STATE/access.db" REC="$STATE/access.db.rows"

build() { "$GEN" build --offline --state "$STATE" --content "$CONTENT" --out "$OUT" "$@" 2>&1; }
rows() { sqlite3 "$1" "SELECT guid, access, cdn_host, length, title FROM videos ORDER BY guid;"; }
ino() { stat -c %i "$1"; }
# SQLite's file change counter (header bytes 24-27): a table written afresh
# starts low; a copy with the changed rows applied carries the old one + 1
counter() { python3 -c 'import sys; print(int.from_bytes(open(sys.argv[1], "rb").read(28)[24:28], "big"))' "$1"; }
# the table a clean build writes from the same catalog and content
clean_rows() {
	rm -rf "$TMP/clean"
	mkdir -p "$TMP/clean/state"
	cp "$STATE/catalog.db" "$TMP/clean/state/"
	"$GEN" build --offline --state "$TMP/clean/state" --content "$CONTENT" \
	    --out "$TMP/clean/site" >/dev/null 2>&1 || echo "clean build failed"
	rows "$TMP/clean/state/access.db"
}
# catalog page: the fixture without $1 (a guid or -), plus NEW_GUID when $2 = add
catalog() {
	python3 - "$FIXTURE/catalog/videos-page-1.json" "$TMP/page.json" "$1" "$2" "$NEW_GUID" <<'PY'
import copy, json, sys
src, dst, drop, add, new = sys.argv[1:]
d = json.load(open(src))
items = [i for i in d["items"] if i["guid"] != drop]
if add == "add":
    n = copy.deepcopy(d["items"][1]); n["guid"] = new; n["title"] = "Added 'row' \u00e9"
    items.append(n)
d["items"] = items; d["totalItems"] = len(items)
json.dump(d, open(dst, "w"))
PY
	mkcatalog "$STATE" "$TMP/page.json" >/dev/null
}
# content override of one video's title and access
override() {
	python3 - "$CONTENT/videos/all.json" "$1" "$2" "$3" <<'PY'
import json, sys
f, guid, title, access = sys.argv[1:]
d = json.load(open(f)); e = d["videos"].setdefault(guid, {})
e["title"] = title; e["access"] = access
json.dump(d, open(f, "w"), indent=1)
PY
}

# content description of one video (its title and access left as they are)
describe() {
	python3 - "$CONTENT/videos/all.json" "$1" "$2" <<'PY'
import json, sys
f, guid, text = sys.argv[1:]
d = json.load(open(f)); d["videos"].setdefault(guid, {})["description"] = text
json.dump(d, open(f, "w"), indent=1)
PY
}
CAFE_GUID=bd9c66b3-ad3c-4d6d-9a3d-1fa7bc8960a9

catalog - no
out=$(build); echo "# $(echo "$out" | tail -1)"
check "first build writes access.db and its record" test -s "$DB" -a -s "$REC"
check "first build: the table a clean build writes" [ "$(rows "$DB")" = "$(clean_rows)" ]
check "access.db is 0640, its record 0600" [ "$(stat -c %a "$DB") $(stat -c %a "$REC")" = "640 600" ]
cp "$REC" "$TMP/rec.first"
c0=$(counter "$DB")

# a few rows change: a title and a level (content), a video gone, one added
chmod 0604 "$DB"	# an administrator's mode survives the copy
i0=$(ino "$DB")
override "$VIP_GUID" "Renamed <b>&amp;</b>" public
catalog "$HOSTILE_GUID" add
out=$(build); echo "# $(echo "$out" | tail -1)"
check "delta rebuild says access.db written" bash -c "echo '$out' | grep -q 'access.db written'"
check "delta rebuild: the table a clean build writes" [ "$(rows "$DB")" = "$(clean_rows)" ]
check "delta rebuild: the changed title and level are in" \
    [ "$(sqlite3 "$DB" "SELECT access || '|' || title FROM videos WHERE guid='$VIP_GUID'")" = "public|Renamed <b>&amp;</b>" ]
check "delta rebuild: the removed video is gone, the added one in" \
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM videos WHERE guid='$HOSTILE_GUID'; SELECT count(*) FROM videos WHERE guid='$NEW_GUID'" | tr '\n' ' ')" = "0 1 " ]
check "delta rebuild renames a new file into place (inode $i0 -> $(ino "$DB"))" [ "$i0" != "$(ino "$DB")" ]
check "delta rebuild applied the rows to a copy (change counter $c0 -> $(counter "$DB"))" [ "$(counter "$DB")" = $((c0 + 1)) ]
check "delta rebuild keeps the table's mode" [ "$(stat -c %a "$DB")" = 604 ]
check "delta rebuild: integrity_check ok, schema version 2" \
    [ "$(sqlite3 "$DB" "PRAGMA integrity_check; PRAGMA user_version;" | tr '\n' ' ')" = "ok 2 " ]
check "no temporary file left" test ! -e "$DB.tmp" -a ! -e "$REC.tmp" -a ! -e "$REC.staged"

# the manifest lost (its rows checksum too): the table already holds the rows
i0=$(ino "$DB")
rm "$STATE/site-manifest" "$STATE/build-inputs"
out=$(build); echo "# $(echo "$out" | tail -1)"
check "rows unchanged: access.db left in place" bash -c "[ '$i0' = '$(ino "$DB")' ] && echo '$out' | grep -q 'access.db unchanged'"

# a description edited in content/: the row's hash moves with the sum of
# the video's texts, its columns (access, host, length, title) do not; the
# table in place is looked up, not copied, rewritten and synced again
i0=$(ino "$DB") c1=$(counter "$DB")
cp "$REC" "$TMP/rec.before-description"
describe "$CAFE_GUID" "A description of its own, </p><b>not a title</b>"
out=$(build); echo "# $(echo "$out" | tail -1)"
check "description edit: access.db unchanged, the same file" \
    bash -c "[ '$i0' = '$(ino "$DB")' ] && [ '$c1' = '$(counter "$DB")' ] && echo '$out' | grep -q 'access.db unchanged'"
check "description edit: the table a clean build writes" [ "$(rows "$DB")" = "$(clean_rows)" ]
check "description edit: the record left as it was" cmp -s "$REC" "$TMP/rec.before-description"
# the next change of rows lists the described row again (its record keeps
# the old hash): the copy gets both, and equals a clean build's table
override "$CAFE_GUID" "Café renamed" ppv
describe "$VIP_GUID" "Another description"
out=$(build); echo "# $(echo "$out" | tail -1)"
check "after a description edit, a title and level: written as a delta (change counter $c1 -> $(counter "$DB"))" \
    bash -c "echo '$out' | grep -q 'access.db written' && [ '$(counter "$DB")' = $((c1 + 1)) ]"
check "... the table a clean build writes" [ "$(rows "$DB")" = "$(clean_rows)" ]
check "... the new title and level in" \
    [ "$(sqlite3 "$DB" "SELECT access || '|' || title FROM videos WHERE guid='$CAFE_GUID'")" = "ppv|Café renamed" ]

# a record that describes another file (a build killed between the two
# renames left the previous record): not used, the table is written whole
cp "$TMP/rec.first" "$REC"
override "$VIP_GUID" "Second rename" vip
out=$(build); echo "# $(echo "$out" | tail -1)"
check "stale record: the table a clean build writes" [ "$(rows "$DB")" = "$(clean_rows)" ]

# a table edited by hand (another mtime/size): its record no longer describes it
sqlite3 "$DB" "UPDATE videos SET title = 'tampered' WHERE guid = '$NEW_GUID';"
override "$VIP_GUID" "Third rename" vip
out=$(build); echo "# $(echo "$out" | tail -1)"
check "table edited by hand: rewritten whole, the edit gone" \
    bash -c "[ '$(rows "$DB" | tr '\n' '~')' = '$(clean_rows | tr '\n' '~')' ] && ! sqlite3 '$DB' 'SELECT title FROM videos' | grep -q tampered"

# a damaged record (one byte of a row hash flipped): not used
python3 - "$REC" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[16 + 48 + 9] ^= 0xff
open(sys.argv[1], "wb").write(b)
PY
override "$VIP_GUID" "Fourth rename" vip
out=$(build); echo "# $(echo "$out" | tail -1)"
check "damaged record: the table a clean build writes" [ "$(rows "$DB")" = "$(clean_rows)" ]

# a table whose record still matches (same inode, size and mtime) but that
# this build cannot amend (another schema version): written whole
touch -r "$DB" "$TMP/stamp"
sqlite3 "$DB" "PRAGMA user_version = 1;"
touch -r "$TMP/stamp" "$DB"
override "$VIP_GUID" "Fifth rename" vip
out=$(build); echo "# $(echo "$out" | tail -1)"
check "a table of another version under a matching record: rewritten whole, version 2" \
    bash -c "[ '$(rows "$DB" | tr '\n' '~')' = '$(clean_rows | tr '\n' '~')' ] && [ \"\$(sqlite3 '$DB' 'PRAGMA user_version')\" = 2 ]"

# a build that fails after its table was planned and staged (site_access.c
# writes and syncs it on its own thread from the start of the build, and
# renames it in only where the build always wrote it): the old table stays
# in place, untouched, nothing is left staged, and the next build puts the
# new one in.  The failure: a file where the staging directory must go.
rows_before=$(rows "$DB") i0=$(ino "$DB")
: >"$OUT/.onlygen-staging"
override "$VIP_GUID" "Sixth rename" public
out=$(build); rc=$?
echo "$out" | grep -v warning | sed 's/^/# /'
check "a build failing after its table was staged fails (rc $rc)" [ "$rc" -ne 0 ]
check "... and leaves the old table in place, unchanged" \
    bash -c "[ '$i0' = '$(ino "$DB")' ] && [ '$(echo "$rows_before" | tr '\n' '~')' = '$(rows "$DB" | tr '\n' '~')' ]"
check "... and no temporary table, nor its staged record" test ! -e "$DB.tmp" -a ! -e "$REC.staged"
rm "$OUT/.onlygen-staging"
out=$(build); echo "# $(echo "$out" | tail -1)"
check "the next build: the table a clean build writes, the new level in" \
    bash -c "[ '$(rows "$DB" | tr '\n' '~')' = '$(clean_rows | tr '\n' '~')' ] && sqlite3 '$DB' \"SELECT access FROM videos WHERE guid='$VIP_GUID'\" | grep -qx public"

check "the record is never published in the site" bash -c "! find '$OUT' -name '*.rows' | grep -q ."
[ "$FAILS" -eq 0 ]
