#!/usr/bin/env python3
"""Integration: POST /api/hooks/bunny through the real lighttpd +
conf/api.lua + bin/verifier.so (127.0.0.1, free port).  Every
stream_webhook_signature vector from $SHARED is sent with its headers; a
valid call records var/rebuild-request (which video, which status) and
answers at once; anything unsigned, tampered or malformed is refused and
records nothing.  A signed body for another library than BUNNY_LIBRARY_ID
is refused (403), no BUNNY_LIBRARY_ID refuses every webhook (503), and the
same signed body again is acknowledged as a duplicate that triggers nothing
(a call that failed stays retryable).  Under `make check` the module runs
with ASan/UBSan.
"""
import hashlib
import hmac
import json
import os
import shutil
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import Server, check, new_tree, write_keys  # noqa: E402
import verifier_lib  # noqa: E402

SHARED = os.environ.get("SHARED") or os.path.join(verifier_lib.ROOT, "..", "shared")
SECRET = "it-secret-0123456789abcdef"
BUNNY = "it-bunny-key-0123456789abcdef"
PATH = "/api/hooks/bunny"


def headers(sig, ver="v1", alg="hmac-sha256"):
    h = {"Content-Type": "application/json"}
    if ver is not None:
        h["X-BunnyStream-Signature-Version"] = ver
    if alg is not None:
        h["X-BunnyStream-Signature-Algorithm"] = alg
    if sig is not None:
        h["X-BunnyStream-Signature"] = sig
    return h


def record(var):
    p = os.path.join(var, "rebuild-request")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return f.read()


def main():
    with open(os.path.join(SHARED, "testdata", "bunny", "token-vectors.json")) as f:
        vectors = json.load(f)["stream_webhook_signature"]["vectors"]
    key = vectors[0]["inputs"]["read_only_api_key"]
    base, site, var = new_tree()
    write_keys(os.path.join(var, "verifier.keys"),
               [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}",
                f"BUNNY_WEBHOOK_KEY={key}", "BUNNY_LIBRARY_ID=133", "COOKIE_SECURE=0"])
    srv = Server(site, var)
    srv2 = srv3 = None
    try:
        srv.start()
        run(srv, var, vectors)
        library_and_replays(srv, var, key, vectors)
        srv2 = no_key(base, site)
        srv3 = no_library(base, site, key)
    finally:
        srv.stop()
        for s in (srv2, srv3):
            if s:
                s.stop()
    for s in (srv, srv2, srv3):
        if s:
            rep = s.sanitizer_reports()
            check(rep == "", f"no sanitizer report from the server on port {s.port}", rep)
    shutil.rmtree(base, ignore_errors=True)
    return 1 if verifier_lib.FAILED else 0


def run(srv, var, vectors):
    n = 0
    for v in vectors:
        body = bytes.fromhex(v["inputs"]["raw_body_hex"])
        exp = v["expected"]
        st, h, b = srv.request("POST", PATH, body, headers(
            exp["X-BunnyStream-Signature"], exp["X-BunnyStream-Signature-Version"],
            exp["X-BunnyStream-Signature-Algorithm"]))
        n += 1
        if not body:
            check(st == 400, f"vector {v['name']}: authentic but empty body → 400 ({st})", b)
            continue
        want = json.loads(body)
        check(st == 200, f"vector {v['name']}: signed webhook → 200 ({st})", b)
        check(h.get("cache-control") == "no-store", f"vector {v['name']}: answer not cached")
        if want["Status"] in (0, 1, 2, 6, 7, 8):
            before = record(var)
            check(b'"rebuild":false' in b,
                  f"vector {v['name']}: status {want['Status']} is a step on the way: no rebuild", b)
            check(record(var) == before, f"vector {v['name']}: the record is unchanged")
            continue
        check(b'"rebuild":true' in b, f"vector {v['name']}: a rebuild is recorded", b)
        rec = record(var)
        try:
            got = json.loads(rec or "")
        except ValueError:
            got = {}
        check(got.get("VideoGuid") == want["VideoGuid"] and
              got.get("Status") == want["Status"] and
              got.get("VideoLibraryId") == want["VideoLibraryId"] and
              isinstance(got.get("ReceivedAt"), int),
              f"vector {v['name']}: record names the video and status", rec)
    check(n == 8, f"all 8 vectors sent ({n})")

    good = vectors[0]
    body = bytes.fromhex(good["inputs"]["raw_body_hex"])
    sig = good["expected"]["X-BunnyStream-Signature"]
    # Make the record distinguishable, then try every refusal.
    before = record(var)
    bad = ("0" if sig[0] != "0" else "1") + sig[1:]
    cases = [
        ("flipped signature digit", body, headers(bad), 401),
        ("no signature header", body, headers(None), 401),
        ("no version header", body, headers(sig, ver=None), 401),
        ("version v2", body, headers(sig, ver="v2"), 401),
        ("algorithm hmac-sha1", body, headers(sig, alg="hmac-sha1"), 401),
        ("no headers at all", body, {}, 401),
        ("short signature", body, headers(sig[:32]), 401),
        ("body changed after signing", body.replace(b":3}", b":5}"), headers(sig), 401),
        ("body over 4 KiB", b"{" + b" " * 5000 + b"}", headers(sig), 413),
    ]
    for name, b_, h_, want in cases:
        st, h, out = srv.request("POST", PATH, b_, h_)
        check(st == want, f"{name} → {want} ({st})", out)
        check(record(var) == before, f"{name}: nothing recorded")
    st, h, out = srv.request("GET", PATH)
    check(st == 405 and h.get("allow") == "POST", f"GET → 405 with Allow: POST ({st})")
    st, h, out = srv.request("GET", "/api/metrics")
    text = out.decode()
    check('only_webhook_total{result="ok"} 7' in text and
          'only_webhook_total{result="refused"} 10' in text,
          "metrics count accepted and refused webhooks",
          [l for l in text.splitlines() if "webhook" in l])
    mode = stat.S_IMODE(os.stat(os.path.join(var, "rebuild-request")).st_mode)
    check(mode == 0o640, f"record is readable by the watcher's group, not others (mode {oct(mode)})")
    left = [f for f in os.listdir(var) if f.startswith("rebuild-request.")]
    check(left == [], "no temporary files left beside the record", left)
    # The static site is untouched by the hook route.
    st, h, out = srv.request("GET", "/index.html")
    check(st == 200, "the site is still served")


def signed(key, obj):
    body = json.dumps(obj, separators=(",", ":")).encode()
    return body, headers(hmac.new(key.encode(), body, hashlib.sha256).hexdigest())


def library_and_replays(srv, var, key, vectors):
    rec = os.path.join(var, "rebuild-request")
    guid = "0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d"

    # A captured call replayed: vector 0 was accepted above.
    good = vectors[0]
    body = bytes.fromhex(good["inputs"]["raw_body_hex"])
    os.remove(rec)
    st, h, out = srv.request("POST", PATH, body, headers(good["expected"]["X-BunnyStream-Signature"]))
    check(st == 200 and b'"duplicate":true' in out and b'"rebuild":false' in out,
          f"the same signed body again → 200, duplicate, no rebuild ({st})", out)
    check(not os.path.exists(rec), "the replay records nothing")

    # Another library, signed with the same key: refused, nothing recorded.
    b, hd = signed(key, {"VideoLibraryId": 134, "VideoGuid": guid, "Status": 3})
    st, h, out = srv.request("POST", PATH, b, hd)
    check(st == 403 and b'"wrong_library"' in out and b"BUNNY_LIBRARY_ID" in out,
          f"a signed webhook for another library → 403 wrong_library ({st})", out)
    check(not os.path.exists(rec), "another library's webhook records nothing")

    # A call that fails to record (the record's place is a directory) stays
    # retryable: its retry is not taken for a replay.
    b, hd = signed(key, {"VideoLibraryId": 133, "VideoGuid": guid, "Status": 3})
    os.mkdir(rec)
    st, h, out = srv.request("POST", PATH, b, hd)
    check(st == 503, f"a record that cannot be written → 503, Bunny retries ({st})", out)
    os.rmdir(rec)
    st, h, out = srv.request("POST", PATH, b, hd)
    check(st == 200 and b'"rebuild":true' in out and b"duplicate" not in out,
          f"its retry is handled, not a duplicate ({st})", out)
    try:
        got = json.load(open(rec))
    except (OSError, ValueError):
        got = {}
    check(got.get("VideoGuid") == guid, "and recorded", got)
    os.remove(rec)
    st, h, out = srv.request("POST", PATH, b, hd)
    check(st == 200 and b'"duplicate":true' in out and not os.path.exists(rec),
          f"then a copy of it is a duplicate: nothing recorded ({st})", out)
    # A status on the way is remembered too.
    b, hd = signed(key, {"VideoLibraryId": 133, "VideoGuid": guid, "Status": 1})
    st1, _, out1 = srv.request("POST", PATH, b, hd)
    st2, _, out2 = srv.request("POST", PATH, b, hd)
    check(st1 == 200 and b"duplicate" not in out1 and st2 == 200 and
          b'"duplicate":true' in out2, "a step on the way, then its copy: a duplicate",
          (out1, out2))


def no_library(base, site, key):
    var3 = os.path.join(base, "var3")
    os.makedirs(var3)
    write_keys(os.path.join(var3, "verifier.keys"),
               [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}",
                f"BUNNY_WEBHOOK_KEY={key}", "COOKIE_SECURE=0"])
    srv3 = Server(site, var3)
    srv3.start()
    b, hd = signed(key, {"VideoLibraryId": 133, "VideoGuid":
                         "0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d", "Status": 3})
    st, h, out = srv3.request("POST", PATH, b, hd)
    check(st == 503 and b"BUNNY_LIBRARY_ID" in out,
          f"without BUNNY_LIBRARY_ID every webhook is refused (503, says which) ({st})", out)
    check(record(var3) is None, "and nothing is recorded")
    return srv3


def no_key(base, site):
    var2 = os.path.join(base, "var2")
    os.makedirs(var2)
    write_keys(os.path.join(var2, "verifier.keys"),
               [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}", "COOKIE_SECURE=0"])
    srv2 = Server(site, var2)
    srv2.start()
    st, h, out = srv2.request("POST", PATH, b"{}", headers("0" * 64))
    check(st == 503 and b"BUNNY_WEBHOOK_KEY" in out,
          f"without BUNNY_WEBHOOK_KEY every webhook is refused (503, says which key) ({st})", out)
    check(record(var2) is None, "and nothing is recorded")
    return srv2


if __name__ == "__main__":
    sys.exit(main())
