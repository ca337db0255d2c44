#!/usr/bin/env python3
"""Integration test of `onlygen import-legacy CURATOR_DB`: a curator.db in
the old system's schema (curator_bot.py: videos, categories, tags, series,
video_categories, video_tags, video_series) becomes content/ files that
content validation accepts, merged into an existing site.json.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.environ.get("ROOT", os.getcwd())
ONLYGEN = os.path.join(ROOT, os.environ.get("BINDIR", "bin"), "onlygen")
failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


SCHEMA = """
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT, bunny_video_id TEXT UNIQUE, guid TEXT,
  title TEXT, description TEXT, duration INTEGER, thumbnail_url TEXT, video_url TEXT,
  status TEXT DEFAULT 'active', access_level TEXT DEFAULT 'public', views INTEGER DEFAULT 0,
  created_at TEXT, updated_at TEXT, bunny_data TEXT, cdn_hostname TEXT);
CREATE TABLE categories (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, slug TEXT UNIQUE,
  color TEXT, icon TEXT, description TEXT, sort_order INTEGER DEFAULT 0, created_at TEXT);
CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, slug TEXT UNIQUE, created_at TEXT);
CREATE TABLE series (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, slug TEXT UNIQUE,
  description TEXT, thumbnail_url TEXT, created_at TEXT, season INTEGER);
CREATE TABLE video_categories (video_id INTEGER, category_id INTEGER, PRIMARY KEY (video_id, category_id));
CREATE TABLE video_tags (video_id INTEGER, tag_id INTEGER, PRIMARY KEY (video_id, tag_id));
CREATE TABLE video_series (video_id INTEGER, series_id INTEGER, episode_number INTEGER, PRIMARY KEY (video_id));
"""

A = "3F6C2A1E-9B8D-4C7E-A5F4-1D2E3C4B5A69"
B = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
C = "eb1c4f77-0cda-46be-b47d-1118ad7c2ffe"


def make_db(path):
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.executemany("INSERT INTO videos (id, bunny_video_id, title, access_level) VALUES (?,?,?,?)",
                    [(1, A, "Tom", "vip"), (2, B, "Café", "ppv"), (3, C, "Live", "public"),
                     (4, "not-a-guid", "Broken", "vip"), (5, "d9d9ab1f-fc9f-4488-9c26-4ffc653c0024",
                                                         "Weird", "gold")])
    con.executemany("INSERT INTO categories (id, name, slug, color, icon) VALUES (?,?,?,?,?)",
                    [(1, "RAW", "raw", "#f00", "◉"), (2, "Art & Ciné", "art & ciné", "#0f0", ""),
                     (3, "Behind", "behind", None, None)])
    con.executemany("INSERT INTO tags (id, name, slug) VALUES (?,?,?)",
                    [(1, "Night Life", "night-life"), (2, "東京", ""), (3, "Tokyo", "Tokyo!")])
    con.executemany("INSERT INTO series (id, name, slug, season) VALUES (?,?,?,?)",
                    [(1, "Tokyo Nights", "tokyo-nights", 2)])
    con.executemany("INSERT INTO video_categories VALUES (?,?)", [(1, 1), (1, 2), (2, 3)])
    con.executemany("INSERT INTO video_tags VALUES (?,?)", [(1, 1), (2, 2), (2, 3)])
    con.executemany("INSERT INTO video_series VALUES (?,?,?)", [(2, 1, 4)])
    con.commit()
    con.close()


def main():
    tmp = tempfile.mkdtemp(prefix="import_legacy-")
    try:
        db = os.path.join(tmp, "curator.db")
        make_db(db)
        content = os.path.join(tmp, "content")
        os.makedirs(os.path.join(content, "videos"))
        with open(os.path.join(content, "site.json"), "w") as f:
            json.dump({"title": "Mine", "categories": [{"slug": "raw", "name": "RAW", "order": 1},
                                                       {"slug": "solo", "name": "SOLO", "order": 2}]}, f)
        with open(os.path.join(content, "videos", B + ".json"), "w") as f:
            f.write('{"access": "public"}\n')
        r = subprocess.run([ONLYGEN, "import-legacy", "--content", content, db],
                           capture_output=True, text=True)
        check(r.returncode == 0, "import-legacy succeeds", r.stderr)
        check("2 video files written, 2 skipped" in r.stdout, "counts: 2 written, 2 skipped", r.stdout)
        check("not a Bunny GUID" in r.stderr and "exists; kept" in r.stderr and "\"gold\" unknown" in r.stderr,
              "warnings: bad GUID, existing file, unknown access level", r.stderr)
        with open(os.path.join(content, "site.json")) as f:
            site = json.load(f)
        slugs = [c["slug"] for c in site["categories"]]
        check(site["title"] == "Mine" and slugs == ["raw", "solo", "art-cine", "behind"],
              "site.json merged: existing kept, new categories slugged", slugs)
        check(site["tags"].get("night-life", {}).get("name") == "Night Life" and
              site["tags"].get("tokyo", {}).get("name") == "Tokyo" and
              site["tags"].get("tag-2", {}).get("name") == "東京", "tags with slugs", site.get("tags"))
        check(site["series"] == {"tokyo-nights": {"title": "Tokyo Nights"}}, "series", site.get("series"))
        with open(os.path.join(content, "videos", A.lower() + ".json")) as f:
            a = json.load(f)
        check(a == {"categories": ["raw", "art-cine"], "tags": ["night-life"], "access": "vip"},
              "video entry: categories, tags, access", a)
        with open(os.path.join(content, "videos", B + ".json")) as f:
            check(f.read() == '{"access": "public"}\n', "existing entry kept without --force")
        r = subprocess.run([ONLYGEN, "import-legacy", "--force", "--content", content, db],
                           capture_output=True, text=True)
        with open(os.path.join(content, "videos", B + ".json")) as f:
            b = json.load(f)
        check(r.returncode == 0 and b == {"categories": ["behind"], "tags": ["tag-2", "tokyo"],
              "series": {"slug": "tokyo-nights", "season": 2, "episode": 4}, "access": "ppv"},
              "--force replaces it: series with season and episode", b)
        with open(os.path.join(content, "site.json")) as f:
            again = json.load(f)
        check(again == site, "importing twice adds nothing to site.json")
        with open(os.path.join(content, "videos", C + ".json")) as f:
            check(json.load(f) == {"access": "public"}, "a video with only an access level")
        check(not os.path.exists(os.path.join(content, "videos",
              "d9d9ab1f-fc9f-4488-9c26-4ffc653c0024.json")), "no file for a video without editorial data")
        r = subprocess.run([ONLYGEN, "import-legacy", os.path.join(tmp, "missing.db")],
                           capture_output=True, text=True)
        check(r.returncode == 1 and "missing.db" in r.stderr, "missing database: exit 1", r.stderr)
        r = subprocess.run([ONLYGEN, "import-legacy"], capture_output=True, text=True)
        check(r.returncode == 2, "no argument: usage error")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
