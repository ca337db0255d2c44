"""The CDN stand-in (tests/fakes/bunny_cdn.py) as a process of a test, on a
port of its own choosing (0: a free one) with the given switches, until
stop()."""

import os
import subprocess
import sys

ROOT = os.environ.get("ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


class Cdn:
    def __init__(self, key_file, media=None, map_file=None, broken=(), port=0, flags=()):
        args = [sys.executable, os.path.join(ROOT, "tests", "fakes", "bunny_cdn.py"),
                "--port", str(port), "--media", media or os.path.join(ROOT, "demo", "media"),
                "--key-file", key_file, *flags]
        if map_file:
            args += ["--map", map_file]
        if broken:
            args += ["--broken-images", ",".join(broken)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("bunny_cdn listening on http://"):
            self.stop()
            raise RuntimeError("the CDN stand-in did not start: %r" % line)
        self.base = line.split(" on ", 1)[1]
        self.host = self.base[len("http://"):]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
