#!/usr/bin/env python3
"""`onlygen stats` on a fixed log (tests/fixtures/stats/access.log: 14 days
of plays and redeems, hostile and broken lines, one line outside the
window) with fixed access.db, tokens.db and Bunny rows: the table, the
JSON and the HTML report against golden files (UPDATE_GOLDEN=1 refreshes
them after a deliberate change), and what the HTML must be: well-formed,
self-contained (no script, nothing fetched), titles escaped."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import check, make_access_db  # noqa: E402
import verifier_lib  # noqa: E402

ROOT = os.environ.get("ROOT", os.getcwd())
ONLYGEN = os.path.join(ROOT, os.environ.get("BINDIR", "bin"), "onlygen")
FIX = os.path.join(ROOT, "tests", "fixtures", "stats")
GOLDEN = os.path.join(FIX, "golden")
ARTIFACTS = os.environ.get("ARTIFACTS", os.path.join(ROOT, "tests", "artifacts"))
DAY0 = 20774	# 2026-11-17


def make_state(var):
    videos = json.load(open(os.path.join(FIX, "videos.json")))["videos"]
    make_access_db(os.path.join(var, "access.db"),
                   [(g, lvl, "vz-test.b-cdn.net", 60, title) for g, lvl, title in videos])
    db = sqlite3.connect(os.path.join(var, "tokens.db"))
    db.execute("CREATE TABLE codes (hash BLOB PRIMARY KEY NOT NULL, level TEXT NOT NULL, "
               "video TEXT, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL, "
               "revoked_at INTEGER, note TEXT NOT NULL DEFAULT '') WITHOUT ROWID")
    for i in range(20):
        db.execute("INSERT INTO codes VALUES (?, ?, NULL, 0, 0, NULL, '')",
                   (bytes([i]) * 32, "vip" if i < 12 else "ppv"))
    db.commit()
    db.close()
    # Bunny's rows as `stats --pull` stores them (catalog.db schema 3).
    db = sqlite3.connect(os.path.join(var, "catalog.db"))
    db.execute("CREATE TABLE video_stats (guid TEXT NOT NULL, day INTEGER NOT NULL, "
               "views INTEGER NOT NULL, watch_s INTEGER NOT NULL, PRIMARY KEY (guid, day)) "
               "WITHOUT ROWID")
    for n, (g, _, _) in enumerate(videos):
        for d in range(14):
            v = (n * 7 + d * 3) % 11
            db.execute("INSERT INTO video_stats VALUES (?, ?, ?, ?)", (g, DAY0 + d, v, v * 95))
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()


def golden(name, text):
    path = os.path.join(GOLDEN, name)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    want = open(path).read() if os.path.exists(path) else None
    check(want == text, f"golden {name} (UPDATE_GOLDEN=1 after a deliberate change)",
          None if want is None else "".join(
              f"{a!r} != {b!r}\n" for a, b in zip(want.splitlines(), text.splitlines())
              if a != b)[:2000])


def main():
    tmp = tempfile.mkdtemp(prefix="onlystats.")
    var = os.path.join(tmp, "var")
    os.makedirs(var)
    make_state(var)
    html = os.path.join(tmp, "report.html")
    # The fixture by a relative path: the JSON names the first bad line's file.
    base = [ONLYGEN, "stats", "--state", var, "--since", "30d", "--until", "2026-11-30",
            "--log", os.path.relpath(os.path.join(FIX, "access.log"), ROOT)]
    t = subprocess.run(base + ["--html", html, "--title", "Matt's <b>site</b>"],
                       capture_output=True, text=True, cwd=ROOT)
    check(t.returncode == 0, "stats exits 0 on a log with bad lines", t.stderr)
    check(re.search(r"warning: 4 bad lines skipped; the first: .*access\.log:5: not an "
                    r"onlymatt access-log line", t.stderr) is not None,
          "bad lines counted, the first one named", t.stderr)
    j = subprocess.run(base + ["--json"], capture_output=True, text=True, cwd=ROOT)
    rep = json.loads(j.stdout)
    check(rep["lines"]["bad"] == 4 and rep["lines"]["outside"] == 1,
          "4 bad lines, 1 outside the window", rep["lines"])
    # One code (id 5a4ed0c0de55) redeemed 6 times from 5 networks, 2026-11-20..24.
    check(rep["shared_min"] == 4 and rep["shared_codes"] == [
        {"code_id": "5a4ed0c0de55", "level": "vip", "networks": 5, "redeems": 6,
         "first_day": "2026-11-20", "last_day": "2026-11-24"}],
          "shared_codes: the code redeemed from 5 networks", rep.get("shared_codes"))
    check("codes redeemed from many networks" in t.stdout and
          re.search(r"5a4ed0c0de55 +vip +5 +6 2026-11-20 2026-11-24", t.stdout) is not None,
          "the table lists the shared code", t.stdout)
    hi = json.loads(subprocess.run(base + ["--json", "--shared-min", "6"], capture_output=True,
                                   text=True, cwd=ROOT).stdout)
    check(hi["shared_min"] == 6 and hi["shared_codes"] == [], "--shared-min 6: none")
    lo = json.loads(subprocess.run(base + ["--json", "--shared-min", "1"], capture_output=True,
                                   text=True, cwd=ROOT).stdout)
    check(len(lo["shared_codes"]) > 1 and lo["shared_codes"][0]["code_id"] == "5a4ed0c0de55"
          and all(c["networks"] >= 1 for c in lo["shared_codes"]),
          "--shared-min 1: every redeemed code, most networks first", lo["shared_codes"])
    for n in ("0", "1001", "x"):
        r = subprocess.run(base + ["--shared-min", n], capture_output=True, text=True, cwd=ROOT)
        check(r.returncode == 2, f"--shared-min {n}: usage error")
    golden("report.txt", t.stdout)
    golden("report.json", j.stdout)
    page = open(html).read()
    golden("report.html", page)
    os.makedirs(ARTIFACTS, exist_ok=True)
    shutil.copy(html, os.path.join(ARTIFACTS, "stats-report.html"))
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "site", "htmlcheck.py"), html],
                       capture_output=True, text=True)
    check(r.returncode == 0, "the HTML report is well-formed", r.stdout + r.stderr)
    check("<script" not in page.replace("&lt;script", ""), "no script element")
    check("Night &lt;script&gt;alert(1)&lt;/script&gt; &amp; city" in page and
          "Matt&#39;s &lt;b&gt;site&lt;/b&gt;" in page, "titles escaped")
    check(not re.search(r"""(src|href)\s*=|url\(|@import""", page),
          "self-contained: no src, href, url() or @import")
    check("Codes redeemed from many networks" in page and
          "<td><code>5a4ed0c0de55</code></td><td>vip</td><td>5</td><td>6</td>" in page,
          "the HTML lists the shared code")
    check(page.count("<svg") == 2 and "<polyline" in page and "<rect" in page,
          "two SVG charts: a daily line and a top-10 bar chart")
    # The same log fed through standard input, one video.
    with open(os.path.join(FIX, "access.log")) as f:
        one = subprocess.run(base[:-2] + ["--json", "--log", "-", "--video",
                                     "A1B2C3D4-0000-4000-8000-000000000005"],
                             stdin=f, capture_output=True, text=True)
    r1 = json.loads(one.stdout)
    check([v["guid"] for v in r1["videos"]] == ["a1b2c3d4-0000-4000-8000-000000000005"] and
          r1["interest"] and r1["interest"][0]["locked_refusals"] >= 6,
          "--log - and --video: the locked video asked often, never unlocked", r1["interest"])
    bad = subprocess.run(base + ["--since", "500d"], capture_output=True, text=True)
    check(bad.returncode == 2, "a window over 400 days is a usage error")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
    sys.exit(1 if verifier_lib.FAILED else 0)
