#!/usr/bin/env python3
"""Writes src/engine/search/synonymer-sv.txt, the thesaurus the search falls back on
for a query word the ruleset does not know, from LibreOffice's Swedish MyThes file
(Debian package mythes-sv): single words only, lowercase, UTF-8, one group per line
(the headword, then its synonyms, separated by spaces).

Usage: python3 scripts/thesaurus.py [/usr/share/mythes/th_sv_SE_v2.dat] [OUT]
The output is the same for the same input (the groups are sorted).
"""
import sys

NOTICE = """\
# Svenska synonymer: ett ord och dess synonymer per rad, åtskilda av mellanslag.
# Härledd av scripts/thesaurus.py ur th_sv_SE_v2.dat (Debian-paketet mythes-sv):
# bara enstaka ord, gemener, UTF-8; grupper med flerordsuttryck har kortats.
#
# Synonymlistan: Copyright 2009 Viggo Kann, KTH.
#  THIS MATERIAL IS PROVIDED AS IS, WITH ABSOLUTELY NO WARRANTY EXPRESSED
#  OR IMPLIED.  ANY USE IS AT YOUR OWN RISK.
#
#  Permission is hereby granted to use or copy this program
#  for any purpose,  provided the above notices are retained on all copies.
#  Permission to modify the code and to distribute modified code is granted,
#  provided the above notices are retained, and a notice that the code was
#  modified is included with the above copyright notice.
#
# Modified: converted to this format by scripts/thesaurus.py (rosa).
"""


def single_word(text):
    return text.isalpha()


def groups(lines):
    """(headword, [synonyms]) for each entry of a MyThes file."""
    lines = iter(lines)
    for line in lines:
        if line.startswith("|") or "|" not in line:
            continue
        head, count = line.rsplit("|", 1)
        synonyms = []
        for _ in range(int(count)):
            meaning = next(lines, "")
            synonyms.extend(s for s in meaning.rstrip("\n").split("|")[1:] if s)
        yield head, synonyms


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/mythes/th_sv_SE_v2.dat"
    out = sys.argv[2] if len(sys.argv) > 2 else "src/engine/search/synonymer-sv.txt"
    with open(source, encoding="iso-8859-1") as f:
        first = f.readline()  # the encoding's name
        assert first.strip() == "ISO8859-1" or "8859" in first, first
        merged = {}
        for head, synonyms in groups(f):
            head = head.strip().lower()
            if not single_word(head):
                continue
            words = merged.setdefault(head, [])
            for s in synonyms:
                s = s.strip().lower()
                if single_word(s) and s != head and s not in words:
                    words.append(s)
    rows = sorted(f"{head} {' '.join(words)}" for head, words in merged.items() if words)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(NOTICE)
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
