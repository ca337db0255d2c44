#!/usr/bin/env python3
"""deploy_storage.py — `onlygen deploy` against the fake Bunny Storage zone
(tests/fakes/bunny_storage.py, a real HTTP server on 127.0.0.1): the plan
and its order, checksums, the allowlist (only what the build's manifest,
var/site-manifest, names is uploaded: var/, keys, dotfiles, symlinks and
stray files are ignored; a named file missing or changed stops the deploy
before any upload), the deploy manifest, bounded concurrency, purges, and convergence to the exact local
tree after every injected fault (5xx, 429, timeouts, dropped connections).
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.environ.get("ROOT", os.getcwd())
BINDIR = os.environ.get("BINDIR", "bin")
GEN = os.path.join(ROOT, BINDIR, "onlygen") if not os.path.isabs(BINDIR) \
    else os.path.join(BINDIR, "onlygen")
FAKE = os.path.join(ROOT, "tests", "fakes", "bunny_storage.py")
failures = 0


def ok(cond, what, detail=""):
    global failures
    if cond:
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
        if detail:
            for line in str(detail).splitlines()[:40]:
                print("    " + line)


class Fake:
    def __init__(self, tmp):
        self.portfile = os.path.join(tmp, "port")
        self.proc = subprocess.Popen(
            [sys.executable, FAKE, "--zone", "zone1", "--key", "zone-pass",
             "--account-key", "acct-key", "--pullzone-id", "7",
             "--require-checksum", "--port-file", self.portfile])
        for _ in range(200):
            if os.path.exists(self.portfile):
                break
            time.sleep(0.05)
        self.port = int(open(self.portfile).read())
        self.base = "http://127.0.0.1:%d" % self.port

    def call(self, path, data=None):
        req = urllib.request.Request(self.base + path, data=data,
                                     method="POST" if data is not None else "GET")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def state(self):
        return self.call("/_fake/state")

    def faults(self, rules):
        self.call("/_fake/faults", json.dumps(rules).encode())

    def reset_log(self):
        self.call("/_fake/reset-log", b"")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


def write(root, rel, data):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# What "the build" published: files written with publish() and not removed
# since.  Before each deploy the build's manifest (work/var/site-manifest,
# generator/base/site_write.c's format) is written from it, as `onlygen build`
# would; anything else in the site directory is a stray file.
BUILT = set()
M64 = (1 << 64) - 1


def h64(data):
    """generator/base/hash64.c's h64(0, data, len): the manifest's checksum."""
    p1, p2 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F

    def rotl(x, r):
        return ((x << r) | (x >> (64 - r))) & M64
    n = len(data)
    h = (p1 * (n + 1)) & M64
    i = 0
    while n - i >= 8:
        w = int.from_bytes(data[i:i + 8], "little")
        h ^= (rotl((w * p2) & M64, 31) * p1) & M64
        h = (rotl(h, 27) * 5 + 0x52dce729) & M64
        i += 8
    t = n - i
    w = int.from_bytes(data[i:] + bytes(8 - t), "little")
    h ^= (rotl(((w ^ t) * p2) & M64, 31) * p1) & M64
    for mul in (0xff51afd7ed558ccd, 0xc4ceb9fe1a85ec53):
        h ^= h >> 33
        h = (h * mul) & M64
    return h ^ (h >> 33)


def publish(root, rel, data):
    write(root, rel, data)
    BUILT.add(rel)


def unpublish(root, rel):
    p = os.path.join(root, rel)
    if os.path.isdir(p):
        shutil.rmtree(p)
        BUILT.difference_update({b for b in BUILT if b.startswith(rel + "/")})
    else:
        os.remove(p)
        BUILT.discard(rel)


def save_build_manifest(root, state="var"):
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "site-manifest"), "w") as f:
        f.write("onlygen-site-manifest 1 %016x\n" % 0)
        for rel in sorted(BUILT):
            f.write("%016x %016x %s\n" % (1, h64(open(os.path.join(root, rel), "rb").read()), rel))


def expected_tree(root):
    """What must be in the zone: exactly what the build published."""
    return {rel: hashlib.sha256(open(os.path.join(root, rel), "rb").read()).hexdigest().upper()
            for rel in BUILT}


def run(env, *args, build=True):
    if build and "--site" in args:
        save_build_manifest(args[args.index("--site") + 1])
    p = subprocess.run([GEN, "deploy", *args], env=env, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def converged(fake, site, what):
    st = fake.state()
    want = expected_tree(site)
    ok(st["files"] == want, what,
       "missing: %s\nextra: %s\ndiffer: %s" % (
           sorted(set(want) - set(st["files"])),
           sorted(set(st["files"]) - set(want)),
           sorted(k for k in want if k in st["files"] and st["files"][k] != want[k])))
    # No empty remote directory left behind either.
    dirs_needed = {os.path.dirname(p) for p in want} - {""}
    closure = set()
    for d in dirs_needed:
        while d:
            closure.add(d)
            d = os.path.dirname(d)
    ok(set(st["dirs"]) == closure, what + ": no stray remote directories",
       "remote dirs %s, needed %s" % (st["dirs"], sorted(closure)))
    # The manifest (cwd is the work directory) records exactly that tree.
    man = json.load(open(os.path.join("var", "deploy-zone1.json")))
    got = {p: e["sha256"] for p, e in man["files"].items()}
    ok(got == want, what + ": the manifest records exactly the published files",
       "missing: %s\nextra: %s" % (sorted(set(want) - set(got)),
                                   sorted(set(got) - set(want))))


def main():
    tmp = tempfile.mkdtemp(prefix="deploy_storage.")
    fake = Fake(tmp)
    try:
        tests(tmp, fake)
    finally:
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


def tests(tmp, fake):
    site = os.path.join(tmp, "site")
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("BUNNY_"):
            del env[k]
    env.update(BUNNY_STORAGE_ZONE="zone1", BUNNY_STORAGE_KEY="zone-pass",
               BUNNY_STORAGE_BASE=fake.base,
               BUNNY_API_BASE_CORE=fake.base + "/core",
               BUNNY_ACCOUNT_KEY="acct-key", BUNNY_PULLZONE_ID="7")
    os.chdir(work)   # the manifest goes to work/var/

    # A site with assets, pages, and things that must never leave the box.
    publish(site, "index.html", "<a href=/v/a/>a</a>")
    publish(site, "v/a/index.html", "video a")
    publish(site, "v/b/index.html", "video b")
    publish(site, "assets/app.0123abcd.css", "body{}")
    publish(site, "assets/hls.0badc0de.js", "x" * 200000)
    publish(site, "assets/img/poster-a.jpg", b"\xff\xd8" + os.urandom(3000))
    publish(site, "sitemap.xml", "<urlset/>")
    write(site, "var/access.db", "SQLite format 3")
    write(site, "var/verifier.keys", "SECRET_KEY=x")
    write(site, "verifier.keys", "SECRET_KEY=x")
    write(site, "catalog.db", "SQLite")
    write(site, ".env", "BUNNY_STORAGE_KEY=zone-pass")
    write(site, ".git/config", "[core]")
    write(site, "assets/.DS_Store", "junk")
    write(site, "index.html~", "backup")
    write(tmp, "outside/secret.txt", "outside the site")
    os.symlink(os.path.join(tmp, "outside/secret.txt"),
               os.path.join(site, "linked.txt"))
    os.symlink(os.path.join(tmp, "outside"), os.path.join(site, "linkdir"))

    # --- dry run: the plan only ------------------------------------------
    rc, out, err = run(env, "--site", site, "--dry-run")
    st = fake.state()
    ok(rc == 0, "dry run exits 0", err)
    ok("would upload 7" in out and "delete 0" in out, "dry run prints the plan summary", out)
    ok("upload   assets        assets/app.0123abcd.css" in out,
       "dry run lists an asset upload", out)
    ok(not any(e["method"] in ("PUT", "DELETE") for e in st["log"]),
       "dry run changes nothing in the zone")
    ok(not os.path.exists(os.path.join(work, "var", "deploy-zone1.json")),
       "dry run writes no manifest")

    # --- first deploy ----------------------------------------------------
    fake.reset_log()
    rc, out, err = run(env, "--site", site, "--jobs", "3")
    ok(rc == 0, "first deploy exits 0", err)
    ok("uploaded 7" in out and "deleted 0" in out, "summary counts uploads", out)
    converged(fake, site, "first deploy: zone equals the local tree")
    st = fake.state()
    puts = [e for e in st["log"] if e["method"] == "PUT"]
    paths = [e["path"] for e in puts]
    bad = [p for p in paths if "var/" in p or ".keys" in p or "/." in p or
           p.endswith((".db", "~")) or "linked" in p or "linkdir" in p or "secret" in p]
    ok(not bad, "never uploads var/, keys, databases, dotfiles, backups or symlinks", bad)
    ignored = [l for l in err.splitlines() if l.startswith("deploy: ignored ")]
    ok(sorted(ignored) == sorted("deploy: ignored %s: not in the build's manifest" % x
                                 for x in ("var/", "verifier.keys", "catalog.db", ".env",
                                           ".git/", "assets/.DS_Store", "index.html~",
                                           "linked.txt", "linkdir")),
       "each file or directory the manifest does not name is reported once as ignored", err)
    want = expected_tree(site)
    ok(all(e["checksum"] == want[e["path"].split("/", 2)[2]] for e in puts),
       "every PUT carries the uppercase SHA-256 Checksum of its body")
    ok(any(e["path"].endswith("index.html") and
           e["content_type"].startswith("text/html") for e in puts),
       "pages are sent as text/html")
    last_asset = max(i for i, e in enumerate(puts) if "/assets/" in e["path"])
    first_page = min(i for i, e in enumerate(puts) if e["path"].endswith(".html"))
    ok(last_asset < first_page, "every asset is uploaded before the first page",
       paths)
    ok(st["peak"]["put"] <= 3, "uploads stay within --jobs 3 (peak %d)" % st["peak"]["put"])
    ok(st["peak"]["list"] <= 5, "listings stay within Bunny's 5 (peak %d)" % st["peak"]["list"])
    ok(st["purges"] == [], "nothing to purge after a first deploy (only new files)")
    man = json.load(open(os.path.join(work, "var", "deploy-zone1.json")))
    ok(set(man["files"]) == set(want), "manifest records every published file")

    # --- nothing changed ---------------------------------------------------
    fake.reset_log()
    rc, out, err = run(env, "--site", site)
    st = fake.state()
    ok(rc == 0 and "uploaded 0" in out and "unchanged 7" in out,
       "a re-run with no change uploads nothing", out + err)
    ok(not any(e["method"] in ("PUT", "DELETE") for e in st["log"]),
       "no PUT or DELETE when nothing changed")

    # --- changes: new page, changed page, deleted page, deleted dir --------
    publish(site, "v/c/index.html", "video c")
    publish(site, "index.html", "<a href=/v/c/>c</a>")
    publish(site, "assets/app.4567cdef.css", "body{color:red}")
    unpublish(site, "assets/app.0123abcd.css")
    unpublish(site, "v/b")
    fake.reset_log()
    env2 = dict(env, BUNNY_PULLZONE_URL="https://cdn.example.com/")
    rc, out, err = run(env2, "--site", site)
    ok(rc == 0, "deploy of changes exits 0", err)
    ok("uploaded 3" in out and "deleted 2" in out, "summary: 3 uploaded, 2 deleted", out)
    converged(fake, site, "after changes: zone equals the local tree")
    st = fake.state()
    seq = [(e["method"], e["path"].split("/", 2)[2]) for e in st["log"]
           if e["method"] in ("PUT", "DELETE")]
    ok(seq[0] == ("PUT", "assets/app.4567cdef.css") and
       seq[1] == ("PUT", "v/c/index.html") and seq[2] == ("PUT", "index.html") and
       {s[0] for s in seq[3:]} == {"DELETE"},
       "order: asset, new page, changed page, then deletions", seq)
    ok(("DELETE", "v/b/") in seq and not any(p.startswith("v/b/index") for _, p in seq),
       "a directory gone locally is deleted in one recursive DELETE", seq)
    ok(st["purges"] == [{"zone": "7"}] and "purged: the whole pull zone 7" in out,
       "a deleted directory purges the whole pull zone", out)

    # per-URL purges when only files changed
    publish(site, "v/c/index.html", "video c, edited")
    publish(site, "sitemap.xml", "<urlset><url/></urlset>")
    fake.reset_log()
    rc, out, err = run(env2, "--site", site)
    st = fake.state()
    ok(rc == 0 and "purged: 3 URLs" in out, "changed files are purged by URL",
       out + str([e["path"] for e in st["log"] if e["method"] == "PUT"]))
    ok(sorted(p["url"] for p in st["purges"]) == [
        "https://cdn.example.com/sitemap.xml", "https://cdn.example.com/v/c/",
        "https://cdn.example.com/v/c/index.html"],
       "the changed files' URLs, and a page's directory URL; new files need none",
       st["purges"])
    publish(site, "index.html", "<a href=/v/c/>c!</a>")
    fake.reset_log()
    rc, out, err = run(env2, "--site", site)
    st = fake.state()
    ok(rc == 0 and st["purges"] == [{"zone": "7"}],
       "the home page (served at /) purges the whole pull zone", st["purges"])
    # A file someone put in the zone by hand, with a space in its name (a
    # build never makes one): the deploy deletes it and purges its URL.
    urllib.request.urlopen(urllib.request.Request(
        fake.base + "/zone1/poster%20b.jpg", data=b"p", method="PUT",
        headers={"AccessKey": "zone-pass",
                 "Checksum": hashlib.sha256(b"p").hexdigest().upper()}), timeout=10).read()
    fake.reset_log()
    rc, out, err = run(env2, "--site", site)
    st = fake.state()
    ok([p["url"] for p in st["purges"]] == ["https://cdn.example.com/poster%20b.jpg"],
       "a deleted file's URL is purged, percent-encoded", st["purges"])

    # --- faults: each run fails, a re-run converges -------------------------
    quick = ["--site", site, "--attempts", "2", "--timeout", "2"]
    cases = [
        ("503 on every try of an asset PUT", "assets/", [
            {"method": "PUT", "path": "/assets/hls.", "times": 2, "status": 503}], True),
        ("429 with Retry-After, then success", "assets/", [
            {"method": "PUT", "path": "/assets/", "times": 1, "status": 429,
             "retry_after": 1}], False),
        ("timeout after the upload was stored", "index.html", [
            {"method": "PUT", "path": "index.html", "times": 2, "timeout": 4,
             "apply": True}], True),
        ("connection dropped without an answer", "index.html", [
            {"method": "PUT", "path": "/zone1/index.html", "times": 6, "reset": True}], True),
        ("500 on a DELETE", "", [
            {"method": "DELETE", "path": "app.0004", "times": 2, "status": 500}], True),
        ("502 on the listing", "", [
            {"method": "GET", "path": "/zone1/", "times": 2, "status": 502}], True),
    ]
    n = 0
    for name, _, rules, must_fail in cases:
        n += 1
        # Change something of every kind so every phase has work.
        publish(site, "assets/app.%04d.css" % n, "a%d" % n)
        publish(site, "assets/hls.0badc0de.js", "y" * (1000 + n))
        publish(site, "v/new%d/index.html" % n, "new %d" % n)
        publish(site, "index.html", "home %d" % n)
        if n > 1:
            unpublish(site, "assets/app.%04d.css" % (n - 1))
        if n > 1:
            unpublish(site, "v/new%d" % (n - 1))
        fake.reset_log()
        fake.faults(rules)
        rc, out, err = run(env, *quick)
        st = fake.state()
        if must_fail:
            ok(rc == 1, "%s: the run exits 1" % name, out + err)
            ok("run it again" in err or "again" in err,
               "%s: the message says to re-run" % name, err)
        else:
            ok(rc == 0 and "retries 1" in out, "%s: retried within the run" % name,
               out + err)
        if name.startswith("503"):
            pages = [e for e in st["log"] if e["method"] == "PUT" and
                     e["path"].endswith(".html")]
            ok(pages == [] and not any(e["method"] == "DELETE" for e in st["log"]),
               "%s: no page uploaded and nothing deleted after an asset failed" % name)
        fired = sum(r["times"] for r in rules) - st["faults_left"]
        ok(fired >= min(2, rules[0]["times"]), "%s: the fault fired (%d times)" % (name, fired))
        fake.reset_log()   # also drops faults left over
        rc, out, err = run(env, *quick)
        ok(rc == 0, "%s: the re-run exits 0" % name, out + err)
        converged(fake, site, "%s: the re-run converges to the exact local tree" % name)

    # --- progress on a terminal (script(1) gives the run a pty) ------------
    publish(site, "assets/tty.css", "tty")
    publish(site, "tty.html", "tty")
    save_build_manifest(site)
    cmd = " ".join("'%s'" % a for a in [GEN, "deploy", "--site", site, "--no-purge"])
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], env=env,
                       capture_output=True, text=True, timeout=60)
    ok(p.returncode == 0 and "\033[Kassets 1/1" in p.stdout and
       "\033[Knew pages 1/1" in p.stdout,
       "on a terminal, a progress line per phase", repr(p.stdout[-400:]))
    rc, out, err = run(env, "--site", site)
    ok("\033[" not in out + err, "no progress escapes when not on a terminal")

    # --- a file changed behind our back (other size) is re-uploaded ---------
    req = urllib.request.Request(fake.base + "/zone1/index.html",
                                 data=b"tampered!!", method="PUT",
                                 headers={"AccessKey": "zone-pass",
                                          "Checksum": hashlib.sha256(b"tampered!!").hexdigest().upper()})
    urllib.request.urlopen(req, timeout=10).read()
    rc, out, err = run(env, "--site", site)
    ok(rc == 0 and "uploaded 1" in out, "a remote file of another size is re-uploaded", out)
    converged(fake, site, "after tampering: zone equals the local tree")

    # --- a lost manifest: every file is re-checked, and converges ----------
    os.remove(os.path.join(work, "var", "deploy-zone1.json"))
    rc, out, err = run(env, "--site", site)
    ok(rc == 0, "without a manifest the deploy still succeeds", err)
    converged(fake, site, "without a manifest: zone equals the local tree")

    # --- errors ------------------------------------------------------------
    rc, out, err = run(dict(env, BUNNY_STORAGE_KEY="wrong"), "--site", site)
    ok(rc == 1 and "BUNNY_STORAGE_KEY" in err and "wrong" not in err,
       "a refused key exits 1, names the variable, never prints the key", err)
    rc, out, err = run(dict(env, BUNNY_STORAGE_ZONE="zone-typo"), "--site", site)
    ok(rc == 1 and "BUNNY_STORAGE_ZONE" in err,
       "a zone the key does not open: the message names BUNNY_STORAGE_ZONE too", err)
    fake.faults([{"method": "GET", "status": 403, "times": 1}])
    rc, out, err = run(env, "--site", site)
    ok(rc == 1 and "BUNNY_STORAGE_KEY" in err and "BUNNY_API_KEY" not in err,
       "a 403 from the zone names BUNNY_STORAGE_KEY, not the Stream key", err)
    fake.reset_log()
    rc, out, err = run({k: v for k, v in env.items() if k != "BUNNY_STORAGE_KEY"},
                       "--site", site)
    ok(rc == 2 and "BUNNY_STORAGE_KEY" in err, "a missing key is a usage error (2)", err)
    rc, out, err = run({k: v for k, v in env.items() if k != "BUNNY_STORAGE_BASE"}
                       | {"BUNNY_STORAGE_REGION": "mars"}, "--site", site, "--attempts", "1")
    ok(rc == 2 and "BUNNY_STORAGE_REGION" in err and "syd" in err,
       "an unknown region is a usage error naming the regions (no DNS retries)", err)
    for var, val in (("BUNNY_STORAGE_KEY", "zone-pass\r\nX-Injected: 1"),
                     ("BUNNY_ACCOUNT_KEY", "acct key with spaces")):
        rc, out, err = run(dict(env, **{var: val}), "--site", site)
        ok(rc == 2 and var in err and val not in err and "X-Injected" not in err,
           "%s with a space or control byte is a usage error, not a header" % var, err)
    rc, out, err = run(env, "--bogus")
    ok(rc == 2, "an unknown option is a usage error (2)")
    rc, out, err = run(env, "--jobs", "500")
    ok(rc == 2, "--jobs beyond Bunny's limit is refused (2)")
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    nostate = os.path.join(tmp, "nostate")
    rc, out, err = run(env, "--site", site, "--state", nostate, build=False)
    ok(rc == 1 and "refusing to empty the zone" in err and "onlygen build" in err and
       fake.state()["files"], "without the build's manifest nothing is deployed", err)
    before = fake.state()["files"]
    fake.reset_log()
    rc, out, err = run(env, "--site", empty, build=False)
    st = fake.state()
    ok(rc == 1 and "index.html: the build published it, but it is missing" in err and
       "nothing was uploaded" in err and st["files"] == before and
       not any(e["method"] in ("PUT", "DELETE") for e in st["log"]),
       "a published file missing from the site stops the deploy before any change", err)
    write(site, "sitemap.xml", "<urlset>changed after the build</urlset>")
    fake.reset_log()
    rc, out, err = run(env, "--site", site, build=False)
    st = fake.state()
    ok(rc == 1 and "sitemap.xml: its bytes are not what the build published" in err and
       not any(e["method"] in ("PUT", "DELETE") for e in st["log"]),
       "a published file changed after the build stops the deploy before any change", err)
    publish(site, "sitemap.xml", "<urlset>rebuilt</urlset>")
    # Secrets dropped into a built site are never uploaded.
    for rel in ("keys.txt", "tokens.db.bak", ".env", "x/secret.txt"):
        write(site, rel, "SECRET")
    fake.reset_log()
    rc, out, err = run(env, "--site", site)
    st = fake.state()
    puts = [e["path"] for e in st["log"] if e["method"] == "PUT"]
    ok(rc == 0 and puts == ["/zone1/sitemap.xml"] and
       not any("SECRET" in str(v) or k in ("keys.txt", "tokens.db.bak", ".env",
               "x/secret.txt") for k, v in st["files"].items()),
       "keys.txt, tokens.db.bak, .env and x/secret.txt in a built site stay local", puts)
    ok(all(("deploy: ignored %s: not in the build's manifest" % x) in err
           for x in ("keys.txt", "tokens.db.bak", ".env", "x/")), "and are reported as ignored", err)
    rc, out, err = run(env, "--site", os.path.join(tmp, "nope"), build=False)
    ok(rc == 1 and "onlygen build" in err, "a missing site directory says to build first", err)
    publish(site, "index.html", "purge fails")
    rc, out, err = run(dict(env, BUNNY_ACCOUNT_KEY="bad"), "--site", site)
    ok(rc == 1 and "BUNNY_ACCOUNT_KEY" in err, "a refused purge key exits 1 and says which key", err)
    rc, out, err = run({k: v for k, v in env.items() if k != "BUNNY_ACCOUNT_KEY"},
                       "--site", site)
    publish(site, "index.html", "purge skipped")
    rc, out, err = run({k: v for k, v in env.items() if k != "BUNNY_ACCOUNT_KEY"},
                       "--site", site)
    ok(rc == 0 and "purge: skipped" in out, "without an account key the purge is skipped, said so", out)


if __name__ == "__main__":
    sys.exit(main())
