"""Helpers for the verifier integration tests (imported; it lives in lib/ so
that tests/run does not run it).

An independent Python implementation of the legacy formats
(shared/reference/legacy-only-system.md), of the format-2 access cookie
(docs/verifier.md, "The access cookie") and of Bunny HS256 signing, a
fixture builder, and a lighttpd started through scripts/serve.
"""
import base64
import hashlib
import hmac
import http.client
import os
import re
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.environ.get("ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BINDIR = os.path.join(ROOT, os.environ.get("BINDIR", "bin"))
ONLYTOKEN = os.path.join(BINDIR, "onlytoken")
FAILED = 0


def check(cond, what, detail=None):
    global FAILED
    if cond:
        print("ok - " + what)
    else:
        FAILED += 1
        print("not ok - " + what)
        if detail is not None:
            for line in str(detail).splitlines()[:20]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_dec(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- the legacy system's formats, written from the reference -------------
def legacy_sig(secret, code, exp):
    mac = hmac.new(secret.encode(), f"{code}|{exp}".encode(), hashlib.sha256).digest()
    return b64u(mac)


def legacy_token(secret, code, exp):
    return b64u(f"{code}|{exp}|{legacy_sig(secret, code, exp)}".encode())


def legacy_verify(secret, token):
    """Returns (code, exp) when token is a valid legacy token, else None."""
    try:
        code, exp, sig = b64u_dec(token).decode().split("|")
    except Exception:
        return None
    if not hmac.compare_digest(sig, legacy_sig(secret, code, exp)):
        return None
    return code, int(exp)


def code_hash(secret, code):
    return hmac.new(secret.encode(), code.encode(), hashlib.sha256).digest()


# --- the format-2 access cookie, written from docs/verifier.md ----------
COOKIE_TAG = "e2."
COOKIE_MAX_ENTRIES = 32


def cookie_key(secret):
    return hmac.new(secret.encode(), b"onlymatt access cookie v2", hashlib.sha256).digest()


def cookie_make(secret, entries, issued, version=2, sort=True, count=None):
    """entries: [(hash32, exp)].  Options make malformed but signed cookies."""
    if sort:
        entries = sorted(entries)
    raw = bytes([version]) + struct.pack(">q", issued) + bytes(
        [len(entries) if count is None else count])
    for h, exp in entries:
        raw += h + struct.pack(">q", exp)
    return COOKIE_TAG + b64u(raw + hmac.new(cookie_key(secret), raw, hashlib.sha256).digest())


def cookie_read(secret, value):
    """(issued, [(hash32, exp)]) for a valid format-2 cookie, else None."""
    if not value.startswith(COOKIE_TAG):
        return None
    try:
        raw = b64u_dec(value[len(COOKIE_TAG):])
    except Exception:
        return None
    if len(raw) < 10 + 40 + 32 or raw[0] != 2:
        return None
    n = raw[9]
    if not 1 <= n <= COOKIE_MAX_ENTRIES or len(raw) != 10 + 40 * n + 32:
        return None
    mac = hmac.new(cookie_key(secret), raw[:-32], hashlib.sha256).digest()
    if not hmac.compare_digest(mac, raw[-32:]):
        return None
    issued = struct.unpack(">q", raw[1:9])[0]
    ents = [(raw[10 + 40 * i:42 + 40 * i], struct.unpack(">q", raw[42 + 40 * i:50 + 40 * i])[0])
            for i in range(n)]
    if [h for h, _ in ents] != sorted(set(h for h, _ in ents)):
        return None
    return issued, ents


# --- Bunny HS256, directory form with token_path (bunny.md §4.3) ---------
def bunny_verify_dir_url(key, url, guid, expires):
    scheme, rest = url.split("://", 1)
    host, path = rest.split("/", 1)
    block, tail = path.split("/", 1)
    params = dict(p.split("=", 1) for p in block.split("&"))
    token = params["bcdn_token"]
    tpath = f"/{guid}/"
    msg = f"{tpath}{expires}token_path={tpath}".encode()
    want = "HS256-" + b64u(hmac.new(key.encode(), msg, hashlib.sha256).digest())
    return (hmac.compare_digest(token, want) and params.get("expires") == str(expires)
            and params.get("token_path") == tpath.replace("/", "%2F")
            and "/" + tail == f"/{guid}/playlist.m3u8")


# --- fixtures --------------------------------------------------------------
def access_schema_sql():
    """ACCESS_SCHEMA_SQL of core/access_schema.h, the one definition of
    access.db's schema: its string literals joined, the version put in."""
    with open(os.path.join(ROOT, "core", "access_schema.h")) as f:
        text = f.read()
    version = re.search(r"#define ACCESS_SCHEMA_VERSION\s+(\d+)", text).group(1)
    body = re.search(r"#define ACCESS_SCHEMA_SQL((?:.*\\\n)*.*)", text).group(1)
    body = body.replace("ACCESS_SCHEMA_STR(ACCESS_SCHEMA_VERSION)", '"%s"' % version)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body))


def make_access_db(path, rows):
    """rows: (guid, access, cdn_host, length[, title])."""
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    db = sqlite3.connect(tmp)
    db.executescript(access_schema_sql())
    db.executemany("INSERT INTO videos VALUES (?, ?, ?, ?, ?)",
                   [tuple(r) + ("",) * (5 - len(r)) for r in rows])
    db.commit()
    db.close()
    os.replace(tmp, path)


def write_keys(path, lines):
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.chmod(path, 0o600)


def onlytoken(*args, check_rc=True):
    p = subprocess.run([ONLYTOKEN, *args], capture_output=True, text=True)
    if check_rc and p.returncode != 0:
        raise RuntimeError(f"onlytoken {' '.join(args)}: {p.returncode}: {p.stderr}")
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """lighttpd with conf/lighttpd.conf via scripts/serve --daemon."""

    def __init__(self, site, var, env=None):
        self.site, self.var = site, var
        self.port = free_port()
        self.logdir = os.path.join(var, "log")
        self.pidfile = os.path.join(var, "lighttpd.pid")
        self.env = dict(os.environ, **(env or {}))
        self.env["BINDIR"] = BINDIR

    def start(self):
        p = subprocess.run([os.path.join(ROOT, "scripts", "serve"), "--site", self.site,
                            "--var", self.var, "--port", str(self.port),
                            "--logdir", self.logdir,
                            "--cdn-origin", "http://127.0.0.1:9",
                            "--daemon", "--pidfile", self.pidfile],
                           env=self.env, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("scripts/serve failed: " + p.stderr)

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts", "serve"), "--stop",
                        "--pidfile", self.pidfile], capture_output=True)

    def request(self, method, path, body=None, headers=None, src=None):
        """Returns (status, headers dict lower-cased, body bytes).  Several
        Set-Cookie headers (the set, then a redeem's own cookie: verifier/
        module/unlocks.h) come as one value, a line each, in order."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                       source_address=(src, 0) if src else None)
        try:
            c.putrequest(method, path, skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                c.putheader(k, v)
            if body is not None:
                c.putheader("Content-Length", str(len(body)))
            c.endheaders(body)
            r = c.getresponse()
            data = r.read()
            hdrs = {}
            for k, v in r.getheaders():
                k = k.lower()
                hdrs[k] = hdrs[k] + ("\n" if k == "set-cookie" else ", ") + v if k in hdrs else v
            return r.status, hdrs, data
        finally:
            c.close()

    def sanitizer_reports(self):
        """Text of any ASan/UBSan report written by the server."""
        out = []
        for name in sorted(os.listdir(self.logdir)):
            if name.startswith(("asan", "ubsan")):
                with open(os.path.join(self.logdir, name), errors="replace") as f:
                    out.append(f.read())
        for name in ("error.log", "stdout.log"):
            p = os.path.join(self.logdir, name)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    text = f.read()
                if "AddressSanitizer" in text or "runtime error:" in text:
                    out.append(text)
        return "\n".join(out)


def new_tree():
    base = tempfile.mkdtemp(prefix="onlyverifier.")
    site = os.path.join(base, "site")
    var = os.path.join(base, "var")
    os.makedirs(os.path.join(site, "assets"))
    os.makedirs(var)
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<!doctype html><title>home</title>\n")
    with open(os.path.join(site, "404.html"), "w") as f:
        f.write("<!doctype html><title>not found</title>\n")
    with open(os.path.join(site, "assets", "app.0123abcd.css"), "w") as f:
        f.write("body{}\n")
    return base, site, var


def now():
    return int(time.time())
