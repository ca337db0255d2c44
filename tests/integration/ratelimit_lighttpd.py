#!/usr/bin/env python3
"""Integration: the redeem rate limit, forwarded addresses and the metrics
allow-list through the real lighttpd + bin/verifier.so.

1. Guessing from thousands of addresses.  With the shipped defaults, 3 000
   loopback sources (127.x.y.z: all of 127/8 is loopback on Linux) in 30
   /24s send bad codes in rounds.  The guesses *evaluated* (answers other
   than 429) are counted and must stay within the global failure budget's
   bound, burst + rate x elapsed, with elapsed measured around the whole
   run (an upper bound, so the check does not depend on timing).  The old
   LRU table evaluated ~28 000 of every round's guesses; rounds 2 and 3 must
   not reset anything.  Every 429 carries Retry-After.
2. Behind a proxy: with --trusted-proxies 127.0.0.2, X-Forwarded-For from
   127.0.0.2 picks the viewer's bucket (two viewers behind one proxy do not
   share; a client-written left part of the header is ignored); from an
   untrusted source the header is ignored, so a client cannot choose its
   bucket; and without any trusted proxy it is ignored from everyone.
3. /api/metrics answers only ONLY_METRICS_ALLOW, judged on the TCP peer: a
   forwarded 127.0.0.1 from a trusted proxy does not get in.
"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from verifier_lib import (Server, check, make_access_db, new_tree, onlytoken,  # noqa: E402
                          write_keys)
import verifier_lib  # noqa: E402

SECRET = "rl-secret-0123456789abcdef"
BUNNY = "rl-bunny-key-0123456789abcdef"
VIP = "11111111-2222-3333-4444-555555555555"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# The shipped defaults (verifier/module/ratelimit.h RL_DEF_FAIL_*), stated here
# as the documented figures: docs/verifier.md.
FAIL_BURST, FAIL_PER_MIN = 20, 10


def redeem(srv, code, source, headers=None):
    h = dict(FORM, **(headers or {}))
    st, hd, _ = srv.request("POST", "/api/redeem", ("code=" + code).encode(), h, source)
    return st, hd


def guessing(srv, code):
    sources = [f"127.{20 + i // 100}.{(i % 100) // 10}.{i % 10 + 1 + 10 * (i % 7)}"
               for i in range(3000)]
    assert len(set(sources)) == 3000
    rounds, total, no_retry = [], 0, 0
    t0 = time.monotonic()
    for r in range(3):
        evaluated = 0
        for i, s in enumerate(sources):
            guess = f"OM43-{r:02X}{i >> 8 & 0xff:02X}-{i & 0xff:02X}77"
            st, h = redeem(srv, guess, s)
            if st != 429:
                evaluated += 1
            elif int(h.get("retry-after", "0")) < 1:
                no_retry += 1
        total += evaluated
        rounds.append((evaluated, time.monotonic() - t0))
    elapsed = time.monotonic() - t0
    bound = FAIL_BURST + FAIL_PER_MIN / 60 * elapsed
    for n, (ev, at) in enumerate(rounds, 1):
        print(f"# round {n}: {ev} of 3000 bad codes evaluated (by {at:.1f} s)")
    print(f"# total {total} evaluated in {elapsed:.1f} s; bound {bound:.1f}; "
          f"{9000 / elapsed:.0f} guesses/s sent")
    check(total <= bound, f"3 rounds x 3000 addresses: {total} guesses evaluated <= "
          f"burst + rate x elapsed = {bound:.1f}")
    check(rounds[1][0] + rounds[2][0] <= FAIL_PER_MIN / 60 * elapsed + 1,
          "rounds 2 and 3 get no fresh burst from new or churned addresses",
          [r[0] for r in rounds])
    check(no_retry == 0, "every 429 carries Retry-After >= 1", no_retry)
    st, h = redeem(srv, code, "127.99.1.1")
    check(st == 429 and int(h.get("retry-after", "0")) >= 1,
          "the documented trade: with the failure budget spent, a good code from a "
          "fresh network waits too", st)


def proxies(srv, code):
    px, other = "127.0.0.2", "127.0.0.3"
    a = [redeem(srv, "OM43-0000-00A1", px, {"X-Forwarded-For": "198.51.100.1"})[0]
         for _ in range(3)]
    check(a == [401, 401, 429], "trusted proxy: viewer A's own bucket (burst 2)", a)
    st, _ = redeem(srv, code, px, {"X-Forwarded-For": "198.51.100.2"})
    check(st == 200, "trusted proxy: viewer B behind the same proxy is not limited", st)
    st, _ = redeem(srv, "OM43-0000-00A2", px, {"X-Forwarded-For": "203.0.113.9, 198.51.100.1"})
    check(st == 429, "trusted proxy: a client-written address left of A's is ignored", st)
    b = [redeem(srv, "OM43-0000-00A3", other, {"X-Forwarded-For": f"192.0.2.{i}"})[0]
         for i in range(1, 4)]
    check(b == [401, 401, 429], "untrusted source: X-Forwarded-For ignored, one bucket "
          "whatever it claims", b)
    st, _ = redeem(srv, code, other, {"X-Forwarded-For": "198.51.100.77"})
    check(st == 429, "untrusted source: cannot pick a fresh bucket by the header", st)
    for who, src, hdr, want in (
            ("loopback 127.0.0.1 directly", "127.0.0.1", {}, 200),
            ("trusted proxy forwarding 127.0.0.1", px, {"X-Forwarded-For": "127.0.0.1"}, 403),
            ("127.0.0.1 itself with any X-Forwarded-For", "127.0.0.1",
             {"X-Forwarded-For": "127.0.0.1"}, 403),
            ("untrusted source claiming 127.0.0.1", other, {"X-Forwarded-For": "127.0.0.1"}, 403),
            ("another loopback address (not in the allow list)", "127.0.0.4", {}, 403)):
        st, _, b = srv.request("GET", "/api/metrics", None, hdr, src)
        check(st == want and (st != 200 or b"only_redeem_total" in b),
              f"metrics (ONLY_METRICS_ALLOW=127.0.0.1/32): {who}: {want}", st)


def no_proxies(srv):
    b = [redeem(srv, "OM43-0000-00B1", "127.0.0.5", {"X-Forwarded-For": f"192.0.2.{i}"})[0]
         for i in range(1, 4)]
    check(b == [401, 401, 429], "no trusted proxy: X-Forwarded-For ignored even from "
          "loopback", b)


def main():
    base, site, var = new_tree()
    keys = os.path.join(var, "verifier.keys")
    tokens = os.path.join(var, "tokens.db")
    write_keys(keys, [f"SECRET_KEY={SECRET}", f"BUNNY_TOKEN_KEY={BUNNY}", "COOKIE_SECURE=0"])
    make_access_db(os.path.join(var, "access.db"), [(VIP, "vip", "vz-test.b-cdn.net", 60)])
    code = onlytoken("mint", "--level", "vip", "--db", tokens, "--keys", keys).stdout.split()[0]
    servers = []
    try:
        srv = Server(site, var)          # the shipped defaults
        servers.append(srv)
        srv.start()
        guessing(srv, code)
        srv.stop()
        srv = Server(site, var, {"TRUSTED_PROXIES": "127.0.0.2/32, 10.0.0.0/8",
                                 "ONLY_REDEEM_BURST": "2", "ONLY_REDEEM_PER_MIN": "0.001",
                                 "ONLY_METRICS_ALLOW": "127.0.0.1/32"})
        servers.append(srv)
        srv.start()
        proxies(srv, code)
        srv.stop()
        srv = Server(site, var, {"ONLY_REDEEM_BURST": "2", "ONLY_REDEEM_PER_MIN": "0.001"})
        servers.append(srv)
        srv.start()
        no_proxies(srv)
    finally:
        for s in servers:
            s.stop()
    for s in servers:
        rep = s.sanitizer_reports()
        check(rep == "", f"no sanitizer report (port {s.port})", rep[:2000])
    shutil.rmtree(base, ignore_errors=True)
    return 1 if verifier_lib.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
