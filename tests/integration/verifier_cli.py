#!/usr/bin/env python3
"""Integration: bin/onlytoken — mint (plain, --json, --csv), list filters,
revoke, check (codes, tokens made by an independent Python implementation of
the legacy format, the access rule with --video), import-legacy from the old
system's SQLite file and CSV export with the curator database's id -> GUID
map, sign against the shared Bunny vectors, usage errors, and that the store
never holds a code in clear.
"""
import csv
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import (check, code_hash, cookie_make, legacy_token,  # noqa: E402
                          make_access_db, new_tree, now, onlytoken, write_keys)
import verifier_lib  # noqa: E402

SECRET = "cli-secret-0123456789abcdef"
G1 = "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
G2 = "11111111-2222-3333-4444-555555555555"


def main():
    base, site, var = new_tree()
    keys = os.path.join(var, "verifier.keys")
    db = os.path.join(var, "tokens.db")
    adb = os.path.join(var, "access.db")
    write_keys(keys, [f"SECRET_KEY={SECRET}", "BUNNY_TOKEN_KEY=cli-bunny-0123456789abcdef"])
    make_access_db(adb, [(G1, "ppv", "vz-x.b-cdn.net", 10), (G2, "vip", "vz-x.b-cdn.net", 10)])
    a = ["--db", db, "--keys", keys]
    try:
        mint_list_revoke(a, db)
        check_cmd(a, adb)
        revoke_log_id(a)
        import_legacy(base, a)
        sign(base)
        usage(a)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if verifier_lib.FAILED else 0


def mint_list_revoke(a, db):
    p = onlytoken("mint", "--level", "vip", "--count", "3", "--note", "batch, \"one\"", *a)
    codes = p.stdout.split()
    check(len(codes) == 3 and len(set(codes)) == 3 and
          all(re.fullmatch(r"OM43-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", c) for c in codes),
          "mint --count 3 prints 3 OM43-XXXX-XXXX-XXXX codes (48 bits)", p.stdout)
    p = onlytoken("mint", "--level", "ppv", "--video", G1, "--days", "2", "--json", *a)
    j = json.loads(p.stdout)
    check(len(j) == 1 and j[0]["video"] == G1 and j[0]["level"] == "ppv" and
          abs(j[0]["expires_at"] - (now() + 2 * 86400)) < 5, "mint --json", p.stdout)
    ppv = j[0]["code"]
    p = onlytoken("mint", "--level", "public", "--count", "2", "--csv", "--note", 'x,"y"', *a)
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    check(len(rows) == 2 and rows[0]["level"] == "public" and rows[0]["note"] == 'x,"y"',
          "mint --csv, note quoted", p.stdout)
    with open(db, "rb") as f:
        raw = f.read()
    for extra in ("-wal",):
        if os.path.exists(db + extra):
            with open(db + extra, "rb") as f:
                raw += f.read()
    leaked = [c for c in codes + [ppv] if c.encode() in raw or c.replace("-", "").encode() in raw]
    check(not leaked, "no code is stored in clear", leaked)
    check(not os.path.exists(db + "-wal") or os.path.getsize(db + "-wal") == 0,
          "WAL checkpointed and truncated after a write")
    s = sqlite3.connect(db)
    hashes = {r[0] for r in s.execute("SELECT hash FROM codes")}
    s.close()
    check(code_hash(SECRET, codes[0]) in hashes, "row key is HMAC-SHA256(SECRET_KEY, code), "
          "computed independently in Python")
    p = onlytoken("list", "--json", *a)
    allrows = json.loads(p.stdout)
    check(len(allrows) == 6, "list --json: 6 codes", p.stdout)
    p = onlytoken("list", "--level", "ppv", "--json", *a)
    check(len(json.loads(p.stdout)) == 1, "list --level ppv")
    p = onlytoken("list", "--video", G1, "--json", *a)
    check(len(json.loads(p.stdout)) == 1, "list --video")
    onlytoken("revoke", codes[1].lower(), *a)
    p = onlytoken("revoke", codes[1], *a, check_rc=False)
    check(p.returncode == 1 and "already revoked" in p.stderr, "second revoke: exit 1", p.stderr)
    p = onlytoken("list", "--revoked", "--json", *a)
    r = json.loads(p.stdout)
    check(len(r) == 1 and r[0]["revoked_at"], "list --revoked")
    p = onlytoken("list", "--active", "--json", *a)
    check(len(json.loads(p.stdout)) == 5, "list --active")
    p = onlytoken("list", "--expired", "--json", *a)
    check(len(json.loads(p.stdout)) == 0, "list --expired: none yet")
    p = onlytoken("list", *a)
    check(p.stdout.count("\n") == 6 and "REVOKED" in p.stdout, "list: table", p.stdout)
    mint_list_revoke.codes = codes
    mint_list_revoke.ppv = ppv


def log_id_of_hash(secret, h):
    """X-Only-Code for a store hash, from docs/stats.md (sign/logid.h), in Python."""
    k = hmac.new(secret.encode(), b"onlymatt access-log ids v1", hashlib.sha256).digest()
    return hmac.new(k, b"c" + h, hashlib.sha256).digest()[:6].hex()


def log_id(secret, code):
    return log_id_of_hash(secret, code_hash(secret, code))


# Two store hashes whose log ids collide under SECRET (found by a birthday
# search over 2^25 hashes: 32 bytes of 0x5a, the first 4 the little-endian i).
COLLIDING = (22032475, 32900251, "140cf8afcbaa")


def revoke_log_id(a):
    """list shows each code's log id; revoke --log-id revokes the one row."""
    code = onlytoken("mint", "--level", "vip", "--note", "posted", *a).stdout.split()[0]
    want = log_id(SECRET, code)
    short = code_hash(SECRET, code)[:6].hex()
    rows = json.loads(onlytoken("list", "--json", *a).stdout)
    mine = [r for r in rows if r["id"] == short]
    check(len(mine) == 1 and mine[0]["log_id"] == want and
          all(re.fullmatch(r"[0-9a-f]{12}", r["log_id"]) for r in rows) and
          len({r["log_id"] for r in rows}) == len(rows),
          "list --json: log_id is HMAC(K, 'c' || hash), computed in Python", mine)
    p = onlytoken("list", *a)
    check(f"log {want}" in p.stdout and code not in p.stdout, "list: the log id column",
          p.stdout)
    p = onlytoken("list", "--keys", "/nonexistent", *a[:2], check_rc=False)
    check(p.returncode == 1, "list without the keys: exit 1 (the log ids are keyed)")
    p = onlytoken("revoke", "--log-id", "0123456789ab", *a, check_rc=False)
    check(p.returncode == 1 and "no unrevoked code has log id 0123456789ab" in p.stderr,
          "revoke --log-id of no code: exit 1, says so", p.stderr)
    for bad in ("xyz", "0123456789abc", "0123456789a"):
        p = onlytoken("revoke", "--log-id", bad, *a, check_rc=False)
        check(p.returncode == 1 and "12 hex digits" in p.stderr,
              f"revoke --log-id {bad}: refused", p.stderr)
    p = onlytoken("revoke", "--log-id", want, "OM43-0000-0000-0000", *a, check_rc=False)
    check(p.returncode == 2, "revoke --log-id with a CODE too: usage error")
    p = onlytoken("check", code, *a, check_rc=False)
    check(p.returncode == 0 and "decision: valid" in p.stdout, "before: the code is valid")
    p = onlytoken("revoke", "--log-id", want.upper(), *a, check_rc=False)
    check(p.returncode == 0 and want in p.stdout and code not in p.stdout,
          "revoke --log-id ID: revoked (upper case accepted, no code printed)",
          p.stdout + p.stderr)
    p = onlytoken("check", code, *a, check_rc=False)
    check(p.returncode == 1 and "revoked" in p.stdout, "after: the code is refused", p.stdout)
    p = onlytoken("revoke", "--log-id", want, *a, check_rc=False)
    check(p.returncode == 1 and "no unrevoked code" in p.stderr,
          "second revoke --log-id: exit 1", p.stderr)
    rows = json.loads(onlytoken("list", "--active", "--json", *a).stdout)
    check(all(r["log_id"] != want for r in rows), "no longer active")
    # Two rows with one log id (48 bits): refused, both listed, none revoked.
    i, j, lid = COLLIDING
    hs = [i.to_bytes(4, "little") + b"\x5a" * 28, j.to_bytes(4, "little") + b"\x5a" * 28]
    check([log_id_of_hash(SECRET, h) for h in hs] == [lid, lid], "the colliding pair collides")
    db = sqlite3.connect(a[1])
    for h in hs:
        db.execute("INSERT INTO codes (hash, level, video, expires_at, created_at, revoked_at, "
                   "note) VALUES (?, 'vip', NULL, ?, ?, NULL, '')", (h, now() + 86400, now()))
    db.commit()
    db.close()
    p = onlytoken("revoke", "--log-id", lid, *a, check_rc=False)
    active = json.loads(onlytoken("list", "--active", "--json", *a).stdout)
    check(p.returncode == 1 and "2 unrevoked codes have log id" in p.stderr and
          all(h[:6].hex() in p.stderr for h in hs) and
          sum(r["log_id"] == lid for r in active) == 2,
          "two codes with one log id: refused, both listed by short id, none revoked", p.stderr)


def check_cmd(a, adb):
    codes, ppv = mint_list_revoke.codes, mint_list_revoke.ppv
    p = onlytoken("check", codes[0], *a, check_rc=False)
    check(p.returncode == 0 and "decision: valid" in p.stdout, "check CODE: valid", p.stdout)
    p = onlytoken("check", codes[1], *a, check_rc=False)
    check(p.returncode == 1 and "revoked" in p.stdout, "check revoked CODE: deny", p.stdout)
    p = onlytoken("check", "OM43-0000-0000", *a, check_rc=False)
    check(p.returncode == 1 and "unauthorized" in p.stdout, "check unknown: deny")
    tok = legacy_token(SECRET, ppv, now() + 3600)
    p = onlytoken("check", tok, "--video", G1, "--access-db", adb, *a, check_rc=False)
    check(p.returncode == 0 and "decision: allow" in p.stdout,
          "check Python-made legacy token for its ppv video: allow", p.stdout)
    p = onlytoken("check", tok, "--video", G2, "--access-db", adb, *a, check_rc=False)
    check(p.returncode == 1 and "not_entitled" in p.stdout, "ppv token, other video: deny",
          p.stdout)
    p = onlytoken("check", legacy_token(SECRET, ppv, now()), *a, check_rc=False)
    check(p.returncode == 1 and "expired" in p.stdout, "token at its expiry second: deny")
    p = onlytoken("check", legacy_token("wrong-secret-0123456789", ppv, now() + 60), *a,
                  check_rc=False)
    check(p.returncode == 1 and "signature" in p.stdout, "token with a wrong MAC: deny", p.stdout)
    # A device cookie (format 2) made in Python: codes[1] is revoked, ppv is for G1.
    t = now()
    cookie = cookie_make(SECRET, [(code_hash(SECRET, ppv), t + 3600),
                                  (code_hash(SECRET, codes[1]), t + 3600)], t)
    p = onlytoken("check", cookie, "--video", G1, "--access-db", adb, *a, check_rc=False)
    check(p.returncode == 0 and "2 entries" in p.stdout and "revoked" in p.stdout and
          "decision: allow" in p.stdout and ppv not in p.stdout,
          "check device cookie: each entry, allow for the ppv video, no code printed", p.stdout)
    p = onlytoken("check", cookie, "--video", G2, "--access-db", adb, *a, check_rc=False)
    check(p.returncode == 1 and "not_entitled" in p.stdout,
          "device cookie on the vip video (its vip code revoked): deny", p.stdout)
    p = onlytoken("check", cookie[:-2], *a, check_rc=False)
    check(p.returncode == 1 and "unauthorized" in p.stdout, "truncated device cookie: deny",
          p.stdout)


def import_legacy(base, a):
    old = os.path.join(base, "old.db")
    cur = os.path.join(base, "curator.db")
    c = sqlite3.connect(cur)
    c.execute("CREATE TABLE videos (id INTEGER PRIMARY KEY, bunny_video_id TEXT, title TEXT)")
    c.execute("INSERT INTO videos VALUES (7, ?, 't')", (G1.upper(),))
    c.commit()
    c.close()
    o = sqlite3.connect(old)
    o.execute("CREATE TABLE tokens (id INTEGER PRIMARY KEY, code TEXT, token TEXT, "
              "access_level TEXT, video_id INTEGER, expires_at TEXT, created_at TEXT)")
    rows = [
        ("OM43-AAAA-0001", "vip", None, "2030-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"),
        ("om43-aaaa-0002", "ppv", 7, "2030-01-01T02:00:00.123456+02:00", "2025-01-01T00:00:00Z"),
        ("OM43-AAAA-0003", "public", None, "2031-06-30 12:00:00", "2025-01-01 00:00:00"),
        ("OM43-AAAA-0004", "ppv", 99, "2030-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"),
        ("NOPE", "vip", None, "2030-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"),
    ]
    for r in rows:
        o.execute("INSERT INTO tokens (code, token, access_level, video_id, expires_at, "
                  "created_at) VALUES (?, '', ?, ?, ?, ?)", r)
    o.commit()
    o.close()
    p = onlytoken("import-legacy", old, "--curator", cur, *a, check_rc=False)
    check(p.returncode == 1 and "imported 3, skipped 2" in p.stdout,
          "import-legacy (SQLite): 3 imported, unknown video id and bad code skipped",
          p.stdout + p.stderr)
    check("row 4" in p.stderr and "row 5" in p.stderr, "skipped rows are named", p.stderr)
    p = onlytoken("list", "--json", "--level", "ppv", "--video", G1, *a)
    imp = [r for r in json.loads(p.stdout) if r["note"].startswith("imported")]
    check(len(imp) == 1 and imp[0]["expires_at"] == 1893456000,
          "ppv video id 7 mapped to its GUID; +02:00 offset converted", p.stdout)
    tok = legacy_token(SECRET, "OM43-AAAA-0002", 1893456000)
    p = onlytoken("check", tok, "--video", G1, "--access-db", os.path.join(base, "var", "access.db"),
                  *a, check_rc=False)
    check(p.returncode == 0 and "allow" in p.stdout,
          "a token the old system issued for an imported code is honoured", p.stdout)
    p = onlytoken("check", "OM43-AAAA-0003", *a, check_rc=False)
    check(p.returncode == 0 and "expires 1940587200" in p.stdout,
          "offset-less time read as UTC", p.stdout)
    # CSV export of the same table.
    csvp = os.path.join(base, "old.csv")
    with open(csvp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "code", "token", "access_level", "video_id", "expires_at", "created_at"])
        w.writerow([1, "OM43-BBBB-0001", "x,y", "vip", "", "2030-01-01T00:00:00Z", ""])
        w.writerow([2, "OM43 BBBB 0002", "", "ppv", "7", "2030-01-01T00:00:00+00:00", ""])
    p = onlytoken("import-legacy", csvp, "--curator", cur, *a, check_rc=False)
    check(p.returncode == 0 and "imported 2, skipped 0" in p.stdout, "import-legacy (CSV)",
          p.stdout + p.stderr)
    p = onlytoken("import-legacy", csvp, "--curator", cur, *a, check_rc=False)
    check(p.returncode == 1 and "skipped 2" in p.stdout and "already stored" in p.stderr,
          "importing twice: duplicates skipped", p.stderr)


def sign(base):
    shared = os.environ.get("SHARED") or os.path.join(verifier_lib.ROOT, "..", "shared")
    with open(os.path.join(shared, "testdata", "bunny", "token-vectors.json")) as f:
        vecs = json.load(f)
    n = 0
    for set_name in ("hs256", "hs256_official_e2e"):
        for v in vecs[set_name]["vectors"]:
            i = v["inputs"]
            if i["countries_allowed"] or i["countries_blocked"] or i["ignore_params"] or \
                    i["speed_limit"]:
                continue        # the CLI signs the forms the verifier uses
            kf = os.path.join(base, "bunny.keys")
            write_keys(kf, ["BUNNY_TOKEN_KEY=" + i["security_key"]])
            args = ["sign", i["url"], "--expires", str(i["expires"]), "--key-file", kf]
            if i["path_allowed"]:
                args += ["--token-path", i["path_allowed"]]
            if i["is_directory"]:
                args.append("--directory")
            if i["user_ip"]:
                args += ["--ip", i["user_ip"]]
            p = onlytoken(*args, check_rc=False)
            n += 1
            check(p.returncode == 0 and p.stdout.strip() == v["expected"]["signed_url"],
                  f"sign {set_name}/{v['name']}", p.stdout + p.stderr)
    check(n >= 15, f"sign covered {n} vectors")
    kf = os.path.join(base, "bunny.keys")
    p = onlytoken("sign", "https://vz-x.b-cdn.net/g/playlist.m3u8", "--hours", "2",
                  "--key-file", kf, check_rc=False)
    exp = int(p.stdout.strip().rsplit("expires=", 1)[1]) if "expires=" in p.stdout else 0
    check(p.returncode == 0 and abs(exp - (now() + 7200)) < 5, "sign --hours 2")
    p = onlytoken("sign", "https://x/a b", "--key-file", kf, check_rc=False)
    check(p.returncode == 1 and "cannot sign" in p.stderr, "sign refuses a bad path: exit 1")


def usage(a):
    for args in (["mint", "--level", "ppv"], ["mint", "--level", "gold"],
                 ["mint", "--level", "vip", "--count", "0"], ["revoke"], ["bogus"],
                 ["sign", "https://x/a", "--expires", "1", "--hours", "1"], []):
        p = onlytoken(*args, *(a if args and args[0] != "bogus" else []), check_rc=False)
        check(p.returncode == 2 and "usage" in p.stderr + p.stdout or p.returncode == 2,
              f"onlytoken {' '.join(args)}: exit 2", (p.returncode, p.stderr))


if __name__ == "__main__":
    sys.exit(main())
