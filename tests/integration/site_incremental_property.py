#!/usr/bin/env python3
"""Incremental == clean (issue 12, point 1): a property test.

A catalog of a few thousand videos, a content/ directory and a user theme
go through a seeded random sequence of edits of every kind: each Bunny
field the site shows, each content/ field, site.json fields, a template, a
partial, a static asset, a video added/removed, a content file
added/removed.  After each edit the incremental build (the same state and
output directory all along) must equal a clean build (empty state, empty
output) byte for byte: every file of site/ and the manifest; access.db by
what the verifier reads (schema, version, every row: a rebuild applies
only the changed rows to a copy of the table, so its pages differ).

Two edits come first, always (PREFIX: a content/ title, then an upload
time), then every kind once, in a seeded order, then random ones.
PROPERTY_SEED=S replays a run; PROPERTY_EDITS=N sets the number of edits
(default: one of each kind, under a minute; SANITIZED=1 runs twice
as many, on 1000 videos); PROPERTY_VIDEOS=N the catalog size (default 2000).
On a mismatch it prints the seed, the edit and the differing files.
"""

import copy
import filecmp
import glob
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
BUILD = os.environ.get("BUILD", "build")
BINDIR = os.environ.get("BINDIR", "bin")
SANITIZED = os.environ.get("SANITIZED", "0") == "1"
SEED = int(os.environ.get("PROPERTY_SEED") or time.time_ns() % 1000000)
# under the sanitizers a build is ~4x slower: half the videos, twice the edits
NVIDEOS = int(os.environ.get("PROPERTY_VIDEOS") or (1000 if SANITIZED else 2000))
FAILS = 0


def ok(msg):
    print("ok - " + msg, flush=True)


def notok(msg):
    global FAILS
    FAILS += 1
    print("not ok - " + msg, flush=True)


WORDS = ("night city ocean forest desert studio street rooftop neon vintage analog "
         "golden rain snow summer winter portrait aerial drone raw live").split()
HOSTILE = ["</script><img src=x onerror=alert(1)>", "Tom & \"Jerry\" <b>", "{{title}}",
           "\u202eevil\u202c", "caf\u00e9 \U0001F3AC", "line\u2028sep", "a'b"]
CATS = ["raw", "art", "duo", "solo", "vip"]


def text(rng, n=4):
    s = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, n)))
    if rng.random() < 0.2:
        s += " " + rng.choice(HOSTILE)
    return s


def new_guid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def new_video(rng, when):
    return {
        "videoLibraryId": 1, "guid": new_guid(rng), "title": text(rng, 6),
        "description": text(rng, 12) if rng.random() < 0.8 else None,
        "dateUploaded": time.strftime("%Y-%m-%dT%H:%M:%S.000", time.gmtime(when)),
        "views": rng.randint(0, 10000), "isPublic": True, "length": rng.randint(5, 7200),
        "status": 4, "width": rng.choice([1280, 1920, 3840]),
        "height": rng.choice([720, 1080, 2160]), "thumbnailFileName": "thumbnail.jpg",
        "captions": [{"srclang": "en", "label": "English", "version": 1}]
        if rng.random() < 0.3 else [],
        "chapters": [{"title": text(rng, 2), "start": 0, "end": 30}]
        if rng.random() < 0.2 else [],
        "category": "", "metaTags": [{"property": "tags", "value": ",".join(
            rng.sample(WORDS, 2))}] if rng.random() < 0.3 else [],
        "collectionId": "",
    }


class World:
    """The inputs of a build: Bunny items, content/ files, the user theme."""

    def __init__(self, rng, n):
        self.rng = rng
        self.clock = 1700000000
        self.items = []
        for _ in range(n):
            self.clock += rng.randint(60, 86400)
            self.items.append(new_video(rng, self.clock))
        self.site = {
            "title": "Property <Site>", "description": "incremental == clean",
            "base_url": "https://example.test", "language": "en", "author": "Prop",
            "cdn_host": "vz-test-1.b-cdn.net", "url_style": "directory", "page_size": 24,
            "defaults": {"access": "public"},
            "categories": [{"slug": c, "name": c.upper(), "colour": "#e50914", "icon": "*",
                            "order": i, "description": "about " + c}
                           for i, c in enumerate(CATS)],
            "series": {"s%d" % i: {"title": "Series %d" % i, "description": "a series"}
                       for i in range(20)},
            "tags": {w: {"name": w.title()} for w in WORDS[:8]},
        }
        # content files: videos spread over four files
        self.files = {"a.json": {}, "b.json": {}, "c.json": {}, "d.json": {}}
        names = sorted(self.files)
        series_next = {}
        for k, it in enumerate(self.items):
            e = {"categories": rng.sample(CATS, rng.randint(1, 2)),
                 "tags": rng.sample(WORDS, rng.randint(1, 4)),
                 "access": rng.choice(["public", "vip", "ppv"])}
            if rng.random() < 0.15:
                s = "s%d" % rng.randrange(20)
                series_next[s] = series_next.get(s, 0) + 1
                e["series"] = {"slug": s, "season": 1 + series_next[s] // 10,
                               "episode": 1 + series_next[s] % 10}
            if rng.random() < 0.01:
                e["featured"] = True
            self.files[names[k % 4]][it["guid"]] = e
        self.theme = {}  # relative path -> text (a copy of the default's, edited)
        for rel in ("list.mustache", "partials/card.mustache", "static/site.css"):
            with open(os.path.join("themes/default", rel), encoding="utf-8") as f:
                self.theme[rel] = f.read()

    def entry(self, guid):
        for f in self.files.values():
            if guid in f:
                return f[guid]
        return None

    def write(self, tmp):
        pages = os.path.join(tmp, "pages")
        shutil.rmtree(pages, ignore_errors=True)
        os.makedirs(pages)
        items = sorted(self.items, key=lambda it: it["dateUploaded"], reverse=True)
        paths = []
        for p in range(0, max(len(items), 1), 1000):
            path = os.path.join(pages, "videos-%04d.json" % (p // 1000 + 1))
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"totalItems": len(items), "currentPage": p // 1000 + 1,
                           "itemsPerPage": 1000, "items": items[p:p + 1000]}, f)
            paths.append(path)
        content = os.path.join(tmp, "content")
        shutil.rmtree(content, ignore_errors=True)
        os.makedirs(os.path.join(content, "videos"))
        with open(os.path.join(content, "site.json"), "w", encoding="utf-8") as f:
            json.dump(self.site, f, indent=1)
        for name, vids in self.files.items():
            with open(os.path.join(content, "videos", name), "w", encoding="utf-8") as f:
                json.dump({"videos": vids}, f, indent=1)
        theme = os.path.join(tmp, "theme")
        shutil.rmtree(theme, ignore_errors=True)
        for rel, s in self.theme.items():
            os.makedirs(os.path.dirname(os.path.join(theme, rel)), exist_ok=True)
            with open(os.path.join(theme, rel), "w", encoding="utf-8") as f:
                f.write(s)
        return paths


# --- the edits: each returns a one-line description ---------------------------

def pick(w):
    return w.rng.choice(w.items)


def bunny(field, fn):
    def edit(w):
        it = pick(w)
        old = it.get(field)
        it[field] = fn(w.rng, old)
        return "Bunny %s of %s: %r -> %r" % (field, it["guid"], old, it[field])
    return edit


# said of a content/ edit that gave its video an entry it had not
NEW_ENTRY = " (a new entry)"


def content_field(field, fn):
    def edit(w):
        it = pick(w)
        e = w.entry(it["guid"])
        created = e is None
        if created:
            e = w.files.setdefault("a.json", {}).setdefault(it["guid"], {})
        old = e.get(field)
        new = fn(w.rng, old)
        if new is None:
            e.pop(field, None)
        else:
            e[field] = new
        return "content %s of %s: %r -> %r%s" % (field, it["guid"], old, new,
                                                 NEW_ENTRY if created else "")
    return edit


def series_value(rng, old):
    if old is not None and rng.random() < 0.3:
        return None
    return {"slug": "s%d" % rng.randrange(20), "season": rng.randint(1, 3),
            "episode": rng.randint(1, 12)}


def episode_value(which):
    def fn(rng, old):
        s = copy.deepcopy(old) if old else {"slug": "s%d" % rng.randrange(20),
                                            "season": 1, "episode": 1}
        s[which] = rng.randint(1, 15)
        return s
    return fn


def site_purchase_url(w):
    old = w.site.get("purchase_url")
    new = w.rng.choice(["https://shop.test/buy", "/buy/?ref=a&b=1", None])
    if new is None:
        w.site.pop("purchase_url", None)     # unset: no "Get a code"
    else:
        w.site["purchase_url"] = new
    return "site.json purchase_url: %r -> %r" % (old, new)


def site_field(field, fn):
    def edit(w):
        old = w.site.get(field)
        w.site[field] = fn(w.rng, old)
        return "site.json %s: %r -> %r" % (field, old, w.site[field])
    return edit


def site_category(w):
    c = w.rng.choice(w.site["categories"])
    f = w.rng.choice(["name", "colour", "icon", "description", "order"])
    old = c[f]
    c[f] = {"name": lambda: text(w.rng, 2), "colour": lambda: w.rng.choice(
        ["#123", "#abcdef", "red;x", "#00ff0080"]), "icon": lambda: w.rng.choice(["*", "\u2726", ""]),
        "description": lambda: text(w.rng, 5), "order": lambda: w.rng.randint(0, 9)}[f]()
    return "site.json category %s %s: %r -> %r" % (c["slug"], f, old, c[f])


def site_tag(w):
    t = w.rng.choice(sorted(w.site["tags"]))
    old = w.site["tags"][t].get("name")
    w.site["tags"][t]["name"] = text(w.rng, 2)
    return "site.json tag %s name: %r -> %r" % (t, old, w.site["tags"][t]["name"])


def site_series(w):
    s = w.rng.choice(sorted(w.site["series"]))
    f = w.rng.choice(["title", "description"])
    old = w.site["series"][s][f]
    w.site["series"][s][f] = text(w.rng, 3)
    return "site.json series %s %s: %r -> %r" % (s, f, old, w.site["series"][s][f])


def theme_edit(rel):
    def edit(w):
        n = w.rng.randrange(1 << 30)
        add = "\n/* edit %d */\n" % n if rel.endswith(".css") else "<!-- edit %d -->" % n
        w.theme[rel] += add
        return "theme %s: appended %r" % (rel, add)
    return edit


def video_added(w):
    w.clock += w.rng.randint(60, 86400)
    it = new_video(w.rng, w.clock if w.rng.random() < 0.5 else w.clock - 10 ** 7)
    w.items.append(it)
    if w.rng.random() < 0.7:
        name = w.rng.choice(sorted(w.files)) if w.files else "a.json"
        w.files.setdefault(name, {})[it["guid"]] = {
            "categories": w.rng.sample(CATS, 1), "tags": w.rng.sample(WORDS, 2)}
    return "video added: %s" % it["guid"]


def video_removed(w):
    it = pick(w)
    w.items.remove(it)
    return "video removed: %s (its content entry stays)" % it["guid"]


def content_file_added(w):
    name = "new-%d.json" % w.rng.randrange(1 << 20)
    vids = {}
    for it in w.rng.sample(w.items, 5):
        if w.entry(it["guid"]) is None:
            vids[it["guid"]] = {"categories": ["art"], "tags": ["neon"], "access": "vip"}
    w.files[name] = vids
    return "content file added: %s (%d entries)" % (name, len(vids))


def content_file_removed(w):
    if not w.files:
        return content_file_added(w)
    name = w.rng.choice(sorted(w.files))
    n = len(w.files.pop(name))
    return "content file removed: %s (%d entries)" % (name, n)


def caption_edit(rng, old):
    return [] if old else [{"srclang": rng.choice(["en", "fr", "pt-BR"]),
                            "label": text(rng, 1), "version": 1}]


def chapter_edit(rng, old):
    return [] if old and rng.random() < 0.3 else [
        {"title": text(rng, 2), "start": 0, "end": rng.randint(1, 60)},
        {"title": text(rng, 2), "start": 60, "end": 120}]


EDITS = {
    "bunny title": bunny("title", lambda r, o: text(r, 6)),
    "bunny description": bunny("description", lambda r, o: text(r, 12)),
    "bunny dateUploaded": bunny("dateUploaded", lambda r, o: time.strftime(
        "%Y-%m-%dT%H:%M:%S.000", time.gmtime(1600000000 + r.randrange(10 ** 8)))),
    "bunny length": bunny("length", lambda r, o: r.randint(1, 20000)),
    "bunny width": bunny("width", lambda r, o: r.choice([0, 640, 1920])),
    "bunny height": bunny("height", lambda r, o: r.choice([0, 480, 1080])),
    "bunny thumbnailFileName": bunny("thumbnailFileName", lambda r, o: "thumb_%d.jpg" % r.randrange(9)),
    "bunny captions": bunny("captions", caption_edit),
    "bunny chapters": bunny("chapters", chapter_edit),
    "bunny metaTags": bunny("metaTags", lambda r, o: [{"property": "tags", "value": ",".join(
        r.sample(WORDS, 3))}]),
    "bunny views": bunny("views", lambda r, o: r.randint(0, 10 ** 6)),
    "content categories": content_field("categories", lambda r, o: r.sample(CATS, r.randint(0, 3))),
    "content tags": content_field("tags", lambda r, o: r.sample(WORDS, r.randint(0, 4))),
    "content series": content_field("series", series_value),
    "content season": content_field("series", episode_value("season")),
    "content episode": content_field("series", episode_value("episode")),
    "content access": content_field("access", lambda r, o: r.choice(["public", "vip", "ppv", None])),
    "content featured": content_field("featured", lambda r, o: None if o else True),
    "content hidden": content_field("hidden", lambda r, o: None if o else True),
    "content title": content_field("title", lambda r, o: text(r, 5)),
    "content description": content_field("description", lambda r, o: text(r, 10)),
    "site title": site_field("title", lambda r, o: text(r, 3)),
    "site description": site_field("description", lambda r, o: text(r, 8)),
    "site base_url": site_field("base_url", lambda r, o: r.choice(
        ["https://example.test", "https://other.test", "https://example.test/sub"])),
    "site language": site_field("language", lambda r, o: r.choice(["en", "fr", "pt-BR"])),
    "site author": site_field("author", lambda r, o: text(r, 2)),
    "site purchase_url": site_purchase_url,
    "site page_size": site_field("page_size", lambda r, o: r.choice([12, 24, 48])),
    "site url_style": site_field("url_style", lambda r, o: r.choice(["directory", "html"])),
    "site default access": site_field("defaults", lambda r, o: {"access": r.choice(["public", "vip", "ppv"])}),
    "site category": site_category,
    "site tag name": site_tag,
    "site series": site_series,
    "template": theme_edit("list.mustache"),
    "partial": theme_edit("partials/card.mustache"),
    "static asset": theme_edit("static/site.css"),
    "video added": video_added,
    "video removed": video_removed,
    "content file added": content_file_added,
    "content file removed": content_file_removed,
}

# Edits that change one catalog row and nothing its tags, category or
# membership depend on: the build lays that row over its model image
# (docs/site.md, "The model image") rather than merging everything.
OVERLAID = {k for k in EDITS if k.startswith("bunny ") and k != "bunny metaTags"}

# Edits of content/ that change one video's title or description: the
# build lays the edited entry over its model image (model_overlay.h:
# model_overlay_entries) rather than merging everything, unless a warning
# came or went with it; merged or not, the pages that read none of that
# video keep their keys.
KEPT_AFTER_MERGE = {"content title", "content description"}
MOVED_KEPT = {"video added", "video removed"}
PREFIX = ["content title", "bunny dateUploaded"]


def delta_entries(state, fold):
    """How many content/ entries the delta beside the model image holds, 0
    without one: as a build reads it (tests/site/image_fold.c --entries)."""
    rc, out = finish(start([fold, "--entries", state]))
    if rc != 0 or not out.strip().splitlines()[-1].isdigit():
        raise AssertionError("image_fold --entries %s: %d %s" % (state, rc, out.strip()))
    return int(out.strip().splitlines()[-1])


# --- builds ---------------------------------------------------------------------

def c_tool(tmp, name):
    """tests/site/NAME.c built against the project's libraries."""
    exe = os.path.join(tmp, name)
    san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"] if SANITIZED else []
    cflags = subprocess.run(["pkg-config", "--cflags", "libcjson", "sqlite3"], check=True,
                            capture_output=True, text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs", "libcurl", "libcjson", "sqlite3", "libcrypto"],
                          check=True, capture_output=True, text=True).stdout.split()
    # every layer folder is on the include path, as in the Makefile
    layers = ["-I" + d for d in ["core", "sign"] + sorted(glob.glob("generator/*")) +
              sorted(glob.glob("verifier/*")) if os.path.isdir(d)]
    subprocess.run(["cc", "-std=c17", "-D_GNU_SOURCE"] + layers + san + cflags +
                   ["-o", exe, "tests/site/%s.c" % name, BUILD + "/libonlygen.a",
                    BUILD + "/libverifier.a", BUILD + "/libsign.a", BUILD + "/libcore.a"] +
                   libs + ["-lm", "-lpthread"], check=True)
    return exe


def start(cmd, env=None):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)


def finish(p):
    out = p.communicate()[0]
    return p.returncode, out


def make_catalog(tmp, pages, tool):
    """catalog.db of the current Bunny items, through the catalog's own writer."""
    db = os.path.join(tmp, "catalog.db")
    if os.path.exists(db):
        os.remove(db)
    rc, msg = finish(start([tool, db] + pages, dict(os.environ, ASAN_OPTIONS="detect_leaks=0")))
    if rc != 0:
        raise RuntimeError("mkcatalog: " + msg)
    return db


def build_start(tmp, db, state, out, quiet=True):
    """Starts a build of the current inputs in state/out (not quiet: its
    summary says where its model came from)."""
    os.makedirs(state, exist_ok=True)
    shutil.copyfile(db, os.path.join(state, "catalog.db"))
    return start([BINDIR + "/onlygen", "build", "--offline"] + (["--quiet"] if quiet else []) +
                 ["--state", state, "--content", os.path.join(tmp, "content"), "--theme",
                  os.path.join(tmp, "theme"), "--out", out])


def list_pages(out):
    """The tags', categories' and series' pages of a site: which lists it has."""
    return sorted(glob.glob(os.path.join(out, "[tcs]", "*")))


def model_source(out):
    """Where the build's model came from: "overlay", "content overlay", "image" or
    "merged" (its summary line), or "unchanged" (nothing to build)."""
    if "nothing changed since the last build" in out:
        return "unchanged"	# an edit that gave the value it replaced
    if re.search(r"; model from its image \+ \d+ content/ entr(y|ies);", out):
        return "content overlay"
    m = re.search(r"; model (merged|from its image( \+ \d+ changed rows?)?);", out)
    if not m:
        return "unknown"
    return "merged" if m.group(1) == "merged" else ("overlay" if m.group(2) else "image")


def differences(inc_state, inc_out, clean_state, clean_out, fold):
    """Every difference between the two sites (diff -rq: both trees, every byte),
    access.db and the manifest."""
    p = subprocess.run(["diff", "-rq", "--no-dereference", inc_out, clean_out],
                       capture_output=True, text=True)
    diff = p.stdout.replace(inc_out, "INCREMENTAL").replace(clean_out, "CLEAN").splitlines()
    if p.returncode > 1:
        diff.append("diff failed: " + p.stderr)
    for name in ("site-manifest", "site-images"):
        pa, pb = os.path.join(inc_state, name), os.path.join(clean_state, name)
        if not (os.path.exists(pa) and os.path.exists(pb) and filecmp.cmp(pa, pb, shallow=False)):
            diff.append("differs: state/" + name)
    # the model image an incremental build leaves (laid over, or kept) is
    # the one a clean build writes, byte for byte; or, when it left the
    # image as it was and a delta beside it (model_delta.h), the image
    # with the delta's catalog rows laid over it is
    pa, pb = os.path.join(inc_state, "model.image"), os.path.join(clean_state, "model.image")
    if os.path.exists(os.path.join(clean_state, "model.image.delta")):
        diff.append("a clean build left a delta beside its image")
    if os.path.exists(os.path.join(inc_state, "model.image.delta")):
        folded = os.path.join(os.path.dirname(inc_state), "folded.image")
        rc, msg = finish(start([fold, inc_state, folded],
                               dict(os.environ, ASAN_OPTIONS="detect_leaks=0")))
        if rc != 0:
            diff.append("the image and its delta do not fold: " + msg.strip())
        pa = folded
    if not (os.path.exists(pa) and os.path.exists(pb) and filecmp.cmp(pa, pb, shallow=False)):
        diff.append("differs: state/model.image")
    # so are the pages' reads: a key kept carries the reads a keying would
    # note, a wrong carry shows here even when the page's bytes agree
    pa, pb = os.path.join(inc_state, "page-reads"), os.path.join(clean_state, "page-reads")
    if os.path.exists(pa) != os.path.exists(pb) or (
            os.path.exists(pa) and not filecmp.cmp(pa, pb, shallow=False)):
        diff.append("differs: state/page-reads")
    # access.db: a rebuild applies only the changed rows to a copy of the
    # table (docs/site.md), so its pages differ from a clean build's; what
    # the verifier reads must not: schema, version and every row, and the
    # file must be whole
    if table(os.path.join(inc_state, "access.db")) != table(os.path.join(clean_state, "access.db")):
        diff.append("differs: state/access.db (schema, version or rows)")
    return diff


def table(path):
    """access.db as the verifier sees it: schema, user_version, integrity and
    every row in guid order (None when missing or unreadable)."""
    if not os.path.exists(path):
        return None
    try:
        db = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
        try:
            return (db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall(),
                    db.execute("PRAGMA user_version").fetchall(),
                    db.execute("PRAGMA integrity_check").fetchall(),
                    db.execute("SELECT * FROM videos ORDER BY guid").fetchall())
        finally:
            db.close()
    except sqlite3.Error as e:
        return "unreadable: %s" % e


def main():
    # thousands of small files per build: in memory when the machine has it
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) and "TMPDIR" not in os.environ else None
    tmp = tempfile.mkdtemp(prefix="site-prop.", dir=shm)
    try:
        rng = random.Random(SEED)
        kinds = sorted(EDITS)
        rng.shuffle(kinds)
        default = len(kinds)
        if SANITIZED:
            default *= 2
        nedits = int(os.environ.get("PROPERTY_EDITS") or default)
        while len(kinds) < nedits:
            kinds.append(rng.choice(sorted(EDITS)))
        kinds = kinds[:nedits]
        # first, always: a title laid over the image from content/ (the
        # image's delta then holds the entry), then an upload time changed
        # (the videos move: merged, docs/site.md).  That build's overlay of
        # the catalog's row once took the row's strings with the model it
        # then freed, and the merge read them after (seed 203390 in make check)
        kinds = PREFIX + kinds
        print("# seed %d, %d videos, %d edits (replay: PROPERTY_SEED=%d)" %
              (SEED, NVIDEOS, len(kinds), SEED), flush=True)
        tool = c_tool(tmp, "mkcatalog")
        fold = c_tool(tmp, "image_fold")
        w = World(rng, NVIDEOS)
        inc_state, inc_out = os.path.join(tmp, "inc-state"), os.path.join(tmp, "inc-site")
        db = make_catalog(tmp, w.write(tmp), tool)
        rc, msg = finish(build_start(tmp, db, inc_state, inc_out))
        if rc != 0:
            notok("first build exits 0: " + msg[-2000:])
            return
        ok("first build of %d videos" % NVIDEOS)
        seen, bad, trash, sources = set(), [], [], {}
        prev_ok = True	# the last incremental build published (its page reads saved)
        t0 = time.time()
        for step, kind in enumerate(kinds, 1):
            what = EDITS[kind](w)
            db = make_catalog(tmp, w.write(tmp), tool)
            # a fresh clean build each time (the last one's trees go in the
            # background); both builds at once: they share no file
            clean_state = os.path.join(tmp, "clean-state-%d" % step)
            clean_out = os.path.join(tmp, "clean-site-%d" % step)
            lists_then = list_pages(inc_out)
            entries_then = delta_entries(inc_state, fold)
            inc = build_start(tmp, db, inc_state, inc_out, quiet=False)
            clean = build_start(tmp, db, clean_state, clean_out)
            if trash:
                trash.pop().join()
            rc_i, msg_i = finish(inc)
            rc_c, msg_c = finish(clean)
            source = model_source(msg_i)
            sources[source] = sources.get(source, 0) + 1
            # an upload time moves the videos: the image is written again,
            # and with content/'s snapshot, so when the image's delta held
            # entries (taken from it, content/ not loaded) the build merges
            # (docs/site.md, "The model image")
            moved_over_entries = (kind == "bunny dateUploaded" and source == "merged" and
                                  entries_then > 0)
            if kind in OVERLAID and source not in ("overlay", "unchanged") and \
                    not moved_over_entries:
                bad.append((step, kind, what, ["the model was %s, not the image with the "
                                               "changed row laid over it" % source]))
                break
            # a row laid over changes a few videos: the template pages
            # that read none of them keep their keys (page-reads),
            # unless the videos moved (an upload time: their indices changed)
            m = re.search(r"; (\d+) keys kept;", msg_i)
            kept = int(m.group(1)) if m else 0
            if (source == "overlay" and rc_i == 0 and kept == 0 and
                    kind != "bunny dateUploaded"):
                bad.append((step, kind, what, ["the row was laid over, but no page kept "
                                               "its key"]))
                break
            if (kind in KEPT_AFTER_MERGE and source in ("merged", "content overlay") and
                    rc_i == 0 and prev_ok and kept == 0):
                bad.append((step, kind, what, ["the model is the image's with one video's "
                                               "fields changed, but no page kept its key"]))
                break
            # a video added or removed moves the others' indices, not their
            # places: the watch and embed pages that read none of the changed
            # keep their keys (page_reads.h), unless the tags, categories or
            # series changed with it
            if (kind in MOVED_KEPT and source == "merged" and rc_i == 0 and prev_ok and
                    kept == 0 and lists_then == list_pages(inc_out)):
                bad.append((step, kind, what, ["videos added or removed, the rest in place, "
                                               "but no page kept its key"]))
                break
            # (content/'s and the merge's warnings say "onlygen: warning:"; the
            # site's own, such as a missing image, "onlygen build: warning:")
            if (kind in KEPT_AFTER_MERGE and source == "merged" and rc_i == 0 and prev_ok and
                    "onlygen: warning:" not in msg_i and NEW_ENTRY not in what):
                bad.append((step, kind, what, ["the model was merged, not the image with the "
                                               "edited entry laid over it"]))
                break
            # a file of no entry added or removed changes no entry: laid over too
            if (source == "content overlay" and kind not in KEPT_AFTER_MERGE and
                    not (kind.startswith("content file") and "(0 entries)" in what)):
                bad.append((step, kind, what, ["an edit that is not a title or a description "
                                               "was laid over the image"]))
                break
            prev_ok = rc_i == 0
            if source in ("overlay", "content overlay", "merged"):
                sources["keys kept"] = sources.get("keys kept", 0) + kept
            if rc_i != rc_c:
                bad.append((step, kind, what, ["incremental exit %d, clean exit %d: %s | %s" %
                                               (rc_i, rc_c, msg_i[-500:], msg_c[-500:])]))
                break
            diff = differences(inc_state, inc_out, clean_state, clean_out, fold) if rc_i == 0 else []
            if diff:
                bad.append((step, kind, what, diff))
                break
            seen.add(kind)
            t = threading.Thread(target=lambda a=clean_state, b=clean_out: (
                shutil.rmtree(a, ignore_errors=True), shutil.rmtree(b, ignore_errors=True)))
            t.start()
            trash.append(t)
        secs = time.time() - t0
        if bad:
            step, kind, what, diff = bad[0]
            notok("incremental == clean after every edit (seed %d)" % SEED)
            print("# edit %d (%s): %s" % (step, kind, what))
            for d in diff[:40]:
                print("#   " + d)
            if len(diff) > 40:
                print("#   ... %d more" % (len(diff) - 40))
        else:
            ok("incremental == clean, byte for byte (site/, manifest; access.db by its rows), after each of "
               "%d edits (seed %d, %.1f s)" % (len(kinds), SEED, secs))
        print("# models: %s" % ", ".join("%s %d" % kv for kv in sorted(sources.items())))
        missing = sorted(set(EDITS) - seen) if nedits >= len(EDITS) else []
        if bad or missing:
            notok("every kind of edit applied (%d of %d; missing: %s)" %
                  (len(seen), len(EDITS), ", ".join(missing)))
        else:
            ok("every kind of edit applied (%d kinds)" % len(EDITS))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
sys.exit(1 if FAILS else 0)
