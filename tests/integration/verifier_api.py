#!/usr/bin/env python3
"""Integration: the real lighttpd with conf/lighttpd.conf loading the real
bin/verifier.so on 127.0.0.1 (a free port).  Every endpoint and status, the
hostile cases of issue 5, and the legacy formats cross-checked with an
independent Python implementation.  Under `make check` the module runs with
ASan/UBSan and any report fails the test.

Each redeem comes from its own 127.x.y.z source address (Linux routes all
of 127/8 to lo), so the rate limit (set to 0.001/min, burst 5: refills are
negligible during the run, so nothing depends on timing; the network and
global limits out of the way) only bites where a test means it to.
"""
import itertools
import json
import os
import re
import shutil
import sqlite3
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import (Server, check, code_hash, legacy_token, legacy_verify,  # noqa: E402
                          b64u, b64u_dec, bunny_verify_dir_url, cookie_make, cookie_read,
                          make_access_db, new_tree, now, onlytoken, write_keys)
import verifier_lib  # noqa: E402

SECRET = "it-secret-0123456789abcdef"
BUNNY = "it-bunny-key-0123456789abcdef"
PPV = "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
VIP = "11111111-2222-3333-4444-555555555555"
PUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
OTHER_PPV = "99999999-8888-7777-6666-555555555555"
NEW = "12345678-1234-1234-1234-123456789abc"
STATUSES = []
_addr = itertools.count(1)


def src():
    n = next(_addr)
    return f"127.{10 + n // 65536}.{(n // 256) % 256}.{n % 256}"


def main():
    base, site, var = new_tree()
    keys = os.path.join(var, "verifier.keys")
    tokens = os.path.join(var, "tokens.db")
    write_keys(keys, [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}", "COOKIE_SECURE=0"])
    make_access_db(os.path.join(var, "access.db"), [
        (PPV, "ppv", "vz-test.b-cdn.net", 600), (VIP, "vip", "127.0.0.1:9", 60),
        (PUB, "public", "vz-test.b-cdn.net", 0), (OTHER_PPV, "ppv", "vz-test.b-cdn.net", 30)])
    dbargs = ["--db", tokens, "--keys", keys]
    vip = onlytoken("mint", "--level", "vip", "--days", "10", *dbargs).stdout.split()[0]
    ppv = onlytoken("mint", "--level", "ppv", "--video", PPV, *dbargs).stdout.split()[0]
    pub = onlytoken("mint", "--level", "public", *dbargs).stdout.split()[0]
    rev = onlytoken("mint", "--level", "vip", *dbargs).stdout.split()[0]
    # Rows written by Python straight into the store: an expired code (at
    # this very second) and a code whose hash Python computed itself.
    t = now()
    db = sqlite3.connect(tokens)
    db.execute("INSERT INTO codes VALUES (?, 'vip', NULL, ?, ?, NULL, 'py')",
               (code_hash(SECRET, "OM43-0000-0001"), t, t - 100))
    db.execute("INSERT INTO codes VALUES (?, 'ppv', ?, ?, ?, NULL, 'py')",
               (code_hash(SECRET, "OM43-ABCD-EF01"), PPV, t + 86400, t))
    db.commit()
    db.close()

    # Per address only here: tests/integration/ratelimit_lighttpd.py has the
    # network and global limits, which these hundreds of redeems would spend.
    srv = Server(site, var, {"ONLY_REDEEM_PER_MIN": "0.001", "ONLY_REDEEM_BURST": "5",
                             "ONLY_REDEEM_NET_BURST": "1000000",
                             "ONLY_REDEEM_GLOBAL_FAIL_BURST": "1000000"})
    srv2 = None
    try:
        srv.start()
        run(srv, var, tokens, keys, dbargs, vip, ppv, pub, rev)
        srv2 = run_missing_keys(site)
        run_devices()
    finally:
        srv.stop()
        if srv2:
            srv2.stop()
    check(not BAD_JSON, "every JSON answer of the API parses", BAD_JSON)
    check(500 not in STATUSES, f"no 500 in {len(STATUSES)} responses",
          sorted(set(STATUSES)))
    # The detector itself: a report file in the log directory is found.
    fake = os.path.join(srv.logdir, "asan.0")
    with open(fake, "w") as f:
        f.write("==1==ERROR: AddressSanitizer: heap-buffer-overflow\n")
    check("heap-buffer-overflow" in srv.sanitizer_reports(), "sanitizer report detector works")
    os.unlink(fake)
    for s in (srv, srv2):
        if s:
            rep = s.sanitizer_reports()
            check(rep == "", f"no sanitizer report from the server on port {s.port}", rep)
    shutil.rmtree(base, ignore_errors=True)
    return 1 if verifier_lib.FAILED else 0


BAD_JSON = []


def req(srv, method, path, body=None, headers=None, source=None):
    st, h, b = srv.request(method, path, body, headers, source)
    STATUSES.append(st)
    if (path.startswith("/api/") and path != "/api/metrics" and
            h.get("content-type") == "application/json"):
        try:
            json.loads(b)
        except ValueError:
            BAD_JSON.append((path[:60], b[:200]))
    return st, h, b


def js(b):
    try:
        return json.loads(b)
    except Exception:
        return {}


def redeem(srv, code, source=None, form=True, nxt=None):
    if form:
        body = "code=" + urllib.parse.quote(code, safe="")
        if nxt is not None:
            body += "&next=" + urllib.parse.quote(nxt, safe="")
        hdr = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        body = json.dumps({"code": code})
        hdr = {"Content-Type": "application/json"}
    return req(srv, "POST", "/api/redeem", body.encode(), hdr, source or src())


def cookie_of(h):
    c = h.get("set-cookie", "")
    return c.split(";", 1)[0].split("=", 1)[1] if c.startswith("access_token=") else None


def play(srv, guid, token=None, cookie_header=None):
    hdr = {}
    if cookie_header is not None:
        hdr["Cookie"] = cookie_header
    elif token is not None:
        hdr["Cookie"] = "theme=dark; access_token=" + token
    return req(srv, "GET", "/api/play/" + guid, headers=hdr)


def run(srv, var, tokens, keys, dbargs, vip, ppv, pub, rev):
    # --- health, metrics, static site, headers ---------------------------
    st, h, b = req(srv, "GET", "/api/healthz")
    check(st == 200 and js(b).get("ok") is True, "healthz 200 with stores and keys", b)
    st, h, b = req(srv, "GET", "/")
    check(st == 200 and b"home" in b and h.get("cache-control") == "public, max-age=60",
          "index.html served with a short cache", h)
    csp = h.get("content-security-policy", "")
    check("frame-ancestors 'none'" in csp and "media-src 'self' blob: http://127.0.0.1:9" in csp
          and "connect-src 'self' http://127.0.0.1:9" in csp, "CSP allows the CDN origin", csp)
    check(h.get("x-content-type-options") == "nosniff" and
          h.get("referrer-policy") == "strict-origin-when-cross-origin", "nosniff, referrer policy")
    st, h, b = req(srv, "GET", "/assets/app.0123abcd.css")
    check(st == 200 and h.get("cache-control") == "public, max-age=31536000, immutable",
          "assets cached for a year, immutable", h)
    st, h, b = req(srv, "GET", "/no/such/page")
    check(st == 404 and b"not found" in b, "404 serves /404.html with status 404", (st, b))
    st, h, b = req(srv, "GET", "/verifier.keys")
    check(st == 404, "keys are not under the document root")
    st, h, b = req(srv, "GET", "/api/nothing")
    check(st == 404 and js(b).get("error") == "not_found", "unknown endpoint 404 JSON")
    st, h, b = req(srv, "GET", "/api/healthz")
    check(h.get("cache-control") == "no-store" and "nosniff" in h.get("x-content-type-options", ""),
          "API answers: no-store and the security headers", h)

    # --- redeem -----------------------------------------------------------
    st, h, b = redeem(srv, vip.lower().replace("-", " "))
    tok = cookie_of(h)
    body = js(b)
    check(st == 200 and body.get("ok") is True and body.get("level") == "vip" and
          body.get("video") is None, "redeem: vip code typed in lower case with spaces", b)
    lines = h.get("set-cookie", "").split("\n")
    sc = lines[0]
    check("HttpOnly" in sc and "SameSite=Lax" in sc and "Path=/" in sc and "Secure" not in sc,
          "cookie flags (COOKIE_SECURE=0: no Secure)", sc)
    max_age = int(sc.split("Max-Age=")[1].split(";")[0]) if "Max-Age=" in sc else -1
    # the code's own cookie, a second Set-Cookie header through lighttpd
    # (verifier/module/unlocks.h): named for the code's store key, the same
    # entry, flags and Max-Age
    add = lines[1] if len(lines) == 2 else ""
    aname, _, arest = add.partition("=")
    adec = cookie_read(SECRET, arest.split(";", 1)[0])
    check(aname == "access_add_" + code_hash(SECRET, vip)[:6].hex() and adec is not None and
          [e for e, _ in adec[1]] == [code_hash(SECRET, vip)] and
          "HttpOnly" in add and "SameSite=Lax" in add and "Path=/" in add and
          "Max-Age=%d" % max_age in add,
          "redeem: a second Set-Cookie, the code's own cookie, read by the Python implementation",
          lines)
    check(9 * 86400 <= max_age <= 10 * 86400, "Max-Age capped by the code's 10-day expiry",
          max_age)
    dec = cookie_read(SECRET, tok or "")
    check(dec is not None and [h for h, _ in dec[1]] == [code_hash(SECRET, vip)],
          "cookie is format 2, read by the Python implementation: one entry, the code's hash",
          tok)
    st, h, b = redeem(srv, ppv, form=False)
    ppv_tok = cookie_of(h)
    check(st == 200 and js(b).get("video") == PPV, "redeem: ppv code as JSON", b)
    st, h, b = redeem(srv, pub)
    pub_tok = cookie_of(h)
    check(st == 200 and js(b).get("level") == "public", "redeem: public code")
    st, h, b = redeem(srv, "OM43ABCDEF01")
    check(st == 200 and js(b).get("video") == PPV, "redeem: row written by Python, no dashes")
    st, h, b = redeem(srv, ppv, nxt="/v/" + PPV + "/")
    check(st == 303 and h.get("location") == "/v/" + PPV + "/#code-unlocked-other" and cookie_of(h),
          "no-JS form post: 303 to next#code-unlocked-other (no video field) with the cookie",
          (st, h))
    # Every outcome of a no-JS form post is a 303 back to the page, never JSON.
    for code, frag in (("OM43-0000-0002", "code-invalid"), ("OM43-0000-0001", "code-expired"),
                       (vip, "code-unlocked-vip")):
        st, h, b = redeem(srv, code, nxt="/code/#stale")
        check(st == 303 and h.get("location") == "/code/#" + frag and
              not h.get("content-type", "").startswith("application/json"),
              f"no-JS form post: {frag}: 303 to /code/#{frag}", (st, h, b[:80]))
    for bad_next in ("//evil.example/", "https://evil.example/", "/\\evil", "/a\r\nX: y"):
        st, h, b = redeem(srv, ppv, nxt=bad_next)
        check(st == 200 and "location" not in h, f"next {bad_next!r} ignored (not same-origin)")
    st, h, b = redeem(srv, "OM43-0000-0002")
    check(st == 401 and js(b).get("error") == "invalid_code", "unknown code: 401 invalid_code")
    unknown_msg = js(b).get("message")
    st, h, b = redeem(srv, "XX43-1234-5678")
    check(st == 401 and js(b).get("message") == unknown_msg,
          "wrong prefix: same 401 as an unknown code (no existence oracle)")
    st, h, b = redeem(srv, "OM43-0000-0001")
    check(st == 403 and js(b).get("error") == "expired", "code expiring this second: 403 expired")
    onlytoken("revoke", rev, *dbargs)
    st, h, b = redeem(srv, rev)
    check(st == 403 and js(b).get("error") == "revoked", "revoked code: 403 revoked", b)
    for evil in ("OM43' OR '1'='1", "OM43-9F2A-0C71'; DROP TABLE codes;--", "%' OR 1=1 --",
                 "OM43-9F2A\x00-0C71", "\x00", "OM43-9F2A-0C71\x00", "\"); --"):
        st, h, b = redeem(srv, evil)
        check(st == 401, f"code {evil!r}: 401", (st, b))
        st, h, b = redeem(srv, evil, form=False)
        check(st == 401, f"code {evil!r} as JSON: 401", (st, b))
    st, h, b = req(srv, "POST", "/api/redeem", b"{\"code\": \"\\u0000OM43\"}",
                   {"Content-Type": "application/json"}, src())
    check(st == 401, "JSON \\u0000 in a code: 401")
    st, h, b = req(srv, "POST", "/api/redeem", b"nothing=here",
                   {"Content-Type": "application/x-www-form-urlencoded"}, src())
    check(st == 400 and js(b).get("error") == "bad_request", "no code field: 400", (st, b))
    st, h, b = req(srv, "POST", "/api/redeem", b"{\"code\": ", {"Content-Type": "application/json"},
                   src())
    check(st in (400, 401), "truncated JSON: 4xx", st)
    st, h, b = req(srv, "POST", "/api/redeem", b"code=" + b"A" * 6000,
                   {"Content-Type": "application/x-www-form-urlencoded"}, src())
    check(st == 413, "5 KB body: 413 from the API", st)
    st, h, b = req(srv, "POST", "/api/redeem", b"code=" + b"A" * 40000,
                   {"Content-Type": "application/x-www-form-urlencoded"}, src())
    check(st == 413, "40 KB body: 413 from lighttpd (max-request-size)", st)
    st, h, b = req(srv, "GET", "/api/redeem")
    check(st == 405 and h.get("allow") == "POST", "GET /api/redeem: 405 with Allow", h)

    # --- play ---------------------------------------------------------------
    st, h, b = play(srv, PUB)
    body = js(b)
    check(st == 200 and body.get("url", "").startswith("https://vz-test.b-cdn.net/bcdn_token=HS256-"),
          "public video: signed URL without a cookie", b)
    check(st == 200 and bunny_verify_dir_url(BUNNY, body["url"], PUB, body["expires_at"]),
          "public URL: HS256 directory token with token_path, checked in Python", body)
    check(st == 200 and now() + 900 - 5 <= body["expires_at"] <= now() + 900 + 5,
          "public URL lifetime: ONLY_PLAY_TTL's default, 900 s")
    st, h, b = play(srv, VIP, "garbage!!")
    check(st == 401, "vip video with a garbage cookie: 401")
    st, h, b = play(srv, PUB, "garbage!!")
    check(st == 200, "public video with a garbage cookie: still 200")
    st, h, b = play(srv, VIP)
    check(st == 401 and js(b).get("error") == "unauthorized", "vip video, no cookie: 401", b)
    st, h, b = play(srv, VIP, tok)
    body = js(b)
    check(st == 200 and body.get("url", "").startswith("http://127.0.0.1:9/bcdn_token=HS256-"),
          "vip code plays a vip video; loopback CDN host is http", b)
    check(st == 200 and bunny_verify_dir_url(BUNNY, body["url"], VIP, body["expires_at"]) and
          now() + 900 - 5 <= body["expires_at"] <= now() + 900 + 5,
          "vip URL: signature and lifetime (900 s, whatever the video's length)")
    st, h, b = play(srv, PPV, tok)
    check(st == 200, "vip code plays a ppv video")
    st, h, b = play(srv, PPV, ppv_tok)
    check(st == 200, "ppv code plays its video")
    st, h, b = play(srv, OTHER_PPV, ppv_tok)
    check(st == 403 and js(b).get("error") == "not_entitled", "ppv token on another video: 403 not_entitled")
    st, h, b = play(srv, VIP, ppv_tok)
    check(st == 403 and js(b).get("error") == "not_entitled", "ppv token on a vip video: 403")
    st, h, b = play(srv, VIP, pub_tok)
    check(st == 403 and js(b).get("error") == "not_entitled", "public code on a vip video: 403")
    st, h, b = play(srv, PPV.upper(), ppv_tok)
    check(st == 200, "upper-case GUID is the same video")
    st, h, b = req(srv, "POST", "/api/play/" + VIP, b"")
    check(st == 405 and "GET" in h.get("allow", ""), "POST /api/play: 405")
    st, h, b = play(srv, NEW, tok)
    check(st == 404, "GUID not in the table (unpublished): 404")
    for path in ("/api/play/../../etc/passwd", "/api/play/..%2f..%2fvar%2fverifier.keys",
                 "/api/play/" + "a" * 5000, "/api/play/" + PPV + "/", "/api/play/" + PPV + "x",
                 "/api/play/" + PPV[:-1] + "%00", "/api/play/%2e%2e/" + PPV, "/api/play/",
                 "/api/play/" + PPV.replace("-", "/")):
        st, h, b = req(srv, "GET", path, headers={"Cookie": "access_token=" + tok})
        check(st in (400, 404), f"GET {path[:60]}: 400/404", (st, b[:200]))

    # Tokens made by Python with the legacy algorithm.
    t = now()
    st, h, b = play(srv, VIP, legacy_token(SECRET, vip, t + 3600))
    check(st == 200, "Python-made legacy token accepted")
    st, h, b = play(srv, VIP, legacy_token(SECRET, vip, t))
    check(st == 403 and js(b).get("error") == "expired", "token at its exact expiry second: 403 expired",
          (st, b[:200], t, now()))
    st, h, b = play(srv, VIP, legacy_token(SECRET, vip, t - 1))
    check(st == 403, "token one second past expiry: 403")
    st, h, b = play(srv, VIP, legacy_token(SECRET, vip.lower(), t + 3600))
    check(st == 200, "legacy token whose code is in lower case: normalised for the lookup")
    st, h, b = play(srv, VIP, legacy_token("another-secret-0123456789", vip, t + 3600))
    check(st == 401, "token signed with another key: 401")
    st, h, b = play(srv, VIP, legacy_token(SECRET, "XX43-" + vip[5:], t + 3600))
    check(st == 401, "token with the wrong prefix: 401")
    st, h, b = play(srv, VIP, legacy_token(SECRET, rev, t + 3600))
    check(st == 403 and js(b).get("error") == "revoked", "token of a revoked code: 403 revoked")
    st, h, b = play(srv, VIP, legacy_token(SECRET, "OM43-0000-0001", t + 3600))
    check(st == 403 and js(b).get("error") == "expired", "token of an expired code: 403 expired")
    st, h, b = play(srv, VIP, legacy_token(SECRET, "OM43-7777-7777", t + 3600))
    check(st == 401, "valid MAC but code not in the store: 401")
    # Truncated, garbage, over-long.
    lt = legacy_token(SECRET, vip, now() + 3600)
    for bad in (tok[:-1], tok[:-2], tok[: len(tok) // 2], tok + "A", "====", "%00", tok + "%",
                lt[:-1], lt[:-2], lt[: len(lt) // 2], lt + "A", lt + "%",
                "a" * 300, "é" * 10, b64u(b"OM43-9F2A-0C71|1|x")):
        st, h, b = play(srv, VIP, bad)
        check(st == 401, f"cookie {bad[:24]!r}...: 401", (st, b))
    st, h, b = play(srv, VIP, cookie_header="access_token=" + "A" * 7000)
    check(st == 401, "7 KB cookie: 401", st)
    st, h, b = play(srv, VIP, cookie_header="x=" + "A" * 70000)
    check(st in (400, 413, 431), "70 KB cookie header: refused by lighttpd", st)
    # A device's cookies at their bound (a full set, then 40 add cookies:
    # verifier/module/unlocks.h), here a set-sized junk access_token before
    # the real one, with a browser's usual headers: more than lighttpd's
    # default 8 kB of request header, which conf/lighttpd.conf raises.
    adds = "; ".join("access_add_%012x=e2.%s" % (i, "A" * 110) for i in range(40))
    big = "access_token=e2." + "A" * 1763 + "; access_token=" + tok + "; " + adds
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " + "x" * 200,
               "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
               "Accept-Language": "en-US,en;q=0.9," + "de;q=0.8," * 40,
               "Referer": "http://127.0.0.1/v/" + VIP + "/", "Cookie": big}
    st, h, b = req(srv, "GET", "/api/play/" + VIP, headers=browser)
    size = sum(len(k) + len(v) + 4 for k, v in browser.items())
    check(len(big) < 8192 < size and st == 200,
          "a device's cookies at their bound with a browser's headers (%d bytes of cookies, "
          "%d of headers): still played" % (len(big), size), (st, b[:120]))
    # A MAC with one character changed, at every position of the 43.
    ltok = legacy_token(SECRET, vip, now() + 3600)
    code, exp = legacy_verify(SECRET, ltok)
    raw = b64u_dec(ltok).decode()
    head, sig = raw.rsplit("|", 1)
    bad = 0
    for i in range(len(sig)):
        c = "A" if sig[i] != "A" else "B"
        forged = b64u(f"{head}|{sig[:i]}{c}{sig[i + 1:]}".encode())
        st, h, b = play(srv, VIP, forged)
        bad += st != 401
    check(bad == 0 and len(sig) == 43, f"MAC changed at each of {len(sig)} positions: all 401",
          bad)
    flipped = 0
    for i in range(len(raw)):
        forged = b64u((raw[:i] + chr(ord(raw[i]) ^ 1) + raw[i + 1:]).encode())
        st, h, b = play(srv, VIP, forged)
        flipped += st == 200
    check(flipped == 0, f"any of the {len(raw)} decoded bytes flipped: never 200", flipped)

    st, h, b = play(srv, PPV, cookie_header="access_token=junk; access_token=" + ppv_tok)
    check(st == 200, "a bad access_token sent first (another host's, a longer Path) "
          "does not hide the device's own", (st, b))

    # --- session, logout ------------------------------------------------------
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + ppv_tok})
    body = js(b)
    check(st == 200 and body.get("level") == "ppv" and body.get("video") == PPV and
          isinstance(body.get("expires_at"), int), "session: level, video, expires_at", b)
    st, h, b = req(srv, "GET", "/api/session")
    body = js(b)
    check(st == 200 and body.get("cookie") is False and body.get("unlocks") == [] and
          body.get("level") is None and "set-cookie" not in h,
          "session without a cookie: 200, cookie false, nothing unlocked", (st, b))
    st, h, b = req(srv, "POST", "/api/logout", b"")
    sc = h.get("set-cookie", "")
    check(st == 200 and sc.startswith("access_token=;") and "Max-Age=0" in sc,
          "logout clears the cookie", sc)
    st, h, b = req(srv, "GET", "/api/logout")
    check(st == 405, "GET /api/logout: 405")
    # A form on another site's page, auto-submitted (CSRF): the browser says
    # so in Sec-Fetch-Site; the device's cookie must not be cleared or replaced.
    xs = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    st, h, b = req(srv, "POST", "/api/logout", b"", xs)
    check(st == 403 and js(b).get("error") == "cross_site" and "set-cookie" not in h,
          "cross-site logout: 403 cross_site, no Set-Cookie", (st, h.get("set-cookie"), b))
    st, h, b = req(srv, "POST", "/api/redeem",
                   ("code=" + urllib.parse.quote(vip, safe="") + "&next=/").encode(),
                   dict(xs, **{"Content-Type": "application/x-www-form-urlencoded"}), src())
    check(st == 403 and js(b).get("error") == "cross_site" and "set-cookie" not in h and
          "location" not in h, "cross-site redeem of a valid code: 403, no cookie, no redirect",
          (st, h.get("set-cookie"), h.get("location"), b))
    st, h, b = req(srv, "POST", "/api/logout", b"", {"Sec-Fetch-Site": "same-origin"})
    check(st == 200 and h.get("set-cookie", "").startswith("access_token=;"),
          "same-origin logout: 200, cleared", (st, b))

    # The old system's cookie: the code as the viewer typed it.  Session
    # upgrades a known one under the redeem limit of the address conf/api.lua
    # passes; play never reads it.
    st, h, b = play(srv, PPV, cookie_header="access_token=" + ppv.lower())
    check(st == 401, "typed code in the cookie: /api/play 401", (st, b))
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + ppv.lower()},
                   source=src())
    up = cookie_of(h)
    check(st == 200 and js(b).get("level") == "ppv" and up and up.startswith("e2.") and
          play(srv, PPV, up)[0] == 200, "typed code in the cookie: session sets a format-2 "
          "cookie that plays", (st, b, h.get("set-cookie")))
    one, limited = src(), 0
    for i in range(8):
        st, h, b = req(srv, "GET", "/api/session",
                       headers={"Cookie": "access_token=OM43-DEAD-%04d" % i}, source=one)
        limited += st == 429 and "retry-after" in h
    check(limited == 3, f"typed codes from one address meet the redeem limit: burst 5, then "
          f"429 ({limited} of 8)")

    # --- rate limit -------------------------------------------------------------
    one = src()
    got = [redeem(srv, "OM43-0000-0003", one)[0] for _ in range(5)]
    st, h, b = redeem(srv, vip, one)
    check(got == [401] * 5 and st == 429 and int(h.get("retry-after", "0")) >= 1,
          "flood from one address: 5 attempts, then 429 with Retry-After, even for a good code",
          (got, st, h.get("retry-after")))
    st, h, b = redeem(srv, vip, one)
    check(st == 429 and js(b).get("error") == "rate_limited", "still 429")
    many = [redeem(srv, "OM43-0000-0004")[0] for _ in range(300)]
    check(set(many) == {401}, "flood from 300 addresses: each gets its own bucket (no 429)",
          set(many))

    # --- stores replaced while serving -------------------------------------------
    newdb = os.path.join(var, "tokens.new.db")
    fresh = onlytoken("mint", "--level", "vip", "--db", newdb, "--keys", keys).stdout.split()[0]
    os.replace(newdb, tokens)
    make_access_db(os.path.join(var, "access.db"), [(NEW, "vip", "vz-new.b-cdn.net", 10)])
    time.sleep(1.1)   # the module stats the files at most once per second
    st, h, b = redeem(srv, fresh)
    check(st == 200, "tokens.db replaced: a code of the new file redeems", b)
    new_tok = cookie_of(h)
    st, h, b = redeem(srv, vip)
    check(st == 401, "tokens.db replaced: a code of the old file is gone")
    st, h, b = play(srv, NEW, new_tok)
    check(st == 200 and "vz-new.b-cdn.net" in js(b).get("url", ""),
          "access.db replaced: the new video plays", b)
    st, h, b = play(srv, PUB)
    check(st == 404, "access.db replaced: the old video is gone")

    # --- metrics -------------------------------------------------------------------
    st, h, b = req(srv, "GET", "/api/metrics")
    text = b.decode()
    check(st == 200 and h.get("content-type", "").startswith("text/plain") and
          'only_redeem_total{result="ok"}' in text, "metrics: Prometheus text")

    def metric(name):
        for line in text.splitlines():
            if line.startswith(name + " "):
                return int(line.split()[-1])
        return -1
    check(metric("only_rate_limited_total") == 5, "metrics count the 5 rate-limited attempts "
          "(2 redeems, 3 typed codes in a cookie)", text)
    check(metric('only_play_total{result="denied",reason="not_entitled"}') == 3,
          "metrics count not_entitled denials", text)
    check(metric('only_redeem_total{result="revoked"}') == 1, "metrics count revoked redeems")


def run_missing_keys(site):
    base2 = os.path.dirname(site)
    var2 = os.path.join(base2, "var2")
    os.makedirs(var2)
    make_access_db(os.path.join(var2, "access.db"), [(VIP, "vip", "vz-test.b-cdn.net", 0)])
    t = os.path.join(var2, "tokens.db")
    # a store with one code, made with a temporary keys file
    kf = os.path.join(base2, "tmp.keys")
    write_keys(kf, [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}"])
    code = onlytoken("mint", "--level", "vip", "--db", t, "--keys", kf).stdout.split()[0]
    srv = Server(site, var2, {"ONLY_REDEEM_PER_MIN": "0.001"})
    srv.start()
    st, h, b = req(srv, "GET", "/api/healthz")
    check(st == 503 and js(b).get("keys") is False, "missing key file: healthz 503", b)
    st, h, b = play(srv, VIP)
    check(st == 503 and js(b).get("error") == "unavailable", "missing key file: play 503")
    st, h, b = redeem(srv, code)
    check(st == 503, "missing key file: redeem 503")
    with open(os.path.join(srv.logdir, "error.log")) as f:
        log = f.read()
    check("verifier.keys" in log and SECRET not in log, "error log names the missing file")
    write_keys(os.path.join(var2, "verifier.keys"),
               ["SECRET_KEY=onlymatt-demo-secret-key-do-not-use",
                "BUNNY_TOKEN_KEY=onlymatt-demo-bunny-token-key-do-not-use"])
    time.sleep(1.1)
    st, h, b = req(srv, "GET", "/api/healthz")
    check(st == 503, "demo keys without DEMO=1: still refused")
    write_keys(os.path.join(var2, "verifier.keys"),
               [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}"])
    time.sleep(1.1)
    st, h, b = req(srv, "GET", "/api/healthz")
    check(st == 200, "key file created: healthy within a second, no restart", b)
    st, h, b = redeem(srv, code)
    check(st == 200 and "; Secure;" in h.get("set-cookie", ""), "default cookie is Secure",
          h.get("set-cookie"))
    return srv


HOSTILE_TITLE = 'Pay "per" <view> & </script> \u2028 caf\u00e9 \\ \x01'
OTHER_TITLE = "The other one"
CODE_RE = re.compile(r"^OM43-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")


def redeem_c(srv, code, cookie=None, video=None, form=True, nxt=None):
    """Redeem from a fresh address with the device's cookie; returns (st, h, body, cookie)."""
    hdr = {}
    if cookie:
        hdr["Cookie"] = "theme=dark; access_token=" + cookie
    if form:
        body = "code=" + urllib.parse.quote(code, safe="")
        if video:
            body += "&video=" + video
        if nxt:
            body += "&next=" + urllib.parse.quote(nxt, safe="")
        hdr["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        d = {"code": code}
        if video:
            d["video"] = video
        body = json.dumps(d)
        hdr["Content-Type"] = "application/json"
    st, h, b = req(srv, "POST", "/api/redeem", body.encode(), hdr, net_src())
    return st, h, b, cookie_of(h) or cookie


_net = itertools.count(1)


def net_src():
    """A loopback address in a /24 of its own (127.100.0.1, 127.100.1.1, ...)."""
    n = next(_net)
    return f"127.{100 + n // 256}.{n % 256}.1"


def run_devices():
    """One device, many codes: the format-2 cookie against the real module."""
    base, site, var = new_tree()
    keys = os.path.join(var, "verifier.keys")
    tokens = os.path.join(var, "tokens.db")
    write_keys(keys, [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}", "COOKIE_SECURE=0"])
    make_access_db(os.path.join(var, "access.db"), [
        (PPV, "ppv", "vz-test.b-cdn.net", 600, HOSTILE_TITLE), (VIP, "vip", "vz-test.b-cdn.net", 60, "VIP one"),
        (OTHER_PPV, "ppv", "vz-test.b-cdn.net", 30, OTHER_TITLE)])
    dbargs = ["--db", tokens, "--keys", keys]
    vip = onlytoken("mint", "--level", "vip", *dbargs).stdout.split()[0]
    vip2 = onlytoken("mint", "--level", "vip", *dbargs).stdout.split()[0]
    ppv1 = onlytoken("mint", "--level", "ppv", "--video", PPV, *dbargs).stdout.split()[0]
    ppv2 = onlytoken("mint", "--level", "ppv", "--video", OTHER_PPV, *dbargs).stdout.split()[0]
    bulk = onlytoken("mint", "--level", "vip", "--count", "33", *dbargs).stdout.split()
    check(all(CODE_RE.match(c) for c in [vip, vip2, ppv1, ppv2] + bulk) and len(bulk) == 33,
          "onlytoken mint: every new code has 12 hex digits (48 bits)", [vip] + bulk[:3])
    t = now()
    db = sqlite3.connect(tokens)   # a code minted before this change: 8 digits
    db.execute("INSERT INTO codes VALUES (?, 'ppv', ?, ?, ?, NULL, 'old')",
               (code_hash(SECRET, "OM43-1234-ABCD"), OTHER_PPV, t + 86400, t - 100))
    db.commit()
    db.close()
    # Not a rate-limit test: every redeem comes from its own /24 (net_src),
    # and the network and global budgets are lifted where they exist.
    srv = Server(site, var, {"ONLY_REDEEM_PER_MIN": "0.001", "ONLY_REDEEM_BURST": "5",
                             "ONLY_REDEEM_NET_BURST": "1000000",
                             "ONLY_REDEEM_GLOBAL_FAIL_BURST": "1000000"})
    srv.start()
    try:
        devices(srv, dbargs, vip, vip2, ppv1, ppv2, bulk)
        rep = srv.sanitizer_reports()
        check(rep == "", "no sanitizer report from the devices server", rep)
    finally:
        srv.stop()
        shutil.rmtree(base, ignore_errors=True)


def plays(srv, cookie, guid):
    return play(srv, guid, cookie)[0]


def devices(srv, dbargs, vip, vip2, ppv1, ppv2, bulk):
    st, h, b, c = redeem_c(srv, "1234abcd")
    check(st == 200 and js(b).get("video") == OTHER_PPV,
          "an old 8-digit code (no prefix, lower case) still redeems", b)
    st, h, b, c = redeem_c(srv, vip[5:].lower().replace("-", ""))
    check(st == 200 and js(b).get("level") == "vip",
          "a new code typed without prefix and dashes redeems", b)
    # VIP, then PPV, then another PPV typed on the wrong page.
    st, h, b, c = redeem_c(srv, vip)
    st, h, b, c = redeem_c(srv, ppv1, c, video=PPV, form=False)
    body = js(b)
    check(st == 200 and body.get("unlocks_this") is True and body.get("title") == HOSTILE_TITLE
          and body.get("held") == 2, "ppv on its own page: unlocks_this, title, 2 held", b)
    st, h, b, c = redeem_c(srv, ppv2, c, video=VIP)
    body = js(b)
    check(st == 200 and body.get("unlocks_this") is False and body.get("video") == OTHER_PPV and
          body.get("title") == OTHER_TITLE and body.get("held") == 3,
          "ppv typed on another video: unlocks_this false, names its video and title", b)
    check([plays(srv, c, g) for g in (VIP, PPV, OTHER_PPV)] == [200, 200, 200],
          "VIP then PPV then PPV on one device: all three play")
    dec = cookie_read(SECRET, c)
    want = sorted(code_hash(SECRET, x) for x in (vip, ppv1, ppv2))
    check(dec is not None and [x for x, _ in dec[1]] == want,
          "the cookie holds exactly the three codes' store keys (Python decoder)", c)
    raw = b64u_dec(c[3:])
    leaks = [x for x in (vip, ppv1, ppv2) if x in c or x.encode() in raw or
             x.replace("-", "").encode() in raw or bytes.fromhex(x[5:].replace("-", "")) in raw]
    check(dec is not None and not leaks, "no code in the cookie, in clear or as bytes", leaks)
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + c})
    body = js(b)
    ul = body.get("unlocks", [])
    check(st == 200 and [u.get("level") for u in ul] == ["vip", "ppv", "ppv"] and
          body.get("level") == "vip" and body.get("video") is None,
          "session lists the three unlocks, VIP first, old fields for the first", b)
    titles = {u.get("video"): u.get("title") for u in ul}
    check(titles.get(PPV) == HOSTILE_TITLE and titles.get(OTHER_PPV) == OTHER_TITLE and
          all(isinstance(u.get("expires_at"), int) for u in ul), "session: titles and expiries")
    check(b"<" not in b and b">" not in b and b"&" not in b and b"\\u003c" in b and
          b"\\u2028" in b and b"\\u0001" in b and "café".encode() in b,
          "the title is escaped for any context, UTF-8 kept", b)
    # Revoke one code: only its unlock stops.
    onlytoken("revoke", vip, *dbargs)
    st, h, b = play(srv, VIP, c)
    check(st == 403 and js(b).get("error") == "revoked", "VIP code revoked: the VIP video 403 revoked",
          b)
    check([plays(srv, c, g) for g in (PPV, OTHER_PPV)] == [200, 200],
          "... both PPV unlocks still play")
    onlytoken("revoke", ppv2, *dbargs)
    check([plays(srv, c, g) for g in (PPV, OTHER_PPV)] == [200, 403],
          "second PPV revoked: only its video stops")
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + c})
    nc = cookie_of(h)
    check(st == 200 and len(js(b).get("unlocks", [])) == 1 and nc and
          len(cookie_read(SECRET, nc)[1]) == 1, "session drops the revoked entries from the cookie",
          (b, nc))
    st, h, b, c2 = redeem_c(srv, vip2, c)
    d2 = cookie_read(SECRET, c2)
    check(st == 200 and d2 and sorted(x for x, _ in d2[1]) ==
          sorted([code_hash(SECRET, ppv1), code_hash(SECRET, vip2)]),
          "redeem merges: revoked entries dropped, the live one kept, the new one added")
    check([plays(srv, c2, g) for g in (VIP, PPV, OTHER_PPV)] == [200, 200, 200],
          "the merged cookie plays all (new VIP + PPV)")
    # Legacy cookies keep working and are upgraded.
    lt = legacy_token(SECRET, ppv1, now() + 3600)
    check(plays(srv, lt, PPV) == 200 and plays(srv, lt, VIP) == 403,
          "a legacy long-token cookie still plays its video")
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + lt})
    up = cookie_of(h)
    check(st == 200 and up and up.startswith("e2.") and
          [x for x, _ in cookie_read(SECRET, up)[1]] == [code_hash(SECRET, ppv1)],
          "session upgrades a legacy cookie to format 2", h.get("set-cookie"))
    st, h, b, c3 = redeem_c(srv, vip2, lt)
    check(st == 200 and js(b).get("held") == 2 and
          [plays(srv, c3, g) for g in (VIP, PPV)] == [200, 200],
          "redeem on a legacy cookie merges it: both unlocks play")
    # no-JS form post with video and next: 303 back to the page
    st, h, b, _ = redeem_c(srv, ppv1, c3, video=VIP, nxt="/v/" + VIP + "/")
    check(st == 303 and h.get("location") == "/v/" + VIP + "/#code-unlocked-other",
          "no-JS form: a PPV code for another video: 303 to next#code-unlocked-other", h)
    st, h, b, _ = redeem_c(srv, ppv1, c3, video=PPV, nxt="/v/" + PPV + "/")
    check(st == 303 and h.get("location") == "/v/" + PPV + "/#code-unlocked-ppv",
          "no-JS form: the PPV code on its own video: 303 to next#code-unlocked-ppv", h)

    # Forged, truncated, reordered and oversized cookies: 401, never 200 or 500.
    good = c3
    entries = cookie_read(SECRET, good)[1]
    t = now()
    other = [(code_hash(SECRET, x), t + 3600) for x in bulk[:2]]
    forged = {
        "truncated by 1": good[:-1], "truncated by 4": good[:-4], "half": good[:len(good) // 2],
        "tag only": "e2.", "one more char": good + "A", "padded": good + "=",
        "upper-case tag": "E2." + good[3:],
        "wrong key": cookie_make("another-secret-0123456789", entries, t),
        "unsorted (signed)": cookie_make(SECRET, list(reversed(entries)), t, sort=False),
        "duplicate entry (signed)": cookie_make(SECRET, [entries[0], entries[0]], t, sort=False),
        "version 3 (signed)": cookie_make(SECRET, entries, t, version=3),
        "count says 3 (signed)": cookie_make(SECRET, entries, t, count=3),
        "33 entries (signed)": cookie_make(SECRET, [(code_hash(SECRET, x), t + 3600) for x in bulk], t),
        "7 KB": "e2." + "A" * 7000,
    }
    raw = b64u_dec(good[3:])
    swapped = raw[:10] + raw[50:90] + raw[10:50] + raw[90:]
    forged["reordered entries"] = "e2." + b64u(swapped)
    forged["entry from another cookie"] = "e2." + b64u(raw[:10] + other[0][0] + raw[42:])
    bad = {k: plays(srv, v, VIP) for k, v in forged.items()}
    check(all(st == 401 for st in bad.values()), f"{len(forged)} forged cookies: all 401", bad)
    flipped = 0
    for i in range(len(raw)):
        f = "e2." + b64u(raw[:i] + bytes([raw[i] ^ 0x20]) + raw[i + 1:])
        flipped += plays(srv, f, VIP) != 401
    check(flipped == 0, f"each of the {len(raw)} decoded bytes flipped: 401", flipped)
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + forged["wrong key"]})
    check(st == 401, "session with a forged cookie: 401")

    # The bound: 32 entries, then a clear 409; the cookie stays small.
    c4 = None
    got = []
    for code in bulk[:32]:
        st, h, b, c4 = redeem_c(srv, code, c4)
        got.append(st)
    sc_len = len(h.get("set-cookie", ""))
    check(got == [200] * 32 and len(cookie_read(SECRET, c4)[1]) == 32 and len(c4) == 1766,
          f"32 codes on one device: cookie {len(c4 or '')} bytes, Set-Cookie {sc_len} bytes",
          got)
    check(sc_len < 2048, "Set-Cookie at the bound is well under 4 096 bytes", sc_len)
    st, h, b, c5 = redeem_c(srv, bulk[32], c4)
    check(st == 409 and js(b).get("error") == "too_many_unlocks" and "set-cookie" not in h,
          "the 33rd code: 409 too_many_unlocks, the cookie is not touched", (st, b))
    st, h, b, _ = redeem_c(srv, bulk[0], c4)
    check(st == 200 and js(b).get("held") == 32, "a held code again on a full device: 200")
    check(plays(srv, c4, VIP) == 200, "the full cookie plays")
    st, h, b = req(srv, "GET", "/api/session", headers={"Cookie": "access_token=" + c4})
    check(st == 200 and len(js(b).get("unlocks", [])) == 32, "session lists 32 unlocks")


if __name__ == "__main__":
    sys.exit(main())
