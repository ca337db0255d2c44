#!/usr/bin/env python3
"""Structured data, og:image sizes and the embed pages of a real build
(issue 14): the demo catalog built against the CDN stand-in, so the
images are really fetched and encoded.

1. og:image:width/height of every watch page are those of the JPEG the site
   publishes (read from its frame header here); a second build, offline
   with the CDN stopped, gives the same numbers and writes nothing.
2. Every watch page's JSON-LD parses: VideoObject with embedUrl (an
   existing /e/<guid>/ page), Clip parts for the catalog's chapters (?t=
   urls), interactionStatistic exactly when Bunny's views > 0, the paywall
   part for locked videos (and .paywall matches an element); a
   BreadcrumbList whose items resolve (the last, the page itself, has no
   item: Google takes the page's URL).
3. ItemList on home, category, tag, series, New and Free pages: its urls are
   the page's video links in order, each once, positions from 1.
4. Embed pages: one per video, noindex+indexifembedded, not in the sitemap;
   a locked one has no <video>, no script and no /api/play; a public one
   plays through /api/play; the watch page's snippet (shown as text) is an
   <iframe> whose src is the embed page.
"""

import glob
import html
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import site_images_lib as L  # noqa: E402

KEY = "site-seo-test-key-0123456789abcdef0123"
check = L.check
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def jpeg_size(path):
    with open(path, "rb") as f:
        b = f.read()
    i = 2
    while i + 9 < len(b):
        m, n = b[i + 1], int.from_bytes(b[i + 2:i + 4], "big")
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(b[i + 7:i + 9], "big"), int.from_bytes(b[i + 5:i + 7], "big")
        i += 2 + n
    return None


def canon(page):
    m = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    return m.group(1) if m else None


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def og_size(page):
    w = re.search(r'<meta property="og:image:width" content="(\d+)">', page)
    h = re.search(r'<meta property="og:image:height" content="(\d+)">', page)
    img = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    return (int(w.group(1)), int(h.group(1))) if w and h else None, img.group(1) if img else None


def local(site, url, base):
    """The file serving absolute or root-relative url."""
    path = url[len(base):] if url.startswith(base) else url
    path = path.split("?")[0].split("#")[0]
    return os.path.join(site, path.lstrip("/"), "index.html") if path.endswith("/") else \
        os.path.join(site, path.lstrip("/"))


def video_links(page):
    """The /v/<guid>/ links of a page's <main>, in order, each once."""
    main = page.split('<main id="main">', 1)[-1].split("</main>", 1)[0]
    seen = []
    for u in re.findall(r'href="(/v/[0-9a-f-]{36}/)"', main):
        if u not in seen:
            seen.append(u)
    return seen


def main():
    tmp = tempfile.mkdtemp(prefix="site_seo.")
    keys = os.path.join(tmp, "keys")
    L.write_keys(keys, KEY)
    catalog = L.copy_catalog(os.path.join(tmp, "catalog"))
    with open(os.path.join(catalog, "videos-page-1.json")) as f:
        items = {v["guid"]: v for v in json.load(f)["items"] if v.get("status") == 4}
    cdn = L.Cdn(keys)
    state, site = os.path.join(tmp, "var"), os.path.join(tmp, "site")
    try:
        L.pull(state, catalog, cdn.host)
        rc, out, err, _ = L.build(state, site, keys, cdn.host, "--no-pull")
        check(rc == 0, "build succeeds", out + err)
    finally:
        cdn.stop()
    with open(os.path.join(L.ROOT, "content", "site.json")) as f:
        base = json.load(f)["base_url"].rstrip("/")
    m = re.search(r'<link rel="canonical" href="([^"]+)/">', read(os.path.join(site, "index.html")))
    base = m.group(1) if m else base
    watch = sorted(glob.glob(os.path.join(site, "v", "*", "index.html")))
    guids = [p.split(os.sep)[-2] for p in watch]
    check(len(guids) > 0 and set(guids) <= set(items), "a watch page per published video (%d)" % len(guids))

    # 1. og:image size = the published JPEG's
    sizes, bad = {}, []
    for g, p in zip(guids, watch):
        dims, img = og_size(read(p))
        real = jpeg_size(local(site, img, base)) if img else None
        sizes[g] = dims
        if dims is None or dims != real:
            bad.append((g, dims, real))
    check(not bad, "og:image:width/height are the published JPEG's real size", bad[:3])
    check(any("/img/" + g + "/" in read(p) for g, p in zip(guids, watch)),
          "the JPEGs measured are mirrored images, not only the placeholder")
    rc, out, err, n = L.build(state, site, keys, cdn.host, "--no-pull", "--offline")
    check(rc == 0 and " 0 written" in out, "an offline rebuild (CDN stopped) writes nothing", out + err)
    again = {g: og_size(read(p))[0] for g, p in zip(guids, watch)}
    check(again == sizes, "and gives the same og:image sizes (kept by the image cache)")

    # 2. watch pages' JSON-LD
    problems = []
    for g, p in zip(guids, watch):
        page, v = read(p), items[g]
        blocks = LD.findall(page)
        try:
            docs = [json.loads(b) for b in blocks]
        except ValueError as e:
            problems.append((g, "parse", str(e)))
            continue
        vo = next((d for d in docs if d.get("@type") == "VideoObject"), None)
        bc = next((d for d in docs if d.get("@type") == "BreadcrumbList"), None)
        if vo is None or bc is None:
            problems.append((g, "missing", [d.get("@type") for d in docs]))
            continue
        if vo.get("embedUrl") != base + "/e/" + g + "/" or \
                canon(page) != base + "/v/" + g + "/":
            problems.append((g, "canonical/embedUrl", canon(page), vo.get("embedUrl")))
        if not os.path.isfile(local(site, vo.get("embedUrl", ""), base)):
            problems.append((g, "embed page missing"))
        views = v.get("views") or 0
        stat = vo.get("interactionStatistic")
        if (views > 0) != (stat is not None) or (stat and stat.get("userInteractionCount") != views):
            problems.append((g, "views", views, stat))
        parts = vo.get("hasPart", [])
        clips = [x for x in parts if x.get("@type") == "Clip"]
        if len(clips) != len(v.get("chapters") or []):
            problems.append((g, "clips", len(clips), len(v.get("chapters") or [])))
        for c in clips:
            if not (0 <= c["startOffset"] < c["endOffset"]) or \
                    c["url"] != base + "/v/" + g + "/?t=%d" % c["startOffset"]:
                problems.append((g, "clip", c))
        locked = vo.get("isAccessibleForFree") is False
        paywall = [x for x in parts if x.get("@type") == "WebPageElement"]
        if locked != bool(paywall) or (locked and not re.search(r'class="[^"]*\bpaywall\b', page)):
            problems.append((g, "paywall", locked, paywall))
        items_ = bc.get("itemListElement", [])
        if [i.get("position") for i in items_] != list(range(1, len(items_) + 1)) or \
                len(items_) < 2 or "item" in items_[-1] or \
                not all(os.path.isfile(local(site, i["item"], base)) for i in items_[:-1]):
            problems.append((g, "breadcrumbs", items_))
    check(not problems, "every watch page: VideoObject (embedUrl, Clips, views, paywall) and "
          "BreadcrumbList parse and hold", problems[:3])
    check(any("hasPart" in read(p) and '"Clip"' in read(p) for p in watch),
          "the demo has chapters, so Clip parts are really tested")

    # 3. ItemList = the page's video links
    lists = [os.path.join(site, "index.html")] + \
        sorted(glob.glob(os.path.join(site, "c", "*", "index.html"))) + \
        sorted(glob.glob(os.path.join(site, "t", "*", "index.html"))) + \
        sorted(glob.glob(os.path.join(site, "s", "*", "index.html"))) + \
        [os.path.join(site, "new", "index.html"), os.path.join(site, "free", "index.html")]
    wrong = []
    for p in lists:
        page = read(p)
        docs = [json.loads(b) for b in LD.findall(page)]
        il = next((d for d in docs if d.get("@type") == "ItemList"), None)
        if il is None:
            wrong.append((p, "no ItemList"))
            continue
        el = il["itemListElement"]
        want = [base + u for u in video_links(page)]
        if [e["url"] for e in el] != want or [e["position"] for e in el] != list(range(1, len(el) + 1)):
            wrong.append((p, [e["url"] for e in el][:3], want[:3]))
    check(not wrong, "ItemList on home, category, tag, series, New, Free (%d pages): the "
          "videos shown, in order, positions from 1" % len(lists), wrong[:2])

    # 4. embed pages
    embeds = sorted(glob.glob(os.path.join(site, "e", "*", "index.html")))
    check(sorted(p.split(os.sep)[-2] for p in embeds) == sorted(guids), "an embed page per video")
    sm = "".join(read(p) for p in glob.glob(os.path.join(site, "sitemap*.xml")))
    # listed as a page never; named as each video's player_loc (site_sitemap.c)
    check(re.search(r"<loc>[^<]*/e/", sm) is None and
          sm.count("<video:player_loc>" + base + "/e/") == len(guids),
          "no embed page listed in the sitemap; each video's player_loc is its embed page")
    badembed = []
    for p in embeds:
        g, page = p.split(os.sep)[-2], read(p)
        if '<meta name="robots" content="noindex, indexifembedded">' not in page:
            badembed.append((g, "robots"))
        locked = 'class="embed-stage embed-locked"' in page
        if locked and re.search(r"<video|<script|/api/play", page):
            badembed.append((g, "locked embed can play"))
        if locked and ('href="%s/v/%s/" target="_blank" rel="noopener">Watch on' % (base, g)) not in page:
            badembed.append((g, "no Watch on link"))
        if not locked and ('data-play="/api/play/%s"' % g not in page or "<video" not in page):
            badembed.append((g, "public embed has no player"))
        if re.search(r'class="top"|<nav|<footer', page):
            badembed.append((g, "site chrome"))
    check(not badembed, "embed pages: noindex, no chrome; locked: poster + link, nothing "
          "that plays; public: the player", badembed[:3])
    nlocked = sum('embed-locked' in read(p) for p in embeds)
    check(0 < nlocked < len(embeds), "the demo has both kinds (%d locked of %d)" % (nlocked, len(embeds)))
    snip = []
    for g, p in zip(guids, watch):
        t = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', read(p), re.S)
        code = html.unescape(t.group(1)) if t else ""
        src = re.match(r'<iframe src="([^"]+)" ', code)
        if not src or src.group(1) != base + "/e/" + g + "/" or not code.endswith("></iframe>"):
            snip.append((g, code[:120]))
    check(not snip, "every watch page shows its <iframe> snippet (as text) with the embed URL", snip[:2])
    return 1 if L.failures else 0


if __name__ == "__main__":
    sys.exit(main())
