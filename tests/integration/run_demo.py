#!/usr/bin/env python3
"""Tests of scripts/run-demo (what `make run` runs) beyond the browser test:

- demo mode, twice in one state directory: keys created once with mode 0600
  (DEMO=1, COOKIE_SECURE=0), the printout names the URL and both codes, the
  site's absolute URLs follow PORT (no :8080 anywhere), the second run reuses
  the codes and rewrites no page; --stop frees both ports
  and leaves no process of the stack behind;
- a busy port is refused with a message naming PORT=N (exit 1);
- the way from the demo to a real library in one directory: the demo's keys
  (DEMO=1) or a keys file whose BUNNY_TOKEN_KEY differs from the environment's
  are refused with what to do; then a smaller library replaces the demo's;
- the foreground mode on a pty: Ctrl-C stops both servers, exit 0;
- real-library mode against the fake Bunny Stream API (tests/fakes/bunny_api.py):
  BUNNY_TOKEN_KEY lands in the keys file without DEMO=1, access.db points at
  BUNNY_CDN_HOSTNAME, no CDN stand-in starts, and the CSP allows the real CDN.
Servers bind 127.0.0.1 on free ports; state lives in temp directories.
"""

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.environ.get("ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUN_DEMO = os.path.join(ROOT, "scripts", "run-demo")
# make check builds only build/asan/bin: the binaries are wherever BINDIR says.
BINDIR = os.path.join(ROOT, os.environ.get("BINDIR") or "bin")
failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1
        if detail:
            for line in str(detail).splitlines():
                print("    " + line)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def run(args, env, timeout=300):
    return subprocess.run([RUN_DEMO] + args, env=env, capture_output=True, text=True, timeout=timeout)


def stack_groups(state_dir):
    """The process groups run-demo recorded for the stack in state_dir."""
    try:
        with open(os.path.join(state_dir, "var", "run", "demo.pids"), encoding="ascii") as f:
            return {int(x) for x in f.read().split() if x.isdigit()}
    except OSError:
        return set()


def alive_in(groups):
    """Processes (pid, args) still running in any of these process groups.
    A zombie is not: it has exited, holds no port, and is only waiting to be
    reaped by its new parent once run-demo, its parent, has exited (make
    check met one, the CDN stand-in, in the instant between the two)."""
    out = subprocess.run(["ps", "-eo", "pid=,pgid=,stat=,args="], capture_output=True,
                         text=True).stdout
    alive = []
    for ln in out.splitlines():
        parts = ln.split(None, 3)
        if len(parts) >= 3 and int(parts[1]) in groups and not parts[2].startswith("Z"):
            alive.append(ln.strip())
    return alive


def base_env(port, cdn_port):
    env = dict(os.environ, PORT=str(port), CDN_PORT=str(cdn_port))
    for k in ("BUNNY_API_KEY", "BUNNY_LIBRARY_ID", "BUNNY_CDN_HOSTNAME", "BUNNY_TOKEN_KEY", "BUNNY_API_BASE"):
        env.pop(k, None)
    return env


def test_demo_mode():
    d = tempfile.mkdtemp(prefix="run-demo-test-")
    groups = set()
    port, cdn_port = free_port(), free_port()
    env = base_env(port, cdn_port)
    try:
        r = run(["--background", "--dir", d], env)
        first_out = r.stdout + r.stderr
        check(r.returncode == 0, "demo mode starts in the background", r.stdout + r.stderr)
        keys = os.path.join(d, "var", "verifier.keys")
        mode = stat.S_IMODE(os.stat(keys).st_mode) if os.path.exists(keys) else None
        check(mode == 0o600, "var/verifier.keys is created with mode 0600", oct(mode or 0))
        text = open(keys, encoding="utf-8").read() if mode else ""
        check(re.search(r"^SECRET_KEY=[0-9a-f]{64}$", text, re.M) and
              re.search(r"^BUNNY_TOKEN_KEY=[0-9a-f]{48}$", text, re.M) and
              re.search(r"^DEMO=1$", text, re.M) and re.search(r"^COOKIE_SECURE=0$", text, re.M),
              "the keys file holds random keys, DEMO=1 and COOKIE_SECURE=0")
        codes = re.findall(r"(VIP|PPV) code: ([A-Z0-9]{1,8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", r.stdout)
        # The printed command must act on this stack's stores (var/ under --dir).
        m = re.search(r"More codes: (.*)$", r.stdout, re.M)
        minted = subprocess.run(["sh", "-c", m.group(1)], cwd=ROOT, env=env, capture_output=True,
                                text=True) if m else None
        new = re.findall(r"[A-Z0-9]{1,8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", minted.stdout) if minted else []
        known = new and subprocess.run([os.path.join(BINDIR, "onlytoken"), "check", new[0],
                                        "--db", os.path.join(d, "var", "tokens.db"), "--keys",
                                        os.path.join(d, "var", "verifier.keys")],
                                       capture_output=True).returncode == 0
        check(known, "the printed 'More codes' command mints into the running "
              "stack's store, run from anywhere", (m and m.group(1), minted and minted.stderr))
        check("http://127.0.0.1:%d/" % port in r.stdout and len(codes) == 2,
              "it prints the URL and the two codes", r.stdout)
        check(answers(port) and answers(cdn_port), "the site and the CDN stand-in answer")
        with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as resp:
            check(resp.status == 200, "the home page is served")
        # make run PORT=N: every absolute URL of the site names that port, none
        # site.json's :8080 (canonical, og:url, feed, sitemap, robots.txt).
        here = "http://127.0.0.1:%d/" % port
        texts = {}
        for f in ("", "robots.txt", "sitemap.xml", "feed.xml"):
            try:
                with urllib.request.urlopen(here + f, timeout=10) as resp:
                    texts[f or "index.html"] = resp.read().decode("utf-8", "replace")
            except OSError as e:
                texts[f or "index.html"] = "(%s)" % e
        check(all(here in t and ":8080" not in t for t in texts.values()),
              "the home page, robots.txt, sitemap.xml and feed.xml name PORT, not :8080",
              {k: v[:300] for k, v in texts.items() if here not in v or ":8080" in v})
        left = subprocess.run(["grep", "-rl", ":8080", os.path.join(d, "site")],
                              capture_output=True, text=True).stdout
        check(left == "", "no file of the built site names :8080", left)

        groups = stack_groups(d)
        check(len(groups) == 2 and len(alive_in(groups)) >= 2,
              "two process groups are recorded and running (CDN, lighttpd)", alive_in(groups))
        r = run(["--stop", "--dir", d], env)
        check(r.returncode == 0 and not answers(port) and not answers(cdn_port),
              "--stop frees both ports", r.stderr)
        check(not alive_in(groups), "--stop leaves no process behind", alive_in(groups))

        r2 = run(["--background", "--dir", d], env)
        codes2 = re.findall(r"(VIP|PPV) code: ([A-Z0-9]{1,8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", r2.stdout)
        check(r2.returncode == 0 and codes2 == codes, "a second run reuses the codes", r2.stdout + r2.stderr)
        # On failure, both runs' build lines and warnings: a second run that
        # fetched images means the first one's fetches failed (and why).
        check(re.search(r"onlygen build: .* 0 written", r2.stdout + r2.stderr) is not None,
              "and rewrites no page of the site",
              "first run:\n" + "\n".join(ln for ln in (first_out).splitlines()
                                          if "onlygen" in ln or "warning" in ln) +
              "\nsecond run:\n" + r2.stdout + r2.stderr)

        groups |= stack_groups(d)
        busy_env, busy_dir = base_env(port, free_port()), tempfile.mkdtemp(prefix="run-demo-busy-")
        try:
            r3 = run(["--background", "--dir", busy_dir], busy_env)
            check(r3.returncode == 1 and "PORT=N" in r3.stderr and "in use" in r3.stderr,
                  "a busy port is refused with a message naming PORT=N", r3.stderr)
        finally:
            run(["--stop", "--dir", busy_dir], busy_env)
            shutil.rmtree(busy_dir, ignore_errors=True)
    finally:
        run(["--stop", "--dir", d], env)
        shutil.rmtree(d, ignore_errors=True)
    check(not alive_in(groups), "nothing of the demo stack is left running", alive_in(groups))


def test_real_mode():
    d = tempfile.mkdtemp(prefix="run-demo-real-")
    api = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fakes", "bunny_api.py"),
                            "--library", "301742", "--key", "api-key-test",
                            "--catalog", os.path.join(ROOT, "demo", "catalog")],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port, cdn_port = free_port(), free_port()
    env = base_env(port, cdn_port)
    env.update(BUNNY_API_KEY="api-key-test", BUNNY_LIBRARY_ID="301742",
               BUNNY_CDN_HOSTNAME="vz-test-1.b-cdn.net", BUNNY_TOKEN_KEY="zone-token-key")
    try:
        line = api.stdout.readline()
        env["BUNNY_API_BASE"] = "http://127.0.0.1:%s" % line.split()[1]
        r = run(["--background", "--dir", d], env)
        check(r.returncode == 0 and "Bunny library 301742" in r.stdout,
              "with BUNNY_API_KEY and BUNNY_LIBRARY_ID it pulls the library", r.stdout + r.stderr)
        text = open(os.path.join(d, "var", "verifier.keys"), encoding="utf-8").read() \
            if r.returncode == 0 else ""
        check("BUNNY_TOKEN_KEY=zone-token-key\n" in text and "DEMO=1" not in text,
              "the keys file takes BUNNY_TOKEN_KEY and no DEMO=1")
        hosts = subprocess.run(["sqlite3", "-readonly", os.path.join(d, "var", "access.db"),
                                "SELECT DISTINCT cdn_host FROM videos;"], capture_output=True, text=True).stdout
        check(hosts.split() == ["vz-test-1.b-cdn.net"], "access.db points at BUNNY_CDN_HOSTNAME", hosts)
        check(not answers(cdn_port), "no CDN stand-in is started")
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as resp:
                csp = resp.headers.get("Content-Security-Policy", "")
        except OSError as e:
            csp = str(e)
        check("media-src 'self' blob: https://vz-test-1.b-cdn.net" in csp,
              "the CSP allows media from https://BUNNY_CDN_HOSTNAME", csp)
    finally:
        run(["--stop", "--dir", d], env)
        api.terminate()
        api.wait()
        shutil.rmtree(d, ignore_errors=True)


def test_ctrl_c():
    """The foreground mode on a terminal: Ctrl-C stops both servers, nothing left behind."""
    import pty
    import select
    import time
    d = tempfile.mkdtemp(prefix="run-demo-ctrlc-")
    port, cdn_port = free_port(), free_port()
    env = base_env(port, cdn_port)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(RUN_DEMO, [RUN_DEMO, "--dir", d], env)
    out, groups, status = b"", set(), None
    try:
        deadline = time.time() + 120
        while b"Stop with Ctrl-C" not in out and time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 1)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        groups = stack_groups(d)
        check(b"Stop with Ctrl-C" in out and answers(port) and answers(cdn_port),
              "foreground: both servers answer", out.decode(errors="replace")[-800:])
        os.write(fd, b"\x03")  # the terminal's Ctrl-C: SIGINT to the foreground group
        deadline = time.time() + 30
        while status is None and time.time() < deadline:
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid == pid:
                status = st
            else:
                time.sleep(0.1)
        check(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
              "Ctrl-C: run-demo exits 0", status)
        check(groups and not alive_in(groups) and not answers(port) and not answers(cdn_port),
              "Ctrl-C: no process of the stack is left and both ports are free", alive_in(groups))
    finally:
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
        run(["--stop", "--dir", d], env)
        shutil.rmtree(d, ignore_errors=True)


def test_demo_then_real():
    """README's way from the demo to a real library, in one state directory:
    demo keys are refused with instructions, and after following them a
    small real library (8 videos after the demo's 26) is pulled and served."""
    d = tempfile.mkdtemp(prefix="run-demo-switch-")
    port, cdn_port = free_port(), free_port()
    env = base_env(port, cdn_port)
    api = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fakes", "bunny_api.py"),
                            "--library", "301742", "--key", "api-key-test", "--items",
                            os.path.join(ROOT, "tests", "fixtures", "bunny", "hostile-videos.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        r = run(["--background", "--dir", d], env)
        check(r.returncode == 0, "switch: the demo runs first", r.stdout + r.stderr)
        run(["--stop", "--dir", d], env)
        real = dict(env, BUNNY_API_KEY="api-key-test", BUNNY_LIBRARY_ID="301742",
                    BUNNY_CDN_HOSTNAME="vz-test-1.b-cdn.net", BUNNY_TOKEN_KEY="zone-token-key-42",
                    BUNNY_API_BASE="http://127.0.0.1:%s" % api.stdout.readline().split()[1])
        r = run(["--background", "--dir", d], real)
        check(r.returncode == 1 and "DEMO=1" in r.stderr and "var/verifier.keys" in r.stderr
              and "zone-token-key-42" not in r.stdout + r.stderr,
              "switch: the demo's keys file is refused with what to do (and no key printed)",
              r.stdout + r.stderr)
        check(not answers(port), "switch: nothing is served with the demo's keys")
        os.remove(os.path.join(d, "var", "verifier.keys"))
        os.remove(os.path.join(d, "var", "demo-codes"))
        r = run(["--background", "--dir", d], real)
        check(r.returncode == 0 and "8 videos" in r.stdout + r.stderr,
              "switch: after the README's steps, a library of 8 videos replaces the demo's 26",
              r.stdout + r.stderr)
        run(["--stop", "--dir", d], real)
        kf = os.path.join(d, "var", "verifier.keys")
        with open(kf, encoding="ascii") as f:
            text = f.read()
        with open(kf, "w", encoding="ascii") as f:
            f.write(text.replace("BUNNY_TOKEN_KEY=zone-token-key-42", "BUNNY_TOKEN_KEY=another-zone-key-0000"))
        r = run(["--background", "--dir", d], real)
        check(r.returncode == 1 and "BUNNY_TOKEN_KEY" in r.stderr
              and "zone-token-key-42" not in r.stdout + r.stderr and "another-zone-key" not in r.stderr,
              "switch: a BUNNY_TOKEN_KEY that differs from the keys file's is refused", r.stderr)
    finally:
        run(["--stop", "--dir", d], env)
        api.terminate()
        api.wait()
        shutil.rmtree(d, ignore_errors=True)


def test_same_ports():
    """make run PORT=8081 (the CDN stand-in's default port): refused up front, or
    the stand-in would answer for the site and run-demo would report success."""
    d = tempfile.mkdtemp(prefix="run-demo-ports-")
    p = free_port()
    env = base_env(p, p)
    try:
        r = run(["--background", "--dir", d], env)
        check(r.returncode == 2 and "CDN_PORT" in r.stderr and not answers(p),
              "PORT equal to CDN_PORT is a usage error naming CDN_PORT", r.stdout + r.stderr)
    finally:
        run(["--stop", "--dir", d], env)
        shutil.rmtree(d, ignore_errors=True)

test_demo_mode()
test_same_ports()
test_ctrl_c()
test_real_mode()
test_demo_then_real()
sys.exit(1 if failures else 0)
