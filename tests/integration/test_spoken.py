#!/usr/bin/env python3
"""What reaches the voice (issue 17): `docbao text` over both corpora (../shared/corpora and
../shared/samples) and over the text `docbao extract` takes from the real pages
(../shared/fixtures/real/*_article*.html, ../shared/fixtures/vnexpress/*.html, each with its
site's rules) must hold no ASCII digit and no unknown all-caps word: a run of two or more
capitals that is not a Vietnamese syllable (CỘNG HÒA may stay; an abbreviation must have been
expanded from voices/vi/abbreviations.tsv or spelled with letters.tsv). The same path a
listener gets: credits dropped, sentences split, words normalized.

The check is shown to fail: on planted lines, and on the corpus read with a user lexicon
that leaves a capitalised word where a Vietnamese one was."""
import glob
import os
import re
import unicodedata

from lib import ROOT, SHARED, Sandbox, check, done
from real_pages import PAGES

CORPORA = [os.path.join(SHARED, "corpora", "vi-sd-dev.txt")] + sorted(
    glob.glob(os.path.join(SHARED, "samples", "*.txt")))
REAL = sorted(glob.glob(os.path.join(SHARED, "fixtures", "real", "*_article*.html")))
VNEXPRESS = sorted(glob.glob(os.path.join(SHARED, "fixtures", "vnexpress", "*.html")))

# A Vietnamese syllable, tone marks taken off: onset, one of the vowel clusters, final.
ONSET = "(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
NUCLEUS = ("(uyê|uya|uyu|iêu|yêu|oai|oay|oeo|uây|uôi|ươi|ươu|ai|ao|au|ay|âu|ây|eo|êu|ia|"
           "iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
           "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y)")
FINAL = "(ch|ng|nh|c|m|n|p|t)?"
SYLLABLE = re.compile("^" + ONSET + NUCLEUS + FINAL + "$")
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
CAPS = re.compile(r"[^\W\d_]{2,}")


def untoned(word):
    d = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in TONES))


def problems(line):
    """What in one spoken line must not reach the voice: digits, unknown all-caps words."""
    found = re.findall(r"[0-9]", line)
    for w in CAPS.findall(line):
        if sum(1 for c in w if c.isupper()) >= 2 and w == w.upper() and \
                not SYLLABLE.match(untoned(w)):
            found.append(w)
    return found


def spelled(text):
    """The all-caps words of the written text docbao spells (not in abbreviations.tsv,
    not a syllable), most frequent first: printed for whoever grows the lexicon."""
    keys = set()
    with open(os.path.join(ROOT, "voices", "vi", "abbreviations.tsv"), encoding="utf-8") as f:
        for line in f:
            if "\t" in line and not line.startswith("#"):
                keys.add(line.split("\t")[0].lower())
    counts = {}
    for w in re.findall(r"(?<![\w.&-])[^\W\d_]{2,}(?![\w.&-])", text):
        if w == w.upper() and w.lower() not in keys and not SYLLABLE.match(untoned(w)):
            counts[w] = counts.get(w, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def scan(name, text):
    """Checks every spoken line of text; returns the number of lines."""
    lines = [l for l in text.splitlines() if l.strip()]
    bad = [(l, p) for l in lines for p in [problems(l)] if p]
    check(lines and not bad, f"{name}: {len(lines)} spoken lines, no digit and no unknown "
          f"all-caps word", "\n".join(f"{p}: {l[:120]}" for l, p in bad[:10]))
    return len(lines)


sb = Sandbox()
try:
    # the checker itself: it must see what it is for
    check(problems("giá ABC tăng") == ["ABC"], "planted: an all-caps word is found")
    check(problems("có 5 người") == ["5"], "planted: a digit is found")
    check(problems("CỘNG HÒA XÃ HỘI CHỦ NGHĨA") == [], "capitalised Vietnamese syllables pass")
    check(problems("ủy ban nhân dân, vê tê xê") == [], "expanded and spelled words pass")

    total = 0
    for path in CORPORA:
        r = sb.run("text", path)
        check(r.returncode == 0, f"text {os.path.basename(path)} exits 0", r.stderr.decode())
        total += scan(os.path.basename(path), r.stdout.decode())
        with open(path, encoding="utf-8") as f:
            top = spelled(f.read())[:12]
        print(f"# all-caps words not in the lexicon (spelled, unless in a credit) in "
              f"{os.path.basename(path)}: " + ", ".join(f"{w} {n}" for w, n in top))
    for path in REAL + VNEXPRESS:
        base = os.path.basename(path)
        site = base.split("_")[0]
        args = ["extract", path] + (["--url", PAGES[site]] if site in PAGES else [])
        r = sb.run(*args)
        check(r.returncode == 0 and r.stdout.strip(), f"extract {base} gives text",
              r.stderr.decode())
        t = sb.run("text", "-", stdin=r.stdout)
        check(t.returncode == 0, f"text of {base} exits 0", t.stderr.decode())
        total += scan(base, t.stdout.decode())
    check(total > 3500, f"{total} spoken lines checked in all")

    # agency credits opening a paragraph are never spoken: text, and read of a text file
    credits = ("TTO - Sáng nay mưa lớn.\n(Dân trí) - Chiều nay nắng.\nVOV.VN - Tối nay gió.\n"
               "NDĐT - Đêm nay lạnh.\n(Chinhphu.vn) - Mai mưa.\nCOVID-19 - dịch bệnh.\n")
    r = sb.run("text", "-", stdin=credits.encode())
    check(r.stdout.decode().splitlines() == ["Sáng nay mưa lớn.", "Chiều nay nắng.",
                                             "Tối nay gió.", "Đêm nay lạnh.", "Mai mưa.",
                                             "cô vít mười chín - dịch bệnh."],
          "text: no agency credit is spoken", r.stdout.decode())
    src = sb.path("credit.txt")
    with open(src, "w", encoding="utf-8") as f:
        f.write("Tiêu đề\n\nTTO - Sáng nay mưa lớn ở Hà Nội và nhiều tỉnh phía bắc.\n")
    r = sb.run("read", "-v", "--export", sb.path("credit.wav"), src)
    out = r.stdout.decode() + r.stderr.decode()
    check(r.returncode == 0 and "Sáng nay mưa lớn" in out and "TTO" not in out and
          "tê tê o" not in out, "read of a text file: the credit on its second paragraph is "
          "not spoken", out)

    # planted through docbao itself: a user lexicon entry that leaves capitals must fail it
    os.makedirs(sb.path("config/docbao"), exist_ok=True)
    with open(sb.path("config/docbao/lexicon.tsv"), "w") as f:
        f.write("nay\tXQZ\n")
    r = sb.run("text", CORPORA[0])
    planted = [l for l in r.stdout.decode().splitlines() if problems(l)]
    check(planted and all("XQZ" in problems(l) for l in planted),
          f"planted: the corpus with 'nay' read as XQZ fails the check ({len(planted)} lines)")
finally:
    sb.close()
done()
