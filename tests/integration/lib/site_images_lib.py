"""Helpers for the tests of the image mirror and of token-free sites:
the CDN stand-in (tests/fakes/bunny_cdn.py) on a free port, catalog pulls
and builds with bin/onlygen, and snapshots of a built tree."""

import hashlib
import os
import shutil
import subprocess
import sys

from cdn_lib import Cdn  # noqa: F401  (the tests use it as L.Cdn)

ROOT = os.environ.get("ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BINDIR = os.environ.get("BINDIR", "bin")
GEN = os.path.join(ROOT, BINDIR, "onlygen") if not os.path.isabs(BINDIR) else os.path.join(BINDIR, "onlygen")
failures = 0


def check(cond, what, detail=""):
    global failures
    if cond:
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
        if detail:
            for line in str(detail).splitlines()[:30]:
                print("    " + line)
    return cond


def write_keys(path, key):
    with open(path, "w") as f:
        f.write("BUNNY_TOKEN_KEY=%s\n" % key)
    os.chmod(path, 0o600)


def run_gen(args, cdn_host):
    env = dict(os.environ)
    env.pop("BUNNY_TOKEN_KEY", None)
    env["BUNNY_CDN_HOSTNAME"] = cdn_host
    p = subprocess.run([GEN] + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def pull(state, catalog, cdn_host):
    rc, out, err = run_gen(["pull", "--from", catalog, "--state", state], cdn_host)
    if rc != 0:
        raise RuntimeError("onlygen pull failed: %s%s" % (out, err))


def build(state, out_dir, keys, cdn_host, *flags):
    """Builds; returns (rc, stdout, stderr, images fetched or None)."""
    rc, out, err = run_gen(["build", "--state", state, "--out", out_dir, "--keys", keys,
                            "--content", os.path.join(ROOT, "content")] + list(flags), cdn_host)
    fetched = None
    for line in out.splitlines():
        if "images fetched" in line:
            fetched = int(line.split(" images fetched")[0].rsplit(" ", 1)[1])
    return rc, out, err, fetched


def snapshot(top):
    """{relative path: sha256} of every file under top."""
    snap = {}
    for d, _, files in os.walk(top):
        for n in files:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                snap[os.path.relpath(p, top)] = hashlib.sha256(f.read()).hexdigest()
    return snap


def manifest_paths(state):
    """The paths the build's manifests list: the site's and, beside it, the
    mirrored images' (site_image_set.c)."""
    paths = set()
    for name in ("site-manifest", "site-images"):
        try:
            with open(os.path.join(state, name)) as f:
                lines = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        paths |= set(line.split(" ", 2)[2] for line in lines if line.count(" ") >= 2)
    return paths


def copy_catalog(dst):
    shutil.copytree(os.path.join(ROOT, "demo", "catalog"), dst)
    return dst
