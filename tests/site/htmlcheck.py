#!/usr/bin/env python3
"""htmlcheck.py FILE... — well-formedness of generated HTML: every non-void
element closed in order, no stray end tags, exactly one <h1>, one <main>,
and the document ends with </html>.  Prints one line per bad file; exit 1
if any."""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.count = [], [], {}

    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append("stray </%s> at %d:%d (open: %s)" % (
                tag, *self.getpos(), self.stack[-1][0] if self.stack else "nothing"))
            return
        self.stack.pop()


bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    c = Checker()
    c.feed(text)
    c.close()
    errs = list(c.errors)
    if c.stack:
        errs.append("unclosed: " + ", ".join(t for t, _ in c.stack))
    if c.count.get("h1", 0) != 1:
        errs.append("%d <h1> elements" % c.count.get("h1", 0))
    if c.count.get("main", 0) != 1:
        errs.append("%d <main> elements" % c.count.get("main", 0))
    if not text.rstrip().endswith("</html>"):
        errs.append("does not end with </html>")
    if errs:
        bad += 1
        print("%s: %s" % (path, "; ".join(errs[:5])))
sys.exit(1 if bad else 0)
