#!/usr/bin/env python3
"""A fake Bunny Stream API for the tests (python3 standard library only).

Answers, in the documented shape (shared/reference/bunny.md §1):
  GET /library/{id}/videos?page=&itemsPerPage=&orderBy=   List Videos
  GET /library/{id}/videos/{guid}                         Get Video
  GET /library/{id}/collections?page=&itemsPerPage=       List Collections
  GET /library/{id}/statistics?dateFrom=&dateTo=&hourly=false&videoGuid=
                                                          Get Video Statistics:
      daily viewsChart/watchTimeChart with deterministic numbers (stat_numbers)
checking the AccessKey header (401 otherwise), keep-alive (HTTP/1.1), gzip
when asked (--gzip).

Data: --catalog DIR loads DIR/videos-*.json pages (their items, in order)
and DIR/collections-*.json; --items FILE loads a JSON array of videos.

Faults, injected on demand through POST /_control (JSON) or --fault JSON
(repeatable).  A fault is {"kind": K, "list": "videos"|"collections",
"page": N (or absent: every page), "times": N (or -1: always)} with kind:
  status     answer "status" (500, 429 ...), with "retry_after" seconds if set
  slow       wait "seconds", then answer normally
  stall      send the headers and half the body, then stall "seconds"
  truncate   announce the full Content-Length, send half, close
  malformed  send broken JSON
  short      leave the last item out of the page (contradicts totalItems)
  empty      answer an empty library (totalItems 0)
  change     after serving this page, upload a new video at the top; with
             "drop": true also delete the oldest (totalItems unchanged)
Get Video answers 404 for a GUID the library does not hold (a deleted
video); its faults use "list": "video" (and "guid": G instead of "page").
POST /_control also takes {"reset": true}, {"key": K}, {"catalog": DIR},
{"items": FILE}, {"faults": [...]}, {"update": {GUID: {field: value}}}
(edits a video in place, as a title change in Bunny's dashboard would) and
{"delete": [GUID, ...]} (removes videos from the library).  GET /_stats returns the request log
({"requests": [{"path", "page", "status", "t", "port", "gzip"}],
"max_inflight"}).

Usage: bunny_api.py --library ID --key KEY [--catalog DIR | --items FILE]
       [--gzip] [--max-per-page N] [--fault JSON]...
Prints "PORT <n>" on stdout once listening on 127.0.0.1 (a free port).
"""
import argparse
import glob
import gzip
import json
import os
import re
import socket
import sys
import threading
import time
import uuid
import zlib
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class State:
    def __init__(self, library, key, gzip_ok, max_per_page):
        self.lock = threading.Lock()
        self.library = str(library)
        self.key = key
        self.gzip_ok = gzip_ok
        self.max_per_page = max_per_page
        self.videos = []        # serialized items (bytes), newest first
        self.guids = []
        self.index = {}
        self.collections = []
        self.faults = []
        self.log = []
        self.inflight = 0
        self.max_inflight = 0
        self.counter = 0

    def load_catalog(self, d):
        videos, cols = [], []
        for p in sorted(glob.glob(os.path.join(d, "videos-*.json"))):
            with open(p, "rb") as f:
                videos.extend(json.loads(f.read().decode("utf-8", "surrogateescape"))["items"] or [])
        for p in sorted(glob.glob(os.path.join(d, "collections-*.json"))):
            with open(p, "rb") as f:
                cols.extend(json.load(f)["items"] or [])
        self.set_items(videos, cols)

    def load_items(self, path):
        with open(path, "rb") as f:
            self.set_items(json.load(f), [])

    def set_items(self, videos, cols):
        self.videos = [json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogateescape")
                       for v in videos]
        self.guids = [v.get("guid") if isinstance(v, dict) else None for v in videos]
        self.reindex()
        self.collections = [json.dumps(c, ensure_ascii=False).encode() for c in cols]

    def reindex(self):
        """guid -> position, for Get Video (a dict per request would be O(N))."""
        self.index = {g: i for i, g in enumerate(self.guids) if g is not None}

    def update(self, changes):
        for g, fields in changes.items():
            i = self.index[g]
            v = json.loads(self.videos[i].decode("utf-8", "surrogateescape"))
            v.update(fields)
            self.videos[i] = json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogateescape")

    def delete(self, guids):
        gone = set(guids)
        keep = [i for i, g in enumerate(self.guids) if g not in gone]
        self.videos = [self.videos[i] for i in keep]
        self.guids = [self.guids[i] for i in keep]
        self.reindex()

    def take_fault(self, lst, page, guid=None):
        """The first matching fault with attempts left (and uses one)."""
        for f in self.faults:
            if f.get("list", "videos") != lst:
                continue
            if "page" in f and f["page"] != page:
                continue
            if "guid" in f and f["guid"] != guid:
                continue
            t = f.get("times", -1)
            if t == 0:
                continue
            if t > 0:
                f["times"] = t - 1
            return f
        return None

    def upload_new(self, drop):
        self.counter += 1
        g = str(uuid.UUID(int=0xFEED0000 + self.counter, version=4))
        item = {"videoLibraryId": int(self.library), "guid": g, "title": "Uploaded meanwhile",
                "dateUploaded": "2030-01-01T00:00:00", "views": 0, "isPublic": True,
                "length": 1, "status": 4, "framerate": 25, "width": 1, "height": 1,
                "outputCodecs": "x264", "thumbnailCount": 1, "encodeProgress": 100,
                "storageSize": 1, "hasMP4Fallback": False, "averageWatchTime": 0,
                "totalWatchTime": 0}
        self.videos.insert(0, json.dumps(item).encode())
        self.guids.insert(0, g)
        if drop:
            self.videos.pop()
            self.guids.pop()
        self.reindex()


def stat_numbers(guid, day):
    """Views and watch seconds of a video on a day (YYYY-MM-DD): fixed by
    the pair, so tests can recompute them (0..6 views, 1 to 5 minutes each)."""
    h = zlib.crc32(f"{guid}/{day}".encode())
    views = h % 7
    return views, views * (60 + (h >> 8) % 241)


def statistics(q, videos):
    """The Get Video Statistics body for the query q (parse_qs)."""
    def day(name):
        v = q.get(name, [""])[0][:10]
        try:
            return datetime.strptime(v, "%Y-%m-%d").date()
        except ValueError:
            return None
    end = day("dateTo") or date.today()
    start = day("dateFrom") or end - timedelta(days=30)
    guid = q.get("videoGuid", [None])[0]
    views, watch = {}, {}
    d = start
    while d <= end and (guid is None or guid in videos):
        key = d.isoformat() + "T00:00:00Z"
        if guid is None:
            v = w = 0
            for g in videos:
                a, b = stat_numbers(g, d.isoformat())
                v, w = v + a, w + b
        else:
            v, w = stat_numbers(guid, d.isoformat())
        views[key], watch[key] = v, w
        d += timedelta(days=1)
    return json.dumps({"viewsChart": views, "watchTimeChart": watch, "countryViewCounts": {},
                       "countryWatchTime": {}, "engagementScore": 0}).encode()


def envelope(total, page, per_page, items):
    head = ('{"totalItems":%d,"currentPage":%d,"itemsPerPage":%d,"items":['
            % (total, page, per_page)).encode()
    return head + b",".join(items) + b"]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeBunny/1.0"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without TCP_NODELAY,
        # Nagle plus delayed ACKs add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def done_inflight(self):
        """Ends this request's in-flight interval, before its answer is sent:
        the server's interval lies inside the client's, so max_inflight never
        overstates the client's concurrency."""
        st = self.server.state
        if getattr(self, "inflight", False):
            self.inflight = False
            with st.lock:
                st.inflight -= 1

    def send_body(self, status, body, ctype="application/json", extra=None):
        st = self.server.state
        self.done_inflight()
        if st.gzip_ok and "gzip" in self.headers.get("Accept-Encoding", "") and status == 200:
            body = gzip.compress(body, 1)
            extra = dict(extra or {}, **{"Content-Encoding": "gzip"})
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def record(self, path, page, status):
        st = self.server.state
        with st.lock:
            st.log.append({"path": path, "page": page, "status": status,
                           "t": time.time(), "port": self.client_address[1],
                           "gzip": "gzip" in self.headers.get("Accept-Encoding", "")})

    def do_POST(self):
        st = self.server.state
        if self.path != "/_control":
            return self.send_body(404, b'{"Message":"not found"}')
        n = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(n) or b"{}")
        with st.lock:
            if req.get("reset"):
                st.faults, st.log, st.max_inflight = [], [], 0
            if "key" in req:
                st.key = req["key"]
            if "catalog" in req:
                st.load_catalog(req["catalog"])
            if "items" in req:
                st.load_items(req["items"])
            if "faults" in req:
                st.faults = req["faults"]
            if "update" in req:
                st.update(req["update"])
            if "delete" in req:
                st.delete(req["delete"])
        self.send_body(200, b'{"ok":true}')

    def do_GET(self):
        st = self.server.state
        u = urlparse(self.path)
        if u.path == "/_stats":
            with st.lock:
                body = json.dumps({"requests": st.log, "max_inflight": st.max_inflight}).encode()
            return self.send_body(200, body)
        with st.lock:
            st.inflight += 1
            st.max_inflight = max(st.max_inflight, st.inflight)
        self.inflight = True
        try:
            self.api(u)
        finally:
            self.done_inflight()

    def api(self, u):
        st = self.server.state
        m = re.fullmatch(r"/library/([^/]+)/(videos|collections|statistics)(?:/([^/]+))?", u.path)
        if not m:
            self.record(u.path, 0, 404)
            return self.send_body(404, b'{"Message":"not found"}')
        if self.headers.get("AccessKey") != st.key:
            self.record(u.path, 0, 401)
            return self.send_body(401, b'{"ErrorKey":"unauthorized","Message":"Unauthorized"}')
        if m.group(1) != st.library:
            self.record(u.path, 0, 404)
            return self.send_body(404, b'{"Message":"library not found"}')
        lst, one = m.group(2), m.group(3)
        if lst == "statistics":
            with st.lock:
                fault = st.take_fault("statistics", 0)
                body = statistics(parse_qs(u.query), set(st.index))
            if fault is not None and fault["kind"] == "status":
                status = fault.get("status", 500)
                self.record(u.path, 0, status)
                return self.send_body(status, b'{"Message":"injected"}')
            self.record(u.path, 0, 200)
            return self.send_body(200, body)
        if one is not None:
            with st.lock:
                i = st.index.get(one) if lst == "videos" else None
                body = st.videos[i] if i is not None else None
                fault = st.take_fault("video", 0, one) if lst == "videos" else None
            if fault is not None and fault["kind"] == "status":
                status = fault.get("status", 500)
                self.record(u.path, 0, status)
                return self.send_body(status, b'{"Message":"injected"}')
            if fault is not None and fault["kind"] == "malformed" and body is not None:
                body = body[: len(body) // 2]
            if body is None:
                self.record(u.path, 0, 404)
                return self.send_body(404, b'{"Message":"not found"}')
            self.record(u.path, 0, 200)
            return self.send_body(200, body)
        q = parse_qs(u.query)
        try:
            page = int(q.get("page", ["1"])[0])
            per = int(q.get("itemsPerPage", ["100"])[0])
        except ValueError:
            return self.send_body(400, b'{"Message":"bad query"}')
        page = max(page, 1)
        per = min(max(per, 1), st.max_per_page)
        with st.lock:
            fault = st.take_fault(lst, page)
            items = st.videos if lst == "videos" else st.collections
            if fault is not None and fault["kind"] == "empty":
                items = []
            total = len(items)
            chunk = items[(page - 1) * per: page * per]
            if fault is not None and fault["kind"] == "short":
                chunk = chunk[:-1]
            body = envelope(total, page, per, chunk)
            if fault is not None and fault["kind"] == "change":
                st.upload_new(fault.get("drop", False))
        kind = fault["kind"] if fault else None
        if kind == "status":
            status = fault.get("status", 500)
            self.record(u.path, page, status)
            extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else None
            return self.send_body(status, b'{"Message":"injected"}', extra=extra)
        if kind == "slow":
            time.sleep(fault.get("seconds", 1))
        if kind == "malformed":
            body = body[: len(body) // 2] + b'\n  ,,, {"oops" ]'
        if kind in ("stall", "truncate"):
            self.record(u.path, page, 200)
            self.done_inflight()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if kind == "stall":
                end = time.time() + fault.get("seconds", 30)
                while time.time() < end and not self.server.stopping:
                    time.sleep(0.05)
            self.close_connection = True
            return
        self.record(u.path, page, 200)
        self.send_body(200, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gives up (timeout, abort after a failure) is normal here.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", default="123456")
    ap.add_argument("--key", required=True)
    ap.add_argument("--catalog")
    ap.add_argument("--items")
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--max-per-page", type=int, default=1000)
    ap.add_argument("--fault", action="append", default=[])
    a = ap.parse_args()
    st = State(a.library, a.key, a.gzip, a.max_per_page)
    if a.catalog:
        st.load_catalog(a.catalog)
    if a.items:
        st.load_items(a.items)
    st.faults = [json.loads(f) for f in a.fault]
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = st
    srv.stopping = False
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stopping = True
        srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
