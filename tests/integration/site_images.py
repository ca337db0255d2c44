#!/usr/bin/env python3
"""The image mirror of `onlygen build` (generator/site/site_images.c), against
the CDN stand-in (tests/fakes/bunny_cdn.py, which enforces tokens on images).

1. First build fetches every thumbnail and preview; the files are under
   site/img/, in the manifest, and the pages link them, token-free.
2. A second build fetches nothing and writes identical bytes.
3. A changed thumbnail file name is fetched again (new URLs, old files gone).
4. A clean build of the changed catalog (its catalog.db, an empty image
   cache and site) equals the incremental one, byte for byte (and the
   encoding is deterministic).
5. --offline with the CDN stopped uses the cache: nothing fetched, nothing
   changed; without a cache it gives the placeholder and exits 0.
6. A broken image (garbage bytes) and a 404 give the placeholder and a
   warning naming the video; the build exits 0.
7. A 403 (wrong token key) warns about BUNNY_TOKEN_KEY; the build exits 0.
8. The keys file is read as the verifier reads it, and refused when unsafe.
9. The placeholder stills are compiled into onlygen (generator/site/
   placeholder/): what the image cache holds under their old names (a
   directory, a file that is not a JPEG) does not matter, with or without
   fetching; the site publishes the committed bytes, and og:image gives the
   JPEG's size; nothing is written into the cache for them.
10. A build that fails before site_build() (a pull refused, a content/ that
   does not load) exits non-zero, serving nothing and writing no
   placeholder into the cache; nor does a build with nothing changed;
   without a state directory none is made.
11. The placeholder's files are keyed by their bytes, the ones compiled in:
    a site published by an onlygen carrying other bytes under the same name
    (a copy of the binary, patched) is rewritten by the next incremental
    build of this one.  (Keyed by their path, the old bytes would stay.)
12. STATE/img-index keeps each video's cache state: a file removed by hand
    inside a video's directory is not looked for (a build that must publish
    it fails, naming it and --recheck; --recheck sees it); a video's
    directory removed, or a damaged index, is no index.
13. The image set carried over (site_image_set.c): a title changed leaves
    STATE/site-images unwritten and counts the images among the site's
    files; a killed build's path list, or a site manifest naming another
    set, lists the images again; --recheck restores image files removed by
    hand; after each, the site and both manifests are a clean build's.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import site_images_lib as L  # noqa: E402

KEY = "site-images-test-key-0123456789abcdef"
PH_DIR = os.path.join(L.ROOT, "generator", "site", "placeholder")
check = L.check


def img_refs(site, guid):
    """The images a watch page shows of its own video (poster, og:image,
    data-thumb): those under /img/<guid>/, or the placeholder's (not the
    cards of related videos: those sit inside <li class="card">)."""
    with open(os.path.join(site, "v", guid, "index.html"), encoding="utf-8") as f:
        html = re.sub(r'<li class="card".*?</li>', "", f.read(), flags=re.S)
    return sorted(set(re.findall(r"/img/[A-Za-z0-9/._-]+", html)))


def main():
    tmp = tempfile.mkdtemp(prefix="site_images.")
    keys = os.path.join(tmp, "keys")
    L.write_keys(keys, KEY)
    # A media tree the stand-in serves: the demo's, plus a second thumbnail
    # for one video (thumbnail_2.jpg, another picture) to change to later.
    media = os.path.join(tmp, "media")
    shutil.copytree(os.path.join(L.ROOT, "demo", "media"), media)
    with open(os.path.join(media, "map.json")) as f:
        gmap = json.load(f)
    catalog = L.copy_catalog(os.path.join(tmp, "catalog"))
    page = os.path.join(catalog, "videos-page-1.json")
    with open(page) as f:
        doc = json.load(f)
    guids = [v["guid"] for v in doc["items"] if v.get("status") == 4]
    changed = guids[0]
    other = next(s for s in sorted(set(gmap.values())) if s != gmap[changed])
    shutil.copy(os.path.join(media, other, "thumbnail.jpg"),
                os.path.join(media, gmap[changed], "thumbnail_2.jpg"))

    cdn = L.Cdn(keys, media=media)
    host = cdn.host
    state, site = os.path.join(tmp, "var"), os.path.join(tmp, "site")
    try:
        L.pull(state, catalog, host)
        # 1. first build
        rc, out, err, n = L.build(state, site, keys, host, "--no-pull")
        check(rc == 0, "first build succeeds", out + err)
        check(n == 2 * len(guids), "first build fetches every thumbnail and preview (%s of %d)"
              % (n, 2 * len(guids)), out + err)
        check("warning" not in err, "and warns about nothing", err)
        missing = [g for g in guids if not os.path.isdir(os.path.join(site, "img", g))]
        check(not missing, "every video has its images under site/img/", missing)
        refs = img_refs(site, changed)
        sizes = sorted(r.rsplit("-", 1)[1] for r in refs if r.startswith("/img/" + changed + "/"))
        check(sizes == ["1280.jpg", "1280.webp", "320.webp"] and len(refs) == 3,
              "a watch page shows its own video's images: poster (1280 WebP), og:image (1280 JPEG), "
              "card thumb (320 WebP)", refs)
        with open(os.path.join(site, "index.html"), encoding="utf-8") as f:
            home = f.read()
        # a card's srcset is the 320 and 640 WebP (issue 15: a card is never over ~410 px wide)
        check(re.search(r'<img [^>]*srcset="/img/[^"]*-320\.webp 320w,/img/[^"]*-640\.webp 640w" '
                        r'sizes="[^"]+"', home) is not None
              and "data-preview=\"/img/" in home, "cards use srcset/sizes and a mirrored preview")
        files = set(os.path.relpath(os.path.join(d, f), site) for d, _, fs in os.walk(site) for f in fs)
        imgs = set(f for f in files if f.startswith("img/"))
        check(len(imgs) == 5 * len(guids) + 4 and imgs <= L.manifest_paths(state),
              "the %d mirrored files (5 per video + 4 placeholder) are in the manifest" % len(imgs))
        with open(os.path.join(site, "img", changed, refs[0].rsplit("/", 1)[1]), "rb") as f:
            head = f.read(12)
        check(head[:2] == b"\xff\xd8" or head[8:12] == b"WEBP", "the mirrored files are images")
        before = L.snapshot(site)

        # 2. second build: nothing fetched, nothing written
        rc, out, err, n = L.build(state, site, keys, host, "--no-pull")
        check(rc == 0 and n == 0, "second build fetches nothing (%s)" % n, out + err)
        check(" 0 written" in out and L.snapshot(site) == before, "and leaves every byte as it was", out)

        # 3. a new thumbnail file name is fetched again
        for v in doc["items"]:
            if v["guid"] == changed:
                v["thumbnailFileName"] = "thumbnail_2.jpg"
        with open(page, "w") as f:
            json.dump(doc, f)
        L.pull(state, catalog, host)
        rc, out, err, n = L.build(state, site, keys, host, "--no-pull")
        check(rc == 0 and n == 2, "a changed thumbnail name fetches that video's images again (%s)" % n,
              out + err)
        new_refs = img_refs(site, changed)
        check(set(new_refs).isdisjoint(refs) and all(os.path.exists(site + r) for r in new_refs),
              "its pages link new URLs, which exist", new_refs)
        check(not any(os.path.exists(site + r) for r in refs if "placeholder" not in r),
              "its old image files are removed from the site")
        after = L.snapshot(site)
        old320 = [r for r in refs if r.endswith("-320.webp") and "placeholder" not in r][0][1:]
        new320 = [r for r in new_refs if r.endswith("-320.webp")][0][1:]
        check(after.get(new320) not in (None, before.get(old320)), "the new image is another picture")
        incremental = L.snapshot(site)

        # 4. clean build == incremental build
        # (from the same catalog.db: it records when each video last changed, which
        # the feed and the sitemap show, and a fresh pull would see no change)
        state2, site2 = os.path.join(tmp, "var2"), os.path.join(tmp, "site2")
        os.makedirs(state2)
        shutil.copyfile(os.path.join(state, "catalog.db"), os.path.join(state2, "catalog.db"))
        rc, out, err, n = L.build(state2, site2, keys, host, "--no-pull")
        clean = L.snapshot(site2)
        diff = sorted(set(k for k in set(clean) | set(incremental) if clean.get(k) != incremental.get(k)))
        check(rc == 0 and n == 2 * len(guids) and not diff,
              "a clean build equals the incremental one byte for byte (%d files)" % len(clean), diff[:20])

        # 5. --offline: the cache, no network
        cdn.stop()
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and n == 0 and L.snapshot(site) == incremental,
              "--offline with the CDN stopped builds from the cache, unchanged", out + err)
        state3, site3 = os.path.join(tmp, "var3"), os.path.join(tmp, "site3")
        L.pull(state3, catalog, host)
        rc, out, err, n = L.build(state3, site3, keys, host, "--offline")
        check(rc == 0 and n == 0 and "placeholder" in err and changed in err,
              "--offline without a cache: placeholders, a warning naming a video, exit 0", out + err)
        check(img_refs(site3, changed) == sorted(["/img/placeholder-v1-1280.jpg", "/img/placeholder-v1-1280.webp",
                                                  "/img/placeholder-v1-320.webp"])
              and os.path.isfile(os.path.join(site3, "img", "placeholder-v1-320.webp")),
              "and the page links the shared placeholder", img_refs(site3, changed))

        # 12. STATE/img-index (img_index.h): each video's cache state kept.
        # Each build below follows a title pulled for another video, so that
        # it is a real incremental build (the cache is not a build input);
        # the CDN is stopped (case 5), and the CDN host the same (it is in
        # every image key).
        def retitle(k):
            for v in doc["items"]:
                if v["guid"] == guids[k]:
                    v["title"] = "Retitled %d" % k
            with open(page, "w") as f:
                json.dump(doc, f)
            L.pull(state, catalog, host)

        PH = sorted(["/img/placeholder-v1-1280.jpg", "/img/placeholder-v1-1280.webp",
                     "/img/placeholder-v1-320.webp"])
        index = os.path.join(state, "img-index")
        check(os.path.isfile(index) and stat.S_IMODE(os.stat(index).st_mode) == 0o600,
              "the image cache's index is kept (0600)")
        # a file removed by hand inside a video's directory is not looked for:
        # the index says what the cache held ...
        victim = guids[1]
        mirrored = img_refs(site, victim)
        vdir = os.path.join(state, "img-cache", victim)
        jpg = next(f for f in os.listdir(vdir) if f.endswith("-1280.jpg"))
        with open(os.path.join(vdir, jpg), "rb") as f:
            saved = f.read()
        os.remove(os.path.join(vdir, jpg))
        retitle(3)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and " 0 written" not in out and mirrored != PH and
              img_refs(site, victim) == mirrored,
              "a JPEG removed by hand inside a video's cache directory is not looked for: the "
              "index says it is there", out + err)
        # ... until a build must publish it: it fails, naming the file and --recheck
        site12 = os.path.join(tmp, "site12")
        rc, out, err, n = L.build(state, site12, keys, host, "--offline")
        check(rc != 0 and jpg in err and "--recheck" in err,
              "a build that must publish it fails, naming the file and --recheck", out + err)
        rc, out, err, n = L.build(state, site12, keys, host, "--offline", "--recheck")
        check(rc == 0 and victim in err and img_refs(site12, victim) == PH,
              "--recheck looks into every directory: the placeholder, a warning naming the video",
              out + err)
        with open(os.path.join(vdir, jpg), "wb") as f:
            f.write(saved)
        # a video's directory removed by hand changes the cache directory: no index
        gone_dir = os.path.join(state, "img-cache", guids[2])
        shutil.rmtree(gone_dir)
        retitle(4)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and guids[2] in err and img_refs(site, guids[2]) == PH,
              "a video's cache directory removed by hand: the index is not used, its pages show "
              "the placeholder", out + err)
        # a damaged index is none: the site as the cache's files say, the
        # index written again
        with open(index, "rb") as f:
            good = f.read()
        with open(index, "r+b") as f:
            f.seek(len(good) - 3)
            f.write(bytes([good[-3] ^ 0x40]))
        retitle(5)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and img_refs(site, guids[2]) == PH and img_refs(site, victim) == mirrored,
              "a damaged index: the site as the cache's files say", out + err)
        with open(index, "rb") as f:
            check(f.read() == good, "and the index written again, as it was")

        # 13. the image set carried over (site_image_set.c): a build whose
        # mirrored images are the last build's neither lists them nor writes
        # their manifest, STATE/site-images, and equals a clean build
        imf = os.path.join(state, "site-images")

        def ident(path):
            st = os.stat(path)
            return (st.st_ino, st.st_mtime_ns)

        def total(out):
            m = re.search(r"(\d+) files in .*?: (\d+) written, (\d+) unchanged", out)
            return (int(m.group(1)), int(m.group(2)) + int(m.group(3))) if m else None

        def clean_equal(what):
            cstate, csite = os.path.join(tmp, "var13"), os.path.join(tmp, "site13")
            shutil.rmtree(cstate, ignore_errors=True)
            shutil.rmtree(csite, ignore_errors=True)
            os.makedirs(cstate)
            shutil.copyfile(os.path.join(state, "catalog.db"), os.path.join(cstate, "catalog.db"))
            shutil.copytree(os.path.join(state, "img-cache"), os.path.join(cstate, "img-cache"))
            rc, out, err, n = L.build(cstate, csite, keys, host, "--offline")
            same = [name for name in ("site-manifest", "site-images")
                    if open(os.path.join(state, name), "rb").read() ==
                    open(os.path.join(cstate, name), "rb").read()]
            check(rc == 0 and L.snapshot(csite) == L.snapshot(site) and len(same) == 2,
                  "%s: the site and both manifests are a clean build's" % what, (out + err, same))

        with open(imf) as f:
            head = f.readline().split()
        check(len(head) == 4 and head[0] == "onlygen-site-images" and
              int(head[3]) == len([p for p in L.manifest_paths(state) if p.startswith("img/") and
                                   "placeholder" not in p]),
              "STATE/site-images lists the videos' image files, its key and count first", head)
        with open(os.path.join(state, "site-manifest")) as f:
            shead = f.readline().split()
        check(len(shead) == 4 and shead[3] == head[2],
              "the site's manifest names the image set's key", (shead, head))
        was = ident(imf)
        retitle(6)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        files = total(out)
        check(rc == 0 and ident(imf) == was and files is not None and files[0] == files[1] and
              files[0] == len(L.snapshot(site)),
              "a title changed: the images' manifest is not written again, and the build "
              "counts every file of the site, the images too (%s)" % (files,), out + err)
        clean_equal("a title changed with the image set carried over")

        # a killed build's path list: nothing is trusted, the images are
        # listed.  It may have published an image no page has, or removed
        # one as stale that this build, with the set back as it was, needs.
        staging = os.path.join(site, ".onlygen-staging")
        os.makedirs(staging, exist_ok=True)
        with open(os.path.join(staging, "paths"), "w") as f:
            f.write("img/%s/killed-build-leftover.webp\n" % guids[0])
        with open(os.path.join(site, "img", guids[0], "killed-build-leftover.webp"), "w") as f:
            f.write("published by a build that was killed")
        removed = img_refs(site, guids[1])[0]
        os.remove(site + removed)
        retitle(7)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and ident(imf) != was and total(out) == files and
              not os.path.exists(os.path.join(site, "img", guids[0], "killed-build-leftover.webp"))
              and os.path.exists(site + removed),
              "after a killed build the images are listed and their manifest written again: "
              "the image it published that no page has is removed, the one it removed is back",
              out + err)
        clean_equal("after a killed build")

        # a site manifest from before the images had their own: it names no
        # set and lists them itself (as one older than the images' manifest
        # may, after a build killed between the two renames).  The images
        # are listed: carried over, the entries it has would be stale files
        # and removed.
        sm = os.path.join(state, "site-manifest")
        with open(sm) as f:
            first, rest = f.read().split("\n", 1)
        with open(imf) as f:
            images = f.read().split("\n", 1)[1]
        with open(sm, "w") as f:
            f.write(" ".join(first.split()[:3]) + "\n" + rest + images)
        retitle(8)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and total(out) == files and img_refs(site, guids[0]) != PH and
              all(os.path.exists(site + r) for r in img_refs(site, guids[0])),
              "a site manifest that names no image set and lists the images: they are listed, "
              "none removed", out + err)
        clean_equal("after a site manifest that listed the images itself")
        was = ident(imf)
        retitle(9)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and ident(imf) == was, "and the next build carries them over again", out + err)

        # the output directory emptied by hand: every file written again,
        # the images too
        for name in os.listdir(site):
            path = os.path.join(site, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        retitle(10)
        rc, out, err, n = L.build(state, site, keys, host, "--offline")
        check(rc == 0 and total(out) == files and
              all(os.path.exists(site + r) for g in guids for r in img_refs(site, g)),
              "the site emptied by hand: every page and image written again", out + err)
        clean_equal("after the site was emptied by hand")

        # image files removed by hand from the site: the manifest is trusted
        # (as for pages) until --recheck, which lists and restores them
        shutil.rmtree(os.path.join(site, "img", guids[0]))
        rc, out, err, n = L.build(state, site, keys, host, "--offline", "--recheck")
        check(rc == 0 and img_refs(site, guids[0]) != PH and
              all(os.path.exists(site + r) for r in img_refs(site, guids[0])),
              "--recheck lists the images and publishes those removed by hand", out + err)
        clean_equal("after --recheck")

        # 6. broken and missing images
        broken, gone = guids[1], guids[2]
        map2 = os.path.join(tmp, "map-missing.json")
        with open(map2, "w") as f:
            json.dump({g: s for g, s in gmap.items() if g != gone}, f)
        cdn = L.Cdn(keys, media=media, map_file=map2, broken=[broken])
        state4, site4 = os.path.join(tmp, "var4"), os.path.join(tmp, "site4")
        L.pull(state4, catalog, cdn.host)
        rc, out, err, n = L.build(state4, site4, keys, cdn.host, "--no-pull")
        check(rc == 0, "a build with a broken and a missing image exits 0", out + err)
        check(re.search(r"warning: video %s .*placeholder" % broken, err) is not None,
              "a broken image (garbage bytes) warns, naming the video", err)
        check(re.search(r"warning: video %s .*HTTP 404.*placeholder" % gone, err) is not None,
              "a 404 warns, naming the video", err)
        check(all("placeholder" in r for r in img_refs(site4, broken) + img_refs(site4, gone))
              and not any("placeholder" in r for r in img_refs(site4, guids[3])),
              "both show the placeholder; the others their own images")
        cdn.stop()

        # 7. wrong token key: 403
        wrong = os.path.join(tmp, "wrong-keys")
        L.write_keys(wrong, "not-the-pull-zone-key")
        cdn = L.Cdn(keys, media=media)
        state5, site5 = os.path.join(tmp, "var5"), os.path.join(tmp, "site5")
        L.pull(state5, catalog, cdn.host)
        rc, out, err, n = L.build(state5, site5, wrong, cdn.host, "--no-pull")
        check(rc == 0 and "HTTP 403" in err and "token key is probably wrong" in err
              and "BUNNY_TOKEN_KEY" in err, "a 403 warns that BUNNY_TOKEN_KEY is probably wrong; exit 0",
              out + err)
        check("not-the-pull-zone-key" not in err + out and "token=" not in err + out,
              "the warnings show neither the key nor a token")

        # 8. the keys file is read by the verifier's parser (core/keys.c)
        dup = os.path.join(tmp, "dup-keys")
        with open(dup, "w") as f:
            f.write("BUNNY_TOKEN_KEY=not-the-pull-zone-key\nBUNNY_TOKEN_KEY=%s\n" % KEY)
        os.chmod(dup, 0o600)
        state6, site6 = os.path.join(tmp, "var6"), os.path.join(tmp, "site6")
        L.pull(state6, catalog, cdn.host)
        rc, out, err, n = L.build(state6, site6, dup, cdn.host, "--no-pull")
        check(rc == 0 and "HTTP 403" not in err and n is not None and n > 0,
              "a name given twice: the last line signs, as in the verifier", out + err)
        site7 = os.path.join(tmp, "site7")
        os.chmod(dup, 0o644)
        rc, out, err, n = L.build(state6, site7, dup, cdn.host, "--no-pull")
        check(rc != 0 and "chmod 600" in err and not os.path.exists(site7),
              "a keys file others can read is refused before anything is written", out + err)
        os.chmod(dup, 0o600)
        link = os.path.join(tmp, "link-keys")
        os.symlink(dup, link)
        rc, out, err, n = L.build(state6, site7, link, cdn.host, "--no-pull")
        check(rc != 0 and not os.path.exists(site7), "a keys file that is a symlink is refused",
              out + err)
        weak = os.path.join(tmp, "weak-keys")
        L.write_keys(weak, "changeme")
        rc, out, err, n = L.build(state6, site7, weak, cdn.host, "--no-pull")
        check(rc != 0 and "BUNNY_TOKEN_KEY" in err and "changeme" not in out + err
              and not os.path.exists(site7),
              "a well-known BUNNY_TOKEN_KEY is refused (without saying it)", out + err)
        with open(weak, "a") as f:
            f.write("DEMO=1\n")
        rc, out, err, n = L.build(state6, site7, weak, cdn.host, "--no-pull")
        check(rc == 0, "unless the file says DEMO=1 (then the CDN decides)", out + err)

        # 9. the placeholder is compiled in: the cache's files of that name
        #    (left by an older onlygen, or anything else) do not matter
        committed = {}
        for name in os.listdir(PH_DIR):
            with open(os.path.join(PH_DIR, name), "rb") as f:
                committed[os.path.join("img", name)] = f.read()
        check(len(committed) == 4, "four placeholder files are committed", sorted(committed))

        def published(site_dir):
            out = {}
            for k in committed:
                try:
                    with open(os.path.join(site_dir, k), "rb") as f:
                        out[k] = f.read()
                except OSError:
                    out[k] = None
            return out

        for flag, what in (("--offline", "offline"), ("--no-pull", "fetching images")):
            state8 = os.path.join(tmp, "var8" + flag)
            site8 = os.path.join(tmp, "site8" + flag)
            L.pull(state8, catalog, cdn.host)
            blocker = os.path.join(state8, "img-cache", "placeholder-v1-640.webp")
            os.makedirs(blocker)
            with open(os.path.join(state8, "img-cache", "placeholder-v1-1280.jpg"), "wb") as f:
                f.write(b"not a JPEG")
            rc, out, err, n = L.build(state8, site8, keys, cdn.host, flag)
            check(rc == 0 and published(site8) == committed,
                  "%s: the cache's placeholder names do not matter: the build publishes "
                  "the committed stills" % what, out + err)
            with open(os.path.join(state8, "img-cache", "placeholder-v1-1280.jpg"), "rb") as f:
                junk = f.read()
            check(os.path.isdir(blocker) and junk == b"not a JPEG"
                  and sorted(n for n in os.listdir(os.path.join(state8, "img-cache"))
                             if n.startswith("placeholder-")) ==
                  ["placeholder-v1-1280.jpg", "placeholder-v1-640.webp"],
                  "%s: and writes nothing into the cache for them" % what)
            if flag == "--offline":
                with open(os.path.join(site8, "v", changed, "index.html"), encoding="utf-8") as f:
                    html = f.read()
                check("/img/placeholder-v1-1280.jpg" in html
                      and re.search(r'og:image:width" content="1280"', html) is not None
                      and re.search(r'og:image:height" content="720"', html) is not None,
                      "offline: a page showing the placeholder gives og:image its JPEG's size "
                      "(1280x720)")

        # 11. keyed by the bytes compiled in: a copy of onlygen carrying other
        #     bytes for the 320 WebP publishes them; this onlygen's next
        #     incremental build publishes its own again.
        with open(L.GEN, "rb") as f:
            binary = f.read()
        ph320 = committed[os.path.join("img", "placeholder-v1-320.webp")]
        at = binary.find(ph320)
        check(at != -1 and binary.find(ph320, at + 1) == -1,
              "the 320 WebP's bytes are in the binary, once")
        other = ph320[:-8] + bytes(b ^ 0x5a for b in ph320[-8:])
        patched = os.path.join(tmp, "bin-other", "onlygen")
        os.makedirs(os.path.dirname(patched))
        with open(patched, "wb") as f:
            f.write(binary[:at] + other + binary[at + len(ph320):])
        os.chmod(patched, 0o755)
        state11, site11 = os.path.join(tmp, "var11"), os.path.join(tmp, "site11")
        L.pull(state11, catalog, cdn.host)
        env = dict(os.environ, BUNNY_CDN_HOSTNAME=cdn.host)
        args = ["build", "--offline", "--state", state11, "--out", site11, "--keys", keys,
                "--content", os.path.join(L.ROOT, "content")]
        p = subprocess.run([patched] + args, cwd=L.ROOT, env=env, capture_output=True, text=True,
                           timeout=600)
        got = published(site11)[os.path.join("img", "placeholder-v1-320.webp")]
        check(p.returncode == 0 and got == other,
              "an onlygen carrying other placeholder bytes publishes them", p.stdout + p.stderr)
        rc, out, err, n = L.build(state11, site11, keys, cdn.host, "--offline")
        check(rc == 0 and published(site11) == committed and " 1 written" in out,
              "this onlygen's next incremental build publishes its own bytes again "
              "(the key follows the bytes, not the path): one file written", out + err)

        # 10. builds that end before site_build(): nothing is drawn, early or late
        bad = os.path.join(tmp, "content-bad")
        shutil.copytree(os.path.join(L.ROOT, "content"), bad)
        with open(os.path.join(bad, "site.json"), "w") as f:
            f.write("{ not JSON")
        state10, site10 = os.path.join(tmp, "var10"), os.path.join(tmp, "site10")
        L.pull(state10, catalog, cdn.host)
        cache10 = os.path.join(state10, "img-cache")

        def no_placeholder(cache):
            return not os.path.isdir(cache) or not any(n.startswith("placeholder-")
                                                       for n in os.listdir(cache))
        saved = {k: os.environ.pop(k, None) for k in ("BUNNY_LIBRARY_ID", "BUNNY_API_KEY")}
        try:
            for flags, what in ((["--offline", "--content", bad], "a content/ that does not load"),
                                (["--no-pull", "--content", bad], "the same, fetching images"),
                                ([], "a pull refused (no BUNNY_LIBRARY_ID)")):
                rc, out, err, n = L.build(state10, site10, keys, cdn.host, *flags)
                check(rc != 0 and not os.path.exists(site10),
                      "%s: the build fails, serving nothing" % what, out + err)
                check(no_placeholder(cache10), "%s: and writes no placeholder into the cache" % what,
                      sorted(os.listdir(cache10)) if os.path.isdir(cache10) else None)
        finally:
            for k, v in saved.items():
                if v is not None:
                    os.environ[k] = v
        nostate = os.path.join(tmp, "var-none")
        rc, out, err, n = L.build(nostate, site10, keys, cdn.host, "--offline")
        check(rc != 0 and not os.path.exists(nostate),
              "no state directory yet: the build fails as before, making none", out + err)
        rc, out, err, n = L.build(state10, site10, keys, cdn.host, "--offline")
        check(rc == 0 and published(site10) == committed and no_placeholder(cache10),
              "then a first build succeeds, publishing the committed stills, none in the cache",
              out + err)
        rc, out, err, n = L.build(state10, site10, keys, cdn.host, "--offline")
        check(rc == 0 and "nothing changed" in out and no_placeholder(cache10),
              "a build with nothing changed exits 0, drawing nothing", out + err)
    finally:
        cdn.stop()
    return 1 if L.failures else 0


if __name__ == "__main__":
    sys.exit(main())
