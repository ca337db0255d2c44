#!/usr/bin/env python3
"""A local stand-in for a Bunny Stream pull zone, for `make run` and the tests.

Serves the demo media (demo/media/<stream>/...) under /<guid>/... through the
GUID -> stream map (demo/media/map.json), and enforces Bunny's HS256 URL token
authentication independently of our C code (shared/reference/bunny.md §4.3):

  directory form  /bcdn_token=HS256-<b64url>[&k=enc(v)...]&expires=E/<path>
  query form      /<path>?token=HS256-<b64url>[&k=enc(v)...]&expires=E

  token = "HS256-" + ("1-" if IP-bound) +
          b64url(HMAC-SHA256(key, signature_path + expires + ip_bytes + signing_data))

signature_path is token_path when present, else the URL path as sent;
signing_data is every other parameter (token and expires excluded) sorted by
key, joined as k=v with '&', values raw (percent-decoded once).  With
token_ignore_params=true only that and token_path are signed.

An IP-bound token ("HS256-1-") is checked against the client's address.
Country and speed-limit parameters are signed but not enforced.  Legacy
SHA256 and Basic (MD5) tokens are refused: the verifier issues HS256 only.

A missing, malformed, wrong or expired token, or a path outside token_path,
gets 403, like the real zone: token auth covers every file, thumbnails and
previews included, unless --open-images is given.  Every response (403 and
OPTIONS included) carries the CORS headers a pull zone sends.

  bunny_cdn.py --media demo/media --key-file var/verifier.keys [--port N]
               [--host 127.0.0.1] [--map FILE] [--open-images] [--log]
               [--broken-images GUID[,GUID...]]
               [--no-token-auth] [--resolve-dot-segments-after-token]

--broken-images answers a correctly signed request for an image (.jpg,
.webp, .gif, .png) of those videos with 200 and bytes that are no image, as
a damaged file on the real zone would be (the token rules stay the same).

Two switches emulate a badly configured or badly behaved zone, for the
tests of scripts/check-zones only (the defaults are the careful zone above):
--no-token-auth serves every file without looking at a token (token
authentication switched off in the pull zone); --resolve-dot-segments-after-
token checks the token against the path as sent, then percent-decodes the
path once and removes its "." and ".." segments (RFC 3986 §5.2.4) before
serving, so /<token for /A/>/A/../B/playlist.m3u8 (or %2e%2e, ..%2f) serves
B: the edge that would let a public video's token open every paid video.

--port 0 (the default) picks a free port.  The first line on stdout is
"bunny_cdn listening on http://HOST:PORT".  Python 3 standard library only.
"""

import argparse
import base64
import hashlib
import hmac
import ipaddress
import json
import os
import re
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".vtt": "text/vtt",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
IMAGE_EXTS = (".jpg", ".webp", ".gif", ".png")
GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Stream paths are GUIDs plus fixed ASCII names (bunny.md §4.3).
REL_RE = re.compile(r"^[A-Za-z0-9._/-]{1,200}$")
MAX_TARGET = 4096
MAX_PARAMS = 32

CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
    ("Access-Control-Allow-Headers", "Range, Origin, Accept"),
    ("Access-Control-Expose-Headers", "Content-Length, Content-Range, Content-Type, Server, CDN-Cache"),
    ("Access-Control-Max-Age", "86400"),
)


def b64url(raw):
    """Standard Base64, then + -> -, / -> _, all '=' removed."""
    return base64.b64encode(raw).decode("ascii").replace("+", "-").replace("/", "_").rstrip("=")


def ip_bytes(ip):
    """The address as Bunny signs it: 4 bytes for IPv4, 16 for IPv6 masked to /64."""
    if not ip:
        return b""
    addr = ipaddress.ip_address(ip)
    if addr.version == 4:
        return addr.packed
    return addr.packed[:8] + b"\0" * 8


def signing_data(params):
    """params: dict of raw values (token and expires already removed)."""
    if params.get("token_ignore_params") == "true":
        params = {k: v for k, v in params.items() if k in ("token_ignore_params", "token_path")}
    return "&".join(k + "=" + params[k] for k in sorted(params, key=lambda s: s.encode()))


HS256_MAC_CHARS = 43      # base64url of a 32-byte HMAC-SHA256, unpadded
HS256_IP_FLAG = "1-"      # after "HS256-" when an IP is signed


def compute_token(key, signature_path, expires, params, ip=""):
    """The HS256 token for these inputs; key and text are str (UTF-8)."""
    msg = signature_path.encode() + str(expires).encode() + ip_bytes(ip) + signing_data(params).encode()
    mac = hmac.new(key.encode(), msg, hashlib.sha256).digest()
    return "HS256-" + ("1-" if ip else "") + b64url(mac)


def _parse_pairs(text, out):
    """Parse k=v&k=v (values percent-decoded once) into out; False if malformed."""
    if not text:
        return True
    for part in text.split("&"):
        if "=" not in part:
            return False
        k, v = part.split("=", 1)
        k = urllib.parse.unquote(k)
        if not k or k in out or len(out) >= MAX_PARAMS:
            return False
        out[k] = urllib.parse.unquote(v)
    return True


def verify(target, key, now, client_ip):
    """Check a request target (path[?query], as sent) against Bunny's HS256 rules.

    Returns (ok, reason, path) where path is the URL path without the token
    block (as sent, still percent-encoded).  reason says why a request fails.
    """
    if len(target) > MAX_TARGET or not target.startswith("/"):
        return False, "bad request target", ""
    path, _, query = target.partition("?")
    params = {}
    token_key = "token"
    if path.startswith("/bcdn_token="):
        block, slash, rest = path[1:].partition("/")
        if not slash:
            return False, "directory token without a path", ""
        path = "/" + rest
        token_key = "bcdn_token"
        if not _parse_pairs(block, params):
            return False, "malformed token block", path
    if not _parse_pairs(query, params):
        return False, "malformed query", path
    token = params.pop(token_key, None)
    params.pop("token" if token_key == "bcdn_token" else "bcdn_token", None)
    expires = params.pop("expires", None)
    if token is None:
        return False, "missing token", path
    if expires is None or not re.fullmatch(r"[0-9]{1,12}", expires):
        return False, "missing or malformed expires", path
    if not token.startswith("HS256-"):
        return False, "not an HS256 token", path
    # The MAC is 43 base64url characters, which may themselves begin with
    # "1-": the IP flag is told by the length, not by the prefix alone (one
    # token in 4 096 without an IP was checked as IP-bound and refused).
    body = token[len("HS256-"):]
    if len(body) == len(HS256_IP_FLAG) + HS256_MAC_CHARS and body.startswith(HS256_IP_FLAG):
        ip = client_ip
    elif len(body) == HS256_MAC_CHARS:
        ip = ""
    else:
        return False, "malformed HS256 token", path
    if int(expires) < now:
        return False, "token expired", path
    token_path = params.get("token_path")
    signature_path = token_path if token_path is not None else path
    want = compute_token(key, signature_path, expires, params, ip)
    if not hmac.compare_digest(want.encode(), token.encode()):
        return False, "wrong token", path
    if token_path is not None and not path.startswith(token_path):
        return False, "path outside token_path", path
    return True, "ok", path


def remove_dot_segments(path):
    """RFC 3986 §5.2.4 on an absolute path: "." dropped, ".." drops the segment before."""
    out = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    return "/" + "/".join(out)


def read_key_file(name):
    """BUNNY_TOKEN_KEY from a KEY=VALUE keys file (# comments); None if absent."""
    with open(name, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.lstrip().startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            if k.strip() == "BUNNY_TOKEN_KEY":
                return v
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "BunnyCDN-fake"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet unless --log; never log tokens
        if self.server.cfg["log"]:
            sys.stderr.write("bunny_cdn: %s\n" % (fmt % args))

    def _send(self, code, body=b"", ctype="text/plain; charset=utf-8", extra=()):
        self.send_response(code)
        for k, v in CORS_HEADERS:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if code >= 400:
            self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redacted(self):
        return re.sub(r"(bcdn_token|token)=[^&/?]*", r"\1=…", self.path)

    def log_request(self, code="-", size="-"):
        self.log_message('"%s %s" %s', self.command, self._redacted(), code)

    def do_OPTIONS(self):
        self._send(204)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        cfg = self.server.cfg
        target = self.path
        ok, reason, path = verify(target, cfg["key"], int(time.time()), self.client_address[0])
        if cfg["no_token_auth"]:
            ok = bool(path)
        tokenless = "token=" not in target
        if not ok and not (cfg["open_images"] and tokenless and path.endswith(IMAGE_EXTS)):
            self._send(403, ("403 Forbidden: %s\n" % reason).encode())
            return
        if cfg["resolve_dots"]:
            path = remove_dot_segments(urllib.parse.unquote(path))
        m = re.fullmatch(r"/([^/]+)/(.+)", path)
        if not m or not GUID_RE.match(m.group(1)) or not REL_RE.match(m.group(2)) \
                or ".." in m.group(2).split("/"):
            self._send(404, b"404 Not Found\n")
            return
        if m.group(1) in cfg["broken"] and path.endswith(IMAGE_EXTS):
            self._send(200, b"\x89PNG\r\n\x1a\n this is not an image " * 40, CONTENT_TYPES.get(
                os.path.splitext(path)[1], "application/octet-stream"))
            return
        stream = cfg["map"].get(m.group(1))
        if stream is None:
            self._send(404, b"404 Not Found: unknown video\n")
            return
        fname = os.path.join(cfg["media"], stream, *m.group(2).split("/"))
        if not os.path.isfile(fname):
            self._send(404, b"404 Not Found\n")
            return
        with open(fname, "rb") as f:
            body = f.read()
        ctype = CONTENT_TYPES.get(os.path.splitext(fname)[1], "application/octet-stream")
        extra = [("Cache-Control", "public, max-age=31536000"), ("Accept-Ranges", "bytes")]
        rng = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if rng and int(rng.group(1)) < len(body):
            start = int(rng.group(1))
            end = min(int(rng.group(2)) if rng.group(2) else len(body) - 1, len(body) - 1)
            extra.append(("Content-Range", "bytes %d-%d/%d" % (start, end, len(body))))
            self._send(206, body[start:end + 1], ctype, extra)
            return
        self._send(200, body, ctype, extra)


def main(argv):
    ap = argparse.ArgumentParser(description="Local stand-in for a Bunny Stream pull zone (HS256 token auth).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    ap.add_argument("--media", default="demo/media", help="directory of streams (default demo/media)")
    ap.add_argument("--map", help="GUID -> stream JSON (default MEDIA/map.json)")
    ap.add_argument("--key-file", help="keys file holding BUNNY_TOKEN_KEY=...")
    ap.add_argument("--key", help="the token key itself (tests only; prefer --key-file)")
    ap.add_argument("--open-images", action="store_true", help="serve .jpg/.webp/.gif without a token")
    ap.add_argument("--log", action="store_true", help="log requests to stderr (tokens redacted)")
    ap.add_argument("--broken-images", default="", help="GUIDs (comma-separated) whose images are garbage")
    ap.add_argument("--no-token-auth", action="store_true",
                    help="tests only: serve without checking tokens (a zone with token auth off)")
    ap.add_argument("--resolve-dot-segments-after-token", action="store_true",
                    help="tests only: check the token on the path as sent, then resolve ./.. and %%-escapes")
    a = ap.parse_args(argv)
    key = a.key
    if a.key_file:
        try:
            key = read_key_file(a.key_file)
        except OSError as e:
            print("bunny_cdn: cannot read %s: %s" % (a.key_file, e.strerror), file=sys.stderr)
            return 1
        if not key:
            print("bunny_cdn: no BUNNY_TOKEN_KEY in %s; add BUNNY_TOKEN_KEY=<the pull zone's key>" % a.key_file,
                  file=sys.stderr)
            return 1
    if not key:
        print("bunny_cdn: give --key-file FILE (with BUNNY_TOKEN_KEY=...) or --key KEY", file=sys.stderr)
        return 2
    map_file = a.map or os.path.join(a.media, "map.json")
    try:
        with open(map_file, encoding="utf-8") as f:
            gmap = json.load(f)
    except (OSError, ValueError) as e:
        print("bunny_cdn: cannot load the GUID map %s: %s" % (map_file, e), file=sys.stderr)
        return 1
    if not isinstance(gmap, dict) or not all(GUID_RE.match(k) and isinstance(v, str) and REL_RE.match(v)
                                             and "/" not in v for k, v in gmap.items()):
        print("bunny_cdn: %s must map lowercase GUIDs to stream directory names" % map_file, file=sys.stderr)
        return 1
    # A pull zone takes every connection; the standard library's listen
    # backlog of 5 refuses some of a build's parallel image fetches on a
    # loaded machine (a test then sees placeholders instead of images).
    ThreadingHTTPServer.request_queue_size = 128
    try:
        srv = ThreadingHTTPServer((a.host, a.port), Handler)
    except OSError as e:
        print("bunny_cdn: cannot listen on %s:%d: %s" % (a.host, a.port, e.strerror), file=sys.stderr)
        return 1
    srv.daemon_threads = True
    srv.cfg = {"key": key, "media": a.media, "map": gmap, "open_images": a.open_images, "log": a.log,
               "broken": set(g for g in a.broken_images.split(",") if g),
               "no_token_auth": a.no_token_auth, "resolve_dots": a.resolve_dot_segments_after_token}
    print("bunny_cdn listening on http://%s:%d" % (a.host, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


def _on_term(_signum, _frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, _on_term)
    sys.exit(main(sys.argv[1:]))
