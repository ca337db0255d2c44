#!/usr/bin/env python3
"""No public file of the site opens a paid stream.

Builds the demo catalog (one video given captions) with the CDN stand-in
running, as scripts/run-demo does, then reads EVERY file under site/ and
collects every URL carrying a CDN token (bcdn_token=, token=, expires=,
token_path=).  Each found token is rewritten onto every video's
/<guid>/playlist.m3u8 and a segment, in both URL forms (query and
directory), and requested from the stand-in, which enforces Bunny's token
rules: none may open.  The expected result is stronger: site/ holds no
token-bearing URL at all.

The probe is shown able to fail: a prefix token such as earlier builds
printed (token_path=/<guid>/), put through the same rewriting, opens the
playlist and the segment.
"""

import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import site_images_lib as L  # noqa: E402

sys.path.insert(0, os.path.join(L.ROOT, "tests", "fakes"))
import bunny_cdn  # noqa: E402

KEY = "site-no-stream-tokens-key-0123456789"
TOKEN_RE = re.compile(rb"(bcdn_token|token|expires|token_path)=", re.I)
URL_RE = re.compile(rb"(?:https?://|/)[^\s\"'<>()\\]*?(?:bcdn_token|token|expires|token_path)=[^\s\"'<>()\\]*",
                    re.I)
SEGMENT = "240p/video0.ts"


def fetch_status(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url), timeout=10) as r:
            r.read(64)
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError) as e:
        return "error: %s" % e


def normalise(data):
    """Undo the escapes a URL may sit behind in HTML, JSON and XML."""
    for a, b in ((b"\\/", b"/"), (b"\\u0026", b"&"), (b"&amp;", b"&"), (b"&#38;", b"&"),
                 (b"\\u003d", b"="), (b"&#61;", b"=")):
        data = data.replace(a, b)
    return data


def token_params(url):
    """The token parameters of a found URL, whichever form: {k: v} (raw)."""
    u = urllib.parse.urlsplit(url)
    params = {}
    for part in (u.path.split("/") + [u.query]):
        if "=" not in part:
            continue
        for k, v in urllib.parse.parse_qsl(part, keep_blank_values=True):
            params[k] = v
    if "bcdn_token" in params and "token" not in params:
        params["token"] = params.pop("bcdn_token")
    return params


def rewrites(base, params, guid):
    """The found token on guid's playlist and a segment, in both forms."""
    tok = params.get("token", "")
    rest = [(k, v) for k, v in params.items() if k not in ("token", "bcdn_token", "expires")]
    exp = params.get("expires", "")
    q = urllib.parse.urlencode([("token", tok)] + rest + [("expires", exp)])
    block = "bcdn_token=" + urllib.parse.quote(tok, safe="-_") + "".join(
        "&%s=%s" % (k, urllib.parse.quote(v, safe="")) for k, v in rest) + "&expires=" + exp
    out = []
    for f in ("playlist.m3u8", SEGMENT):
        out.append("%s/%s/%s?%s" % (base, guid, f, q))
        out.append("%s/%s/%s/%s" % (base, block, guid, f))
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="site_no_tokens.")
    keys = os.path.join(tmp, "keys")
    L.write_keys(keys, KEY)
    cdn = L.Cdn(keys)
    try:
        catalog = L.copy_catalog(os.path.join(tmp, "catalog"))
        page = os.path.join(catalog, "videos-page-1.json")
        with open(page) as f:
            doc = json.load(f)
        guids = [v["guid"] for v in doc["items"] if v.get("status") == 4]
        doc["items"][2]["captions"] = [{"srclang": "en", "label": "English", "version": 1},
                                       {"srclang": "de", "label": "Deutsch", "version": 1}]
        with open(page, "w") as f:
            json.dump(doc, f)
        state, site = os.path.join(tmp, "var"), os.path.join(tmp, "site")
        L.pull(state, catalog, cdn.host)
        rc, out, err, fetched = L.build(state, site, keys, cdn.host, "--no-pull")
        L.check(rc == 0, "the demo catalog builds with the CDN stand-in running", out + err)
        L.check(fetched is not None and fetched > 0, "the build fetched the images (%s)" % fetched, out)

        # Sanity: a CDN stand-in that answers, and a probe that can fail.
        exp = str(int(time.time()) + 3600)
        g = guids[0]
        old = "%s/%s/thumbnail.jpg?%s" % (cdn.base, g, urllib.parse.urlencode([
            ("token", bunny_cdn.compute_token(KEY, "/%s/" % g, exp, {"token_path": "/%s/" % g})),
            ("token_path", "/%s/" % g), ("expires", exp)]))
        opened = [u for u in rewrites(cdn.base, token_params(old), g) if fetch_status(u) == 200]
        L.check(len(opened) == 4, "probe: an old-style prefix token, rewritten, opens the playlist and "
                "a segment in both forms (the check below can fail)", opened)
        L.check(fetch_status("%s/%s/playlist.m3u8" % (cdn.base, g)) == 403,
                "probe: the stand-in refuses the playlist without a token")

        found, nfiles = {}, 0
        for d, _, files in os.walk(site):
            for n in files:
                p = os.path.join(d, n)
                with open(p, "rb") as f:
                    data = normalise(f.read())
                nfiles += 1
                for m in URL_RE.finditer(data):
                    found.setdefault(m.group(0).decode("latin-1"), os.path.relpath(p, site))
                if TOKEN_RE.search(data) and not URL_RE.search(data) and not n.endswith((".webp", ".jpg")):
                    found.setdefault("(token-like text in %s)" % n, os.path.relpath(p, site))
        L.check(nfiles > 100, "read every file of site/ (%d)" % nfiles)

        opened = []
        for url, where in sorted(found.items()):
            params = token_params(url)
            if "token" not in params:
                continue
            for guid in guids:
                for u in rewrites(cdn.base, params, guid):
                    st = fetch_status(u)
                    if st != 403:
                        opened.append("%s (from %s) -> %s" % (u, where, st))
        L.check(not opened, "no token found in site/ opens a playlist or segment, in either URL form "
                "(%d token-bearing URLs tried on %d videos)" % (len(found), len(guids)), "\n".join(opened))
        L.check(not found, "site/ holds no token-bearing URL at all",
                "\n".join("%s: %s" % (w, u) for u, w in sorted(found.items())))

        with open(os.path.join(site, "v", doc["items"][2]["guid"], "index.html"), encoding="utf-8") as f:
            html = f.read()
        L.check('data-srclang="en"' in html and 'data-srclang="de"' in html and ".vtt" not in html
                and cdn.host not in html,
                "a watch page lists caption languages, with no caption URL and no CDN host")
        leaks = []
        for d, _, files in os.walk(site):
            for n in files:
                if n.endswith((".html", ".json", ".xml", ".txt", ".js", ".css")):
                    with open(os.path.join(d, n), encoding="utf-8", errors="replace") as f:
                        if cdn.host in f.read():
                            leaks.append(os.path.relpath(os.path.join(d, n), site))
        L.check(not leaks, "no page, index or feed names the CDN host (images are the site's own)", leaks)
    finally:
        cdn.stop()
    return 1 if L.failures else 0


if __name__ == "__main__":
    sys.exit(main())
