#!/usr/bin/env python3
"""Tests of the Bunny pull-zone stand-in (tests/fakes/bunny_cdn.py).

1. Its HS256 signer and verifier against the reference vectors in
   $SHARED/testdata/bunny/token-vectors.json (sets hs256, hs256_official_e2e):
   each expected token is re-derived from the inputs, each expected signed URL
   is accepted, and the same URL with one byte of the token changed, an
   expires in the past, or a different client IP (IP-bound tokens) is refused.
2. A live server on a free port over the committed demo media: directory and
   query tokens, 403 for missing/wrong/expired tokens and for a path outside
   token_path, CORS on every answer, content types, --open-images, 404s.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.environ.get("ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "fakes"))
import bunny_cdn  # noqa: E402

SHARED = os.environ.get("SHARED") or os.path.join(ROOT, "..", "shared")
failures = 0


def check(cond, what, detail=""):
    global failures
    if cond:
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
        if detail:
            print("    " + str(detail))


def vector_params(inp):
    """The signed parameters a reference signer adds for these inputs (raw values)."""
    u = urllib.parse.urlsplit(inp["url"])
    params = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
    if inp.get("ignore_params"):
        params = {"token_ignore_params": "true"}
    if inp.get("path_allowed"):
        params["token_path"] = inp["path_allowed"]
    if inp.get("countries_allowed"):
        params["token_countries"] = inp["countries_allowed"]
    if inp.get("countries_blocked"):
        params["token_countries_blocked"] = inp["countries_blocked"]
    if inp.get("speed_limit"):
        params["limit"] = str(inp["speed_limit"])
    return u.path, params


def tamper(url, token):
    i = url.index(token) + len(token) - 3
    c = "A" if url[i] != "A" else "B"
    return url[:i] + c + url[i + 1:]


def test_vectors():
    with open(os.path.join(SHARED, "testdata", "bunny", "token-vectors.json"), encoding="utf-8") as f:
        data = json.load(f)
    n = 0
    for set_name in ("hs256", "hs256_official_e2e"):
        for v in data[set_name]["vectors"]:
            inp, exp = v["inputs"], v["expected"]
            name = "%s/%s" % (set_name, v["name"])
            key, expires, ip = inp["security_key"], inp["expires"], inp.get("user_ip", "")
            path, params = vector_params(inp)
            sig_path = params.get("token_path", path)
            tok = bunny_cdn.compute_token(key, sig_path, expires, params, ip)
            check(tok == exp["token"], "signer reproduces " + name, "%s != %s" % (tok, exp["token"]))
            u = urllib.parse.urlsplit(exp["signed_url"])
            target = u.path + ("?" + u.query if u.query else "")
            ok, why, _ = bunny_cdn.verify(target, key, expires - 60, ip)
            check(ok, "verifier accepts " + name, why)
            bad = tamper(target, exp["token"])
            ok, why, _ = bunny_cdn.verify(bad, key, expires - 60, ip)
            check(not ok and why == "wrong token", "verifier refuses a changed token: " + name, why)
            ok, why, _ = bunny_cdn.verify(target, key, expires + 1, ip)
            check(not ok and why == "token expired", "verifier refuses it once expired: " + name, why)
            ok, why, _ = bunny_cdn.verify(target, key + "x", expires - 60, ip)
            check(not ok, "verifier refuses it under another key: " + name, why)
            if ip:
                other = "198.51.100.7" if ":" not in ip else "2001:db8:ffff:1::1"
                ok, why, _ = bunny_cdn.verify(target, key, expires - 60, other)
                check(not ok, "verifier refuses an IP-bound token from another address: " + name, why)
            n += 1
    check(n >= 20, "read the hs256 and hs256_official_e2e vectors (%d)" % n)
    # A token without an IP whose MAC happens to begin with "1-" (one in
    # 4 096): not IP-bound, accepted from any address.  The demo's image
    # fetches met one now and then (run_demo.py, "rewrites no page").
    key, path = "a-key", "/17cf00f3-8b6a-5520-b490-1b8838325e85/thumbnail.jpg"
    expires = next(e for e in range(2000000000, 2000200000)
                   if bunny_cdn.compute_token(key, path, e, {}).startswith("HS256-1-"))
    tok = bunny_cdn.compute_token(key, path, expires, {})
    ok, why, _ = bunny_cdn.verify("%s?token=%s&expires=%d" % (path, tok, expires), key,
                                  expires - 60, "127.0.0.1")
    check(ok, "a token without an IP whose MAC begins with '1-' is accepted (%s)" % tok, why)
    ok, why, _ = bunny_cdn.verify("%s?token=%s&expires=%d" % (path, tok[:-1], expires), key,
                                  expires - 60, "127.0.0.1")
    check(not ok and why == "malformed HS256 token", "a token one character short is malformed", why)


def free_port_server(args):
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fakes", "bunny_cdn.py")] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("bunny_cdn listening on "):
        proc.kill()
        raise RuntimeError("bunny_cdn did not start: %r %s" % (line, proc.stderr.read()))
    return proc, line.split()[-1]


def fetch(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def dir_url(base, key, guid, rel, expires, token_path=None):
    token_path = token_path if token_path is not None else "/%s/" % guid
    tok = bunny_cdn.compute_token(key, token_path, expires, {"token_path": token_path})
    return "%s/bcdn_token=%s&token_path=%s&expires=%d/%s/%s" % (
        base, tok, urllib.parse.quote(token_path, safe=""), expires, guid, rel)


def test_server():
    media = os.path.join(ROOT, "demo", "media")
    with open(os.path.join(media, "map.json"), encoding="utf-8") as f:
        gmap = json.load(f)
    guids = sorted(gmap)
    g1, g2 = guids[0], guids[1]
    key = "demo-key-" + os.urandom(8).hex()
    tmp = tempfile.mkdtemp(prefix="bunny-cdn-test-")
    keys = os.path.join(tmp, "verifier.keys")
    with open(keys, "w", encoding="utf-8") as f:
        f.write("# test keys\nSECRET_KEY=abc\nBUNNY_TOKEN_KEY=%s\n" % key)
    procs = []
    try:
        proc, base = free_port_server(["--media", media, "--key-file", keys])
        procs.append(proc)
        exp = int(time.time()) + 3600

        st, h, body = fetch(dir_url(base, key, g1, "playlist.m3u8", exp))
        check(st == 200 and h.get("Content-Type") == "application/vnd.apple.mpegurl",
              "directory token: master playlist 200, application/vnd.apple.mpegurl", (st, h.get("Content-Type")))
        check(h.get("Access-Control-Allow-Origin") == "*" and "Content-Length" in h.get(
            "Access-Control-Expose-Headers", ""), "CORS headers on 200", h)
        variant = [ln for ln in body.decode().splitlines() if ln and not ln.startswith("#")]
        check(variant == ["240p/video.m3u8"], "master playlist names 240p/video.m3u8 (Bunny layout)", variant)

        st, h, body = fetch(dir_url(base, key, g1, "240p/video.m3u8", exp))
        segs = [ln for ln in body.decode().splitlines() if ln and not ln.startswith("#")]
        check(st == 200 and segs and all(s.startswith("video") and s.endswith(".ts") for s in segs),
              "same directory token covers the variant playlist", (st, segs))
        st, h, body = fetch(dir_url(base, key, g1, "240p/" + segs[0], exp))
        check(st == 200 and h.get("Content-Type") == "video/mp2t" and body[:1] == b"\x47",
              "segment 200, video/mp2t, MPEG-TS sync byte", (st, h.get("Content-Type"), body[:1]))
        st, h, body = fetch(dir_url(base, key, g1, "240p/" + segs[0], exp), headers={"Range": "bytes=0-187"})
        check(st == 206 and len(body) == 188 and h.get("Content-Range", "").startswith("bytes 0-187/"),
              "Range request gives 206 with Content-Range", (st, len(body), h.get("Content-Range")))
        st, h, _ = fetch(dir_url(base, key, g1, "thumbnail.jpg", exp))
        check(st == 200 and h.get("Content-Type") == "image/jpeg", "signed thumbnail.jpg 200 image/jpeg", st)
        st, h, body = fetch(dir_url(base, key, g1, "preview.webp", exp))
        check(st == 200 and h.get("Content-Type") == "image/webp" and body[8:12] == b"WEBP",
              "signed preview.webp 200 image/webp", (st, h.get("Content-Type")))

        st, h, body = fetch("%s/%s/playlist.m3u8" % (base, g1))
        check(st == 403 and h.get("Access-Control-Allow-Origin") == "*",
              "no token: 403 with CORS headers", (st, body))
        st, h, _ = fetch("%s/%s/thumbnail.jpg" % (base, g1))
        check(st == 403, "no token on a thumbnail: 403 (token auth covers images)", st)
        wrong = dir_url(base, key + "-other", g1, "playlist.m3u8", exp)
        st, h, body = fetch(wrong)
        check(st == 403 and b"wrong token" in body, "wrong key: 403", (st, body))
        st, h, body = fetch(dir_url(base, key, g1, "playlist.m3u8", int(time.time()) - 5))
        check(st == 403 and b"expired" in body, "expired token: 403", (st, body))
        # A valid token for g1 used to reach g2's files, through the same block.
        u = dir_url(base, key, g1, "playlist.m3u8", exp).replace("/%s/playlist" % g1, "/%s/playlist" % g2)
        st, h, body = fetch(u)
        check(st == 403 and b"outside token_path" in body, "path outside token_path: 403", (st, body))
        # token_path changed in the URL but not in the signature.
        u = dir_url(base, key, g1, "playlist.m3u8", exp).replace("token_path=%2F" + g1, "token_path=%2F" + g2)
        u = u.replace("/%s/playlist" % g1, "/%s/playlist" % g2)
        st, _, body = fetch(u)
        check(st == 403, "token_path altered in the URL: 403", (st, body))

        q_tok = bunny_cdn.compute_token(key, "/%s/playlist.m3u8" % g1, exp, {})
        st, h, _ = fetch("%s/%s/playlist.m3u8?token=%s&expires=%d" % (base, g1, q_tok, exp))
        check(st == 200, "query-form token for one file: 200", st)
        st, h, _ = fetch("%s/%s/thumbnail.jpg?token=%s&expires=%d" % (base, g1, q_tok, exp))
        check(st == 403, "query-form token does not cover another file: 403", st)

        st, h, _ = fetch("%s/%s/playlist.m3u8" % (base, g1), method="OPTIONS",
                         headers={"Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "GET"})
        check(st == 204 and h.get("Access-Control-Allow-Origin") == "*"
              and "GET" in h.get("Access-Control-Allow-Methods", ""), "OPTIONS preflight: 204 with CORS", (st, h))

        unknown = "00000000-0000-4000-8000-000000000000"
        st, _, _ = fetch(dir_url(base, key, unknown, "playlist.m3u8", exp))
        check(st == 404, "valid token, unknown GUID: 404", st)
        st, _, _ = fetch(dir_url(base, key, g1, "missing.m3u8", exp))
        check(st == 404, "valid token, missing file: 404", st)
        tp = "/%s/" % g1
        st, _, _ = fetch(dir_url(base, key, g1, "../../map.json", exp, tp).replace("/../../", "/%2E%2E/%2E%2E/"))
        check(st in (403, 404), "encoded traversal is refused", st)

        proc2, base2 = free_port_server(["--media", media, "--key", key, "--open-images"])
        procs.append(proc2)
        st, h, _ = fetch("%s/%s/thumbnail.jpg" % (base2, g1))
        check(st == 200 and h.get("Content-Type") == "image/jpeg", "--open-images: unsigned thumbnail 200", st)
        st, _, _ = fetch("%s/%s/playlist.m3u8" % (base2, g1))
        check(st == 403, "--open-images still refuses an unsigned playlist", st)

        r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "fakes", "bunny_cdn.py"),
                            "--media", media], capture_output=True, text=True, timeout=30)
        check(r.returncode == 2 and "--key-file" in r.stderr, "no key: usage error (exit 2) naming --key-file",
              (r.returncode, r.stderr))
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for fname in os.listdir(tmp):
            os.unlink(os.path.join(tmp, fname))
        os.rmdir(tmp)
    check(all(p.returncode is not None for p in procs), "servers stopped")


test_vectors()
test_server()
sys.exit(1 if failures else 0)
