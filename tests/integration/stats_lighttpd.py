#!/usr/bin/env python3
"""Integration (issue 16): plays and redemptions through the real lighttpd
(scripts/serve, conf/lighttpd.conf, bin/verifier.so), its access log
rotated mid-run by logrotate with examples/logrotate/onlymatt-access
(rename + SIGHUP), Bunny's statistics
pulled from the fake API into catalog.db, then `onlygen stats --json`
checked count by count, and the log checked for what it must never hold
(addresses, codes)."""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import (Server, check, code_hash, make_access_db, new_tree,  # noqa: E402
                          onlytoken, write_keys)
import verifier_lib  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))
from bunny_api import stat_numbers  # noqa: E402

ROOT = os.environ.get("ROOT", os.getcwd())
BINDIR = os.environ.get("BINDIR", "bin")
ONLYGEN = os.path.join(ROOT, BINDIR, "onlygen")
FAKE = os.path.join(ROOT, "tests", "fakes", "bunny_api.py")
SECRET = "stats-secret-0123456789abcdef"
PUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
VIP = "11111111-2222-3333-4444-555555555555"
VIP2 = "22222222-3333-4444-5555-666666666666"
PPV = "3f6c2a1e-9b8d-4c7e-a5f4-1d2e3c4b5a69"
A, B, C = "127.21.0.1", "127.22.0.1", "127.23.0.1"	# three /24s: three devices
KEY, LIB = "stats-api-key-0123456789", "424242"
LOGROTATE = shutil.which("logrotate") or "/usr/sbin/logrotate"	# scripts/install-deps


def play(srv, guid, src, cookie=None):
    h = {"Cookie": cookie} if cookie else None
    return srv.request("GET", "/api/play/" + guid, headers=h, src=src)


def redeem_json(srv, code, src, video=None):
    body = {"code": code}
    if video:
        body["video"] = video
    return srv.request("POST", "/api/redeem", json.dumps(body).encode(),
                       {"Content-Type": "application/json"}, src=src)


def cookie_of(h):
    return h["set-cookie"].split(";")[0]


def rotate(srv, var):
    """examples/logrotate/onlymatt-access run by logrotate -f, its paths
    pointed at this test's var/: rename, then SIGHUP."""
    with open(os.path.join(ROOT, "examples", "logrotate", "onlymatt-access")) as f:
        conf = f.read().replace("/srv/onlymatt/var/log", srv.logdir)
    conf = conf.replace("/srv/onlymatt/var/lighttpd.pid", srv.pidfile)
    path = os.path.join(var, "logrotate.conf")
    with open(path, "w") as f:
        f.write(conf)
    r = subprocess.run([LOGROTATE, "-f", "-s", os.path.join(var, "logrotate.state"), path],
                       capture_output=True, text=True)
    check(r.returncode == 0, "logrotate -f with examples/logrotate/onlymatt-access",
          r.stdout + r.stderr)
    for _ in range(100):	# lighttpd notes the cycle in its error log
        with open(os.path.join(srv.logdir, "error.log")) as f:
            if "logfiles cycled" in f.read():
                return
        time.sleep(0.05)


def main():
    base, site, var = new_tree()
    keys = os.path.join(var, "verifier.keys")
    tokens = os.path.join(var, "tokens.db")
    write_keys(keys, [f"SECRET_KEY={SECRET}", "BUNNY_TOKEN_KEY=stats-bunny-key-0123456789",
                      "COOKIE_SECURE=0"])
    make_access_db(os.path.join(var, "access.db"), [
        (PUB, "public", "vz-test.b-cdn.net", 0, "Open air"),
        (VIP, "vip", "vz-test.b-cdn.net", 60, "Night <b>& city</b>"),
        (VIP2, "vip", "vz-test.b-cdn.net", 60, "Wanted"),
        (PPV, "ppv", "vz-test.b-cdn.net", 60, "One shot")])
    db = ["--db", tokens, "--keys", keys]
    vip = [onlytoken("mint", "--level", "vip", *db).stdout.split()[0] for _ in range(2)]
    ppv = [onlytoken("mint", "--level", "ppv", "--video", PPV, *db).stdout.split()[0]
           for _ in range(2)]
    srv = Server(site, var)
    sent = 0
    try:
        srv.start()
        # A: a public play, a refused VIP play, a VIP code typed on its page, two plays.
        check(play(srv, PUB, A)[0] == 200, "public video plays")
        check(play(srv, VIP, A)[0] == 401, "VIP video refused without a code")
        st, h, _ = redeem_json(srv, vip[0], A, VIP)
        check(st == 200 and h.get("x-only-access") == "vip" and
              re.fullmatch(r"[0-9a-f]{12}", h.get("x-only-code", "")) is not None,
              "VIP redeem marks its level and a 12-hex code id", h)
        vip_log_id = h.get("x-only-code", "")
        ca = cookie_of(h)
        check(vip[0].lower() not in json.dumps(h).lower(), "the code is in no header")
        check(play(srv, VIP, A, ca)[0] == 200 and play(srv, VIP, A, ca)[0] == 200,
              "VIP plays twice with the cookie")
        sent += 5
        rotate(srv, var)
        # B: three refused PPV plays, the PPV code through the page's form, one play.
        for _ in range(3):
            play(srv, PPV, B)
        form = urllib.parse.urlencode({"code": ppv[0], "next": f"/v/{PPV}/",
                                       "video": PPV}).encode()
        st, h, _ = srv.request("POST", "/api/redeem", form,
                               {"Content-Type": "application/x-www-form-urlencoded"}, src=B)
        check(st == 303 and h.get("x-only-access") == "ppv", "PPV form redeem: 303, marked ppv")
        check(play(srv, PPV, B, cookie_of(h))[0] == 200, "PPV plays with its cookie")
        # C: a wrong code, two public plays, three refusals of VIP2, an unknown video.
        check(redeem_json(srv, "OM43-0000-0000-0000", C)[0] == 401, "wrong code refused")
        play(srv, PUB, C)
        play(srv, PUB, C)
        for _ in range(3):
            play(srv, VIP2, C)
        check(play(srv, "99999999-9999-9999-9999-999999999999", C)[0] == 404, "unknown video 404")
        sent += 5 + 7
        # Static pages are not logged.
        srv.request("GET", "/index.html")
    finally:
        srv.stop()
    logdir = srv.logdir
    per_file = []
    for name in ("access.log.1", "access.log"):
        with open(os.path.join(logdir, name)) as f:
            per_file.append(f.read())
    text = "".join(per_file)
    lines = text.splitlines()
    check([len(t.splitlines()) for t in per_file] == [5, 12],
          "the rotated file holds the 5 lines before SIGHUP, the new one the 12 after")
    check(len(lines) == sent, f"every play and redeem logged across the rotation "
          f"({len(lines)} lines, {sent} requests)", text)
    check(all(ln.startswith("om1 ") for ln in lines), "only om1 lines (no static file)")
    check(not re.search(r"127\.2[123]\.", text), "no viewer address in the log")
    check(not any(c.lower() in text.lower() for c in vip + ppv), "no code in the log")

    # Bunny's numbers: the fake API serves the demo catalog's statistics.
    fake = subprocess.Popen([sys.executable, FAKE, "--library", LIB, "--key", KEY,
                             "--catalog", os.path.join(ROOT, "demo", "catalog")],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(fake.stdout.readline().split()[1])
        env = dict(os.environ, BUNNY_API_KEY=KEY, BUNNY_LIBRARY_ID=LIB,
                   BUNNY_API_BASE=f"http://127.0.0.1:{port}")
        env.pop("BUNNY_CDN_HOSTNAME", None)
        r = subprocess.run([ONLYGEN, "pull", "--state", var], env=env, capture_output=True,
                           text=True, timeout=120)
        check(r.returncode == 0, "catalog pulled from the fake API", r.stderr)
        today = datetime.now(timezone.utc).date()
        r = subprocess.run([ONLYGEN, "stats", "--state", var, "--since", "7d", "--until",
                            today.isoformat(), "--json", "--pull"], env=env,
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "onlygen stats --pull --json runs", r.stderr)
        rep = json.loads(r.stdout)
        wrong = subprocess.run([ONLYGEN, "stats", "--state", var, "--pull", "--json"],
                               env=dict(env, BUNNY_API_KEY="wrong-key-0123456789"),
                               capture_output=True, text=True, timeout=120)
        check(wrong.returncode == 1 and "wrong-key" not in wrong.stderr,
              "a wrong API key fails without printing it", wrong.stderr)
        # The daily unit's command as shipped, the rotated log gzipped as
        # logrotate's next run would leave it (access.log.2.gz).
        unit = open(os.path.join(ROOT, "examples", "systemd", "onlymatt-stats.service")).read()
        cmd = re.search(r"^ExecStart=/bin/sh -c '(.*)'$", unit, re.M).group(1)
        inst = os.path.join(base, "inst")
        os.makedirs(os.path.join(var, "stats"), exist_ok=True)
        os.makedirs(inst)
        os.symlink(os.path.join(ROOT, BINDIR), os.path.join(inst, "bin"))
        os.symlink(var, os.path.join(inst, "var"))
        rotated = os.path.join(var, "log", "access.log.1")
        # (the name's own ".1": the temporary directory's name may hold one too)
        with open(rotated, "rb") as f, gzip.open(rotated[:-len(".1")] + ".2.gz", "wb") as g:
            g.write(f.read())
        os.unlink(rotated)
        r = subprocess.run(["/bin/sh", "-c", cmd], cwd=inst, env=env, capture_output=True,
                           text=True, timeout=120)
        unit_ok = r.returncode == 0 and os.path.exists(os.path.join(var, "stats", "report.html"))
        m = re.search(r"^TOTAL\s+(\d+)\s+(\d+)\s+(\d+)", r.stdout, re.M)
        check(unit_ok and m is not None and m.groups() == ("6", "7", "2"),
              "examples/systemd/onlymatt-stats.service's command reads the gzipped, "
              "missing and live logs: the same totals, the HTML written", r.stdout + r.stderr)
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    guids = [v["guid"] for v in json.load(open(os.path.join(ROOT, "demo", "catalog",
                                                            "videos-page-1.json")))["items"]]
    days = [(today - timedelta(days=i)).isoformat() for i in range(7)]
    want_views = sum(stat_numbers(g, d)[0] for g in guids for d in days)
    want_watch = sum(stat_numbers(g, d)[1] for g in guids for d in days)
    t = rep["totals"]
    check(t["bunny_views"] == want_views and t["bunny_watch_seconds"] == want_watch,
          f"Bunny views and watch time summed ({t['bunny_views']}/{want_views}, "
          f"{t['bunny_watch_seconds']}/{want_watch})")
    check(rep["lines"] == {"read": sent, "counted": sent, "outside": 0, "bad": 0, "dropped": 0,
                           "dropped_codes": 0},
          "every line read and counted", rep["lines"])
    check((t["plays"], t["locked_refusals"], t["unlocks"], t["unlocks_vip"], t["unlocks_ppv"],
           t["failed_redeems"], t["devices"]) == (6, 4 + 0 + 3, 2, 1, 1, 1, 3),
          "totals: 6 plays, 7 refusals, 2 unlocks (1 VIP, 1 PPV), 1 failed, 3 devices", t)
    v = {x["guid"]: x for x in rep["videos"]}
    exp = {PUB: (3, 0, 0, 0, 2), VIP: (2, 1, 1, 0, 1), VIP2: (0, 3, 0, 0, 0), PPV: (1, 3, 0, 1, 1)}
    for g, e in exp.items():
        got = v.get(g, {})
        check((got.get("plays"), got.get("locked_refusals"), got.get("unlocks_vip"),
               got.get("unlocks_ppv"), got.get("devices")) == e,
              f"{g[:8]}: plays, refusals, VIP/PPV unlocks, devices = {e}", got)
    check(v[VIP]["title"] == "Night <b>& city</b>" and v[VIP]["level"] == "vip",
          "titles and levels from access.db")
    check(rep["codes"] == {"vip": {"minted": 2, "redeemed_codes": 1, "redeems": 1},
                           "ppv": {"minted": 2, "redeemed_codes": 1, "redeems": 1}},
          "codes minted vs redeemed per level", rep["codes"])
    check([x["guid"] for x in rep["interest"]] == [VIP2],
          "interest without unlocks: the VIP video refused 3 times", rep["interest"])
    check(rep["top"][:3] == [PUB, VIP, PPV], "top videos by plays", rep["top"])
    check(rep["days"][-1]["plays"] == 6 and len(rep["days"]) == 7, "today's plays per day")
    with gzip.open(os.path.join(var, "log", "access.log.2.gz"), "rt") as f:
        old_lines = f.read()
    one = subprocess.run([ONLYGEN, "stats", "--state", var, "--json", "--video", VIP,
                          "--log", "-", "--log", os.path.join(var, "log", "access.log")],
                         input=old_lines, capture_output=True, text=True)
    r1 = json.loads(one.stdout)
    check(one.returncode == 0 and [x["guid"] for x in r1["videos"]] == [VIP] and
          r1["totals"]["plays"] == 2, "--video keeps one video", one.stderr)
    # The id a real redeem logged is the one `onlytoken list` shows, and
    # revoking by it revokes that code (docs/verifier.md).
    rows = json.loads(onlytoken("list", "--json", *db).stdout)
    short = code_hash(SECRET, vip[0])[:6].hex()
    check([r["id"] for r in rows if r["log_id"] == vip_log_id] == [short],
          "list's log_id of the redeemed code is the X-Only-Code the verifier sent", rows)
    p = onlytoken("revoke", "--log-id", vip_log_id, *db, check_rc=False)
    p2 = onlytoken("check", vip[0], *db, check_rc=False)
    check(p.returncode == 0 and p2.returncode == 1 and "revoked" in p2.stdout,
          "revoke --log-id X-Only-Code: that code is refused", p.stdout + p.stderr + p2.stdout)
    sr = srv.sanitizer_reports()
    check(sr == "", "no sanitizer report", sr)
    return 0


if __name__ == "__main__":
    main()
    sys.exit(1 if verifier_lib.FAILED else 0)
