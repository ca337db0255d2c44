#!/usr/bin/env python3
"""bunny_storage.py — a fake Bunny Storage zone and core purge API for tests.

A real HTTP/1.1 server on 127.0.0.1 (python3 stdlib only) that behaves as
bunny.md §5 documents:
  PUT    /{zone}/{path}      AccessKey check, Checksum (uppercase hex SHA-256)
                             check, 201; 400 on a mismatch or a bad name
  GET    /{zone}/{dir}/      listing: a JSON array of {Guid, StorageZoneName,
                             Path, ObjectName, Length, LastChanged,
                             IsDirectory, ServerId, UserId, DateCreated,
                             StorageZoneId}; 404 for a missing directory
  GET    /{zone}/{path}      the file, or 404 [{HttpCode, Message}]
  DELETE /{zone}/{path}[/]   a file, or a directory recursively; 200 / 404;
                             the root only with allowRootDelete=true
  POST   /core/pullzone/{id}/purgeCache         204 (account key)
  POST   /core/purge?url=U&async=false          200 (account key)
A wrong AccessKey or zone gives 401.  Concurrency is capped as documented
(listings 5, DELETEs 30: beyond that 400 "Unable to process request";
connections 100: beyond that 429), and the peaks are recorded.

Test control (not Bunny's API), under /_fake/:
  POST /_fake/faults   JSON list of rules, appended:
        {"method": "PUT", "path": "substring", "times": 1,
         "status": 503, "retry_after": 1}          answer this status
        {"method": "PUT", "path": "x", "times": 1, "timeout": 5,
         "apply": true}                            (apply, then) hang 5 s
        {"method": "PUT", "path": "x", "times": 1, "reset": true}
                                                   close without answering
  GET  /_fake/state    {"files": {path: sha256}, "dirs": [...], "log": [...],
                        "peak": {kind: n}, "purges": [...]}
  POST /_fake/reset-log   forget the log, purges, peaks and pending faults

Usage: bunny_storage.py --zone Z --key K [--account-key A] [--pullzone-id N]
                        [--require-checksum] --port-file FILE
"""
import argparse
import hashlib
import json
import re
import socketserver
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIMITS = {"list": 5, "delete": 30, "all": 100}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.files = {}      # path -> (bytes, sha256 upper, time)
        self.dirs = set()    # "a", "a/b"
        self.faults = []
        self.log = []
        self.purges = []
        self.inflight = {"list": 0, "delete": 0, "put": 0, "all": 0}
        self.peak = {"list": 0, "delete": 0, "put": 0, "all": 0}

    def enter(self, kind):
        with self.lock:
            for k in (kind, "all"):
                if self.inflight[k] >= LIMITS.get(k, 1 << 30):
                    return False
            for k in (kind, "all"):
                self.inflight[k] += 1
                self.peak[k] = max(self.peak[k], self.inflight[k])
            return True

    def leave(self, kind):
        with self.lock:
            self.inflight[kind] -= 1
            self.inflight["all"] -= 1

    def take_fault(self, method, path):
        with self.lock:
            for f in self.faults:
                if f.get("times", 1) <= 0:
                    continue
                if f.get("method", method) != method:
                    continue
                if f.get("path", "") not in path:
                    continue
                f["times"] = f.get("times", 1) - 1
                return dict(f)
        return None


def bad_name(comp):
    return comp in ("", ".", "..") or comp != comp.strip(" ") or "\\" in comp


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeBunnyStorage/1"
    # Headers and body go out in two writes: without this, Nagle plus the
    # client's delayed ACK add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *a):  # quiet
        pass

    # ---- helpers -------------------------------------------------------
    def reply(self, code, body=b"", ctype="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, code, msg):
        self.reply(code, [{"HttpCode": code, "Message": msg}])

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    @property
    def st(self):
        return self.server.state

    # ---- dispatch ------------------------------------------------------
    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        raw_path = url.path
        path = urllib.parse.unquote(raw_path)
        data = self.body() if self.command in ("PUT", "POST") else b""
        if path.startswith("/_fake/"):
            return self.control(path, data)
        entry = {"method": self.command, "path": path,
                 "checksum": self.headers.get("Checksum"),
                 "content_type": self.headers.get("Content-Type"),
                 "t": time.monotonic()}
        with self.st.lock:
            self.st.log.append(entry)
        fault = self.st.take_fault(self.command, path)
        if fault and fault.get("reset"):
            self.close_connection = True
            try:
                self.connection.shutdown(2)   # SHUT_RDWR: no answer at all
            except OSError:
                pass
            return
        if fault and "status" in fault:
            hdr = {}
            if "retry_after" in fault:
                hdr["Retry-After"] = str(fault["retry_after"])
            return self.reply(fault["status"], [{"HttpCode": fault["status"],
                              "Message": "injected"}], headers=hdr)
        if path.startswith("/core/"):
            return self.core(path, url.query, fault)
        return self.storage(path, url.query, data, fault)

    do_GET = do_PUT = do_DELETE = do_POST = handle_any

    def control(self, path, data):
        if path == "/_fake/faults" and self.command == "POST":
            with self.st.lock:
                self.st.faults.extend(json.loads(data or b"[]"))
            return self.reply(200, {"ok": True})
        if path == "/_fake/reset-log" and self.command == "POST":
            with self.st.lock:
                self.st.log = []
                self.st.purges = []
                self.st.faults = []
                self.st.peak = {k: 0 for k in self.st.peak}
            return self.reply(200, {"ok": True})
        if path == "/_fake/state":
            with self.st.lock:
                out = {"files": {p: v[1] for p, v in self.st.files.items()},
                       "dirs": sorted(self.st.dirs), "log": self.st.log,
                       "peak": self.st.peak, "purges": self.st.purges,
                       "faults_left": sum(f.get("times", 1) for f in self.st.faults)}
            return self.reply(200, out)
        return self.error(404, "no such control")

    def core(self, path, query, fault):
        if self.headers.get("AccessKey") != self.st.args.account_key:
            return self.error(401, "Unauthorized")
        m = re.fullmatch(r"/core/pullzone/(\d+)/purgeCache", path)
        if m and self.command == "POST":
            if m.group(1) != str(self.st.args.pullzone_id):
                return self.error(404, "pull zone not found")
            with self.st.lock:
                self.st.purges.append({"zone": m.group(1)})
            return self.reply(204, b"")
        if path == "/core/purge" and self.command == "POST":
            q = urllib.parse.parse_qs(query)
            if "url" not in q:
                return self.error(400, "url required")
            with self.st.lock:
                self.st.purges.append({"url": q["url"][0],
                                       "t": time.monotonic()})
            return self.reply(200, b"")
        return self.error(404, "no such endpoint")

    def storage(self, path, query, data, fault):
        parts = path.split("/")
        zone = parts[1] if len(parts) > 1 else ""
        if zone != self.st.args.zone or \
                self.headers.get("AccessKey") != self.st.args.key:
            return self.error(401, "Unauthorized")
        rel = "/".join(parts[2:])
        is_dir = path.endswith("/")
        rel = rel.rstrip("/")
        comps = rel.split("/") if rel else []
        if any(bad_name(c) for c in comps) or len(path) > 6000:
            return self.error(400, "Invalid path")
        kind = {"GET": "list" if is_dir else "get", "PUT": "put",
                "DELETE": "delete"}.get(self.command, "other")
        if kind == "get":
            kind = "put"   # counted with transfers
        if not self.st.enter(kind):
            if kind in ("list", "delete") and \
                    self.st.inflight["all"] < LIMITS["all"]:
                return self.error(400, "Unable to process request")
            return self.error(429, "Too many requests")
        try:
            if fault and "timeout" in fault:
                if fault.get("apply"):
                    self.apply(kind, rel, comps, is_dir, data, query)
                time.sleep(fault["timeout"])
                self.close_connection = True
                return
            return self.apply(kind, rel, comps, is_dir, data, query, True)
        finally:
            self.st.leave(kind)

    def apply(self, kind, rel, comps, is_dir, data, query, answer=False):
        st = self.st
        out = None
        if self.command == "PUT":
            if is_dir or not comps:
                out = (400, "Cannot upload a directory")
            else:
                want = self.headers.get("Checksum")
                got = hashlib.sha256(data).hexdigest().upper()
                if want is None and st.args.require_checksum:
                    out = (400, "Checksum required by this fake")
                elif want is not None and want != got:
                    out = (400, "Checksum mismatch")
                else:
                    with st.lock:
                        if rel in st.dirs:
                            out = (400, "A directory exists at this path")
                        elif any("/".join(comps[:i]) in st.files
                                 for i in range(1, len(comps))):
                            out = (400, "A file exists at a parent path")
                        else:
                            st.files[rel] = (data, got, time.time())
                            for i in range(1, len(comps)):
                                st.dirs.add("/".join(comps[:i]))
                            out = (201, None)
        elif self.command == "DELETE":
            with st.lock:
                if not comps:
                    q = urllib.parse.parse_qs(query)
                    if q.get("allowRootDelete") != ["true"] and \
                            self.headers.get("allowRootDelete") != "true":
                        out = (400, "Root delete needs allowRootDelete")
                    else:
                        st.files.clear()
                        st.dirs.clear()
                        out = (200, None)
                elif rel in st.files and not is_dir:
                    del st.files[rel]
                    out = (200, None)
                elif rel in st.dirs:
                    pre = rel + "/"
                    for p in [p for p in st.files if p.startswith(pre)]:
                        del st.files[p]
                    st.dirs -= {d for d in st.dirs
                                if d == rel or d.startswith(pre)}
                    out = (200, None)
                else:
                    out = (404, "Object Not Found")
        elif self.command == "GET" and is_dir:
            with st.lock:
                if rel and rel not in st.dirs:
                    out = (404, "Object Not Found")
                else:
                    out = (200, self.listing(rel))
        elif self.command == "GET":
            with st.lock:
                f = st.files.get(rel)
            if f is None:
                out = (404, "Object Not Found")
            elif answer:
                return self.reply(200, f[0], "application/octet-stream")
        else:
            out = (405, "Method not allowed")
        if not answer:
            return
        code, payload = out
        if code >= 400:
            return self.error(code, payload)
        if isinstance(payload, list):
            return self.reply(code, payload)
        return self.reply(code, {"HttpCode": code, "Message": "OK"})

    def listing(self, rel):
        st = self.st
        pre = rel + "/" if rel else ""
        names = {}
        for p, (data, sha, t) in st.files.items():
            if p.startswith(pre) and "/" not in p[len(pre):]:
                names[p[len(pre):]] = (False, len(data), t)
        for d in st.dirs:
            if d.startswith(pre) and d != rel and "/" not in d[len(pre):]:
                names[d[len(pre):]] = (True, 0, 0)
        zone = st.args.zone
        out = []
        for name in sorted(names):
            isdir, length, t = names[name]
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000",
                                  time.gmtime(t or time.time()))
            out.append({
                "Guid": str(uuid.uuid5(uuid.NAMESPACE_URL, pre + name)),
                "StorageZoneName": zone,
                "Path": "/%s/%s" % (zone, pre),
                "ObjectName": name, "Length": length,
                "LastChanged": stamp, "IsDirectory": isdir,
                "ServerId": 1, "UserId": "fake-user",
                "DateCreated": stamp, "StorageZoneId": 1,
            })
        return out


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zone", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--account-key", default="account-key")
    ap.add_argument("--pullzone-id", default="7")
    ap.add_argument("--require-checksum", action="store_true")
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
