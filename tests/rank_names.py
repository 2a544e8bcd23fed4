#!/usr/bin/env python3
"""rank_names.py — orders voices/vi/names.tsv by how often each name occurs in the text at hand.

Counts every entry's occurrences, matched as the normalizer matches them (case-insensitive,
whole words, each part the file writes with a capital written with one), in
../shared/corpora/vi-sd-dev.txt, ../shared/samples/* and the text of the real pages in
../shared/fixtures/ (HTML text outside scripts and styles, the RSS capture's items). Rewrites
the file: its header comment, then the entries seen, most frequent first, then those not seen,
in the order they already had (the maintainers' estimate of how often Vietnamese news says
them). Prints how many were seen. Run from the repository root: python3 tests/rank_names.py
"""
import glob
import html
import re
import sys
import unicodedata
from html.parser import HTMLParser

NAMES = "voices/vi/names.tsv"
SHARED = "../shared/"


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "noscript")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def corpus():
    texts = [open(SHARED + "corpora/vi-sd-dev.txt", encoding="utf-8").read()]
    for f in sorted(glob.glob(SHARED + "samples/*")):
        texts.append(open(f, encoding="utf-8", errors="replace").read())
    for f in sorted(glob.glob(SHARED + "fixtures/**/*.html", recursive=True)):
        p = Text()
        p.feed(open(f, encoding="utf-8", errors="replace").read())
        texts.append("\n".join(p.out))
    for f in sorted(glob.glob(SHARED + "fixtures/*.rss")):
        raw = html.unescape(open(f, encoding="utf-8").read())
        texts.append(html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    return unicodedata.normalize("NFC", "\n".join(texts))


def caps_ok(form, seen):
    """Each part of form that starts with a capital starts with one in seen."""
    start = True
    for f, s in zip(form, seen):
        if start and f.isupper() and not s.isupper():
            return False
        start = f in " -"
    return True


def main():
    lines = open(NAMES, encoding="utf-8").read().splitlines()
    head = []
    while lines and lines[0].startswith("#"):
        head.append(lines.pop(0))
    entries = [l for l in lines if "\t" in l and not l.startswith("#")]
    text = corpus()
    counted = []
    for i, line in enumerate(entries):
        name = unicodedata.normalize("NFC", line.split("\t")[0])
        pat = re.compile(r"(?<!\w)" + re.escape(name) + r"(?![\w])", re.IGNORECASE)
        n = sum(caps_ok(name, m.group(0)) for m in pat.finditer(text))
        counted.append((-n, i, line))
    counted.sort()
    seen = sum(1 for c in counted if c[0] < 0)
    with open(NAMES, "w", encoding="utf-8") as out:
        out.write("\n".join(head) + "\n")
        for _, _, line in counted:
            out.write(line + "\n")
    print(f"{len(entries)} names, {seen} seen in the corpora", file=sys.stderr)


if __name__ == "__main__":
    main()
