#!/usr/bin/env python3
"""linkcheck.py SITE_DIR [--crawl] — every root-relative href/src in the
site's HTML resolves to a file under SITE_DIR (directory URLs to their
index.html).  With --crawl only pages reachable from / are checked (what a
visitor can reach).  Prints each broken link; exit 1 if any."""
import os
import re
import sys

root = sys.argv[1]
crawl = "--crawl" in sys.argv
LINK = re.compile(r'(?:href|src|data-hls)="(/[^"#?]*)')


def to_file(url):
    p = os.path.join(root, url.lstrip("/"))
    if url.endswith("/"):
        p = os.path.join(p, "index.html")
    return p


def links(path):
    with open(path, encoding="utf-8") as f:
        return LINK.findall(f.read())


broken = []
if crawl:
    seen, todo = set(), ["/"]
    while todo:
        u = todo.pop()
        if u in seen:
            continue
        seen.add(u)
        f = to_file(u)
        if not os.path.isfile(f):
            broken.append(u)
            continue
        if f.endswith(".html"):
            for l in links(f):
                if l.startswith("/api/"):
                    continue
                if l.endswith("/") or l.endswith(".html"):
                    todo.append(l)
                elif not os.path.isfile(to_file(l)):
                    broken.append("%s (from %s)" % (l, u))
else:
    for d, _, files in os.walk(root):
        if "/." in d:
            continue
        for name in files:
            if not name.endswith(".html"):
                continue
            page = os.path.join(d, name)
            for l in links(page):
                if not l.startswith("/api/") and not os.path.isfile(to_file(l)):
                    broken.append("%s (in %s)" % (l, os.path.relpath(page, root)))
for b in broken[:20]:
    print("broken link:", b)
sys.exit(1 if broken else 0)
