#!/usr/bin/env python3
"""Integration (issue 17): one writer and two read-only verifier nodes kept
current by Litestream through a file:// replica in a temporary directory.

The writer runs scripts/replicate; each node is the real lighttpd +
bin/verifier.so started by scripts/serve --replica-of (its follower,
scripts/follow-replica) on a free loopback port, with its own copy of the
keys file.  The followers run every FOLLOW_EVERY seconds (default 2, as
in production).  Checked:
  - a code minted on the writer redeems on node 1 within 5 s, and the
    cookie node 1 sets plays on node 2;
  - a revoked code stops playing on both nodes within 5 s;
  - a new access.db written the way the build writes it (temporary file +
    rename) reaches both nodes while /api/play is polled on both: never a
    5xx, never an answer of neither table;
  - strace -e trace=network of node 1's lighttpd under a burst of requests:
    network calls only on accepted client sockets (no socket(), connect());
  - the replicate process killed: both nodes keep serving, healthz and
    /api/metrics report an age that grows;
  - a truncated WAL segment and a corrupt database in the replica are
    refused with a log line, and the node keeps its last good copy;
  - the nodes never write their stores (rollback-journal files, no -wal,
    -shm or -journal beside them), and --stop stops the followers too.
"""
import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import (Server, check, make_access_db, new_tree,  # noqa: E402
                          onlytoken, write_keys)
import verifier_lib  # noqa: E402

ROOT = verifier_lib.ROOT
LITESTREAM = os.path.join(ROOT, "node_modules", "@flydotio", "litestream-linux-x64", "litestream")
SECRET = "it-secret-0123456789abcdef"
BUNNY = "it-bunny-key-0123456789abcdef"
VIP = "11111111-2222-3333-4444-555555555555"
PUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
NEWV = "12345678-1234-1234-1234-123456789abc"
# Polling redeems would trip the per-address limit: out of the way here
# (tests/integration/ratelimit_lighttpd.py tests it).
LIMITS = {"ONLY_REDEEM_PER_MIN": "60000", "ONLY_REDEEM_BURST": "1000",
          "ONLY_REDEEM_NET_PER_MIN": "60000", "ONLY_REDEEM_NET_BURST": "1000",
          "ONLY_REDEEM_GLOBAL_FAIL_PER_MIN": "60000", "ONLY_REDEEM_GLOBAL_FAIL_BURST": "1000"}


FOLLOW_EVERY = os.environ.get("FOLLOW_EVERY", "2")


class Node(Server):
    """A replica node: scripts/serve --replica-of URL."""

    def __init__(self, site, var, url):
        super().__init__(site, var, LIMITS)
        self.url = url

    def start(self):
        p = subprocess.run([os.path.join(ROOT, "scripts", "serve"), "--site", self.site,
                            "--var", self.var, "--port", str(self.port),
                            "--logdir", self.logdir, "--cdn-origin", "http://127.0.0.1:9",
                            "--replica-of", self.url, "--follow-every", FOLLOW_EVERY,
                            "--daemon", "--pidfile", self.pidfile],
                           env=self.env, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("scripts/serve --replica-of failed: " + p.stderr)

    def lighttpd_pid(self):
        with open(self.pidfile) as f:
            return int(f.read())

    def follower_pid(self):
        with open(self.pidfile + ".follow") as f:
            return int(f.read())

    def replica_log(self):
        try:
            with open(os.path.join(self.logdir, "replica.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def healthz(self):
        st, _, b = self.request("GET", "/api/healthz")
        m = re.search(rb'"replica_age":(\d+)', b)
        return st, (int(m.group(1)) if m else None), b


def redeem(node, code):
    st, h, b = node.request("POST", "/api/redeem", f"code={code}".encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})
    c = h.get("set-cookie", "")
    cookie = c.split(";", 1)[0].split("=", 1)[1] if c.startswith("access_token=") else None
    return st, cookie, b


def play(node, guid, cookie=None):
    hdr = {"Cookie": "access_token=" + cookie} if cookie else {}
    st, _, b = node.request("GET", f"/api/play/{guid}", None, hdr)
    return st, b


def wait_for(fn, limit):
    """Calls fn until it returns true; (seconds taken, last value) or (None, value)."""
    t0 = time.monotonic()
    v = None
    while time.monotonic() - t0 < limit:
        v = fn()
        if v:
            return time.monotonic() - t0, v
        time.sleep(0.1)
    return None, v


def main():
    if not os.access(LITESTREAM, os.X_OK):
        check(False, f"litestream is installed ({LITESTREAM}: run scripts/install-deps)")
        return 1
    base, site, wvar = new_tree()
    rep = os.path.join(base, "replica")
    url = "file://" + rep
    keys = [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}", "COOKIE_SECURE=0"]
    write_keys(os.path.join(wvar, "verifier.keys"), keys)
    make_access_db(os.path.join(wvar, "access.db"), [
        (VIP, "vip", "127.0.0.1:9", 60, "A vip video"), (PUB, "public", "127.0.0.1:9", 5)])
    wdb = ["--db", os.path.join(wvar, "tokens.db"), "--keys", os.path.join(wvar, "verifier.keys")]
    onlytoken("mint", "--level", "vip", *wdb)
    nvars = []
    for i in (1, 2):
        v = os.path.join(base, f"node{i}")
        os.makedirs(v)
        write_keys(os.path.join(v, "verifier.keys"), keys)	# provisioned, not replicated
        nvars.append(v)

    rlog = open(os.path.join(base, "replicate.log"), "w")
    writer = subprocess.Popen([os.path.join(ROOT, "scripts", "replicate"), "--var", wvar,
                               "--to", url], stdout=rlog, stderr=subprocess.STDOUT,
                              start_new_session=True)
    nodes = [Node(site, v, url) for v in nvars]
    started = []
    try:
        took, _ = wait_for(lambda: "published access.db" in open(rlog.name).read() and all(
            os.path.isdir(os.path.join(rep, n, "generations"))
            for n in ("tokens", "access", "heartbeat")), 15)
        check(took is not None, "the writer publishes tokens, access and heartbeat replicas",
              open(rlog.name).read())
        time.sleep(1.5)		# Litestream's first sync
        for n in nodes:
            n.start()
            started.append(n)
        run(writer, wvar, wdb, rep, nodes)
    finally:
        for n in started:
            n.stop()
        if writer.poll() is None:
            os.killpg(writer.pid, signal.SIGKILL)
        writer.wait()
        rlog.close()
    for n in started:
        gone = True
        try:
            os.kill(n.follower_pid(), 0)
            gone = False
        except (OSError, ValueError):
            pass
        check(gone and not os.path.exists(n.pidfile + ".follow"),
              f"--stop stops node on port {n.port}'s follower too")
        rep_ = n.sanitizer_reports()
        check(rep_ == "", f"no sanitizer report from node on port {n.port}", rep_)
    art = os.environ.get("ARTIFACTS")
    if art:
        shutil.copy(rlog.name, os.path.join(art, "replica_writer.log"))
        for i, n in enumerate(started, 1):
            with open(os.path.join(art, f"replica_node{i}.log"), "w") as f:
                f.write(n.replica_log())
    shutil.rmtree(base, ignore_errors=True)
    return 1 if verifier_lib.FAILED else 0


def run(writer, wvar, wdb, rep, nodes):
    n1, n2 = nodes
    for n in nodes:
        st, age, b = n.healthz()
        check(st == 200 and age is not None and age <= 30,
              f"node {n.port}: healthz 200 with the replica's age ({age} s)", b)
        st, _ = play(n, PUB)
        check(st == 200, f"node {n.port}: a public video plays from the replicated access.db ({st})")

    # Mint on the writer: redeem on node 1, the cookie plays on node 2.
    t0 = time.monotonic()
    code = onlytoken("mint", "--level", "vip", *wdb).stdout.split()[0]
    print(f"minted at {time.time():.3f} (compare with the logs in $ARTIFACTS)")
    took, r = wait_for(lambda: (lambda x: x if x[0] == 200 else None)(redeem(n1, code)), 8)
    took = took if took is None else time.monotonic() - t0
    check(took is not None and took <= 5,
          f"a code minted on the writer redeems on node 1 within 5 s ({took and round(took, 1)} s)")
    cookie = r[1] if r else None
    took2, _ = wait_for(lambda: play(n2, VIP, cookie)[0] == 200, 8)
    took2 = took2 if took2 is None else time.monotonic() - t0
    check(cookie is not None and took2 is not None and took2 <= 5,
          f"node 1's cookie plays on node 2 ({took2 and round(took2, 1)} s after the mint)")

    # Revoke on the writer: stops on both within 5 s.
    t0 = time.monotonic()
    onlytoken("revoke", code, *wdb)
    for n in nodes:
        took, last = wait_for(lambda: play(n, VIP, cookie)[0] == 403, 8)
        took = took if took is None else time.monotonic() - t0
        check(took is not None and took <= 5,
              f"the revoked code stops playing on node {n.port} within 5 s "
              f"({took and round(took, 1)} s)")

    # A second code for the rest.
    code2 = onlytoken("mint", "--level", "vip", *wdb).stdout.split()[0]
    _, r = wait_for(lambda: (lambda x: x if x[0] == 200 else None)(redeem(n1, code2)), 8)
    cookie2 = r[1] if r else None
    _, ok2 = wait_for(lambda: play(n2, VIP, cookie2)[0] == 200, 8)
    check(cookie2 is not None and ok2, "a second code redeems on node 1 and plays on node 2")

    swap(wvar, nodes, cookie2)
    no_network(n1, cookie2)

    # The writer's replication killed: the nodes keep serving, the age grows.
    # (A heartbeat written just before the kill may still be on its way:
    # the first reading is taken once it has landed.)
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait()
    time.sleep(3)
    ages0 = [n.healthz()[1] for n in nodes]
    time.sleep(3)
    for n, a0 in zip(nodes, ages0):
        st, a1, b = n.healthz()
        check(st == 200 and a0 is not None and a1 is not None and a1 >= a0 + 2 and a1 >= 5,
              f"replication stopped: node {n.port} healthz still 200, the age grows "
              f"({a0} s -> {a1} s)", b)
        st, _ = play(n, VIP, cookie2)
        check(st == 200, f"replication stopped: node {n.port} still plays ({st})")
        st, _, m = n.request("GET", "/api/metrics")
        mm = re.search(rb"^only_replica_age_seconds (\d+)$", m, re.M)
        check(st == 200 and mm and int(mm.group(1)) >= 3,
              f"node {n.port}: /api/metrics exports only_replica_age_seconds "
              f"({mm and mm.group(1).decode()})")

    corrupt(wvar, rep, nodes, cookie2)

    # Minting on a node would be lost at the next restore: refused.
    ndb = os.path.join(n1.var, "tokens.db")
    before = os.stat(ndb)
    p = onlytoken("mint", "--level", "vip", "--db", ndb, "--keys",
                  os.path.join(n1.var, "verifier.keys"), check_rc=False)
    after = os.stat(ndb)
    check(p.returncode != 0 and "replica node" in p.stderr and
          (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns),
          "onlytoken refuses to write a node's tokens.db", p.stderr)

    for n in nodes:
        left = [f for f in os.listdir(n.var) if re.search(r"\.db-(wal|shm|journal)$", f)]
        check(left == [], f"node {n.port} never wrote its stores (no -wal/-shm/-journal)", left)
        for name in ("tokens.db", "access.db"):
            with open(os.path.join(n.var, name), "rb") as f:
                hdr = f.read(20)
            check(hdr[18] == 1 and hdr[19] == 1,
                  f"node {n.port}: {name} is a rollback-journal file, opened read-only")


def swap(wvar, nodes, cookie):
    """A new access.db, renamed into place on the writer, while both nodes
    are polled: every answer is the old table's or the new one's."""
    stop = threading.Event()
    bad, counts, seen_new = [], [0, 0], [None, None]

    def poll(i, n):
        while not stop.is_set():
            st, b = play(n, VIP, cookie)
            counts[i] += 1
            if st != 200:
                bad.append(f"node {n.port}: VIP {st} {b[:80]!r}")
            st, b = play(n, NEWV)
            counts[i] += 1
            if st == 200:
                if seen_new[i] is None:
                    seen_new[i] = time.monotonic()
            elif st != 404 or seen_new[i] is not None:
                bad.append(f"node {n.port}: new video {st} after "
                           f"{'seeing it' if seen_new[i] else 'nothing'} {b[:80]!r}")
            time.sleep(0.005)	# a few hundred a second: enough, and the machine is shared

    threads = [threading.Thread(target=poll, args=(i, n)) for i, n in enumerate(nodes)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    # Many rows, so a half-written table would show.
    rows = [(VIP, "vip", "127.0.0.1:9", 60, "A vip video"), (PUB, "public", "127.0.0.1:9", 5),
            (NEWV, "public", "127.0.0.1:9", 7, "New")]
    rows += [(f"{i:08x}-0000-4000-8000-000000000000", "ppv", "127.0.0.1:9", i, f"v{i}")
             for i in range(3000)]
    t0 = time.monotonic()
    make_access_db(os.path.join(wvar, "access.db"), rows)
    deadline = t0 + 15
    while time.monotonic() < deadline and None in seen_new:
        time.sleep(0.1)
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    took = [round(s - t0, 1) if s else None for s in seen_new]
    check(None not in seen_new, f"the new access.db reaches both nodes ({took} s)")
    check(bad == [] and min(counts) > 100,
          f"during the swap, {sum(counts)} /api/play answers: never a 5xx, never "
          f"a table half old, half new", "\n".join(bad[:10]))
    for n in nodes:
        db = sqlite3.connect(f"file:{os.path.join(n.var, 'access.db')}?mode=ro", uri=True)
        k = db.execute("SELECT count(*) FROM videos").fetchone()[0]
        db.close()
        check(k == len(rows), f"node {n.port}: access.db has every row ({k})")


def no_network(n, cookie):
    """strace of the node's lighttpd: network calls on client sockets only."""
    out = os.path.join(n.var, "strace.txt")
    st = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=network", "-o", out,
                           "-p", str(n.lighttpd_pid())], stderr=subprocess.PIPE)
    time.sleep(1.0)		# attached
    sent = 0
    for i in range(60):
        play(n, VIP, cookie)
        play(n, PUB)
        n.request("GET", "/api/session", None, {"Cookie": "access_token=" + cookie})
        redeem(n, "OM43-0000-0000-0000")
        n.request("GET", "/api/healthz")
        sent += 5
    time.sleep(0.3)
    st.send_signal(signal.SIGINT)
    st.wait(10)
    with open(out) as f:
        lines = f.read().splitlines()
    if os.environ.get("ARTIFACTS"):
        shutil.copy(out, os.path.join(os.environ["ARTIFACTS"], "replica_strace.txt"))
    calls = {}
    clients, foreign = set(), []
    for ln in lines:
        m = re.match(r"^\d+\s+(\w+)\((\d+)?", ln)
        if not m:
            continue
        name = m.group(1)
        calls[name] = calls.get(name, 0) + 1
        r = re.search(r"= (\d+)$", ln)
        if name in ("accept", "accept4"):
            if r:
                clients.add(int(r.group(1)))
            continue
        if name in ("socket", "connect", "bind", "listen", "socketpair"):
            foreign.append(ln)
        elif m.group(2) is not None and int(m.group(2)) not in clients:
            foreign.append(ln)
    check(calls.get("accept4", 0) + calls.get("accept", 0) >= sent,
          f"strace saw the burst: {sent} requests, "
          f"{calls.get('accept4', 0) + calls.get('accept', 0)} accepted connections", calls)
    check(foreign == [], "under the burst, the node's lighttpd makes no network call but "
          f"on client sockets (calls: {dict(sorted(calls.items()))})", "\n".join(foreign[:10]))


def corrupt(wvar, rep, nodes, cookie):
    """A truncated WAL segment, then a corrupt database, in the replica."""
    tdir = os.path.join(rep, "tokens", "generations")
    ino = [os.stat(os.path.join(n.var, "tokens.db")).st_ino for n in nodes]
    segs = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(tdir) for f in fs
                  if f.endswith(".wal.lz4"))
    newest = max(segs, key=os.path.getmtime)
    size = os.path.getsize(newest)
    with open(newest, "r+b") as f:
        f.truncate(size // 2)
    for n in nodes:
        took, _ = wait_for(lambda: "tokens: refused" in n.replica_log(), 8)
        check(took is not None, f"node {n.port}: a truncated WAL segment is refused with a "
              "log line", n.replica_log()[-600:])
    with open(newest, "r+b") as f:
        f.truncate(0)
    os.remove(newest)

    # A database that fails integrity_check, as a new Litestream generation.
    bad = os.path.join(os.path.dirname(rep), "bad.db")
    src = sqlite3.connect(f"file:{os.path.join(wvar, 'tokens.db')}?mode=ro", uri=True)
    dst = sqlite3.connect(bad)
    src.backup(dst)
    root = dst.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codes'").fetchone()[0]
    psize = dst.execute("PRAGMA page_size").fetchone()[0]
    src.close()
    dst.close()
    with open(bad, "r+b") as f:
        f.seek((root - 1) * psize)
        f.write(b"\x00" * 8 + b"\xff" * 50)
    before = [n.replica_log().count("integrity_check") for n in nodes]
    ls = subprocess.Popen([LITESTREAM, "replicate", bad, "file://" + os.path.join(rep, "tokens")],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for n, b0 in zip(nodes, before):
            took, _ = wait_for(lambda: n.replica_log().count("integrity_check") > b0, 10)
            check(took is not None, f"node {n.port}: a corrupt database in the replica is "
                  "refused (integrity_check) with a log line", n.replica_log()[-600:])
    finally:
        ls.terminate()
        ls.wait(10)
    for n, i0 in zip(nodes, ino):
        st, _ = play(n, VIP, cookie)
        check(st == 200 and os.stat(os.path.join(n.var, "tokens.db")).st_ino == i0,
              f"node {n.port} keeps its last good tokens.db and serves from it ({st})")
        st, age, b = n.healthz()
        check(st == 200 and age is not None and age >= 5,
              f"node {n.port}: healthz still 200, the age keeps growing ({age} s)", b)


if __name__ == "__main__":
    sys.exit(main())
