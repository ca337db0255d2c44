#!/usr/bin/env python3
"""Integration: scripts/check-zones against the real lighttpd + bin/verifier.so
and tests/fakes/bunny_cdn.py on 127.0.0.1.

The command passes (exit 0, no FAIL) against the careful stand-in, with and
without the cookie of a device holding the paid video, and prints no
credential.  It fails (exit 1) with the right FAIL line against each
misbehaving zone the stand-in can emulate (--no-token-auth,
--resolve-dot-segments-after-token) and against an edge that caches
/api/play answers (a small caching proxy written here); it warns when the
public token downloads an MP4; usage and unreachable sites exit 2.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import (ROOT, Server, check, free_port, make_access_db, new_tree,  # noqa: E402
                          onlytoken, write_keys)
import verifier_lib  # noqa: E402
from cdn_lib import Cdn  # noqa: E402

SECRET = "check-zones-secret-0123456789abcdef"
BUNNY = "check-zones-bunny-key-0123456789abcdef"
SCRIPT = os.path.join(ROOT, "scripts", "check-zones")
MEDIA = os.path.join(ROOT, "demo", "media")


class CachingEdge:
    """A site pull zone that overrides cache times and has no bypass rule for
    /api/*: a 200 for a GET is kept under its URL and served to everyone.
    With caching=False and one_cookie=True, an edge that caches nothing but
    keeps only the first Set-Cookie of an answer."""

    def __init__(self, backend_port, caching=True, one_cookie=False):
        cache = {}

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _forward(self, body=None):
                if self.command == "GET" and self.path in cache:
                    st, hdrs, data = cache[self.path]
                else:
                    c = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
                    hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    c.request(self.command, self.path, body=body, headers=hdrs)
                    r = c.getresponse()
                    st, hdrs, data = r.status, r.getheaders(), r.read()
                    c.close()
                    if caching and self.command == "GET" and st == 200:
                        cache[self.path] = (st, hdrs, data)
                self.send_response(st)
                cookies = 0
                for k, v in hdrs:
                    if k.lower() == "set-cookie":
                        cookies += 1
                        if one_cookie and cookies > 1:
                            continue
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._forward()

            def do_POST(self):
                self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def run(site, pub, paid, cookie=None, extra=(), stdin=None):
    args = [SCRIPT, "--site", site, "--public", pub, "--paid", paid, *extra]
    if cookie:
        args += ["--cookie", "access_token=" + cookie]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300, input=stdin or "")
    return p.returncode, p.stdout, p.stderr


def lines(out, kind):
    return [ln for ln in out.splitlines() if ln.startswith(kind + " - ")]


def main():
    with open(os.path.join(MEDIA, "map.json")) as f:
        gmap = json.load(f)
    guids = sorted(gmap)
    pub, paid = guids[0], guids[1]
    base, site, var = new_tree()
    keys = os.path.join(var, "verifier.keys")
    tokens = os.path.join(var, "tokens.db")
    write_keys(keys, [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}", "COOKIE_SECURE=0"])
    cdn_port = free_port()
    host = "127.0.0.1:%d" % cdn_port
    make_access_db(os.path.join(var, "access.db"), [(pub, "public", host, 60), (paid, "vip", host, 60)])
    code = onlytoken("mint", "--level", "vip", "--days", "10", "--db", tokens, "--keys", keys).stdout.split()[0]
    srv = Server(site, var)
    cdn = edge = None
    try:
        srv.start()
        origin = "http://127.0.0.1:%d" % srv.port
        st, h, b = srv.request("POST", "/api/redeem", ("code=" + urllib.parse.quote(code)).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        sc = h.get("set-cookie", "")
        cookie = sc.split(";", 1)[0].split("=", 1)[1] if sc.startswith("access_token=") else ""
        check(st == 200 and cookie, "a device redeems a VIP code (the cookie for --cookie)", (st, b))

        # --- the careful zone -------------------------------------------------
        cdn = Cdn(keys, port=cdn_port)
        rc, out, err = run(origin, pub, paid)
        check(rc == 0 and not lines(out, "FAIL") and not lines(out, "warn") and len(lines(out, "ok")) >= 25,
              "passes against the careful stand-in (exit 0, %d ok, no FAIL, no warn)" % len(lines(out, "ok")),
              out + err)
        check(lines(out, "skip") and out.rstrip().splitlines()[-1].startswith("check-zones: "),
              "without --cookie the cached-grant check is skipped; a summary line ends the output", out)
        check("ok - 403 for /PAID/playlist.m3u8" in out and
              "ok - 404 for /<public token>/PUBLIC/../PAID/playlist.m3u8" in out,
              "lines name path shapes: no token, PUBLIC/PAID for the GUIDs", out)
        rc, out, err = run(origin, pub, paid, cookie)
        check(rc == 0 and not lines(out, "FAIL") and not lines(out, "skip") and
              "ok - 401 for /api/play/PAID without the cookie right after (the edge did not cache the grant)"
              in out, "passes with the cookie of a device that holds the paid video", out + err)
        check(cookie not in out + err and "HS256-" not in out + err and "bcdn_token=" not in out + err,
              "prints neither the cookie nor a token", out + err)
        rc, out2, err = run(origin, pub, paid, extra=["--cookie", "-"], stdin=cookie + "\n")
        check(rc == 0 and out2.count("ok - ") == out.count("ok - "),
              "--cookie - reads the cookie (without its name) from stdin", out2 + err)
        rc, out, err = run(origin, pub, paid, "e2.AAAA")
        check(rc == 2 and "give the cookie of a device" in err, "a cookie that does not play PAID: exit 2",
              (rc, out, err))

        # --- an edge caching /api/play ----------------------------------------
        edge = CachingEdge(srv.port)
        rc, out, err = run("http://127.0.0.1:%d" % edge.port, pub, paid, cookie)
        check(rc == 1 and "FAIL - 200 for /api/play/PAID without the cookie right after a grant: the edge "
              "cached a signed URL for everyone" in out and len(lines(out, "FAIL")) == 1,
              "fails (exit 1) behind an edge that caches /api/play answers", out + err)
        edge.stop()
        edge = None

        # --- an edge keeping one Set-Cookie per answer -------------------------
        edge = CachingEdge(srv.port, caching=False, one_cookie=True)
        rc, out, err = run("http://127.0.0.1:%d" % edge.port, pub, paid, cookie)
        check(rc == 1 and "FAIL - POST /api/logout (200) brought one Set-Cookie of its two" in out and
              len(lines(out, "FAIL")) == 1 and "ok - Set-Cookie of /api/logout reaches the client" in out,
              "fails (exit 1) behind an edge that keeps one Set-Cookie per answer", out + err)
        edge.stop()
        edge = None
        cdn.stop()

        # --- token authentication off -----------------------------------------
        cdn = Cdn(keys, port=cdn_port, flags=["--no-token-auth"])
        rc, out, err = run(origin, pub, paid)
        fails = lines(out, "FAIL")
        check(rc == 1 and "FAIL - 200 for /PAID/playlist.m3u8: the pull zone serves without a token" in out
              and any("token_path=/PAID/" in ln and "signature" in ln for ln in fails),
              "fails (exit 1) against --no-token-auth: no token, public token, changed token", out + err)
        check(not any("dot segments" in ln for ln in fails), "... and blames no dot segment there", fails)
        cdn.stop()

        # --- dot segments resolved after the token check -----------------------
        cdn = Cdn(keys, port=cdn_port, flags=["--resolve-dot-segments-after-token"])
        rc, out, err = run(origin, pub, paid)
        fails = lines(out, "FAIL")
        want = ["/<public token>/PUBLIC/../PAID/playlist.m3u8", "/<public token>/PUBLIC/%2e%2e/PAID/playlist.m3u8",
                "/<public token>/PUBLIC/..%2fPAID/playlist.m3u8", "/<public token>/PUBLIC/../PAID/240p/video0.ts"]
        missing = [w for w in want if not any(("200 for " + w + ":") in ln for ln in fails)]
        check(rc == 1 and not missing and all("dot segments" in ln for ln in fails),
              "fails (exit 1) against --resolve-dot-segments-after-token, naming each variant that opened "
              "(%d)" % len(fails), "missing: %s\n%s" % (missing, out + err))
        check("ok - 403 for /PAID/playlist.m3u8" in out and "ok - 403 for /<public token>/PAID/playlist.m3u8" in out,
              "... while the plain token checks still pass there", out)
        cdn.stop()

        # --- MP4 fallback on: a warning ---------------------------------------
        media = os.path.join(base, "media")
        os.makedirs(media)
        for name in set(gmap.values()):
            os.symlink(os.path.join(MEDIA, name), os.path.join(media, name))
        shutil.copytree(os.path.join(MEDIA, gmap[pub]), os.path.join(media, "withmp4"))
        with open(os.path.join(media, "withmp4", "play_720p.mp4"), "wb") as f:
            f.write(b"\0\0\0\x18ftypmp42" + b"\0" * 4096)
        with open(os.path.join(media, "map.json"), "w") as f:
            json.dump(dict(gmap, **{pub: "withmp4"}), f)
        cdn = Cdn(keys, port=cdn_port, media=media)
        rc, out, err = run(origin, pub, paid)
        check(rc == 0 and len(lines(out, "warn")) == 1 and "warn - 206 for /<public token>/PUBLIC/play_720p.mp4"
              in out and "ok - 404 for /<public token>/PUBLIC/original" in out,
              "warns (exit 0) when the public token downloads an MP4 rendition", out + err)
        cdn.stop()

        # --- usage and network errors -----------------------------------------
        rc, out, err = run(origin, pub, "not-a-guid")
        check(rc == 2 and "--paid must be a video GUID" in err, "a bad GUID: exit 2", (rc, err))
        p = subprocess.run([SCRIPT], capture_output=True, text=True)
        check(p.returncode == 2 and "--site ORIGIN" in p.stderr, "no arguments: usage, exit 2", p.stderr)
        rc, out, err = run("http://127.0.0.1:%d" % free_port(), pub, paid)
        check(rc == 2 and "no answer" in err, "a site that does not answer: exit 2", (rc, err))
        rc, out, err = run(origin, paid, pub)
        check(rc == 2 and "not 200" in err, "a --public video that is not public: exit 2", (rc, err))
        rc, out, err = run(origin, pub, paid, extra=["--bogus"])
        check(rc == 2 and "unknown argument" in err, "an unknown option: exit 2", (rc, err))
    finally:
        if edge:
            edge.stop()
        if cdn:
            cdn.stop()
        srv.stop()
    shutil.rmtree(base, ignore_errors=True)
    return 1 if verifier_lib.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
