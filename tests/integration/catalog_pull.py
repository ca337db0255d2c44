#!/usr/bin/env python3
"""Integration test of `onlygen pull` / `status` against the fake Bunny
Stream API (tests/fakes/bunny_api.py) on 127.0.0.1: success paths (rows,
counts, digest, --check), every injected fault (exit code, message, and the
catalog byte-for-byte unchanged), the API key never leaking, keep-alive with
bounded concurrency, --from DIR, and a 10 000-video library.
"""
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

ROOT = os.environ.get("ROOT", os.getcwd())
BINDIR = os.environ.get("BINDIR", "bin")
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
ONLYGEN = os.path.join(ROOT, BINDIR, "onlygen")
FAKE = os.path.join(ROOT, "tests", "fakes", "bunny_api.py")
HOSTILE = os.path.join(ROOT, "tests", "fixtures", "bunny", "hostile-videos.json")
KEY = "k3y-Zq7xW3-SECRET-do-not-leak"
LIB = "123456"
failures = 0


def check(cond, what, detail=""):
    global failures
    if cond:
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


class Fake:
    def __init__(self, *args):
        self.p = subprocess.Popen([sys.executable, FAKE, "--library", LIB, "--key", KEY,
                                   "--gzip", *args], stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("PORT "):
            raise SystemExit("fake API did not start: %r" % line)
        self.base = "http://127.0.0.1:%d" % int(line.split()[1])

    def control(self, **kw):
        req = urllib.request.Request(self.base + "/_control", data=json.dumps(kw).encode(),
                                     method="POST")
        urllib.request.urlopen(req, timeout=30).read()

    def stats(self):
        return json.load(urllib.request.urlopen(self.base + "/_stats", timeout=30))

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=10)


def pull(fake, state, *args, key=KEY, env=None):
    e = dict(os.environ)
    e.pop("BUNNY_CDN_HOSTNAME", None)
    e.update({"BUNNY_API_KEY": key, "BUNNY_LIBRARY_ID": LIB,
              "BUNNY_API_BASE": fake.base if fake else "http://127.0.0.1:9"})
    if key is None:
        del e["BUNNY_API_KEY"]
    e.update(env or {})
    r = subprocess.run([ONLYGEN, "pull", "--state", state, *args], env=e,
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def snapshot(state):
    """Every file in the state directory with its SHA-256."""
    out = {}
    for p in sorted(glob.glob(os.path.join(state, "*"))):
        with open(p, "rb") as f:
            out[os.path.basename(p)] = hashlib.sha256(f.read()).hexdigest()
    return out


def rows(state, sql, *params):
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(state, "catalog.db"), uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def meta(state, key):
    r = rows(state, "SELECT value FROM meta WHERE key = ?", key)
    return r[0][0] if r else None


def mark_built(state, digest):
    """What `onlygen build` does through catalog_mark_built()."""
    with open(os.path.join(state, "catalog.db.built"), "w") as f:
        f.write(digest + "\n")


def test_success(fake, tmp):
    state = os.path.join(tmp, "ok")
    fake.control(reset=True, items=HOSTILE)
    rc, out, err = pull(fake, state, "--per-page", "3")
    check(rc == 0, "pull of the hostile fixture succeeds", err)
    check("8 videos (7 published): 8 added, 0 updated, 0 removed, 0 unchanged" in out,
          "counts: 8 added, 7 published", out)
    digest = meta(state, "digest")
    check(digest is not None and ("digest " + digest) in out, "digest printed and stored", out)
    with open(HOSTILE, encoding="utf-8") as f:
        src = {v["guid"]: v for v in json.load(f)}
    got = {g: (t, d) for g, t, d in rows(state, "SELECT guid, title, description FROM videos")}
    check(len(got) == 8, "8 rows in videos")
    same = all(got[g][0] == v["title"] and got[g][1] == (v.get("description") or "")
               for g, v in src.items())
    check(same, "titles and descriptions stored exactly (HTML, emoji, RTL, 10 000 chars, null)")
    r = rows(state, "SELECT thumbnail, collection, meta_tags, width FROM videos WHERE guid = ?",
             "00000005-aaaa-4bbb-8ccc-000000000005")
    check(r == [("", "", "", 1920)], "nulls become empty strings", r)
    r = rows(state, "SELECT status FROM videos WHERE guid = ?", "00000007-aaaa-4bbb-8ccc-000000000007")
    check(r == [(3,)], "a video still transcoding is kept with its status", r)
    r = rows(state, "SELECT meta_tags FROM videos WHERE guid = ?", "00000001-aaaa-4bbb-8ccc-000000000001")
    check(r == [("night,<b>city</b>, tokyo ",)], "metaTags keywords kept for tags", r)
    r = rows(state, "SELECT srclang, label FROM captions") + rows(state, "SELECT title, start_s, end_s FROM chapters")
    check(r == [("en", "English"), ("Intro <i>", 0, 10)], "captions and chapters", r)
    check(rows(state, "PRAGMA journal_mode") == [("wal",)], "WAL mode")
    check(rows(state, "PRAGMA user_version") == [(5,)], "schema version 5")
    log = fake.stats()["requests"]
    check(all(x["gzip"] for x in log), "compressed responses accepted (Accept-Encoding)")
    # The fake's Get Video answers a VideoModel and checks the key like the rest.
    url = "%s/library/%s/videos/00000008-aaaa-4bbb-8ccc-000000000008" % (fake.base, LIB)
    one = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"AccessKey": KEY})))
    check(one.get("title") == "With captions & chapters", "fake API: Get Video", one)
    try:
        urllib.request.urlopen(url)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    check(code == 401, "fake API: 401 without AccessKey")

    st = subprocess.run([ONLYGEN, "status", "--state", state], capture_output=True, text=True)
    check(st.returncode == 0 and "Transcoding" in st.stdout and "Still transcoding" in st.stdout
          and "Finished" in st.stdout and digest in st.stdout, "status lists unpublished videos", st.stdout)

    rc, out, err = pull(fake, state, "--per-page", "3")
    check(rc == 0 and "0 added, 0 updated, 0 removed, 8 unchanged" in out, "re-pull: all unchanged", out + err)
    check(meta(state, "digest") == digest, "re-pull: same digest")

    rc, out, _ = pull(fake, state, "--check", "--quiet")
    check(rc == 3 and out == "", "--check without a recorded build exits 3, --quiet prints nothing")
    mark_built(state, digest)
    rc, out, _ = pull(fake, state, "--check")
    check(rc == 0 and "unchanged since the last build" in out, "--check after the build: exit 0", out)

    changed = os.path.join(tmp, "changed.json")
    with open(HOSTILE, encoding="utf-8") as f:
        items = json.load(f)
    items[1]["title"] = "Renamed"
    items[6]["status"] = 4   # finished transcoding: published now
    items.pop(2)
    with open(changed, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False)
    fake.control(items=changed)
    rc, out, _ = pull(fake, state, "--check")
    check(rc == 3 and "0 added, 2 updated, 1 removed, 5 unchanged" in out,
          "--check after a change: exit 3, counts updated/removed", out)
    check(meta(state, "digest") != digest, "digest changed")
    fake.control(items=HOSTILE)
    rc, out, _ = pull(fake, state)
    check(rc == 0 and meta(state, "digest") == digest and "1 added, 2 updated" in out,
          "same data again: same digest as before", out)
    return state


def fault_case(fake, state, what, faults, want_msg, *args, want_rc=1, key=KEY):
    fake.control(reset=True, items=HOSTILE, faults=faults)
    before = snapshot(state)
    rc, out, err = pull(fake, state, "--per-page", "3", *args, key=key)
    check(rc == want_rc, "%s: exit %d" % (what, want_rc), "rc=%d\n%s" % (rc, err))
    check(want_msg in err, "%s: message says %r" % (what, want_msg), err)
    if want_rc == 1:
        check(snapshot(state) == before, "%s: catalog byte-for-byte unchanged" % what)
        check("catalog was not changed" in err, "%s: says nothing was changed" % what, err)
    check(KEY not in out and KEY not in err, "%s: the API key is not in the output" % what)
    return err


def test_faults(fake, state, tmp):
    fast = ("--attempts", "2", "--timeout", "2")
    fault_case(fake, state, "500 on every try", [{"kind": "status", "status": 500, "page": 2}],
               "HTTP 500", *fast)
    fault_case(fake, state, "503 on collections", [{"kind": "status", "status": 503,
               "list": "collections"}], "gave up after 2 attempts", *fast)
    fault_case(fake, state, "stalled response", [{"kind": "stall", "page": 2, "seconds": 30}],
               "timed out", "--attempts", "1", "--timeout", "1")
    fault_case(fake, state, "truncated body", [{"kind": "truncate", "page": 3}],
               "videos?page=3", *fast)
    err = fault_case(fake, state, "malformed JSON", [{"kind": "malformed", "page": 2}],
                     "invalid JSON from the API: videos page 2:", *fast)
    check(any(":%d:" % n in err for n in range(1, 3)), "malformed JSON: line:col given", err)
    fault_case(fake, state, "page contradicting totalItems", [{"kind": "short", "page": 2}],
               "2 items where totalItems 8 and itemsPerPage 3 imply 3", *fast)
    fault_case(fake, state, "library grows between pages", [{"kind": "change", "page": 1}],
               "totalItems changed from 8 to 9", *fast)
    fault_case(fake, state, "library changes between pages (same total)",
               [{"kind": "change", "page": 1, "drop": True}], "appears twice", *fast)
    fault_case(fake, state, "empty library (shrink guard)", [{"kind": "empty"}],
               "shrink from 8 to 0 videos", *fast)
    err = fault_case(fake, state, "wrong API key", [], "check BUNNY_API_KEY", key="wrong-key")
    n = len([x for x in fake.stats()["requests"] if x["status"] == 401])
    check(n <= 2, "401 stops at once (no retries; %d requests)" % n)

    # Faults that heal: retried, then the pull succeeds.
    fake.control(reset=True, items=HOSTILE, faults=[{"kind": "status", "status": 500,
                 "page": 2, "times": 2}])
    rc, out, err = pull(fake, state, "--per-page", "3")
    log = [x for x in fake.stats()["requests"] if x["page"] == 2 and "videos" in x["path"]]
    check(rc == 0 and "retry" in err, "two 500s then success: pull succeeds, retries logged", err)
    check([x["status"] for x in log] == [500, 500, 200], "page 2 fetched three times", log)
    fake.control(reset=True, items=HOSTILE, faults=[{"kind": "status", "status": 429,
                 "page": 3, "times": 1, "retry_after": 1}])
    rc, out, err = pull(fake, state, "--per-page", "3")
    log = [x for x in fake.stats()["requests"] if x["page"] == 3 and "videos" in x["path"]]
    check(rc == 0 and "HTTP 429" in err, "429 then success", err)
    check(len(log) == 2 and log[1]["t"] - log[0]["t"] >= 0.9, "Retry-After: 1 honoured", log)
    fake.control(reset=True, items=HOSTILE, faults=[{"kind": "slow", "page": 1, "seconds": 0.3}])
    rc, out, err = pull(fake, state, "--per-page", "3")
    check(rc == 0, "slow response within the timeout: success", err)
    fake.control(reset=True, items=HOSTILE, faults=[{"kind": "truncate", "page": 2, "times": 1}])
    rc, out, err = pull(fake, state, "--per-page", "3")
    check(rc == 0, "one truncated body, then success", err)

    # Empty library accepted with --allow-shrink.
    fake.control(reset=True, items=HOSTILE, faults=[{"kind": "empty"}])
    shrink = os.path.join(tmp, "shrink")
    shutil.copytree(state, shrink)
    rc, out, err = pull(fake, shrink, "--allow-shrink")
    check(rc == 0 and "0 videos (0 published): 0 added, 0 updated, 8 removed" in out,
          "--allow-shrink accepts the empty library", out + err)

    # The key never reaches the disk: grep every state file after failed pulls.
    leaked = []
    for p in glob.glob(os.path.join(state, "*")) + glob.glob(os.path.join(shrink, "*")):
        with open(p, "rb") as f:
            if KEY.encode() in f.read():
                leaked.append(p)
    check(not leaked, "the API key is in no state file", leaked)

    # Configuration errors.
    rc, out, err = pull(fake, state, key=None)
    check(rc == 1 and "BUNNY_API_KEY is not set" in err, "missing key: exit 1 with advice", err)
    rc, out, err = pull(fake, state, "--bogus")
    check(rc == 2, "unknown option: usage error (2)")
    rc, out, err = pull(None, state, "--attempts", "1", "--timeout", "1")
    check(rc == 1 and "catalog was not changed" in err, "API unreachable: exit 1", err)


def test_tty(fake, tmp):
    """On a terminal: one progress line rewritten in place (script(1) gives a pty)."""
    if shutil.which("script") is None:
        check(False, "script(1) is needed for the terminal test")
        return
    fake.control(reset=True, items=HOSTILE)
    state = os.path.join(tmp, "tty")
    cmd = "%s pull --per-page 2 --state %s" % (ONLYGEN, state)
    e = dict(os.environ, BUNNY_API_KEY=KEY, BUNNY_LIBRARY_ID=LIB, BUNNY_API_BASE=fake.base)
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], env=e, capture_output=True,
                       timeout=120)
    check(r.returncode == 0 and b"\rpull: pages 5/5, videos 8, retries 0" in r.stdout and
          b"\npull: 5/5 pages" not in r.stdout,
          "terminal: a progress line with pages, videos, retries", repr(r.stdout[-300:]))


def test_big(fake, tmp):
    gen = os.path.join(tmp, "gen")
    subprocess.run([sys.executable, os.path.join(SHARED, "tools", "gen_catalog.py"), "10000", gen],
                   check=True, capture_output=True)
    fake.control(reset=True, catalog=os.path.join(gen, "catalog"))
    state = os.path.join(tmp, "big")
    rc, out, err = pull(fake, state, "--concurrency", "3")
    check(rc == 0 and "10000 videos (10000 published): 10000 added" in out,
          "10 000 videos pulled through the fake API", out + err)
    st = fake.stats()
    ports = {x["port"] for x in st["requests"]}
    check(st["max_inflight"] <= 3, "at most --concurrency 3 requests in flight (%d)" % st["max_inflight"])
    check(len(st["requests"]) == 101 and len(ports) <= 6,
          "101 requests over %d kept-alive connections" % len(ports))
    items = []
    for p in sorted(glob.glob(os.path.join(gen, "catalog", "videos-*.json"))):
        with open(p, encoding="utf-8") as f:
            items.extend(json.load(f)["items"])
    sample = items[::997]
    ok_rows = all(rows(state, "SELECT title, length, views FROM videos WHERE guid = ?", v["guid"])
                  == [(v["title"], v["length"], v["views"])] for v in sample)
    check(ok_rows, "sampled rows match the source")
    state2 = os.path.join(tmp, "from")
    r = subprocess.run([ONLYGEN, "pull", "--quiet", "--state", state2, "--from",
                        os.path.join(gen, "catalog")], capture_output=True, text=True)
    check(r.returncode == 0 and meta(state2, "digest") == meta(state, "digest"),
          "--from DIR gives the same digest as the API", r.stderr)


def test_from(tmp):
    d = os.path.join(tmp, "pages")
    os.makedirs(d)
    with open(os.path.join(SHARED, "testdata", "bunny", "videos-page-1.json"), "rb") as f:
        page = json.load(f)
    page["totalItems"] = len(page["items"])
    page["itemsPerPage"] = 10
    raw = json.dumps(page, ensure_ascii=False).encode()
    raw = raw.replace("Vertical short #7".encode(), b"Vertical \xff\xfe short")
    with open(os.path.join(d, "videos-0001.json"), "wb") as f:
        f.write(raw)
    with open(os.path.join(d, "collections-0001.json"), "w") as f:
        json.dump({"totalItems": 1, "currentPage": 1, "itemsPerPage": 100,
                   "items": [{"videoLibraryId": 1, "guid": "c7d1a9e2-4b3f-4e8a-9d6c-2f1e0b9a8c7d",
                              "name": "ART", "videoCount": 2}]}, f)
    state = os.path.join(tmp, "fromstate")
    r = subprocess.run([ONLYGEN, "pull", "--state", state, "--from", d], capture_output=True, text=True)
    check(r.returncode == 0 and "5 videos (4 published)" in r.stdout, "--from the sample page", r.stdout + r.stderr)
    t = rows(state, "SELECT title FROM videos WHERE guid = 'd9d9ab1f-fc9f-4488-9c26-4ffc653c0024'")
    check(t == [("Vertical \ufffd\ufffd short",)], "invalid UTF-8 replaced by U+FFFD", t)
    check(rows(state, "SELECT name FROM collections") == [("ART",)], "collections stored")

    before = snapshot(state)
    page["items"].append(page["items"][0])
    page["totalItems"] += 1
    with open(os.path.join(d, "videos-0001.json"), "w") as f:
        json.dump(page, f)
    r = subprocess.run([ONLYGEN, "pull", "--state", state, "--from", d], capture_output=True, text=True)
    check(r.returncode == 1 and "appears twice" in r.stderr, "duplicate GUIDs refused", r.stderr)
    check(snapshot(state) == before, "duplicate GUIDs: catalog unchanged")
    page["items"][-1] = dict(page["items"][0], guid="not-a-guid")
    with open(os.path.join(d, "videos-0001.json"), "w") as f:
        json.dump(page, f)
    r = subprocess.run([ONLYGEN, "pull", "--state", state, "--from", d], capture_output=True, text=True)
    check(r.returncode == 1 and "valid \"guid\"" in r.stderr, "invalid GUID refused", r.stderr)
    page["items"][-1] = dict(page["items"][1], guid="11111111-2222-4333-8444-555555555555",
                             length="long")
    with open(os.path.join(d, "videos-0001.json"), "w") as f:
        json.dump(page, f)
    r = subprocess.run([ONLYGEN, "pull", "--state", state, "--from", d], capture_output=True, text=True)
    check(r.returncode == 1 and "\"length\" is not a number" in r.stderr, "wrong type refused", r.stderr)
    check(snapshot(state) == before, "invalid data: catalog unchanged")
    with open(os.path.join(d, "videos-0001.json"), "w") as f:
        f.write('{"totalItems": 1,, }')
    r = subprocess.run([ONLYGEN, "pull", "--state", state, "--from", d], capture_output=True, text=True)
    check(r.returncode == 1 and "videos-0001.json:1:" in r.stderr and "from the API" not in r.stderr,
          "--from: invalid JSON names the file and line, not the API", r.stderr)


def test_from_natural_order(tmp):
    """videos-page-2.json comes before videos-page-10.json (the demo's naming)."""
    d = os.path.join(tmp, "natural")
    os.makedirs(d)
    with open(HOSTILE, encoding="utf-8") as f:
        base = json.load(f)[0]
    for p in range(1, 12):
        item = dict(base, guid="%08d-aaaa-4bbb-8ccc-000000000000" % p)
        with open(os.path.join(d, "videos-page-%d.json" % p), "w") as f:
            json.dump({"totalItems": 11, "currentPage": p, "itemsPerPage": 1, "items": [item]}, f)
    state = os.path.join(tmp, "naturalstate")
    r = subprocess.run([ONLYGEN, "pull", "--state", state, "--from", d], capture_output=True, text=True)
    check(r.returncode == 0 and "11 videos" in r.stdout, "--from reads pages in natural order (1..11)",
          r.stdout + r.stderr)


def test_shrink_source(fake, tmp):
    """The shrink guard compares pulls of one library, and counts published videos too."""
    state = os.path.join(tmp, "demo-to-real")
    r = subprocess.run([ONLYGEN, "pull", "--quiet", "--state", state, "--from",
                        os.path.join(ROOT, "demo", "catalog")], capture_output=True, text=True)
    check(r.returncode == 0, "demo catalog pulled", r.stderr)
    fake.control(reset=True, items=HOSTILE)
    rc, out, err = pull(fake, state)
    check(rc == 0 and "8 videos" in out and "different source" in err,
          "demo catalog (26) -> a real library of 8: no shrink refusal, a note instead", out + err)
    check(meta(state, "source") == "api %s library %s" % (fake.base, LIB), "source recorded",
          meta(state, "source"))
    # Same library, every video "processing": the site would be unpublished.
    with open(HOSTILE, encoding="utf-8") as f:
        items = json.load(f)
    for v in items:
        v["status"] = 2
    busy = os.path.join(tmp, "all-processing.json")
    with open(busy, "w", encoding="utf-8") as f:
        json.dump(items, f)
    fake.control(reset=True, items=busy)
    before = snapshot(state)
    rc, out, err = pull(fake, state)
    check(rc == 1 and "published (Finished) videos would drop from 7 to 0" in err,
          "published videos halved: refused", out + err)
    check(snapshot(state) == before, "published videos halved: catalog byte-for-byte unchanged")
    rc, out, err = pull(fake, state, "--allow-shrink")
    check(rc == 0 and "8 videos (0 published)" in out, "--allow-shrink accepts it", out + err)


def test_status_terminal_safe(tmp):
    """`onlygen status` prints titles from Bunny: no terminal control bytes get through,
    and a cut title stays valid UTF-8."""
    d = os.path.join(tmp, "ctl")
    os.makedirs(d)
    with open(HOSTILE, encoding="utf-8") as f:
        base = json.load(f)[0]
    evil = dict(base, guid="0badc0de-aaaa-4bbb-8ccc-000000000001", status=2,
                title="Clear!\u001b[2J\u001b]0;pwned\u0007\u009b31m \u2028" + "\u00e9" * 80)
    with open(os.path.join(d, "videos-0001.json"), "w", encoding="utf-8") as f:
        json.dump({"totalItems": 1, "currentPage": 1, "itemsPerPage": 1, "items": [evil]}, f)
    state = os.path.join(tmp, "ctlstate")
    r = subprocess.run([ONLYGEN, "pull", "-q", "--state", state, "--from", d], capture_output=True)
    st = subprocess.run([ONLYGEN, "status", "--state", state], capture_output=True)
    line = [ln for ln in st.stdout.split(b"\n") if b"0badc0de" in ln]
    check(r.returncode == 0 and st.returncode == 0 and len(line) == 1 and b"Clear" in line[0],
          "status lists the unpublished video", st.stdout + st.stderr)
    bad = [c for c in (line[0] if line else b"") if c < 0x20 or c == 0x7f]
    check(line and not bad and b"\xc2\x9b" not in line[0],
          "status: no control characters from a title reach the terminal", line)
    try:
        (line[0] if line else b"\xff").decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    check(valid, "status: a cut title is still valid UTF-8", line)


def main():
    tmp = tempfile.mkdtemp(prefix="catalog_pull-")
    fake = Fake()
    try:
        state = test_success(fake, tmp)
        test_faults(fake, state, tmp)
        test_tty(fake, tmp)
        test_big(fake, tmp)
        test_from(tmp)
        test_from_natural_order(tmp)
        test_shrink_source(fake, tmp)
        test_status_terminal_safe(tmp)
    finally:
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
